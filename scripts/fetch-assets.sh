#!/bin/sh
# Fetch the real guest pieces from Debian's archive into a cache outside git:
# the cloud kernel (Xen PV/PVH capable) and busybox-static.
# Prints the cache directory on success.
set -eu
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
mkdir -p "$CACHE/debs"
. "$(dirname "$0")/debs.sh"
cd "$CACHE/debs"

kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n 1)
# No package lists (the SVM rig, or no apt-get update yet): the kernel fetched before.
[ -n "$kpkg" ] || [ ! -s "$CACHE/kernel-version" ] || kpkg="linux-image-$(cat "$CACHE/kernel-version")"
if [ -z "$kpkg" ]; then
	echo "fetch-assets: cannot resolve linux-image-cloud-amd64; run apt-get update" >&2
	exit 1
fi
fetch_debs "$kpkg" busybox-static || exit 1
# Tests in several trees run this at once: the extracted tree is replaced
# only when the packages changed, and never emptied while another test
# reads it (a fresh copy is made aside and renamed into place).
stamp=$(ls "${kpkg}"_*.deb busybox-static_*_amd64.deb)
if [ "$(cat "$CACHE/root.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -x "$CACHE/root/bin/busybox" ]; then
	new=$(mktemp -d "$CACHE/root.new.XXXXXX")
	for d in "${kpkg}"_*.deb busybox-static_*_amd64.deb; do
		dpkg -x "$d" "$new" || { rm -rf "$new"; exit 1; }
	done
	old="$CACHE/root.old.$$"
	# No tree yet on a fresh machine: nothing to move aside (set -e would stop here).
	[ ! -e "$CACHE/root" ] || mv -T "$CACHE/root" "$old"
	mv -T "$new" "$CACHE/root" || rm -rf "$new"
	rm -rf "$old"
	echo "$stamp" > "$CACHE/root.stamp"
fi
kver=${kpkg#linux-image-}
ln -sf "root/boot/vmlinuz-$kver" "$CACHE/vmlinuz"
echo "$kver" > "$CACHE/kernel-version"
echo "$CACHE"
