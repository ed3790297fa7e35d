#!/bin/sh
# build/xenstored driven by Debian's own xenstore clients over the socket.
BUILD=${BUILD:-build}
for t in xenstore-read xenstore-write xenstore-ls xenstore-rm xenstore-list \
	 xenstore-chmod xenstore-watch xenstore-exists; do
	command -v "$t" >/dev/null 2>&1 || { echo "skip: $t missing (xenstore-utils)"; exit 77; }
done
[ -x "$BUILD/xenstored" ] || { echo "FAIL: $BUILD/xenstored not built"; exit 1; }

dir=$(mktemp -d)
pid=
wpid=
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
XENSTORED_PATH=$dir/run/socket
export XENSTORED_PATH

fail() { echo "FAIL: $*"; exit 1; }
expect() {	# expect WHAT EXPECTED ACTUAL
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	echo "ok: $1"
}

"$BUILD/xenstored" --socket "$XENSTORED_PATH" 2>"$dir/xenstored.log" &
pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -S "$XENSTORED_PATH" ] && break
	sleep 0.1
done
[ -S "$XENSTORED_PATH" ] || fail "no socket at $XENSTORED_PATH"
expect "socket mode" "srw-------" "$(ls -l "$XENSTORED_PATH" | cut -c1-10)"

xenstore-write /vm/test/name guest1 /vm/test/memory 512 || fail "write"
expect "read" "guest1" "$(xenstore-read /vm/test/name)"
expect "implicit parent" "" "$(xenstore-read /vm/test)"
expect "list" "name
memory" "$(xenstore-list /vm/test)"
expect "ls" 'name = "guest1"
memory = "512"' "$(xenstore-ls /vm/test)"

out=$(xenstore-read /no/such/path 2>&1) && fail "read of a missing path succeeded"
case $out in *"couldn't read path /no/such/path"*) echo "ok: missing path error" ;;
*) fail "missing path error: '$out'" ;; esac
xenstore-exists /no/such/path && fail "exists on a missing path"
xenstore-exists /vm/test/name || fail "exists on an existing path"

xenstore-chmod /vm/test/name n3 r5 b7 || fail "chmod"
case $(xenstore-ls -p /vm/test) in
*'name = "guest1"'*'(n3,r5,b7)'*) echo "ok: perms shown by xenstore-ls -p" ;;
*) fail "perms: $(xenstore-ls -p /vm/test)" ;;
esac

# A watcher in the background must see a later write below its path.
xenstore-watch -n 2 /vm/test >"$dir/watch.out" 2>&1 &
wpid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q '^/vm/test$' "$dir/watch.out" && break
	sleep 0.1
done
grep -q '^/vm/test$' "$dir/watch.out" || fail "no initial watch event"
xenstore-write /vm/test/state running
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	kill -0 "$wpid" 2>/dev/null || break
	sleep 0.1
done
wpid=
grep -q '^/vm/test/state$' "$dir/watch.out" || fail "watch missed /vm/test/state: $(cat "$dir/watch.out")"
echo "ok: watch event"

xenstore-rm /vm/test || fail "rm"
xenstore-exists /vm/test && fail "rm left /vm/test"
expect "rm leaves parent" "" "$(xenstore-list /vm)"
out=$(xenstore-rm /nothing/here 2>&1) && fail "rm under a missing parent succeeded"
echo "ok: rm error"

# Too many children for one DIRECTORY reply: the client pages with
# DIRECTORY_PART after our E2BIG.
i=0
set --
while [ $i -lt 300 ]; do
	i=$((i + 1))
	set -- "$@" "/wide/child-with-quite-a-long-name-$i" x
done
xenstore-write "$@" || fail "write 300 children"
expect "DIRECTORY_PART listing" "300" "$(xenstore-list /wide | wc -l | tr -d ' ')"
expect "last child" "child-with-quite-a-long-name-300" "$(xenstore-list /wide | tail -n 1)"

# A client that breaks the protocol is dropped; the server carries on.
if command -v python3 >/dev/null 2>&1; then
	python3 - "$XENSTORED_PATH" <<'PY' || fail "oversize/partial client test"
import socket, struct, sys
p = sys.argv[1]
s = socket.socket(socket.AF_UNIX); s.connect(p)
s.sendall(struct.pack('<IIII', 11, 1, 0, 5000) + b'x' * 100)
s.settimeout(2)
try:
    assert s.recv(100) == b''          # closed on us
except ConnectionResetError:
    pass
s = socket.socket(socket.AF_UNIX); s.connect(p)
s.sendall(struct.pack('<IIII', 2, 1, 0, 10)[:9])   # half a header, then gone
s.close()
# Many clients at once, each request arriving in two pieces.
req = lambda i: struct.pack('<IIII', 2, i, 0, 6) + b'/tool\0'
conns = [socket.socket(socket.AF_UNIX) for _ in range(50)]
for c in conns:
    c.connect(p)
for i, c in enumerate(conns):
    c.sendall(req(i)[:11])
for i, c in enumerate(conns):
    c.sendall(req(i)[11:])
for i, c in enumerate(conns):
    c.settimeout(2)
    t, rid, tx, ln = struct.unpack('<IIII', c.recv(16, socket.MSG_WAITALL))
    assert (t, rid, ln) == (2, i, 0), (t, rid, ln)
PY
	echo "ok: bad clients dropped"
fi
xenstore-write /after still-here || fail "write after bad clients"
expect "still serving" "still-here" "$(xenstore-read /after)"
kill -0 "$pid" 2>/dev/null || fail "xenstored died"
echo "PASS"
