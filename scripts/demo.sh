#!/bin/sh
# The main job: fetch Debian's cloud kernel and busybox-static, build an
# initramfs, and boot it as a 64-bit PV DomU under xenkvmd with its console
# attached (xl create -c). The guest powers itself off once /init has shown
# what it sees; XENKVM_DEMO_SHELL=1 leaves a busybox shell instead.
set -e
BUILD=${BUILD:-build}
if [ ! -e /dev/kvm ]; then
	echo "demo: /dev/kvm is not present on this machine; nothing to boot" >&2
	exit 1
fi
echo "demo: host capabilities"
"$BUILD/xenkvm-vmm" --probe
cache=$(sh scripts/fetch-assets.sh)
XENKVM_RUNDIR=${XENKVM_RUNDIR:-$(mktemp -d)}
export XENKVM_RUNDIR
sh scripts/mkinitramfs.sh "$cache" "$XENKVM_RUNDIR/initrd.gz" >/dev/null
extra="console=hvc0"
[ -n "${XENKVM_DEMO_SHELL:-}" ] || extra="$extra xenkvm.test"
cat > "$XENKVM_RUNDIR/debian.cfg" <<CFG
name = "debian"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$XENKVM_RUNDIR/initrd.gz"
memory = 256
vcpus = 2
extra = "$extra"
CFG
echo "demo: booting Debian's $(cat "$cache/kernel-version") as a PV guest (console attached; Ctrl-] detaches)"
"$BUILD/xl" create -c "$XENKVM_RUNDIR/debian.cfg"
