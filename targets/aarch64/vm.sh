# VM test recipe for aarch64: Debian's arm64 kernel (an uncompressed Image
# with an EFI stub) on QEMU's virt machine, PL011 serial console.
KERNEL="linux-image-arm64:arm64"
QEMU="qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -nic none"
CONSOLE=ttyAMA0
EXTRA=""
