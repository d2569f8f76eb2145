# VM test recipe for riscv64: a kernel built from Debian's linux-source
# (kernel.config beside this file) on QEMU's virt machine with its default
# OpenSBI, 8250 serial console.
KERNEL=build
QEMU="qemu-system-riscv64 -M virt -m 512 -nic none"
CONSOLE=ttyS0
EXTRA=""
