#!/bin/sh
# check-load.sh RUNS TARGET...: run `make TARGET...` RUNS times in a row
# while two busy loops keep both cores loaded (as a busy board or CI machine
# would), and say how each run ended. Exits 1 if any run failed or hung
# (each suite has its own timeout in run-suite.sh).
#   make check-load RUNS=10                  (TARGET: check)
#   make check-load RUNS=10 LOAD_TARGET=test-live
set -u
runs=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
hogs=""
trap 'for h in $hogs; do kill $h 2>/dev/null; done' EXIT
for i in 1 2; do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
mkdir -p "$top/build"
failed=0
i=1
while [ "$i" -le "$runs" ]; do
	log=$top/build/check-load.$i.log
	start=$(date +%s)
	make -C "$top" --no-print-directory "$@" >"$log" 2>&1
	st=$?
	printf 'check-load: run %d of %d: exit %d in %d s; %s\n' "$i" "$runs" "$st" \
		$(($(date +%s) - start)) "$(grep -E '^check: [0-9]+ passed' "$log" | tail -n 1)"
	if [ "$st" != 0 ]; then
		failed=$((failed + 1))
		grep -E '^(FAIL|SKIP)' "$log" | head -n 20
	fi
	i=$((i + 1))
done
echo "check-load: $((runs - failed)) passed, $failed failed"
[ "$failed" = 0 ]
