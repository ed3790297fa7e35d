#!/bin/sh
# Xen's own xenstore test program (test-xenstore, from Debian's
# xen-utils-4.17) into the cache outside git, to hold our xenstored to the
# behaviour Xen's daemon is tested for. Prints the program's path.
set -eu
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
mkdir -p "$CACHE/debs"
. "$(dirname "$0")/debs.sh"
cd "$CACHE/debs"
fetch_debs xen-utils-4.17 || exit 1
deb=$(ls xen-utils-4.17_*.deb | tail -n 1)
out="$CACHE/xen-tests/$deb.test-xenstore"
if [ ! -x "$out" ]; then
	mkdir -p "$CACHE/xen-tests"
	new=$(mktemp -d "$CACHE/xen-tests/new.XXXXXX")
	dpkg -x "$deb" "$new" || { rm -rf "$new"; exit 1; }
	mv "$new/usr/lib/xen-4.17/bin/test-xenstore" "$out.$$" && mv "$out.$$" "$out"
	rm -rf "$new"
fi
echo "$out"
