#!/bin/sh
# Differential test: the return instructions uprobectl finds in every
# function of each FILE (the decoder behind return probes on Go functions:
# x86's instruction lengths, the fixed-width and variable-width forms of
# the others) against binutils' objdump -d of the same file, address by
# address, over the functions decoded (those it cannot decode are counted,
# and must stay under --max-undecoded percent).
#   diff_returns.sh DIFF_RETURNS [--max-undecoded PCT] OBJDUMP:FILE...
set -u
D=$1
shift
maxu=1
if [ "${1:-}" = --max-undecoded ]; then
	maxu=$2
	shift 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0 total=0
for pair in "$@"; do
	od=${pair%%:*} f=${pair#*:}
	if ! command -v "$od" >/dev/null; then
		echo "FAIL $f: no $od, the oracle (cross binutils: toolchain/install-deps.sh test-foreign)"
		failed=$((failed + 1))
		continue
	fi
	if ! "$D" "$f" >"$work/ours" || [ ! -s "$work/ours" ]; then
		echo "FAIL $f: no functions read"
		failed=$((failed + 1))
		continue
	fi
	# objdump's returns: "  addr:<tab>...ret..." (ret, retq, repz ret,
	# bnd ret, ret $0x8, blr, jr ra, br %r14, jirl ...ra, bx lr)
	"$od" -d --no-show-raw-insn "$f" 2>/dev/null | awk -F'\t' '
		NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {
			a = $1; sub(/^ */, "", a); sub(/:$/, "", a); m = $2
			for (i = 3; i <= NF; i++) m = m " " $i
			sub(/ +(# |<|\/\/ |@ ).*$/, "", m)
			if (m ~ /^(rep[a-z]* |bnd |notrack )?ret[qlw]?( |$)/ || m ~ /^blr *$/ ||
			    m ~ /^jr[ \t]+ra$/ || m ~ /^ret *$/ ||
			    m ~ /^br[ \t]+%r14$/ || m ~ /^jirl[ \t]+\$?zero, *\$?ra, *0$/ ||
			    m ~ /^bx[ \t]+lr *$/ || m ~ /^pop[ \t]+\{pc\} *$/ || m ~ /^ldr[ \t]+pc, \[sp\], #[0-9]+ *$/ ||
			    m ~ /^mov[ \t]+pc, lr *$/)
				print a
		}' | sort -u >"$work/theirs"
	if [ ! -s "$work/theirs" ]; then
		echo "FAIL $f: $od found no return instruction in it (did it disassemble it?)"
		failed=$((failed + 1))
		continue
	fi
	awk -v theirs="$work/theirs" '
		function hex(s,   i, c, v) { v = 0; s = tolower(s)
			for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
			return v }
		BEGIN { while ((getline l < theirs) > 0) { t[hex(l)] = 1 } }
		{ nf++ }
		$3 == "?" { und++; next }
		{ a = hex($1); s = hex($2); lo[nf] = a; hi[nf] = a + s
		  for (i = 3; i <= NF; i++) { o[hex($i)] = 1; n++ } }
		END {
			bad = 0
			for (x in o) if (!(x in t)) { if (bad++ < 5) printf "  ours only: %x\n", x }
			for (x in t) { if (x in o) continue
				for (k in lo) if (x + 0 >= lo[k] && x + 0 < hi[k]) { if (bad++ < 10) printf "  objdump only: %x\n", x; break } }
			printf "%d functions, %d undecoded, %d returns, %d differ\n", nf, und, n, bad
			exit bad ? 1 : 0 }' "$work/ours" >"$work/res"
	st=$?
	und=$(awk '/functions,/ { print $3 }' "$work/res")
	nf=$(awk '/functions,/ { print $1 }' "$work/res")
	if [ $st != 0 ] || [ $((und * 100)) -gt $((maxu * nf)) ]; then
		echo "FAIL $f: $(tail -n 1 "$work/res")"
		head -n 10 "$work/res"
		failed=$((failed + 1))
	else
		echo "ok $f: $(tail -n 1 "$work/res")"
	fi
	total=$((total + 1))
done
echo "diff_returns: $total files compared with objdump; $failed failed"
[ "$failed" = 0 ] && [ "$total" -gt 0 ]
