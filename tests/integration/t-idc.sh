#!/bin/sh
# Two DomUs talk as Xen guests do: the first offers an unbound event channel
# and two grants in its xenstore data/, the toolstack (this script, with
# Debian's xenstore clients) passes them on to the second, which binds the
# channel, maps and copies the grants (hostile requests refused), and both
# exchange events and writes through the shared page. Then a channel to a
# domain that dies: the survivor's port must go back to unbound.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 30
	for f in "$dir"/console/*.log; do echo "== $f"; cat "$f"; done; exit 1; }
command -v xenstore-read >/dev/null || fail "xenstore-utils missing (./configure installs it)"
XENSTORED_PATH="$dir/xenstored.sock"
export XENSTORED_PATH

guest() {	# name, cmdline, [32|64]
	cat > "$dir/$1.cfg" <<CFG
name = "$1"
type = "pvh"
kernel = "$BUILD/guests/pvh${3:-64}.elf"
memory = 16
vcpus = 1
cmdline = "$2"
CFG
	"$XL" create "$dir/$1.cfg" || fail "xl create $1"
}

wait_node() {	# path: prints its value once it exists
	for i in $(seq 300); do
		v=$(xenstore-read "$1" 2>/dev/null) && [ -n "$v" ] && { echo "$v"; return 0; }
		sleep 0.1
	done
	return 1
}

wait_gone() {	# domain name
	for i in $(seq 600); do
		"$XL" list "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}

pass_offer() {	# from domid, to domid
	port=$(wait_node /local/domain/$1/data/idc-port) || fail "domain $1 offered no port"
	gref=$(wait_node /local/domain/$1/data/idc-gref) || fail "domain $1 offered no grant"
	xenstore-write /local/domain/$2/data/peer-gref "$gref" \
		/local/domain/$2/data/peer-port "$port" || fail "xenstore-write"
}

# A 64-bit granter and a 32-bit mapper (the compat structures on the way).
guest granter "idc-grant peer=2"
guest mapper "idc-map peer=1" 32
[ "$("$XL" domid granter)" = 1 ] && [ "$("$XL" domid mapper)" = 2 ] || fail "domids"
pass_offer 1 2
wait_gone mapper || fail "mapper did not finish"
wait_gone granter || fail "granter did not finish"
for n in 1 2; do
	log="$dir/console/$n.log"
	grep '^FAIL' "$log" && fail "domain $n failed checks"
	grep -q '^guest: [0-9]* checks, 0 failed' "$log" || fail "domain $n: no clean summary"
done
for c in idc.bind_interdomain idc.mapped_page_is_peers idc.event_back idc.peer_reply_in_page \
	 idc.readonly_write_dropped idc.copied_bytes idc.own_ram_back idc.bind_bad_port \
	 idc.map_bad_gref idc.map_not_granted; do
	grep -q "^PASS $c\$" "$dir/console/2.log" || fail "mapper: $c not passed"
done
for c in idc.event_from_peer idc.peer_wrote_shared_page idc.unbound_after_peer_close \
	 idc.grants_released; do
	grep -q "^PASS $c\$" "$dir/console/1.log" || fail "granter: $c not passed"
done
"$XL" dmesg | grep -q 'channel: domain 1 port [0-9]* <-> domain 2 port [0-9]*' ||
	fail "xenkvmd did not broker the channel"

# The mapper dies (its VMM killed) while bound and mapped: xenkvmd unbinds the
# survivor's port and gives its grants back, as Xen does for a dead domain.
guest survivor "idc-grant peer=4"
guest victim "idc-map-die peer=3"
pass_offer 3 4
for i in $(seq 300); do
	grep -q '^idc: waiting to be killed' "$dir/console/4.log" 2>/dev/null && break
	sleep 0.1
done
pid=$(pgrep -f -- "xenkvm-vmm .*--domid 4 --console-log $dir/") || fail "no VMM for domain 4"
kill -9 "$pid"
wait_gone survivor || fail "survivor did not finish"
grep '^FAIL' "$dir/console/3.log" && fail "survivor failed checks"
for c in idc.event_from_peer idc.unbound_after_peer_close idc.grants_released; do
	grep -q "^PASS $c\$" "$dir/console/3.log" || fail "survivor: $c not passed"
done
echo "idc: two DomUs shared a channel and a page; a dead peer's end was released"
