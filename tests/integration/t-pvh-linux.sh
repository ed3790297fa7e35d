#!/bin/sh
# Debian's 6.12 cloud kernel as a PVH DomU under xenkvmd. Linux 6.12 makes
# its hypercalls with VMCALL/VMMCALL and no hypercall page, so it runs only
# where KVM catches them (door 2: hosts with KVM's in-kernel Xen support, as
# the SVM rig's kernel has): it reaches /init on hvc0 and sees Xen and its
# xenstore nodes. Not yet: its second vCPU does not come online (no LAPIC
# for PVH), and it cannot power itself off (no ACPI), so it is destroyed.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; tail -n 40 "$dir/console/1.log"; tail -n 10 "$dir/vmm/1.log"; "$XL" dmesg | tail -n 20; exit 1; }
"$BUILD/xenkvm-vmm" --probe | grep -q '^door a PVH guest uses here: 2' || {
	echo "skipped: Linux 6.12 as a PVH guest needs door 2 (KVM's in-kernel Xen support), which this host's KVM lacks"
	exit 77
}
kernel=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}/linux-pvh/vmlinuz
[ -f "$kernel" ] || kernel=$(sh scripts/fetch-linux-pvh.sh 2>/dev/null) || {
	echo "skipped: no Debian 6.12 cloud kernel (scripts/fetch-linux-pvh.sh could not fetch it)"
	exit 77
}
debian_guest
cat > "$dir/pvh.cfg" <<CFG
name = "pvhlinux"
type = "pvh"
kernel = "$kernel"
ramdisk = "$dir/initrd.gz"
memory = 512
vcpus = 2
extra = "console=hvc0 xenkvm.test=shutdown"
CFG
start=$(date +%s)
"$XL" create "$dir/pvh.cfg" || fail "xl create"
log="$dir/console/1.log"
await_init pvhlinux
echo "booted to /init in $(( $(date +%s) - start )) s"
grep -q "hypercalls through door 2 " "$dir/vmm/1.log" || fail "the VMM does not use door 2"
grep -q 'Linux version 6\.12' "$log" || fail "no 6.12 kernel banner on hvc0"
grep -q 'Booting kernel on Xen PVH' "$log" || fail "the kernel does not say it runs as Xen PVH"
grep -q 'xenkvm-init: hypervisor: xen' "$log" || fail "/sys/hypervisor/type is not xen"
grep -q "xenkvm-init: domid from xenstore: $("$XL" domid pvhlinux)" "$log" ||
	fail "the guest did not read its domid from xenstore"
tr -d '\r' < "$log" | grep 'xenkvm-init: cpus online'
"$XL" destroy pvhlinux || fail "xl destroy"
await_gone pvhlinux 30
echo "ok"
