#!/bin/sh
# Our migration streams held to Xen's own checker, on any host: build/stream-sample
# writes a 64-bit PV domain (typed page tables, a p2m frame, two vCPUs) and a
# PVH one (an HVM stream), each as a libxc stream, a libxl stream and an xl
# save file; Xen 4.17's verify-stream-v2 (Debian's xen-utils-4.17, fetched by
# scripts/fetch-xen-utils.sh) must pass all six, and our reader too. Then
# corrupted copies: each refused by our reader with its message, and by Xen's
# checker too where it can tell (it knows no domain and no record order).
BUILD=${BUILD:-build}
command -v python3 > /dev/null || { echo "skipped: no python3 to run verify-stream-v2"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$BUILD/stream-sample" ] || fail "no $BUILD/stream-sample (make $BUILD/stream-sample)"
xen=$(sh scripts/fetch-xen-utils.sh) || fail "cannot fetch verify-stream-v2 (xen-utils-4.17)"
verify=$xen/usr/lib/xen-4.17/bin/verify-stream-v2
pylib=$xen/usr/lib/xen-4.17/lib/python
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# xen_verify FORMAT FILE: Xen's verdict (0: the stream is good); its words in $dir/xen.log
xen_verify() {
	PYTHONPATH="$pylib" python3 "$verify" -v -f "$1" -i "$2" > "$dir/xen.log" 2>&1
}
# ours FORMAT FILE [MAX_PFN [MAX_VCPUS]]: our reader's verdict; its words in $dir/ours.log
ours() {
	"$BUILD/stream-sample" read "$@" > "$dir/ours.log" 2>&1
}

"$BUILD/stream-sample" write "$dir" || fail "stream-sample write"
for kind in pv hvm; do
	for fmt in libxc libxl xl; do
		f=$dir/$kind.$fmt
		rc=0
		xen_verify "$fmt" "$f" || rc=$?
		# Exit 0 and no error text: verify-stream-v2 prints errors on stderr
		# and exits 1 (stream error) or 2 (its own failure).
		if [ "$rc" -ne 0 ] || grep -qi 'error\|traceback' "$dir/xen.log"; then
			cat "$dir/xen.log"
			fail "verify-stream-v2 -f $fmt refused $kind.$fmt (exit $rc)"
		fi
		end=$(grep 'Record: End' "$dir/xen.log" | tail -n 1)
		case $fmt in
		libxc) [ "$end" = "Libxc Record: End, length 0" ] ;;
		*) [ "$end" = "Libxl Record: End, length 0" ] ;;
		esac || { cat "$dir/xen.log"; fail "verify-stream-v2 did not reach END in $kind.$fmt"; }
		echo "verify-stream-v2 -f $fmt $kind.$fmt: exit 0, $(grep 'Domain Header' "$dir/xen.log"),"\
			"$(grep -c 'Record:' "$dir/xen.log") records listed, $(grep Squashed "$dir/xen.log")"
		[ "$fmt" != xl ] || sed 's/^/    /' "$dir/xen.log"
		ours "$fmt" "$f" || { cat "$dir/ours.log"; fail "our reader refused $kind.$fmt"; }
		echo "    our reader: $(tail -n 1 "$dir/ours.log")"
	done
done

# --- corrupted copies ---------------------------------------------------------

# poke FILE OFFSET SIZE VALUE: a little-endian integer of SIZE bytes at OFFSET
poke() {
	python3 - "$@" <<'EOF'
import sys
path, off, size, value = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3]), int(sys.argv[4], 0)
with open(path, 'r+b') as f:
    f.seek(off)
    f.write(value.to_bytes(size, 'little'))
EOF
}
# at FILE FORMAT NAME [N]: the offset of the Nth (from 0) record NAME, from our listing
at() {
	"$BUILD/stream-sample" read "$2" "$1" | awk -v name="$3" -v n="${4:-0}" \
		'$3 == name && n-- == 0 { print $5; exit }' | tr -d ,
}
# copy FROM TO: a fresh copy of a sample to corrupt
copy() { cp "$dir/$1" "$dir/$2"; }
# ours_refuses FORMAT FILE TEXT [MAX_PFN [MAX_VCPUS]]
ours_refuses() {
	fmt=$1 file=$2 text=$3
	shift 3
	if ours "$fmt" "$dir/$file" "$@"; then
		fail "our reader took $file"
	fi
	grep -q "^refused: .*$text" "$dir/ours.log" || { cat "$dir/ours.log"; fail "$file: no \"$text\""; }
	echo "$file: our reader $(grep '^refused' "$dir/ours.log")"
}
# xen_refuses FORMAT FILE TEXT
xen_refuses() {
	if xen_verify "$1" "$dir/$2"; then
		fail "verify-stream-v2 took $2"
	fi
	grep -q "$3" "$dir/xen.log" || { cat "$dir/xen.log"; fail "$2: verify-stream-v2 said no \"$3\""; }
	echo "$2: verify-stream-v2 $(grep "$3" "$dir/xen.log" | tail -n 1)"
}
# xen_takes FORMAT FILE: what Xen's checker cannot see (no domain, no order rules)
xen_takes() {
	xen_verify "$1" "$dir/$2" || { cat "$dir/xen.log"; fail "verify-stream-v2 refused $2"; }
	echo "$2: verify-stream-v2 passes it (it cannot know)"
}

head -c 200000 "$dir/pv.xl" > "$dir/cut.xl"
ours_refuses xl cut.xl "truncated: the input ends at byte 200000, 68030 of the 131336 bytes of the body of libxc record 6 (PAGE_DATA)"
xen_refuses xl cut.xl "Stream truncated"

copy pv.xl magic.xl
poke "$dir/magic.xl" 0 1 0x78
ours_refuses xl magic.xl "at byte 0: not an xl save file"
xen_refuses xl magic.xl "No xl header"

copy pv.libxc marker.libxc
poke "$dir/marker.libxc" 3 1 0x7f
ours_refuses libxc marker.libxc "libxc image header: marker 0xffffff7fffffffff is not all ones"
xen_refuses libxc marker.libxc "Bad image marker"

copy hvm.libxl version.libxl
poke "$dir/version.libxl" 39 1 4
ours_refuses libxl version.libxl "at byte 24: libxc image header: version 4"
xen_refuses libxl version.libxl "Unknown image version"

# A PAGE_DATA whose length says 8 bytes more than its pages.
copy pv.libxl length.libxl
pd=$(at "$dir/pv.libxl" libxl PAGE_DATA)
poke "$dir/length.libxl" $((pd + 4)) 4 $((131336 + 8))
ours_refuses libxl length.libxl "PAGE_DATA) at byte $pd: length 131344, but 32 pfns of which 32 carry a page make 131336"
xen_refuses libxl length.libxl "RecordError: Expected"

# A page type that does not exist (5), and reserved pfn bits.
copy pv.xl type.xl
pd=$(at "$dir/pv.xl" xl PAGE_DATA 1)
poke "$dir/type.xl" $((pd + 16 + 7)) 1 0x50
ours_refuses xl type.xl "pfn\[0\] 0x20 has unknown page type 0x5"
xen_refuses xl type.xl "Invalid type value in pfn\[0\]"
copy pv.xl reserved.xl
poke "$dir/reserved.xl" $((pd + 16 + 6)) 1 0x10
ours_refuses xl reserved.xl "pfn\[0\] 0x0010000000000020 has reserved bits set"
xen_refuses xl reserved.xl "Reserved bits set in pfn\[0\]"

# An unknown mandatory record type where X86_TSC_INFO was.
copy pv.libxc unknown.libxc
poke "$dir/unknown.libxc" "$(at "$dir/pv.libxc" libxc X86_TSC_INFO)" 4 0x13
ours_refuses libxc unknown.libxc "unknown mandatory record type 0x13"
xen_refuses libxc unknown.libxc "Unrecognised record type 0x13"

# What only a reader that knows the domain and the order can refuse: a pfn
# past the domain's end, a vCPU it does not have, the p2m past the end, and
# STATIC_DATA_END turned into VERIFY (which has no place before the static
# data ends, and then neither has the p2m).
copy pv.xl pfn.xl
poke "$dir/pfn.xl" $((pd + 16 + 1)) 1 0x10
ours_refuses xl pfn.xl "pfn\[0\] 0x1020 is past the last pfn 0x5f"
xen_takes xl pfn.xl
ours_refuses xl pv.xl "vCPU 1 is past the domain's 1 vCPUs" 0x5f 1
ours_refuses xl pv.xl "X86_PV_P2M_FRAMES) at byte [0-9]*: end pfn 0x5f is past the last pfn 0x3f" 0x3f
copy pv.libxl order.libxl
poke "$dir/order.libxl" "$(at "$dir/pv.libxl" libxl STATIC_DATA_END)" 4 0x0d
ours_refuses libxl order.libxl "libxc record 3 (VERIFY) at byte 296: VERIFY before STATIC_DATA_END"
xen_takes libxl order.libxl

echo "PASS: 6 samples pass verify-stream-v2 and our reader; 12 corruptions refused by our reader, 8 of them by verify-stream-v2 too"
