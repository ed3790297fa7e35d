#!/bin/sh
# Runs every tests/integration/t-*.sh; each exits 0 (pass), 77 (skip) or other (fail).
BUILD=${BUILD:-build}
export BUILD
pass=0 fail=0 skip=0
for t in tests/integration/t-*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	sh "$t" > "$BUILD/$name.log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name" ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$BUILD/$name.log")" ;;
	*) fail=$((fail + 1)); echo "FAIL $name (rc $rc); last lines of $BUILD/$name.log:"
	   tail -n 30 "$BUILD/$name.log" | sed 's/^/    /' ;;
	esac
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
