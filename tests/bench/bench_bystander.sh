#!/bin/sh
# What tracing one process costs the rest of the machine: a bystander
# malloc/free loop's nanoseconds per call alone, and while uprobectl
# follows another process (-p) that calls malloc too, with `leaks -p`,
# `count -p`, `trace -p` and `stream -p`, through perf events (armed in the
# followed process only) and through a tracefs instance (armed in every
# process that maps libc: the bystander traps too); and the followed
# process's own calls per second under leaks on both. Needs root; prints
# why when it cannot run.
#   bench_bystander.sh UPROBECTL MLOOP [SECONDS]
set -u
U=$1 SECS=${3:-3}
[ "$(id -u)" = 0 ] || { echo "bench bystander: skipped: needs root"; exit 0; }
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] && [ -e "$T/uprobe_events" ] || { echo "bench bystander: skipped: no tracefs with uprobes here"; exit 0; }
W=$(mktemp -d)
bg= target=
trap 'kill $bg $target 2>/dev/null; "$U" -q clear -g upc_bench 2>/dev/null; rm -rf "$W"' EXIT
cp "$2" "$W/bystander"
cp "$2" "$W/target"
failed=0
# ns per allocator call of the bystander over SECS
ns() { "$W/bystander" "$SECS" "$W/n" && awk -v s="$SECS" '{ printf "%.1f", s * 1e9 / $1 }' "$W/n"; }
# the followed process: 2000 allocator calls a second for as long as it takes
"$W/target" 100000 /dev/null 2000 &
target=$!
libc=$(awk '/ r-xp .*libc[.-]/ { print $6; exit }' "/proc/$target/maps")
alone=$(ns)
"$U" -q add -g upc_bench -p "$target" libc malloc || failed=1
# with uprobectl following the target in the background, through transport
# $1: the bystander's ns per call
under() {
	tr=$1
	shift
	: >"$W/err"
	UPROBECTL_TRANSPORT=$tr "$U" -v "$@" -p "$target" -d $((SECS + 4)) >/dev/null 2>"$W/err" &
	bg=$!
	i=0
	until grep -q 'debug: armed: ' "$W/err"; do
		[ $i -lt 200 ] || { echo "  $* ($tr) armed nothing: $(cat "$W/err")" >&2; failed=1; break; }
		sleep 0.05
		i=$((i + 1))
	done
	sleep 0.3
	ns
	wait $bg
	bg=
}
echo "== bystander: a malloc/free loop of another process, ns per call, $SECS s each =="
printf '  %-40s %10s ns\n' "alone" "$alone"
for cmd in "leaks" "count $libc malloc" "trace $libc malloc" "stream -g upc_bench"; do
	set -- $cmd
	p=$(under perf "$@")
	t=$(under tracefs "$@")
	printf '  %-40s %10s ns %6s   tracefs: %10s ns %8s\n' "$1 -p OTHER (perf events)" "$p" \
		"$(awk -v a="$alone" -v b="$p" 'BEGIN { printf "%.2fx", b / a }')" "$t" \
		"$(awk -v a="$alone" -v b="$t" 'BEGIN { printf "%.0fx", b / a }')"
done
kill $target 2>/dev/null
wait $target 2>/dev/null
target=
"$U" -q clear -g upc_bench
exit $failed
