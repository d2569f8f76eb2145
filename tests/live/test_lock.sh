#!/bin/sh
# Live tests of group locks, as root on the real tracefs, with both cores
# kept busy: two runs on one group never leave a mix of both, a killed
# holder never blocks, a change by another tool between plan and write is
# refused, and a stream of a group that another run clears ends, saying why.
#   test_lock.sh UPROBECTL REGISTERS
set -u
SUITE=live-lock
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
REG=$2
work=$(mktemp -d)
hogs="" bg=""
cleanup() {
	for p in $hogs $bg; do kill -9 "$p" 2>/dev/null; done
	for g in upc_lk upc_lk2 upc_lk3 upc_lk4; do "$U" -q clear -g "$g" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
live_tracefs
for g in upc_lk upc_lk2 upc_lk3 upc_lk4; do
	grep -q "^[pr]:$g/" "$T/uprobe_events" && { echo "FAIL: group $g in use here"; exit 1; }
done
snapshot() { cat "$T/uprobe_events"; ls "$T/instances"; }
snapshot >"$work/before"
cp "$REG" "$work/registers"
P=$work/registers
for i in 1 2; do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
events() { "$U" list -g "$1" --json | jq -r '[.[].event] | sort | join(" ")'; }

# --- two applies at once, 50 rounds: the group is always exactly one file
for f in a b; do
	: >"$work/conf.$f"
	for i in 1 2 3 4 5 6 7 8; do echo "-e $f$i $P wrapper_strerror" >>"$work/conf.$f"; done
done
A="a1 a2 a3 a4 a5 a6 a7 a8" B="b1 b2 b3 b4 b5 b6 b7 b8"
mixed=0 failed=0
r=0
while [ $r -lt 50 ]; do
	"$U" -q apply -g upc_lk --wait 60 "$work/conf.a" 2>>"$work/err" &
	pa=$!
	"$U" -q apply -g upc_lk --wait 60 "$work/conf.b" 2>>"$work/err" &
	pb=$!
	wait $pa || failed=$((failed + 1))
	wait $pb || failed=$((failed + 1))
	got=$(events upc_lk)
	if [ "$got" = "$A" ]; then
		"$U" -q apply --check -g upc_lk "$work/conf.a" >/dev/null || mixed=$((mixed + 1))
	elif [ "$got" = "$B" ]; then
		"$U" -q apply --check -g upc_lk "$work/conf.b" >/dev/null || mixed=$((mixed + 1))
	else
		mixed=$((mixed + 1))
		echo "round $r: the group holds '$got'"
	fi
	r=$((r + 1))
done
check [ "$failed" = 0 ]
check [ "$mixed" = 0 ]
[ "$failed" = 0 ] || cat "$work/err"
check "$U" -q clear -g upc_lk

# --- add racing clear, 20 rounds: both succeed, the group is whole
bad=0
r=0
while [ $r -lt 20 ]; do
	"$U" -q add -g upc_lk2 --wait 60 "$P" wrapper_strerror 2>>"$work/err2" &
	pa=$!
	"$U" -q clear -g upc_lk2 --wait 60 2>>"$work/err2" &
	pc=$!
	wait $pa || bad=$((bad + 1))
	wait $pc || bad=$((bad + 1))
	n=$(grep -c "^p:upc_lk2/" "$T/uprobe_events")
	[ "$n" -le 1 ] || bad=$((bad + 1))
	r=$((r + 1))
done
check [ "$bad" = 0 ]
[ "$bad" = 0 ] || cat "$work/err2"
check "$U" -q clear -g upc_lk2

# --- a stream of a group another run clears ends, and says why: in an
# instance of its own, and at the top level
for where in instance top; do
	check "$U" -q add -g upc_lk3 "$P" wrapper_strerror
	if [ $where = instance ]; then
		"$U" stream -g upc_lk3 --instance upc_lk_inst -d 60 >/dev/null 2>"$work/serr" &
		sp=$!
		check wait_for "$T/instances/upc_lk_inst/events/upc_lk3/enable" 1
	else
		check "$U" -q enable -g upc_lk3
		"$U" stream -g upc_lk3 -d 60 >/dev/null 2>"$work/serr" &
		sp=$!
		# ready once it has trace_pipe open
		i=0
		until ls -l /proc/$sp/fd 2>/dev/null | grep -q trace_pipe; do
			[ $i -lt 200 ] || break
			sleep 0.05
			i=$((i + 1))
		done
	fi
	check "$U" -q clear -g upc_lk3
	wait $sp
	check [ $? = 0 ]
	check grep -q "group upc_lk3 was deleted" "$work/serr"
	check [ ! -e "$T/instances/upc_lk_inst" ]
done

# --- a holder killed mid-run: its lock goes with it. A long apply (a
# thousand lines to resolve in libc) holds the group; a second run names
# it; SIGKILL; the next run goes ahead at once, and nothing of the killed
# one was written
libc=$(ldd "$P" | awk '/libc\.so/ { print $3 }')
i=0
while [ $i -lt 1000 ]; do echo "-e m$i $libc malloc"; i=$((i + 1)); done >"$work/big"
"$U" -q apply -g upc_lk4 "$work/big" 2>/dev/null &
pbig=$!
bg="$pbig"
seen=0 i=0
while [ $i -lt 200 ] && kill -0 $pbig 2>/dev/null; do
	if ! "$U" list -g upc_lk4 --wait 0 >/dev/null 2>"$work/lerr"; then
		grep -q "in use by another uprobectl (pid $pbig)" "$work/lerr" && { seen=1; break; }
	fi
	sleep 0.02
	i=$((i + 1))
done
check [ "$seen" = 1 ]
# meanwhile another tool changes the group: the plan is stale, and the
# apply must refuse rather than write a mix
off=$("$U" resolve -q --json "$P" wrapper_report | jq -r .offset)
echo "p:upc_lk4/other $P:$off" >>"$T/uprobe_events"
wait $pbig
st=$?
bg=""
check [ "$st" = 1 ]
check [ "$(grep -c '^p:upc_lk4/' "$T/uprobe_events")" = 1 ]
"$U" -q clear -g upc_lk4
"$U" -q apply -g upc_lk4 "$work/big" 2>/dev/null &
pbig=$!
bg="$pbig"
i=0
until [ -e "$work/go" ] || [ $i -ge 200 ]; do
	"$U" list -g upc_lk4 --wait 0 >/dev/null 2>&1 || touch "$work/go"
	sleep 0.02
	i=$((i + 1))
done
check [ -e "$work/go" ]	# it held the lock when it was killed
kill -9 $pbig
wait $pbig 2>/dev/null
bg=""
check "$U" -q add -g upc_lk4 --wait 0 "$P" wrapper_strerror
check [ "$(grep -c '^p:upc_lk4/' "$T/uprobe_events")" = 1 ]
check "$U" -q clear -g upc_lk4

for p in $hogs; do kill $p; done
hogs=""
snapshot >"$work/after"
check cmp -s "$work/before" "$work/after"
finish
