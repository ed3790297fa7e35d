#!/bin/sh
# Debian's kernel as a PV guest: time from `xl create` to /init, and the
# guest's getpid and fork+exec costs beside the same program on the host.
BUILD=$(cd "${BUILD:-build}" && pwd)
XL="$BUILD/xl"
if [ ! -r /dev/kvm ]; then
	echo "PV guest bench skipped: /dev/kvm is not available"
	exit 0
fi
cache=$(sh scripts/fetch-assets.sh) || { echo "PV guest bench: cannot fetch Debian's kernel"; exit 1; }
. tests/integration/xl-test-env.sh
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" "$BUILD/pv-ops" "$BUILD/cpu-ops" >/dev/null || exit 1
cat > "$dir/bench.cfg" <<CFG
name = "bench"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
extra = "console=hvc0 xenkvm.bench"
CFG
log="$dir/console/1.log"
t0=$(date +%s.%N)
"$XL" create "$dir/bench.cfg" >/dev/null 2>&1 || { echo "PV guest bench: xl create failed"; exit 1; }
t_init=
while "$XL" list 2>/dev/null | grep -q '^bench '; do
	if [ -z "$t_init" ] && grep -q 'xenkvm-init: reached /init' "$log" 2>/dev/null; then
		t_init=$(date +%s.%N)
	fi
	sleep 0.1
done
g_getpid=$(tr -d '\r' < "$log" | sed -n 's/^bench: getpid_ns //p')
g_fork=$(tr -d '\r' < "$log" | sed -n 's/^bench: forkexec_ns //p')
g_aes=$(tr -d '\r' < "$log" | sed -n 's/^cpu-ops: aes [0-9]* rounds in \([0-9.]*\) s.*/\1/p')
if [ -z "$t_init" ] || [ -z "$g_getpid" ] || [ -z "$g_fork" ]; then
	echo "PV guest bench produced no figures:"; tail -n 20 "$log"
	exit 1
fi
h_getpid=$("$BUILD/pv-ops" getpid 200000 | sed -n 's/^bench: getpid_ns //p')
h_fork=$("$BUILD/pv-ops" forkexec 200 | sed -n 's/^bench: forkexec_ns //p')
h_aes=$("$BUILD/cpu-ops" aes 200000000 | sed -n 's/^cpu-ops: aes [0-9]* rounds in \([0-9.]*\) s.*/\1/p')
awk -v a="$t0" -v b="$t_init" 'BEGIN { printf "%-34s %8.1f s\n", "PV guest: xl create to /init:", b - a }'
awk -v g="$g_getpid" -v h="$h_getpid" 'BEGIN { printf "%-34s %8.1f us   host %8.3f us   ratio %.0f\n", "PV guest getpid:", g / 1000, h / 1000, g / h }'
awk -v g="$g_fork" -v h="$h_fork" 'BEGIN { printf "%-34s %8.1f ms   host %8.3f ms   ratio %.0f\n", "PV guest fork+exec+wait:", g / 1e6, h / 1e6, g / h }'
# A compute-bound loop in guest user mode runs natively: anything under 0.9 is ours.
if [ -n "$g_aes" ] && [ -n "$h_aes" ]; then
	awk -v g="$g_aes" -v h="$h_aes" 'BEGIN { r = h / g; printf "%-34s %8.3f s    host %8.3f s    ratio %.2f (%s)\n", "PV guest AES-NI loop (2e8 rounds):", g, h, r, r >= 0.9 ? "ok" : "under 0.9" }'
else
	echo "PV guest AES-NI loop: no figures (guest: '$g_aes', host: '$h_aes')"
fi
