#!/bin/sh
# User-mode networking (vif network=user, libslirp inside xenkvmd) under
# Linux's own xen-netfront. In a network namespace of its own (only
# loopback; as root), a Debian PV guest gets 10.0.2.15 by DHCP with busybox
# udhcpc, fetches a file from an HTTP server on the host's 127.0.0.1
# through the gateway 10.0.2.2, and takes a file from the host through a
# host forward and hands it back through another; both checksums must
# hold. A forward on a port already taken and a bad hostfwd= are refused
# clearly, and the forwards close when the vif is detached. As root, the
# xenkvmd of this test runs without CAP_NET_ADMIN, as a user's would: a
# vif with no bridge= or script= then falls back to user-mode networking,
# and network=tap is refused with the reason. The guest has 2 vCPUs, so
# its netfront takes 2 queues over the one slirp; TCP segment trains it
# sends are cut by the backend (counted when the vif goes).
if [ "$(id -u)" = 0 ] && [ -z "$XENKVM_IN_NETNS" ] && command -v unshare >/dev/null; then
	XENKVM_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
. tests/integration/xl-test-env.sh
cache=$(sh scripts/fetch-assets.sh) || {
	echo "skipped: cannot fetch Debian's kernel and busybox-static (apt-get download failed)"
	exit 77
}
bb="$cache/root/bin/busybox"
[ -n "$XENKVM_IN_NETNS" ] && ip link set lo up
# Outside a namespace of its own (not root) the ports are picked to differ
# from run to run.
base=$((20000 + $$ % 20000))
http=$base fwd_in=$((base + 1)) fwd_out=$((base + 2))
fail() { echo "FAIL: $*"; [ -n "$g" ] && tail -n 40 "$dir/console/$g.log"
	"$XL" dmesg | tail -n 25; exit 1; }
wait_log() {	# pattern seconds
	for i in $(seq 1 "$2"); do
		grep -q "$1" "$dir/console/$g.log" 2>/dev/null && return 0
		sleep 1
	done
	fail "no '$1' on the console within $2 s"
}
md5() { md5sum < "$1" | cut -d' ' -f1; }

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# xl starts the xenkvmd that every later command of this test talks to.
	setpriv --bounding-set=-net_admin "$XL" list >/dev/null || fail "xl list"
	cat > "$dir/pvh.cfg" <<CFG
name = "p1"
type = "pvh"
kernel = "$BUILD/guests/pvh64.elf"
memory = 16
vif = [ "mac=00:16:3e:00:02:01" ]
CFG
	"$XL" create -p "$dir/pvh.cfg" || fail "a vif without bridge= was refused without CAP_NET_ADMIN"
	"$XL" dmesg | grep -q "cannot create TAP device .*Operation not permitted.*; no bridge= or script=, so user-mode networking instead" ||
		fail "no fallback to user-mode networking in xl dmesg"
	"$XL" destroy p1 || fail "xl destroy p1"
	sed -i 's/mac=00:16:3e:00:02:01/network=tap/' "$dir/pvh.cfg"
	"$XL" create -p "$dir/pvh.cfg" > "$dir/tap.out" 2>&1 && fail "network=tap was accepted without CAP_NET_ADMIN"
	grep -q "Operation not permitted (a TAP needs root or CAP_NET_ADMIN; network=user needs neither)" \
		"$dir/tap.out" || fail "no clear error for network=tap: $(cat "$dir/tap.out")"
fi

mkdir -p "$dir/www"
head -c 1000000 /dev/urandom > "$dir/www/file"
head -c 1000000 /dev/urandom > "$dir/file"
"$bb" httpd -f -p "127.0.0.1:$http" -h "$dir/www" &
httpd=$!
trap 'kill $httpd 2>/dev/null; xenkvmd_cleanup' EXIT
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" >/dev/null || fail "mkinitramfs"
guest() {	# file vif-spec
	cat > "$1" <<CFG
name = "u1"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
extra = "console=hvc0 xenkvm.test=usernet xenkvm.http=$http"
vif = [ "mac=00:16:3e:00:01:02, $2" ]
vcpus = 2
CFG
}

# Refusals, before anything boots: a bad forward names the file and line; a
# forward on the HTTP server's port says which and why.
guest "$dir/bad.cfg" "network=user, hostfwd=tcp::99999-:22"
"$XL" create "$dir/bad.cfg" > "$dir/bad.out" 2>&1 && fail "hostfwd with port 99999 was accepted"
grep -q "bad.cfg:7: vif entry 1 .*hostfwd 'tcp::99999-:22': the host side" "$dir/bad.out" ||
	fail "no file:line error for a bad hostfwd: $(cat "$dir/bad.out")"
for i in $(seq 1 50); do "$bb" nc -w 1 127.0.0.1 "$http" </dev/null 2>/dev/null && break; sleep 0.1; done
guest "$dir/taken.cfg" "network=user, hostfwd=tcp:127.0.0.1:$http-:80"
"$XL" create "$dir/taken.cfg" > "$dir/taken.out" 2>&1 && fail "a forward on a taken port was accepted"
grep -q "cannot forward tcp 127.0.0.1:$http to the guest's 10.0.2.15:80: Address already in use" \
	"$dir/taken.out" || fail "no clear error for a taken port: $(cat "$dir/taken.out")"
"$XL" list | grep -q '^u1 ' && fail "the refused domain is still listed"

guest "$dir/u1.cfg" "network=user, hostfwd=tcp:127.0.0.1:$fwd_in-:7000, hostfwd=tcp:127.0.0.1:$fwd_out-:7001"
start=$(date +%s)
"$XL" create "$dir/u1.cfg" || fail "xl create"
g=$("$XL" domid u1)
"$XL" network-list u1 | grep -q "00:16:3e:00:01:02" || fail "network-list: $("$XL" network-list u1)"
# Told to the frontend as libxl does (XSA-403): trusted unless the spec says untrusted.
[ "$(XENSTORED_PATH="$dir/xenstored.sock" xenstore-read /local/domain/$g/device/vif/0/trusted)" = 1 ] ||
	fail "the vif's frontend was not told 'trusted'"
wait_log 'xenkvm-init: dhcp eth0' 400
echo "DHCP lease $(($(date +%s) - start)) s after xl create"
grep -q 'xenkvm-init: dhcp eth0 10.0.2.15 router 10.0.2.2 dns 10.0.2.3' "$dir/console/$g.log" ||
	fail "the lease is not 10.0.2.15 with gateway 10.0.2.2 and DNS 10.0.2.3"
wait_log 'xenkvm-init: \(fetched md5\|fetch failed\)' 120
grep -q "xenkvm-init: fetched md5 $(md5 "$dir/www/file")" "$dir/console/$g.log" ||
	fail "the guest did not fetch the host's file intact"

# Into the guest through the first forward. slirp takes the host's
# connection before it knows whether the guest listens, so a connection
# made too early is closed unanswered: send again until the guest has it.
wait_log 'xenkvm-init: listening on 7000' 60
for i in $(seq 1 10); do
	timeout 60 "$bb" nc 127.0.0.1 "$fwd_in" < "$dir/file" 2>/dev/null
	grep -q 'xenkvm-init: received md5' "$dir/console/$g.log" && break
	sleep 3
	grep -q 'xenkvm-init: received md5' "$dir/console/$g.log" && break
done
wait_log 'xenkvm-init: received md5' 5
grep -q "xenkvm-init: received md5 $(md5 "$dir/file")" "$dir/console/$g.log" ||
	fail "the guest got another file through the forward ($(grep 'received' "$dir/console/$g.log"))"

# And back through the second: busybox nc exits at the peer's close, and
# keeping its input open (a FIFO) keeps it from closing first.
wait_log 'xenkvm-init: serving on 7001' 60
mkfifo "$dir/hold"
for i in $(seq 1 10); do
	"$bb" nc 127.0.0.1 "$fwd_out" < "$dir/hold" > "$dir/back" 2>/dev/null &
	reader=$!
	exec 9> "$dir/hold"
	for j in $(seq 1 60); do kill -0 $reader 2>/dev/null || break; sleep 1; done
	exec 9>&-
	kill $reader 2>/dev/null
	wait $reader 2>/dev/null
	[ -s "$dir/back" ] && break
	sleep 2
done
[ "$(md5 "$dir/back")" = "$(md5 "$dir/file")" ] ||
	fail "the file came back changed ($(wc -c < "$dir/back") bytes)"
wait_log 'xenkvm-init: network test done' 60
echo "guest network test done $(($(date +%s) - start)) s after xl create"

"$XL" network-detach u1 0 || fail "xl network-detach"
for i in $(seq 1 30); do
	"$XL" network-list u1 | grep -q "00:16:3e:00:01:02" || break
	sleep 1
done
"$XL" network-list u1 | grep -q "00:16:3e:00:01:02" && fail "vif still listed after detach"
"$bb" nc -w 2 127.0.0.1 "$fwd_in" </dev/null 2>/dev/null &&
	fail "port $fwd_in still accepts connections after the vif is gone"
for i in $(seq 1 10); do "$XL" dmesg | grep -q "vif 0 (user): queue 0: " && break; sleep 1; done
"$XL" dmesg | grep -q "vif 0 (user): connected, .*, 2 queue(s)" ||
	fail "the 2-vCPU guest did not connect 2 queues: $("$XL" dmesg | grep "vif 0 (user): connected")"
grep -q 'xenkvm-init: eth0 queues: rx-0 rx-1 tx-0 tx-1' "$dir/console/$g.log" ||
	fail "the guest's eth0 does not have 2 queues: $(grep 'eth0 queues' "$dir/console/$g.log")"
# Whether the guest's TCP sends trains here depends on its pacing (seen both
# ways on the PVM host): the counts are shown, not required.
echo "backend's counts: $("$XL" dmesg | grep -o "queue [01]: .* frames sent.*" | tr '\n' ' ')"
"$XL" dmesg | grep -q "vif 0 (user): user-mode network 10.0.2.0/24" ||
	fail "xl dmesg does not describe the user-mode network"
echo "ok"
