#!/bin/sh
# xl and xenkvmd over several domains: create, list, xenstore nodes, pause,
# destroy, a VMM killed under a domain shows as crashed while the others keep
# running, and a clean shutdown through control/shutdown.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }

for n in one two three; do
	cat > "$dir/$n.cfg" <<CFG
# test domain $n
name = "$n"
type = "pvh"
kernel = "$BUILD/guests/pvh64.elf"
memory = 16
vcpus = 2
cmdline = "idle"
on_crash = "preserve"
CFG
	"$XL" create "$dir/$n.cfg" || fail "xl create $n"
done

"$XL" list > "$dir/list" || fail "xl list"
cat "$dir/list"
head -n 1 "$dir/list" | grep -q '^Name  *ID   Mem VCPUs' || fail "list header"
grep -q '^Domain-0  *0 ' "$dir/list" || fail "Domain-0 missing"
for n in one two three; do
	grep -q "^$n  *[0-9][0-9]*  *16  *2  *r-----" "$dir/list" || fail "$n not running"
done
# The hypercall door a PVH domain gets: the one --probe and xl info name.
door=$("$BUILD/xenkvm-vmm" --probe | sed -n 's/^door a PVH guest uses here: \([12]\).*/\1/p')
[ -n "$door" ] || fail "xenkvm-vmm --probe names no door for PVH guests"
"$XL" info | grep -q "^hypercall_doors *: pv: 3 (PV runtime), pvh: $door " ||
	fail "xl info: $("$XL" info | grep hypercall_doors), --probe: door $door"
grep -q "hypercalls through door $door " "$dir/vmm/1.log" ||
	fail "domain one's VMM does not use door $door: $(grep door "$dir/vmm/1.log")"
[ "$("$XL" domid two)" = 2 ] || fail "xl domid two"
[ "$("$XL" domname 3)" = three ] || fail "xl domname 3"
# The toolstack's nodes, read with Debian's own xenstore clients.
XENSTORED_PATH="$dir/xenstored.sock"
export XENSTORED_PATH
if command -v xenstore-ls >/dev/null; then
	xenstore-ls /local/domain > "$dir/xs" || fail "xenstore-ls"
	grep -q '^ *name = "three"' "$dir/xs" || fail "xenstore lacks domain three: $(cat "$dir/xs")"
	[ "$(xenstore-read /local/domain/2/name)" = two ] || fail "xenstore-read name"
	[ "$(xenstore-read /local/domain/3/memory/target)" = 16384 ] || fail "memory/target"
	vm=$(xenstore-read /local/domain/1/vm) || fail "vm path"
	[ "$(xenstore-read "$vm/name")" = one ] || fail "/vm/<uuid>/name"
	xenstore-ls -p /local/domain/2 | grep -q '^control = "".*(n2)$' ||
		fail "control/ not owned by the guest: $(xenstore-ls -p /local/domain/2)"
	xenstore-ls -p /local/domain/2 | grep -q '^name = "two".*(n0,r2)$' ||
		fail "name not read-only to the guest"
else
	echo "note: xenstore-utils missing; xenstore checks skipped"
fi

"$XL" create "$dir/one.cfg" 2> "$dir/err" && fail "duplicate name accepted"
grep -q 'already exists' "$dir/err" || fail "duplicate name error: $(cat "$dir/err")"

# A malformed config is refused with file, line and what was expected.
printf 'name = "bad"\nmemory 16\n' > "$dir/bad.cfg"
"$XL" create "$dir/bad.cfg" 2> "$dir/err" && fail "bad config accepted"
grep -q "bad.cfg:2: expected '=' after 'memory'" "$dir/err" || fail "bad config error: $(cat "$dir/err")"

"$XL" destroy one || fail "xl destroy one"
"$XL" list one 2>/dev/null && fail "one still listed after destroy"
if command -v xenstore-ls >/dev/null; then
	xenstore-read /local/domain/1/name 2>/dev/null && fail "one's xenstore nodes survive destroy"
	xenstore-read "$vm/name" 2>/dev/null && fail "one's /vm node survives destroy"
fi

# Kill domain two's VMM: two is crashed (kept: on_crash=preserve), three runs on.
pid=$(pgrep -f -- "xenkvm-vmm .*--domid 2 --console-log $dir/") || fail "no VMM for domain 2"
kill -9 "$pid"
sleep 0.5
"$XL" list two | grep -q '^two  *2 .* ---sc-' || fail "two not reported crashed"
"$XL" list three | grep -q '^three  *3 .* r-----' || fail "three disturbed by two's crash"
"$XL" dmesg | grep -q 'domain 2 (two) crashed (VMM killed by signal 9)' || fail "dmesg lacks the crash"

"$XL" pause three || fail "pause"
"$XL" list three | grep -q -- '--p---' || fail "three not paused"
"$XL" unpause three || fail "unpause"
"$XL" list three | grep -q 'r-----' || fail "three not running again"

# Console: output so far, then detach (stdin at EOF) without losing anything.
for i in $(seq 100); do
	grep -q '^guest: [0-9]* checks' "$dir/console/3.log" 2>/dev/null && break
	sleep 0.1
done
for i in 1 2; do
	"$XL" console three < /dev/null > "$dir/console$i" || fail "console attach $i"
	grep -q '^guest: [0-9]* checks' "$dir/console$i" || fail "console output $i"
done
# console_io's writes go to the hypervisor's log, as on Xen, not the console.
"$XL" dmesg | grep -q "^(d3) console_io: a line for the hypervisor's log$" ||
	fail "the guest's console_io line is not in xl dmesg"
grep -q "console_io: a line for" "$dir/console/3.log" &&
	fail "the guest's console_io line went to its console"

# A clean shutdown through xenstore's control/shutdown, as on Xen.
timeout 30 "$XL" shutdown -w three || fail "xl shutdown -w three"
"$XL" list three 2>/dev/null && fail "three still listed after shutdown (on_poweroff=destroy)"
grep -q '^guest: control/shutdown says poweroff' "$dir/console/3.log" ||
	fail "the guest did not see control/shutdown"
"$XL" dmesg | grep -q 'domain 3 (three) shutdown (VMM exited with status 0); action destroy' ||
	fail "dmesg lacks the clean shutdown"
"$XL" shutdown two 2>/dev/null && fail "shutdown of a crashed domain accepted"

"$XL" destroy two || fail "destroy"
[ "$("$XL" list | wc -l)" -eq 2 ] || fail "domains left over"
echo "xl domains: all checks passed"
