#!/bin/sh
# Build a small initramfs: busybox, the Xen frontend modules, and an /init
# that reports what the guest sees (for the demo and the integration tests).
# usage: mkinitramfs.sh CACHE_DIR OUTPUT.cpio.gz [PROGRAM...]
# Each PROGRAM is put in /bin; a dynamically linked one (the host's, e.g.
# mke2fs: the host and the kernel are both Debian 12) brings the shared
# libraries ldd names, and mke2fs its /etc/mke2fs.conf.
set -eu
CACHE=$1
OUT=$2
shift 2
kver=$(cat "$CACHE/kernel-version")
mods="$CACHE/root/lib/modules/$kver/kernel/drivers"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bin" "$work/sbin" "$work/proc" "$work/sys" "$work/dev" \
	"$work/lib/modules" "$work/tmp" "$work/mnt"
cp "$CACHE/root/bin/busybox" "$work/bin/busybox"
for prog in "$@"; do
	cp "$prog" "$work/bin/"
	for lib in $(ldd "$prog" 2>/dev/null | sed -n 's,.*[[:space:]]\(/[^ ]*\) (0x.*,\1,p'); do
		mkdir -p "$work$(dirname "$lib")"
		cp -L "$lib" "$work$lib"
	done
	case $(basename "$prog") in
	mke2fs|mkfs.ext4) mkdir -p "$work/etc" && cp /etc/mke2fs.conf "$work/etc/" ;;
	esac
done
for m in block/xen-blkfront.ko net/xen-netfront.ko; do
	[ -f "$mods/$m" ] && cp "$mods/$m" "$work/lib/modules/"
done
# busybox ships no udhcpc script: this one sets the lease's address and
# default route and says so on the console.
mkdir -p "$work/etc/udhcpc"
cat > "$work/etc/udhcpc/default.script" <<'DHCP'
#!/bin/busybox sh
case $1 in
deconfig)
	ifconfig "$interface" 0.0.0.0 up ;;
bound|renew)
	ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
	[ -n "$router" ] && route add default gw "${router%% *}" dev "$interface" 2>/dev/null
	echo "xenkvm-init: dhcp $interface $ip router ${router%% *} dns ${dns%% *}" ;;
esac
exit 0
DHCP
chmod +x "$work/etc/udhcpc/default.script"
cat > "$work/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /usr/bin /usr/sbin
/bin/busybox --install -s
# Waiting for a signal (xl shutdown) with as few new processes as possible:
# one long sleep, not one a second (see the known bug about processes
# exec'd while others start).
idle() { while :; do sleep 100000 & wait $!; done; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "xenkvm-init: reached /init"
# A module's parameters from the kernel command line (name.param=value), as
# modprobe hands them over.
for m in /lib/modules/*.ko; do
	n=$(basename "$m" .ko | tr - _)
	insmod "$m" $(for w in $(cat /proc/cmdline); do
		case $w in "$n".*) echo "${w#"$n".}" ;; esac; done) 2>/dev/null
done
echo "xenkvm-init: cpus online: $(cat /sys/devices/system/cpu/online)"
[ -r /sys/hypervisor/type ] && echo "xenkvm-init: hypervisor: $(cat /sys/hypervisor/type)"
[ -r /sys/hypervisor/uuid ] && echo "xenkvm-init: uuid: $(cat /sys/hypervisor/uuid)"
t=/sys/devices/system/xen_memory/xen_memory0/target_kb
[ -r $t ] && echo "xenkvm-init: memory target kB: $(cat $t)"
# The guest's own domid, read from xenstore through the kernel's xenbus
# device: an XS_READ of "domid" (type 2, request id 7, no transaction).
if [ -c /dev/xen/xenbus ]; then
	exec 3<>/dev/xen/xenbus
	printf '\002\000\000\000\007\000\000\000\000\000\000\000\006\000\000\000domid\000' >&3
	echo "xenkvm-init: domid from xenstore: $(timeout 10 dd bs=64 count=1 <&3 2>/dev/null | tail -c +17)"
	exec 3<&-
fi
if grep -q 'xenkvm.bench=vbd' /proc/cmdline; then
	i=0
	while [ ! -b /dev/xvda ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
	echo "xenkvm-init: bench start"
	for depth in 1 8; do
		disk-ops seqwrite /dev/xvda 128 direct $depth | sed "s/_mibps/_d${depth}_mibps/"
		disk-ops seqread /dev/xvda 128 direct $depth | sed "s/_mibps/_d${depth}_mibps/"
	done
	disk-ops randread /dev/xvda 128 direct
	poweroff -f
fi
if grep -q 'xenkvm.bench' /proc/cmdline; then
	echo "xenkvm-init: bench start"
	pv-ops getpid 2000
	pv-ops forkexec 20
	command -v cpu-ops > /dev/null && cpu-ops aes 200000000
	poweroff -f
fi
if grep -q 'xenkvm.test=cpu' /proc/cmdline; then
	# The CPU a program sees: the kernel's flags, then two AVX2 programs at
	# once on one vCPU, each checking its YMM registers across switches.
	echo "xenkvm-init: cpu flags:$(grep -m 1 '^flags' /proc/cpuinfo | cut -d: -f2) "
	cpu-ops avx2 3000 > /tmp/cpu-a 2>&1 &
	cpu-ops avx2 3000 > /tmp/cpu-b 2>&1 &
	wait
	sed 's/^/xenkvm-init: a: /' /tmp/cpu-a
	sed 's/^/xenkvm-init: b: /' /tmp/cpu-b
	echo "xenkvm-init: cpu test done"
	poweroff -f
fi
if grep -q 'xenkvm.test=user-abi' /proc/cmdline; then
	# Ordinary programs on the PV ABI: ours (LDT, iopl/ioperm, int $0x80,
	# flags, watchpoints, single-step; an i386 program on int $0x80), then
	# Debian's i386 busybox, strace and gdb.
	user-abi 2>&1 | sed 's/^/xenkvm-init: /'
	int80-32 2>&1 | sed 's/^/xenkvm-init: /'
	echo "xenkvm-init: i386 busybox: $(busybox-i386 sh -c 'echo hello i386 | busybox-i386 tr a-z A-Z')"
	strace -f -o /tmp/strace sh -c 'echo traced | cat > /dev/null'
	echo "xenkvm-init: strace rc $?: $(grep -c 'execve(' /tmp/strace) execve," \
		"$(grep -c 'pipe' /tmp/strace) pipe, $(grep -c 'exited with 0' /tmp/strace) exited 0," \
		"$(grep -c 'SIGILL\|SIGSEGV\|killed by' /tmp/strace) killed"
	gdb -batch -ex 'watch gdb_counter' -ex run -ex continue -ex continue \
		--args /bin/user-abi count 2>&1 | tr -s '\n' | sed 's/^/xenkvm-init: gdb: /'
	echo "xenkvm-init: user-abi test done"
	poweroff -f
fi
if grep -q 'xenkvm.test=channel' /proc/cmdline; then
	# Secondary consoles (xl.cfg channel=): on each, say hello and wait for
	# the host's answer line. They come up as their frontends connect.
	for n in 1 2; do
		i=0
		until stty -F /dev/hvc$n raw -echo 2> /dev/null; do
			i=$((i + 1))
			[ $i -lt 300 ] || { echo "xenkvm-init: no /dev/hvc$n"; break; }
			sleep 0.1
		done
		# One descriptor throughout: hvc resets a tty's modes at its last close.
		exec 4<> /dev/hvc$n
		stty raw -echo <&4
		timeout 60 sh -c "echo 'hello from hvc$n' >&4" ||
			echo "xenkvm-init: hvc$n: the write did not finish in 60 s;" \
				"states: $(cat /sys/bus/xen/devices/console-*/state 2>/dev/null | tr '\n' ' ')" \
				"irqs: $(grep -i 'xen-dyn\|hvc' /proc/interrupts | tr -s ' ' | tr '\n' '|')"
		read -r line <&4
		exec 4<&-
		echo "xenkvm-init: hvc$n got: $line"
	done
	echo "xenkvm-init: channel test done"
	poweroff -f
fi
if grep -q 'xenkvm.test=exec' /proc/cmdline; then
	# Processes exec'd while others start and exit (the stale-page bug's
	# reproducer): a program run from a signal handler, and a pipeline.
	ok=0 bad=0 i=0
	trap 'busybox true' USR1
	while [ $i -lt 20 ]; do
		(sleep 0.1; kill -USR1 1) &
		sleep 1 & wait $!
		out=$(echo hello | tr h H | sed s/H/J/)
		if [ "$out" = Jello ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
		i=$((i + 1))
	done
	wait
	echo "xenkvm-init: exec rounds: $ok ok, $bad failed, $(dmesg | grep -c segfault) segfaults"
	poweroff -f
fi
if grep -q 'xenkvm.test=vbd' /proc/cmdline; then
	# The disk test: an ext4 file system made and filled by the guest on
	# xvda; a second disk attached and detached while the guest runs.
	i=0
	while [ ! -b /dev/xvda ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
	echo "xenkvm-init: xvda sectors: $(cat /sys/block/xvda/size)"
	/bin/mke2fs -q -t ext4 -F /dev/xvda && echo "xenkvm-init: mkfs done"
	mount -t ext4 /dev/xvda /mnt && echo "xenkvm-init: mounted"
	echo "written by the guest" > /mnt/hello.txt
	dd if=/dev/urandom of=/mnt/blob bs=64k count=64 2>/dev/null
	sync
	echo "xenkvm-init: blob md5 $(md5sum /mnt/blob)"
	echo "xenkvm-init: synced"
	while [ ! -b /dev/xvdb ]; do sleep 1; done
	echo "xenkvm-init: xvdb sectors: $(cat /sys/block/xvdb/size)"
	echo "xenkvm-init: xvdb md5 $(dd if=/dev/xvdb bs=64k count=16 2>/dev/null | md5sum)"
	if echo x | dd of=/dev/xvdb conv=fsync 2>/dev/null; then
		echo "xenkvm-init: xvdb write allowed"
	else
		echo "xenkvm-init: xvdb write refused"
	fi
	while [ -b /dev/xvdb ]; do sleep 1; done
	echo "xenkvm-init: xvdb gone"
	idle
fi
if grep -q 'xenkvm.test=usernet' /proc/cmdline; then
	# User-mode networking (network=user): an address by DHCP; a file
	# fetched over HTTP from the host's loopback, port xenkvm.http=,
	# through the gateway 10.0.2.2; a file taken on port 7000 and given
	# back on port 7001, both reached by the host through forwards.
	read -r cmdline < /proc/cmdline
	arg() { for w in $cmdline; do case $w in "xenkvm.$1="*) echo "${w#*=}" ;; esac; done; }
	i=0
	while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
	echo "xenkvm-init: eth0 $(cat /sys/class/net/eth0/address)"
	udhcpc -i eth0 -s /etc/udhcpc/default.script -f -q -n -t 10 -T 2 ||
		echo "xenkvm-init: dhcp failed"
	echo "xenkvm-init: eth0 queues: $(cd /sys/class/net/eth0/queues && echo *)"
	if wget -q -O /tmp/get "http://10.0.2.2:$(arg http)/file"; then
		echo "xenkvm-init: fetched md5 $(md5sum < /tmp/get)"
	else
		echo "xenkvm-init: fetch failed"
	fi
	echo "xenkvm-init: listening on 7000"
	nc -l -p 7000 > /tmp/in
	echo "xenkvm-init: received $(stat -c %s /tmp/in) bytes"
	echo "xenkvm-init: received md5 $(md5sum < /tmp/in)"
	echo "xenkvm-init: serving on 7001"
	nc -l -p 7001 < /tmp/in
	echo "xenkvm-init: network test done"
	idle
fi
if grep -q 'xenkvm.test=vif' /proc/cmdline; then
	# The network test: address from the command line (xenkvm.ip=),
	# ping each xenkvm.ping= peer, and with xenkvm.nc=HOST take a file
	# from HOST on port 5000 and send it back to HOST's port 5001.
	# No pipelines: see the known bug about processes started side by side.
	read -r cmdline < /proc/cmdline
	arg() { for w in $cmdline; do case $w in "xenkvm.$1="*) echo "${w#*=}" ;; esac; done; }
	i=0
	while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
	ifconfig eth0 "$(arg ip)" netmask 255.255.255.0 up
	echo "xenkvm-init: eth0 $(cat /sys/class/net/eth0/address) is $(arg ip)"
	echo "xenkvm-init: eth0 queues: $(cd /sys/class/net/eth0/queues && echo *)"
	peers=$(arg ping)
	for peer in ${peers//,/ }; do
		i=0
		until ping -c 1 -W 2 "$peer" >/dev/null 2>&1 || [ $i -ge 60 ]; do i=$((i + 1)); done
		if [ $i -lt 60 ]; then
			echo "xenkvm-init: ping $peer ok"
		else
			echo "xenkvm-init: ping $peer failed"
		fi
	done
	if [ -n "$(arg netbench)" ]; then
		# TCP both ways with the host for make bench: receive on 5000 until
		# the host closes, then send 64 MiB of zeros to the host's 5001.
		nc -l -p 5000 > /dev/null
		dd if=/dev/zero of=/tmp/z bs=1M count=64 2>/dev/null
		echo "xenkvm-init: netbench sending"
		nc "$(arg netbench)" 5001 < /tmp/z
		echo "xenkvm-init: netbench done"
		poweroff -f
	fi
	host=$(arg nc)
	if [ -n "$host" ]; then
		echo "xenkvm-init: listening on 5000"
		# stdin stays the console: nc half-closes when its input ends.
		nc -l -p 5000 > /tmp/in
		echo "xenkvm-init: received $(stat -c %s /tmp/in) bytes"
		echo "xenkvm-init: received md5 $(md5sum < /tmp/in)"
		nc "$host" 5001 < /tmp/in && echo "xenkvm-init: sent back"
	fi
	echo "xenkvm-init: network test done"
	idle
fi
# xl shutdown: the kernel runs /sbin/poweroff, which signals PID 1 (us).
# The power-off itself goes through sysrq from the shell, with no new
# process: an exec'd program right after the signal has been seen to start
# with a wrong %fs base on PVM hosts (under investigation).
trap 'echo "xenkvm-init: powering off"; echo o > /proc/sysrq-trigger' USR2 TERM
# A vCPU that xl vcpu-set gives back is only made present by Linux (the
# xenbus cpu/N/availability watch); bringing it online is user space's part,
# udev's on a full system, this loop's here.
online_new_cpus() {
	while :; do
		for o in /sys/devices/system/cpu/cpu[0-9]*/online; do
			[ "$(cat "$o" 2>/dev/null)" = 0 ] && echo 1 > "$o" 2>/dev/null
		done
		sleep 1
	done
}
if grep -q 'xenkvm.test=shutdown' /proc/cmdline; then
	online_new_cpus &
	echo "xenkvm-init: waiting for shutdown"
	idle
fi
grep -q 'xenkvm.test' /proc/cmdline && { echo "xenkvm-init: done"; poweroff -f; }
exec setsid cttyhack sh
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) > "$OUT"
echo "$OUT"
