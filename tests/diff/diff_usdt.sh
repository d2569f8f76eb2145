#!/bin/sh
# Differential test: the USDT notes uprobectl reads (syms --usdt --json)
# against binutils' readelf -n, note by note (provider, name, location,
# base, semaphore, argument specs, in file order), for every ELF path read
# from stdin that has a .note.stapsdt section; and the semaphore's file
# offset against readelf's program headers.
#   find ... | diff_usdt.sh UPROBECTL [--require FILE]...
set -u
U=$1
shift
req=""
while [ $# -ge 2 ] && [ "$1" = --require ]; do
	req="$req $2"
	shift 2
done
files=0 notes=0 failed=0
seen=$(mktemp)
trap 'rm -f "$seen" "$seen.list" "$seen.r" "$seen.u"' EXIT
# the files whose section names hold .note.stapsdt (one grep over all of
# them: cheap, and not ours), then ELF programs and libraries only
tr '\n' '\0' | xargs -0 -r grep -laF .note.stapsdt >"$seen.list" 2>/dev/null
while read -r f; do
	# e_type in either byte order: 2 or 3, not 1 (relocatable objects)
	[ "$(head -c 4 "$f" 2>/dev/null | tr -d '\177')" = ELF ] || continue
	t=$(od -An -tu1 -j16 -N2 "$f" | awk '{ print $1 + $2 }')
	[ "$t" = 2 ] || [ "$t" = 3 ] || continue
	grep -qaF .note.stapsdt "$f" 2>/dev/null || continue
	readelf -SW "$f" 2>/dev/null | grep -q ' \.note\.stapsdt ' || continue
	readelf -nW "$f" 2>/dev/null | awk '
		/Provider: / { p = $NF }
		/^ *Name: / { n = $2 }
		/^ *Location: / { loc = $2; base = $4; sema = $6; sub(/,$/, "", loc); sub(/,$/, "", base) }
		/^ *Arguments:/ { a = $0; sub(/^ *Arguments: ?/, "", a)
			printf "%s:%s %s %s %s %s\n", p, n, loc, base, sema, a }
	' 2>/dev/null | while read -r pn loc base sema args; do
		printf '%s %d %d %d %s\n' "$pn" "$loc" "$base" "$sema" "$args"
	done >"$seen.r"
	if ! "$U" syms --usdt --json "$f" >"$seen.u" 2>&1; then
		echo "FAIL $f: syms --usdt: $(head -c 300 "$seen.u")"
		failed=$((failed + 1))
		continue
	fi
	jq -r '.[] | "\(.provider):\(.name) \(.note_address) \(.note_base) \(.semaphore // 0) \(.args)"' \
		"$seen.u" >"$seen.u.txt"
	if ! cmp -s "$seen.r" "$seen.u.txt"; then
		echo "FAIL $f: notes differ from readelf -n:"
		diff "$seen.r" "$seen.u.txt" | head -n 6
		failed=$((failed + 1))
	fi
	rm -f "$seen.u.txt"
	files=$((files + 1))
	notes=$((notes + $(wc -l <"$seen.r")))
	echo "$f" >>"$seen"
done <"$seen.list"
for r in $req; do
	grep -qx "$r" "$seen" || { echo "FAIL $r: required but not compared (no notes?)"; failed=$((failed + 1)); }
done
echo "diff_usdt: $files files, $notes USDT notes compared with readelf -n; $failed files differ"
[ "$files" -gt 0 ] && [ "$notes" -gt 0 ] && [ "$failed" = 0 ]
