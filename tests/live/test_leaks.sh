#!/bin/sh
# Live tests of leaks, as root on the real tracefs, on a program whose leaks
# are known in advance (tests/progs/leaky.c writes them: "SITE BYTES
# COUNT"): the report must give exactly those bytes and counts per call
# site, under -- COMMAND, for a process already running (-p), for one that
# exits while traced, and for one of two processes of the same program;
# valgrind --leak-check=full finds the same leaking sites and bytes.
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
# wait_armed UPID: leaks $UPID has its probes enabled in its instance
wait_armed() { wait_for "$T/instances/uprobectl-$1/events/upc_leak_$1/malloc/enable" 1; }
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
"$U" leaks --json -d 4 -p "$lpid" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed $upid || ko "-p: no probe armed"
kill -USR1 "$lpid"
wait $upid || ko "leaks -p: exit $?, $(cat "$work/err")"
same "$work/exp2" "-p PID"
check kill -0 "$lpid"
kill "$lpid"
check left_alone

# --- --stack: the caller, then the kernel's user stack (leaky is built -O0,
# with frame pointers): the same sites, each with the function that called it
start_waiting exps wait
"$U" leaks --json --stack -d 60 -p "$lpid" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed $upid || ko "--stack: no probe armed"
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
"$U" leaks --json -d 30 -p "$lpid" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed $upid || ko "exiting: no probe armed"
kill -USR1 "$lpid"
wait $upid || ko "leaks -p (exits): exit $?, $(cat "$work/err")"
same "$work/exp3" "a process that exits"
json '.ms < 20000' "the report came when the process had gone, not at -d"
check left_alone

# --- two processes of the same program: only the one of -p counts
start_waiting exp4a wait
a=$lpid
start_waiting exp4b wait
"$U" leaks --json -d 4 -p "$a" >"$work/out" 2>"$work/err" &
upid=$!
wait_armed $upid || ko "two: no probe armed"
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
	"$U" leaks --json -d 4 -p "$lpid" >"$work/out" 2>"$work/err" &
	upid=$!
	wait_armed $upid || ko "$what: no probe armed, $(cat "$work/err")"
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
"$U" leaks --json --min-age 1000 --top 2 -- "$L" "$work/exp8" >"$work/out" 2>"$work/err"
json '.sites == [] and .outstanding > 0' "--min-age leaves out what is younger"
"$U" leaks --json --top 2 -- "$L" "$work/exp8" >"$work/out" 2>"$work/err"
json '.sites | length == 2' "--top 2"
"$U" leaks -- "$L" "$work/exp8" >"$work/out" 2>"$work/err"
check grep -q '^leaks of pid [0-9]*: .*none lost (buffer [0-9]* KiB per CPU)$' "$work/out"
check grep -q 'BYTES.*ALLOCS.*OLDEST.*CALL SITE' "$work/out"
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
