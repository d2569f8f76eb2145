#!/bin/sh
# What uprobectl vars lists at a point against perf probe -V: for each
# POINT, the names of the variables available at its places (all places
# together, sorted). perf lists a variable that has a location there,
# whether the kernel can fetch it or not (a value computed from the frame,
# pieces), and leaves out one whose location is its entry value
# (DW_OP_entry_value) or that is optimized out there: uprobectl's list is
# taken the same way (those it can fetch, and those it refuses for another
# reason).
#   diff_vars.sh UPROBECTL FILE POINT...
set -u
U=$1 F=$2
shift 2
failed=0 same=0
for pt in "$@"; do
	theirs=$(perf probe -x "$F" -V "$pt" 2>/dev/null | awk -F '\t' '/^\t\t/ { print $NF }' | sort | tr '\n' ' ')
	mine=$("$U" vars --json "$F" "$pt" | jq -r '.variables[] |
		select(.why == null or (.why | test("^(not available|optimized out|its value at the function.s entry)") | not)) |
		.name' | sort | tr '\n' ' ')
	if [ -z "$theirs" ]; then
		echo "FAIL $F $pt: perf probe -V listed nothing (the oracle failed)"
		failed=$((failed + 1))
	elif [ "$mine" != "$theirs" ]; then
		echo "FAIL $F $pt: vars lists '$mine', perf probe -V '$theirs'"
		failed=$((failed + 1))
	else
		same=$((same + 1))
	fi
done
echo "diff-vars $F: $same points the same as perf probe -V's, $failed different"
[ "$failed" = 0 ]
