#!/bin/sh
# The main job for now: boot the 64-bit PVH test guest on /dev/kvm and show
# its console as it runs. (The Debian PV kernel demo arrives with PV support.)
set -e
BUILD=${BUILD:-build}
if [ ! -e /dev/kvm ]; then
	echo "demo: /dev/kvm is not present on this machine; nothing to boot" >&2
	exit 1
fi
echo "demo: host capabilities"
"$BUILD/xenkvm-vmm" --probe
echo "demo: booting $BUILD/guests/pvh64.elf (64-bit PVH test guest, 2 vCPUs)"
exec "$BUILD/xenkvm-vmm" --memory 16 --vcpus 2 "$BUILD/guests/pvh64.elf"
