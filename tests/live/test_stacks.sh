#!/bin/sh
# Live tests of --stack, as root on the real tracefs, with gdb as the
# oracle: a program with known call chains built with frame pointers
# (main -> alpha -> beta -> gamma_ -> leaf, main -> outer -> work), traced
# at the entry and at the return of functions of several depths; the
# symbolized frames must equal gdb's backtrace at the same instruction,
# through trace -- COMMAND (the process exits right after its calls) and
# stream -p (a process still running, and one that exits), in JSON and in
# text. Also: -c N gives N records with and without --stack, --folded
# counts stacks for flame graphs, and tracefs is left as it was found.
#   test_stacks.sh UPROBECTL CHAIN
set -u
SUITE=live-stacks
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
bg_pids=""
trap 'for p in $bg_pids; do kill $p 2>/dev/null; done; rm -rf "$work"' EXIT

live_tracefs
command -v gdb >/dev/null || skip "no gdb (the oracle): toolchain/install-deps.sh test installs it"
group_free "$T"
snapshot() {
	cat "$T/uprobe_events"
	ls "$T/instances"
	for f in tracing_on options/userstacktrace options/record-tgid set_event_pid; do
		echo "$f=$(cat "$T/$f")"
	done
}
snapshot >"$work/before"
CHAIN=$work/chain
cp "$2" "$CHAIN"

# gdb_frames entry|return FUNC: gdb's backtrace (up to main) at FUNC's first
# instruction, or where it returns to, one "function+0xOFF" per line
gdb_frames() {
	set -- -ex "break *$2" -ex run $([ "$1" = return ] && echo "-ex finish")
	for i in 0 1 2 3 4 5 6 7; do
		set -- "$@" -ex "frame $i" -ex 'info symbol $pc'
	done
	gdb -batch -nx "$@" --args "$CHAIN" 1 </dev/null 2>&1 |
		awk '/^No frame at level/ { exit }
		     / in section / { printf "%s+0x%x\n", $1, $2 == "+" ? $3 : 0 }'
}
# ours FILE N: the first N frames of every record of FILE (JSON), without
# the file names, a record's frames on one line
ours_json() {
	jq -r --argjson n "$2" '.stack[:$n] | map(sub(" \\(.*\\)$"; "")) | join(" ")' "$1"
}
# the same from text output: "    => frame" lines after each record
ours_text() {
	awk -v n="$2" '/^    => / { if (k++ < n) { sub(/^    => /, ""); sub(/ \(.*\)$/, "");
		line = line (k > 1 ? " " : "") $0 } next }
		{ if (started) print line; started = 1; line = ""; k = 0 }
		END { if (started) print line }' "$1"
}
# same FILE WANT COUNT: FILE has COUNT lines, each WANT
same() {
	[ "$(wc -l <"$1")" = "$3" ] && [ "$(sort -u "$1")" = "$2" ] ||
		{ echo "want $3 x '$2', got:"; cat "$1"; return 1; }
}

for spec in "entry leaf" "entry work" "entry alpha" "return leaf" "return work" "return beta"; do
	set -- $spec
	gdb_frames "$1" "$2" >"$work/gdb"
	n=$(wc -l <"$work/gdb")
	want=$(paste -sd' ' "$work/gdb")
	# gdb stopped there and walked up to main: the oracle itself works
	check [ "$n" -ge 2 ]
	check grep -q '^main+0x' "$work/gdb"
	r=$([ "$1" = return ] && echo -r)
	# trace -- COMMAND: the process is gone before its records are read
	"$U" trace $r --json --stack "$CHAIN" "$2" -- "$CHAIN" 3 >"$work/t.json" 2>"$work/t.err"
	check [ $? = 0 ]
	ours_json "$work/t.json" "$n" >"$work/ours"
	check same "$work/ours" "$want" 3
	"$U" trace $r --stack "$CHAIN" "$2" -- "$CHAIN" 2 >"$work/t.txt" 2>"$work/t.err"
	ours_text "$work/t.txt" "$n" >"$work/ours"
	check same "$work/ours" "$want" 2
	# no frame is left a bare address
	check [ -z "$(jq -r '.stack[] | select(startswith("<"))' "$work/t.json")" ]
done

# run_stream ROUNDS LINGER ARGS...: stream -p ARGS (into s.json, s.err) of
# a chain process that makes ROUNDS rounds once the stream is armed, then
# stays LINGER ms
run_stream() {
	rounds=$1 linger=$2
	shift 2
	rm -f "$work/go"
	"$CHAIN" "$rounds" "$work/go" "$linger" >/dev/null 2>&1 &
	cp=$!
	bg_pids="$bg_pids $cp"
	: >"$work/s.err"
	"$U" stream -v -p "$cp" "$@" -d 30 >"$work/s.json" 2>"$work/s.err" &
	sp=$!
	wait_armed_log "$work/s.err" || ko "stream $* did not start"
	touch "$work/go"
	wait $sp
	wait $cp
}

# stream -p, a process that stays after its calls and one that exits
# right after them: the maps read when attaching serve after the exit
"$U" add "$CHAIN" leaf >/dev/null
"$U" add "$CHAIN" work >/dev/null
gdb_frames entry leaf >"$work/gdb.leaf"
gdb_frames entry work >"$work/gdb.work"
for linger in 500 0; do
	run_stream 2 "$linger" --json --stack
	for f in leaf work; do
		jq -c "select(.event == \"$f\")" "$work/s.json" >"$work/s.$f"
		ours_json "$work/s.$f" "$(wc -l <"$work/gdb.$f")" >"$work/ours"
		check same "$work/ours" "$(paste -sd' ' "$work/gdb.$f")" 2
	done
done

# -c N: exactly N records, with stacks of several depths and without
for c in 1 2 5; do
	run_stream 5 0 --json -c $c
	check [ "$(wc -l <"$work/s.json")" = $c ]
	run_stream 5 0 --json -c $c --stack
	check [ "$(wc -l <"$work/s.json")" = $c ]
done
"$U" trace --json --stack -c 2 "$CHAIN" leaf -- "$CHAIN" 5 >"$work/c.json" 2>/dev/null
check [ "$(wc -l <"$work/c.json")" = 2 ]

# a probe that does not record the return address: said once, and the
# kernel's walk as it is: ftrace's misses the caller at entry; perf's has it
# on x86 from Linux 6.11 (it reads the return address at the stack pointer)
"$U" clear >/dev/null
"$U" add "$CHAIN" work n=%di >/dev/null
run_stream 2 0 --json --stack
check [ "$(grep -c 'work records no return address.*fetch arg \$ra' "$work/s.err")" = 1 ]
if [ "$TRANSPORT" = perf ]; then
	ours_json "$work/s.json" "$(wc -l <"$work/gdb.work")" >"$work/ours"
	check same "$work/ours" "$(paste -sd' ' "$work/gdb.work")" 2
else
	ours_json "$work/s.json" 2 >"$work/ours"
	check same "$work/ours" "work+0x0 $(grep '^main+' "$work/gdb.work")" 2
fi
"$U" clear >/dev/null

# --folded: root first, functions only, counted
"$U" trace --folded "$CHAIN" leaf -- "$CHAIN" 3 >"$work/f" 2>/dev/null
check grep -q '^\(.*;\)\?main;alpha;beta;gamma_;leaf 3$' "$work/f"
check [ "$(wc -l <"$work/f")" = 1 ]
"$U" trace -r --folded "$CHAIN" work -- "$CHAIN" 4 >"$work/f" 2>/dev/null
check grep -q '^\(.*;\)\?main;outer 4$' "$work/f"
"$U" trace --folded --json "$CHAIN" work -- "$CHAIN" 1 >/dev/null 2>&1
check [ $? = 2 ]

snapshot >"$work/after"
check diff "$work/before" "$work/after"
finish
