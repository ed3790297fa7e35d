#!/bin/sh
# The rig's own pieces (scripts/svm-rig.sh), fetched from Debian's archive
# once into the cache: the 6.12 cloud kernel (kvm_amd with KVM's Xen support,
# CONFIG_KVM_XEN) and its kvm modules, unpacked, and busybox-static.
# Prints the directory that holds vmlinuz, the modules and busybox.
set -eu
# kvm_amd, and what the network tests use (tap, veth, a bridge), in load order
RIG_MODULES="virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-amd drivers/net/tun
	drivers/net/veth net/llc/llc net/802/stp net/bridge/bridge"
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
rig="$CACHE/rig"
mkdir -p "$rig/debs"
. "$(dirname "$0")/debs.sh"
cd "$rig/debs"
kpkg=$(apt-cache depends linux-image-6.12-cloud-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-6\.12\.[0-9].*-cloud-amd64\)$/\1/p' | head -n 1)
# No package lists (a machine without apt-get update): what was fetched before.
[ -n "$kpkg" ] || kpkg=$(cat "$rig/kernel-package" 2>/dev/null) || {
	echo "svm-rig: cannot resolve linux-image-6.12-cloud-amd64; run apt-get update" >&2
	exit 1
}
fetch_debs "$kpkg" busybox-static
if [ "$(cat "$rig/kernel-package" 2>/dev/null)" != "$kpkg" ] || [ ! -f "$rig/bridge.ko" ]; then
	x=$(mktemp -d "$rig/x.XXXXXX")
	dpkg -x "$(ls "${kpkg}"_*.deb | head -n 1)" "$x"
	dpkg -x "$(ls busybox-static_*.deb | head -n 1)" "$x"
	cp "$x"/boot/vmlinuz-* "$rig/vmlinuz"
	cp "$x/bin/busybox" "$rig/busybox"
	for m in $RIG_MODULES; do
		xz -dc "$x/lib/modules/"*/kernel/$m.ko.xz > "$rig/$(basename $m).ko"
	done
	rm -rf "$x"
	printf '%s\n' $RIG_MODULES | sed 's|.*/||' > "$rig/modules"
	echo "$kpkg" > "$rig/kernel-package"
fi
echo "$rig"
