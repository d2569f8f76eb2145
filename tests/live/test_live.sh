#!/bin/sh
# Live tests, as root, on the real tracefs: uprobes on a real program, and
# what the kernel recorded compared with what the program printed.
#   test_live.sh UPROBECTL REGISTERS REGISTERS_NOPIE FIXTURES
# tracefs is restored as it was found, which the harness checks; a probe of
# another group, created directly, must survive every command unchanged.
# Without root or tracefs the suite says so loudly and skips (exit 77),
# which fails make check unless ALLOW_SKIP=1, and always under CI.
set -u
SUITE=live
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
REG=$2 REG_NOPIE=$3 FX=$(cd "$4" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

live_tracefs
# the code under test agrees: uprobes are ready, in that tracefs
"$U" status >"$work/status" 2>&1 || { cat "$work/status"; ko "uprobectl status fails on a machine that can run uprobes"; finish; exit 1; }
check grep -q "^tracefs *$T " "$work/status"
group_free "$T"

# everything uprobectl must leave as it found it
snapshot() {
	cat "$T/uprobe_events"
	echo "tracing_on=$(cat "$T/tracing_on")"
	for f in "$T"/events/*/enable; do
		case "$f" in */events/uprobectl/*) continue ;; esac
		echo "$f=$(cat "$f")"
	done
}
snapshot >"$work/before"

cp "$REG" /tmp/registers
cp "$REG_NOPIE" /tmp/registers-nopie

# another tool's probe, enabled, in a group of its own
other_off=$("$U" resolve -q --json /tmp/registers wrapper_report | sed 's/.*"offset":\([0-9]*\).*/\1/')
echo "p:upc_other/keep /tmp/registers:$other_off %di" >>"$T/uprobe_events"
echo 1 >"$T/events/upc_other/keep/enable"
other_line=$(grep '^p:upc_other/keep ' "$T/uprobe_events")
other_intact() {
	[ "$(grep '^p:upc_other/' "$T/uprobe_events")" = "$other_line" ] &&
		[ "$(cat "$T/events/upc_other/keep/enable")" = 1 ]
}

# tracefs files report size 0, which cp and cmp believe: read them with cat
events_unchanged() { cat "$T/uprobe_events" | cmp -s - "$work/events"; }

# run_prog PROG COUNT: run it, leave its output in $work/out and pid in $pid
run_prog() {
	"$1" "$2" >"$work/out"
	pid=$(sed -n 's/.*pid: \([0-9]*\)$/\1/p' "$work/out")
}
# records EVENT: the trace lines of $pid for EVENT
records() { grep -E "^ *[^ ].*-$pid +(\\( *[0-9]+\\) )?\\[[0-9]+\\].* $1: " "$T/trace"; }

# compare_article: every arg1..arg4 and ra recorded equals the program's
compare_article() {
	records wrapper_strerror >"$work/rec"
	awk -v want="$1" '
	NR == FNR {
		if ($1 == "ra:") {
			n++; ra[n] = $2; sub(/,$/, "", ra[n]); sp[n] = $5; sub(/,$/, "", sp[n])
			e = $6; gsub(/[^0-9]/, "", e); err[n] = sprintf("0x%x", e + 0)
			b = $7; gsub(/[()]/, "", b); buf[n] = b
			len[n] = sprintf("0x%x", $NF + 0)
		}
		next
	}
	{
		m++
		split("", v)	# this record only: a missing argument must not
				# borrow the one before
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["arg1"] != err[m] || v["arg2"] != sp[m] || v["arg3"] != buf[m] ||
		    v["arg4"] != len[m] || v["ra"] != ra[m]) {
			printf "call %d: recorded %s %s %s %s %s, printed %s %s %s %s %s\n", m,
				v["arg1"], v["arg2"], v["arg3"], v["arg4"], v["ra"],
				err[m], sp[m], buf[m], len[m], ra[m]
			bad++
		}
	}
	END { if (m != want || n != want) { printf "%d records, %d calls, want %d\n", m, n, want; bad++ }
	      exit bad != 0 }' "$work/out" "$work/rec"
}

# --- the article's scenario, PIE and non-PIE
for prog in /tmp/registers /tmp/registers-nopie; do
	check "$U" add "$prog" wrapper_strerror
	check "$U" enable
	run_prog "$prog" 5
	check compare_article 5
	check "$U" disable
	check "$U" clear
	check other_intact
done

# --- scripts: idempotent add, enable, disable; del of an enabled event
check "$U" -q add /tmp/registers wrapper_strerror
cat "$T/uprobe_events" >"$work/events"	# tracefs files have size 0: no cp
check "$U" -q add /tmp/registers wrapper_strerror
check events_unchanged
check "$U" -q enable
check "$U" -q enable
"$U" -q del wrapper_strerror 2>/dev/null
check [ $? = 1 ]
check grep -q '^p:uprobectl/wrapper_strerror ' "$T/uprobe_events"
check "$U" -q disable
check "$U" -q disable
check "$U" -q enable wrapper_strerror
check "$U" -q del --force wrapper_strerror
check [ -z "$(grep '^p:uprobectl/' "$T/uprobe_events")" ]
"$U" -q add /tmp/registers wrapper_strerror '$arg1' 2>/dev/null || ko "add after del"
"$U" -q add /tmp/registers wrapper_strerror 2>"$work/err"
check [ $? = 1 ]
check grep -q "already exists" "$work/err"
check "$U" -q clear
check "$U" -q clear
check other_intact

# --- a return probe: $retval is the error number wrapper_strerror returns
check "$U" add -r /tmp/registers wrapper_strerror
check "$U" -q enable
run_prog /tmp/registers 3
check [ "$(records wrapper_strerror | sed 's/.* ret=//' | tr '\n' ' ')" = "0x1 0x2 0x3 " ]
check "$U" -q clear

# --- a string argument, through the arch-neutral $argN
check "$U" add -e report /tmp/registers wrapper_report 'msg=+0($arg1):string' 'err=$arg2:s32'
check "$U" -q enable
run_prog /tmp/registers 3
records report | sed 's/.* msg=\(".*"\) err=\(.*\)$/\2 \1/' >"$work/rec"
sed -n 's/^report\[0*\([0-9]*\)\]: \(.*\)$/\1 "\2"/p' "$work/out" >"$work/want"
check cmp -s "$work/rec" "$work/want"
check [ "$(wc -l <"$work/rec")" = 3 ]
check "$U" -q clear

# --- a pattern: one probe per matching function, each recording its calls
check "$U" -q add --enable /tmp/registers 'wrapper_*'
check [ "$(grep -c '^p:uprobectl/' "$T/uprobe_events")" = 2 ]
run_prog /tmp/registers 3
check compare_article 3
check [ "$(records wrapper_report | wc -l)" = 3 ]
check "$U" -q clear
check other_intact

# --- a function of a shared library the program calls: malloc(512) in libc
libc=$(ldd /tmp/registers | awk '/libc\.so/ { print $3 }')
check "$U" add -e libc_malloc "$libc" malloc 'size=$arg1:u64'
check "$U" -q enable
run_prog /tmp/registers 1
check [ -n "$(records libc_malloc | grep ' size=512$')" ]
check "$U" -q clear
check other_intact

# --- every refusal leaves uprobe_events byte for byte as it was
cat "$T/uprobe_events" >"$work/events"	# tracefs files have size 0: no cp
mkdir -p "$work/with space" && cp "$REG" "$work/with space/prog" && cp "$REG" "$work/with#hash"
refuse() {	# STATUS ARGS...: add ARGS must fail with STATUS and change nothing
	st=$1
	shift
	"$U" add "$@" >/dev/null 2>"$work/err"
	got=$?
	if [ "$got" != "$st" ] || ! events_unchanged ||
		[ "$(wc -l <"$work/err")" != 1 ]; then
		ko "refusal of add $*: exit $got (want $st), $(cat "$work/err")"
	else
		ok
	fi
}
long=$(printf 'a%.0s' $(seq 1 64))
many=$(for i in $(seq 1 129); do printf ' a%d=%%di' "$i"; done)
refuse 2 registers wrapper_strerror
refuse 2 /tmp/nonexistent-upc wrapper_strerror
refuse 2 /tmp wrapper_strerror
refuse 2 "$work/with space/prog" wrapper_strerror
refuse 2 "$work/with#hash" wrapper_strerror
refuse 2 /tmp/registers wrapper_strerror '%x0'
refuse 2 /tmp/registers wrapper_strerror 'r=$retval'
refuse 2 /tmp/registers wrapper_strerror 'v=%di:u33'
refuse 2 /tmp/registers wrapper_strerror 'v=+0(%di):u8[65]'
refuse 2 /tmp/registers wrapper_strerror "$long=%di"
deep=%di
for i in $(seq 1 15); do deep="+0($deep)"; done
refuse 2 /tmp/registers wrapper_strerror "v=$deep"
refuse 2 /tmp/registers wrapper_strerror "$(printf 'v=%%di\n-:upc_other/keep')"
refuse 2 /tmp/registers wrapper_strerror 'v=%di' '#'
refuse 2 -e "$long" /tmp/registers wrapper_strerror
refuse 2 -e 'a b' /tmp/registers wrapper_strerror
refuse 2 -g 'grp/x' /tmp/registers wrapper_strerror
# shellcheck disable=SC2086
refuse 2 /tmp/registers wrapper_strerror $many
refuse 1 /tmp/registers no_such_function
refuse 2 /tmp/registers wrapper_strerror+4096
export UPROBECTL_MACHINE=aarch64	# a 32-bit ARM file on an arm64 kernel
refuse 2 "$FX/armhf/pie" fx_global
unset UPROBECTL_MACHINE
# the kernel's own refusal (too much data per event), explained from
# error_log and pinned on the argument at fault
refuse 1 -e big /tmp/registers wrapper_strerror 'a=+0(%di):u64[64]' 'b=+0(%di):u64[64]' \
	'c=+0(%di):u64[64]' 'd=+0(%di):u64[64]' 'e=+0(%di):u64[64]' 'f=+0(%di):u64[64]' \
	'g=+0(%di):u64[64]'
check grep -q "refused argument 7 ('g=+0(%di):u64\[64\]'): Event too big" "$work/err"
check other_intact

# --- list and status on the real thing
check "$U" -q add /tmp/registers wrapper_strerror
check "$U" -q enable
run_prog /tmp/registers 2
"$U" list --json >"$work/list"
check jq -e '.[0].event == "wrapper_strerror" and .[0].symbol == "wrapper_strerror" and
	.[0].enabled == true and .[0].hits >= 2 and .[0].kind == "entry"' "$work/list"
check "$U" status
"$U" status --json >"$work/status.json"
check jq -e '.verdict | startswith("ready")' "$work/status.json"
# this kernel (4.20+) takes a USDT semaphore's reference counter
check jq -e '.semaphores | startswith("yes")' "$work/status.json"
check "$U" -q clear

# --- leave tracefs as it was found
echo 0 >"$T/events/upc_other/keep/enable"
echo '-:upc_other/keep' >>"$T/uprobe_events"
snapshot >"$work/after"
if cmp -s "$work/before" "$work/after"; then ok; else
	ko "tracefs not restored:"
	diff "$work/before" "$work/after"
fi
rm -f /tmp/registers /tmp/registers-nopie

finish
