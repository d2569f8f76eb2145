#!/bin/sh
# CLI tests: exit statuses, one-line errors, JSON validity, and offsets
# checked against readelf (an independent oracle), on the fixtures of every
# architecture.
#   test_cli.sh UPROBECTL FIXTURES_DIR
set -u
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
pass=0
fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; echo "  stdout: $(head -c 600 "$out")"; echo "  stderr: $(head -c 600 "$err")"; }

# run STATUS CMD...: run the command, expect that exit status
run() {
	status=$1
	shift
	"$@" >"$out" 2>"$err"
	got=$?
	if [ "$got" = "$status" ]; then ok; else ko "exit $got, want $status: $*"; fi
}
has_out() { if grep -qF -- "$1" "$out"; then ok; else ko "stdout lacks '$1'"; fi; }
has_err() { if grep -qF -- "$1" "$err"; then ok; else ko "stderr lacks '$1'"; fi; }
one_err_line() { if [ "$(wc -l <"$err")" -eq 1 ]; then ok; else ko "stderr is not one line"; fi; }
json_ok() { if jq -e "$1" "$out" >/dev/null 2>&1; then ok; else ko "JSON check failed: $1"; fi; }
# json_each FILTER: over a stream of objects, FILTER gives at least one
# result and every result is true (jq -e alone judges the last input only)
json_each() { if jq -e -s "[.[] | $1] | length > 0 and all" "$out" >/dev/null 2>&1; then ok; else ko "JSON check failed: $1"; fi; }

# readelf_off FILE SYMBOL: the file offset of SYMBOL per readelf, decimal
readelf_off() {
	val=$(readelf -sW "$1" | awk -v s="$2" '($4 == "FUNC" || $4 == "IFUNC") && $7 != "UND" { n = $8; sub(/@.*/, "", n); if (n == s) { print $2; exit } }')
	[ -n "$val" ] || { echo "none"; return; }
	readelf -lW "$1" | while read -r t o v p fs ms rest; do
		[ "$t" = LOAD ] || continue
		case "$rest" in *E*) ;; *) continue ;; esac
		if [ $((0x$val)) -ge $((v)) ] && [ $((0x$val)) -lt $((v + fs)) ]; then
			echo $((0x$val - v + o))
		fi
	done
}

# --- the command line itself
run 0 "$U" --version
has_out "uprobectl "
run 0 "$U" --help
has_out "syms"
has_out "resolve"
has_out "Exit status"
run 2 "$U"
run 2 "$U" frobnicate
one_err_line
has_err "unknown command 'frobnicate'"
run 2 "$U" --bogus
run 0 "$U" resolve --help
has_out "NAME@@VER"
run 0 "$U" syms --help
run 2 "$U" resolve "$FX/host/pie"
one_err_line
has_err "expected FILE SYMBOL"
run 2 "$U" resolve --args x "$FX/host/pie" main
run 2 "$U" syms --frob "$FX/host/pie"

# --- offsets against readelf, every architecture
for a in host aarch64 armhf riscv64; do
	for f in pie nopie libfx.so; do
		sym=fx_global
		[ "$f" = libfx.so ] && sym=fx_lib_func
		want=$(readelf_off "$FX/$a/$f" "$sym")
		run 0 "$U" resolve --json "$FX/$a/$f" "$sym"
		json_ok ".offset == $want"
		json_ok ".file == \"$FX/$a/$f\" and .symbol == \"$sym\""
	done
done
run 0 "$U" resolve --json "$FX/aarch64/pie" fx_global
json_ok '.arch == "aarch64"'
json_ok '.definition | test("^p:uprobectl/fx_global /.*/aarch64/pie:0x[0-9a-f]+ arg1=%x0 arg2=%x1 arg3=%x2 arg4=%x3 ra=%x30$")'
run 0 "$U" resolve --json "$FX/armhf/pie" fx_global
json_ok '.definition | test(" arg1=%r0 arg2=%r1 arg3=%r2 arg4=%r3 ra=%lr$")'
run 0 "$U" resolve --json "$FX/riscv64/pie" fx_global
json_ok '.definition | test(" arg1=%a0 arg2=%a1 arg3=%a2 arg4=%a3 ra=%ra$")'
run 0 "$U" resolve --json "$FX/host/pie" fx_global
json_ok '.definition | test(" arg1=%di arg2=%si arg3=%dx arg4=%cx ra=\\+0\\(%sp\\)$")'
run 0 "$U" resolve -q -r -g grp -e ev --args 2 "$FX/aarch64/pie" fx_global
has_out "r:grp/ev $FX/aarch64/pie:0x"
has_out " ret=\$retval"
run 0 "$U" resolve -q --args 6 "$FX/aarch64/pie" fx_global
has_out " arg5=%x4 arg6=%x5 ra=%x30"
# options anywhere before "--" (the GNU convention), the same definition;
# a word "-DIGIT..." is a fetch arg (a negative offset), not an option
run 0 "$U" resolve "$FX/aarch64/pie" fx_global -q --args 6
has_out " arg5=%x4 arg6=%x5 ra=%x30"
run 0 "$U" resolve "$FX/aarch64/pie" -g grp fx_global -e ev -r -q
has_out "r:grp/ev $FX/aarch64/pie:0x"
run 0 "$U" resolve "$FX/aarch64/pie" fx_global '-8(%sp)' --json 'x=-16(%x29):s32'
json_ok '.definition | endswith(" -8(%sp) x=-16(%x29):s32")'
run 2 "$U" resolve "$FX/aarch64/pie" fx_global --bogus
run 0 "$U" syms "$FX/host/pie" 'fx_glo*' --json
json_ok '[.[].name] == ["fx_global"]'

# a relative path is refused as add refuses it, naming the absolute one
(cd "$FX/host" && "$U" resolve -q pie main) >"$out" 2>"$err" && ko "relative path taken" || ok
one_err_line
has_err "must be absolute"
has_err "; use $(cd "$FX/host" && pwd -P)/pie"

# --- refusals: one line, the right status
run 2 "$U" resolve "$FX/host/pie" fx_dup
one_err_line
has_err "fx_dup_a.c"
has_err "fx_dup_b.c"
has_err "pick one as fx_dup@0x"
run 1 "$U" resolve "$FX/host/pie" malloc
one_err_line
has_err "imported from libc.so.6"
run 2 "$U" resolve "$FX/armhf/thumb" fx_global
one_err_line
has_err "Thumb"
run 2 "$U" resolve "$FX/host/pie" fx_global+4096
has_err "outside"
run 2 "$U" resolve /nonexistent/prog main
one_err_line
has_err "No such file"
run 2 "$U" resolve "$FX/host/fx_main.c.none" main
run 1 "$U" resolve /etc/passwd main
has_err "not an ELF file"
run 2 "$U" resolve -e "bad name" "$FX/host/pie" main
has_err "event 'bad name'"
run 2 "$U" resolve -g "bad#grp" "$FX/host/pie" main
run 1 "$U" resolve "$FX/host/nopie-stripped" fx_local
has_err "stripped"
run 0 "$U" resolve --debug-dir "$FX/host/debug" "$FX/host/nopie-stripped" fx_local
run 0 "$U" resolve --sysroot "$FX/aarch64" --json /pie-stripped fx_local
json_ok '.file == "/pie-stripped"'
json_ok ".offset == $(readelf_off "$FX/aarch64/pie" fx_local)"
run 2 "$U" resolve --json /nonexistent main
json_ok '.error | test("No such file")'

# --- syms
run 0 "$U" syms --json "$FX/host/libfx.so"
json_ok 'length > 3'
json_ok 'map(select(.name == "fx_ver" and .version == "VER_1" and .default_version == false)) | length == 1'
json_ok 'map(select(.name == "fx_ver" and .version == "VER_2" and .default_version == true)) | length == 1'
json_ok "map(select(.name == \"fx_lib_func\"))[0].offset == $(readelf_off "$FX/host/libfx.so" fx_lib_func)"
run 0 "$U" syms "$FX/armhf/thumb" 'fx_g*'
has_out "THUMB"
run 0 "$U" syms "$FX/host/pie" 'fx_dup'
has_out "fx_dup"
[ "$(grep -c ' fx_dup$' "$out")" -eq 2 ] && ok || ko "two fx_dup lines expected"
# shell patterns: classes, negation, ranges, ?, escapes
globbed() { "$U" -q syms "$FX/host/pie" "$1" | awk '{ print $6 }' | sort -u | tr '\n' ' '; }
[ "$(globbed 'fx_[!a-f]*')" = "fx_global fx_ifunc fx_ifunc_resolver fx_local " ] && ok || ko "glob [!a-f]"
[ "$(globbed 'fx_g?obal')" = "fx_global " ] && ok || ko "glob ?"
[ "$(globbed 'f*_*l')" = "fx_dup_a_call fx_dup_b_call fx_global fx_local " ] && ok || ko "glob *"
[ "$(globbed '\fx_[a-a]lias')" = "fx_alias " ] && ok || ko "glob escape and range"
run 1 "$U" syms "$FX/host/pie" '[x'
run 1 "$U" syms "$FX/host/pie" 'no_such_*'
run 1 "$U" syms --json "$FX/host/pie" 'no_such_*'
json_ok 'length == 0'
# one corrupt symbol name: JSON readers get the error alone, one document
bad=$(mktemp)
cp "$FX/host/pie" "$bad"
symoff=$(readelf -SW "$bad" | sed -n 's/.*] \.symtab *SYMTAB *[0-9a-f]* \([0-9a-f]*\) .*/\1/p')
mainno=$(readelf -sW "$bad" | awk '/Symbol table .\.symtab./ { t = 1 } t && $8 == "main" { sub(":", "", $1); print $1; exit }')
printf '\377\377\377\177' | dd of="$bad" bs=1 seek=$((0x$symoff + mainno * 24)) conv=notrunc 2>/dev/null
run 2 "$U" syms --json "$bad"
if [ "$(jq -s 'length' "$out")" = 1 ]; then ok; else ko "syms --json: not one JSON document"; fi
json_ok '.error | test("outside its string table")'
run 2 "$U" syms "$bad"
one_err_line
rm -f "$bad"
# MiniDebugInfo is named when it is why a function cannot be found
run 1 "$U" resolve "$FX/host/pie-minidebug" fx_local
has_err "MiniDebugInfo (.gnu_debugdata"
one_err_line
run 0 "$U" syms -q "$FX/host/pie" main
if grep -q ADDRESS "$out"; then ko "-q keeps the header"; else ok; fi

# --- parse: saved trace text into records
SEEDS=$(dirname "$0")/../fuzz/record-seeds/trace.txt
run 0 "$U" parse --json "$SEEDS"
json_ok 'true'
if [ "$(jq -s 'length' "$out")" -gt 10 ]; then ok; else ko "too few records"; fi
json_each 'select(.kind == "entry" and .event == "rep") | .args.msg == "Operation not permitted" and .args.ch == "O" and .args.arr == [79,112,101,114] and .types.arr == "array"'
json_each 'select(.kind == "return" and .event == "exit" and .pid == 11693) | .args.ret == -54 and .ret_to == "0x401200" and .func == "0x401166"'
json_each 'select(.kind == "entry" and .event == "entry") | .args.us == null and .types.us == "fault" and .args.s == "hello world"'
json_each 'select(.kind == "lost") | .cpu == 0 and .lost == 4590'
json_each 'select(.pid == 12048) | .kind == "stack" and .stack == ["/path/prog_nopie[+0x166]", "<00007f947fd2e24a>"]'
json_each 'select(.pid == 21357 and .event == "rep") | .stack | length == 3'
json_each 'select(.pid == 11952) | .tgid == 11952'
# every line is accounted for, nothing silently dropped: each frame line is
# in a record's stack, every other line is a record of its own
frames=$(grep -c '^ =>' "$SEEDS")
stacks=$(grep -c '<user stack trace>' "$SEEDS")
standalone=$(jq -s '[.[] | select(.kind == "stack")] | length' "$out")
[ "$(jq -s '[.[] | .stack // [] | length] | add' "$out")" = "$frames" ] && ok || ko "frames lost"
[ "$(jq -s 'length' "$out")" = "$(($(grep -c . "$SEEDS") - frames - stacks + standalone))" ] && ok || ko "records lost"
printf 'garbage line\nCPU:1 [LOST EVENTS]\n' | "$U" parse --json >"$out" 2>"$err"
json_each 'select(.kind == "other") | .raw == "garbage line"'
# quote, backslash and a tab inside a string: escaped in JSON, kept exact
printf 'p-1 [000] ..... 1.0: e: (0x10) s="a\\b\tc\\"d"\n' | "$U" parse --json >"$out" 2>"$err"
json_ok '.args.s == "a\\b\tc\\\"d"'
# a timestamp is a JSON number only when it is one; otherwise a string
for ts in 1.2.3 00012.5 12. 000 01; do
	printf 'p-1 [000] ..... %s: e: (0x10) a=1\n' "$ts" | "$U" parse --json >"$out" 2>"$err"
	json_ok ".ts == \"$ts\""
done
printf 'p-1 [000] ..... 0.5: e: (0x10) a=-01 b=-0 c=-12\n' | "$U" parse --json >"$out" 2>"$err"
json_ok '.ts == 0.5 and .args.a == "-01" and .args.b == 0 and .args.c == -12'
# bytes that are not UTF-8 are escaped one by one, valid UTF-8 is kept
printf 'p\377-1 [000] ..... 1.0: e: (0x10) s="\377\303\251\355\240\200x"\n' |
	"$U" parse --json >"$out" 2>"$err"
json_ok '.comm == "p\u00ff" and .args.s == "\u00ffé\u00ed\u00a0\u0080x"'
# a comma inside a quoted array element does not split it
printf 'p-1 [000] ..... 1.0: e: (0x10) a={"x,y","z"} b={1,-2}\n' | "$U" parse --json >"$out" 2>"$err"
json_ok '.args.a == ["x,y","z"] and .args.b == [1,-2]'
# what the parser cannot take is kept, never dropped
i=0 line='p-1 [000] ..... 1.0: e: (0x10)'
while [ $i -lt 130 ]; do line="$line a$i=$i"; i=$((i + 1)); done
echo "$line" | "$U" parse --json >"$out" 2>"$err"
json_ok '(.args | length) == 128 and .unparsed == "a128=128 a129=129"'
echo "$line" | "$U" parse >"$out" 2>"$err"
has_out "a127=127 a128=128 a129=129"
printf 'p-1 [000] ..... 1.0: e: (0x10) a=1 !junk b=2\n' | "$U" parse --json >"$out" 2>"$err"
json_ok '.args == {"a":1} and .unparsed == "!junk b=2"'
run 0 "$U" parse "$SEEDS"
has_out "registers[7694] wrapper_entry arg1=0x1"
has_out "    => <00007f947fd2e24a>"
has_out "*** CPU 0: lost 4590 events ***"
run 1 "$U" parse /nonexistent
run 2 "$U" parse a b
# a trace with no stack in it gets none: the frames a record itself gives
# (its address, where it returned to) are for --stack on a kernel that
# records no stacks, never invented in a saved trace
printf '%s\n' 'p-1 [000] ..... 1.0: e: (0x10) a=1 ra=0x20' 'p-1 [000] ..... 1.5: r: (0x30 <- 0x10) ret=0' |
	"$U" parse >"$out" 2>"$err"
[ "$(wc -l <"$out")" = 2 ] && ! grep -q '=>' "$out" && ok || ko "frames made up: $(cat "$out")"
printf '%s\n' 'p-1 [000] ..... 1.0: e: (0x10) a=1 ra=0x20' 'p-1 [000] ..... 1.5: r: (0x30 <- 0x10) ret=0' |
	"$U" parse --json >"$out" 2>"$err"
json_each 'has("stack") | not'

# --- files by name: libraries as the dynamic linker finds them, programs
# through PATH; compared with ldconfig -p and with what a running process
# of each C library really maps
maps_of() {	# maps_of PROGRAM LIBRE: the path of the library a running PROGRAM maps
	"$1" 2 &
	p=$!
	sleep 0.5
	m=$(awk -v re="$2" '$6 ~ re { print $6; exit }' /proc/$p/maps)
	kill $p 2>/dev/null
	wait $p 2>/dev/null
	realpath "$m"
}
file_of() { jq -r .file "$out" | xargs realpath; }
run 0 "$U" resolve --json libc malloc
libc=$(file_of)
[ "$libc" = "$(maps_of sleep '/libc[.]so[.]6$')" ] && ok || ko "libc is $libc, not what sleep maps"
cache=$(ldconfig -p | awk -v m="$(uname -m | sed 's/_/-/')" '$1 == "libc.so.6" && index($0, m) { print $NF; exit }')
[ -n "$cache" ] && [ "$libc" = "$(realpath "$cache")" ] && ok || ko "libc is $libc, ldconfig -p says $cache"
# another machine's libc of the same name (multilib) is never taken
for other in $(ldconfig -p | awk '$1 == "libc.so.6" { print $NF }'); do
	[ "$(realpath "$other")" = "$libc" ] || [ "$(readelf -h "$other" | awk '/Machine/')" != "$(readelf -h "$libc" | awk '/Machine/')" ] && ok ||
		ko "two libc.so.6 of one machine: $other and $libc"
done
run 0 "$U" resolve --json libc.so.6 free
[ "$(file_of)" = "$libc" ] && ok || ko "libc.so.6 is $(file_of), libc $libc"
run 0 "$U" -v resolve bash readline
has_err "debug: bash is "
has_err "(found through PATH)"
run 0 "$U" syms libm 'sin'
has_out "sin@@GLIBC"
run 2 "$U" resolve libnosuchlib malloc
one_err_line
has_err "libnosuchlib: no such library"
run 2 "$U" resolve nosuchprogram main
has_err "no such program in PATH"
# musl's: its loader's path file (libc.so is not in glibc's cache)
if command -v musl-gcc >/dev/null; then
	printf '#include <unistd.h>\nint main(void) { sleep(2); return 0; }\n' >"$out.c"
	musl-gcc -o "$out.musl" "$out.c"
	run 0 "$U" resolve --json libc.so malloc
	[ "$(file_of)" = "$(maps_of "$out.musl" 'libc[.]so$')" ] && ok ||
		ko "musl's libc.so is $(file_of), not what a musl program maps"
	rm -f "$out.c" "$out.musl"
else
	ko "musl-gcc is not installed (musl-tools)"
fi

# --- by source, from the fixtures' DWARF, for each architecture: the
# parameters of fx_global(int a, int b) are where its ABI passes them
for a in host aarch64 armhf riscv64; do
	case $a in
	host) r0=%di r1=%si ;;
	aarch64) r0=%x0 r1=%x1 ;;
	armhf) r0=%r0 r1=%r1 ;;
	riscv64) r0=%a0 r1=%a1 ;;
	esac
	run 0 "$U" vars --json "$FX/$a/pie" fx_global
	json_ok '.function == "fx_global" and .line == 13 and (.source | endswith("fx_main.c"))'
	json_ok "[.variables[] | {name, kind, type, fetch}] == [{\"name\": \"a\", \"kind\": \"param\", \"type\": \"int\", \"fetch\": \"$r0\"}, {\"name\": \"b\", \"kind\": \"param\", \"type\": \"int\", \"fetch\": \"$r1\"}]"
	[ "$(jq .offset "$out")" = "$(readelf_off "$FX/$a/pie" fx_global)" ] && ok ||
		ko "$a: vars says fx_global at offset $(jq .offset "$out"), readelf $(readelf_off "$FX/$a/pie" fx_global)"
	run 0 "$U" resolve -q "$FX/$a/pie" fx_global b prod=a
	has_out " b=$r1:s32 prod=$r0:s32"
done
# a debug file found by build-id (--debug-dir) for a stripped program
run 0 "$U" resolve -q --debug-dir "$FX/host/debug" "$FX/host/pie-stripped" fx_global a
has_out " a=%di:s32"
run 1 "$U" vars --no-debug-file "$FX/host/pie-stripped" fx_global
one_err_line
has_err "no DWARF (.debug_info) in it and no debug file was found: build with -g"
run 1 "$U" vars "$FX/host/pie" nosuch
one_err_line
has_err "no function 'nosuch' in its DWARF"
run 1 "$U" resolve "$FX/host/pie" fx_global nosuch
one_err_line
has_err "'nosuch': no variable of that name is visible at 0x"
run 2 "$U" resolve "$FX/host/pie" fx_global 'a->x'
one_err_line
run 2 "$U" resolve -r "$FX/host/pie" fx_global a
one_err_line
run 2 "$U" lines "$FX/host/pie"
one_err_line
# split DWARF (its .dwo files beside): refused by name, in DWARF 5 and GNU's 4
sd=$(mktemp -d)
printf 'int f(int a) { return a * 2; }\nint main(int c, char **v) { (void)v; return f(c); }\n' >"$sd/s.c"
for v in 5 4; do
	(cd "$sd" && cc -g -gdwarf-$v -gsplit-dwarf -O1 -o "s$v" s.c) || ko "cc -gsplit-dwarf failed"
	run 1 "$U" vars "$sd/s$v" f
	one_err_line
	has_err "its DWARF is split (-gsplit-dwarf: .dwo files), which is not read: rebuild without -gsplit-dwarf"
done
rm -rf "$sd"
run 0 "$U" lines "$FX/host/pie" fx_global
has_out "     13  	return a * b + 1;"
run 0 "$U" lines --json "$FX/host/pie" fx_main.c:13
json_ok '.lines | map(.line) | index(13) != null'

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
