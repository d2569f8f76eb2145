#!/bin/sh
# The tracefs commands on a fake tracefs tree (a plain directory: writes to
# uprobe_events append to a file, enable files hold what was written), for
# every command and error path, without root.
#   test_cli_tracefs.sh UPROBECTL FIXTURES_DIR
set -u
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$(cd "$2" && pwd)
pass=0 fail=0
T=$(mktemp -d)
out=$T.out err=$T.err
trap 'rm -rf "$T" "$out" "$err" "$T.conf" "$T.bad" "$T.saved" "$T.same"' EXIT
export UPROBECTL_TRACEFS="$T" UPROBECTL_MACHINE=x86_64

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; echo "  stdout: $(head -c 400 "$out")"; echo "  stderr: $(head -c 400 "$err")"; }
run() {
	status=$1
	shift
	"$@" >"$out" 2>"$err"
	got=$?
	if [ "$got" = "$status" ]; then ok; else ko "exit $got, want $status: $*"; fi
}
check() { if "$@"; then ok; else ko "$*"; fi; }
has_err() { if grep -qF -- "$1" "$err"; then ok; else ko "stderr lacks '$1'"; fi; }
one_err_line() { if [ "$(wc -l <"$err")" -eq 1 ]; then ok; else ko "stderr is not one line"; fi; }
json_ok() { if jq -e "$1" "$out" >/dev/null 2>&1; then ok; else ko "JSON check failed: $1"; fi; }
unchanged() { cmp -s "$T/uprobe_events" "$T.saved"; }
save() { cp "$T/uprobe_events" "$T.saved"; }
other_intact() {
	[ "$(head -n 1 "$T/uprobe_events")" = "p:other/keep /bin/true:0x0000000000001000 arg1=%di" ] &&
		[ "$(cat "$T/events/other/keep/enable")" = 1 ]
}
mkev() { mkdir -p "$T/events/$1/$2" && echo 0 >"$T/events/$1/$2/enable" && echo 0 >"$T/events/$1/enable"; }

echo "p:other/keep /bin/true:0x0000000000001000 arg1=%di" >"$T/uprobe_events"
echo 0 >"$T/tracing_on"
echo 1408 >"$T/buffer_size_kb"
mkdir -p "$T/events/other/keep" && echo 1 >"$T/events/other/keep/enable"
: >"$T/uprobe_profile"
: >"$T/error_log"
PIE=$FX/host/pie

# --- add
run 0 "$U" add "$PIE" fx_global
off=$("$U" resolve --json "$PIE" fx_global | jq -r '.definition' | sed 's/.*pie:\(0x[0-9a-f]*\) .*/\1/')
want="p:uprobectl/fx_global $PIE:$off arg1=%di arg2=%si arg3=%dx arg4=%cx ra=+0(%sp)"
check [ "$(cat "$out")" = "$want" ]
check [ "$(sed -n 2p "$T/uprobe_events")" = "$want" ]
check other_intact
save
run 0 "$U" add "$PIE" fx_global	# identical: nothing written
check unchanged
grep -q "already defined" "$out" && ok || ko "no 'already defined'"
run 0 "$U" -q add "$PIE" fx_global
check [ ! -s "$out" ]
run 1 "$U" add "$PIE" fx_global '$arg1'	# same name, another definition
one_err_line
has_err "already exists"
check unchanged
run 1 "$U" add -e fx_global "$PIE" main
check unchanged
run 0 "$U" add -r -e fx_ret "$PIE" fx_global
check [ "$(tail -n 1 "$T/uprobe_events")" = "r:uprobectl/fx_ret $PIE:$off ret=\$retval" ]
run 0 "$U" add -g my-grp -e named --args 2 "$PIE" fx_global
check [ "$(tail -n 1 "$T/uprobe_events")" = "p:my-grp/named $PIE:$off arg1=%di arg2=%si ra=+0(%sp)" ]
# a link is resolved once, when the file is read: the definition names the
# file itself, so swapping the link afterwards cannot retarget the offset
ln -s "$PIE" "$T.link"
run 0 "$U" add -g lnk -e linked "$T.link" fx_global
check [ "$(tail -n 1 "$T/uprobe_events")" = "p:lnk/linked $PIE:$off arg1=%di arg2=%si arg3=%dx arg4=%cx ra=+0(%sp)" ]
run 0 "$U" resolve -q -e linked "$T.link" fx_global
check [ "$(cat "$out")" = "p:uprobectl/linked $PIE:$off arg1=%di arg2=%si arg3=%dx arg4=%cx ra=+0(%sp)" ]
rm -f "$T.link"
# arch-neutral names on another architecture's file
UPROBECTL_MACHINE=aarch64 "$U" -q add -e a64 "$FX/aarch64/pie" fx_global 'n=$arg2:s32' \
	's=+0($arg1):string' 'r=$ra' >"$out" 2>"$err" && ok || ko "aarch64 add"
check grep -q " n=%x1:s32 s=+0(%x0):string r=%x30\$" "$T/uprobe_events"
UPROBECTL_MACHINE=armv7l "$U" -q add -e a32 "$FX/armhf/pie" fx_global '$arg1' '$ra' >"$out" 2>"$err" && ok || ko "arm add"
check grep -q "a32 $FX/armhf/pie:0x[0-9a-f]* %r0 %lr\$" "$T/uprobe_events"

# --- resolve prints exactly what add writes, for every option add takes
cp "$T/uprobe_events" "$T.same"
same_as_add() {
	"$U" resolve -q "$@" >"$out" 2>"$err" || { ko "resolve $*: $(cat "$err")"; return; }
	r=$(cat "$out")
	"$U" -q add "$@" >/dev/null 2>"$err" || { ko "add $*: $(cat "$err")"; return; }
	if [ "$(tail -n 1 "$T/uprobe_events")" = "$r" ]; then ok; else
		ko "resolve $* printed '$r', add wrote '$(tail -n 1 "$T/uprobe_events")'"; fi
}
same_as_add -e same_plain "$PIE" fx_global
same_as_add -r -e same_ret "$PIE" fx_global
same_as_add -g same-grp -e same_grp "$PIE" fx_global
same_as_add -e same_args0 --args 0 "$PIE" fx_global
same_as_add -e same_args7 --args 7 "$PIE" fx_global
same_as_add -e same_user "$PIE" fx_global 'n=$arg2:s32' '+0($arg1):string' '$ra' '%si'
same_as_add -r -e same_user_ret "$PIE" fx_global 'v=$retval:u16'
same_as_add -e same_plus "$PIE" fx_global+4
same_as_add -e same_raw "$PIE" "$off"
same_as_add "$PIE" fx_local
ln -s "$PIE" "$T.same-link"
same_as_add -e same_link "$T.same-link" fx_global
rm -f "$T.same-link"
same_as_add -e same_dbg --debug-dir "$FX/host/debug" "$FX/host/nopie-stripped" fx_local
UPROBECTL_MACHINE=aarch64 same_as_add -e same_sysroot --sysroot "$FX/aarch64" /pie-stripped fx_local
UPROBECTL_MACHINE=aarch64 same_as_add -e same_a64 "$FX/aarch64/pie" fx_global '$arg3' 'x=$sp'
# an offset in no symbol (the PLT): both name the event "probe"
plt=$(readelf -SW "$PIE" | awk '$2 == ".plt" { print "0x" $5 }')
same_as_add "$PIE" "$(printf '0x%x' "$plt")"
check grep -q "^p:uprobectl/probe $PIE:" "$T/uprobe_events"
cp "$T.same" "$T/uprobe_events"

# --- refusals: exit 2, one line, nothing written
save
refuse() {
	run 2 "$U" add "$@"
	one_err_line
	check unchanged
}
refuse pie fx_global
refuse /nonexistent fx_global
refuse /tmp fx_global
refuse "$PIE" fx_global '%x0'
refuse "$PIE" fx_global 'r=$retval'
refuse "$PIE" fx_global 'v=%di:string'
refuse -e 9lives "$PIE" fx_global
refuse "$PIE" fx_dup
refuse "$FX/armhf/thumb" fx_global
export UPROBECTL_MACHINE=aarch64
refuse "$FX/armhf/pie" fx_global
has_err "cannot probe AArch32"
export UPROBECTL_MACHINE=x86_64
refuse "$FX/aarch64/pie" fx_global	# an arm64 file on this x86_64 "kernel"
run 2 "$U" add "$PIE"
run 2 "$U" add --args 999 "$PIE" fx_global
run 1 "$U" add "$PIE" no_such_function
check unchanged

# --- a pattern: one probe per function, all or none
offs() { "$U" syms "$PIE" | awk -v n="$1" '$6 == n { print $3 }' | sort; }
run 0 "$U" add -g globs --dry-run "$PIE" 'fx_*'
check unchanged
has_err "probes, nothing written"
has_err "left out 1 IFUNC resolver"
# aliases (fx_alias, fx_global) are one probe, named after the shorter;
# statics of one name get unique event names, in address order
check grep -q "^p:globs/fx_alias $PIE:$off " "$out"
check [ "$(grep -c "^p:globs/fx_global " "$out")" = 0 ]
check [ "$(grep -c '^p:globs/fx_ifunc ' "$out")" = 0 ]
d1=$(offs fx_dup | head -n 1) d2=$(offs fx_dup | tail -n 1)
check grep -q "^p:globs/fx_dup $PIE:$d1 " "$out"
check grep -q "^p:globs/fx_dup_2 $PIE:$d2 " "$out"
n=$(wc -l <"$out")
check [ "$n" -ge 7 ]
refuse -g globs --max 3 "$PIE" 'fx_*'
has_err "matches $n functions, more than --max 3"
refuse -g globs -e one "$PIE" 'fx_*'
refuse -g globs "$PIE" 'no_such_*'
has_err "no function matches 'no_such_*'"
run 2 "$U" add -g globs --dry-run --enable "$PIE" 'fx_*'
run 0 "$U" add -g globs "$PIE" 'fx_dup*'
check [ "$(cat "$out")" = "$(sed -n '/^p:globs\/fx_dup/p' "$T/uprobe_events")" ]
check [ "$(grep -c '^p:globs/' "$T/uprobe_events")" = 4 ]
check [ "$(sed -n 's/^p:globs\/\([a-z0-9_]*\) .*/\1/p' "$T/uprobe_events" | tr '\n' ' ')" = \
	"fx_dup fx_dup_2 fx_dup_a_call fx_dup_b_call " ]
save
run 0 "$U" add -g globs "$PIE" 'fx_dup*'	# again: nothing written
check unchanged
check [ "$(grep -c "already defined" "$out")" = 4 ]
# one event of the pattern taken by another definition: nothing written
run 0 "$U" -q add -g globs -e fx_local "$PIE" fx_global
save
run 1 "$U" add -g globs "$PIE" 'fx_*'
one_err_line
has_err "globs/fx_local already exists"
check unchanged
# enabling the third fails (the fake tree has no event directory for it):
# the three this call created are removed again, newest first
mkev globs2 fx_dup
mkev globs2 fx_dup_2
run 1 "$U" add -g globs2 --enable "$PIE" 'fx_d*'
has_err "were not defined"
check [ "$(tail -n 3 "$T/uprobe_events" | tr '\n' ' ')" = \
	"-:globs2/fx_dup_a_call -:globs2/fx_dup_2 -:globs2/fx_dup " ]
check [ "$(grep -c '^p:globs2/' "$T/uprobe_events")" = 3 ]
rm -rf "$T/events/globs2"

# --- enable / disable: idempotent, only our events, tracing_on on enable
run 1 "$U" enable -g empty
has_err "no events"
mkev uprobectl fx_global
mkev uprobectl fx_ret
run 0 "$U" enable fx_global
check [ "$(cat "$T/events/uprobectl/fx_global/enable")" = 1 ]
check [ "$(cat "$T/tracing_on")" = 1 ]
run 0 "$U" enable fx_global
run 1 "$U" enable nosuch
has_err "no event uprobectl/nosuch"
run 2 "$U" enable 'bad name'
echo 0 >"$T/tracing_on"
run 0 "$U" enable
check [ "$(cat "$T/events/uprobectl/enable")" = 1 ]
run 0 "$U" disable
check [ "$(cat "$T/events/uprobectl/enable")" = 0 ]
check [ "$(cat "$T/tracing_on")" = 1 ]	# global: disable leaves it
run 0 "$U" disable
run 0 "$U" disable -g empty
check other_intact

# --- list
echo "  $PIE fx_global                              42" >"$T/uprobe_profile"
echo 1 >"$T/events/uprobectl/fx_global/enable"
run 0 "$U" list --json
json_ok 'length == 4'
json_ok '.[0].event == "fx_global" and .[0].symbol == "fx_global" and .[0].kind == "entry" and .[0].enabled == true and .[0].hits == 42'
json_ok '.[0].args == ["arg1=%di","arg2=%si","arg3=%dx","arg4=%cx","ra=+0(%sp)"]'
json_ok ".[1].kind == \"return\" and .[1].offset == $((off))"
run 0 "$U" list
check grep -q "fx_global .*entry .*yes .*42 .*$PIE:$off (fx_global)" "$out"
run 0 "$U" list -g other
check grep -q keep "$out"
run 0 "$U" list -g none
check grep -q "no events in group none" "$out"

# --- del: only our group; enabled needs --force
save
run 1 "$U" del fx_global
has_err "is enabled"
check unchanged
run 0 "$U" del --force fx_global
check [ "$(cat "$T/events/uprobectl/fx_global/enable")" = 0 ]
check [ "$(tail -n 1 "$T/uprobe_events")" = "-:uprobectl/fx_global" ]
run 1 "$U" del keep	# another group's event is not ours
has_err "no event uprobectl/keep"
run 2 "$U" del
run 2 "$U" del --all fx_global
check other_intact

# --- clear: disables the group, deletes each of its events
run 0 "$U" clear -g my-grp
check grep -q -- "-:my-grp/named" "$T/uprobe_events"
run 0 "$U" clear -g nothing-here
run 2 "$U" clear extra
check other_intact

# --- status
run 0 "$U" status
check grep -q "present, writable" "$out"
check grep -q "UPROBECTL_TRACEFS" "$out"
run 0 "$U" doctor --json
json_ok '.uprobe_events == "present, writable" and (.verdict | startswith("ready"))'
# semaphores: from the syntax the kernel's README gives uprobe_events (4.20+)
json_ok '.semaphores | startswith("no")'
printf '  place (uprobe): <path>:<offset>[%%return][(ref_ctr_offset)]\n' >"$T/README"
run 0 "$U" status --json
json_ok '.semaphores | startswith("yes")'
rm "$T/README"
mv "$T/uprobe_events" "$T/ue"
run 1 "$U" status
check grep -q "this kernel has no uprobe events" "$out"
run 1 "$U" list
has_err "CONFIG_UPROBE_EVENTS"
mv "$T/ue" "$T/uprobe_events"
run 1 "$U" status --tracefs /nonexistent
run 1 "$U" list --tracefs /nonexistent
one_err_line

# --- apply: a probe file, all or nothing
cat >"$T.conf" <<EOF
# comments, blank lines, quotes
$PIE fx_global   # trailing comment

-r -e "fx_ret2" $PIE fx_global 'ret=\$retval:s32'
EOF
save
run 1 "$U" apply -g boot --check "$T.conf"
check grep -q "^+ p:boot/fx_global $PIE:$off arg1=%di" "$out"
check grep -q '^+ r:boot/fx_ret2 .* ret=\$retval:s32$' "$out"
check unchanged
run 0 "$U" apply -g boot "$T.conf"
check grep -q "2 created, 0 replaced, 0 deleted, 0 unchanged" "$out"
check [ "$(grep -c '^[pr]:boot/' "$T/uprobe_events")" = 2 ]
save
run 0 "$U" apply -g boot --check "$T.conf"
check grep -q "in sync" "$out"
run 0 "$U" apply -g boot "$T.conf"
check grep -q "0 created, 0 replaced, 0 deleted, 2 unchanged" "$out"
check unchanged
for bad in "$PIE no_such_fn" "$PIE fx_global %x0" "pie fx_global" "-z $PIE main" "'$PIE main" \
	"-e fx_global $PIE main"; do
	{ cat "$T.conf"; echo "$bad"; } >"$T.bad"
	"$U" apply -g boot "$T.bad" >"$out" 2>"$err"
	st=$?
	if [ "$st" != 0 ] && unchanged && grep -q "$T.bad:5: " "$err" && [ "$(wc -l <"$err")" = 1 ]; then ok; else
		ko "bad line '$bad': exit $st"
	fi
done
run 2 "$U" apply --enable --disable "$T.conf"
run 2 "$U" apply
run 1 "$U" apply /nonexistent.conf
check other_intact

# --- answers and metrics: refusals before anything is written
save
run 2 "$U" count
run 2 "$U" count "$PIE"
run 2 "$U" count --engine bogus "$PIE" fx_global
has_err "--engine is kernel, user or auto"
run 2 "$U" count --by size "$PIE" fx_global
has_err "no fetch argument is named size"
one_err_line
run 2 "$U" hist "$PIE" fx_global
run 2 "$U" hist "$PIE" fx_global 'a=$arg1' 'b=$arg2'
run 2 "$U" hist --linear 0 "$PIE" fx_global 'a=$arg1'
run 2 "$U" latency -r "$PIE" fx_global
run 2 "$U" latency "$PIE" fx_global fx_local
run 2 "$U" latency --unit s "$PIE" fx_global
run 2 "$U" count -p 1 "$PIE" fx_global -- true
check unchanged
# metrics: the kernel's hit counter per probe, in the Prometheus format
printf '  /bin/true keep                                         7\n' >"$T/uprobe_profile"
run 0 "$U" metrics -g other
check grep -q '^uprobectl_probe_hits_total{group="other",event="keep",file="/bin/true"} 7$' "$out"
promtool check metrics <"$out" >/dev/null 2>&1 && ok || ko "promtool check metrics"
run 0 "$U" metrics -g other --textfile "$T.prom"
check grep -q 'event="keep"' "$T.prom"
check [ ! -e "$T.prom.tmp" ]
run 1 "$U" metrics -g other --textfile /nonexistent/dir/x.prom
one_err_line
rm -f "$T.prom"
: >"$T/uprobe_profile"

# --- help for every command the main help lists, and the alias
for c in $("$U" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ { on = 0 }') doctor; do
	run 0 "$U" "$c" --help
	check grep -q "^Usage: uprobectl $c\|^       uprobectl $c" "$out"
done
check [ "$("$U" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { n++ } /^$/ { on = 0 } END { print n }')" = 20 ]

echo "cli-tracefs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
