/* 32-bit ARM, AAPCS: r0..r3 carry arguments, lr the return address. The
 * kernel only probes ARM-mode code: bit 0 of st_value marks a Thumb function,
 * which it would decode as ARM and kill the process with SIGILL. Register
 * names: arch/arm/kernel/ptrace.c (no r11..r15: fp ip sp lr pc). */
{
	.name = "arm", .alias = "armhf",
	.uname = "armv",
	.multiarch = "arm-linux-gnueabihf",
	.refusal = "the kernel cannot probe AArch32 tasks",
	.machine = 40, .elfclass = 1, .ptr_size = 4,
	.arg_regs = { "%r0", "%r1", "%r2", "%r3" }, .nreg_args = 4,
	.stack_arg0 = 0,
	.retval = "%r0", .sp = "%sp", .ra = "%lr",
	.regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 fp ip sp lr pc cpsr ORIG_r0",
	.insn_align = 4,
	.dwarf_regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 fp ip sp lr pc",
	.flags = UPC_ARCH_THUMB_BIT,
	.usdt = UPC_USDT_BRACKET,
	.usdt_alias = "r11=fp r12=ip r13=sp r14=lr r15=pc",
	/* Go: ABI0 only (arguments from 4(R13)), g in R10 */
	.go_stack_arg0 = 4, .go_g = "%r10",
},
