# Sourced by the scripts that run domains under xl: $BUILD and $XL, a skip
# (exit 77) where /dev/kvm is absent (unless XL_TEST_ANY_HOST is set), a private RUNDIR ($dir) for the
# xenkvmd that xl starts, and that xenkvmd stopped and the directory
# removed when the script exits.
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
