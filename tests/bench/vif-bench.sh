#!/bin/sh
# The PV network path: TCP throughput host -> guest and guest -> host
# through the vif's TAP device on a bridge, beside the same transfer
# between two network namespaces over a veth pair, in the same run
# (busybox nc on every end; 64 MiB each way). Runs in network namespaces of
# its own; needs root.
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v unshare >/dev/null; then
	echo "vif bench skipped: needs root, /dev/net/tun and unshare"
	exit 0
fi
[ -r /dev/kvm ] || { echo "vif bench skipped: /dev/kvm is not available"; exit 0; }
if [ -z "$XENKVM_IN_NETNS" ]; then
	XENKVM_IN_NETNS=1 exec unshare -n sh "$0" "$@"
fi
BUILD=$(cd "${BUILD:-build}" && pwd)
cache=$(sh scripts/fetch-assets.sh) || { echo "vif bench: cannot fetch Debian's kernel"; exit 1; }
. tests/integration/xl-test-env.sh
bb="$cache/root/bin/busybox"
mib=64
now() { date +%s.%N; }
rate() { awk -v a="$1" -v b="$2" -v m="$mib" 'BEGIN { printf "%.1f", m / (b - a) }'; }

# Baseline: veth between this namespace and a child one.
ip link set lo up
ip link add vb0 type veth peer name vb1
unshare -n sleep 600 &
child=$!
sleep 0.2
ip link set vb1 netns "$child"
ip addr add 10.8.0.1/24 dev vb0 && ip link set vb0 up
nsenter -t "$child" -n sh -c 'ip link set lo up; ip addr add 10.8.0.2/24 dev vb1; ip link set vb1 up'
head -c $((mib << 20)) /dev/zero > "$dir/zeros"
# busybox nc half-closes when its input ends: keep each listener's open.
mkfifo "$dir/hold0" "$dir/hold"
nsenter -t "$child" -n "$bb" nc -l -p 6000 < "$dir/hold0" > /dev/null &
exec 8> "$dir/hold0"
sleep 0.5
t0=$(now); "$bb" nc 10.8.0.2 6000 < "$dir/zeros"; t1=$(now)
exec 8>&-
veth=$(rate "$t0" "$t1")
kill "$child" 2>/dev/null

ip link add br0 type bridge && ip addr add 10.9.0.1/24 dev br0 && ip link set br0 up
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" >/dev/null || exit 1
cat > "$dir/bench.cfg" <<CFG
name = "vifbench"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
extra = "console=hvc0 xenkvm.test=vif xenkvm.ip=10.9.0.2 xenkvm.ping=10.9.0.1 xenkvm.netbench=10.9.0.1"
vif = [ "bridge=br0" ]
CFG
log="$dir/console/1.log"
"$XL" create "$dir/bench.cfg" >/dev/null 2>&1 || { echo "vif bench: xl create failed"; exit 1; }
for i in $(seq 1 400); do grep -q 'ping 10.9.0.1' "$log" 2>/dev/null && break; sleep 1; done
grep -q 'ping 10.9.0.1 ok' "$log" || { echo "vif bench: the guest is not on the network"; tail "$log"; exit 1; }
"$bb" nc -l -p 5001 < "$dir/hold" > /dev/null &
listener=$!
exec 9> "$dir/hold"
for i in $(seq 1 30); do
	t0=$(now)
	"$bb" nc 10.9.0.2 5000 < "$dir/zeros" 2>/dev/null && break
	sleep 1
done
t1=$(now)
to_guest=$(rate "$t0" "$t1")
for i in $(seq 1 100); do grep -q 'netbench sending' "$log" && break; sleep 0.2; done
t0=$(now)
while kill -0 $listener 2>/dev/null; do sleep 0.05; done
t1=$(now)
exec 9>&-
from_guest=$(rate "$t0" "$t1")
printf '%-34s %9s MiB/s   veth %9s MiB/s   ratio %s\n' "PV guest vif TCP host->guest:" \
	"$to_guest" "$veth" "$(awk -v a="$to_guest" -v b="$veth" 'BEGIN { printf "%.3f", a / b }')"
printf '%-34s %9s MiB/s   veth %9s MiB/s   ratio %s\n' "PV guest vif TCP guest->host:" \
	"$from_guest" "$veth" "$(awk -v a="$from_guest" -v b="$veth" 'BEGIN { printf "%.3f", a / b }')"
