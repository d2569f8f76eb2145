#!/bin/sh
# Footprint, per target: the binary's size, and the peak RSS of
# `uprobectl add` and of `uprobectl stream` over N records, measured inside
# a VM of that architecture (x86_64-musl on this host, as root); next to
# them, the installed size of bpftrace with its libraries and of perf.
#   bench_footprint.sh MEASURE REGISTERS [N]
set -u
M=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
REG=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
N=${3:-10000}
cd "$(dirname "$0")/../.."
failed=0
kib() { echo $((($1 + 1023) / 1024)); }
# the files of a program and of every library it loads, in KiB
closure() {
	{ echo "$1"; ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'; } |
		xargs -r readlink -f | sort -u | xargs -r stat -L -c %s | awk '{ s += $1 } END { print int(s / 1024) }'
}

echo "== footprint (budget: the static aarch64 full build at most 256 KiB) =="
for t in aarch64 armhf riscv64 ppc64el s390x mips64el i386 x86_64-musl; do
	if ! make -s TARGET=$t >/dev/null; then
		echo "  $t: the build failed: no figures"
		failed=1
		continue
	fi
	size=$(stat -c %s build/$t/uprobectl)
	case $t in
	x86_64-musl)
		if [ "$(id -u)" = 0 ]; then
			u=build/$t/uprobectl
			cp "$REG" /tmp/registers
			a=$($M 1 "$u" add -g upc_fp /tmp/registers wrapper_strerror)
			# the stream first; the program once its instance has
			# the group enabled, so no record is missed
			$M 1 "$u" stream -g upc_fp --instance upc_fp -c "$N" -d 60 >"$REG.str" &
			i=0
			until [ "$(cat /sys/kernel/tracing/instances/upc_fp/events/upc_fp/enable 2>/dev/null)" = 1 ]; do
				[ $i -lt 200 ] || break
				sleep 0.05
				i=$((i + 1))
			done
			/tmp/registers "$N" >/dev/null 2>&1
			wait
			s=$(cat "$REG.str")
			rm -f "$REG.str"
			"$u" -q clear -g upc_fp
			add=- str=-
			[ "${a##* }" = 0 ] && add=$(echo "$a" | cut -d' ' -f2)
			[ "${s##* }" = 0 ] && str=$(echo "$s" | cut -d' ' -f2)
			[ "$add" != - ] && [ "$str" != - ] || failed=1
			rm -f /tmp/registers
			where="this host"
		else
			add=- str=- where="(needs root)"
		fi ;;
	*)
		fp=$(tests/vm/run-vm.sh $t "upc.bench=$N" | sed -n 's/^FOOTPRINT: //p')
		[ -n "$fp" ] || { echo "  $t: the VM run failed: no figures"; failed=1; continue; }
		add=$(echo "$fp" | sed -n 's/.*add_rss_kib=\([0-9]*\).*/\1/p')
		str=$(echo "$fp" | sed -n 's/.*stream_rss_kib=\([0-9]*\).*/\1/p')
		where="its VM" ;;
	esac
	printf '  %-12s %7s bytes (%4s KiB)  peak RSS: add %5s KiB, stream of %s records %5s KiB  (%s)\n' \
		"$t" "$size" "$(kib "$size")" "${add:--}" "$N" "${str:--}" "$where"
	[ "$t" = aarch64 ] && awk -v s="$size" 'BEGIN { printf "  %-12s %s the budget of 262,144 bytes by %d bytes\n", "", \
		s <= 262144 ? "within" : "over", s <= 262144 ? 262144 - s : s - 262144 }'
	# the C++/Rust demangler is a build-time feature (make DEMANGLE=0)
	if [ "$t" = aarch64 ] && make -s TARGET=$t O=build/$t-nodemangle DEMANGLE=0 >/dev/null; then
		nd=$(stat -c %s build/$t-nodemangle/uprobectl)
		printf '  %-12s without the demangler (DEMANGLE=0) %s bytes: it is %s bytes\n' "" \
			"$nd" "$((size - nd))"
	fi
done
bt=$(command -v bpftrace)
pf=$(command -v perf)
printf '  for comparison, installed with their libraries: bpftrace %s KiB, perf %s KiB\n' \
	"${bt:+$(closure "$bt")}" "${pf:+$(closure "$pf")}"
exit "$failed"
