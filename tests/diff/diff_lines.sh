#!/bin/sh
# Differential test of the DWARF line programs: every row uprobectl's
# reader decodes (tests/diff/diff_lines.c: "LINE ADDRESS", "- ADDRESS" at
# the end of a sequence) against binutils' readelf --debug-dump=decodedline,
# for every ELF or debug file path read from stdin that has line tables
# (.debug_line, compressed or not). Fails when a file differs, when a
# --require FILE is not compared, or when the oracle said nothing.
#   find ... | diff_lines.sh DIFF_LINES [--require FILE]...
set -u
D=$1
shift
req=""
while [ $# -ge 2 ] && [ "$1" = --require ]; do
	req="$req $2"
	shift 2
done
files=0 rows=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while read -r f; do
	[ "$(head -c 4 "$f" 2>/dev/null | tr -d '\177')" = ELF ] || continue
	# (its section names say so: not asked of the oracle under test)
	LC_ALL=C grep -qa 'debug_line' "$f" || continue
	if ! "$D" "$f" 2>"$tmp/err" | grep -v '^UNIT' >"$tmp/ours"; then
		echo "FAIL $f: diff_lines: $(head -c 300 "$tmp/err")"
		failed=$((failed + 1))
		continue
	fi
	# readelf: "FILE LINE ADDRESS [VIEW] [x]" rows, "FILE - ADDRESS" ends
	readelf -wN --debug-dump=decodedline "$f" 2>/dev/null | awk '{
		for (i = 2; i <= NF; i++) if ($i ~ /^0x[0-9a-f]+$/) {
			l = $(i - 1)
			if (l ~ /^[0-9]+$/ || l == "-") {
				a = $i; sub(/^0x0*/, "0x", a); if (a == "0x") a = "0x0"; print l, a
			}
			break
		} }' >"$tmp/theirs"
	if [ ! -s "$tmp/theirs" ]; then
		echo "FAIL $f: readelf printed no rows (the oracle failed)"
		failed=$((failed + 1))
		continue
	fi
	if ! cmp -s "$tmp/ours" "$tmp/theirs"; then
		echo "FAIL $f: the rows differ from readelf's (ours <, readelf's >):"
		diff "$tmp/ours" "$tmp/theirs" | head -n 6
		failed=$((failed + 1))
		continue
	fi
	files=$((files + 1))
	rows=$((rows + $(wc -l <"$tmp/ours")))
	echo "$f" >>"$tmp/seen"
done
for r in $req; do
	grep -qxF "$r" "$tmp/seen" 2>/dev/null || { echo "FAIL $r: required, not compared"; failed=$((failed + 1)); }
done
echo "diff-lines: $files files, $rows rows the same as readelf's, $failed failed"
[ "$files" -gt 0 ] && [ "$failed" = 0 ]
