#!/bin/sh
# Xen's own checker of migration streams (verify-stream-v2 and the Python
# package it imports, from Debian's xen-utils-4.17) into the cache outside
# git, to hold our stream writer to what Xen 4.17 reads. Prints two lines:
# the program, then the directory to put in PYTHONPATH. Run it with python3.
set -eu
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
mkdir -p "$CACHE/debs"
. "$(dirname "$0")/debs.sh"
cd "$CACHE/debs"
fetch_debs xen-utils-4.17 || exit 1
deb=$(ls xen-utils-4.17_*.deb | tail -n 1)
out="$CACHE/xen-migration/${deb%.deb}"
if [ ! -f "$out/bin/verify-stream-v2" ]; then
	mkdir -p "$CACHE/xen-migration"
	new=$(mktemp -d "$CACHE/xen-migration/new.XXXXXX")
	dpkg -x "$deb" "$new" || { rm -rf "$new"; exit 1; }
	mkdir -p "$new/keep/bin" "$new/keep/lib"
	mv "$new/usr/lib/xen-4.17/bin/verify-stream-v2" "$new/keep/bin/" &&
		mv "$new/usr/lib/xen-4.17/lib/python" "$new/keep/lib/python" || { rm -rf "$new"; exit 1; }
	rm -rf "$out"
	mv "$new/keep" "$out"
	rm -rf "$new"
fi
echo "$out/bin/verify-stream-v2"
echo "$out/lib/python"
