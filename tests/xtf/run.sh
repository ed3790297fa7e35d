#!/bin/sh
# Run every test instance of Xen's test framework (XTF, built by
# scripts/build-xtf.sh) through our xl, classify each by XTF's own last
# line ("Test result: SUCCESS|SKIP|ERROR|FAILURE"), or CRASH (the domain
# ended without one), TIMEOUT, REFUSED (xl create said no), and compare
# with tests/xtf/expected.txt: exit 1 when an instance did worse than
# expected there; better is reported and does not fail.
#
# usage: tests/xtf/run.sh [PATTERN...]   shell patterns on instance names,
#                                        e.g. 'test-hvm64-*' (default: all)
# environment:
#   BUILD          the build directory (build)
#   XTF_DIR        the built XTF tree ($BUILD/xtf)
#   XTF_TIMEOUT    seconds one instance may run (60)
#   XTF_LOGDIR     where each instance's cfg, console and VMM log, and the
#                  results file are kept ($BUILD/xtf-results)
#   XTF_EXPECTED   the expectations (tests/xtf/expected.txt)
#   XTF_HVM_AS_IS  1: run the hvm* configs as XTF wrote them (type "hvm"),
#                  not as PVH guests (see fix_cfg)
cd "$(dirname "$0")/../.." || exit 1
# No /dev/kvm here: the same run inside the SVM rig (scripts/svm-rig.sh), its
# logs brought back, unless XENKVM_NO_RIG=1 (then xl-test-env.sh skips).
if [ ! -e /dev/kvm ] && [ -z "$XENKVM_RIG" ] && [ -z "$XENKVM_NO_RIG" ] &&
   command -v qemu-system-x86_64 > /dev/null; then
	out=${XTF_LOGDIR:-${BUILD:-build}/xtf-results}
	echo "no /dev/kvm here: XTF runs in the SVM rig (QEMU TCG, nested SVM)"
	# The emulated host is not fully reliable (QEMU itself has died with
	# SIGSEGV once in a whole run): a rig that stops without the run's
	# status gets one more boot, and says so.
	for try in 1 2; do
		rm -rf "$out" && mkdir -p "$out" || exit 1
		sh scripts/svm-rig.sh -m 4096 -t 3000 -o "$out" \
			"BUILD=${BUILD:-build} XTF_LOGDIR=\$RIG_OUT XTF_TIMEOUT=${XTF_TIMEOUT:-60} sh tests/xtf/run.sh $*; echo \$? > \$RIG_OUT/rc" |
			grep -a -v -e '^qemu-system-x86_64: warning' -e 'SeaBIOS' -e '^Booting from ROM' -e '^\[ *[0-9.]*\] '
		rc=$(cat "$out/rc" 2>/dev/null) && exit "$rc"
		echo "the rig did not finish the XTF run (try $try)"
	done
	echo "FAIL: the rig did not finish the XTF run, twice"
	exit 1
fi
. tests/integration/xl-test-env.sh
XTF_DIR=${XTF_DIR:-$BUILD/xtf}
TIMEOUT=${XTF_TIMEOUT:-60}
LOGDIR=${XTF_LOGDIR:-$BUILD/xtf-results}
EXPECTED=${XTF_EXPECTED:-tests/xtf/expected.txt}
[ -d "$XTF_DIR/tests" ] || {
	echo "no XTF build at $XTF_DIR: run scripts/build-xtf.sh first"
	exit 1
}
mkdir -p "$LOGDIR" || exit 1
# Debian's awk is a link through /etc/alternatives, which a bare root (the
# SVM rig's) may lack: take mawk or gawk by name then.
AWK=$(command -v awk || command -v mawk || command -v gawk) || { echo "no awk"; exit 1; }
RESULTS=$LOGDIR/results.txt
: > "$RESULTS"

# fix_cfg CFG COPY: XTF's config as we run it, in a copy (XTF's stays as is).
# - The image path is made from the config's own directory, so a build that
#   moved (or was carried elsewhere) still finds its images.
# - hvm* tests are PVH-capable images (they carry XEN_ELFNOTE_PHYS32_ENTRY
#   and XTF starts them that way under Xen's type "pvh" too); xenkvmd has no
#   HVM guests (no firmware, no device model), so they run as type "pvh"
#   with the image as kernel, unless XTF_HVM_AS_IS=1.
# - on_reboot = "destroy" for every test: XTF never reboots, so a reboot is
#   a triple fault; XTF's hvm config says the same, its pv one does not, and
#   a restart would run the test again until the timeout.
fix_cfg() {
	d=$(cd "$(dirname "$1")" && pwd)
	if [ "${XTF_HVM_AS_IS:-0}" = 1 ]; then
		sed -e "s#^\(firmware_override\|kernel\)=\"[^\"]*/\([^\"/]*\)\"#\1=\"$d/\2\"#" \
			-e '/^on_reboot/d' "$1"
	else
		sed -e "s#^\(firmware_override\|kernel\)=\"[^\"]*/\([^\"/]*\)\"#kernel=\"$d/\2\"#" \
			-e 's|^type="hvm"|type="pvh"|' -e '/^builder=/d' -e '/^on_reboot/d' "$1"
	fi > "$2"
	echo 'on_reboot = "destroy"' >> "$2"
}

# one_line FILE...: the text on one line, short enough for a table
one_line() {
	tr -d '\r' | tr '\n\t' '  ' | sed 's/  */ /g; s/^ //; s/ $//' | cut -c1-200
}

# why CLASS LOGBASE: a first guess at the reason, from the console and VMM
# log. The console may carry each line twice, interleaved (XTF writes to
# every console it has), hence the awk that keeps first sightings only.
why() {
	# Console lines end in CR LF as on a serial line.
	tr -d '\r' 2>/dev/null < "$2.console" > "$2.txt"
	case $1 in
	SUCCESS) echo "" ;;
	SKIP|ERROR|FAILURE)
		# XTF prints its reason just before the result line.
		grep -v '^$' "$2.txt" | "$AWK" '!seen[$0]++' | sed -n '/Test result:/q; p' | tail -n 2 | one_line ;;
	REFUSED)
		# Without the config's path, which says nothing here.
		grep -v '^Parsing config\|: warning: ' "$2.create" | tail -n 1 |
			sed "s#^xl create: ##; s#^$2.cfg: ##" | one_line ;;
	*)
		# XTF's own panic message if it got that far, else its last line.
		if grep -q 'PANIC:' "$2.txt"; then
			c=$(sed -n '/PANIC:/,$p' "$2.txt" | grep -v '^\**$' |
				sed 's/^\(PANIC: \)*//' | "$AWK" '!seen[$0]++' | head -n 3 |
				one_line)
			c="PANIC: $c"
		else
			c=$(grep -v '^$' "$2.txt" | tail -n 1 | one_line)
		fi
		# The VMM's account of the end, without its last line ("domain
		# shutdown: reason=crash"), which says the same as the class.
		v=$(grep -v '^$\|domain shutdown: reason=' "$2.vmm" | tail -n 2 |
			sed 's/^xenkvm-vmm: *//' | one_line)
		echo "console: ${c:-(empty)}; vmm: ${v:-(nothing)}" ;;
	esac
	rm -f "$2.txt"
}

# run_one CFG: run it, log it, and add "instance CLASS reason" to $RESULTS
run_one() {
	inst=$(basename "$1" .cfg)
	base=$LOGDIR/$inst
	rm -f "$base".*
	fix_cfg "$1" "$base.cfg"
	name=$(sed -n 's/^name="\(.*\)"/\1/p' "$base.cfg" | head -n 1)
	[ -n "$name" ] || name=$inst
	"$XL" destroy "$name" >/dev/null 2>&1	# a leftover from an earlier run
	# The domain's VMM log is made before xl create returns: the new one
	# names the domid, even when the domain is already gone again.
	ls "$dir/vmm" > "$dir/before" 2>/dev/null
	if ! "$XL" create "$base.cfg" > "$base.create" 2>&1; then
		class=REFUSED
	else
		domid=$(ls "$dir/vmm" | grep -vxF -f "$dir/before" | sed -n 's/\.log$//p' | head -n 1)
		[ -n "$domid" ] || domid=$("$XL" domid "$name" 2>/dev/null)
		start=$(date +%s)
		class=""
		while :; do
			r=$(sed -n 's/.*Test result: \([A-Z]*\).*/\1/p' \
				"$dir/console/$domid.log" 2>/dev/null | tail -n 1)
			if [ -n "$r" ]; then class=$r; break; fi
			if ! "$XL" list "$name" >/dev/null 2>&1; then
				# Gone: one more look, as its last words may have just landed.
				r=$(sed -n 's/.*Test result: \([A-Z]*\).*/\1/p' \
					"$dir/console/$domid.log" 2>/dev/null | tail -n 1)
				class=${r:-CRASH}
				break
			fi
			[ $(($(date +%s) - start)) -lt "$TIMEOUT" ] || { class=TIMEOUT; break; }
			sleep 0.5
		done
		# After its result XTF powers off; give it a moment, then make sure.
		n=0
		while [ $n -lt 10 ] && "$XL" list "$name" >/dev/null 2>&1; do
			sleep 0.2; n=$((n + 1))
		done
		"$XL" destroy "$name" >/dev/null 2>&1
		cp "$dir/console/$domid.log" "$base.console" 2>/dev/null || : > "$base.console"
		cp "$dir/vmm/$domid.log" "$base.vmm" 2>/dev/null || : > "$base.vmm"
	fi
	case $class in
	SUCCESS|SKIP|ERROR|FAILURE|CRASH|TIMEOUT|REFUSED) ;;
	*) class=CRASH ;;	# a result word XTF does not print: treat as garbage
	esac
	echo "$inst $class $(why $class "$base")" | sed 's/ $//' >> "$RESULTS"
	printf '%-45s %s\n' "$inst" "$class"
}

# rig_skip INST: in the SVM rig, why INST is not started there (see the file)
RIG_SKIP=tests/xtf/rig-skip.txt
rig_skip() {
	[ -n "$XENKVM_RIG" ] && [ -f "$RIG_SKIP" ] &&
		"$AWK" -v i="$1" '$1 == i { $1 = ""; sub(/^ /, ""); print; f = 1 } END { exit !f }' "$RIG_SKIP"
}

found=0
not_run=""
for cfg in $(find "$XTF_DIR/tests" -name 'test-*.cfg' | sort); do
	inst=$(basename "$cfg" .cfg)
	if [ $# -gt 0 ]; then
		take=0
		for p in "$@"; do
			# shellcheck disable=SC2254
			case $inst in $p) take=1 ;; esac
		done
		[ $take = 1 ] || continue
	fi
	if reason=$(rig_skip "$inst"); then
		printf '%-45s %s\n' "$inst" "not run in the SVM rig: $reason"
		not_run="$not_run $inst"
		continue
	fi
	found=$((found + 1))
	run_one "$cfg"
done
[ $found -gt 0 ] || { echo "no XTF test instance matched"; exit 1; }

# --- report -----------------------------------------------------------------
# One row per environment (the second word of "test-ENV-NAME[~VARIATION]"),
# one column per class, then the totals.
CLASSES="SUCCESS SKIP ERROR FAILURE CRASH TIMEOUT REFUSED"
echo
printf '%-10s' env; for c in $CLASSES; do printf ' %8s' "$c"; done; echo
count='{ split($1, w, "-"); e = by_env ? w[2] : "all"; n[e, $2]++; seen[e] = 1 }
END { k = split(cls, c, " "); for (e in seen) { printf "%-10s", e
	for (i = 1; i <= k; i++) printf " %8d", n[e, c[i]]; printf "\n" } }'
"$AWK" -v cls="$CLASSES" -v by_env=1 "$count" "$RESULTS" | sort
"$AWK" -v cls="$CLASSES" -v by_env=0 "$count" "$RESULTS"
echo
echo "not SUCCESS:"
grep -v '^[^ ]* SUCCESS' "$RESULTS" | sed 's/^/  /'

# --- compare with the expectations -------------------------------------------
# Ranks after XTF's own order (SUCCESS, SKIP, ERROR, FAILURE, CRASH), then
# ours: a TIMEOUT got no further than a CRASH; REFUSED never ran at all.
# An instance missing from the expectations is expected to succeed.
echo
[ -f "$EXPECTED" ] || { echo "no $EXPECTED: nothing to compare with"; exit 1; }
"$AWK" -v ran="$RESULTS" -v all=$(($# == 0)) -v not_run="$not_run" '
function rank(c) {
	return c == "SUCCESS" ? 0 : c == "SKIP" ? 1 : c == "ERROR" ? 2 : c == "FAILURE" ? 3 : \
	       c == "CRASH" || c == "TIMEOUT" ? 4 : 5
}
FILENAME != ran { if ($0 !~ /^#/ && NF >= 2) want[$1] = $2; next }
{
	w = ($1 in want) ? want[$1] : "SUCCESS"
	if (rank($2) > rank(w)) { printf "REGRESSION %s: %s, expected %s\n", $1, $2, w; bad++ }
	else if (rank($2) < rank(w)) printf "better     %s: %s, expected %s\n", $1, $2, w
	else if ($2 != w) printf "changed    %s: %s, expected %s\n", $1, $2, w
	done[$1] = 1
}
END {
	# An expectation for an instance XTF no longer builds is stale.
	k = split(not_run, skipped, " ")
	for (j = 1; j <= k; j++) done[skipped[j]] = 1
	if (all) for (i in want) if (!(i in done)) printf "stale      %s: not built\n", i
	exit bad ? 1 : 0
}' "$EXPECTED" "$RESULTS"
rc=$?
[ -z "$not_run" ] || echo "xtf: not run in the SVM rig:$not_run (see $RIG_SKIP)"
[ $rc = 0 ] && echo "xtf: no regressions against $EXPECTED ($found instances)" ||
	echo "xtf: regressions against $EXPECTED (see above; logs in $LOGDIR)"
exit $rc
