#!/bin/sh
# bootloader = "pygrub" on any host, with build/fake-vmm as the VMM: xenkvmd
# reads the guest's GRUB menu off its first disk (an ext4 partition of an
# MBR disk here, made with mke2fs -d; then an extlinux.conf on a disk
# that is one file system), copies the entry's kernel and
# ramdisk out, and starts the VMM with them and the entry's arguments
# followed by the config's extra; --entry picks another entry; a reboot
# reads the menu again; what it cannot boot is refused with the reason.
XL_TEST_ANY_HOST=1
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }
command -v mke2fs >/dev/null && command -v debugfs >/dev/null || {
	echo "skipped: e2fsprogs (mke2fs, debugfs) is missing"
	exit 77
}
"$BUILD/xenkvmd" --rundir "$dir" --vmm "$BUILD/fake-vmm" || fail "xenkvmd did not start"

# The guest's /boot: two kernels, a menu whose default is the first.
mkdir -p "$dir/root/boot/grub"
echo "kernel A" > "$dir/root/boot/vmlinuz-a"
echo "initrd A" > "$dir/root/boot/initrd.img-a"
echo "kernel B" > "$dir/root/boot/vmlinuz-b"
menu() {
	cat <<MENU
set default="$1"
menuentry 'Kernel A' --class debian {
	insmod ext2
	linux	/boot/vmlinuz-a root=/dev/xvda1 ro \$vt_handoff
	initrd	/boot/initrd.img-a
}
menuentry 'Kernel B' {
	linux	(hd0,msdos1)/boot/vmlinuz-b root=/dev/xvda1 ro single
}
MENU
}
menu 0 > "$dir/root/boot/grub/grub.cfg"
mke2fs -q -t ext4 -d "$dir/root" "$dir/fs.img" 16M || fail "mke2fs"
# An MBR disk: partition 1 (Linux, 0x83) from sector 2048, 32768 sectors.
dd if=/dev/zero of="$dir/disk.img" bs=1M count=1 status=none
cat "$dir/fs.img" >> "$dir/disk.img"
printf '\200\000\000\000\203\000\000\000\000\010\000\000\000\200\000\000' |
	dd of="$dir/disk.img" bs=1 seek=446 conv=notrunc status=none
printf '\125\252' | dd of="$dir/disk.img" bs=1 seek=510 conv=notrunc status=none

cfg() {
	cat > "$dir/$1.cfg" <<CFG
name = "$1"
type = "pv"
bootloader = "pygrub"
disk = [ "$dir/disk.img,raw,xvda,rw" ]
memory = 32
extra = "console=hvc0"
$2
CFG
}
cfg g 'on_reboot = "restart"'
sed -i 's/^extra = .*/extra = "console=hvc0 fake.exit=2 fake.after_ms=1500 fake.once=ONCE"/' "$dir/g.cfg"
sed -i "s,ONCE,$dir/rebooted," "$dir/g.cfg"
"$XL" create "$dir/g.cfg" || fail "xl create g.cfg"
args=$(vmm_args 1)
echo "$args" | grep -qF -- "--cmdline root=/dev/xvda1 ro console=hvc0 fake.exit=2" ||
	fail "the entry's arguments and extra: $args"
echo "$args" | grep -qF -- "--module $dir/boot/1/ramdisk" || fail "no ramdisk: $args"
echo "$args" | grep -qF -- "$dir/boot/1/kernel" || fail "not the extracted kernel: $args"
[ "$(cat "$dir/boot/1/kernel")" = "kernel A" ] || fail "kernel: $(cat "$dir/boot/1/kernel")"
[ "$(cat "$dir/boot/1/ramdisk")" = "initrd A" ] || fail "ramdisk: $(cat "$dir/boot/1/ramdisk")"
"$XL" dmesg | grep -q 'domain 1: bootloader picked "Kernel A"' || fail "the pick is not logged"

# The guest changes its default before it reboots: the reboot boots B.
menu 1 > "$dir/grub.cfg"
debugfs -w -R "rm /boot/grub/grub.cfg" "$dir/disk.img?offset=1048576" 2>/dev/null
debugfs -w -R "write $dir/grub.cfg /boot/grub/grub.cfg" "$dir/disk.img?offset=1048576" \
	2>/dev/null
i=0
until "$XL" dmesg | grep -q "domain g restarted as domain"; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "g was not restarted"
	sleep 0.2
done
id=$("$XL" domid g) || fail "g is gone"
"$XL" dmesg | grep -q "domain $id: bootloader picked \"Kernel B\"" || fail "the reboot kept kernel A"
[ "$(cat "$dir/boot/$id/kernel")" = "kernel B" ] || fail "after the reboot: $(cat "$dir/boot/$id/kernel")"
[ -e "$dir/boot/$id/ramdisk" ] && fail "kernel B has no ramdisk, yet one was left"
[ -e "$dir/boot/1" ] && fail "domain 1's copies outlived it"
"$XL" destroy g || fail "xl destroy g"
[ -e "$dir/boot/$id" ] && fail "domain $id's copies outlived it"

# bootloader_args picks an entry by title.
cfg h "bootloader_args = [ '--entry=Kernel A' ]"
"$XL" create "$dir/h.cfg" || fail "xl create h.cfg"
id=$("$XL" domid h)
"$XL" dmesg | grep -q "domain $id: bootloader picked \"Kernel A\"" || fail "--entry not taken"
"$XL" destroy h

# extlinux.conf on a disk that is one file system (no partition table),
# naming its kernel relative to its own directory.
mkdir -p "$dir/xroot/boot/extlinux"
echo "kernel X" > "$dir/xroot/boot/extlinux/vmlinuz-x"
printf 'DEFAULT x\nLABEL x\n  KERNEL vmlinuz-x\n  APPEND root=/dev/xvda ro\n' \
	> "$dir/xroot/boot/extlinux/extlinux.conf"
mke2fs -q -t ext4 -d "$dir/xroot" "$dir/x.img" 8M || fail "mke2fs x.img"
sed "s,$dir/disk.img,$dir/x.img," "$dir/h.cfg" | sed 's/^name = .*/name = "ext"/' |
	grep -v '^bootloader_args' > "$dir/ext.cfg"
"$XL" create "$dir/ext.cfg" || fail "xl create ext.cfg"
id=$("$XL" domid ext)
[ "$(cat "$dir/boot/$id/kernel")" = "kernel X" ] || fail "extlinux's kernel: $(cat "$dir/boot/$id/kernel")"
vmm_args $id | grep -qF -- "--cmdline root=/dev/xvda ro console=hvc0" || fail "extlinux: $(vmm_args $id)"
"$XL" destroy ext

refused "another bootloader" "'bootloader' /usr/lib/xen/bin/pvgrub is not supported" \
	sh -c "sed 's,pygrub,/usr/lib/xen/bin/pvgrub,' '$dir/h.cfg' > '$dir/x.cfg' && '$XL' create '$dir/x.cfg'"
cfg e "bootloader_args = [ '--entry=9' ]"
refused "an entry the menu lacks" "the guest's boot menu has no entry '9' (2 entries)" \
	"$XL" create "$dir/e.cfg"
truncate -s 8M "$dir/blank.img"
sed "s,$dir/disk.img,$dir/blank.img," "$dir/h.cfg" | sed 's/^name = .*/name = "blank"/' > "$dir/b.cfg"
refused "a disk without a menu" "no boot menu" "$XL" create "$dir/b.cfg"
grep -v '^disk' "$dir/h.cfg" | sed 's/^name = .*/name = "nodisk"/' > "$dir/n.cfg"
refused "no disk" "'bootloader' reads the guest's first disk, and there is none" \
	"$XL" create "$dir/n.cfg"
refused "an unknown pygrub option" "bootloader_args '-x' is not supported" \
	sh -c "sed \"s/--entry=Kernel A/-x/\" '$dir/h.cfg' > '$dir/o.cfg' && '$XL' create '$dir/o.cfg'"
[ "$("$XL" list | wc -l)" = 2 ] || fail "refused creates left domains: $("$XL" list)"
[ -z "$(ls "$dir/boot")" ] || fail "refused creates left copies: $(ls -R "$dir/boot")"
echo PASS
