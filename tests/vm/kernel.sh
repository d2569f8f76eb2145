#!/bin/sh
# kernel.sh KERNEL OUT: put a bootable kernel at OUT, as the KERNEL line of
# a target's recipe (targets/*/vm.sh) says:
#   META:DEBARCH  Debian's own kernel, the image that meta-package of the
#                 foreign architecture DEBARCH depends on, downloaded and
#                 unpacked (boot/vmlinuz-* or the ELF boot/vmlinux-*);
#                 META:DEBARCH@SUITE from that suite (bullseye: 5.10)
#   build         riscv64: Debian 12 has no riscv64 kernel package; a small
#                 one is built from Debian's linux-source-6.1 with
#                 targets/riscv64/kernel.config
# Results are kept in /var/cache/uprobectl-vm (the built one under a sum of
# the source and the config), so a second run, or a fresh clone on the same
# machine, reuses them.
set -eu
kernel=$1 out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=/var/cache/uprobectl-vm
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")	# the build below cd's
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

debian_kernel() {	# META-PACKAGE DEBARCH (APT_OPTS: another suite's)
	# shellcheck disable=SC2086
	pkg=$(apt-cache ${APT_OPTS:-} depends "$1:$2" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -n 1)
	[ -n "$pkg" ] || { echo "kernel.sh: no $1:$2 in apt (is the $2 architecture added?)" >&2; exit 1; }
	key=$cache/$pkg.vmlinuz
	if [ ! -s "$key" ]; then
		# shellcheck disable=SC2086
		(cd "$work" && apt-get ${APT_OPTS:-} download -q -o APT::Sandbox::User=root "$pkg:$2" >/dev/null)
		dpkg-deb -x "$work"/"$pkg"_*.deb "$work/x"
		mkdir -p "$cache"
		cp "$work"/x/boot/vmlinu[xz]-* "$key.tmp" && mv "$key.tmp" "$key"
	fi
	cp "$key" "$out"
}

# META:DEBARCH@SUITE: from another suite of the same Debian mirror
# (bullseye's 5.10), its package lists kept apart under the cache: the
# machine's own apt sources are not touched
other_suite() {	# SUITE DEBARCH: sets APT_SUITE, the apt options that read it
	dir=$cache/apt-$1
	mirror=$(sed -n 's/^deb \(\[[^]]*\] \)*\(https*:[^ ]*\) .*/\2/p' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security | head -n 1)
	[ -n "$mirror" ] || mirror=$(sed -n 's/^URIs: *\(https*:[^ ]*\).*/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)
	mkdir -p "$dir/lists/partial" "$dir/archives/partial"
	echo "deb [arch=$2] ${mirror:-http://deb.debian.org/debian} $1 main" >"$dir/sources.list"
	APT_SUITE="-o Dir::Etc::SourceList=$dir/sources.list -o Dir::Etc::SourceParts=/nonexistent
		-o Dir::State::Lists=$dir/lists -o Dir::Cache=$dir -o Dir::Cache::pkgcache=
		-o Dir::Cache::srcpkgcache="
	[ -n "$(ls "$dir/lists" 2>/dev/null | grep -v partial)" ] ||
		apt-get -q $APT_SUITE update >/dev/null
}

case "$kernel" in
*:*@*)
	suite=${kernel#*@} kernel=${kernel%@*}
	other_suite "$suite" "${kernel#*:}"
	APT_OPTS=$APT_SUITE debian_kernel "${kernel%:*}" "${kernel#*:}" ;;
*:*) debian_kernel "${kernel%:*}" "${kernel#*:}" ;;
build)
	src=$(ls /usr/src/linux-source-*.tar.xz | head -n 1)
	sum=$(cat "$src" "$top/targets/riscv64/kernel.config" | md5sum | cut -c1-12)
	key=$cache/riscv64-$sum.Image
	if [ ! -s "$key" ]; then
		echo "kernel.sh: building a riscv64 kernel from $(basename "$src") (3 to 4 minutes on 2 cores)"
		tar -C "$work" -xJf "$src"
		(
			# its own make, not a job of the one that runs the boots
			unset MAKEFLAGS MFLAGS
			cd "$work"/linux-source-*
			make -s ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- tinyconfig >/dev/null
			scripts/kconfig/merge_config.sh -m .config "$top/targets/riscv64/kernel.config" >/dev/null
			make -s ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- olddefconfig >/dev/null
			for opt in UPROBE_EVENTS SERIAL_8250_CONSOLE BLK_DEV_INITRD DEVTMPFS; do
				grep -q "^CONFIG_$opt=y" .config || { echo "kernel.sh: CONFIG_$opt did not stick" >&2; exit 1; }
			done
			make -s -j"$(nproc)" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- Image
			mkdir -p "$cache"
			cp arch/riscv/boot/Image "$key.tmp" && mv "$key.tmp" "$key"
		)
	fi
	cp "$key" "$out"
	;;
*) echo "kernel.sh: KERNEL='$kernel' is neither META:DEBARCH nor build" >&2; exit 2 ;;
esac
