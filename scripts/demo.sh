#!/bin/sh
# The main job: fetch Debian's cloud kernel and busybox-static, build an
# initramfs, and boot it as a 64-bit PV DomU under xenkvmd with its console
# attached (xl create -c). At a terminal the guest ends in a busybox shell
# (Ctrl-] detaches; `poweroff -f` or `xl shutdown debian` ends it); without
# one, or with XENKVM_DEMO_SHELL=0, it powers itself off once /init has shown
# what it sees. XENKVM_DEMO_SHELL=1 asks for the shell either way.
set -e
BUILD=${BUILD:-build}
if [ ! -e /dev/kvm ] && [ -z "$XENKVM_RIG" ]; then
	# No KVM here: the same demo on the KVM host QEMU emulates (scripts/svm-rig.sh),
	# without a shell (the rig's console is not interactive).
	command -v qemu-system-x86_64 > /dev/null || {
		echo "demo: no /dev/kvm here, and no qemu-system-x86_64 for the SVM rig" >&2
		exit 1
	}
	echo "demo: no /dev/kvm here: booting in the SVM rig (QEMU TCG, nested SVM)"
	sh scripts/fetch-assets.sh > /dev/null
	# stdin a FIFO nobody writes: xl console detaches at end of input.
	exec sh scripts/svm-rig.sh -k -m 4096 -t 900 "mkfifo /tmp/demo-in &&
		BUILD=$BUILD XENKVM_DEMO_SHELL=0 sh scripts/demo.sh 0<>/tmp/demo-in"
fi
echo "demo: host capabilities"
"$BUILD/xenkvm-vmm" --probe
cache=$(sh scripts/fetch-assets.sh)
XENKVM_RUNDIR=${XENKVM_RUNDIR:-$(mktemp -d)}
export XENKVM_RUNDIR
sh scripts/mkinitramfs.sh "$cache" "$XENKVM_RUNDIR/initrd.gz" >/dev/null
extra="console=hvc0"
shell=${XENKVM_DEMO_SHELL:-}
if [ -z "$shell" ]; then
	if [ -t 0 ]; then shell=1; else shell=0; fi
fi
[ "$shell" = 1 ] || extra="$extra xenkvm.test"
cat > "$XENKVM_RUNDIR/debian.cfg" <<CFG
name = "debian"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$XENKVM_RUNDIR/initrd.gz"
memory = 256
vcpus = 2
extra = "$extra"
CFG
echo "demo: booting Debian's $(cat "$cache/kernel-version") as a PV guest (console attached; Ctrl-] detaches)"
"$BUILD/xl" create -c "$XENKVM_RUNDIR/debian.cfg"
