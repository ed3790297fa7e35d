#!/bin/sh
# What xenkvmd does when a domain's VMM ends, on any host: the VMM here is
# build/fake-vmm, which says hello as xenkvm-vmm does and then leaves with
# the status of a guest that rebooted, crashed or powered off. on_reboot =
# "restart" starts the same machine again (new domid, same name and uuid);
# on_crash = "rename-restart" keeps the crashed one under a new name and
# uuid, with xenstore saying so, beside the restarted one; "preserve" keeps
# it listed as crashed; "destroy" leaves nothing.
XL_TEST_ANY_HOST=1
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }
. tests/integration/xl-xenstore-env.sh
"$BUILD/xenkvmd" --rundir "$dir" --vmm "$BUILD/fake-vmm" || fail "xenkvmd did not start"
"$XL" list > /dev/null || fail "xl cannot reach xenkvmd"
grep -q "vmm $BUILD/fake-vmm" "$dir/xenkvmd.log" || fail "xenkvmd is not using fake-vmm"

# await TEXT: xl dmesg shows TEXT within 10 s
await() {
	i=0
	until "$XL" dmesg | grep -q -- "$1"; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "no \"$1\" in xl dmesg after 10 s"
		sleep 0.2
	done
}
# domain NAME UUID ON_X=ACTION 'fake.* words'
domain() {
	cat > "$dir/$1.cfg" <<CFG
name = "$1"
uuid = "$2"
type = "pv"
kernel = "$dir/kernel"
memory = 32
$3
extra = "$4"
CFG
	"$XL" create "$dir/$1.cfg" || fail "xl create $1"
}
echo "no kernel: fake-vmm runs none" > "$dir/kernel"
U1=11111111-2222-3333-4444-555555555555
U2=66666666-7777-8888-9999-aaaaaaaaaaaa

# Rebooted: the same machine again under a new domid.
domain rebooter $U1 'on_reboot = "restart"' "fake.exit=2 fake.after_ms=200 fake.once=$dir/rebooted"
await "domain rebooter restarted as domain"
id=$("$XL" domid rebooter) || fail "rebooter is gone"
[ "$id" != 1 ] || fail "rebooter kept domid 1"
read_is /local/domain/$id/vm /vm/$U1
read_is /vm/$U1/name rebooter
xenstore-read /local/domain/1/name 2>/dev/null && fail "domain 1's nodes survive its reboot"
"$XL" destroy rebooter || fail "xl destroy rebooter"

# xl mem-set before a reboot outlives it, as libxl keeps the target: the
# new domain starts with it and may still grow to the old maximum.
domain shrinker 11111111-0000-0000-0000-00000000000a 'on_reboot = "restart"' \
	"fake.exit=2 fake.after_ms=1500 fake.once=$dir/shrunk"
"$XL" mem-set shrinker 24 || fail "xl mem-set shrinker 24"
await "domain shrinker restarted as domain"
id=$("$XL" domid shrinker) || fail "shrinker is gone"
read_is /local/domain/$id/memory/target 24576
read_is /local/domain/$id/memory/static-max 32768
vmm_args $id | grep -qF -- "--memory 24 --maxmem 32" ||
	fail "the restarted VMM's memory: $(vmm_args $id)"
"$XL" destroy shrinker || fail "xl destroy shrinker"

# Rebooted at once after its hello, maybe before xenkvmd read the hello:
# still a domain that ran, so restarted.
domain quick 11111111-0000-0000-0000-000000000004 'on_reboot = "restart"' \
	"fake.exit=2 fake.once=$dir/quick"
await "domain quick restarted as domain"
"$XL" destroy quick || fail "xl destroy quick"

# Crashed, rename-restart: the old one kept under name--domid and a new uuid.
domain crasher $U2 'on_crash = "rename-restart"' "fake.exit=3 fake.after_ms=200 fake.once=$dir/crashed"
old=$("$XL" domid crasher)
await "domain crasher restarted as domain"
new=$("$XL" domid crasher) || fail "no new crasher"
[ "$new" != "$old" ] || fail "crasher kept its domid"
"$XL" list "crasher--$old" | grep -q "  *---sc- " || fail "crasher--$old not kept as crashed"
read_is /local/domain/$old/name "crasher--$old"
read_is /local/domain/$new/name crasher
read_is /local/domain/$new/vm /vm/$U2
read_is /vm/$U2/name crasher
oldvm=$(xenstore-read /local/domain/$old/vm) || fail "crasher--$old has no vm node"
[ "$oldvm" != "/vm/$U2" ] || fail "the kept domain still claims uuid $U2"
read_is "$oldvm/name" "crasher--$old"
# Destroying the kept one takes nothing of the new one's.
"$XL" destroy "crasher--$old" || fail "xl destroy crasher--$old"
read_is /vm/$U2/name crasher
xenstore-read "$oldvm/name" 2>/dev/null && fail "$oldvm survives"
"$XL" destroy crasher || fail "xl destroy crasher"

# preserve and destroy.
domain keeper 11111111-0000-0000-0000-000000000001 'on_crash = "preserve"' "fake.exit=3"
await "(keeper) crashed (VMM exited with status 3: fake-vmm: leaving with status 3); action preserve"
"$XL" list keeper | grep -q "  *---sc- " || fail "keeper not listed as crashed"
# xl list -v: its uuid and Xen's shutdown reason, crash (3).
"$XL" list -v keeper | grep -q " 11111111-0000-0000-0000-000000000001  *3  *-\$" ||
	fail "xl list -v keeper: $("$XL" list -v keeper)"
# A watchdog's end follows on_watchdog; a guest that suspended itself is kept.
domain barker 11111111-0000-0000-0000-000000000008 'on_watchdog = "preserve"' "fake.exit=4"
await "(barker) shutdown (VMM exited with status 4); action preserve"
"$XL" list barker > /dev/null || fail "barker not kept (on_watchdog)"
domain sleeper 11111111-0000-0000-0000-000000000009 'on_poweroff = "destroy"' "fake.exit=5"
await "(sleeper) shutdown (VMM exited with status 5); action preserve"
"$XL" list sleeper > /dev/null || fail "sleeper not kept after suspending"
"$XL" destroy barker && "$XL" destroy sleeper || fail "xl destroy barker/sleeper"

# A VMM killed from outside left no last words: none are shown.
domain killed 11111111-0000-0000-0000-000000000003 'on_crash = "preserve"' ""
pid=$("$XL" dmesg | sed -n 's/.*(killed) created from .*, vmm pid \([0-9]*\).*/\1/p')
[ -n "$pid" ] || fail "no vmm pid for killed"
kill -9 "$pid"
await "(killed) crashed (VMM killed by signal 9); action preserve"
"$XL" destroy killed || fail "xl destroy killed"
domain leaver 11111111-0000-0000-0000-000000000002 'on_poweroff = "destroy"' "fake.exit=0"
await "(leaver) shutdown (VMM exited with status 0); action destroy"
"$XL" list leaver 2>/dev/null && fail "leaver still listed"
"$XL" destroy keeper || fail "xl destroy keeper"
# xl shutdown, reboot and sysrq write control/ as Xen's toolstack does; the
# fake guests here leave by themselves a moment later, as if they obeyed.
domain s1 11111111-0000-0000-0000-000000000005 'on_poweroff = "destroy"' \
	"fake.exit=0 fake.after_ms=1500"
s1=$("$XL" domid s1)
"$XL" sysrq s1 h || fail "xl sysrq s1 h"
read_is /local/domain/$s1/control/sysrq h
refused "a sysrq of two letters" 'a sysrq key is one letter, not "hh"' "$XL" sysrq s1 hh
"$XL" shutdown -w s1 || fail "xl shutdown -w s1"
"$XL" list s1 2>/dev/null && fail "s1 still listed after shutdown -w"
await "domain $s1 (s1): asked to power off"
# reboot -w waits for the domid it asked, though the name comes back.
domain s2 11111111-0000-0000-0000-000000000006 'on_reboot = "restart"' \
	"fake.exit=2 fake.after_ms=1500 fake.once=$dir/s2"
s2=$("$XL" domid s2)
"$XL" reboot -w s2 || fail "xl reboot -w s2"
await "domain $s2 (s2): asked to reboot"
await "domain s2 restarted as domain"
new=$("$XL" domid s2) || fail "s2 did not come back"
[ "$new" != "$s2" ] || fail "s2 kept its domid"
read_is /local/domain/$new/vm /vm/11111111-0000-0000-0000-000000000006
# -a: every domain gets the request (s2 is running again).
"$XL" shutdown -a || fail "xl shutdown -a"
read_is /local/domain/$new/control/shutdown poweroff
refused "shutting down a domain that is not there" "invalid domain identifier: nosuch" \
	"$XL" shutdown nosuch
"$XL" destroy s2 || fail "xl destroy s2"
# xl console: the log so far, then what is typed reaches the guest (here
# the fake echoes it into the log), and stdin's end detaches; -t pv -n 0
# name the one console there is, and other consoles are refused.
domain talker 11111111-0000-0000-0000-000000000007 'on_crash = "destroy"' "fake.echo=1"
i=0
until grep -q "fake guest: type something" "$dir/console/$("$XL" domid talker).log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "the fake console never started"
	sleep 0.1
done
(printf 'hello there\n'; sleep 1.5) | "$XL" console -t pv -n 0 talker > "$dir/console.out" ||
	fail "xl console -t pv -n 0 talker"
grep -q "fake guest: type something" "$dir/console.out" || fail "no console output: $(cat "$dir/console.out")"
grep -q "echo: hello there" "$dir/console.out" ||
	fail "the typed line did not come back: $(cat "$dir/console.out")"
refused "a serial console" "no serial console" "$XL" console -t serial talker
refused "console 1 (no channel=)" "domain talker has no console 1" "$XL" console -n 1 talker
refused "console 99" "console number \"99\" is not 0..64" "$XL" console -n 99 talker
refused "a console type of none" "must be pv or serial" "$XL" console -t vga talker
refused "two domains" "usage: xl console" "$XL" console talker talker
"$XL" destroy talker || fail "xl destroy talker"

# xl create answers once the domain is built; xenkvmd serves others meanwhile,
# and a domain destroyed while it builds fails its create.
cat > "$dir/slow.cfg" <<CFG
name = "slow"
type = "pv"
kernel = "$dir/kernel"
memory = 32
extra = "fake.hello_ms=2500"
CFG
start=$(date +%s%N)
"$XL" create -q "$dir/slow.cfg" > "$dir/slow.out" 2>&1 &
cpid=$!
sleep 0.5
"$XL" list slow | grep -q '^slow ' || fail "xl list does not show slow while it builds"
t=$(( ($(date +%s%N) - start) / 1000000 ))
[ $t -lt 2000 ] || fail "xl list waited for slow's build ($t ms)"
wait $cpid || fail "xl create slow: $(cat "$dir/slow.out")"
t=$(( ($(date +%s%N) - start) / 1000000 ))
[ $t -ge 2400 ] || fail "xl create slow answered before the hello ($t ms)"
"$XL" destroy slow || fail "xl destroy slow"
sed 's/slow/doomed/' "$dir/slow.cfg" > "$dir/doomed.cfg"
"$XL" create -q "$dir/doomed.cfg" > "$dir/doomed.out" 2>&1 &
cpid=$!
sleep 0.5
"$XL" destroy doomed || fail "xl destroy doomed"
wait $cpid && fail "the create of a domain destroyed while it built succeeded"
grep -q "doomed.cfg: the domain was destroyed before it was built" "$dir/doomed.out" ||
	fail "doomed's create said: $(cat "$dir/doomed.out")"

# create -F stays until the domain is gone.
cat > "$dir/fg.cfg" <<CFG
name = "fg"
type = "pv"
kernel = "$dir/kernel"
memory = 32
extra = "fake.exit=0 fake.after_ms=1000"
CFG
"$XL" create -F "$dir/fg.cfg" || fail "xl create -F"
"$XL" list fg 2>/dev/null && fail "xl create -F returned while fg ran"
await "(fg) shutdown (VMM exited with status 0); action destroy"
[ "$("$XL" list | wc -l)" = 2 ] || fail "domains left: $("$XL" list)"
echo "PASS"
