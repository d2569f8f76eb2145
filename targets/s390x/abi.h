/* s390x: r2..r6 carry arguments, r14 the return address, r15 the stack
 * pointer; stack arguments follow the 160-byte register save area.
 * Register names: arch/s390/kernel/ptrace.c. */
{
	.name = "s390x", .alias = "s390",
	.uname = "s390x",
	.multiarch = "s390x-linux-gnu",
	.machine = 22, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%r2", "%r3", "%r4", "%r5", "%r6" }, .nreg_args = 5,
	.stack_arg0 = 160,
	.retval = "%r2", .sp = "%r15", .ra = "%r14",
	.regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15",
	.insn_align = 2,
	.dwarf_regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15",
	/* Go: ABI0 only (arguments from 8(R15)), g in R13 */
	.go_stack_arg0 = 8, .go_g = "%r13",
},
