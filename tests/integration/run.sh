#!/bin/sh
# Runs every tests/integration/t-*.sh; each exits 0 (pass), 77 (skip) or other (fail).
# Where /dev/kvm is absent, the tests that need it run again inside the SVM
# rig (scripts/svm-rig.sh: QEMU's TCG emulating an AMD CPU, kvm_amd in it),
# unless XENKVM_NO_RIG=1. That is a real KVM, but VMX/SVM-like, not PVM.
# Inside the rig (rig-run MODE): run the named tests, leaving NAME.log and
# NAME.rc in $RIG_OUT.
BUILD=${BUILD:-build}
export BUILD
if [ "$1" = rig-run ]; then
	shift
	for name in "$@"; do
		sh "tests/integration/$name.sh" > "$RIG_OUT/$name.log" 2>&1
		echo $? > "$RIG_OUT/$name.rc"
		echo "rig: $name exited $(cat "$RIG_OUT/$name.rc")"
	done
	exit 0
fi

pass=0 fail=0 skip=0 nokvm=0 inrig=0 needkvm=""
# report NAME RC WHERE: count and print one test's result from $BUILD/NAME.log
report() {
	case $2 in
	0) pass=$((pass + 1)); echo "PASS $1$3" ;;
	77) skip=$((skip + 1)); echo "SKIP $1$3: $(tail -n 1 "$BUILD/$1.log")" ;;
	*) fail=$((fail + 1)); echo "FAIL $1$3 (rc $2); last lines of $BUILD/$1.log:"
	   tail -n 30 "$BUILD/$1.log" | sed 's/^/    /' ;;
	esac
}
for t in tests/integration/t-*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	sh "$t" > "$BUILD/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 77 ] && tail -n 1 "$BUILD/$name.log" | grep -q '/dev/kvm is not available'; then
		needkvm="$needkvm $name"
		continue
	fi
	report "$name" $rc ""
done

# rig_run DIR NAMES: the tests in one boot of the rig; NAME.rc and NAME.log into DIR
rig_run() {
	out=$1
	shift
	# The rig has no network: fetch what the guests need here first.
	sh scripts/fetch-assets.sh > /dev/null 2>&1
	sh scripts/fetch-user-progs.sh > /dev/null 2>&1
	sh scripts/fetch-linux-pvh.sh > /dev/null 2>&1
	sh scripts/mkpvgrub.sh "$BUILD/rig-pvgrub.elf" > /dev/null 2>&1
	rm -rf "$out" && mkdir -p "$out"
	sh scripts/svm-rig.sh -k -m 4096 -t 2400 -o "$out" \
		"BUILD=$BUILD sh tests/integration/run.sh rig-run $*" > "$out.console.log" 2>&1
}
# rig_failed DIR NAME: the test did not pass there (or the rig died first)
rig_failed() {
	rc=$(cat "$1/$2.rc" 2>/dev/null)
	[ "$rc" != 0 ] && [ "$rc" != 77 ]
}
if [ -n "$needkvm" ] && [ -z "$XENKVM_NO_RIG" ] && command -v qemu-system-x86_64 > /dev/null; then
	echo "no /dev/kvm here: running$needkvm in the SVM rig (QEMU TCG, nested SVM)"
	rig_run "$BUILD/rig" $needkvm
	# The emulated host is not fully reliable (its own kernel panicked once,
	# and guests have died at their first instruction under it): what did
	# not pass gets one more boot, and says so.
	again=""
	for name in $needkvm; do
		if rig_failed "$BUILD/rig" "$name"; then again="$again $name"; fi
	done
	if [ -n "$again" ]; then
		echo "once more in a new rig:$again"
		rig_run "$BUILD/rig2" $again
	fi
	left=""
	for name in $needkvm; do
		res="$BUILD/rig" where=" (SVM rig)"
		case " $again " in
		*" $name "*)
			[ ! -f "$BUILD/rig/$name.log" ] || cp "$BUILD/rig/$name.log" "$BUILD/$name.try1.log"
			res="$BUILD/rig2"
			where=" (SVM rig, second try; the first: $BUILD/$name.try1.log)"
			;;
		esac
		if [ -f "$res/$name.rc" ]; then
			cp "$res/$name.log" "$BUILD/$name.log"
			inrig=$((inrig + 1))
			report "$name" "$(cat "$res/$name.rc")" "$where"
		else
			left="$left $name"
		fi
	done
	[ -z "$left" ] || echo "the rig did not finish$left; its console: $BUILD/rig2.console.log"
	needkvm=$left
fi
for name in $needkvm; do
	nokvm=$((nokvm + 1))
	report "$name" 77 ""
done
echo "integration: $inrig ran in the SVM rig, $nokvm skipped for lack of KVM"
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
