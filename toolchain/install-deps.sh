#!/bin/sh
# Install exactly the Debian packages one purpose needs, as root, with apt.
#
#   toolchain/install-deps.sh PURPOSE...
#
# PURPOSE is one of:
#   build            native build (gcc, make)
#   cross-aarch64    cross build for TARGET=aarch64 (musl from musl-dev:arm64, glibc fallback)
#   cross-armhf      cross build for TARGET=armhf (musl from musl-dev:armhf)
#   cross-riscv64    cross build for TARGET=riscv64
#   cross-x86_64-musl  static musl build for x86_64
#   cross-ppc64el, cross-s390x, cross-mips64el, cross-i386
#                    cross build for those targets (musl from musl-dev:ARCH)
#   test             unit/CLI/live tests: cmocka, binutils and libelf as oracles, clang for
#                    fuzzing, jq, busybox (the init script test), procps (pgrep) and
#                    libc6-dbg (libc's debug file: the stack test names its static start code),
#                    bpftrace (the answers suites compare count and hist with it),
#                    valgrind (leaks is compared with its --leak-check=full),
#                    gdb (its backtraces are the oracle of --stack),
#                    musl-tools (a musl program's libc, for library names), mount
#                    (leaks traces a process in a mount namespace of a tmpfs),
#                    prometheus (promtool) and prometheus-node-exporter (metrics),
#                    systemtap-sdt-dev (<sys/sdt.h>: the USDT test program),
#                    linux-perf (perf probe: the oracle of USDT definitions and of
#                    source-level fetch args), dwz (debug files sharing a dwz file),
#                    g++ and rustc (C++ and Rust test programs: demangling and names
#                    as written in the source), golang-go (Go test programs: its
#                    calling convention and return probes, amd64 and arm64)
#   test-foreign     ELF fixtures for every target (all cross compilers), the arm64 libc,
#                    the glibc and musl libraries of ppc64el, s390x, mips64el, i386, and
#                    every target's libstdc++ (demangling is compared on their names),
#                    and the s390x and i686 objdump (return instructions are compared
#                    with their disassembly)
#   qemu-user        user-mode QEMU to run foreign unit tests (and the armhf
#                    formatter check of make check)
#   test-aarch64     arm64 cmocka and libelf, for make check TARGET=aarch64
#   bench            the peer tools benchmarks compare against (perf, valgrind; jq),
#                    and golang-go (the Go program a plain r: probe crashes)
#   bench-peers      and the ones whose installed size is compared (bpftrace)
#   vm               system QEMU, cpio, what kernels need (Debian's arm64,
#                    armhf, ppc64el, s390x, mips64el and i386 kernels, a
#                    riscv64 one built from linux-source); with the
#                    cross-ARCH of each architecture booted, and
#                    systemtap-sdt-dev (<sys/sdt.h> for the USDT program),
#                    g++-aarch64-linux-gnu and golang-go (the arm64 boot's C++
#                    and Go programs)
#
# Packages that are already installed are skipped, so a second run does
# not touch apt at all. Not root: print what is missing and fail.
set -eu

pkgs=""
foreign=""
for purpose in "$@"; do
	case "$purpose" in
	build) pkgs="$pkgs gcc make libc6-dev" ;;
	cross-aarch64) pkgs="$pkgs gcc-aarch64-linux-gnu libc6-dev-arm64-cross musl-dev:arm64"; foreign="$foreign arm64" ;;
	cross-armhf) pkgs="$pkgs gcc-arm-linux-gnueabihf libc6-dev-armhf-cross musl-dev:armhf"; foreign="$foreign armhf" ;;
	cross-riscv64) pkgs="$pkgs gcc-riscv64-linux-gnu libc6-dev-riscv64-cross" ;;
	cross-x86_64-musl) pkgs="$pkgs musl-tools" ;;
	cross-ppc64el) pkgs="$pkgs gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross musl-dev:ppc64el"; foreign="$foreign ppc64el" ;;
	cross-s390x) pkgs="$pkgs gcc-s390x-linux-gnu libc6-dev-s390x-cross musl-dev:s390x"; foreign="$foreign s390x" ;;
	cross-mips64el) pkgs="$pkgs gcc-mips64el-linux-gnuabi64 libc6-dev-mips64el-cross musl-dev:mips64el"; foreign="$foreign mips64el" ;;
	cross-i386) pkgs="$pkgs gcc-i686-linux-gnu libc6-dev-i386-cross musl-dev:i386"; foreign="$foreign i386" ;;
	test) pkgs="$pkgs libcmocka-dev pkg-config binutils libelf-dev clang libclang-rt-14-dev jq busybox procps libc6-dbg bpftrace prometheus prometheus-node-exporter valgrind gdb musl-tools mount systemtap-sdt-dev linux-perf dwz g++ rustc golang-go" ;;
	test-foreign) pkgs="$pkgs gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross gcc-riscv64-linux-gnu libc6-dev-riscv64-cross libc6:arm64 libc6-ppc64el-cross libc6-s390x-cross libc6-mips64el-cross libc6-i386-cross musl:ppc64el musl:s390x musl:mips64el musl:i386 libstdc++6-arm64-cross libstdc++6-armhf-cross libstdc++6-riscv64-cross libstdc++6-ppc64el-cross libstdc++6-s390x-cross libstdc++6-mips64el-cross libstdc++6-i386-cross binutils-s390x-linux-gnu binutils-i686-linux-gnu"; foreign="$foreign arm64 ppc64el s390x mips64el i386" ;;
	qemu-user) pkgs="$pkgs qemu-user-static" ;;
	test-aarch64) pkgs="$pkgs libcmocka-dev:arm64 libelf-dev:arm64 libc6-dev:arm64 qemu-user-static binutils"; foreign="$foreign arm64" ;;
	bench) pkgs="$pkgs linux-perf valgrind jq golang-go" ;;
	bench-peers) pkgs="$pkgs linux-perf bpftrace" ;;
	vm) pkgs="$pkgs qemu-system-arm qemu-system-misc qemu-system-ppc qemu-system-mips qemu-system-x86 opensbi cpio xz-utils linux-source-6.1 flex bison bc libssl-dev libelf-dev gcc-riscv64-linux-gnu systemtap-sdt-dev g++-aarch64-linux-gnu golang-go"; foreign="$foreign arm64 armhf ppc64el s390x mips64el i386" ;;
	*) echo "install-deps: unknown purpose '$purpose'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in ii*) ;; *) missing="$missing $p" ;; esac
done
# a foreign architecture is needed even with nothing to install: the VM
# tests download kernels of it
new_arch=""
for a in $foreign; do
	dpkg --print-foreign-architectures | grep -qx "$a" || new_arch="$new_arch $a"
done
[ -n "$missing$new_arch" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing, architectures:$new_arch" \
		"(run as root, or install them)" >&2
	exit 1
fi

added=0
for a in $new_arch; do
	dpkg --add-architecture "$a"
	added=1
done

export DEBIAN_FRONTEND=noninteractive
# An index of a freshly added foreign architecture may fail to download
# (seen with a security mirror); the main index still serves what we need.
if [ "$added" = 1 ] || [ ! -e /var/lib/apt/periodic/uprobectl-updated ]; then
	apt-get update -q || echo "install-deps: apt-get update reported errors; continuing" >&2
	mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/uprobectl-updated
fi
[ -n "$missing" ] || exit 0
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing; then
	apt-get update -q || true
	apt-get install -y -q --no-install-recommends $missing
fi
