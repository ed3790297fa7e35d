#!/bin/sh
# The xl verbs that speak to Xen itself, on any host: cpupool-list shows the
# one pool Xen shows with none configured (Pool-0: the host's online CPUs,
# every domain, Domain-0 too), in Xen's layout; the other cpupool-* verbs,
# debug-keys and set-parameters say why nothing applies and fail.
XL_TEST_ANY_HOST=1
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }
"$BUILD/xenkvmd" --rundir "$dir" --vmm "$BUILD/fake-vmm" || fail "xenkvmd did not start"
echo "no kernel: fake-vmm runs none" > "$dir/kernel"
printf 'name = "one"\ntype = "pv"\nkernel = "%s"\nmemory = 16\n' "$dir/kernel" > "$dir/one.cfg"
"$XL" create "$dir/one.cfg" 2> /dev/null || fail "xl create"

# The CPUs Linux has online, one by one, comma-separated ("0-2,4" -> "0,1,2,4").
online=$(tr ',' '\n' < /sys/devices/system/cpu/online | awk -F- '{
	for (c = $1; c <= ($2 == "" ? $1 : $2); c++) printf "%s%d", n++ ? "," : "", c }')
count=$(echo "$online" | tr ',' '\n' | wc -l)
"$XL" cpupool-list > "$dir/out" || fail "xl cpupool-list"
[ "$(sed -n 1p "$dir/out")" = "Name               CPUs   Sched     Active   Domain count" ] ||
	fail "cpupool-list header: $(cat "$dir/out")"
[ "$(sed -n 2p "$dir/out")" = "$(printf '%-19s%3d %9s       y       %4d' Pool-0 "$count" kvm 2)" ] ||
	fail "cpupool-list: $(cat "$dir/out")"
[ "$(wc -l < "$dir/out")" = 2 ] || fail "more than one pool: $(cat "$dir/out")"
"$XL" cpupool-list -c Pool-0 > "$dir/out" || fail "xl cpupool-list -c Pool-0"
[ "$(cat "$dir/out")" = "$(printf 'Name               CPU list\nPool-0             %s' "$online")" ] ||
	fail "cpupool-list -c: $(cat "$dir/out")"
refused "another pool" "Pool 'Pool-1' does not exist" "$XL" cpupool-list Pool-1
for verb in "cpupool-create p.cfg" "cpupool-destroy Pool-0" "cpupool-rename Pool-0 P" \
	    "cpupool-cpu-add Pool-0 1" "cpupool-cpu-remove Pool-0 1" "cpupool-migrate one Pool-0" \
	    cpupool-numa-split; do
	refused "xl $verb" "xl ${verb%% *}: CPU pools are not supported by xenkvm" "$XL" $verb
done
refused "xl debug-keys" "no Xen hypervisor console here to send 'h' to" "$XL" debug-keys h
refused "xl set-parameters" "no Xen hypervisor parameters here to set 'loglvl=all'" \
	"$XL" set-parameters loglvl=all
refused "xl debug-keys without keys" "usage: xl debug-keys" "$XL" debug-keys
echo PASS
