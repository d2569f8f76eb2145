#!/bin/sh
# Footprint, per target: the binary's size, and the peak RSS of
# `uprobectl add` and of `uprobectl stream` over N records, measured inside
# a VM of that architecture (x86_64-musl on this host, as root); next to
# them, the installed size of bpftrace with its libraries and of perf.
#   bench_footprint.sh MEASURE REGISTERS [N]
set -u
M=$1 REG=$2 N=${3:-10000}
cd "$(dirname "$0")/../.."
kib() { echo $((($1 + 1023) / 1024)); }
# the files of a program and of every library it loads, in KiB
closure() {
	{ echo "$1"; ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'; } |
		xargs -r readlink -f | sort -u | xargs -r stat -L -c %s | awk '{ s += $1 } END { print int(s / 1024) }'
}

echo "== footprint (goal: the static aarch64 binary at most 150 KiB) =="
for t in aarch64 armhf riscv64 x86_64-musl; do
	make -s TARGET=$t >/dev/null || continue
	size=$(stat -c %s build/$t/uprobectl)
	case $t in
	x86_64-musl)
		if [ "$(id -u)" = 0 ]; then
			u=build/$t/uprobectl
			cp "$REG" /tmp/registers
			add=$($M 1 "$u" add -g upc_fp /tmp/registers wrapper_strerror | cut -d' ' -f2)
			"$u" -q enable -g upc_fp
			/tmp/registers "$N" >/dev/null 2>&1 &
			str=$($M 1 "$u" stream -g upc_fp --instance upc_fp -c "$N" -d 60 | cut -d' ' -f2)
			wait
			"$u" -q clear -g upc_fp
			rm -f /tmp/registers
			where="this host"
		else
			add=- str=- where="(needs root)"
		fi ;;
	*)
		fp=$(tests/vm/run-vm.sh $t "upc.bench=$N" | sed -n 's/^FOOTPRINT: //p')
		add=$(echo "$fp" | sed -n 's/.*add_rss_kib=\([0-9]*\).*/\1/p')
		str=$(echo "$fp" | sed -n 's/.*stream_rss_kib=\([0-9]*\).*/\1/p')
		where="its VM" ;;
	esac
	printf '  %-12s %7s bytes (%4s KiB)  peak RSS: add %5s KiB, stream of %s records %5s KiB  (%s)\n' \
		"$t" "$size" "$(kib "$size")" "${add:--}" "$N" "${str:--}" "$where"
done
bt=$(command -v bpftrace)
pf=$(command -v perf)
printf '  for comparison, installed with their libraries: bpftrace %s KiB, perf %s KiB\n' \
	"${bt:+$(closure "$bt")}" "${pf:+$(closure "$pf")}"
