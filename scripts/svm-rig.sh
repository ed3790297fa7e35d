#!/bin/sh
# svm-rig.sh [-m MiB] [-t SECONDS] [-o DIR] [-k] [-c PATH]... COMMAND
#
# Runs COMMAND (a shell command line) on a KVM host made for it: QEMU
# emulates an AMD CPU with SVM (TCG, no host KVM needed), Debian's 6.12
# cloud kernel boots in it with kvm_amd loaded, and COMMAND runs as root in
# this repository's directory (same absolute path) with /dev/kvm there.
# So guests can be tested on machines that have no /dev/kvm of their own,
# and on a real VMX/SVM-style KVM rather than PVM.
#
# The rig's root is an initramfs made of this host's own programs (the
# packages in RIG_PACKAGES, with the libraries they load), the repository
# (without .git) with its build tree ($BUILD, objects left out), each -c
# PATH, and with -k the guest pieces fetched into xenkvm's cache (the rig
# has no network: fetch them before). Nothing written inside comes back
# except what COMMAND leaves in $RIG_OUT, which lands in -o DIR. The exit
# status is COMMAND's; 124 when the rig ran past -t; 125 when the rig
# itself failed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${XENKVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xenkvm}
build=$(cd "$here" && realpath -m "${BUILD:-build}")
mem=3072 limit=1800 out="" carry=""
while getopts m:t:o:kc: opt; do
	case $opt in
	m) mem=$OPTARG ;;
	t) limit=$OPTARG ;;
	o) out=$OPTARG ;;
	c) carry="$carry $(realpath "$OPTARG")" ;;
	k) [ ! -d "$CACHE" ] || carry="$carry $(find "$CACHE" -mindepth 1 -maxdepth 1 ! -name rig)" ;;
	*) echo "usage: $0 [-m MiB] [-t SECONDS] [-o DIR] [-k] [-c PATH]... COMMAND" >&2; exit 125 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "svm-rig: one COMMAND (quote it)" >&2; exit 125; }
command -v qemu-system-x86_64 >/dev/null || {
	echo "svm-rig: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2
	exit 125
}

rig=$(sh "$here/scripts/svm-rig-kernel.sh") || exit 125
work=$(mktemp -d)
[ -n "${RIG_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# --- the root: host programs by package, their libraries, the repository ---
RIG_PACKAGES=${RIG_PACKAGES:-"dash bash coreutils procps grep sed mawk findutils
	gzip cpio tar xz-utils diffutils util-linux mount jq xenstore-utils e2fsprogs
	iproute2 dpkg hostname debianutils libc-bin"}
list="$work/files"
: > "$list"
# add PATH: the path itself, in its directory with every link resolved (dirs
# leading to it come later), and if it is a symbolic link, each link on the
# way to what it points to (/usr/bin/awk -> /etc/alternatives/awk -> mawk)
add() {
	p="$(realpath "$(dirname "$1")")/$(basename "$1")"
	echo "$p" >> "$list"
	[ -L "$p" ] || return 0
	t=$(readlink "$p")
	case $t in
	/*) add "$t" ;;
	*) add "$(dirname "$p")/$t" ;;
	esac
}
for pkg in $RIG_PACKAGES; do
	dpkg -L "$pkg" 2>/dev/null | grep -E '^/(usr/)?s?bin/[^/]+$' | while read -r f; do
		if [ -f "$f" ]; then add "$f"; fi
	done
done
# names that Debian's alternatives give those programs (awk -> mawk)
for l in /usr/bin/* /usr/sbin/*; do
	[ -L "$l" ] || continue
	case $(readlink "$l") in
	/etc/alternatives/*) if grep -qx "$(realpath "$l")" "$list"; then add "$l"; fi ;;
	esac
done
# configuration the programs read
for f in /etc/mke2fs.conf /etc/passwd /etc/group /etc/nsswitch.conf /etc/protocols \
	/etc/services; do
	if [ -f "$f" ]; then add "$f"; fi
done
# shared libraries of every executable so far, the repository's programs and
# what is carried (the cache's PV-GRUB tools)
for f in $(cat "$list") $(find "$build" $carry -type f -perm -u+x 2>/dev/null); do
	ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
done | sort -u | while read -r lib; do add "$lib"; done
# the repository: files git knows, and the build tree (objects left out)
(cd "$here" && git ls-files --cached --others --exclude-standard) | sed "s|^|$here/|" >> "$list"
find "$build" -path "$build/obj" -prune -o -type f -print >> "$list" 2>/dev/null || true
for c in $carry; do find "$c" \( -type f -o -type l \) -print >> "$list"; done
# every directory above each entry, parents first (the kernel's unpacker makes none)
awk '{ n = split($0, p, "/"); d = ""; for (i = 2; i < n; i++) { d = d "/" p[i]; print d } }' \
	"$list" | sort -u > "$work/dirs"
# /bin, /lib, /lib64 and /sbin are links into /usr on Debian 12: they come from
# the staging archive below, not as directories
grep -v -x -E '/(bin|lib|lib64|sbin)' "$work/dirs" > "$work/all"
sort -u "$list" | grep -v -x -E '/(bin|lib|lib64|sbin)' >> "$work/all"
sed 's|^/||' "$work/all" | (cd / && cpio -o -H newc --quiet) > "$work/host.cpio"

# --- the staging archive: init, busybox, kvm modules, links ---
st="$work/stage"
mkdir -p "$st/rig/modules" "$st/proc" "$st/sys" "$st/dev" "$st/tmp" "$st/run" "$st/var/tmp"
ln -s usr/bin "$st/bin"; ln -s usr/lib "$st/lib"; ln -s usr/lib64 "$st/lib64"; ln -s usr/sbin "$st/sbin"
cp "$rig/busybox" "$st/rig/"
# in load order
n=0
for m in $(cat "$rig/modules"); do
	n=$((n + 1)) && cp "$rig/$m.ko" "$st/rig/modules/$n-$m.ko"
done
cp "$here/scripts/svm-rig-init.sh" "$st/init"
printf '%s\n' "$1" > "$st/rig/command"
printf '%s\n' "$here" > "$st/rig/dir"
(cd "$st" && find . | cpio -o -H newc --quiet) > "$work/stage.cpio"
cat "$work/host.cpio" "$work/stage.cpio" > "$work/initrd"

# --- run it ---
echo "svm-rig: initramfs $(($(stat -c %s "$work/initrd") / 1048576)) MiB; booting" >&2
set +e
# EPYC with SVM, less what TCG cannot emulate (QEMU warns of each otherwise).
cpu=EPYC,+svm,-rdseed,-sha-ni,-fxsr-opt,-misalignsse,-3dnowprefetch,-osvw,-topoext
cpu=$cpu,-nrip-save,-xsavec
# One TCG thread for all vCPUs: with one per vCPU, code that rewrites itself
# while another vCPU runs it (Linux's int3-based text patching, in the rig's
# kernel and in guests) has oopsed the rig's kernel and killed guests.
{ timeout "$limit" qemu-system-x86_64 -accel tcg,thread=single -cpu "$cpu" \
	-smp "${RIG_CPUS:-2}" -m "$mem" -nographic -no-reboot \
	-kernel "$rig/vmlinuz" -initrd "$work/initrd" \
	-append "console=ttyS0 quiet panic=-1 rdinit=/init" \
	-device virtio-serial -chardev file,id=out,path="$work/out.tar" \
	-device virtserialport,chardev=out,name=rig.out -nic none \
	< /dev/null; echo $? > "$work/qrc"; } | tee "$work/console" | sed -u '/xenkvm-rig: exit /d'
qrc=$(cat "$work/qrc")
set -e
if [ -n "$out" ] && [ -s "$work/out.tar" ]; then
	mkdir -p "$out" && tar -xf "$work/out.tar" -C "$out"
fi
rc=$(sed -n 's/.*xenkvm-rig: exit \([0-9]*\).*/\1/p' "$work/console" | tail -n 1)
if [ -z "$rc" ]; then
	[ "$qrc" -eq 124 ] && { echo "svm-rig: ran past ${limit} s" >&2; exit 124; }
	echo "svm-rig: the rig stopped without COMMAND's status (qemu rc $qrc)" >&2
	exit 125
fi
exit "$rc"
