#!/bin/sh
# Differential test of fetch args by source name: for each function name
# read from stdin, the definitions uprobectl makes for 'NAME $params' at
# every place of it (tests/diff/diff_params.c) against perf probe -D for the
# same request: the places' file offsets, and every argument's location and
# type. perf is asked for batches of names, a batch it refuses halved until
# the names it cannot do are found: those are counted (listed with -v),
# not failures; a name perf does and uprobectl does not, or differently,
# fails. Where perf is known to differ, both are normalized first:
#  - perf types unsigned integers as hex (x64), uprobectl as decimal (u64,
#    the DWARF's encoding): both compared as x;
#  - perf leaves out what it finds only through the CFA (a parameter passed
#    on the stack, +8(%sp) at the entry; a frame base of DW_OP_call_frame_cfa
#    in the middle of a function, -1776(%bp)), and constants (\N): those of
#    uprobectl's that perf does not have are left out;
#  - perf fetches what uprobectl refuses, wrongly: the first register of a
#    value in pieces (a structure passed in two), a value computed from a
#    register (DW_OP_bregN K; DW_OP_stack_value) as memory at reg+K, an
#    entry value or implicit pointer as a symbol (@NAME+0): perf's argument
#    of a name uprobectl says why it refuses is left out (never one it says
#    is optimized out where perf finds it: that fails);
#  - perf names a static location by a symbol (@stdin+0 even @__fp+0 for a
#    parameter kept in a global), uprobectl by its file offset (@+0x1db468):
#    not compared (the live test checks static variables by value);
#  - perf adds the parameters of a function inlined at the very first
#    instruction (and a name twice): perf's arguments that are no parameter
#    of the function are left out;
#  - the group, event names and order of places differ: compared are
#    "PATH:0xOFFSET ARGS" as sorted sets per batch.
#   ... | diff_params.sh DIFF_PARAMS FILE [--min N] [-v]
set -u
D=$1 F=$2
shift 2
min=1 verbose=0
while [ $# -gt 0 ]; do
	case $1 in
	--min) min=$2; shift ;;
	-v) verbose=1 ;;
	esac
	shift
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sort -u >"$tmp/names"
# ours, all at once: "NAME<TAB>PATH:0xOFF ARGS<TAB>PARAMS" or "NAME<TAB>-"
"$D" "$F" <"$tmp/names" >"$tmp/ours" || { echo "FAIL: diff_params failed on $F"; exit 1; }

# normalize OURS-LINES PERF-LINES: both as "PATH:0xOFF ARGS", sorted, into
# $b.mine and $b.theirs
normalize() {
	# three passes: ours (what each place's parameters are), perf's
	# (normalized), ours again (normalized)
	awk -F '\t' -v mine="$1.mine" -v theirs="$1.theirs" '
	FNR == 1 { phase++ }
	phase == 1 && $2 != "-" {
		split($2, w, " ")
		key = w[1]
		n = split($3, ps, " ")
		for (i = 1; i <= n; i++) {
			nm = ps[i]; sub(/:.*/, "", nm)
			param[key, nm] = 1
			if (ps[i] ~ /:/ && ps[i] !~ /:(not available|optimized out)/)
				refused[key, nm] = 1
		}
		nparams[key] = n
		next
	}
	phase == 2 && /^[pr]:/ {
		sub(/^[^ ]* /, "")
		sub(/ *$/, "")
		m = split($0, a, " ")
		key = a[1]
		out = key
		delete seen
		for (i = 2; i <= m; i++) {
			nm = a[i]; sub(/=.*/, "", nm)
			if ((key, nm) in refused || (nparams[key] && !((key, nm) in param)) || nm in seen)
				continue
			seen[nm] = 1
			perfarg[key, nm] = 1
			if (a[i] ~ /=@[A-Za-z_]/) {
				symbolic[key, nm] = 1
				continue
			}
			out = out " " a[i]
		}
		print out > theirs
		next
	}
	phase == 3 && $2 != "-" {
		m = split($2, a, " ")
		key = a[1]
		out = key
		for (i = 2; i <= m; i++) {
			nm = a[i]; sub(/=.*/, "", nm)
			if ((a[i] ~ /\((%sp|%bp)\):/ && !((key, nm) in perfarg)) || a[i] ~ /=\\/ ||
			    (key, nm) in symbolic)
				continue
			if (a[i] ~ /:u(8|16|32|64)$/)
				sub(/:u/, ":x", a[i])
			out = out " " a[i]
		}
		print out > mine
	}' "$2" "$3" "$2" || { echo "FAIL: the normalizing awk failed"; exit 1; }
	sort -o "$1.mine" "$1.mine" 2>/dev/null || : >"$1.mine"
	sort -o "$1.theirs" "$1.theirs" 2>/dev/null || : >"$1.theirs"
}
same=0 differ=0 perf_no=0 ours_no=0

# batch NAMES-FILE: compare one batch; a batch perf refuses, or one
# differing, is halved into the queue
batch() {
	b=$1
	n=$(wc -l <"$b")
	[ "$n" -gt 0 ] || return 0
	set --
	while read -r name; do set -- "$@" -D "$name \$params"; done <"$b"
	if perf probe -x "$F" "$@" >"$b.perf" 2>"$b.err"; then
		awk -F '\t' 'NR == FNR { want[$0] = 1; next } $1 in want' "$b" "$tmp/ours" >"$b.ours"
		: >"$b.mine"
		: >"$b.theirs"
		normalize "$b" "$b.ours" "$b.perf"
		if cmp -s "$b.mine" "$b.theirs"; then
			same=$((same + n))
			return 0
		fi
		if [ "$n" = 1 ]; then
			if grep -q "^$(cat "$b")	-$" "$tmp/ours"; then
				echo "FAIL $(cat "$b"): perf probes it, uprobectl does not:"
				ours_no=$((ours_no + 1))
			else
				echo "FAIL $(cat "$b"): differs from perf (uprobectl <, perf >):"
				differ=$((differ + 1))
			fi
			diff "$b.mine" "$b.theirs" | grep '^[<>]' | head -n 8
			return 0
		fi
	elif [ "$n" = 1 ]; then
		perf_no=$((perf_no + 1))
		[ $verbose = 0 ] || echo "perf cannot: $(cat "$b"): $(grep -m1 . "$b.err")"
		return 0
	fi
	h=$((n / 2))
	head -n $h "$b" >"$b.a"
	tail -n +$((h + 1)) "$b" >"$b.b"
	echo "$b.a" >>"$tmp/queue"
	echo "$b.b" >>"$tmp/queue"
}
# (a function without parameters has nothing to compare: perf refuses it)
awk -F '\t' '$2 == "-" || $3 ~ /[^ ]/ { print $1 }' "$tmp/ours" | sort -u >"$tmp/asked"
noparams=$(($(wc -l <"$tmp/names") - $(wc -l <"$tmp/asked")))
split -l 40 "$tmp/asked" "$tmp/batch."
ls "$tmp"/batch.?? >"$tmp/queue"
i=1
while b=$(sed -n "${i}p" "$tmp/queue") && [ -n "$b" ]; do
	batch "$b"
	i=$((i + 1))
done
echo "diff-params $F: $same names the same as perf probe's, $differ different," \
	"$ours_no that uprobectl cannot do, $perf_no that perf cannot ($noparams without parameters)"
[ "$differ" = 0 ] && [ "$ours_no" = 0 ] && [ "$same" -ge "$min" ]
