#!/rig/busybox sh
# /init of the rig (scripts/svm-rig.sh): mount the kernel's file systems,
# load kvm_amd, run the command in the repository, send $RIG_OUT back, power off.
bb=/rig/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sys /sys
$bb mount -t devtmpfs dev /dev
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts devpts /dev/pts
$bb mount -t tmpfs tmp /dev/shm
$bb mount -t cgroup2 cgroup /sys/fs/cgroup 2>/dev/null
$bb chmod 1777 /tmp /var/tmp
for m in irqbypass kvm kvm-amd; do
	$bb insmod /rig/$m.ko || echo "xenkvm-rig: insmod $m failed"
done
$bb hostname rig
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin HOME=/root TERM=dumb
export RIG_OUT=/rig/out XENKVM_RIG=1
$bb mkdir -p "$RIG_OUT" /root
cd "$($bb cat /rig/dir)" || echo "xenkvm-rig: no repository"
sh -c "$($bb cat /rig/command)" < /dev/null
rc=$?
port=$($bb ls -d /sys/class/virtio-ports/* 2>/dev/null | $bb head -n 1)
[ -n "$port" ] && $bb tar -cf "/dev/$($bb basename "$port")" -C "$RIG_OUT" .
echo; echo "xenkvm-rig: exit $rc"
$bb poweroff -f
