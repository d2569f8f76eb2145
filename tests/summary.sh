#!/bin/sh
# summary.sh RESULTS: print every suite's outcome and the closing count;
# exit 1 when any suite failed, when none ran, or when one skipped (a skip
# proves nothing): unless ALLOW_SKIP=1 is given, and never when CI is set.
results=$1
[ -s "$results" ] || { echo "check: no suite ran"; echo "0 passed, 1 failed"; exit 1; }
echo
echo "=== summary ==="
cat "$results"
p=$(grep -c '^PASS' "$results")
f=$(grep -c '^FAIL' "$results")
s=$(grep -c '^SKIP' "$results")
echo "check: $p passed, $f failed, $s skipped"
if [ "$s" -gt 0 ]; then
	if [ -n "${CI:-}" ] || [ "${ALLOW_SKIP:-0}" != 1 ]; then
		echo "check: $s suite(s) skipped: that is a failure (ALLOW_SKIP=1 accepts it," \
			"except under CI)"
		exit 1
	fi
	echo "check: skips accepted (ALLOW_SKIP=1)"
fi
[ "$f" -eq 0 ]
