#!/bin/sh
# Live tests of boot-time use, as root on the real tracefs: apply creates,
# re-applies nothing, changes exactly the edited lines, follows a rebuilt
# binary to its new offsets, --check tells, a bad line changes nothing, a
# kernel refusal midway is rolled back; and the init script, run by busybox
# sh, starts, reports, restarts and stops. tracefs is left as found.
#   test_apply.sh UPROBECTL REGISTERS_SOURCE
set -u
SUITE=live-apply
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$2
INIT=$(cd "$(dirname "$0")/../../targets/rootfs" && pwd)/uprobectl.init
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
live_tracefs
# the code under test agrees: uprobes are ready, in that tracefs
"$U" status >"$work/status" 2>&1 || { cat "$work/status"; ko "uprobectl status fails on a machine that can run uprobes"; finish; exit 1; }
check grep -q "^tracefs *$T " "$work/status"
command -v busybox >/dev/null || skip "no busybox (toolchain/install-deps.sh test installs it)"
group_free "$T"
snapshot() { cat "$T/uprobe_events"; ls "$T/instances"; echo "on=$(cat "$T/tracing_on")"; }
snapshot >"$work/before"
events() { cat "$T/uprobe_events" >"$1"; }	# tracefs files have size 0: no cp
enabled() { cat "$T/events/uprobectl/$1/enable"; }

cc -O0 -o /tmp/registers "$SRC"
cat >"$work/conf" <<'EOF'
# the article's probe, its return value, and a string
/tmp/registers wrapper_strerror
-r -e strerror_ret /tmp/registers wrapper_strerror 'ret=$retval:s32'   # signed

-e report /tmp/registers wrapper_report "msg=+0($arg1):string"
EOF

# --- creates, then changes nothing
check "$U" apply "$work/conf"
check [ "$(grep -c '^[pr]:uprobectl/' "$T/uprobe_events")" = 3 ]
check [ "$(enabled wrapper_strerror)" = 0 ]
"$U" apply --check "$work/conf" >/dev/null
check [ $? = 0 ]
check "$U" -q enable report
events "$work/e1"
"$U" apply "$work/conf" >"$work/out"
check grep -q "0 created, 0 replaced, 0 deleted, 3 unchanged" "$work/out"
events "$work/e2"
check cmp -s "$work/e1" "$work/e2"
check [ "$(enabled report)" = 1 ]	# enabled state kept

# --- an edited line changes exactly that event
sed -i 's/^-e report .*/-e report \/tmp\/registers wrapper_report "msg=+0($arg1):string" n=$arg2:s32/' "$work/conf"
"$U" apply --check "$work/conf" >"$work/diff"
check [ $? = 1 ]
check grep -q '^+ p:uprobectl/report .* n=%si:s32$' "$work/diff"
check "$U" -q apply "$work/conf"
events "$work/e3"
check [ "$(diff "$work/e2" "$work/e3" | grep -c '^[<>]')" = 2 ]
check grep -q '^p:uprobectl/report .* n=%si:s32$' "$work/e3"
check [ "$(enabled report)" = 1 ]	# a replaced event keeps its state

# --- a rebuilt binary: its functions moved, the probes follow
old=$(grep '^p:uprobectl/wrapper_strerror ' "$work/e3" | sed 's/.*:\(0x[0-9a-f]*\) .*/\1/')
cc -O0 -DUPC_PAD -o /tmp/registers "$SRC"
"$U" apply --check "$work/conf" >/dev/null
check [ $? = 1 ]
check "$U" -q apply "$work/conf"
new=$(grep '^p:uprobectl/wrapper_strerror ' "$T/uprobe_events" | sed 's/.*:\(0x[0-9a-f]*\) .*/\1/')
want=$("$U" resolve --json /tmp/registers wrapper_strerror | jq -r .offset)
check [ "$old" != "$new" ]
check [ "$((new))" = "$want" ]
/tmp/registers 2 >"$work/prog"
check "$U" -q enable
/tmp/registers 2 >"$work/prog"
pid=$(sed -n 's/.*pid: \([0-9]*\)$/\1/p' "$work/prog")
check [ "$(grep -c -- "-$pid .* wrapper_strerror: " "$T/trace")" = 2 ]
check "$U" -q disable

# --- a dropped line deletes its event
sed -i '/strerror_ret/d' "$work/conf"
"$U" apply "$work/conf" >"$work/out"
check grep -q "0 created, 0 replaced, 1 deleted, 2 unchanged" "$work/out"
check [ -z "$(grep 'uprobectl/strerror_ret' "$T/uprobe_events")" ]

# --- bad lines change nothing at all
events "$work/e4"
for bad in '/tmp/registers no_such_function' '/tmp/registers wrapper_strerror %x0' \
	'registers wrapper_strerror' '-x /tmp/registers main' '/tmp/registers' \
	"-e 'unclosed /tmp/registers main"; do
	{ cat "$work/conf"; echo "$bad"; } >"$work/bad"
	"$U" apply "$work/bad" 2>"$work/err"
	st=$?
	events "$work/e5"
	if [ "$st" != 0 ] && cmp -s "$work/e4" "$work/e5" && grep -q "bad:5: " "$work/err"; then ok; else
		ko "bad line '$bad': exit $st, $(cat "$work/err")"
	fi
done
{ cat "$work/conf"; echo '-e report /tmp/registers main'; } >"$work/bad"
"$U" apply "$work/bad" 2>"$work/err"
check grep -q "already defined on line 4" "$work/err"

# --- a file that cannot be read whole changes nothing: a directory, a
# FIFO with no writer (never a hang), a NUL byte (its line named)
mkdir "$work/dir"
mkfifo "$work/fifo"
for f in dir fifo; do
	timeout 10 "$U" apply "$work/$f" 2>"$work/err"
	st=$?
	events "$work/e5"
	if [ "$st" = 1 ] && cmp -s "$work/e4" "$work/e5" && grep -q "nothing was changed" "$work/err"; then
		ok
	else
		ko "apply on a $f: exit $st, $(cat "$work/err")"
	fi
done
{ head -n 2 "$work/conf"; printf '/tmp/registers wrapper_report\000 junk\n'; } >"$work/nul"
"$U" apply "$work/nul" 2>"$work/err"
check [ $? = 2 ]
check grep -q "nul:3: a NUL byte" "$work/err"
events "$work/e5"
check cmp -s "$work/e4" "$work/e5"
# CRLF line ends are accepted: the same probes, nothing to change
sed 's/$/\r/' "$work/conf" >"$work/crlf"
"$U" apply "$work/crlf" >"$work/out" 2>"$work/err"
check [ $? = 0 ]
check grep -q "0 created, 0 replaced, 0 deleted, 2 unchanged" "$work/out"
# an empty regular file means no probes: the group goes (then comes back)
: >"$work/empty"
"$U" apply "$work/empty" >"$work/out"
check grep -q "0 created, 0 replaced, 2 deleted, 0 unchanged" "$work/out"
check [ -z "$(grep '^[pr]:uprobectl/' "$T/uprobe_events")" ]
check "$U" -q apply "$work/conf"
events "$work/e5"
check cmp -s "$work/e4" "$work/e5"

# --- the kernel refuses a line midway: everything is put back
check "$U" -q enable
events "$work/e6"
cat >"$work/refused" <<'EOF'
/tmp/registers wrapper_strerror
-e fresh /tmp/registers wrapper_report
-e big /tmp/registers wrapper_strerror a=+0(%di):u64[64] b=+0(%di):u64[64] c=+0(%di):u64[64] d=+0(%di):u64[64] e=+0(%di):u64[64] f=+0(%di):u64[64] g=+0(%di):u64[64]
EOF
"$U" apply "$work/refused" 2>"$work/err"
check [ $? = 1 ]
check grep -q "refused:3: uprobectl/big: the kernel refused argument 7" "$work/err"
check grep -q "refused: nothing was changed" "$work/err"
events "$work/e7"
check cmp -s "$work/e6" "$work/e7"
check [ "$(enabled wrapper_strerror)" = 1 ]
check [ "$(enabled report)" = 1 ]
check "$U" -q clear

# --- the init script, under busybox sh
printf 'CONF=%s\nUPROBECTL=%s\n' "$work/conf" "$U" >"$work/default"
sed "s|/etc/default/uprobectl|$work/default|g" "$INIT" >"$work/init"
check busybox sh "$work/init" start
check [ "$(enabled wrapper_strerror)" = 1 ]
check [ "$(cat "$T/tracing_on")" = 1 ]
check busybox sh "$work/init" status
check busybox sh "$work/init" restart
check [ "$(grep -c '^[pr]:uprobectl/' "$T/uprobe_events")" = 2 ]
check busybox sh "$work/init" stop
check [ -z "$(grep '^[pr]:uprobectl/' "$T/uprobe_events")" ]
busybox sh "$work/init" status >/dev/null 2>&1
check [ $? != 0 ]
busybox sh "$work/init" frob 2>/dev/null
check [ $? = 2 ]

rm -f /tmp/registers
snapshot >"$work/after"
if cmp -s "$work/before" "$work/after"; then ok; else
	ko "tracefs not restored:"
	diff "$work/before" "$work/after"
fi
finish
