#!/bin/sh
# Live: a program calls a probed function in a tight loop for SECONDS; the
# events recorded and lost by `uprobectl stream` and by `cat trace_pipe >
# file` in the same run. Each reader has a tracefs instance of its own with
# the event enabled, so both see every event the kernel records, with
# buffers of the same size. Needs root; prints why when it cannot run.
#   bench_live.sh UPROBECTL LOOP [SECONDS]
set -u
U=$1 LOOP=$2 SECS=${3:-3}
[ "$(id -u)" = 0 ] || { echo "bench live: skipped: needs root"; exit 0; }
"$U" -q status >/dev/null 2>&1 || { echo "bench live: skipped: no uprobes here"; exit 0; }
T=$("$U" status | sed -n 's/^tracefs *\([^ ]*\) .*/\1/p')
W=$(mktemp -d)
G=upc_bench
cp "$LOOP" "$W/loop"
cleanup() {
	kill "$cat_pid" 2>/dev/null
	wait "$cat_pid" 2>/dev/null
	[ -d "$T/instances/upc_bench_cat" ] && {
		echo 0 >"$T/instances/upc_bench_cat/events/$G/enable"
		rmdir "$T/instances/upc_bench_cat"
	}
	"$U" -q clear -g "$G"
	rm -rf "$W"
}
cat_pid=
trap cleanup EXIT
"$U" -q add -g "$G" -e tick "$W/loop" tick '$arg1' || exit 1

mkdir "$T/instances/upc_bench_cat"
echo 1 >"$T/instances/upc_bench_cat/events/$G/enable"
cat "$T/instances/upc_bench_cat/trace_pipe" >"$W/cat.txt" &
cat_pid=$!
"$U" stream -g "$G" --instance upc_bench_u >"$W/u.txt" 2>"$W/u.err" &
u_pid=$!
while [ ! -d "$T/instances/upc_bench_u" ]; do sleep 0.05; done
sleep 0.2
calls=$("$W/loop" "$SECS" | sed 's/ calls//')
sleep 1	# let both readers drain
kill -INT "$u_pid"
wait "$u_pid"
kill "$cat_pid"
wait "$cat_pid" 2>/dev/null
cat_pid=

c_rec=$(grep -c ' tick: ' "$W/cat.txt")
c_lost=$(sed -n 's/^CPU:[0-9]* \[LOST \([0-9]*\) EVENTS\]$/\1/p' "$W/cat.txt" | awk '{ s += $1 } END { print s + 0 }')
u_rec=$(grep -c ' tick arg1=' "$W/u.txt")
u_lost=$(sed -n 's/^\*\*\* CPU [0-9]*: lost \([0-9]*\) events \*\*\*$/\1/p' "$W/u.txt" | awk '{ s += $1 } END { print s + 0 }')
echo "== live: tick() called $calls times in ${SECS}s, buffer_size_kb $(cat "$T/buffer_size_kb" | cut -d' ' -f1) =="
printf '  cat trace_pipe > file   recorded %9s   lost %9s\n' "$c_rec" "$c_lost"
printf '  uprobectl stream        recorded %9s   lost %9s   (goal: no more lost than cat)\n' "$u_rec" "$u_lost"
