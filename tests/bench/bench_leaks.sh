#!/bin/sh
# The cost of finding leaks, in one run: a malloc/free loop's allocator
# calls per second with no tracer, under `uprobectl leaks`, under the
# equivalent bpftrace script (an allocation map kept on uprobe and
# uretprobe of malloc, deleted on free) and under valgrind's memcheck; then
# the highest call rate leaks keeps up with, losing nothing (the loop
# paced at rising rates). Needs root; prints why when it cannot run.
#   bench_leaks.sh UPROBECTL MLOOP [SECONDS]
set -u
U=$1 SECS=${3:-3}
[ "$(id -u)" = 0 ] || { echo "bench leaks: skipped: needs root"; exit 0; }
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] && [ -e "$T/uprobe_events" ] || { echo "bench leaks: skipped: no tracefs with uprobes here"; exit 0; }
W=$(mktemp -d)
bg=
trap '[ -n "$bg" ] && kill $bg 2>/dev/null; rm -rf "$W"' EXIT
M=$W/upc-mloop
cp "$2" "$M"
failed=0
per_s() { awk -v s="$SECS" '{ printf "%d", $1 / s }' "$W/n"; }
none=$("$M" "$SECS" "$W/n" && per_s)
"$U" leaks --json -- "$M" "$SECS" "$W/n" >"$W/leaks" 2>&1 || { echo "  leaks failed: $(cat "$W/leaks")"; failed=1; }
under=$(per_s)
lost=$(grep '^{' "$W/leaks" | tail -n 1 | jq -r '.lost')
bpf=-
libc=$(grep -m1 -o '"allocator":"[^"]*"' "$W/leaks" | cut -d'"' -f4)
if command -v bpftrace >/dev/null && [ -n "$libc" ]; then
	bpftrace -e "uprobe:$libc:malloc /comm == \"upc-mloop\"/ { @size[tid] = arg0; }
		uretprobe:$libc:malloc /comm == \"upc-mloop\" && @size[tid]/ { @alloc[retval] = @size[tid]; delete(@size[tid]); }
		uprobe:$libc:free /comm == \"upc-mloop\"/ { delete(@alloc[arg0]); }
		END { clear(@alloc); clear(@size); }" >"$W/bpf" 2>&1 &
	bg=$!
	i=0
	until grep -q "^Attaching" "$W/bpf"; do [ $i -lt 400 ] || break; sleep 0.05; i=$((i + 1)); done
	sleep 0.5
	"$M" "$SECS" "$W/n" && bpf=$(per_s)
	kill -INT $bg
	wait $bg
	bg=
fi
vg=-
command -v valgrind >/dev/null && valgrind -q --leak-check=full "$M" "$SECS" "$W/n" 2>/dev/null &&
	vg=$(per_s)
ratio() { [ "$1" = - ] && echo "-" || awk -v a="$none" -v b="$1" 'BEGIN { printf "%.1fx slower", a / b }'; }
echo "== leaks: a malloc/free loop's allocator calls per second, $SECS s each =="
printf '  %-34s %12s calls/s\n' "no tracer" "$none"
printf '  %-34s %12s calls/s  %s (%s events lost)\n' "uprobectl leaks" "$under" "$(ratio "$under")" "$lost"
printf '  %-34s %12s calls/s  %s\n' "bpftrace (malloc map, uretprobe)" "$bpf" "$(ratio "$bpf")"
printf '  %-34s %12s calls/s  %s\n' "valgrind --leak-check=full" "$vg" "$(ratio "$vg")"
# the highest rate with nothing lost: the loop at full speed when it lost
# nothing (each call then costs the uprobe traps, which bound the rate),
# else paced at rising rates
if [ "$lost" = 0 ]; then
	echo "  highest rate uprobectl leaks kept up with, nothing lost: $under calls/s" \
		"(the loop at full speed: the traps are the limit)"
else
	best=0
	for r in 5000 10000 20000 50000 100000 200000 400000 800000; do
		"$U" leaks --json -- "$M" 2 "$W/n" "$r" >"$W/paced" 2>&1 || break
		[ "$(grep '^{' "$W/paced" | tail -n 1 | jq -r '.reliable')" = true ] || break
		best=$r
	done
	echo "  highest rate uprobectl leaks kept up with, nothing lost: $best calls/s (paced)"
fi
exit $failed
