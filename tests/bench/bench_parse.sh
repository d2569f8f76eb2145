#!/bin/sh
# Parse throughput: uprobectl parse (JSON and text) over LINES real-format
# trace lines, next to cat of the same file, as lines per second and ratios.
#   bench_parse.sh UPROBECTL MEASURE WORKDIR [LINES]
set -u
U=$1 M=$2 W=$3 N=${4:-1000000}
f=$W/bench-trace.txt
mkdir -p "$W"
# entry, return and string records as the kernel prints them, values varied
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++) {
		t = sprintf("%d.%06d", 2000 + i / 100000, i % 1000000)
		if (i % 3 == 0)
			printf "       registers-%d   [%03d] DBZff %s: wrapper_strerror: (0x55bab93d5232) arg1=0x%x arg2=0x7ffce6c75f20 arg3=0x55baed3702b0 arg4=0x%x ra=0x55bab93d546f\n", 20000 + i % 500, i % 4, t, i % 133 + 1, 511 - i % 133
		else if (i % 3 == 1)
			printf "       registers-%d   [%03d] DBZff %s: wret: (0x55bab93d546f <- 0x55bab93d5232) ret=%d rx=0x%x\n", 20000 + i % 500, i % 4, t, i % 133 + 1, i % 133 + 1
		else
			printf "       registers-%d   [%03d] DBZff %s: rep: (0x55bab93d51e9) msg=\"Operation not permitted\" n=%d ch=%cO%c arr={79,112,101,114}\n", 20000 + i % 500, i % 4, t, i % 133, 39, 39
	}
}' >"$f"
echo "== parse: $N lines ($(($(stat -c %s "$f") / 1048576)) MiB), median of 3 runs =="
rate() { awk -v n="$N" -v ms="$1" 'BEGIN { printf "%.2f M lines/s", n / ms / 1000 }'; }
c=$($M 3 cat "$f")
j=$($M 3 "$U" parse --json "$f")
t=$($M 3 "$U" parse "$f")
# a figure only for runs that did what they say: every run exited 0, and
# parse gave one record per line
for r in "cat:$c" "parse --json:$j" "parse:$t"; do
	st=${r##* }
	[ "$st" = 0 ] || { echo "  ${r%%:*} failed (exit $st): no figures"; rm -f "$f"; exit 1; }
done
n_json=$("$U" parse --json "$f" | wc -l)
[ "$n_json" = "$N" ] || { echo "  parse --json gave $n_json records for $N lines: no figures"; rm -f "$f"; exit 1; }
c_ms=${c%% *} j_ms=${j%% *} t_ms=${t%% *}
printf '  cat              %8s ms  %s\n' "$c_ms" "$(rate "$c_ms")"
printf '  parse --json     %8s ms  %s  (goal: 2 M lines/s per core); %s\n' "$j_ms" "$(rate "$j_ms")" \
	"$(awk -v a="$j_ms" -v b="$c_ms" 'BEGIN { printf "%.1fx the time of cat", a / b }')"
printf '  parse (text)     %8s ms  %s; %s\n' "$t_ms" "$(rate "$t_ms")" \
	"$(awk -v a="$t_ms" -v b="$c_ms" 'BEGIN { printf "%.1fx the time of cat", a / b }')"
rm -f "$f"
