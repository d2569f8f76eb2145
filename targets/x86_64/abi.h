/* x86_64, System V AMD64 ABI. Register names: arch/x86/kernel/ptrace.c
 * regoffset_table (the kernel spells them without the r/e prefix). At entry
 * the return address is the word at %sp, so stack arguments start at +8. */
{
	.name = "x86_64", .alias = "amd64",
	.uname = "x86_64",
	.machine = 62, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" }, .nreg_args = 6,
	.stack_arg0 = 8,
	.retval = "%ax", .sp = "%sp", .ra = "+0(%sp)",
	.regs = "r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss",
	.insn_align = 1,
},
