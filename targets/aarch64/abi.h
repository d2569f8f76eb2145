/* aarch64, AAPCS64: x0..x7 carry integer arguments, x30 (lr) the return
 * address. Register names: arch/arm64/kernel/ptrace.c regoffset_table. */
{
	.name = "aarch64", .alias = "arm64",
	.uname = "aarch64 arm64",
	.machine = 183, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5", "%x6", "%x7" },
	.nreg_args = 8, .stack_arg0 = 0,
	.retval = "%x0", .sp = "%sp", .ra = "%x30",
	.regs = "x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 "
		"x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 x30 lr sp pc pstate",
	.insn_align = 4,
},
