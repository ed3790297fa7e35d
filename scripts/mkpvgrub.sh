#!/bin/sh
# Build a PV-GRUB image (GRUB as a 64-bit Xen PV guest) from Debian's own
# grub-xen-bin and grub-common, fetched into the cache outside git.
# usage: mkpvgrub.sh OUTPUT.elf      (prints OUTPUT.elf on success)
set -eu
OUT=$1
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
mkdir -p "$CACHE/debs"
. "$(dirname "$0")/debs.sh"
cd "$CACHE/debs"
fetch_debs grub-xen-bin grub-common || exit 1
rm -rf "$CACHE/grub" && mkdir -p "$CACHE/grub"
for d in grub-xen-bin_*.deb grub-common_*.deb; do
	dpkg -x "$d" "$CACHE/grub"
done
cd - >/dev/null
"$CACHE/grub/usr/bin/grub-mkimage" -O x86_64-xen -d "$CACHE/grub/usr/lib/grub/x86_64-xen" \
	-p '(memdisk)/boot/grub' -o "$OUT" normal echo ls cat configfile
echo "$OUT"
