# VM test recipe for mips64el: Debian's 5Kc Malta kernel (an ELF vmlinuz)
# on QEMU's Malta board with a MIPS64R2 CPU, 8250 serial console.
KERNEL="linux-image-5kc-malta:mips64el"
QEMU="qemu-system-mips64el -M malta -cpu MIPS64R2-generic -m 512 -nic none"
CONSOLE=ttyS0
EXTRA=""
