/* aarch64, AAPCS64: x0..x7 carry integer arguments, x30 (lr) the return
 * address. Register names: arch/arm64/kernel/ptrace.c regoffset_table. */
{
	.name = "aarch64", .alias = "arm64",
	.uname = "aarch64 arm64",
	.multiarch = "aarch64-linux-gnu",
	.machine = 183, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5", "%x6", "%x7" },
	.nreg_args = 8, .stack_arg0 = 0,
	.retval = "%x0", .sp = "%sp", .ra = "%x30",
	.regs = "x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 "
		"x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 x30 lr sp pc pstate",
	.insn_align = 4,
	.dwarf_regs = "x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 x30 sp",
	.usdt = UPC_USDT_BRACKET,
	.usdt_alias =
		"w0=x0 w1=x1 w2=x2 w3=x3 w4=x4 w5=x5 w6=x6 w7=x7 w8=x8 w9=x9 w10=x10 "
		"w11=x11 w12=x12 w13=x13 w14=x14 w15=x15 w16=x16 w17=x17 w18=x18 w19=x19 "
		"w20=x20 w21=x21 w22=x22 w23=x23 w24=x24 w25=x25 w26=x26 w27=x27 w28=x28 "
		"w29=x29 w30=x30 wsp=sp",
	/* Go: R0..R15 (register ABI from Go 1.18), g in R28; ABI0 arguments from 8(RSP) */
	.go_regs = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5", "%x6", "%x7", "%x8", "%x9", "%x10", "%x11", "%x12", "%x13", "%x14", "%x15" },
	.go_nregs = 16, .go_regabi = 18, .go_stack_arg0 = 8, .go_g = "%x28",
},
