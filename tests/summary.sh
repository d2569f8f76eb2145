#!/bin/sh
# summary.sh RESULTS: print every suite's outcome and the closing count;
# exit 1 when any suite failed (or none ran).
results=$1
[ -s "$results" ] || { echo "check: no suite ran"; echo "0 passed, 1 failed"; exit 1; }
echo
echo "=== summary ==="
cat "$results"
p=$(grep -c '^PASS' "$results")
f=$(grep -c '^FAIL' "$results")
echo "check: $p passed, $f failed"
[ "$f" -eq 0 ]
