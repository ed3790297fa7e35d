# Sourced by the scripts that run domains under xl: a private RUNDIR ($dir)
# for the xenkvmd that xl starts, and that xenkvmd stopped and the
# directory removed when the script exits.
XENKVM_RUNDIR=$(mktemp -d)
export XENKVM_RUNDIR
dir=$XENKVM_RUNDIR
xenkvmd_cleanup() {
	pid=$(sed -n 's/.*xenkvmd started (pid \([0-9]*\)).*/\1/p' "$dir/xenkvmd.log" 2>/dev/null | tail -n 1)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	sleep 0.2
	rm -rf "$dir"
}
trap xenkvmd_cleanup EXIT
