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
if [ -z "$kpkg" ]; then
	echo "fetch-assets: cannot resolve linux-image-cloud-amd64; run apt-get update" >&2
	exit 1
fi
fetch_debs "$kpkg" busybox-static || exit 1
rm -rf "$CACHE/root" && mkdir -p "$CACHE/root"
for d in "${kpkg}"_*.deb busybox-static_*.deb; do
	dpkg -x "$d" "$CACHE/root"
done
kver=${kpkg#linux-image-}
ln -sf "root/boot/vmlinuz-$kver" "$CACHE/vmlinuz"
echo "$kver" > "$CACHE/kernel-version"
echo "$CACHE"
