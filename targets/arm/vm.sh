# VM test recipe for armhf: Debian's armmp-lpae kernel (a zImage) on QEMU's
# virt machine; ARM-mode programs, and a Thumb one that must be refused.
KERNEL="linux-image-armmp-lpae:armhf"
QEMU="qemu-system-arm -M virt -cpu cortex-a15 -m 512 -nic none"
CONSOLE=ttyAMA0
EXTRA="upc.thumb"
