#!/bin/sh
# Why a return probe on a Go function is never a uretprobe, shown here
# and not asserted: a Go program whose goroutine stacks grow runs under a
# plain r: probe defined by hand in tracefs (the kernel hijacks the return
# address; Go's runtime, copying the stack, finds an address it does not
# know), then under uprobectl's -r (an entry probe at each return
# instruction). Prints each exit status and the first line of any crash.
# Needs root; prints why when it cannot run.
#   bench_go.sh UPROBECTL GOTEST
set -u
U=$1 G=$2
[ "$(id -u)" = 0 ] || { echo "bench go: skipped: needs root"; exit 0; }
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] && [ -e "$T/uprobe_events" ] || { echo "bench go: skipped: no tracefs with uprobes here"; exit 0; }
W=$(mktemp -d)
# whatever is left of the hand-made probe, on any exit
cleanup() {
	[ -e "$T/events/upc_bench_go/enable" ] || return 0
	echo 0 >"$T/events/upc_bench_go/enable"
	echo "-:upc_bench_go/deep" >>"$T/uprobe_events"
}
trap 'cleanup 2>/dev/null; rm -rf "$W"' EXIT
cp "$G" "$W/gotest"
off=$("$U" resolve --json "$W/gotest" main.deep | jq -r .offset)
echo "r:upc_bench_go/deep $W/gotest:$(printf '0x%x' "$off")" >>"$T/uprobe_events" || exit 1
echo 1 >"$T/events/upc_bench_go/enable"
"$W/gotest" 3 >"$W/plain.out" 2>&1
plain=$?
echo 0 >"$T/events/upc_bench_go/enable"
echo "-:upc_bench_go/deep" >>"$T/uprobe_events"
"$U" trace -q -r "$W/gotest" main.deep -- "$W/gotest" 3 >"$W/ours.out" 2>&1
ours=$?
printf 'bench go: main.deep (goroutine stacks growing) under a plain r: probe: exit %s%s\n' \
	"$plain" "$([ $plain != 0 ] && echo ", $(grep -m1 -E '^(fatal error|runtime:|panic)' "$W/plain.out")")"
printf 'bench go: under uprobectl -r (an entry probe at each return instruction): exit %s, %s records\n' \
	"$ours" "$(grep -c 'main_deep' "$W/ours.out")"
