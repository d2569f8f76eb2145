#!/bin/sh
# Live tests of probing by source, as root: tests/progs/dwtest.c built as
# users' programs come (tests/progs/dwtest-build.sh: gcc -O0 and -O2, clang
# -O2, DWARF 4, compressed sections of both kinds, debug files sharing a dwz
# file), each probed through the debug file its build-id names, by
# function, by FILE:LINE, by a static function's FUNC@FILE and at the two
# places a function was inlined, fetching parameters, struct fields
# (nested, bitfields, arrays, strings, enums), locals and globals by name.
# What the kernel records equals what the program printed, in every
# variant; what cannot be fetched is refused with the reason and nothing
# written; resolve --apply-line gives a probe file line that a board's
# uprobectl applies with no DWARF at all.
#   test_dwarf.sh UPROBECTL DWTEST_BUILD_DIR
set -u
SUITE=live-dwarf
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
B=$(cd "$2" && pwd)
work=$(mktemp -d)
trap '"$U" -q clear 2>/dev/null; rm -rf "$work"' EXIT

live_tracefs
group_free "$T"
before=$(cat "$T/uprobe_events")
D="--debug-dir $B/debug"
# the lines of the program's local and of its inlined function, marked
src=$(dirname "$0")/../progs/dwtest.c
LL=$(grep -n 'L:local' "$src" | cut -d: -f1)

# last V EVENT: the fields of the last record of EVENT, "NAME=VALUE ..."
last() { grep " $1: " "$T/trace" | tail -n 1 | sed 's/.* '"$1"': ([^)]*) *//'; }
# a 7-bit field the kernel reads unsigned, as the program's signed int
sext7() { v=$1; [ "$v" -ge 64 ] && v=$((v - 128)); echo "$v"; }

variants=0
for dir in "$B"/*/; do
	v=$(basename "$dir")
	P=$B/$v/dwtest
	[ -x "$P" ] || continue
	variants=$((variants + 1))
	echo "== $v"
	# the program the board runs has no DWARF of its own
	readelf -SW "$P" | grep -q ' \.z*debug_info ' && ko "$v: dwtest has DWARF in it"
	echo >"$T/trace"

	# handle: every kind of field of its struct argument, by name
	check "$U" -q add $D -e h "$P" handle len=r-\>len path=r-\>path:string b=r-\>b \
		in_id=r-\>in.id flags=r-\>in.flags kind=r-\>in.kind delta=r-\>in.delta \
		'items_2_id=r->items[2].id' name=r-\>name color=r-\>color small=r-\>small \
		sh=r-\>sh n s=s:string
	# a line: the local computed on it, a global and a static
	if "$U" -q add $D -e l "$P" dwtest.c:$LL local dw_total dw_calls 2>"$work/err"; then
		ok
		has_local=1
	else
		# clang -O2 keeps local in a register only up to the first call:
		# refused, saying where it can be fetched, and nothing written
		check [ "$v" = clang-O2 ]
		check grep -q "'local' cannot be fetched at 0x[0-9a-f]*: .*(it can be at 0x" "$work/err"
		check [ "$(grep -c ' l ' "$T/uprobe_events")" = 0 ]
		check "$U" -q add $D -e l "$P" dwtest.c:$LL dw_total dw_calls
		has_local=0
	fi
	# scale, inlined into main twice (lines 100 and 101): one event per place
	# (-e names one event: they are named scale and scale_2)
	if "$U" -q add $D "$P" scale x 2>"$work/err"; then
		ok
		nsc=2
	else
		# clang -O2 computes the second place's x from a register or the frame
		check [ "$v" = clang-O2 ]
		check grep -q "'x' cannot be fetched at 0x[0-9a-f]*: a value .*computes* from" "$work/err"
		check [ "$(grep -c '^p:uprobectl/scale' "$T/uprobe_events")" = 0 ]
		pt=$("$U" resolve $D "$P" scale | sed -n 's/^point: *//p' | head -n 1)
		check "$U" -q add $D "$P" "$pt" x
		nsc=1
	fi
	check [ "$(grep -c '^p:uprobectl/scale\(_2\)* ' "$T/uprobe_events")" = $nsc ]
	# the static helpers of the two units, told apart by their file
	check "$U" -q add $D -e h1 "$P" helper@dwtest.c v
	check "$U" -q add $D -e h2 "$P" helper@dwtest2.c v
	check "$U" -q add $D "$P" many '$params'
	check "$U" -q enable
	"$P" 2 "$work/path-$v" world >"$work/out"
	check "$U" -q disable

	# round 2's handle line, as the kernel records it
	want=$(sed -n 's/^handle: len=\(.*\) path=\(".*"\) b=\(.*\) in_id=\(.*\) flags=\(.*\) kind=\(.*\) delta=\(.*\) items_2_id=\(.*\) name=\(".*"\) color=\(.*\) small=\(.*\) sh=\(.*\) n=\(.*\) s=\(".*"\)$/len=\1 path=\2 b=\3 in_id=\4 flags=\5 kind=\6 delta=\7 items_2_id=\8 name=\9 color=\10/p' "$work/out" | tail -n 1)
	got=$(last h)
	# (sed has nine groups: the rest compared one by one below)
	got_head=$(echo "$got" | sed 's/ small=.*//')
	d=$(echo "$got_head" | sed 's/.* delta=\([0-9]*\) .*/\1/')
	got_head=$(echo "$got_head" | sed "s/ delta=[0-9]* / delta=$(sext7 "$d") /")
	want_head=$(echo "$want" | sed 's/ color=.*//')
	[ -n "$want_head" ] && [ "$got_head" = "$want_head color=$(sed -n 's/^handle: .* color=\([0-9]*\) .*/\1/p' "$work/out" | tail -n 1)" ] &&
		ok || ko "$v: handle recorded '$got_head', the program printed '$want_head'"
	for f in small sh n; do
		w=$(sed -n "s/^handle: .* $f=\([-0-9]*\).*/\1/p" "$work/out" | tail -n 1)
		g=$(echo "$got" | sed -n "s/.* $f=\([-0-9]*\).*/\1/p")
		[ -n "$w" ] && [ "$g" = "$w" ] && ok || ko "$v: handle's $f recorded '$g', printed '$w'"
	done
	check [ "$(echo "$got" | sed 's/.* s=//')" = '"world"' ]

	w=$(grep '^local: ' "$work/out" | tail -n 1 | sed 's/^local: //')
	[ "$has_local" = 1 ] || w=$(echo "$w" | sed 's/^local=[-0-9]* //')
	# the line's probe fires before the printf: dw_calls and dw_total are
	# already the round's
	g=$(last l)
	[ -n "$w" ] && [ "$g" = "$w" ] && ok || ko "$v: line $LL recorded '$g', printed '$w'"

	# each place of scale with its own calls' x: line 100's first
	for n in $(seq 1 $nsc); do
		ev=scale
		[ $n = 2 ] && ev=scale_2
		w=$(grep '^scale: ' "$work/out" | awk -v n=$n 'NR % 2 == n % 2 { print $2 }' | tr '\n' ' ')
		got=$(grep " $ev: " "$T/trace" | sed 's/.*: ([^)]*) *//' | tr '\n' ' ')
		[ -n "$w" ] && [ "$got" = "$w" ] && ok || ko "$v: $ev recorded '$got', printed '$w'"
	done
	check [ "$(last h1)" = "$(grep '^helper: ' "$work/out" | tail -n 1 | sed 's/^helper: //')" ]
	check [ "$(last h2)" = "$(grep '^helper2: ' "$work/out" | tail -n 1 | sed 's/^helper2: //')" ]
	# all eight, those on the stack too (clang's DWARF has those two only
	# past its prologue: left out, said)
	w=$(grep '^many: ' "$work/out" | tail -n 1 | sed 's/^many: //')
	[ "$v" = clang-O2 ] && w=$(echo "$w" | sed 's/ g=.*//')
	check [ "$(last many)" = "$w" ]
	check [ "$(grep -c ' h1: ' "$T/trace")" = 2 ]
	check [ "$(grep -c ' h2: ' "$T/trace")" = 2 ]
	check "$U" -q clear
done
check [ "$variants" = 8 ]
P=$B/gcc-O2/dwtest

# what cannot be fetched is refused, with why, and nothing is written
# (exit 1 for a name that is not there, as for a symbol; 2 for one that is
# but cannot be fetched as asked)
refused() {	# STATUS WHAT-TO-FIND ARGS...
	want=$1 pat=$2
	shift 2
	"$U" add $D "$@" >"$work/out" 2>"$work/err"
	st=$?
	[ $st = "$want" ] && [ "$(wc -l <"$work/err")" = 1 ] && grep -q "$pat" "$work/err" && ok ||
		ko "add $* exited $st (not $want): $(cat "$work/err")"
	check [ "$(cat "$T/uprobe_events")" = "$before" ]
}
refused 1 "'r->kind': no field 'kind' there" "$P" handle r-\>kind
refused 2 "'r->items\[2\]' at 0x[0-9a-f]*: a structure: name one of its fields" "$P" handle 'r->items[2]'
refused 1 "'nosuch': no variable of that name is visible at 0x" "$P" handle nosuch
refused 2 "'k' cannot be fetched at 0x[0-9a-f]*: a value computed" "$P" scale k
refused 1 "dwtest.c:2000: no code at that line" "$P" dwtest.c:2000
refused 1 "no source file 'nosuchfile.c' in its DWARF" "$P" nosuchfile.c:10
# a return probe gets no source-level arguments (they are gone by then),
# and a function only inlined has no return of its own
refused 2 "" -r "$P" handle n
refused 2 "'scale' is only inlined (at 2 places), its code has no return" -r "$P" scale
# one place of several
pt=$("$U" resolve $D "$P" scale | sed -n 's/^point: *//p' | tail -n 1)
check [ -n "$pt" ]
check "$U" -q add $D -e one "$P" "$pt" x
check [ "$(grep -c '^p:uprobectl/one' "$T/uprobe_events")" = 1 ]
check "$U" -q clear

# the board: a probe file line made on the build host from the debug file,
# applied to the stripped program with no debug file at all
"$U" resolve $D --apply-line "$P" handle n len=r-\>len >"$work/conf"
check [ "$(grep -vc '^#' "$work/conf")" = 1 ]
check "$U" -q apply "$work/conf"
check "$U" -q enable
"$P" 1 x >"$work/out2"
check "$U" -q disable
check [ "$(last handle)" = "n=1 len=7" ]
check "$U" -q clear

# a probe file may name the source too, where the DWARF is at hand
printf '%s\n' "-e hs $P handle len=r->len" "$P dwtest.c:$LL local" >"$work/src.conf"
check "$U" -q apply $D "$work/src.conf"
check grep -q "^p:uprobectl/hs .* len=+0(%di):s64$" "$T/uprobe_events"
check grep -q "^p:uprobectl/handle_L$LL .* local=%bx:s32$" "$T/uprobe_events"
check "$U" -q apply --check $D "$work/src.conf"
check "$U" -q clear

# the answer commands take source arguments too: n and r->len of each call
"$U" count $D --by n "$P" handle n=n -- "$P" 3 x >"$work/count" 2>&1
check [ "$(awk '$1 ~ /^[123]$/ && $2 == 1' "$work/count" | wc -l)" = 3 ]
"$U" hist $D "$P" handle 'len=r->len' -- "$P" 3 x >"$work/hist" 2>&1
check grep -q '^len: 3 values' "$work/hist"
# (7, 14, 21: one in each of [4, 8), [8, 16) and [16, 32))
n=$(grep -c "^\[[0-9]*, [0-9]*) *1 " "$work/hist")
[ "$n" = 3 ] && ok || ko "hist of r->len: $n buckets of one value, not 3: $(cat "$work/hist")"

# vars: what the places of handle can fetch; lines: where probes go
"$U" vars $D "$P" handle >"$work/vars"
check grep -q '^  param  struct req \* *r  *%di$' "$work/vars"
check grep -q '^  local  int  *local  *-  not available at this address' "$work/vars"
"$U" vars $D --json "$P" scale >"$work/vars.json"
jq -se 'length == 2 and all(.[]; .function == "scale" and .inlined_in == "main" and
	any(.variables[]; .name == "x" and .fetch == "%si"))' "$work/vars.json" >/dev/null &&
	ok || ko "vars --json scale: not two places with x: $(cat "$work/vars.json")"
"$U" lines $D "$P" handle >"$work/lines"
check grep -q "^ *$LL  .*L:local" "$work/lines"

check [ "$(cat "$T/uprobe_events")" = "$before" ]
finish
