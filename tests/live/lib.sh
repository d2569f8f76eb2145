# Sourced by the live suites, after setting SUITE: counting checks, and a
# skip that says so loudly and is a failure when CI is set.
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if "$@"; then ok; else ko "$*"; fi; }
skip() {
	echo "************************************************************"
	echo "SKIPPED: $SUITE tests: $*"
	echo "************************************************************"
	if [ -n "${CI:-}" ]; then echo "$SUITE: 0 passed, 1 failed"; exit 1; fi
	exit 0
}
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
