#!/bin/sh
# Fetch the ordinary Debian programs that t-user-abi runs inside a PV guest:
# strace, gdb (gdb-minimal: no Python) and the i386 busybox-static. The
# i386 package comes from the archive's i386 index, checked against the
# Release file apt already verified, so the host needs no foreign
# architecture. Extracted under CACHE/user-progs; prints that directory.
set -eu
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
out="$CACHE/user-progs"
mkdir -p "$CACHE/debs"
. "$(dirname "$0")/debs.sh"
cd "$CACHE/debs"

die() { echo "fetch-user-progs: $*" >&2; exit 1; }

fetch_debs strace gdb-minimal || exit 1

# busybox-static for i386 (in debs/i386, away from the amd64 one's name):
# Packages.xz from the mirror apt uses, its hash from the InRelease in apt's
# lists, the .deb's hash from Packages.xz.
i386_busybox() {
	ls i386/busybox-static_*_i386.deb >/dev/null 2>&1 && return 0
	release=$(ls /var/lib/apt/lists/*_dists_bookworm_InRelease 2>/dev/null | head -n 1)
	[ -n "$release" ] || die "no bookworm InRelease in /var/lib/apt/lists (apt-get update)"
	mirror=$(sed -n 's,^URIs: *\(http[^ ]*debian\)/*$,\1,p' /etc/apt/sources.list.d/*.sources \
		2>/dev/null | head -n 1)
	[ -n "$mirror" ] || mirror=$(sed -n 's,^deb  *\(http[^ ]*debian\)/* .*,\1,p' \
		/etc/apt/sources.list 2>/dev/null | head -n 1)
	[ -n "$mirror" ] || die "cannot find the Debian mirror in apt's sources"
	want=$(awk '/^SHA256:/ { s = 1; next } /^[A-Za-z]/ { s = 0 }
		s && $3 == "main/binary-i386/Packages.xz" { print $1 }' "$release")
	[ -n "$want" ] || die "$release lists no main/binary-i386/Packages.xz"
	tmp=$(mktemp -d)
	/usr/lib/apt/apt-helper download-file \
		"$mirror/dists/bookworm/main/binary-i386/Packages.xz" "$tmp/Packages.xz" \
		"SHA256:$want" >/dev/null 2>&1 || { rm -rf "$tmp"; die "i386 Packages.xz: download failed"; }
	xz -dc "$tmp/Packages.xz" | awk '/^Package: busybox-static$/ { p = 1 }
		p && /^(Filename|SHA256):/ { print $2 } p && /^$/ { exit }' > "$tmp/entry"
	file=$(sed -n 1p "$tmp/entry")
	sum=$(sed -n 2p "$tmp/entry")
	[ -n "$file" ] && [ -n "$sum" ] || { rm -rf "$tmp"; die "no busybox-static in the i386 index"; }
	/usr/lib/apt/apt-helper download-file "$mirror/$file" "$tmp/b.deb" "SHA256:$sum" \
		>/dev/null 2>&1 || { rm -rf "$tmp"; die "$file: download failed"; }
	mkdir -p i386
	mv "$tmp/b.deb" "i386/$(basename "$file")"
	rm -rf "$tmp"
}
i386_busybox

stamp=$(ls strace_*.deb gdb-minimal_*.deb i386/busybox-static_*_i386.deb)
if [ "$(cat "$out.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -x "$out/bin/busybox-i386" ]; then
	new=$(mktemp -d "$CACHE/user-progs.new.XXXXXX")
	x=$(mktemp -d)
	for d in strace_*.deb gdb-minimal_*.deb; do
		dpkg -x "$d" "$x" || { rm -rf "$new" "$x"; exit 1; }
	done
	dpkg -x i386/busybox-static_*_i386.deb "$x/i386" || { rm -rf "$new" "$x"; exit 1; }
	mkdir -p "$new/bin"
	cp "$x/usr/bin/strace" "$x/usr/bin/gdb" "$new/bin/"
	cp "$x/i386/bin/busybox" "$new/bin/busybox-i386"
	rm -rf "$x"
	# Their libraries come from the host (Debian 12, as the packages): say which are missing.
	missing=$(ldd "$new/bin/strace" "$new/bin/gdb" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found/\1/p')
	[ -z "$missing" ] || { rm -rf "$new"; die "the host lacks libraries: $missing"; }
	rm -rf "$out.old"
	[ ! -e "$out" ] || mv -T "$out" "$out.old"
	mv -T "$new" "$out"
	rm -rf "$out.old"
	echo "$stamp" > "$out.stamp"
fi
echo "$out"
