#!/bin/sh
# The block backend under Linux's own xen-blkfront: the Debian PV guest sees
# xvda, makes an ext4 file system on it, writes files and syncs; the domain
# is destroyed and e2fsprogs on the host find every synced byte in the
# image. A second disk (read-only) is attached and detached while the guest
# runs, and a disk the daemon cannot open is refused with a clear error.
# Both disks are named relative to the directory xl runs in, as users do.
. tests/integration/xl-test-env.sh
cache=$(sh scripts/fetch-assets.sh) || {
	echo "skipped: cannot fetch Debian's kernel and busybox-static (apt-get download failed)"
	exit 77
}
mke2fs=$(command -v mke2fs || echo /sbin/mke2fs)
for t in "$mke2fs" debugfs e2fsck; do
	command -v "$t" >/dev/null || { echo "skipped: e2fsprogs ($t) not installed"; exit 77; }
done
log="$dir/console/1.log"
fail() { echo "FAIL: $*"; tail -n 40 "$log"; "$XL" dmesg | tail -n 20; exit 1; }
wait_log() {	# pattern seconds
	for i in $(seq 1 "$2"); do
		grep -q "$1" "$log" 2>/dev/null && return 0
		"$XL" list | grep -q '^deb ' || fail "the domain ended while waiting for '$1'"
		sleep 1
	done
	fail "no '$1' on the console within $2 s"
}
sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" "$mke2fs" >/dev/null || fail "mkinitramfs"
truncate -s 64M "$dir/disk.img"
head -c 1048576 /dev/urandom > "$dir/second.img"
cat > "$dir/deb.cfg" <<CFG
name = "deb"
type = "pv"
kernel = "$cache/vmlinuz"
ramdisk = "$dir/initrd.gz"
memory = 256
extra = "console=hvc0 xenkvm.test=vbd"
disk = [ "format=raw, vdev=xvda, access=rw, target=disk.img" ]
CFG
sed "s,target=disk.img,target=missing.img," "$dir/deb.cfg" > "$dir/bad.cfg"
(cd "$dir" && "$XL" create bad.cfg) > "$dir/bad.out" 2>&1 &&
	fail "a domain with a missing disk image started"
grep -q "cannot open $dir/missing.img: No such file" "$dir/bad.out" ||
	fail "no clear error for a missing image: $(cat "$dir/bad.out")"
(cd "$dir" && "$XL" create deb.cfg) || fail "xl create"
wait_log 'xenkvm-init: synced' 400
grep -q 'xenkvm-init: xvda sectors: 131072' "$log" || fail "xvda is not 64 MiB"
grep -q 'xenkvm-init: mkfs done' "$log" || fail "mke2fs failed in the guest"
grep -q 'xenkvm-init: mounted' "$log" || fail "the guest could not mount its ext4"
blob=$(sed -n 's/.*xenkvm-init: blob md5 \([0-9a-f]*\) .*/\1/p' "$log")
[ -n "$blob" ] || fail "no checksum from the guest"
"$XL" block-list deb > "$dir/bl.out" || fail "xl block-list"
grep -Eq '^51712 +0 +51712 +4 ' "$dir/bl.out" || fail "block-list: $(cat "$dir/bl.out")"

# A second disk, read-only, while the guest runs; then it goes again.
(cd "$dir" && "$XL" block-attach deb "second.img,raw,xvdb,ro,untrusted") || fail "xl block-attach"
wait_log 'xenkvm-init: xvdb write' 120
# Told to the frontend as libxl does (XSA-403); xvda is trusted by default.
xsr() { XENSTORED_PATH="$dir/xenstored.sock" xenstore-read "$@"; }
[ "$(xsr /local/domain/1/device/vbd/51728/trusted)" = 0 ] || fail "xvdb's frontend not told 'untrusted'"
[ "$(xsr /local/domain/1/device/vbd/51712/trusted)" = 1 ] || fail "xvda's frontend not told 'trusted'"
want=$(head -c 1048576 "$dir/second.img" | md5sum | cut -d' ' -f1)
grep -q "xenkvm-init: xvdb md5 $want" "$log" || fail "xvdb read back differs from $want"
grep -q 'xenkvm-init: xvdb sectors: 2048' "$log" || fail "xvdb size"
grep -q 'xenkvm-init: xvdb write refused' "$log" || fail "a write to a read-only disk succeeded"
"$XL" block-detach deb xvdb || fail "xl block-detach"
wait_log 'xenkvm-init: xvdb gone' 60
"$XL" block-list deb | grep -q '^51728 ' && fail "xvdb still listed after detach"
XENSTORED_PATH="$dir/xenstored.sock" xenstore-read /local/domain/1/device/vbd/51728/state \
	>/dev/null 2>&1 && fail "xvdb's frontend nodes were left behind"
# xl top: xvda's requests, counted by the backend (mke2fs, the 4 MiB blob).
"$XL" top -b -i 1 | awk '$1 == "deb" { exit !($13 == 1 && $15 > 0 && $16 > 0 && $18 >= 8192) }' ||
	fail "xl top's disk counts: $("$XL" top -b -i 1)"

"$XL" destroy deb || fail "xl destroy"
e2fsck -fn "$dir/disk.img" > "$dir/fsck.out" 2>&1 || fail "e2fsck: $(cat "$dir/fsck.out")"
[ "$(debugfs -R 'cat /hello.txt' "$dir/disk.img" 2>/dev/null)" = "written by the guest" ] ||
	fail "hello.txt is not in the image"
got=$(debugfs -R 'cat /blob' "$dir/disk.img" 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$blob" ] || fail "the blob in the image ($got) is not what the guest wrote ($blob)"
echo "ok"
