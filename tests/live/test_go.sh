#!/bin/sh
# Live tests of Go programs, as root, on a Go program built here with
# Debian's golang (tests/progs/gotest.go): its functions take their
# arguments in Go's registers, and what the kernel records there equals
# what the program printed; -r is an entry probe at each return
# instruction (at the addresses objdump disassembles as ret), never a
# uretprobe: the returned values are recorded and the program, whose
# goroutine stacks grow during the calls, exits 0; latency pairs the calls
# by goroutine across those return probes; leaks refuses a Go program's
# allocator; uprobe_events is left as it was found.
# On the i386 build (when this kernel runs it), Go's stack ABI: arguments
# and the result on the stack.
#   test_go.sh UPROBECTL GOTEST [GOTEST_386]
set -u
SUITE=live-go
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

live_tracefs
command -v objdump >/dev/null || skip "no objdump (binutils), the oracle of return instructions"
group_free "$T"
before=$(cat "$T/uprobe_events")
cp "$2" "$work/gotest"
P=$work/gotest
rounds=3
"$P" $rounds >"$work/plain"
check [ $? = 0 ]

# Go's register ABI (amd64 from Go 1.17: RAX, RBX, RCX, ...)
def=$("$U" resolve --json "$P" main.add | jq -r .definition)
check [ "$(echo "$def" | sed 's/.* arg1=/arg1=/')" = "arg1=%ax arg2=%bx arg3=%cx arg4=%di ra=+0(%sp)" ]
"$U" trace --json "$P" main.add 'a=$arg1:s64' 'b=$arg2:s64' 'c=$arg3:s64' -- "$P" $rounds \
	>"$work/tr" 2>"$work/tr.err"
check [ $? = 0 ]
check [ "$(grep '^{' "$work/tr" | jq -r '"\(.args.a) \(.args.b) \(.args.c)"' | tr '\n' ' ')" = \
	"$(sed -n 's/^add \([0-9]*\) \([0-9]*\) \([0-9]*\) = .*/\1 \2 \3/p' "$work/tr" | tr '\n' ' ')" ]
check [ "$(grep -c '^{' "$work/tr")" = $rounds ]

# -r: an entry probe at each return instruction, where objdump has them
objdump -d --no-show-raw-insn "$P" | awk '/<main.deep>:/ { f = 1; next } f && /^$/ { exit }
	f && $2 == "ret" { sub(/:$/, "", $1); print $1 }' >"$work/rets"
check [ "$(wc -l <"$work/rets")" -ge 2 ]
"$U" -q add -r "$P" main.deep
check [ $? = 0 ]
check [ "$(grep -c '^p:uprobectl/main_deep' "$T/uprobe_events")" = "$(wc -l <"$work/rets")" ]
check [ "$(grep -c '^r:' "$T/uprobe_events")" = "$(echo "$before" | grep -c '^r:')" ]
base=$(readelf -lW "$P" | awk '$1 == "LOAD" && / E +0x[0-9a-f]+$/ { print $3; exit }')
off=$(readelf -lW "$P" | awk '$1 == "LOAD" && / E +0x[0-9a-f]+$/ { print $2; exit }')
while read -r a; do
	# the kernel lists offsets in 16 digits
	check grep -q "^p:uprobectl/main_deep[_0-9]* $P:$(printf '0x%016x' $((0x$a - base + off))) ret=%ax" \
		"$T/uprobe_events"
done <"$work/rets"
"$U" -q clear
check [ "$(cat "$T/uprobe_events")" = "$before" ]

# the returned values, while deep's recursion grows the goroutine stack;
# the program exits 0 (a uretprobe would make its runtime abort)
"$U" trace --json -r "$P" main.add 'r=$retval:s64' -- "$P" $rounds >"$work/tr" 2>"$work/tr.err"
check [ $? = 0 ]
check [ "$(grep '^{' "$work/tr" | jq -r .args.r | tr '\n' ' ')" = \
	"$(sed -n 's/^add .* = //p' "$work/tr" | tr '\n' ' ')" ]
"$U" trace --json -r "$P" main.deep 'r=$retval:s64' -- "$P" $rounds >"$work/tr" 2>"$work/tr.err"
check [ $? = 0 ]
check grep -q '^goroutine deep 300 = 301$' "$work/tr"
# every call returned, the outermost ones with what the program printed
calls=$(awk '/^deep / { n += $2 + 1 } END { print n + 301 }' "$work/tr")
check [ "$(grep -c '^{' "$work/tr")" = "$calls" ]
for want in $(sed -n 's/^deep [0-9]* = //p' "$work/tr"); do
	check grep -q "\"r\":$want[,}]" "$work/tr"
done

# latency: the calls paired by goroutine across the return probes
"$U" latency --json "$P" main.deep -- "$P" $rounds >"$work/lat" 2>"$work/lat.err"
check [ $? = 0 ]
check [ "$(grep '^{' "$work/lat" | tail -n 1 | jq -r '.count')" = "$calls" ]
check [ "$(grep '^{' "$work/lat" | tail -n 1 | jq -r '.engine')" = user ]

# the stack ABI (Go on 386, as on arm, s390x, mips and before Go 1.17 on
# amd64): arguments on the stack, the result past them (from the DWARF), on
# the 32-bit build when this kernel runs i386 programs
if [ -n "${3:-}" ] && cp "$3" "$work/go386" && "$work/go386" 1 >/dev/null 2>&1; then
	"$U" trace --json "$work/go386" main.add 'a=$arg1:s32' 'b=$arg2:s32' -- "$work/go386" $rounds \
		>"$work/tr" 2>"$work/tr.err"
	check [ "$(grep '^{' "$work/tr" | jq -r '"\(.args.a) \(.args.b)"' | tr '\n' ' ')" = \
		"$(sed -n 's/^add \([0-9]*\) \([0-9]*\) .*/\1 \2/p' "$work/tr" | tr '\n' ' ')" ]
	"$U" trace --json -r "$work/go386" main.add 'r=$retval:s32' -- "$work/go386" $rounds \
		>"$work/tr" 2>"$work/tr.err"
	check [ $? = 0 ]
	check [ "$(grep '^{' "$work/tr" | jq -r .args.r | tr '\n' ' ')" = \
		"$(sed -n 's/^add .* = //p' "$work/tr" | tr '\n' ' ')" ]
	check grep -q ' r=+[0-9]*(%sp):s32 (a return of the Go function)$' "$work/tr.err"
elif [ -n "${CI:-}" ]; then
	ko "no i386 program runs here (CI): Go's stack ABI untested"
else
	echo "************************************************************"
	echo "live-go: no i386 program runs here: Go's stack ABI is not tested"
	echo "************************************************************"
fi

# leaks: a Go program's memory is not malloc's
"$U" leaks -- "$P" 1 >"$work/lk" 2>&1
check [ $? = 2 ]
check grep -q 'is a Go program (go1\.[0-9]*.*): its memory is the Go runtime' "$work/lk"

check [ "$(cat "$T/uprobe_events")" = "$before" ]
finish
