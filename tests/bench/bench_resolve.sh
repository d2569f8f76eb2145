#!/bin/sh
# Symbol resolution, uprobectl against `perf probe -x FILE -D SYMBOL` (which
# prints a definition without writing it), side by side in the same run:
# median wall time and peak RSS over RUNS runs, and the ratios; and the
# same with a DWARF argument ($params of qsort, of libc with its debug
# file from libc6-dbg: both read its compressed DWARF).
#   bench_resolve.sh MEASURE RUNS UPROBECTL...
# Each UPROBECTL build (the host's dynamic one, the static musl one boards
# get) is measured against the same perf probe runs.
set -u
M=$1 RUNS=$2
shift 2
libc=$(cc -print-file-name=libc.so.6)
llvm=$(ls -S /usr/lib/x86_64-linux-gnu/libLLVM-*.so.1 2>/dev/null | head -n 1)
cpp=_ZN4llvm11raw_ostream5writeEPKcm	# llvm::raw_ostream::write(const char *, size_t)

row() {	# FILE SYMBOL PERF_RESULT [FETCHARG] (goals: GOAL_TIME, GOAL_MEM)
	set -- "$1" "$2" "$($M "$RUNS" "$U" resolve -q "$1" "$2" ${4:+"$4"})" "$3"
	u_ms=${3%% *} u_rss=$(echo "$3" | cut -d' ' -f2) u_st=${3##* }
	p_ms=${4%% *} p_rss=$(echo "$4" | cut -d' ' -f2) p_st=${4##* }
	# figures only for runs that did what they say; a ratio only when
	# both sides did
	if [ "$u_st" != 0 ]; then
		printf '  %-18s %-12s uprobectl FAILED (exit %s): no figures\n' "$(basename "$1")" \
			"$(echo "$2" | cut -c1-12)" "$u_st"
		bench_failed=1
		return
	fi
	if [ "$p_st" != 0 ]; then
		printf '  %-18s %-12s uprobectl %7s ms %6s KiB | perf probe failed (exit %s): no ratio\n' \
			"$(basename "$1")" "$(echo "$2" | cut -c1-12)" "$u_ms" "$u_rss" "$p_st"
		return
	fi
	printf '  %-18s %-12s uprobectl %7s ms %6s KiB | perf probe %7s ms %6s KiB\n' \
		"$(basename "$1")" "$(echo "$2" | cut -c1-12)" "$u_ms" "$u_rss" "$p_ms" "$p_rss"
	awk -v a="$u_ms" -v b="$p_ms" -v c="$u_rss" -v d="$p_rss" -v gt="$GOAL_TIME" \
		-v gm="$GOAL_MEM" 'BEGIN {
		printf "  %-31s ratio: %.1fx faster (goal %sx), %.1fx less memory (goal %sx)\n", "", \
			b / a, gt, d / c, gm }'
}
bench_failed=0

echo "== resolve: median of $RUNS runs, wall time and peak RSS =="
perf_libc=$($M "$RUNS" perf probe -q -x "$libc" -D malloc)
perf_dwarf=$($M "$RUNS" perf probe -q -x "$libc" -D 'qsort $params')
[ -n "$llvm" ] && perf_llvm=$($M "$RUNS" perf probe -q -x "$llvm" -D "$cpp")
for U in "$@"; do
	echo "$U ($(stat -c %s "$U") bytes):"
	GOAL_TIME=50 GOAL_MEM=20
	row "$libc" malloc "$perf_libc"
	if [ -n "$llvm" ]; then
		row "$llvm" "$cpp" "$perf_llvm"
	else
		echo "  no libLLVM on this machine: the C++ row is left out"
	fi
	echo "  with a DWARF argument, qsort \$params (libc's debug file):"
	GOAL_TIME=20 GOAL_MEM=10
	row "$libc" qsort "$perf_dwarf" '$params'
done
exit "$bench_failed"
