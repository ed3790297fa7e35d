#!/bin/sh
# Debian's PV-GRUB (grub-xen-bin, x86_64-xen) as a PV guest under xl: it
# reaches its prompt on the console and runs a command typed at xl console.
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; tail -c 2000 "$dir/console/1.log" | cat -v; "$XL" dmesg | tail -n 20; exit 1; }
sh scripts/mkpvgrub.sh "$dir/pvgrub.elf" >/dev/null || {
	echo "skipped: cannot fetch Debian's grub-xen-bin and grub-common (apt-get download failed)"
	exit 77
}
cat > "$dir/grub.cfg" <<CFG
name = "grub"
type = "pv"
kernel = "$dir/pvgrub.elf"
memory = 64
CFG
"$XL" create "$dir/grub.cfg" || fail "xl create"
log="$dir/console/1.log"
for i in $(seq 1 120); do
	grep -q 'grub> ' "$log" 2>/dev/null && break
	sleep 1
done
grep -q 'grub> ' "$log" || fail "no GRUB prompt within 120 s"
printf 'echo grub-says-hi\r' | timeout 20 "$XL" console grub > /dev/null 2>&1
for i in $(seq 1 30); do
	tr -d '\r' < "$log" | grep -q '^grub-says-hi' && break
	sleep 1
done
tr -d '\r' < "$log" | grep -q '^grub-says-hi' || fail "GRUB did not run the typed command"
"$XL" destroy grub || fail "xl destroy"
echo "ok"
