#!/bin/sh
# dwtest-build.sh OUT: tests/progs/dwtest.c (with dwtest2.c) built as
# users' programs come, each in OUT/VARIANT/: dwtest stripped of its DWARF
# (what a board runs), dwtest.full as linked (perf probe's input; not for
# the dwz pair), and its
# debug file by build-id under OUT/debug/.build-id/ (what --debug-dir
# finds). The variants: gcc -O0 and -O2 and clang -O2 in DWARF 5, gcc -O2 in
# DWARF 4, gcc -O2 with zlib-compressed sections (SHF_COMPRESSED) and with
# .zdebug ones, and two programs whose debug files share a dwz file
# (.gnu_debugaltlink, the alternate forms) as Debian's do.
set -eu
out=$1
src=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/debug"
out=$(cd "$out" && pwd)

# split V: OUT/V/dwtest.full into OUT/V/dwtest and its debug file
split() {
	d=$out/$1
	id=$(readelf -n "$d/dwtest.full" | sed -n 's/^ *Build ID: *//p')
	[ -n "$id" ] || { echo "dwtest-build: $1 has no build-id" >&2; exit 1; }
	mkdir -p "$out/debug/.build-id/$(echo "$id" | cut -c1-2)"
	dbg=$out/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug
	objcopy --only-keep-debug "$d/dwtest.full" "$dbg"
	objcopy --strip-debug "$d/dwtest.full" "$d/dwtest"
}

build() {	# VARIANT CC FLAGS...
	v=$1 cc=$2
	shift 2
	mkdir -p "$out/$v"
	$cc -g -Wl,--build-id "$@" -o "$out/$v/dwtest.full" "$src/dwtest.c" "$src/dwtest2.c"
	split "$v"
}

build gcc-O0 gcc -O0
build gcc-O2 gcc -O2
build clang-O2 clang -O2
build gcc-O2-dwarf4 gcc -O2 -gdwarf-4
build gcc-O2-gz gcc -O2 -gz=zlib
build gcc-O2-zdebug gcc -O2 -gz=zlib-gnu
# two programs' debug files, their common DWARF moved to one dwz file
command -v dwz >/dev/null || { echo "dwtest-build: no dwz (apt-get install dwz)" >&2; exit 1; }
{
	mkdir -p "$out/gcc-O2-dwz" "$out/gcc-O0-dwz" "$out/debug/.dwz"
	# (md5 build-ids: not the sha1 ones of gcc-O2 and gcc-O0, same code)
	gcc -g -O2 -Wl,--build-id=md5 -o "$out/gcc-O2-dwz/dwtest.full" "$src/dwtest.c" "$src/dwtest2.c"
	gcc -g -O0 -Wl,--build-id=md5 -o "$out/gcc-O0-dwz/dwtest.full" "$src/dwtest.c" "$src/dwtest2.c"
	cp "$out/gcc-O2-dwz/dwtest.full" "$out/gcc-O2-dwz/dwz.tmp"
	cp "$out/gcc-O0-dwz/dwtest.full" "$out/gcc-O0-dwz/dwz.tmp"
	# the link relative to the debug files, as they end up in .build-id/xx/
	dwz -m "$out/debug/.dwz/dwtest.debug" -M ../../.dwz/dwtest.debug \
		"$out/gcc-O2-dwz/dwz.tmp" "$out/gcc-O0-dwz/dwz.tmp"
	for v in gcc-O2-dwz gcc-O0-dwz; do
		readelf -SW "$out/$v/dwz.tmp" | grep -q gnu_debugaltlink ||
			{ echo "dwtest-build: dwz made no .gnu_debugaltlink for $v" >&2; exit 1; }
		mv "$out/$v/dwz.tmp" "$out/$v/dwtest.full"
		split "$v"
		rm "$out/$v/dwtest.full"	# (its link is relative to its debug file)
	done
}
