#!/bin/sh
# xl sched-credit and sched-credit2 on any host, with build/fake-vmm as the
# VMM: a weight and cap put the domain's VMM (all its threads) in a cgroup of
# its own under the cpu controller, whose files hold them mapped (v2:
# cpu.weight 256 -> 100, cpu.max; v1: cpu.shares 256 -> 1024, CFS quota);
# a VMM whose vCPU threads spin (fake.busy=1) uses more than 0.8 CPU
# seconds a second before a cap of 50 and at most about 0.6 after it; two
# such domains pinned to one CPU share it as their weights say; xl lists
# the values, refuses what Xen's xl refuses in libxl's words, and the
# group goes with the domain. Skipped only where no cgroup cpu controller
# can be written here.
XL_TEST_ANY_HOST=1
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }

# The controller xenkvmd will use: cgroup v2 where it has cpu, else v1's cpu hierarchy.
mounts=$(awk '{ for (i = 7; i <= NF && $i != "-"; i++); fs = $(i + 1)
	if (fs == "cgroup2") print "2", $5
	else if (fs == "cgroup" && ("," $(i + 3) ",") ~ /,cpu,/) print "1", $5 }' /proc/self/mountinfo)
v2=$(echo "$mounts" | awk '$1 == 2 { print $2; exit }')
v1=$(echo "$mounts" | awk '$1 == 1 { print $2; exit }')
if [ -n "$v2" ] && grep -qw cpu "$v2/cgroup.controllers" 2>/dev/null; then
	ver=2 mnt=$v2
elif [ -n "$v1" ]; then
	ver=1 mnt=$v1
else
	echo "skipped: no cgroup cpu controller here (cgroup v2 without cpu, no v1 cpu hierarchy)"
	exit 77
fi
if ! mkdir "$mnt/xenkvm-probe.$$" 2>/dev/null; then
	echo "skipped: the cgroup v$ver cpu controller at $mnt is not writable here"
	exit 77
fi
rmdir "$mnt/xenkvm-probe.$$"
echo "cgroup v$ver cpu controller at $mnt"

"$BUILD/xenkvmd" --rundir "$dir" --vmm "$BUILD/fake-vmm" || fail "xenkvmd did not start"
echo "no kernel: fake-vmm runs none" > "$dir/kernel"
kpid=$(sed -n 's/.*xenkvmd started (pid \([0-9]*\)).*/\1/p' "$dir/xenkvmd.log" | tail -n 1)
base="$mnt/xenkvm-$kpid"
# domain NAME VCPUS [CPUS]: a domain whose vCPU threads spin
domain() {
	cat > "$dir/$1.cfg" <<CFG
name = "$1"
type = "pv"
kernel = "$dir/kernel"
memory = 16
vcpus = $2
extra = "fake.busy=1"
CFG
	[ -z "$3" ] || echo "cpus = \"$3\"" >> "$dir/$1.cfg"
	"$XL" create "$dir/$1.cfg" || fail "xl create $1"
}
# vmm_pid DOMID
vmm_pid() {
	ps -eo pid,args | grep -F fake-vmm | grep -F "$dir/console/$1.log" | grep -v grep |
		awk '{ print $1 }'
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# rate PID...: each process's CPU time over about 3 s, in ms per second of
# wall time, one line each
rate() {
	hz=$(getconf CLK_TCK)
	before="" after=""
	t0=$(date +%s%N)
	for p in "$@"; do before="$before $(ticks "$p")"; done
	sleep 3
	for p in "$@"; do after="$after $(ticks "$p")"; done
	t1=$(date +%s%N)
	echo $before $after | awk -v hz="$hz" -v ns=$((t1 - t0)) '{
		n = NF / 2
		for (i = 1; i <= n; i++) print int(($(i + n) - $i) * 1000 * 1e9 / hz / ns) }'
}
# row VERB DOMAIN: "ID Weight Cap" in xl VERB -d DOMAIN's table
row() {
	"$XL" "$1" -d "$2" | awk -v n="$2" '$1 == n { print $2, $3, $4 }'
}
# holds FILE VALUE: the group's file holds VALUE
holds() {
	[ "$(cat "$grp/$1")" = "$2" ] || fail "$grp/$1 holds $(cat "$grp/$1"), not $2"
}

domain busy 2
vmm=$(vmm_pid 1)
[ -n "$vmm" ] || fail "no VMM process for busy"
i=0
until [ "$(ls /proc/$vmm/task | wc -l)" -ge 3 ]; do
	i=$((i + 1))
	[ $i -lt 25 ] || fail "the VMM did not start its vCPU threads"
	sleep 0.2
done
[ "$(row sched-credit busy)" = "1 256 0" ] || fail "before: $("$XL" sched-credit -d busy)"
best=0
for try in 1 2 3; do
	r=$(rate "$vmm")
	[ "$r" -gt "$best" ] && best=$r
	[ "$best" -gt 800 ] && break
done
echo "busy VMM before the cap: $best ms of CPU per second"
[ "$best" -gt 800 ] || fail "the busy VMM used only $best ms/s before any cap (host too loaded?)"

"$XL" sched-credit -d busy -w 128 -c 50 || fail "xl sched-credit -d busy -w 128 -c 50"
grp="$base/dom1"
[ -d "$grp" ] || fail "no cgroup $grp"
grep -qx "$vmm" "$grp/cgroup.procs" || fail "VMM $vmm not in $grp/cgroup.procs: $(cat "$grp/cgroup.procs")"
threads=$([ $ver = 2 ] && echo cgroup.threads || echo tasks)
for t in /proc/$vmm/task/*; do
	grep -qx "${t##*/}" "$grp/$threads" || fail "VMM thread ${t##*/} not in $grp/$threads"
done
if [ $ver = 2 ]; then
	holds cpu.weight 50
	holds cpu.max "50000 100000"
else
	holds cpu.shares 512
	holds cpu.cfs_quota_us 50000
	holds cpu.cfs_period_us 100000
fi
sleep 0.5
r=$(rate "$vmm")
echo "busy VMM with cap 50: $r ms of CPU per second"
[ "$r" -le 600 ] || fail "with a cap of 50 the VMM used $r ms/s"
[ "$(row sched-credit busy)" = "1 128 50" ] || fail "xl sched-credit -d: $("$XL" sched-credit -d busy)"
[ "$(row sched-credit2 busy)" = "1 128 50" ] || fail "xl sched-credit2 -d: $("$XL" sched-credit2 -d busy)"
"$XL" sched-credit > "$dir/all" || fail "xl sched-credit"
[ "$(head -n 1 "$dir/all")" = "Cpupool Pool-0: [sched params unavailable]" ] || fail "list: $(cat "$dir/all")"
grep -q "^Name  *ID Weight  Cap$" "$dir/all" || fail "list header: $(cat "$dir/all")"
grep -q "^Domain-0  *0    256    0$" "$dir/all" || fail "list Domain-0: $(cat "$dir/all")"
grep -q "^busy  *1    128   50$" "$dir/all" || fail "list busy: $(cat "$dir/all")"
"$XL" sched-credit2 -p Pool-0 | grep -q "^busy  *1    128   50$" || fail "xl sched-credit2 -p Pool-0"
"$XL" dmesg | grep -q "domain 1: weight 128, cap 50: VMM $vmm in cgroup v$ver $grp" ||
	fail "sched-credit not logged"

# Only what is given changes.
"$XL" sched-credit2 -d busy -w 1024 || fail "xl sched-credit2 -d busy -w 1024"
[ "$(row sched-credit busy)" = "1 1024 50" ] || fail "after -w 1024: $("$XL" sched-credit -d busy)"
if [ $ver = 2 ]; then holds cpu.weight 400; holds cpu.max "50000 100000"
else holds cpu.shares 4096; holds cpu.cfs_quota_us 50000; fi
"$XL" sched-credit -d 1 -c 0 || fail "xl sched-credit -d 1 -c 0"
if [ $ver = 2 ]; then holds cpu.max "max 100000"; else holds cpu.cfs_quota_us -1; fi
"$XL" sched-credit -d busy -c 150 || fail "xl sched-credit -d busy -c 150 (2 vCPUs: up to 200)"
if [ $ver = 2 ]; then holds cpu.max "150000 100000"; else holds cpu.cfs_quota_us 150000; fi

refused "weight 0" "Cpu weight out of range, valid values are within range from 1 to 65535" \
	"$XL" sched-credit -d busy -w 0
refused "weight 65536" "Cpu weight out of range" "$XL" sched-credit2 -d busy -w 65536
refused "cap 201 for 2 vCPUs" \
	"Cpu cap out of range, valid range is from 0 to 200 for specified number of vcpus" \
	"$XL" sched-credit -d busy -c 201
refused "a negative cap" "Cpu cap out of range" "$XL" sched-credit -d busy -c -1
refused "a weight that is no number" "invalid weight: 'lots'" "$XL" sched-credit -d busy -w lots
refused "no domain" "Must specify a domain." "$XL" sched-credit -w 5
refused "-p with -d" "Specifying a cpupool or schedparam is not allowed with domain options." \
	"$XL" sched-credit -p Pool-0 -d busy
refused "credit2 -p with -d" "Specifying a cpupool is not allowed with other options." \
	"$XL" sched-credit2 -p Pool-0 -d busy
refused "another pool" "unknown cpupool 'Pool-1'" "$XL" sched-credit -p Pool-1
refused "-s" "pool-wide parameters (time slice, rate limit, migration delay) do not apply" \
	"$XL" sched-credit -s
refused "credit2 -s -r" "do not apply here" "$XL" sched-credit2 -s -r 1000
refused "-t without -s" "Must specify schedparam to set schedule parameter values." \
	"$XL" sched-credit -t 10
refused "Domain-0" "operation not permitted on Domain-0" "$XL" sched-credit -d 0 -w 512
refused "an unknown domain" "invalid domain identifier: nosuch" "$XL" sched-credit -d nosuch -w 512
refused "an unknown option" "usage: xl sched-credit" "$XL" sched-credit -x
[ "$(row sched-credit busy)" = "1 1024 150" ] || fail "a refused change changed $("$XL" sched-credit -d busy)"

"$XL" destroy busy || fail "xl destroy busy"
[ -d "$grp" ] && fail "$grp is left after the domain was destroyed"

# Weights: two spinning vCPUs pinned to CPU 0 share it about 4:1 at 512:128.
domain heavy 1 0
domain light 1 0
hv=$(vmm_pid 2) lv=$(vmm_pid 3)
[ -n "$hv" ] && [ -n "$lv" ] || fail "no VMMs for heavy and light"
"$XL" sched-credit -d heavy -w 512 || fail "xl sched-credit -d heavy -w 512"
"$XL" sched-credit -d light -w 128 || fail "xl sched-credit -d light -w 128"
sleep 0.5
set -- $(rate "$hv" "$lv")
echo "on one CPU, weight 512: $1 ms/s, weight 128: $2 ms/s"
[ "$2" -gt 0 ] || fail "the light domain got no CPU at all"
[ $(($1 * 10 / $2)) -ge 25 ] || fail "512:128 shared CPU 0 as $1:$2"
"$XL" destroy heavy && "$XL" destroy light || fail "xl destroy"
[ -d "$base" ] && fail "$base is left after this daemon's last domain went"
echo PASS
