#!/bin/sh
# A Debian PV guest created with maxmem above memory grows into it: its
# memory map (XENMEM_memory_map, one RAM entry up to maxmem as libxl gives
# PV domains) leaves the frames past its boot memory to its balloon, which
# populates them after xl mem-set until xl list shows the new target, and
# gives memory back again.
. tests/integration/xl-test-env.sh
cache=$(sh scripts/fetch-assets.sh) || {
	echo "skipped: cannot fetch Debian's kernel and busybox-static (apt-get download failed)"
	exit 77
}
fail() { echo "FAIL: $*"; tail -n 40 "$dir/console/1.log"; "$XL" dmesg | tail -n 20; exit 1; }
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" >/dev/null || fail "mkinitramfs"
cat > "$dir/grow.cfg" <<CFG
name = "grow"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 128
maxmem = 256
extra = "console=hvc0 xenkvm.test=shutdown"
CFG
"$XL" create "$dir/grow.cfg" || fail "xl create"
log="$dir/console/1.log"
for i in $(seq 1 400); do
	grep -q 'xenkvm-init: waiting for shutdown' "$log" 2>/dev/null && break
	"$XL" list | grep -q '^grow ' || fail "the domain ended before /init was done"
	sleep 1
done
grep -q 'xenkvm-init: waiting for shutdown' "$log" || fail "no /init within 400 s"
grep -q "xenkvm-init: memory target kB: 131072" "$log" || fail "the guest's target is not 128 MiB"
# mem_is MIB: xl list shows the guest holding MIB within 120 s
mem_is() {
	for i in $(seq 1 120); do
		[ "$("$XL" list grow | awk 'NR == 2 { print $3 }')" = "$1" ] && return 0
		sleep 1
	done
	fail "the guest does not hold $1 MiB after xl mem-set: xl list says" \
		"$("$XL" list grow | awk 'NR == 2 { print $3 }') MiB"
}
"$XL" mem-set grow 256 || fail "xl mem-set grow 256"
mem_is 256
"$XL" mem-set grow 96 || fail "xl mem-set grow 96"
mem_is 96
timeout 120 "$XL" shutdown -w grow || fail "xl shutdown -w did not end within 120 s"
grep -q 'xenkvm-init: powering off' "$log" || fail "the guest did not run its poweroff"
echo "ok"
