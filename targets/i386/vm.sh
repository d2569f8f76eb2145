# VM test recipe for i386: Debian's 686 kernel (a bzImage) on QEMU's
# default PC, 8250 serial console; arguments are stack slots.
KERNEL="linux-image-686:i386"
QEMU="qemu-system-i386 -m 512 -nic none"
CONSOLE=ttyS0
EXTRA=""
