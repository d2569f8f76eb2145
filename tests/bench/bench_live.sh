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
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] && [ -e "$T/uprobe_events" ] || { echo "bench live: skipped: no tracefs with uprobes here"; exit 0; }
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

# wait_on FILE CONTENT: up to 10 s; the benchmark fails rather than waits on
wait_on() {
	i=0
	until [ "$(cat "$1" 2>/dev/null)" = "$2" ]; do
		[ $i -lt 200 ] || { echo "bench live: $1 never became $2: no figures"; exit 1; }
		sleep 0.05
		i=$((i + 1))
	done
}
# the number of records in FILE (PATTERN), once it has stopped growing
settled() {
	n=-1 i=0
	while [ $i -lt 100 ]; do
		m=$(grep -c "$2" "$1")
		[ "$m" = "$n" ] && break
		n=$m
		sleep 0.2
		i=$((i + 1))
	done
	echo "$n"
}

mkdir "$T/instances/upc_bench_cat"
echo 1 >"$T/instances/upc_bench_cat/events/$G/enable"
cat "$T/instances/upc_bench_cat/trace_pipe" >"$W/cat.txt" &
cat_pid=$!
"$U" stream -g "$G" --instance upc_bench_u >"$W/u.txt" 2>"$W/u.err" &
u_pid=$!
# both readers count from the moment their instance has the event enabled
wait_on "$T/instances/upc_bench_u/events/$G/enable" 1
calls=$("$W/loop" "$SECS" | sed 's/ calls//')
c_rec=$(settled "$W/cat.txt" ' tick: ')
u_rec=$(settled "$W/u.txt" ' tick arg1=')
kb_cat=$(cut -d' ' -f1 "$T/instances/upc_bench_cat/buffer_size_kb")
kb_u=$(cut -d' ' -f1 "$T/instances/upc_bench_u/buffer_size_kb")
kill -INT "$u_pid"
wait "$u_pid"
u_st=$?
kill "$cat_pid"
wait "$cat_pid" 2>/dev/null
cat_pid=
[ "$u_st" = 0 ] || { echo "bench live: uprobectl stream failed (exit $u_st): no figures"; cat "$W/u.err"; exit 1; }
[ -n "$calls" ] && [ "$calls" -gt 0 ] 2>/dev/null || { echo "bench live: the loop did not run: no figures"; exit 1; }

c_lost=$(sed -n 's/^CPU:[0-9]* \[LOST \([0-9]*\) EVENTS\]$/\1/p' "$W/cat.txt" | awk '{ s += $1 } END { print s + 0 }')
u_lost=$(sed -n 's/^\*\*\* CPU [0-9]*: lost \([0-9]*\) events \*\*\*$/\1/p' "$W/u.txt" | awk '{ s += $1 } END { print s + 0 }')
echo "== live: tick() called $calls times in ${SECS}s; instance buffers: cat ${kb_cat} KiB, uprobectl ${kb_u} KiB per CPU =="
printf '  cat trace_pipe > file   recorded %9s   lost %9s\n' "$c_rec" "$c_lost"
printf '  uprobectl stream        recorded %9s   lost %9s   (goal: no more lost than cat)\n' "$u_rec" "$u_lost"
