/* LoongArch64, LP64: r4..r11 (a0..a7) carry arguments, r1 (ra) the return
 * address, r3 the stack pointer. Register names:
 * arch/loongarch/kernel/ptrace.c regoffset_table. */
{
	.name = "loongarch64", .alias = "loongarch",
	.uname = "loongarch64",
	.multiarch = "loongarch64-linux-gnu",
	.machine = 258, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%r4", "%r5", "%r6", "%r7", "%r8", "%r9", "%r10", "%r11" },
	.nreg_args = 8, .stack_arg0 = 0,
	.retval = "%r4", .sp = "%r3", .ra = "%r1",
	.regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 "
		"r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31 orig_a0 csr_era "
		"csr_badvaddr csr_crmd csr_prmd csr_euen csr_ecfg csr_estat",
	.insn_align = 4,
	.dwarf_regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31",
	.usdt_alias = "a0=r4 a1=r5 a2=r6 a3=r7 a4=r8 a5=r9 a6=r10 a7=r11 ra=r1 sp=r3 fp=r22",
	/* Go: R4..R19 (register ABI from Go 1.20), g in R22; ABI0 arguments from 8(R3) */
	.go_regs = { "%r4", "%r5", "%r6", "%r7", "%r8", "%r9", "%r10", "%r11", "%r12", "%r13", "%r14", "%r15", "%r16", "%r17", "%r18", "%r19" },
	.go_nregs = 16, .go_regabi = 20, .go_stack_arg0 = 8, .go_g = "%r22",
},
