#!/bin/sh
# Differential test: every C++ and Rust symbol name (_Z..., _R...,
# _GLOBAL__[DI]_...) of the ELF files whose paths come on stdin, from
# their symbol tables and dynamic symbol tables (binutils' nm, without
# versions), demangled by uprobectl (through DIFF_DEMANGLE) and by
# binutils' c++filt: every line must be the same. C++ names again without
# parameters, against c++filt -p (Rust's legacy names keep their hash
# there: the short form drops it). Each --require FILE must be among the
# files and give names.
#   find ... | diff_demangle.sh DIFF_DEMANGLE [--require FILE]...
set -u
D=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/req"
while [ $# -ge 2 ] && [ "$1" = --require ]; do
	echo "$2" >>"$work/req"
	shift 2
done
# nm -A: "FILE: NAME TYPE ..." (archives, "FILE[MEMBER]:", are left out)
tr '\n' '\0' | tee "$work/list" | xargs -0 -r nm -P -A -a --no-demangle 2>/dev/null >"$work/nm"
xargs -0 -r nm -P -A -D --no-demangle <"$work/list" 2>/dev/null >>"$work/nm"
awk -v names="$work/all" -v found="$work/found" '
	$1 ~ /\]:$/ { next }
	{ f = $1; sub(/:$/, "", f); n = $2; sub(/@.*/, "", n) }
	n ~ /^(_Z|_R|_GLOBAL__[DI]_)/ { print n > names; if (!(f in seen)) { seen[f] = 1; print f > found } }
' "$work/nm"
files=$(wc -l <"$work/found")
failed=0
while read -r r; do
	grep -qxF "$r" "$work/found" 2>/dev/null || {
		echo "FAIL: $r: no C++ or Rust names read (missing?)"
		failed=$((failed + 1))
	}
done <"$work/req"
sort -u "$work/all" >"$work/names"
# compare: the differing lines, mangled name first
compare() {	# compare WHAT NAMES OPTS...
	what=$1 names=$2
	shift 2
	"$D" "$@" <"$names" >"$work/ours" || { echo "FAIL: $D $*: exit $?"; return 1; }
	c++filt "$@" <"$names" >"$work/theirs"
	paste -d '\n' "$names" "$work/ours" "$work/theirs" | awk -v what="$what" '
		NR % 3 == 1 { m = $0 } NR % 3 == 2 { o = $0 }
		# the short form drops a legacy Rust hash, which c++filt -p keeps
		NR % 3 == 0 && what == "without parameters" && substr($0, 1, length(o)) == o &&
			substr($0, length(o) + 1) ~ /^::h[0-9a-f]+$/ { next }
		NR % 3 == 0 && o != $0 { n++; if (n <= 10) printf "FAIL %s: %s\n  ours:    %s\n  c++filt: %s\n", what, m, o, $0 }
		END { if (n > 10) printf "FAIL %s: %d more\n", what, n - 10; exit n > 0 }'
}
compare "demangled" "$work/names" || failed=$((failed + 1))
grep '^_Z' "$work/names" >"$work/cxx"
compare "without parameters" "$work/cxx" -p || failed=$((failed + 1))
total=$(wc -l <"$work/names")
cxx=$(wc -l <"$work/cxx")
legacy=$(grep -c '^_ZN.*17h[0-9a-f]\{16\}E' "$work/names")
v0=$(grep -c '^_R' "$work/names")
echo "diff_demangle: $total names of $files files (C++ $((cxx - legacy)), Rust legacy $legacy, Rust v0 $v0) compared with c++filt; $failed failed"
[ "$failed" = 0 ] && [ "$total" -gt 0 ]
