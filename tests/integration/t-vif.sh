#!/bin/sh
# The network backend under Linux's own xen-netfront, inside a network
# namespace this test makes (loopback and a bridge with one address, no way
# out): two Debian PV guests on the bridge get their addresses, each pings
# the host side and the other guest, and a file goes host -> guest -> host
# with its checksum kept. A vif in a domain without root is refused clearly.
# Guest a has 2 vCPUs, so its netfront takes 2 queues; it must take the
# GSO offer, and the segment trains it sends are counted when the vif goes
# (shown, not required: whether its TCP builds trains depends on pacing, and
# under ASan it sent none in one run).
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v unshare >/dev/null ||
	! command -v ip >/dev/null; then
	echo "skipped: needs root, /dev/net/tun, unshare and ip (iproute2)"
	exit 77
fi
if [ -z "$XENKVM_IN_NETNS" ]; then
	XENKVM_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
. tests/integration/xl-test-env.sh
cache=$(sh scripts/fetch-assets.sh) || {
	echo "skipped: cannot fetch Debian's kernel and busybox-static (apt-get download failed)"
	exit 77
}
bb="$cache/root/bin/busybox"
fail() { echo "FAIL: $*"; for n in 1 2; do tail -n 25 "$dir/console/$n.log"; done
	"$XL" dmesg | tail -n 20; exit 1; }
wait_log() {	# domid pattern seconds
	for i in $(seq 1 "$3"); do
		grep -q "$2" "$dir/console/$1.log" 2>/dev/null && return 0
		sleep 1
	done
	fail "domain $1: no '$2' on the console within $3 s"
}
ip link set lo up
ip link add br0 type bridge || fail "cannot make a bridge"
ip addr add 10.9.0.1/24 dev br0
ip link set br0 up
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" >/dev/null || fail "mkinitramfs"
guest() {	# name ip mac extra vcpus
	cat > "$dir/$1.cfg" <<CFG
name = "$1"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
vcpus = ${5:-1}
extra = "console=hvc0 xenkvm.test=vif xenkvm.ip=$2 $4"
vif = [ "mac=$3, bridge=br0" ]
CFG
}
guest a 10.9.0.2 00:16:3e:00:00:02 "xenkvm.ping=10.9.0.1,10.9.0.3 xenkvm.nc=10.9.0.1" 2
guest b 10.9.0.3 00:16:3e:00:00:03 "xenkvm.ping=10.9.0.1,10.9.0.2"
sed 's/bridge=br0/bridge=nosuchbridge/' "$dir/a.cfg" > "$dir/bad.cfg"
"$XL" create "$dir/bad.cfg" > "$dir/bad.out" 2>&1 && fail "a vif on a missing bridge was accepted"
grep -q 'nosuchbridge' "$dir/bad.out" || fail "no clear error: $(cat "$dir/bad.out")"
"$XL" create "$dir/a.cfg" || fail "xl create a"
"$XL" create "$dir/b.cfg" || fail "xl create b"
a=$("$XL" domid a) b=$("$XL" domid b)
"$XL" network-list a | grep -q "00:16:3e:00:00:02" || fail "network-list: $("$XL" network-list a)"
wait_log "$a" 'xenkvm-init: listening on 5000' 400
grep -q 'xenkvm-init: eth0 00:16:3e:00:00:02 is 10.9.0.2' "$dir/console/$a.log" ||
	fail "guest a's eth0 does not have its configured MAC"
grep -q 'xenkvm-init: ping 10.9.0.1 ok' "$dir/console/$a.log" || fail "guest a cannot ping the host"
grep -q 'xenkvm-init: eth0 queues: rx-0 rx-1 tx-0 tx-1' "$dir/console/$a.log" ||
	fail "guest a (2 vCPUs) does not use 2 queues: $(grep 'eth0 queues' "$dir/console/$a.log")"
grep -q 'xenkvm-init: ping 10.9.0.3 ok' "$dir/console/$a.log" || fail "guest a cannot ping guest b"
"$bb" ping -c 1 -W 5 10.9.0.2 >/dev/null || fail "the host cannot ping guest a"
head -c 3000000 /dev/urandom > "$dir/file"
want=$(md5sum < "$dir/file" | cut -d' ' -f1)
# busybox nc half-closes when its input ends and exits at the peer's: keep
# the listener's input open until the file is back.
mkfifo "$dir/hold"
"$bb" nc -l -p 5001 < "$dir/hold" > "$dir/back" &
listener=$!
exec 9> "$dir/hold"
# The guest says it listens just before its nc runs: retry a refused connect.
sent=
for i in $(seq 1 30); do
	timeout 300 "$bb" nc 10.9.0.2 5000 < "$dir/file" 2>/dev/null && { sent=1; break; }
	sleep 1
done
[ -n "$sent" ] || fail "sending the file to guest a"
wait_log "$a" 'xenkvm-init: network test done' 400
for i in $(seq 1 30); do kill -0 $listener 2>/dev/null || break; sleep 1; done
exec 9>&-
grep -q "xenkvm-init: received md5 $want" "$dir/console/$a.log" ||
	fail "guest a got another file (back: $(wc -c < "$dir/back") bytes, $(cmp "$dir/file" "$dir/back" 2>&1))"
[ "$(md5sum < "$dir/back" | cut -d' ' -f1)" = "$want" ] || fail "the file came back changed"
wait_log "$b" 'xenkvm-init: network test done' 300
grep -q 'xenkvm-init: ping 10.9.0.1 ok' "$dir/console/$b.log" || fail "guest b cannot ping the host"
grep -q 'xenkvm-init: ping 10.9.0.2 ok' "$dir/console/$b.log" || fail "guest b cannot ping guest a"
for k in feature-gso-tcpv4 feature-gso-tcpv6; do
	[ "$(XENSTORED_PATH="$dir/xenstored.sock" xenstore-read /local/domain/$a/device/vif/0/$k)" = 1 ] ||
		fail "guest a's netfront did not take the backend's $k"
done
# xl top: the file went both ways through guest a's vif (KiB sent, received).
"$XL" top -b -i 1 | awk '$1 == "a" { exit !($10 == 1 && $11 >= 2000 && $12 >= 2000) }' ||
	fail "xl top's network counts: $("$XL" top -b -i 1)"
"$XL" network-detach a 0 || fail "xl network-detach a"
for i in $(seq 1 30); do "$XL" dmesg | grep -q "domain $a vif 0 .*queue 1: " && break; sleep 1; done
echo "guest a's counts: $("$XL" dmesg | grep -o "domain $a vif 0 .*frames sent.*" | tr '\n' ' ')"
"$XL" network-detach b 0 || fail "xl network-detach"
"$XL" network-list b | grep -q "00:16:3e:00:00:03" && fail "vif still listed after detach"
ip link show vif$b.0 >/dev/null 2>&1 && fail "vif$b.0 is still there after detach"
echo "ok"
