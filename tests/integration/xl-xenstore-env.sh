# Sourced after xl-test-env.sh by the tests that read xenkvmd's xenstore
# with Debian's own clients: a skip (exit 77) where they are missing, and
# read_is PATH VALUE / perms_are PATH PERMS (as xenstore-ls -p prints them,
# e.g. n0,r1), which call the test's fail() when the node says otherwise.
if ! command -v xenstore-read >/dev/null; then
	echo "skipped: Debian's xenstore-utils are missing (./configure installs them)"
	exit 77
fi
XENSTORED_PATH="$dir/xenstored.sock"
export XENSTORED_PATH

read_is() {
	v=$(xenstore-read "$1") || fail "xenstore-read $1 failed"
	[ "$v" = "$2" ] || fail "$1 = \"$v\", expected \"$2\""
}

perms_are() {
	parent=${1%/*} leaf=${1##*/}
	xenstore-ls -p "$parent" | grep -q "^$leaf = .*($2)\$" ||
		fail "$1: permissions not ($2): $(xenstore-ls -p "$parent" | grep "^$leaf = ")"
}
