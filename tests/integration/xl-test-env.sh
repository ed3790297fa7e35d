# Sourced by the scripts that run domains under xl: $BUILD and $XL, a skip
# (exit 77) where /dev/kvm is absent (unless XL_TEST_ANY_HOST is set), a private RUNDIR ($dir) for the
# xenkvmd that xl starts, and that xenkvmd stopped and the directory
# removed when the script exits; then the helpers refused, list_shows,
# vmm_args, debian_guest, await_gone and await_init (below).
BUILD=$(cd "${BUILD:-build}" && pwd)
XL="$BUILD/xl"
# XL_TEST_ANY_HOST=1: the script runs where /dev/kvm is absent too.
if [ -z "$XL_TEST_ANY_HOST" ] && [ ! -r /dev/kvm ]; then
	echo "skipped: /dev/kvm is not available here"
	exit 77
fi
XENKVM_RUNDIR=$(mktemp -d)
export XENKVM_RUNDIR
dir=$XENKVM_RUNDIR
xenkvmd_cleanup() {
	pid=$(sed -n 's/.*xenkvmd started (pid \([0-9]*\)).*/\1/p' "$dir/xenkvmd.log" 2>/dev/null | tail -n 1)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	sleep 0.2
	rm -rf "$dir"
}
# KEEP_RUNDIR=1 keeps the directory (and the daemon) for a look after a failure.
[ -n "$KEEP_RUNDIR" ] || trap xenkvmd_cleanup EXIT

# Helpers for the tests; each calls the test's own fail().
# refused WHAT EXPECTED COMMAND...: the command fails and says EXPECTED
refused() {
	what=$1 expected=$2
	shift 2
	"$@" > "$dir/out" 2>&1 && fail "$what was accepted"
	grep -q -- "$expected" "$dir/out" || fail "$what: expected \"$expected\": $(cat "$dir/out")"
}
# list_shows DOMAIN COLUMN VALUE SECONDS: xl list's COLUMN (3: Mem, 4: VCPUs)
# reads VALUE for DOMAIN within SECONDS
list_shows() {
	n=0
	until [ "$("$XL" list "$1" 2>/dev/null | awk -v c="$2" 'NR == 2 { print $c }')" = "$3" ]; do
		n=$((n + 1))
		[ $n -lt "$4" ] || fail "xl list column $2 of $1 is" \
			"$("$XL" list "$1" | awk -v c="$2" 'NR == 2 { print $c }'), not $3, after $4 s"
		sleep 1
	done
}
# vmm_args DOMID: the command line domain DOMID's VMM runs with (found by its console log)
vmm_args() {
	ps -eo args | grep -F -- "$dir/console/$1.log" | grep -v grep
}
# debian_guest: $cache holds Debian's kernel and busybox (fetched once), or
# the test is skipped; then $dir/initrd.gz is the test initramfs
debian_guest() {
	cache=$(sh scripts/fetch-assets.sh) || {
		echo "skipped: cannot fetch Debian's kernel and busybox-static (apt-get download failed)"
		exit 77
	}
	sh scripts/mkinitramfs.sh "$cache" "$dir/initrd.gz" >/dev/null || fail "mkinitramfs"
}
# await_gone DOMAIN SECONDS: the domain (a test mode that powers off) ends within SECONDS
await_gone() {
	n=0
	while "$XL" list | grep -q "^$1 "; do
		n=$((n + 1))
		[ $n -lt "$2" ] || fail "$1 did not finish within $2 s"
		sleep 1
	done
}
# await_init DOMAIN: its console log ($log) says /init waits for shutdown within 400 s
await_init() {
	n=0
	until grep -q 'xenkvm-init: waiting for shutdown' "$log" 2>/dev/null; do
		"$XL" list | grep -q "^$1 " || fail "the domain ended before /init was done"
		n=$((n + 1))
		[ $n -lt 400 ] || fail "no /init within 400 s"
		sleep 1
	done
}
