#!/bin/sh
# Live tests of leaks, as root on the real tracefs, on a program whose leaks
# are known in advance (tests/progs/leaky.c writes them: "SITE BYTES
# COUNT"): the report must give exactly those bytes and counts per call
# site, under -- COMMAND, for a process already running (-p), for one that
# exits while traced, and for one of two processes of the same program;
# valgrind --leak-check=full finds the same leaking sites and bytes. Each
# process has its own report (a child's leaks are never its parent's), named
# where it exits in a few milliseconds and through exec chains of scripts;
# --min-age works whatever the machine's uptime.
# glibc's posix_memalign is counted as not tracked, with its bytes. Nothing
# is left in tracefs afterwards, and the traced process runs on.
#   test_leaks.sh UPROBECTL LEAKY
set -u
SUITE=live-leaks
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
L=/tmp/upc-leaky
work=$(mktemp -d)
pids=
MMAP=
trap 'kill $pids 2>/dev/null; rm -rf "$work" "$L"' EXIT
live_tracefs
command -v jq >/dev/null || skip "jq is not installed"
command -v valgrind >/dev/null || skip "valgrind is not installed"
cp "$2" "$L"
snapshot() { cat "$T/uprobe_events"; ls "$T/instances"; }
snapshot >"$work/before"
left_alone() { snapshot >"$work/after"; cmp -s "$work/before" "$work/after"; }
report() { grep '^{' "$work/out" | tail -n 1; }
# reports PID|other: the JSON reports of that process, or of every other
# process than the last report's
reports() {
	main=$(report | jq .pid)
	if [ "$1" = other ]; then
		grep '^{' "$work/out" | jq -c "select(.pid != $main)"
	else
		grep '^{' "$work/out" | jq -c "select(.pid == $1)"
	fi
}
json() { report | jq -e "$1" >/dev/null 2>&1 && ok || ko "$2: $(report)"; }
# the report's leak_* sites summed per function: "FUNCTION BYTES COUNT"
sites() {
	report | jq -r '.sites[] | select(.site | test("^leak_")) |
		"\(.site | sub("\\+.*"; "")) \(.bytes) \(.allocs)"' |
		awk '{ b[$1] += $2; c[$1] += $3 } END { for (k in b) print k, b[k], c[k] }' | sort
}
# what leaky wrote, but posix_memalign's (glibc: not tracked, counted apart)
# and, without --mmap, its mapping's
want() {
	if [ -n "${MMAP:-}" ]; then
		grep -v '^leak_posix_memalign ' "$1"
	else
		grep -v -e '^leak_posix_memalign ' -e '^leak_mmap ' "$1"
	fi | sort
}
same() {	# same EXPECT WHAT
	sites >"$work/got"
	want "$1" >"$work/want"
	if cmp -s "$work/got" "$work/want"; then ok; else
		ko "$2: sites differ:"; diff "$work/want" "$work/got"
	fi
	json '.reliable and .untracked == 1 and .untracked_bytes == 300' \
		"$2: reliable, posix_memalign counted as not tracked"
}
# wait_armed: the leaks run in the background (with -v, its stderr in
# $work/err) has its probes armed
wait_armed() { wait_armed_log "$work/err"; }
# start_waiting NAME MODE: leaky started, waiting for SIGUSR1; sets lpid
start_waiting() {
	"$L" "$work/$1" "$2" >"$work/$1.pid" &
	lpid=$!
	pids="$pids $lpid"
	wait_for "$work/$1.pid" "$lpid" || ko "leaky $1 did not start"
}

# --- -- COMMAND
"$U" leaks --json -- "$L" "$work/exp1" >"$work/out" 2>"$work/err" ||
	ko "leaks -- leaky: exit $?, $(cat "$work/err")"
same "$work/exp1" "-- COMMAND"
json '.outstanding_bytes >= 5052 and .allocs > 4000 and .frees > 4000' "the totals"
json '.sites[0].site | test("^leak_realloc\\+0x[0-9a-f]+ \\(/tmp/upc-leaky\\)$")' \
	"most bytes first, named symbol+0xOFF (FILE)"
check left_alone

# --- valgrind on the same program: the same leaking sites and bytes
valgrind --leak-check=full --show-leak-kinds=definite "$L" "$work/exp5" 2>"$work/vg" >/dev/null
awk '/are definitely lost/ { n = $2; gsub(",", "", n); b = $5; gsub(",", "", b); on = 1; next }
	on && / by 0x[0-9A-F]+: leak_/ { for (i = 1; i <= NF; i++) if ($i ~ /^leak_/) f = $i;
		bytes[f] += n; count[f] += b; on = 0 }
	END { for (k in bytes) print k, bytes[k], count[k] }' "$work/vg" | sort >"$work/vg.sites"
grep -v '^leak_posix_memalign ' "$work/vg.sites" >"$work/vg.tracked"
"$U" leaks --json -- "$L" "$work/exp6" >"$work/out" 2>"$work/err"
sites >"$work/got"
if [ -s "$work/vg.tracked" ] && cmp -s "$work/vg.tracked" "$work/got"; then ok; else
	ko "valgrind and leaks differ:"; diff "$work/vg.tracked" "$work/got"
fi
check grep -q '^leak_posix_memalign 300 1$' "$work/vg.sites"

# --- a process already running, traced with -p; it runs on afterwards
start_waiting exp2 wait
: >"$work/err"
"$U" leaks -v --json -d 4 -p "$lpid" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed || ko "-p: no probe armed"
kill -USR1 "$lpid"
wait $upid || ko "leaks -p: exit $?, $(cat "$work/err")"
same "$work/exp2" "-p PID"
check kill -0 "$lpid"
kill "$lpid"
check left_alone

# --- --stack: the caller, then the kernel's user stack (leaky is built -O0,
# with frame pointers): the same sites, each with the function that called it
start_waiting exps wait
: >"$work/err"
"$U" leaks -v --json --stack -d 60 -p "$lpid" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed || ko "--stack: no probe armed"
kill -USR1 "$lpid"
wait_for "$work/exps" || ko "--stack: leaky did not finish"
sleep 0.5
kill -INT $upid
wait $upid || ko "leaks --stack: exit $?, $(cat "$work/err")"
same "$work/exps" "--stack"
json '.depth == "stack"' "--stack: the report says it has stacks"
json '[.sites[] | select(.site | startswith("leak_malloc+")) | .site | test(" <- thread_main\\+0x[0-9a-f]+ \\(/tmp/upc-leaky\\) <- ")] | length > 0 and all' \
	"--stack: leak_malloc called from thread_main"
json '[.sites[] | select(.site | startswith("leak_calloc+")) | .site | test(" <- main\\+")] | length > 0 and all' \
	"--stack: leak_calloc called from main"
kill "$lpid"
check left_alone

# --- a process that exits while traced: the report comes when it has gone
start_waiting exp3 wait-exit
: >"$work/err"
"$U" leaks -v --json -d 30 -p "$lpid" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed || ko "exiting: no probe armed"
kill -USR1 "$lpid"
wait $upid || ko "leaks -p (exits): exit $?, $(cat "$work/err")"
same "$work/exp3" "a process that exits"
json '.ms < 20000' "the report came when the process had gone, not at -d"
check left_alone

# --- two processes of the same program: only the one of -p counts
start_waiting exp4a wait
a=$lpid
start_waiting exp4b wait
: >"$work/err"
"$U" leaks -v --json -d 4 -p "$a" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed || ko "two: no probe armed"
kill -USR1 "$a" "$lpid"
wait $upid || ko "leaks -p (two): exit $?, $(cat "$work/err")"
same "$work/exp4a" "one of two processes"
kill "$a" "$lpid"
check left_alone

# --- a process in a chroot, and in a chroot on a tmpfs of another mount
# namespace (its files are then only under /proc/PID/root here)
croot=$work/root
mkdir -p "$croot/tmp" "$work/mnt"
cp "$L" "$croot/leaky"
for f in $(ldd "$L" | grep -o '/[^ ]*'); do
	mkdir -p "$croot$(dirname "$f")"
	cp "$f" "$croot$f"
done
contained() {	# contained NAME PREFIX CMD...: leaky started by CMD, traced
	# with -p; its allocator must be found under PREFIX
	what=$1 prefix=$2
	shift 2
	"$@" >"$work/c.pid" &
	pids="$pids $!"
	wait_for "$work/c.pid" "$!" || ko "$what: leaky did not start ($(cat "$work/c.pid"))"
	lpid=$(cat "$work/c.pid")
	: >"$work/err"
	"$U" leaks -v --json -d 4 -p "$lpid" >"$work/out" 2>"$work/err" &
	upid=$!
	wait_armed || ko "$what: no probe armed, $(cat "$work/err")"
	kill -USR1 "$lpid"
	wait $upid || ko "$what: leaks -p: exit $?, $(cat "$work/err")"
	cp "/proc/$lpid/root/tmp/exp" "$work/exp.c" || ko "$what: no expectations"
	same "$work/exp.c" "$what"
	if [ "$prefix" != /proc/ ] || ! mountpoint -q "$work/mnt"; then
		json ".allocator | startswith(\"$prefix\")" "$what: the allocator under $prefix"
	fi
	kill "$lpid"
	check left_alone
}
contained chroot "$croot" chroot "$croot" /leaky /tmp/exp wait
# a mount namespace of its own whose mounts stay there; in a chroot whose
# root is no mount point (a fresh-machine root) unshare cannot make them
# private, and its tmpfs may then show here too: the sites are still
# checked, and where the allocator was found only when it is not here
if unshare -m --propagation private true 2>/dev/null; then
	prop=private
else
	prop=unchanged
	echo "note: unshare cannot make mounts private here (a chroot?): the tmpfs may show outside its namespace"
fi
contained "mount namespace" /proc/ unshare -m --propagation $prop sh -c \
	"mount -t tmpfs tmpfs '$work/mnt' && cp -a '$croot/.' '$work/mnt/' && exec chroot '$work/mnt' /leaky /tmp/exp wait"
if mountpoint -q "$work/mnt"; then
	umount "$work/mnt"
	[ $prop = unchanged ] || ko "a private mount namespace's tmpfs showed here"
fi

# --- --mmap: the anonymous mapping never unmapped, not the file's
MMAP=1
"$U" leaks --json --mmap -- "$L" "$work/exp10" >"$work/out" 2>"$work/err" ||
	ko "leaks --mmap: exit $?, $(cat "$work/err")"
same "$work/exp10" "--mmap"
MMAP=
check left_alone

# --- -i, --min-age, --top
"$U" leaks --json -i 0.2 --top 100 -- sh -c "sleep 1; exec $L $work/exp7" >"$work/out" 2>"$work/err"
check [ "$(grep -c '^{' "$work/out")" -ge 4 ]
same "$work/exp7" "-i, through sh and exec"
# an age longer than the machine has been up (a board booted minutes ago):
# nothing is that old
up=$(cut -d. -f1 /proc/uptime)
"$U" leaks --json --min-age $((up + 1000)) --top 2 -- "$L" "$work/exp8" >"$work/out" 2>"$work/err"
json '.sites == [] and .outstanding > 0' "--min-age longer than the uptime ($up s) leaves out all"
# and one shorter than the leaks' age: all of them
start_waiting expa wait
: >"$work/err"
"$U" leaks -v --json --min-age 1 -d 3 -p "$lpid" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed || ko "--min-age: no probe armed"
kill -USR1 "$lpid"
wait_for "$work/expa" || ko "--min-age: leaky did not finish"
wait $upid || ko "leaks --min-age -p: exit $?, $(cat "$work/err")"
same "$work/expa" "--min-age 1 of 2-second-old leaks"
json '[.sites[].oldest_ms] | min >= 1000' "--min-age 1: every site at least 1 s old"
kill "$lpid"
"$U" leaks --json --top 2 -- "$L" "$work/exp8" >"$work/out" 2>"$work/err"
json '.sites | length == 2' "--top 2"
"$U" leaks -- "$L" "$work/exp8" >"$work/out" 2>"$work/err"
check grep -q "^leaks of pid [0-9]* ($L), exited: .*none lost (buffer [0-9]* KiB per CPU, budget [0-9]*)$" "$work/out"
check grep -q 'BYTES.*ALLOCS.*OLDEST.*CALL SITE' "$work/out"
check left_alone

# --- scripts as COMMAND: #! followed as the kernel does, to the allocator
# of what finally runs (here through /bin/sh, with an argument, and a chain
# of two scripts)
printf '#!/bin/sh\nexec %s "$@"\n' "$L" >"$work/run1.sh"
printf '#! /bin/sh -e\nexec %s "$@"\n' "$work/run1.sh" >"$work/run2.sh"
chmod +x "$work/run1.sh" "$work/run2.sh"
for script in run1.sh run2.sh; do
	"$U" leaks --json -- "$work/$script" "$work/exps-$script" >"$work/out" 2>"$work/err" ||
		ko "leaks -- $script: exit $?, $(cat "$work/err")"
	same "$work/exps-$script" "-- SCRIPT ($script)"
	json ".exe == \"$L\" and .exited" "-- SCRIPT ($script): the program it ran, exited"
done
check left_alone
# not a program the kernel runs: said so, no guess of a static program
printf 'echo no interpreter\n' >"$work/noshebang"
printf '#!%s/missing\n' "$work" >"$work/badshebang"
chmod +x "$work/noshebang" "$work/badshebang"
"$U" leaks -- "$work/noshebang" >"$work/out" 2>"$work/err"
check [ $? = 2 ]
check grep -q "neither an ELF program nor a script starting #!INTERPRETER" "$work/err"
check [ "$(wc -l <"$work/err")" = 1 ]
"$U" leaks -- "$work/badshebang" >"$work/out" 2>"$work/err"
check [ $? = 2 ]
check grep -q "the interpreter $work/missing of a #! line does not exist" "$work/err"
check left_alone

# --- each process its own: a leaking child that exits (in a few
# milliseconds) before the command's own program starts; its report names
# its sites and its pid, and none of its memory is the command's
"$U" leaks --json -- sh -c "$L $work/expc quick; exec $L $work/expm" >"$work/out" 2>"$work/err" ||
	ko "leaks -- sh -c 'child; exec': exit $?, $(cat "$work/err")"
same "$work/expm" "the command's program, after its child"
json '[.sites[].site | select(test("leak_child|strdup"))] == []' "none of the child's sites in the command's"
main=$(report | jq .pid)
reports other | jq -s -c '[.[] | select(.sites | map(.site) | any(test("^leak_child\\+")))]' >"$work/child"
if jq -e --argjson m "$main" 'length == 1 and .[0].exited and .[0].pid != $m and
	.[0].exe == "'"$L"'" and ([.[0].sites[] | select(.site | test("^leak_child\\+0x[0-9a-f]+ \\('"$L"'\\)$"))
	| [.bytes, .allocs]] == [[2100, 7]])' "$work/child" >/dev/null; then ok; else
	ko "the child's own report, exited, its leak_child site named: $(cat "$work/child")"
fi
# valgrind --trace-children=yes reports the child's leak under its own pid too
valgrind --trace-children=yes --leak-check=full sh -c "$L $work/vgc quick; exec $L $work/vgm" \
	2>"$work/vg" >/dev/null
awk '/are definitely lost/ { split($1, p, "=="); pid = p[2]; n = $2; gsub(",", "", n); b = $5
	gsub(",", "", b); on = 1; next } on && / by 0x[0-9A-F]+: leak_child/ { print pid, n, b; on = 0 }
	/^==[0-9]+== *$/ { on = 0 }' "$work/vg" >"$work/vg.child"
if [ "$(wc -l <"$work/vg.child")" = 1 ] && [ "$(cut -d' ' -f2- "$work/vg.child")" = "2100 7" ]; then ok; else
	ko "valgrind --trace-children: the child's leak_child: $(cat "$work/vg.child")"
fi
check left_alone

# --- a child gone in milliseconds: its call sites are named (its maps read
# at its exit), in the program and in a shared library (libc's strdup)
"$U" leaks --json -- sh -c "$L $work/expq quick; sleep 0.3" >"$work/out" 2>"$work/err"
reports other | jq -s -c '[.[] | select(.exited and (.sites | map(.site) | any(test("^leak_child"))))] |
	map(.sites) | add // []' >"$work/q"
if jq -e '([.[] | select(.site | test("^leak_child\\+0x[0-9a-f]+ \\('"$L"'\\)$")) | [.bytes, .allocs]] == [[2100, 7]]) and
	([.[] | select(.site | test("strdup\\+0x[0-9a-f]+ \\(/.*libc\\.so\\.6\\)$")) | [.bytes, .allocs]] == [[300, 3]])' \
	"$work/q" >/dev/null; then ok; else ko "a child gone in milliseconds: its sites unnamed: $(cat "$work/q")"; fi
check left_alone

# --- exec chains (sh, sh -e, then the program, as scripts and as sh -c)
# ending in a program gone in milliseconds: its sites are named from its
# own maps, never from those of the programs before it
for chain in script sh; do
	if [ $chain = script ]; then
		"$U" leaks --json -- "$work/run2.sh" "$work/expx" quick >"$work/out" 2>"$work/err"
	else
		"$U" leaks --json -- sh -c "exec sh -ec 'exec $L $work/expx quick'" >"$work/out" 2>"$work/err"
	fi || ko "leaks -- ($chain chain) ... quick: exit $?, $(cat "$work/err")"
	report | jq -c '.sites' >"$work/x"
	if jq -e '([.[] | select(.site | test("^leak_child\\+0x[0-9a-f]+ \\('"$L"'\\)$")) | [.bytes, .allocs]] == [[2100, 7]]) and
		([.[] | select(.site | test("strdup\\+0x[0-9a-f]+ \\(/.*libc\\.so\\.6\\)$")) | [.bytes, .allocs]] == [[300, 3]])' \
		"$work/x" >/dev/null; then ok; else ko "an exec chain ($chain): sites of the last program unnamed: $(cat "$work/x")"; fi
	check left_alone
done

# --- a budget for the buffers (--buffer-max, all CPUs): no growth step
# goes past it, and the report says it
"$U" leaks -v --json --buffer-max 256K -- "$L" "$work/expb" >"$work/out" 2>"$work/err" ||
	ko "leaks --buffer-max: exit $?, $(cat "$work/err")"
ncpu=$(getconf _NPROCESSORS_ONLN)
json ".buffer_budget_kb == $((256 / ncpu)) and .buffer_kb <= .buffer_budget_kb" \
	"--buffer-max: the budget per CPU, and the buffer within it"
awk -v b=$((256 / ncpu)) '/debug: buffer: / { n++; if ($5 > b) bad = 1 } END { exit bad || !n }' \
	"$work/err" && ok || ko "--buffer-max: a buffer past the budget: $(grep 'buffer:' "$work/err")"
UPROBECTL_BUFFER_MAX=128K "$U" leaks --json -- "$L" "$work/expb" >"$work/out" 2>"$work/err"
json ".buffer_budget_kb == $((128 / ncpu))" "UPROBECTL_BUFFER_MAX"
"$U" leaks --buffer-max 12X -- "$L" "$work/expb" >"$work/out" 2>"$work/err"
check [ $? = 2 ]
check grep -q -- "--buffer-max is a size" "$work/err"
check left_alone

# --- limits and refusals: one line, nothing left
"$U" leaks --max-tracked 5 -- "$L" "$work/exp9" >"$work/out" 2>"$work/err"
check [ $? = 1 ]
check grep -q 'more than 5 outstanding allocations (--max-tracked)' "$work/err"
check left_alone
for bad in "" "-p 1 -- true" "-c 3 -p 1" "--lib relative/libc.so -p 1" "--top x -p 1"; do
	# shellcheck disable=SC2086
	"$U" leaks $bad >"$work/out" 2>"$work/err"
	st=$?
	[ $st = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] && ok || ko "leaks $bad: exit $st, $(cat "$work/err")"
done
"$U" leaks -p 999999999 >"$work/out" 2>"$work/err"
check [ $? = 2 ]
check grep -q 'no such process' "$work/err"
check left_alone
finish
