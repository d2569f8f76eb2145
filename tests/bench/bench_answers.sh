#!/bin/sh
# The cost per traced call of each engine of `uprobectl count`, next to no
# probe at all and to bpftrace's `@ = count()` on the same function, in one
# run: a program calls tick() in a tight loop for SECONDS while each counts.
# The kernel engine (the hit counter) should cost about the trap alone.
# Needs root; prints why when it cannot run.
#   bench_answers.sh UPROBECTL LOOP [SECONDS]
set -u
U=$1 LOOP=$2 SECS=${3:-3}
[ "$(id -u)" = 0 ] || { echo "bench answers: skipped: needs root"; exit 0; }
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] && [ -e "$T/uprobe_events" ] || { echo "bench answers: skipped: no tracefs with uprobes here"; exit 0; }
W=$(mktemp -d)
bg=
trap '[ -n "$bg" ] && kill $bg 2>/dev/null; rm -rf "$W"' EXIT
cp "$LOOP" "$W/loop"
failed=0
# calls per second of the loop
rate() { "$W/loop" "$SECS" | awk -v s="$SECS" '{ printf "%d", $1 / s }'; }
# wait up to 10 s for a file to exist
wait_file() { i=0; until [ -e "$1" ]; do [ $i -lt 200 ] || return 1; sleep 0.05; i=$((i + 1)); done; }
# with uprobectl counting (engine $1) in the background
with_count() {
	"$U" count --json --engine "$1" -d $((SECS + 3)) "$W/loop" tick >"$W/count.$1" 2>&1 &
	bg=$!
	wait_file "$T/instances/uprobectl-$bg" || { echo "  count --engine $1 armed nothing"; failed=1; }
	sleep 0.3
	r=$(rate)
	wait $bg
	bg=
	grep -q '"kind":"count"' "$W/count.$1" || { echo "  count --engine $1 failed: $(cat "$W/count.$1")"; failed=1; }
	echo "$r"
}
none=$(rate)
kernel=$(with_count kernel)
user=$(with_count user)
bpf=-
if command -v bpftrace >/dev/null; then
	bpftrace -e "uprobe:$W/loop:tick { @ = count(); }" >"$W/bpf" 2>&1 &
	bg=$!
	i=0
	until grep -q "^Attaching" "$W/bpf"; do [ $i -lt 400 ] || break; sleep 0.05; i=$((i + 1)); done
	sleep 0.5
	bpf=$(rate)
	kill -INT $bg
	wait $bg
	bg=
fi
# ns per call from calls per second; the probe's cost over no probe
ns() { awk -v r="$1" 'BEGIN { printf "%.0f", 1e9 / r }'; }
cost() { awk -v r="$1" -v n="$none" 'BEGIN { printf "%.0f", 1e9 / r - 1e9 / n }'; }
echo "== answers: cost per call of tick(), counted for $SECS s =="
printf '  %-28s %12s calls/s %8s ns/call\n' "no probe" "$none" "$(ns "$none")"
for e in kernel user; do
	eval r=\$$e
	printf '  %-28s %12s calls/s %8s ns/call  +%s ns per call%s\n' "count --engine $e" "$r" \
		"$(ns "$r")" "$(cost "$r")" \
		"$([ "$bpf" != - ] && awk -v a="$r" -v b="$bpf" -v n="$none" \
			'BEGIN { printf "; %.2fx bpftrace'"'"'s cost", (1e9/a - 1e9/n) / (1e9/b - 1e9/n) }')"
done
if [ "$bpf" != - ]; then
	printf '  %-28s %12s calls/s %8s ns/call  +%s ns per call\n' "bpftrace @ = count()" "$bpf" \
		"$(ns "$bpf")" "$(cost "$bpf")"
else
	echo "  bpftrace: not installed here"
fi
if ! ls "$T"/events/*/*/hist >/dev/null 2>&1; then
	echo "  hist triggers: not in this kernel (the kernel engine for keys and values is measured in the arm64 VM test only)"
fi
exit $failed
