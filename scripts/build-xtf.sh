#!/bin/sh
# Build Xen's own test framework (XTF) for tests/xtf/run.sh, out of git.
# usage: build-xtf.sh   (prints the build directory on success)
#
# XTF's source (BSD-2, not ours) is read from $XTF_SRC (default
# ../shared/xtf) and copied to $BUILD/xtf; only that copy is changed and
# built. The one change: XTF's copy of Xen's x86-64 public header puts the
# M2P at L4 slot 256 (0xFFFF800000000000), where PVM hosts do not let guest
# ring 3 reach; our PV runtime puts it at slot 257 and XENMEM_machphys_mapping
# says so, but XTF's pv64 tests use the constant, not the hypercall.
# Idempotent: a second run copies nothing and make finds all built.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
SRC=${XTF_SRC:-$here/../shared/xtf}
BUILD=${BUILD:-$here/build}
case $BUILD in /*) ;; *) BUILD=$here/$BUILD ;; esac
DST=$BUILD/xtf
HDR=include/xen/arch-x86/xen-x86_64.h
SLOT256=0xFFFF800000000000UL
SLOT257=0xFFFF808000000000UL

[ -f "$SRC/Makefile" ] && [ -f "$SRC/$HDR" ] || {
	echo "build-xtf.sh: no XTF source tree at $SRC (set XTF_SRC)" >&2
	exit 1
}
# The stamp is written last, so an interrupted copy is redone from scratch.
if [ ! -f "$DST/.xenkvm-copy" ]; then
	rm -rf "$DST"
	mkdir -p "$BUILD"
	cp -R "$SRC" "$DST.new.$$"
	chmod -R u+w "$DST.new.$$"
	mv "$DST.new.$$" "$DST"
	h=$DST/$HDR
	# Exactly one definition must change; anything else means XTF's header
	# moved on and this script needs a look, not a silent half-patch.
	n=$(grep -c "^#define MACH2PHYS_VIRT_START $SLOT256\$" "$h" || true)
	[ "$n" = 1 ] || {
		echo "build-xtf.sh: $HDR: expected one MACH2PHYS_VIRT_START $SLOT256, found $n" >&2
		exit 1
	}
	sed "s/^#define MACH2PHYS_VIRT_START $SLOT256\$/#define MACH2PHYS_VIRT_START $SLOT257/" \
		"$h" > "$h.new" && mv "$h.new" "$h"
	# Xen's header also has MACH2PHYS_VIRT_END (slot 256's end); XTF's copy
	# has none today. If a later XTF adds one, it must move too.
	if grep -q "MACH2PHYS_VIRT_END\|MACH2PHYS_NR_ENTRIES" "$h"; then
		echo "build-xtf.sh: $HDR now defines an M2P end; move it to slot 257 as well" >&2
		exit 1
	fi
	grep -q "^#define MACH2PHYS_VIRT_START $SLOT257\$" "$h"
	echo "$SRC" > "$DST/.xenkvm-copy"
fi
# xtfdir is where the generated .cfg files say the test images are.
make -s -C "$DST" -j"${XTF_JOBS:-2}" xtfdir="$DST" >&2
echo "$DST"
