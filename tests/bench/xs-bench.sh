#!/bin/sh
# XS_READ / XS_WRITE round trips against a bare Unix-socket echo, same run.
# Passes when both ratios are >= 0.5.
BUILD=${BUILD:-build}
CC=${CC:-cc}
[ -x "$BUILD/xenstored" ] || { echo "FAIL: $BUILD/xenstored not built"; exit 1; }
$CC -O2 -Wall -Wextra -Werror -I. -D_GNU_SOURCE tests/bench/xs-bench.c \
	-o "$BUILD/xs-bench" || exit 1
dir=$(mktemp -d)
"$BUILD/xenstored" --socket "$dir/socket" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -S "$dir/socket" ] && break
	sleep 0.1
done
"$BUILD/xs-bench" "$dir/socket" "${XS_BENCH_SECONDS:-2}"
