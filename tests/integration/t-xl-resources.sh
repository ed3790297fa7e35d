#!/bin/sh
# xl mem-set, mem-max and vcpu-set on any host, with build/fake-vmm as the
# VMM: the target and maximum land in the domain's memory/target and
# memory/static-max, the VMM gets Xen's cap (the size plus libxl's 1 MiB,
# in frames), xl list shows what the VMM says the guest holds; vcpu-set
# turns cpu/N/availability online and offline for a domain with maxvcpus
# above vcpus, and xl list and vcpu-list show the vCPUs the VMM says are
# up. What xl refuses is refused with a reason and changes nothing. (A
# real guest following them: t-pv-linux.)
XL_TEST_ANY_HOST=1
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }
. tests/integration/xl-xenstore-env.sh
"$BUILD/xenkvmd" --rundir "$dir" --vmm "$BUILD/fake-vmm" || fail "xenkvmd did not start"
echo "no kernel: fake-vmm runs none" > "$dir/kernel"
# logged N: the fake VMM wrote "max pages: N" to the console log within 5 s
logged() {
	i=0
	until grep -q "^max pages: $1\$" "$dir/console/1.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 25 ] || fail "the VMM was not given a cap of $1 frames: $(cat "$dir/console/1.log")"
		sleep 0.2
	done
}
cat > "$dir/m.cfg" <<CFG
name = "m"
type = "pv"
kernel = "$dir/kernel"
memory = 64
maxmem = 96
vcpus = 2
maxvcpus = 4
cpus = "1"
extra = "fake.pages=12288 fake.vcpus=3"
CFG
"$XL" create "$dir/m.cfg" || fail "xl create"
read_is /local/domain/1/memory/target 65536
read_is /local/domain/1/memory/static-max 98304
"$XL" list -l m | jq -e '.[0].config.b_info.max_memkb == 98304' > /dev/null ||
	fail "xl list -l does not show maxmem"
vmm_args 1 | grep -qF -- "--maxmem 96" || fail "the VMM was not given --maxmem 96: $(vmm_args 1)"

# The VMM said the guest holds 12288 frames (48 MiB): xl list shows that.
list_shows m 3 48 10

"$XL" mem-set m 40 || fail "xl mem-set m 40"
read_is /local/domain/1/memory/target 40960
logged $(((40960 + 1024) / 4))
"$XL" mem-set m 80 || fail "xl mem-set m 80 (above memory, within maxmem)"
read_is /local/domain/1/memory/target 81920
"$XL" mem-set 1 49152k || fail "xl mem-set 1 49152k"
read_is /local/domain/1/memory/target 49152
logged $(((49152 + 1024) / 4))
"$XL" list -l m | jq -e '.[0].config.b_info.target_memkb == 49152' > /dev/null ||
	fail "xl list -l does not show the target"

"$XL" mem-max m 60m || fail "xl mem-max m 60m"
read_is /local/domain/1/memory/static-max 61440
logged $(((61440 + 1024) / 4))
"$XL" list -l m | jq -e '.[0].config.b_info.max_memkb == 61440' > /dev/null ||
	fail "xl list -l does not show the maximum"

refused "a target above the maximum" "raise it first with xl mem-max" "$XL" mem-set m 62
refused "a maximum below the target" "lower that first with xl mem-set" "$XL" mem-max m 32
"$XL" mem-max m 128 || fail "xl mem-max m 128"
refused "a target above maxmem" "can have at most 98304 KiB" "$XL" mem-set m 100
refused "a bad size" "invalid memory size: 12x" "$XL" mem-set m 12x
refused "a missing size" "usage: xl mem-set" "$XL" mem-set m
refused "an unknown domain" "invalid domain identifier: nosuch" "$XL" mem-set nosuch 32
refused "Domain-0" "not permitted on Domain-0" "$XL" mem-set 0 32
read_is /local/domain/1/memory/target 49152
read_is /local/domain/1/memory/static-max 131072
"$XL" dmesg | grep -q "domain 1: memory target 49152 KiB" || fail "mem-set not logged"
# A VMM's claims are checked: frames past its RAM, vCPUs it does not have,
# and a thread that is not its own (xenkvmd's) are not taken.
cat > "$dir/liar.cfg" <<CFG
name = "liar"
type = "pv"
kernel = "$dir/kernel"
memory = 16
vcpus = 2
cpus = "0"
extra = "fake.pages=99999999 fake.vcpus=ffff fake.lie=1"
CFG
kpid=$(sed -n 's/.*xenkvmd started (pid \([0-9]*\)).*/\1/p' "$dir/xenkvmd.log" | tail -n 1)
kcpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$kpid/status)
"$XL" create "$dir/liar.cfg" || fail "xl create liar.cfg"
list_shows liar 3 16 10
list_shows liar 4 2 5
i=0
until "$XL" dmesg | grep -q "VMM named thread .* for vCPU 0; not one of its own"; do
	i=$((i + 1))
	[ $i -lt 25 ] || fail "xenkvmd took the VMM's word for another process's thread"
	sleep 0.2
done
[ "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$kpid/status)" = "$kcpus" ] ||
	fail "xenkvmd pinned itself: $(grep Cpus_allowed_list /proc/$kpid/status), was $kcpus"
"$XL" destroy liar || fail "xl destroy liar"
# xl dmesg -c: shown once more, then only what comes after.
"$XL" dmesg -c | grep -q "domain 1: memory target 49152 KiB" || fail "xl dmesg -c showed nothing"
"$XL" dmesg | grep -q "memory target" && fail "xl dmesg -c did not clear: $("$XL" dmesg)"
"$XL" mem-set m 48 || fail "xl mem-set m 48"
[ "$("$XL" dmesg)" = "$(tail -n 1 "$dir/xenkvmd.log")" ] || fail "after -c: $("$XL" dmesg)"
grep -q "memory target 49152 KiB" "$dir/xenkvmd.log" || fail "xl dmesg -c emptied the log file"
refused "xl dmesg -x" "usage: xl dmesg" "$XL" dmesg -x
# xl info: the host as Xen's fields show it; 64-bit PV guests among the caps.
"$XL" info > "$dir/info" || fail "xl info"
grep -qx "nr_cpus *: $(nproc)" "$dir/info" || fail "xl info nr_cpus: $(cat "$dir/info")"
grep -qx "xen_version *: 4.17.0-xenkvm" "$dir/info" || fail "xl info xen_version"
grep -q "^xen_caps *: xen-3.0-x86_64 " "$dir/info" || fail "xl info xen_caps"
grep -Eq "^hypercall_doors *: pv: 3 \(PV runtime\), pvh: (none|1|2) " "$dir/info" ||
	fail "xl info hypercall_doors: $(grep hypercall_doors "$dir/info")"
grep -q "^threads_per_core *: [1-9]" "$dir/info" || fail "xl info threads_per_core"
# xl top: what the VMM says the guest holds, its maximum and vCPUs online.
"$XL" top -b -i 2 -d 0.2 > "$dir/top" || fail "xl top -b -i 2"
[ "$(grep -c '^ *NAME  STATE' "$dir/top")" = 2 ] || fail "xl top -i 2 printed: $(cat "$dir/top")"
awk '$1 == "m" { print $5, $7, $9 }' "$dir/top" | tail -n 1 | grep -qx "49152 131072 2" ||
	fail "xl top's row for m: $(cat "$dir/top")"
refused "xl top -i 0" "usage: xl top" "$XL" top -b -i 0

# vCPUs: 2 of 4 to be online; the VMM said vCPUs 0 and 1 are up.
avail() {
	for n in 0 1 2 3; do printf '%s ' "$(xenstore-read /local/domain/1/cpu/$n/availability)"; done
}
[ "$(avail)" = "online online offline offline " ] || fail "availability at start: $(avail)"
list_shows m 4 2 1
"$XL" vcpu-list m > "$dir/vl" || fail "xl vcpu-list"
[ "$(grep -c '^m ' "$dir/vl")" = 4 ] || fail "xl vcpu-list does not list 4 vCPUs: $(cat "$dir/vl")"
# The fake's vCPU threads sleep: online ones show blocked, the others paused.
[ "$(awk '$1 == "m" { print $3, $5 }' "$dir/vl" | tr '\n' ' ')" = "0 -b- 1 -b- 2 --p 3 --p " ] ||
	fail "xl vcpu-list states: $(cat "$dir/vl")"
"$XL" list -l m | jq -e '.[0].config.b_info.max_vcpus == 4 and
	.[0].config.b_info.avail_vcpus == [0, 1]' > /dev/null || fail "xl list -l vCPUs"
"$XL" vcpu-set m 3 || fail "xl vcpu-set m 3"
[ "$(avail)" = "online online online offline " ] || fail "availability after vcpu-set 3: $(avail)"
"$XL" vcpu-set m 1 || fail "xl vcpu-set m 1"
[ "$(avail)" = "online offline offline offline " ] || fail "availability after vcpu-set 1: $(avail)"
refused "more vCPUs than maxvcpus" "has 4 vCPUs (maxvcpus); 5 requested" "$XL" vcpu-set m 5
refused "no vCPUs" "invalid number of vCPUs: 0" "$XL" vcpu-set m 0
refused "a bad count" "invalid number of vCPUs: two" "$XL" vcpu-set m two
[ "$(avail)" = "online offline offline offline " ] || fail "a refused vcpu-set changed $(avail)"
"$XL" dmesg | grep -q "domain 1: 1 of 4 vCPUs to be online" || fail "vcpu-set not logged"

# Affinity: each vCPU is a thread of the VMM (named vcpuN), pinned as cpus=
# says and as xl vcpu-pin changes it.
vmm=$(ps -eo pid,args | grep -F fake-vmm | grep -F "$dir/console/1.log" | awk '{ print $1 }')
[ -n "$vmm" ] || fail "no VMM process"
# allowed N: the host CPUs vCPU N's thread may run on
allowed() {
	for t in /proc/$vmm/task/*; do
		[ "$(cat "$t/comm")" = "vcpu$1" ] && sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status"
	done
}
# vcpu-list's CPU column is where the thread last ran, as ps says.
for v in 0 1; do
	tid=$(grep -lx "vcpu$v" /proc/$vmm/task/*/comm | cut -d/ -f5)
	[ "$("$XL" vcpu-list m | awk -v v=$v '$1 == "m" && $3 == v { print $4 }')" = \
	  "$(ps -L -o tid=,psr= -p "$vmm" | awk -v t="$tid" '$1 == t { print $2 }')" ] ||
		fail "vCPU $v's CPU in xl vcpu-list is not ps's: $("$XL" vcpu-list m)"
done
if [ "$(nproc)" -ge 2 ]; then
	i=0
	until [ "$(allowed 3)" = 1 ]; do
		i=$((i + 1))
		[ $i -lt 25 ] || fail "vCPU 3 is not on CPU 1 (cpus=): $(allowed 3)"
		sleep 0.2
	done
	[ "$(allowed 0)" = 1 ] || fail "vCPU 0 is not on CPU 1 (cpus=): $(allowed 0)"
	"$XL" vcpu-list m | awk '$1 == "m" && $7 != "1"' | grep -q . &&
		fail "xl vcpu-list affinity: $("$XL" vcpu-list m)"
	"$XL" vcpu-pin m 0 0 || fail "xl vcpu-pin m 0 0"
	[ "$(allowed 0)" = 0 ] || fail "vCPU 0 not moved to CPU 0: $(allowed 0)"
	[ "$(allowed 1)" = 1 ] || fail "vCPU 1 moved too: $(allowed 1)"
	"$XL" vcpu-list m | grep -q "^m .* 0 / all\$" || fail "xl vcpu-list: $("$XL" vcpu-list m)"
	"$XL" vcpu-pin -f m all all - || fail "xl vcpu-pin -f m all all -"
	[ "$(allowed 2)" = "0-$(($(nproc) - 1))" ] || fail "vCPU 2 not on all CPUs: $(allowed 2)"
	"$XL" vcpu-pin m 1 - || fail "xl vcpu-pin m 1 - (nothing to change)"
	"$XL" dmesg | grep -q "domain 1: vCPU 0 pinned to 0" || fail "vcpu-pin not logged"
else
	echo "one host CPU: pinning not checked"
fi
refused "a CPU the host lacks" "CPU 512 is not in this host" "$XL" vcpu-pin m 0 512
refused "a vCPU the domain lacks" "invalid vCPU: 4 (domain 1 has vCPUs 0-3)" "$XL" vcpu-pin m 4 0
refused "soft affinity" "soft affinity is not supported" "$XL" vcpu-pin m 0 0 1
refused "a short vcpu-pin" "usage: xl vcpu-pin" "$XL" vcpu-pin m 0
cat > "$dir/bad.cfg" <<CFG
name = "bad"
type = "pv"
kernel = "$dir/kernel"
cpus = "64"
CFG
refused "cpus= past the host" "bad.cfg: cpus: CPU 64 is not in this host" "$XL" create "$dir/bad.cfg"
"$XL" list bad 2>/dev/null && fail "a domain with impossible cpus= was created"
echo PASS
