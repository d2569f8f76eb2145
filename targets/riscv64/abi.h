/* RISC-V, LP64 / ILP32: a0..a7 carry arguments, ra the return address. The
 * kernel knows ABI names only (arch/riscv/kernel/ptrace.c). Compressed
 * instructions make 2-byte alignment valid. */
{
	.name = "riscv64", .alias = "riscv",
	.uname = "riscv64",
	.multiarch = "riscv64-linux-gnu",
	.machine = 243, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%a0", "%a1", "%a2", "%a3", "%a4", "%a5", "%a6", "%a7" },
	.nreg_args = 8, .stack_arg0 = 0,
	.retval = "%a0", .sp = "%sp", .ra = "%ra",
	.regs = "epc ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 "
		"s6 s7 s8 s9 s10 s11 t3 t4 t5 t6 status badaddr cause orig_a0",
	.insn_align = 2,
	.dwarf_regs = "- ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6",
	.usdt_alias = "fp=s0",
	/* Go: X10..X17 X8 X9 X18..X23 (register ABI from Go 1.19), g in X27; ABI0 arguments from 8(X2) */
	.go_regs = { "%a0", "%a1", "%a2", "%a3", "%a4", "%a5", "%a6", "%a7", "%s0", "%s1", "%s2", "%s3", "%s4", "%s5", "%s6", "%s7" },
	.go_nregs = 16, .go_regabi = 19, .go_stack_arg0 = 8, .go_g = "%s11",
},
{
	.name = "riscv32",
	.uname = "riscv32",
	.machine = 243, .elfclass = 1, .ptr_size = 4,
	.arg_regs = { "%a0", "%a1", "%a2", "%a3", "%a4", "%a5", "%a6", "%a7" },
	.nreg_args = 8, .stack_arg0 = 0,
	.retval = "%a0", .sp = "%sp", .ra = "%ra",
	.regs = "epc ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 "
		"s6 s7 s8 s9 s10 s11 t3 t4 t5 t6 status badaddr cause orig_a0",
	.insn_align = 2,
	.dwarf_regs = "- ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6",
	.usdt_alias = "fp=s0",
},
