#!/bin/sh
# Debian's own xenstore clients find xenkvmd's xenstore as they find Xen's:
# with no environment at all, at the standard socket, once xenkvmd runs with
# its default run dir. And where another xenstored already owns that path,
# xenkvmd leaves it alone and says how to reach its own. Runs in a private
# mount namespace with /run on a fresh tmpfs, so the host's /run (and any
# xenkvmd the host runs) is never touched.
BUILD=$(cd "${BUILD:-build}" && pwd)
if [ -z "$XENKVM_STD_NS" ]; then
	command -v unshare > /dev/null || { echo "skipped: no unshare(1)"; exit 77; }
	command -v xenstore-ls > /dev/null || {
		echo "skipped: Debian's xenstore-utils are missing (./configure installs them)"
		exit 77
	}
	unshare -m true 2> /dev/null || { echo "skipped: cannot make a mount namespace here"; exit 77; }
	XENKVM_STD_NS=1 BUILD=$BUILD exec unshare -m sh "$0"
fi
mount -t tmpfs tmpfs /run || { echo "skipped: cannot mount a tmpfs on /run here"; exit 77; }
unset XENKVM_RUNDIR XENSTORED_PATH
XL="$BUILD/xl"
STD=/var/run/xenstored/socket
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids $(sed -n 's/.*xenkvmd started (pid \([0-9]*\)).*/\1/p' \
		/run/xenkvm/xenkvmd.log 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat /run/xenkvm/xenkvmd.log 2>/dev/null | tail -n 20; exit 1; }
# bare COMMAND...: run it as a new shell user would, with no environment
bare() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
stop_xenkvmd() {
	pid=$(sed -n 's/.*xenkvmd started (pid \([0-9]*\)).*/\1/p' /run/xenkvm/xenkvmd.log | tail -n 1)
	kill "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "xenkvmd did not stop"
		sleep 0.1
	done
}

# 1. Another xenstored owns the standard path: xenkvmd starts anyway, says
# so, and the other keeps it.
mkdir -p /run/xenstored
"$BUILD/xenstored" --socket "$STD" 2> "$tmp/other.log" &
pids=$!
i=0
while [ ! -S "$STD" ]; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "the other xenstored did not start: $(cat "$tmp/other.log")"
	sleep 0.1
done
bare xenstore-write /owner other || fail "cannot write to the other xenstored"
"$BUILD/xenkvmd" --vmm "$BUILD/fake-vmm" 2> "$tmp/xenkvmd.err" || fail "xenkvmd did not start"
grep -q "another xenstored serves $STD; Xen's tools reach this one with XENSTORED_PATH=/var/run/xenkvm/xenstored.sock" \
	"$tmp/xenkvmd.err" || fail "xenkvmd did not say the standard path is taken: $(cat "$tmp/xenkvmd.err")"
[ "$(bare xenstore-read /owner)" = other ] || fail "xenkvmd took the other xenstored's socket"
stop_xenkvmd
[ -S "$STD" ] || fail "xenkvmd removed the other xenstored's socket"
kill $pids
wait 2>/dev/null
pids=

# 2. Nothing owns it: xenkvmd serves it, and Debian's tools work bare.
rm -f "$STD"
"$BUILD/xenkvmd" --vmm "$BUILD/fake-vmm" 2> "$tmp/xenkvmd.err" || fail "xenkvmd did not start"
[ -s "$tmp/xenkvmd.err" ] && fail "xenkvmd complained: $(cat "$tmp/xenkvmd.err")"
[ -S "$STD" ] || fail "no socket at $STD"
echo "no kernel: fake-vmm runs none" > "$tmp/kernel"
cat > "$tmp/std.cfg" <<CFG
name = "std-guest"
type = "pv"
kernel = "$tmp/kernel"
memory = 32
CFG
bare "$XL" create "$tmp/std.cfg" > "$tmp/create.out" 2>&1 || fail "xl create: $(cat "$tmp/create.out")"
domid=$(bare "$XL" domid std-guest) || fail "xl domid std-guest"
bare xenstore-ls > "$tmp/ls" 2>&1 || fail "xenstore-ls with no environment: $(cat "$tmp/ls")"
grep -q 'name = "std-guest"' "$tmp/ls" || fail "xenstore-ls does not list the domain: $(head -n 20 "$tmp/ls")"
[ "$(bare xenstore-read "/local/domain/$domid/name")" = std-guest ] ||
	fail "xenstore-read /local/domain/$domid/name"
bare xenstore-watch -n 2 /tool/std > "$tmp/watch" 2>&1 &
watcher=$!
sleep 0.5
bare xenstore-write /tool/std/key value || fail "xenstore-write with no environment"
i=0
while kill -0 $watcher 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || { kill $watcher; fail "xenstore-watch saw no write: $(cat "$tmp/watch")"; }
	sleep 0.1
done
grep -q '^/tool/std/key$' "$tmp/watch" || fail "xenstore-watch printed: $(cat "$tmp/watch")"
[ "$(bare xenstore-read /tool/std/key)" = value ] || fail "xenstore-read /tool/std/key"
stop_xenkvmd
[ -e "$STD" ] && fail "xenkvmd left $STD behind"
echo "PASS: Debian's xenstore-ls/read/write/watch reach xenkvmd at $STD with no environment"
