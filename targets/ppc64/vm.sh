# VM test recipe for ppc64el: Debian's powerpc64le kernel (an ELF vmlinux)
# on QEMU's pseries machine with its built-in firmware (x-vof: no SLOF,
# about 3 s to a result instead of 10), hypervisor console.
KERNEL="linux-image-powerpc64le:ppc64el"
QEMU="qemu-system-ppc64 -M pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off,x-vof=on -m 512 -nic none"
CONSOLE=hvc0
EXTRA=""
# The probed function must have an ELFv2 local entry (its callers enter
# 8 bytes in, past the TOC set-up), so the records prove that uprobectl
# probes there and not at the symbol's value.
vm_precheck() {
	readelf -sW "$1/registers" | grep -q '\[<localentry>: 8\].* wrapper_strerror$'
}
