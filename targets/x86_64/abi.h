/* x86_64, System V AMD64 ABI. Register names: arch/x86/kernel/ptrace.c
 * regoffset_table (the kernel spells them without the r/e prefix). At entry
 * the return address is the word at %sp, so stack arguments start at +8. */
{
	.name = "x86_64", .alias = "amd64",
	.uname = "x86_64",
	.multiarch = "x86_64-linux-gnu",
	.machine = 62, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" }, .nreg_args = 6,
	.stack_arg0 = 8,
	.retval = "%ax", .sp = "%sp", .ra = "+0(%sp)",
	.regs = "r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss",
	.insn_align = 1,
	.dwarf_regs = "ax dx cx bx si di bp sp r8 r9 r10 r11 r12 r13 r14 r15 ip",
	.usdt = UPC_USDT_X86,
	.usdt_alias =
		"rax=ax eax=ax al=ax rbx=bx ebx=bx bl=bx rcx=cx ecx=cx cl=cx rdx=dx "
		"edx=dx dl=dx rsi=si esi=si sil=si rdi=di edi=di dil=di rbp=bp ebp=bp "
		"bpl=bp rsp=sp esp=sp spl=sp r8d=r8 r8w=r8 r8b=r8 r9d=r9 r9w=r9 r9b=r9 "
		"r10d=r10 r10w=r10 r10b=r10 r11d=r11 r11w=r11 r11b=r11 r12d=r12 r12w=r12 "
		"r12b=r12 r13d=r13 r13w=r13 r13b=r13 r14d=r14 r14w=r14 r14b=r14 r15d=r15 "
		"r15w=r15 r15b=r15 rip=ip",
	/* Go: RAX RBX RCX RDI RSI R8..R11 (register ABI from Go 1.17), g in R14; ABI0 arguments from 8(SP) */
	.go_regs = { "%ax", "%bx", "%cx", "%di", "%si", "%r8", "%r9", "%r10", "%r11" },
	.go_nregs = 9, .go_regabi = 17, .go_stack_arg0 = 8, .go_g = "%r14",
},
