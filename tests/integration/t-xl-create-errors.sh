#!/bin/sh
# What xl create refuses, on any host (with /dev/kvm or without): each
# refusal exits non-zero and names the file and the cause, and no domain
# is left behind. A domain whose VMM stops before the guest runs (here a
# kernel that is no kernel; where /dev/kvm is absent, the missing KVM) is
# refused with the VMM's own words, and never restarted in a loop.
XL_TEST_ANY_HOST=1
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }

# refused NAME EXPECTED: xl create NAME.cfg fails and says EXPECTED
refused() {
	"$XL" create "$dir/$1.cfg" > "$dir/$1.out" 2>&1 && fail "$1.cfg was accepted"
	grep -q -- "$2" "$dir/$1.out" || fail "$1.cfg: expected \"$2\", got: $(cat "$dir/$1.out")"
	echo "refused $1.cfg: $(grep 'xl create\|cfg:' "$dir/$1.out" | tail -n 1)"
}

echo "this is not a kernel" > "$dir/notakernel"
base="memory = 64
vcpus = 1"

printf 'name = "syntax"\nmemory 16\n' > "$dir/syntax.cfg"
refused syntax "syntax.cfg:2: expected '=' after 'memory'"

printf 'name = "nokernel"\ntype = "pv"\n%s\nkernel = "%s"\n' "$base" "$dir/missing" > "$dir/nokernel.cfg"
refused nokernel "nokernel.cfg: kernel $dir/missing: No such file or directory"

printf 'name = "hvm"\ntype = "hvm"\n%s\nkernel = "%s"\n' "$base" "$dir/notakernel" > "$dir/hvm.cfg"
refused hvm 'type "hvm" guests are not supported'

printf 'name = "nodisk"\ntype = "pv"\n%s\nkernel = "%s"\ndisk = [ "%s,raw,xvda,rw" ]\n' \
	"$base" "$dir/notakernel" "$dir/missing.img" > "$dir/nodisk.cfg"
refused nodisk "disk xvda: cannot open $dir/missing.img: No such file or directory"

printf 'name = "badchan"\ntype = "pv"\n%s\nkernel = "%s"\nchannel = [ "name=a,connection=serial" ]\n' \
	"$base" "$dir/notakernel" > "$dir/badchan.cfg"
refused badchan "badchan.cfg:6: channel connection=serial: expected pty or socket"
printf 'name = "chandir"\ntype = "pv"\n%s\nkernel = "%s"\nchannel = [ "name=a,connection=socket,path=%s/no/such.sock" ]\n' \
	"$base" "$dir/notakernel" "$dir" > "$dir/chandir.cfg"
refused chandir "channel a: cannot listen on $dir/no/such.sock: No such file or directory"

printf 'name = "chanbusy"\ntype = "pv"\n%s\nkernel = "%s"\nchannel = [ "name=b,connection=socket,path=%s/xenstored.sock" ]\n' \
	"$base" "$dir/notakernel" "$dir" > "$dir/chanbusy.cfg"
refused chanbusy "channel b: $dir/xenstored.sock is in use by another program"
[ -S "$dir/xenstored.sock" ] || fail "a channel= on xenstored's socket removed it"

printf 'name = "badcpuid"\ntype = "pv"\n%s\nkernel = "%s"\ncpuid = "host,avx2=0,nosuch=1"\n' \
	"$base" "$dir/notakernel" > "$dir/badcpuid.cfg"
refused badcpuid "badcpuid.cfg:6: cpuid: unknown feature 'nosuch'"
printf 'name = "badxend"\ntype = "pv"\n%s\nkernel = "%s"\ncpuid = [ "1:ecx=0x1" ]\n' \
	"$base" "$dir/notakernel" > "$dir/badxend.cfg"
refused badxend "badxend.cfg:6: cpuid: "

printf 'name = "badvmm"\ntype = "pv"\n%s\nkernel = "%s"\non_crash = "restart"\n' \
	"$base" "$dir/notakernel" > "$dir/badvmm.cfg"
refused badvmm "badvmm.cfg: the domain's VMM stopped before the domain ran: xenkvm-vmm: "
if [ ! -r /dev/kvm ]; then
	grep -q "/dev/kvm: .*guests run on KVM" "$dir/badvmm.out" ||
		fail "no word of the missing /dev/kvm: $(cat "$dir/badvmm.out")"
fi

# Created paused, the VMM only runs (and stops) at unpause: the crash is
# logged with its cause and on_crash = "restart" does not start it again.
"$XL" create -p "$dir/badvmm.cfg" || fail "xl create -p badvmm"
"$XL" list badvmm | grep -q ' --p--- ' || fail "badvmm not paused"
"$XL" unpause badvmm || fail "xl unpause badvmm"
i=0
while "$XL" list badvmm >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "badvmm still listed 10 s after its VMM stopped"
	sleep 0.2
done
"$XL" dmesg > "$dir/dmesg"
grep -q "(badvmm) crashed (VMM exited with status 1: xenkvm-vmm: " "$dir/dmesg" ||
	fail "the crash is logged without its cause: $(tail -n 5 "$dir/dmesg")"
grep -q "(badvmm): not restarted: its VMM stopped before the domain ran" "$dir/dmesg" ||
	fail "no word of the restart not done: $(tail -n 5 "$dir/dmesg")"
[ "$(grep -c '(badvmm) created' "$dir/dmesg")" = 1 ] || fail "badvmm was created again"

# Nothing of any of them is left.
"$XL" list > "$dir/list" || fail "xl list"
[ "$(wc -l < "$dir/list")" = 2 ] || fail "domains left behind: $(cat "$dir/list")"
grep -q '^Domain-0 ' "$dir/list" || fail "Domain-0 missing"
echo "PASS"
