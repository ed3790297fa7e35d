#!/bin/sh
# A Debian PV guest booted the way Xen users boot their images: no kernel
# in the config, bootloader = "pygrub", and its disk (an ext4 file system
# made with mke2fs -d) holding /boot/grub/grub.cfg, Debian's kernel and the
# test initramfs. It reaches /init with the menu entry's arguments, sees
# its disk, and powers off on xl shutdown.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; tail -n 40 "$dir/console/1.log"; "$XL" dmesg | tail -n 20; exit 1; }
command -v mke2fs >/dev/null && command -v debugfs >/dev/null || {
	echo "skipped: e2fsprogs (mke2fs, debugfs) is missing"
	exit 77
}
debian_guest
mkdir -p "$dir/root/boot/grub"
cp "$cache/vmlinuz" "$dir/root/boot/vmlinuz-test"
cp "$dir/initrd.gz" "$dir/root/boot/initrd.img-test"
cat > "$dir/root/boot/grub/grub.cfg" <<'MENU'
set default="0"
menuentry 'Debian GNU/Linux (xenkvm test)' --class debian {
	insmod ext2
	linux	/boot/vmlinuz-test root=/dev/xvda ro console=hvc0
	initrd	/boot/initrd.img-test
}
MENU
mke2fs -q -t ext4 -d "$dir/root" "$dir/disk.img" 256M || fail "mke2fs"
cat > "$dir/pg.cfg" <<CFG
name = "pg"
type = "pv"
bootloader = "pygrub"
disk = [ "$dir/disk.img,raw,xvda,rw" ]
memory = 256
extra = "xenkvm.test=shutdown"
CFG
"$XL" create "$dir/pg.cfg" || fail "xl create"
log="$dir/console/1.log"
await_init pg
"$XL" dmesg | grep -q 'domain 1: bootloader picked "Debian GNU/Linux (xenkvm test)"' ||
	fail "the pick is not logged"
grep -q 'command line: root=/dev/xvda ro console=hvc0 xenkvm.test=shutdown' "$log" ||
	fail "the kernel did not get the entry's arguments and extra"
timeout 120 "$XL" shutdown -w pg || fail "xl shutdown -w did not end within 120 s"
grep -q 'xenkvm-init: powering off' "$log" || fail "the guest did not run its poweroff"
echo "ok"
