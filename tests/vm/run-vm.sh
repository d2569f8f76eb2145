#!/bin/sh
# run-vm.sh ARCH [KERNEL-ARGS...]: boot a real ARCH kernel under QEMU with a
# shell-free initramfs (our /init, the target's static uprobectl and test
# programs), and report what /init checked. A hang or a panic is a failure,
# shown with the console log.
#   ARCH: a make TARGET with a recipe: aarch64 armhf riscv64 ppc64el s390x
#         mips64el i386; extra words go to the kernel command line
#   VM_KERNEL: another kernel than the recipe's (tests/vm/kernel.sh's
#         forms: linux-image-6.12-arm64:arm64, linux-image-arm64:arm64@bullseye),
#         booted from a folder of its own
set -u
arch=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
vm=build/vm/$arch${VM_KERNEL:+-$(echo "$VM_KERNEL" | tr -c 'A-Za-z0-9.\n' _)}
# the make target's folder under targets/
case "$arch" in
armhf) recipe=targets/arm/vm.sh ;;
ppc64el) recipe=targets/ppc64/vm.sh ;;
mips64el) recipe=targets/mips/vm.sh ;;
*) recipe=targets/$arch/vm.sh ;;
esac
fail() { echo "vm-$arch: $*"; echo "vm-$arch: 0 passed, 1 failed"; exit 1; }
[ -r "$recipe" ] || fail "no VM recipe for $arch ($recipe)"
. "$recipe"

# a make of its own (not a job of the make that runs the boots in parallel)
MAKEFLAGS= make -s TARGET="$arch" vm-progs >/dev/null || fail "building the target's programs failed"
# what the recipe wants of the programs before they prove anything
if command -v vm_precheck >/dev/null; then
	vm_precheck "build/$arch/vm" || fail "the programs are not what $recipe needs (vm_precheck)"
fi
tests/vm/kernel.sh "${VM_KERNEL:-$KERNEL}" "$vm/kernel" || fail "no kernel"
rm -rf "$vm/root"
mkdir -p "$vm/root/bin" "$vm/root/tmp" "$vm/root/etc" "$vm/root/dev" "$vm/root/proc" "$vm/root/sys"
cp "build/$arch/uprobectl" "$vm/root/bin/uprobectl"
cp "build/$arch/vm/init" "$vm/root/init"
cp "build/$arch/vm/registers" "$vm/root/tmp/registers"
cp "build/$arch/vm/workload" "$vm/root/tmp/workload"
cp "build/$arch/vm/leaky" "$vm/root/tmp/leaky"
cp "build/$arch/vm/chain" "$vm/root/tmp/chain"
cp "build/$arch/vm/usdt" "$vm/root/tmp/usdt"
[ -e "build/$arch/vm/registers-thumb" ] && cp "build/$arch/vm/registers-thumb" "$vm/root/tmp/"
# upc.langs: a C++ program and a Go one
case " $* " in
*" upc.langs "*)
	cp "build/$arch/vm/shop" "$vm/root/tmp/shop" || fail "no shop for $arch"
	cp "build/$arch/vm/gotest" "$vm/root/tmp/gotest" || fail "no gotest for $arch"
	;;
esac
# upc.dwarf: the board's probe file for the stripped dwtest, made here on the
# build host from its debug file (found by build-id under --debug-dir) with
# the root filesystem as --sysroot, as a user would
case " $* " in
*" upc.dwarf "*)
	cp "build/$arch/vm/dwtest" "$vm/root/tmp/dwtest" || fail "no dwtest for $arch"
	host=build/host/uprobectl
	[ -x "$host" ] || MAKEFLAGS= make -s TARGET=host all >/dev/null || fail "no host uprobectl"
	id=$(readelf -n "build/$arch/vm/dwtest" | sed -n 's/^ *Build ID: *//p')
	dbg=$vm/debug/.build-id/$(echo "$id" | cut -c1-2)
	rm -rf "$vm/debug"
	mkdir -p "$dbg"
	cp "build/$arch/vm/dwtest.debug" "$dbg/$(echo "$id" | cut -c3-).debug"
	ll=$(grep -n 'L:local' tests/progs/dwtest.c | cut -d: -f1)
	res() { "$host" resolve --apply-line --sysroot "$vm/root" --debug-dir "$vm/debug" "$@"; }
	{
		res -e handle /tmp/dwtest handle 'len=r->len' 'path=r->path:string' 'b=r->b' \
			'in_id=r->in.id' 'flags=r->in.flags' 'items_2_id=r->items[2].id' \
			'name=r->name' 'color=r->color' 'small=r->small' 'sh=r->sh' n 's=s:string' &&
			res -e local /tmp/dwtest "dwtest.c:$ll" local dw_total dw_calls &&
			res /tmp/dwtest scale x &&
			res -e helper /tmp/dwtest helper@dwtest2.c v &&
			res -e many /tmp/dwtest many '$params'
	} >"$vm/root/etc/uprobectl-dwarf.conf" 2>"$vm/resolve.err" ||
		fail "resolve --apply-line on the host failed: $(cat "$vm/resolve.err")"
	;;
esac
# some kernels (ppc64el, s390x, mips64el, i386) give /init no stdout without it
mknod "$vm/root/dev/console" c 5 1 || fail "cannot create dev/console (needs root)"
# UPC_CONF: the board's /etc/uprobectl.conf, for a boot that uses apply
[ -n "${UPC_CONF:-}" ] && cp "$UPC_CONF" "$vm/root/etc/uprobectl.conf"
(cd "$vm/root" && find . -mindepth 1 | cpio -o -H newc --quiet -R 0:0) | gzip -9 >"$vm/initrd.gz"

# VM_MEM: the machine's memory in MB instead of the recipe's (a small board)
[ -n "${VM_MEM:-}" ] && QEMU=$(echo "$QEMU" | sed "s/-m [0-9]*/-m $VM_MEM/")
log=$vm/console.log
start=$(date +%s)
# shellcheck disable=SC2086
timeout 300 $QEMU -nographic -no-reboot -kernel "$vm/kernel" -initrd "$vm/initrd.gz" \
	-append "console=$CONSOLE rdinit=/init panic=-1 quiet $EXTRA $*" </dev/null >"$log" 2>&1
st=$?
secs=$(($(date +%s) - start))
tr -d '\r' <"$log" >"$log.txt"
result=$(grep '^VM-RESULT: ' "$log.txt")
if [ "$st" != 0 ] || [ -z "$result" ] || ! echo "$result" | grep -q ' 0 failed$'; then
	echo "---- console of the $arch VM (qemu exit $st after ${secs}s) ----"
	cat "$log.txt"
	echo "----"
	[ "$st" = 124 ] && fail "the VM hung (killed after 300 s)"
	[ -z "$result" ] && fail "the VM ended without a result (panic?)"
	n=$(echo "$result" | sed 's/VM-RESULT: \([0-9]*\) passed, \([0-9]*\) failed/\1 \2/')
	echo "vm-$arch: ${n% *} passed, ${n#* } failed"
	exit 1
fi
if [ -n "${SHOW_CONSOLE:-}" ]; then
	echo "---- console of the $arch VM ----"
	cat "$log.txt"
	echo "----"
else
	grep -E '^(PASS|FAIL|FOOTPRINT):' "$log.txt"
fi
n=$(echo "$result" | sed 's/VM-RESULT: \([0-9]*\) passed.*/\1/')
echo "vm-$arch: $n passed, 0 failed (booted and checked in ${secs}s)"
