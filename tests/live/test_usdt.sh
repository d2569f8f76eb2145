#!/bin/sh
# Live tests of USDT probes, as root: a program built with <sys/sdt.h>
# (tests/progs/usdt.c) and its probes upc:tick (six arguments of several
# operand forms, a semaphore), upc:plain and upc:global (a global
# variable). What the kernel records equals
# what the program printed; the semaphore is set while the probe is
# enabled and only then; $argN is the probe's own argument; the definitions
# equal perf probe's; uprobe_events is left as it was found.
#   test_usdt.sh UPROBECTL USDT
set -u
SUITE=live-usdt
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT

live_tracefs
command -v perf >/dev/null || skip "no perf (linux-perf), the oracle of the USDT definitions"
group_free "$T"
before=$(cat "$T/uprobe_events")
cp "$2" "$work/usdt"
P=$work/usdt

# the notes, as readelf -n has them
"$U" syms --usdt --json "$P" >"$work/syms"
check [ "$(jq -r '.[].name' "$work/syms" | tr '\n' ' ')" = "tick plain global " ]
loc=$(readelf -n "$P" | awk '/Name: tick/ { f = 1 } f && /Location:/ { sub(/,$/, "", $2); print $2; exit }')
check [ "$(jq -r '.[0].address' "$work/syms")" = "$(printf '%d' "$loc")" ]

# lines: the program's output so far
lines() { grep -c '^tick ' "$work/out"; }
# step N: let the program make tick N and wait until it printed it
step() {
	kill -USR1 "$pid"
	i=0
	until [ "$(lines)" -ge "$1" ]; do [ $i -lt 200 ] || break; sleep 0.05; i=$((i + 1)); done
}
"$P" 4 >"$work/out" &
pid=$!
i=0
until [ "$(lines)" -ge 1 ]; do [ $i -lt 200 ] || break; sleep 0.05; i=$((i + 1)); done

# tick 1 ran with no probe: semaphore 0
check grep -q '^tick 1: semaphore 0,' "$work/out"
check "$U" -q add "$P" usdt:upc:tick
def=$(grep '^p:uprobectl/upc_tick ' "$T/uprobe_events")
sema=$(jq -r '.[0].semaphore_offset' "$work/syms")
# at the note's address, with the semaphore's file offset as the kernel's
# reference counter (the kernel lists the offset in 16 digits)
check [ -n "$(echo "$def" | grep ":$(printf '0x%016x' "$loc")($(printf '0x%x' "$sema")) ")" ]
check "$U" -q add -e plain_i "$P" usdt:upc:plain 'i=$arg1:s32'
# a global variable, upc_counter(%rip) on x86_64: read where the file maps it
check "$U" -q add "$P" usdt:upc:global
check grep -q '^p:uprobectl/upc_global .* arg1=@+0x[0-9a-f]*:s64$' "$T/uprobe_events"
check "$U" -q enable
step 2
# enabled: the kernel set the semaphore; the records equal the printed values
check grep -q '^tick 2: semaphore 1,' "$work/out"
rec=$(grep ' upc_tick: ' "$T/trace" | tail -n 1)
want=$(sed -n 's/^tick 2: semaphore [0-9]*, i \(-*[0-9]*\), stack \(-*[0-9]*\), big \(-*[0-9]*\), neg \(-*[0-9]*\), small \([0-9]*\), .*$/arg1=\1 arg2=\2 arg3=\3 arg4=\4 arg5=\5 arg6=42/p' "$work/out")
check [ -n "$want" ]
got=$(echo "$rec" | sed 's/.* upc_tick: ([^)]*) //')
[ "$got" = "$want" ] && ok || ko "upc:tick recorded '$got', the program passed '$want'"
check [ "$(grep ' plain_i: ' "$T/trace" | tail -n 1 | sed 's/.* i=//')" = 2 ]
check [ "$(grep ' upc_global: ' "$T/trace" | tail -n 1 | sed 's/.* arg1=//')" = \
	"$(sed -n 's/^tick 2: .*, counter \([0-9]*\)$/\1/p' "$work/out")" ]
check "$U" -q disable
step 3
# disabled: the semaphore is 0 again
check grep -q '^tick 3: semaphore 0,' "$work/out"
check "$U" -q clear
step 4
wait "$pid"
pid=""

# trace -- COMMAND: the probe set (and its semaphore) before the program runs
"$U" trace --json "$P" usdt:upc:tick 'i=$arg1:s32' 'big=$arg3:s64' -- "$P" 1 >"$work/tr" 2>"$work/tr.err"
check [ $? = 0 ]
check grep -q '^tick 1: semaphore 1, i 1, stack 10, big -1000000007,' "$work/tr"
check [ "$(grep '"event":"upc_tick"' "$work/tr" | jq -c .args)" = '{"i":1,"big":-1000000007}' ]

# the definitions perf probe writes for the same SDT events (after perf
# buildid-cache --add), as the kernel lists both, for this program and every
# file here that has notes (libstdc++, libpython, gcc's programs...). perf
# leaves out what it cannot fetch, constants and variables (SYM(%rip)),
# which uprobectl records as \IMM and @+OFFSET: those are dropped from ours
# before comparing.
# perf with a build-id cache of its own, gone with $work: the user's
# ~/.debug is not touched, and no stale entry of an earlier run is found
perf() { command perf --buildid-dir "$work/perf-cache" "$@"; }
perf_same() {	# FILE
	f=$(readlink -f "$1")
	"$U" syms --usdt --json "$f" | jq -r '.[].provider' | sort -u >"$work/provs"
	check [ -s "$work/provs" ]
	perf buildid-cache --add "$f" >/dev/null 2>&1
	while read -r prov; do
		perf probe -q -x "$f" -a "sdt_$prov:*" >"$work/perf.err" 2>&1 ||
			{ ko "perf probe -x $f sdt_$prov:*: $(head -c 300 "$work/perf.err")"; continue; }
		grep "^p:sdt_$prov/" "$T/uprobe_events" | sed 's/^p:[^ ]* //' | sort >"$work/perf"
		perf probe -q -d "sdt_$prov:*" >/dev/null 2>&1
		"$U" -q add -g upc_sdt "$f" "usdt:$prov:*" ||
			{ ko "add $f usdt:$prov:*"; continue; }
		grep '^p:upc_sdt/' "$T/uprobe_events" |
			sed 's/^p:[^ ]* //; s/ arg[0-9]*=\\[^ ]*//g; s/ arg[0-9]*=@+[^ ]*//g' | sort >"$work/ours"
		"$U" -q clear -g upc_sdt
		if [ -s "$work/perf" ] && cmp -s "$work/perf" "$work/ours"; then ok; else
			ko "$f, provider $prov: uprobectl's definitions differ from perf probe's"
			diff "$work/perf" "$work/ours" | head -n 6
		fi
	done <"$work/provs"
}
perf_same "$P"
# and every program and library of this machine's own architecture with
# notes (perf reads only those), each file once
find /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu /usr/lib/gcc -type f -size +0 2>/dev/null |
	tr '\n' '\0' | xargs -0 -r grep -laF .note.stapsdt 2>/dev/null | while read -r f; do
	readelf -hW "$f" 2>/dev/null | grep -q 'Machine: *Advanced Micro Devices X86-64' &&
		readelf -hW "$f" | grep -Eq 'Type: *(EXEC|DYN)' &&
		readelf -SW "$f" | grep -q ' \.note\.stapsdt ' && echo "$(stat -L -c %d:%i "$f") $f"
done | sort -u -k1,1 | cut -d' ' -f2- >"$work/files"
check grep -qx "$(readlink -f /usr/lib/x86_64-linux-gnu/libstdc++.so.6)" "$work/files"
while read -r f; do
	perf_same "$f"
done <"$work/files"

# an apply file: USDT probes set up as at boot, then in sync
printf '%s usdt:upc:tick\n-e g %s usdt:upc:global v=$arg1\n' "$P" "$P" >"$work/conf"
check "$U" -q apply "$work/conf"
check grep -q '^p:uprobectl/upc_tick .*(0x[0-9a-f]*) arg1=' "$T/uprobe_events"
check "$U" -q apply --check "$work/conf"
check "$U" -q clear

# refusals, each explained in one line, nothing written
refuse() {
	"$U" add "$@" >/dev/null 2>"$work/err"
	st=$?
	if [ "$st" = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] &&
		[ "$(cat "$T/uprobe_events")" = "$before" ]; then ok; else
		ko "add $*: exit $st, $(cat "$work/err")"; fi
}
refuse "$P" usdt:upc:nothing
refuse -r "$P" usdt:upc:tick
refuse "$P" usdt:upc:tick 'x=$arg7'
check [ "$(cat "$T/uprobe_events")" = "$before" ]
finish
