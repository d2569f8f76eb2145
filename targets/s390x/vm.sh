# VM test recipe for s390x (big-endian): Debian's s390x kernel on QEMU's
# default machine (no BIOS with -kernel), SCLP line console.
KERNEL="linux-image-s390x:s390x"
QEMU="qemu-system-s390x -m 512 -nic none"
CONSOLE=ttysclp0
EXTRA=""
