#!/bin/sh
# xl dump-core and on_crash = "coredump-*" on any host, with build/fake-vmm
# as the VMM (fake.fill=1 writes a line into RAM pages 0-63 but every
# fourth): the core is Xen's xc_core ELF (readelf: ET_CORE, the sections
# .shstrtab .note.Xen .xen_prstatus .xen_shared_info .xen_pages .xen_p2m,
# or .xen_pfn for PVH; the notes named Xen, types 0x2000000-0x2000003, the
# header's magic, vCPUs, pages and page size, format version 1), and
# .xen_pages holds the guest's RAM byte for byte. The domain runs on after
# the dump (a paused one stays paused). A domain that crashes with
# on_crash = "coredump-destroy" or "coredump-restart" leaves its core in
# $XENKVM_DUMPDIR/<name>, and is then destroyed or restarted.
XL_TEST_ANY_HOST=1
. tests/integration/xl-test-env.sh
fail() { echo "FAIL: $*"; "$XL" list; "$XL" dmesg | tail -n 20; exit 1; }
command -v readelf > /dev/null || { echo "skipped: no readelf (binutils) here"; exit 77; }
mkdir "$dir/dumps"
XENKVM_DUMPDIR="$dir/dumps" "$BUILD/xenkvmd" --rundir "$dir" --vmm "$BUILD/fake-vmm" ||
	fail "xenkvmd did not start"
echo "no kernel: fake-vmm runs none" > "$dir/kernel"

# domain NAME TYPE 'more settings' 'fake.* words'
domain() {
	cat > "$dir/$1.cfg" <<CFG
name = "$1"
type = "$2"
kernel = "$dir/kernel"
memory = 16
vcpus = 2
$3
extra = "fake.fill=1 $4"
CFG
	"$XL" create "$dir/$1.cfg" || fail "xl create $1"
}
# await TEXT: xl dmesg shows TEXT within 10 s
await() {
	i=0
	until "$XL" dmesg | grep -q -- "$1"; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "no \"$1\" in xl dmesg after 10 s"
		sleep 0.2
	done
}
# sec CORE NAME FIELD: the section's offset, size or entsize (decimal) as readelf -S -W says
sec() {
	hex=$(readelf -S -W "$1" | awk -v n="$2" -v f="$3" '{ sub(/^ *\[ *[0-9]+\] */, "") }
		$1 == n { print f == "offset" ? $4 : f == "size" ? $5 : $6 }')
	[ -n "$hex" ] && echo $((0x$hex))
}
# notes CORE: readelf -n's view of its notes (readelf shows a core's notes
# only from program headers, which Xen's cores have none of: a copy typed
# ET_REL shows them from the section)
notes() {
	cp "$1" "$dir/notes.tmp"
	printf '\001' | dd of="$dir/notes.tmp" bs=1 seek=16 conv=notrunc 2> /dev/null
	readelf -n "$dir/notes.tmp"
}
# expect_ram FILE: the pages fake.fill writes for domain $1, 4095 of them (the last, the
# xenstore ring, xenstored writes)
expect_ram() {
	: > "$2"
	for n in $(seq 0 63); do
		if [ $((n % 4)) = 3 ]; then
			head -c 4096 /dev/zero
		else
			{ printf 'xenkvm fake RAM: domain %s page %s\n' "$1" "$n"; cat /dev/zero; } |
				head -c 4096
		fi
	done >> "$2"
	head -c $(((4095 - 64) * 4096)) /dev/zero >> "$2"
}
# check_core CORE DOMID MAGIC MAP: what any of these cores must be
check_core() {
	core=$1
	readelf -h "$core" | grep -q "Type: *CORE (Core file)" || fail "$core is no ELF core"
	readelf -h "$core" | grep -q "Machine: *Advanced Micro Devices X86-64" || fail "$core machine"
	[ "$(readelf -S -W "$core" | awk '/^ *\[ *[1-9]/ { sub(/^ *\[ *[0-9]+\] */, ""); print $1 }' |
	     tr '\n' ' ')" = ".shstrtab .note.Xen .xen_prstatus .xen_shared_info .xen_pages $4 " ] ||
		fail "$core sections: $(readelf -S -W "$core")"
	notes "$core" > "$dir/notes"
	[ "$(awk '$1 == "Xen" { print $2, $NF }' "$dir/notes" | tr '\n' ' ')" = \
	  "0x00000000 (0x02000000) 0x00000020 (0x02000001) 0x00000500 (0x02000002) 0x00000008 (0x02000003) " ] ||
		fail "$core notes: $(cat "$dir/notes")"
	# header: magic, 2 vCPUs, 4096 pages, page size 4096
	grep -q "description data: $3 00 00 00 00 02 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 10 00 00 00 00 00 00 \$" \
		"$dir/notes" || fail "$core header note: $(cat "$dir/notes")"
	grep -q "description data: 01 00 00 00 00 00 00 00 \$" "$dir/notes" ||
		fail "$core format version: $(cat "$dir/notes")"
	[ "$(sec "$core" .xen_prstatus size)" = $((2 * 5168)) ] || fail "$core: .xen_prstatus size"
	[ "$(sec "$core" .xen_prstatus entsize)" = 5168 ] || fail "$core: .xen_prstatus entsize"
	[ "$(sec "$core" .xen_shared_info size)" = 4096 ] || fail "$core: .xen_shared_info size"
	off=$(sec "$core" .xen_pages offset)
	[ $((off % 4096)) = 0 ] || fail "$core: .xen_pages at $off, not page aligned"
	[ "$(sec "$core" .xen_pages size)" = $((4096 * 4096)) ] || fail "$core: .xen_pages size"
	expect_ram "$2" "$dir/expected"
	dd if="$core" bs=4096 skip=$((off / 4096)) count=4095 2> /dev/null | cmp -s - "$dir/expected" ||
		fail "$core: .xen_pages is not the guest's RAM"
}

domain pv pv
cd "$dir" && "$XL" dump-core pv core.pv && cd - > /dev/null || fail "xl dump-core pv core.pv"
[ -f "$dir/core.pv" ] || fail "no core.pv in xl's directory"
[ "$(stat -c %a "$dir/core.pv")" = 600 ] || fail "core.pv mode $(stat -c %a "$dir/core.pv")"
check_core "$dir/core.pv" 1 "ed eb 0f f0" .xen_p2m
# .xen_p2m: (pfn, mfn) for every frame, here the same
map=$(sec "$dir/core.pv" .xen_p2m offset)
[ "$(sec "$dir/core.pv" .xen_p2m size)" = $((4096 * 16)) ] || fail ".xen_p2m size"
for i in 0 5 4095; do
	[ "$(od -A n -t u8 -j $((map + i * 16)) -N 16 "$dir/core.pv" | xargs)" = "$i $i" ] ||
		fail ".xen_p2m entry $i: $(od -A n -t u8 -j $((map + i * 16)) -N 16 "$dir/core.pv")"
done
"$XL" list pv | grep -q " r----- " || fail "pv is not running after the dump: $("$XL" list pv)"
"$XL" dmesg | grep -q "domain 1 (pv): core dumped to $dir/core.pv (4096 pages, 2 vCPUs); its .xen_prstatus holds zeroed vCPU contexts" ||
	fail "the dump is not logged"

# PVH: .xen_pfn and the HVM magic; a paused domain stays paused.
domain pvh pvh
"$XL" pause pvh || fail "xl pause pvh"
"$XL" dump-core pvh "$dir/core.pvh" || fail "xl dump-core pvh"
check_core "$dir/core.pvh" 2 "ee eb 0f f0" .xen_pfn
pfn=$(sec "$dir/core.pvh" .xen_pfn offset)
[ "$(od -A n -t u8 -j $((pfn + 8 * 4095)) -N 8 "$dir/core.pvh" | xargs)" = 4095 ] || fail ".xen_pfn"
"$XL" list pvh | grep -q " --p--- " || fail "pvh is not paused after the dump: $("$XL" list pvh)"

refused "a missing file name" "usage: xl dump-core" "$XL" dump-core pv
refused "an unknown domain" "invalid domain identifier: nosuch" "$XL" dump-core nosuch "$dir/x"
refused "Domain-0" "operation not permitted on Domain-0" "$XL" dump-core 0 "$dir/x"
refused "a directory that is not there" "cannot create $dir/no/core: No such file or directory" \
	"$XL" dump-core pv "$dir/no/core"
"$XL" destroy pv && "$XL" destroy pvh || fail "xl destroy"

# on_crash: the core first, in $XENKVM_DUMPDIR/<name>, then what follows.
domain crashy pv 'on_crash = "coredump-destroy"' "fake.exit=3 fake.after_ms=1000"
"$XL" list -l crashy | jq -e '.[0].config.on_crash == "coredump-destroy"' > /dev/null ||
	fail "xl list -l: $("$XL" list -l crashy)"
await "domain 3 (crashy) crashed (VMM exited with status 3: fake-vmm: leaving with status 3); action coredump-destroy"
await "domain 3 (crashy): core dumped to $dir/dumps/crashy"
i=0
while "$XL" list crashy > /dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 25 ] || fail "crashy was not destroyed after its dump"
	sleep 0.2
done
check_core "$dir/dumps/crashy" 3 "ed eb 0f f0" .xen_p2m

domain phoenix pv 'on_crash = "coredump-restart"' "fake.exit=3 fake.after_ms=300 fake.once=$dir/burnt"
await "domain 4 (phoenix): core dumped to $dir/dumps/phoenix"
await "domain phoenix restarted as domain"
[ "$("$XL" domid phoenix)" != 4 ] || fail "phoenix was not restarted"
check_core "$dir/dumps/phoenix" 4 "ed eb 0f f0" .xen_p2m
echo PASS
