#!/bin/sh
# The block backend's share of the PV disk path, measured without a guest
# (so on any host, /dev/kvm or not): xenkvmd's queue thread, ring checks,
# grant claims and io_uring, driven by vbd-backend's in-process frontend
# the way blkfront drives them (1 MiB as eight 128 KiB indirect requests),
# beside disk-ops doing the same I/O on the same image in the same run.
# Its depth counts 1 MiB units in flight, as disk-ops' does.
BUILD=$(cd "${BUILD:-build}" && pwd)
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
# Written through once: whoever writes first into a sparse image pays for
# allocating its blocks, and the other side of the ratio would not.
dd if=/dev/zero of="$dir/disk.img" bs=1M count=128 conv=fsync status=none
status=0
for run in seqwrite:1 seqread:1 seqwrite:8 seqread:8; do
	op=${run%:*} depth=${run#*:}
	out=$("$BUILD/vbd-backend" $op "$dir/disk.img" 128 $depth)
	b=$(echo "$out" | sed -n "s/^bench: ${op}_mibps //p")
	mode=buffered
	echo "$out" | grep -q "^vbd-backend: O_DIRECT" && mode=direct
	h=$("$BUILD/disk-ops" $op "$dir/disk.img" 128 $mode $depth |
		sed -n "s/^bench: ${op}_mibps //p")
	if [ -z "$b" ] || [ -z "$h" ]; then
		echo "vbd backend bench: no $op figure at depth $depth: $out"
		status=1
		continue
	fi
	awk -v name="$op, depth $depth" -v b="$b" -v h="$h" 'BEGIN {
		printf "%-38s %9.1f mibps   host %9.1f mibps   ratio %.2f\n",
		       "vbd backend alone " name ":", b, h, b / h }'
done
# The events the frontend got per MiB, answers pushed as they finish and
# held back while others are in flight (XENKVM_VBD_HOLD_US, xenkvmd(8)):
# on PVM hosts each event is a trip through the guest's emulated ring 0.
for hold in 0 200; do
	out=$(XENKVM_VBD_HOLD_US=$hold "$BUILD/vbd-backend" seqread "$dir/disk.img" 128 1)
	echo "$out" | awk -v hold=$hold '/^bench:/ { mibps = $3 }
		/events to the backend/ { for (i = 1; i <= NF; i++) if ($i == "back") back = $(i - 1) }
		END { printf "vbd backend alone seqread, depth 1, answers held %3d us: %.2f events per MiB at %.1f mibps\n",
		      hold, back / 128, mibps }'
done
exit $status
