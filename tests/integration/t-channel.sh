#!/bin/sh
# A Debian guest's secondary consoles (xl.cfg channel=), served by xenkvmd's
# console backend to Linux's own hvc_xen frontend: channel 1 on a Unix
# socket xenkvmd listens on, channel 2 on a pty reached with xl console -n 2.
# The guest writes a line on each (/dev/hvc1, /dev/hvc2) and reads the
# host's answer back; xl channel-list shows both connected.
. tests/integration/xl-test-env.sh
fail() {
	echo "FAIL: $*"
	tail -n 40 "$dir/console/1.log"
	"$XL" dmesg | tail -n 20
	"$XL" channel-list ch
	echo "socket side: $(cat "$dir/sock.out" 2>/dev/null)"
	XENSTORED_PATH="$dir/xenstored.sock" xenstore-ls /local/domain/1/device/console
	XENSTORED_PATH="$dir/xenstored.sock" xenstore-ls /local/domain/0/backend/console
	for t in /proc/$(pgrep -x xenkvmd | head -n 1)/task/*; do
		echo "xenkvmd thread $(cat "$t/comm"): $(cat "$t/wchan" 2>/dev/null)"
	done
	exit 1
}
debian_guest
cat > "$dir/ch.cfg" <<CFG
name = "ch"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
vcpus = 1
extra = "console=hvc0 xenkvm.test=channel"
channel = [ "name=org.xenkvm.sock,connection=socket,path=$dir/ch.sock",
	    "name=org.xenkvm.pty,connection=pty" ]
CFG
"$XL" create "$dir/ch.cfg" || fail "xl create"
"$BUILD/unix-chat" "$dir/ch.sock" "answer on the socket" 400 > "$dir/sock.out" 2>&1 &
chat=$!
# xl console -n 2 follows the pty; its input is the answer, once the guest's
# hello came out (then a pause, for the answer to reach the guest).
mkfifo "$dir/pty.in"
"$XL" console -n 2 ch < "$dir/pty.in" > "$dir/pty.out" 2>&1 &
cons=$!
exec 3> "$dir/pty.in"
i=0
until grep -q 'hello from hvc2' "$dir/pty.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 400 ] || fail "no hello through xl console -n 2: $(cat "$dir/pty.out")"
	"$XL" list ch > /dev/null 2>&1 || fail "the domain ended: $(cat "$dir/pty.out")"
	sleep 1
done
"$XL" channel-list ch > "$dir/list" || fail "xl channel-list"
cat "$dir/list"
printf 'answer on the pty\n' >&3
sleep 2
exec 3>&-
wait $chat || fail "unix-chat: $(cat "$dir/sock.out")"
wait $cons
await_gone ch 120
log=$(tr -d '\r' < "$dir/console/1.log")
echo "$log" | grep 'xenkvm-init: hvc'
grep -q '^hello from hvc1' "$dir/sock.out" || fail "the socket got: $(cat "$dir/sock.out")"
echo "$log" | grep -q 'xenkvm-init: hvc1 got: answer on the socket' || fail "hvc1 read no answer"
echo "$log" | grep -q 'xenkvm-init: hvc2 got: answer on the pty' || fail "hvc2 read no answer"
grep -Eq '^1 +0 +4 +[0-9]+ +[0-9]+ +org\.xenkvm\.sock +socket +/' "$dir/list" ||
	fail "channel-list shows no connected socket channel 1"
grep -Eq '^2 +0 +4 +[0-9]+ +[0-9]+ +org\.xenkvm\.pty +pty +/dev/pts/' "$dir/list" ||
	fail "channel-list shows no connected pty channel 2"
echo "ok"
