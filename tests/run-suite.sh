#!/bin/sh
# run-suite.sh RESULTS NAME COMMAND...: run one test suite, record PASS,
# FAIL or SKIP NAME in RESULTS, and never stop the rest of make check.
# A suite that exits 77 skipped (it said why); a suite still running after
# SUITE_TIMEOUT seconds (default 600) is killed and fails, named. Each line
# says how long its suite took.
results=$1 name=$2
shift 2
limit=${SUITE_TIMEOUT:-600}
printf '\n=== %s ===\n' "$name"
start=$(date +%s)
# its own process group, so a timeout takes its children too
timeout -k 10 "$limit" "$@"
st=$?
took="$(($(date +%s) - start)) s"
case "$st" in
0) echo "PASS $name ($took)" >>"$results" ;;
77) echo "SKIP $name ($took)" >>"$results" ;;
124 | 137)
	echo "FAIL: suite $name did not finish within $limit s (killed)"
	echo "FAIL $name (timed out after $limit s)" >>"$results"
	;;
*) echo "FAIL $name (exit $st, $took)" >>"$results" ;;
esac
exit 0
