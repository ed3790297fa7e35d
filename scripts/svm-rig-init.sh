#!/usr/bin/dash
# /init of the rig (scripts/svm-rig.sh): mount the kernel's file systems,
# load kvm_amd, run the command in the repository, send $RIG_OUT back, power off.
# A dash script, not busybox's sh: that one would run its own applets in place
# of the host programs the command expects.
bb=/rig/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm /dev/net
mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /dev/shm
mount -t cgroup2 cgroup /sys/fs/cgroup 2>/dev/null
chmod 1777 /tmp /var/tmp
for m in /rig/modules/*.ko; do
	$bb insmod "$m" || echo "xenkvm-rig: insmod $m failed"
done
[ -e /dev/net/tun ] || mknod /dev/net/tun c 10 200
hostname rig
ip link set lo up 2>/dev/null
export RIG_OUT=/rig/out XENKVM_RIG=1
mkdir -p "$RIG_OUT" /root
cd "$(cat /rig/dir)" || echo "xenkvm-rig: no repository"
sh /rig/command < /dev/null
rc=$?
port=$(ls -d /sys/class/virtio-ports/* 2>/dev/null | head -n 1)
[ -n "$port" ] && tar -cf "/dev/$(basename "$port")" -C "$RIG_OUT" .
echo; echo "xenkvm-rig: exit $rc"
$bb poweroff -f
