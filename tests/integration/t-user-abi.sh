#!/bin/sh
# What ordinary programs in a Debian PV guest see of the CPU, as on Xen:
# tests/guest/user-abi (an LDT with a 32-bit and a 16-bit data segment read
# through %gs, also across context switches; iopl and ioperm with port I/O
# allowed and refused; int $0x80 from a 64-bit program; NT and AC across
# syscall; rdfsbase #UD as CPUID hides FSGSBASE; DR0/DR1 watchpoints through
# ptrace, one of them hit by mov ss; single-stepping through system calls),
# tests/guest/int80-32 (an i386 program on int $0x80), and Debian's own
# i386 busybox-static, strace -f of a pipeline and gdb's hardware watchpoint.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; tail -n 60 "$dir/console/1.log"; tail -n 20 "$dir/vmm/1.log"; exit 1; }
debian_guest
progs=$(sh scripts/fetch-user-progs.sh) || {
	echo "skipped: cannot fetch strace, gdb-minimal and i386 busybox-static from Debian"
	exit 77
}
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" "$BUILD/user-abi" "$BUILD/int80-32" \
	"$progs/bin/strace" "$progs/bin/gdb" "$progs/bin/busybox-i386" > /dev/null || fail "mkinitramfs"
cat > "$dir/ua.cfg" <<CFG
name = "ua"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 512
vcpus = 1
extra = "console=hvc0 xenkvm.test=user-abi"
CFG
"$XL" create "$dir/ua.cfg" || fail "xl create"
await_gone ua 500
log=$(tr -d '\r' < "$dir/console/1.log")
echo "$log" | grep -E 'xenkvm-init: (user-abi|int80-32|i386|strace|gdb)'
echo "$log" | grep -q 'xenkvm-init: user-abi test done' || fail "the test mode did not finish"
for check in ldt iopl ioperm int80 syscall-flags fsgsbase watchpoint single-step; do
	echo "$log" | grep -q "xenkvm-init: user-abi: $check ok" || fail "user-abi $check"
done
echo "$log" | grep -q 'xenkvm-init: int80-32: int80 write ok pid [1-9]' || fail "the i386 program on int \$0x80"
echo "$log" | grep -q 'xenkvm-init: int80-32: vdso write ok pid [1-9]' ||
	fail "the i386 program through the vDSO (sysenter or syscall)"
echo "$log" | grep -q 'xenkvm-init: i386 busybox: HELLO I386' || fail "Debian's i386 busybox pipeline"
st=$(echo "$log" | sed -n 's/^xenkvm-init: strace rc \(.*\)/\1/p')
case $st in
"0: "[2-9]*" execve, "[1-9]*" pipe, "[2-9]*" exited 0, 0 killed") ;;
*) fail "strace -f of a pipeline: $st" ;;
esac
gdb=$(echo "$log" | sed -n 's/^xenkvm-init: gdb: //p')
echo "$gdb" | grep -q '^Hardware watchpoint 1: gdb_counter' || fail "gdb set no hardware watchpoint"
echo "$gdb" | grep -q '^Old value = 0' && echo "$gdb" | grep -q '^New value = 10' &&
	echo "$gdb" | grep -q '^Old value = 10' && echo "$gdb" | grep -q '^New value = 20' ||
	fail "gdb's watchpoint did not report 0 -> 10 -> 20"
echo "ok"
