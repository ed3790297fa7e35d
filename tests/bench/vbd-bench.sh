#!/bin/sh
# The PV block path: the guest's sequential 1 MiB writes and reads (one in
# flight, then 8) and 4 KiB random reads on /dev/xvda (O_DIRECT in the
# guest, so each one reaches the backend), beside the same program run by
# the host on the same image file in the same run (O_DIRECT when the
# backend could open the image so, else buffered; writes end with fdatasync).
# Two vCPUs: blkfront then takes two queues, and Linux gives a multi-queue
# disk no I/O scheduler; on one queue it picks mq-deadline, whose dispatch
# from a worker thread cost each read ~11 traps of context switching here
# (reads at 30-40 MiB/s, the same at any depth).
BUILD=$(cd "${BUILD:-build}" && pwd)
if [ ! -r /dev/kvm ]; then
	echo "vbd bench skipped: /dev/kvm is not available"
	exit 0
fi
cache=$(sh scripts/fetch-assets.sh) || { echo "vbd bench: cannot fetch Debian's kernel"; exit 1; }
. tests/integration/xl-test-env.sh
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" "$BUILD/disk-ops" >/dev/null || exit 1
# Written through once: whoever writes first into a sparse image pays for
# allocating its blocks, and the other side of the ratio would not.
dd if=/dev/zero of="$dir/disk.img" bs=1M count=128 conv=fsync status=none
cat > "$dir/bench.cfg" <<CFG
name = "vbdbench"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
vcpus = 2
extra = "console=hvc0 xenkvm.bench=vbd"
disk = [ "$dir/disk.img,raw,xvda,rw" ]
CFG
log="$dir/console/1.log"
out=$("$XL" create "$dir/bench.cfg" 2>&1) || { echo "vbd bench: xl create failed: $out"; exit 1; }
while "$XL" list 2>/dev/null | grep -q '^vbdbench '; do sleep 0.5; done
# The host does what the backend does: O_DIRECT where it opened the image so.
mode=
"$XL" dmesg | grep -q "xvda: .*O_DIRECT" && mode=direct
status=0
# Sequential I/O with one 1 MiB request in flight (dd's way) and with 8
# (fio's libaio engine with iodepth=8), each against the host doing the same.
for run in seqwrite:1 seqread:1 seqwrite:8 seqread:8 randread:1; do
	op=${run%:*} depth=${run#*:} unit=mibps name=${op}_d${depth}
	[ $op = randread ] && unit=iops name=$op
	g=$(tr -d '\r' < "$log" | sed -n "s/^bench: ${name}_$unit //p")
	h=$("$BUILD/disk-ops" $op "$dir/disk.img" 128 "${mode:-buffered}" $depth |
		sed -n "s/^bench: ${op}_$unit //p")
	if [ -z "$g" ] || [ -z "$h" ]; then
		echo "vbd bench: no $name figure:"; tail -n 20 "$log"
		status=1
		continue
	fi
	[ $op = randread ] || name="$op, depth $depth"
	awk -v op="$op" -v name="$name" -v g="$g" -v h="$h" -v u="$unit" 'BEGIN {
		r = g / h
		v = (op == "randread") ? "" : (r >= 0.8 ? " (ok)" : " (under 0.8)")
		printf "%-38s %9.1f %s   host %9.1f %s   ratio %.2f%s\n", "PV guest xvda " name ":", g, u, h, u, r, v }'
done
# How much of the ring the backend kept busy (logged as each queue stops).
"$XL" dmesg | sed -n 's/.*vbd xvda: queue \([0-9]*\): \(.*\)/backend queue \1: \2/p'
exit $status
