# Sourced by the live suites, after setting SUITE: counting checks, a skip
# that says so loudly (exit 77: SKIP in the summary, a failure of make check
# unless ALLOW_SKIP=1, and always under CI), and finding tracefs without the
# code under test.
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if "$@"; then ok; else ko "$*"; fi; }
skip() {
	echo "************************************************************"
	echo "SKIPPED: $SUITE tests: $*"
	echo "************************************************************"
	exit 77
}
# live_tracefs: can this machine run live tests? Decided by the shell, not
# by uprobectl (a bug in 'uprobectl status' must fail the suites, not skip
# them): root, a tracefs (mounted here if it is not yet), and uprobes in
# it. Sets T to the tracefs root, or skips.
live_tracefs() {
	[ "$(id -u)" = 0 ] || skip "not root"
	T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
	if [ -z "$T" ] && [ -d /sys/kernel/tracing ]; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null &&
			T=/sys/kernel/tracing
	fi
	[ -n "$T" ] || skip "no tracefs mounted, and mounting one at /sys/kernel/tracing failed"
	[ -e "$T/uprobe_events" ] || skip "no uprobe_events in $T (kernel without CONFIG_UPROBE_EVENTS)"
	[ -w "$T/uprobe_events" ] || skip "$T/uprobe_events is not writable"
}
# wait_for FILE [CONTENT]: up to 10 s for it to exist (and hold CONTENT)
wait_for() {
	i=0
	until [ -e "$1" ] && { [ $# = 1 ] || [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }; do
		[ $i -lt 200 ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}
# wait_armed_log FILE: up to 10 s for a uprobectl run with -v, writing its
# stderr to FILE, to have its probes armed (through perf events or tracefs,
# whichever transport it took)
wait_armed_log() {
	i=0
	until grep -q 'debug: armed: ' "$1" 2>/dev/null; do
		[ $i -lt 200 ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}
# stop PID: SIGSTOP, and up to 10 s for it to have taken effect (a signal
# is taken when the process next runs: until then it may still be reading)
stop() {
	kill -STOP "$1"
	i=0
	until [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" = T ]; do
		[ $i -lt 200 ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}
# the transport of -p and -- COMMAND sessions in this run of the suite
TRANSPORT=${UPROBECTL_TRANSPORT:-perf}
# refuse to run when the uprobectl group is already in use here
group_free() {
	if grep -q '^[pr]:uprobectl/' "$1/uprobe_events"; then
		echo "FAIL: the uprobectl group is in use on this machine; not touching it"
		echo "$SUITE: 0 passed, 1 failed"
		exit 1
	fi
}
finish() {
	echo "$SUITE: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
