#!/bin/sh
# The VMM's command line: clear errors for bad arguments (on any host: they
# are refused before KVM is opened), the missing /dev/kvm said as such, and
# where KVM is present the probe output and errors for bad kernel images.
BUILD=${BUILD:-build}
VMM="$BUILD/xenkvm-vmm"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect_error() {	# pattern, args...
	pat=$1; shift
	"$VMM" "$@" > "$tmp/out" 2>&1
	st=$?
	[ $st -ne 0 ] && [ $st -lt 128 ] || fail "'$*' exited $st"
	grep -q "$pat" "$tmp/out" || { cat "$tmp/out"; fail "'$*' did not say '$pat'"; }
}
expect_error "bad memory size" --memory 0 "$BUILD/guests/pvh64.elf"
expect_error "bad vCPU count" --vcpus 99 "$BUILD/guests/pvh64.elf"
expect_error "usage" --bogus
expect_error "maxmem 32 is below --memory 64" --memory 64 --maxmem 32 "$BUILD/guests/pvh64.elf"
expect_error "maxmem above --memory is for PV domains only" --memory 16 --maxmem 32 \
	"$BUILD/guests/pvh64.elf"
if [ ! -r /dev/kvm ]; then
	expect_error "/dev/kvm: .*guests run on KVM" --memory 16 "$BUILD/guests/pvh64.elf"
	echo "vmm cli: the checks that need no KVM passed (the rest need /dev/kvm)"
	exit 0
fi
"$VMM" --probe > "$BUILD/probe.out" 2>&1 || fail "--probe exited non-zero"
grep -q '^cap SYNC_REGS' "$BUILD/probe.out" || fail "--probe lists no capabilities"
grep -q '^guest PVH/HVM via the hypercall page: yes' "$BUILD/probe.out" ||
	fail "--probe does not say PVH guests can run"
grep -q '^in-kernel Xen support:' "$BUILD/probe.out" || fail "--probe lacks the in-kernel Xen line"

printf 'not an elf at all' > "$tmp/junk"
head -c 64 "$BUILD/guests/pvh64.elf" > "$tmp/truncated"
expect_error "not an ELF" "$tmp/junk"
expect_error "not an x86 ELF" "$tmp/truncated"
expect_error "No such file" "$tmp/missing.elf"
objcopy --remove-section .note "$BUILD/guests/pvh64.elf" "$tmp/nonote.elf" 2>/dev/null &&
	expect_error "not a PVH kernel" "$tmp/nonote.elf"
echo "vmm cli: all checks passed"
