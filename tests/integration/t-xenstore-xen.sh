#!/bin/sh
# build/xenstored held to Xen's own xenstore test program (test-xenstore,
# from Debian's xen-utils-4.17, through libxenstore): reads, writes,
# directories, removal and transactions, among them a transaction that must
# keep seeing what it first read after a write outside it, and must then
# fail its commit with EAGAIN. Every test 20 times, then random ones for 5 s.
BUILD=${BUILD:-build}
xen=$(sh scripts/fetch-xen-utils.sh) || { echo "FAIL: cannot fetch xen-utils-4.17"; exit 1; }
prog=$xen/usr/lib/xen-4.17/bin/test-xenstore
dir=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
XENSTORED_PATH=$dir/socket
export XENSTORED_PATH
"$BUILD/xenstored" --socket "$XENSTORED_PATH" 2> "$dir/xenstored.log" &
pid=$!
i=0
while [ ! -S "$XENSTORED_PATH" ]; do
	i=$((i + 1))
	[ $i -lt 50 ] || { echo "FAIL: xenstored did not start: $(cat "$dir/xenstored.log")"; exit 1; }
	sleep 0.1
done
"$prog" -l
status=0
"$prog" -i 20 > "$dir/out" 2>&1 || status=$?
cat "$dir/out"
[ $status = 0 ] || { echo "FAIL: test-xenstore exited $status"; exit 1; }
grep -q failed "$dir/out" && { echo "FAIL: a test failed"; exit 1; }
[ "$(grep -c ': avg: ' "$dir/out")" = "$("$prog" -l | wc -l)" ] ||
	{ echo "FAIL: not every test reported"; exit 1; }
"$prog" -r 5 > "$dir/random" 2>&1 || { echo "FAIL: random tests: $(cat "$dir/random")"; exit 1; }
cat "$dir/random"
echo "PASS"
