#!/bin/sh
# Live tests of what a board keeps from boot and how a fleet reads it: apply
# --filter (checked before the kernel, kept, compared, updated in place),
# --count/--hist (refused clearly where the kernel has no hist triggers),
# and metrics: checked by promtool, written atomically, and served by a
# real node_exporter's textfile collector, read back over HTTP.
#   test_metrics.sh UPROBECTL REGISTERS
set -u
SUITE=live-metrics
. "$(dirname "$0")/lib.sh"
U=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
R=/tmp/upc-metrics-registers
work=$(mktemp -d)
exporter=
trap '[ -n "$exporter" ] && kill $exporter; "$U" -q clear -g upc_metrics; rm -rf "$work" "$R"' EXIT
live_tracefs
cp "$2" "$R"
G=upc_metrics
snapshot() { cat "$T/uprobe_events"; ls "$T/instances"; }
snapshot >"$work/before"

# --- apply --filter: only the calls it matches are recorded
cat >"$work/conf" <<EOF2
--filter "arg1 > 3" $R wrapper_strerror
$R wrapper_report
EOF2
"$U" apply -g $G --enable "$work/conf" >"$work/out" 2>&1 || ko "apply --filter: $(cat "$work/out")"
check grep -q "^arg1 > 3" "$T/events/$G/wrapper_strerror/filter"
"$U" apply -g $G --check "$work/conf" >"$work/out" 2>&1
check grep -q "in sync" "$work/out"
"$R" 6 >/dev/null
"$U" metrics -g $G >"$work/m" 2>"$work/err" || ko "metrics: $(cat "$work/err")"
# the kernel's hit counter counts every call; the filter keeps records
check grep -q "^uprobectl_probe_hits_total{group=\"$G\",event=\"wrapper_strerror\",file=\"$R\"} 6\$" "$work/m"
check grep -q "^uprobectl_probe_hits_total{group=\"$G\",event=\"wrapper_report\",file=\"$R\"} 6\$" "$work/m"
check [ "$(grep -c "wrapper_strerror:" "$T/trace")" = 3 ]
promtool check metrics <"$work/m" >"$work/out" 2>&1 || ko "promtool: $(cat "$work/out")"
ok
# another filter: updated in place, nothing else changes
sed -i 's/arg1 > 3/arg1 > 4 \&\& common_pid != 1/' "$work/conf"
"$U" apply -g $G --check "$work/conf" >"$work/out" 2>&1
check grep -q '^~ p:upc_metrics/wrapper_strerror .*\[filter: arg1 > 4 && common_pid != 1\]' "$work/out"
"$U" apply -g $G "$work/conf" >"$work/out" 2>&1
check grep -q "0 created, 0 replaced, 0 deleted, 1 unchanged, 1 with new filters or counts" "$work/out"
check grep -q "^arg1 > 4 && common_pid != 1" "$T/events/$G/wrapper_strerror/filter"
# a filter naming no field of the event: refused before the kernel sees it
cat "$T/uprobe_events" >"$work/events"	# tracefs files have size 0: no cp
same_events() { cat "$T/uprobe_events" | cmp -s "$work/events" -; }
printf -- '--filter "errno > 3" %s wrapper_strerror\n' "$R" >"$work/bad"
"$U" apply -g $G "$work/bad" >"$work/out" 2>&1
check [ $? = 2 ]
check grep -q "has no field 'errno' (it has: common_pid, comm, CPU, arg1, arg2, arg3, arg4, ra)" "$work/out"
check [ "$(wc -l <"$work/out")" = 1 ]
check same_events
check grep -q "^arg1 > 4" "$T/events/$G/wrapper_strerror/filter"
# --count and --hist keep counts in the kernel: refused where it cannot
if [ ! -e "$T/events/$G/wrapper_strerror/hist" ]; then
	printf -- '--count %s wrapper_strerror\n' "$R" >"$work/count"
	"$U" apply -g $G "$work/count" >"$work/out" 2>&1
	check [ $? = 2 ]
	check grep -q "no hist triggers (CONFIG_HIST_TRIGGERS)" "$work/out"
	check same_events
fi

# --- metrics --textfile: written atomically, served by node_exporter
command -v prometheus-node-exporter >/dev/null ||
	skip "no prometheus-node-exporter (toolchain/install-deps.sh test installs it)"
mkdir "$work/textfile"
"$U" metrics -g $G --textfile "$work/textfile/uprobectl.prom" || ko "metrics --textfile"
check [ ! -e "$work/textfile/uprobectl.prom.tmp" ]
check cmp -s "$work/textfile/uprobectl.prom" "$work/m"
port=$((20000 + $$ % 20000))
prometheus-node-exporter --web.listen-address=127.0.0.1:$port --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$work/textfile" >"$work/exporter.log" 2>&1 &
exporter=$!
i=0
until busybox wget -qO "$work/scrape" "http://127.0.0.1:$port/metrics" 2>/dev/null; do
	[ $i -lt 100 ] || break
	sleep 0.1
	i=$((i + 1))
done
check grep -q "^uprobectl_probe_hits_total{event=\"wrapper_report\",file=\"$R\",group=\"$G\"} 6\$" "$work/scrape"
# no scrape error for our file
check grep -q '^node_textfile_scrape_error 0$' "$work/scrape"
"$U" -q clear -g $G
snapshot >"$work/after"
check cmp -s "$work/before" "$work/after"
finish
