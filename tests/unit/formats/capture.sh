#!/bin/sh
# capture.sh [ARCH...]: the format files of the VM kernels (and of this
# machine's) that the unit tests decode records through: a uprobe with
# every fetch type, its return probe, and the scheduler's exec and exit
# events. Each goes to tests/unit/formats/KERNEL-ARCH-NAME.format. Run by
# hand when a kernel is added; the files are kept in the tree.
#   ARCH: a VM target (aarch64 armhf riscv64 ppc64el s390x mips64el i386),
#         or host (this machine, as root)
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/tests/unit/formats
cd "$top"
[ $# -gt 0 ] || set -- host aarch64 armhf s390x i386 mips64el
for arch in "$@"; do
	if [ "$arch" = host ]; then
		log=$(mktemp)
		T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
		U=build/host/uprobectl
		make -s build/host/uprobectl build/test/registers
		$U add -g upc_fmt -e types "$top/build/test/registers" wrapper_strerror 'a=$arg1' \
			'b=$arg1:u8' 'c=$arg1:s16' 'd=$arg4:x32' 'e=$arg2:u64' 'f=$arg2:s64' \
			'g=$arg2:x8' 's=+0($arg3):string' 'us=+0($arg3):ustring' \
			'ch=+0($arg3):char' 'arr=+0($arg2):x16[3]' 'bf=$arg1:b4@1/32' \
			'sa=+0($arg2):s8[2]' 'ua=+0($arg2):u32[2]' 'cm=$comm' 'st=$stack1' >/dev/null
		$U add -g upc_fmt -r -e ret "$top/build/test/registers" wrapper_strerror \
			'ret=$retval:s32' >/dev/null
		for n in entry:upc_fmt/types return:upc_fmt/ret exec:sched/sched_process_exec \
			exit:sched/sched_process_exit; do
			printf 'FORMAT-BEGIN %s\n' "${n%%:*}"
			cat "$T/events/${n#*:}/format"
			printf 'FORMAT-END\n'
		done >"$log"
		$U clear -g upc_fmt >/dev/null
		kernel=$(uname -r | cut -d. -f1-2)
		march=$(uname -m)
	else
		tests/vm/run-vm.sh "$arch" upc.formats >/dev/null
		log=build/vm/$arch/console.log.txt
		kernel=$(sed -n 's/^kernel *\([0-9]*\.[0-9]*\).*/\1/p' "$log" | head -n 1)
		march=$arch
	fi
	awk -v dir="$out" -v pre="$kernel-$march" '
		/^FORMAT-BEGIN / { f = dir "/" pre "-" $2 ".format"; next }
		/^FORMAT-END/ { close(f); f = ""; next }
		f { print > f }' "$log"
	echo "captured $kernel-$march"
done
