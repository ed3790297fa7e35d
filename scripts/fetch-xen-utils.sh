#!/bin/sh
# Debian's xen-utils-4.17, unpacked once into the cache outside git: Xen's
# own test-xenstore (our xenstored is held to it) and verify-stream-v2 with
# the Python package it imports (our migration streams are). Prints the
# directory the package was unpacked in; its programs are under
# usr/lib/xen-4.17/bin, the Python package under usr/lib/xen-4.17/lib/python.
set -eu
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
mkdir -p "$CACHE/debs"
. "$(dirname "$0")/debs.sh"
cd "$CACHE/debs"
fetch_debs xen-utils-4.17 || exit 1
deb=$(ls xen-utils-4.17_*.deb | tail -n 1)
out="$CACHE/xen-utils/${deb%.deb}"
if [ ! -x "$out/usr/lib/xen-4.17/bin/verify-stream-v2" ]; then
	mkdir -p "$CACHE/xen-utils"
	new=$(mktemp -d "$CACHE/xen-utils/new.XXXXXX")
	dpkg -x "$deb" "$new" || { rm -rf "$new"; exit 1; }
	rm -rf "$out"
	mv "$new" "$out"
fi
echo "$out"
