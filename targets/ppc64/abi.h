/* 64-bit PowerPC: r3..r10 carry arguments, the link register the return
 * address; ELFv2 stack arguments follow a 32-byte frame header and eight
 * parameter-save slots. ELFv2 symbols carry a local entry point in st_other
 * (the global entry sets up r2 first); ELFv1 function symbols name an .opd
 * descriptor whose first word is the code address. Register names:
 * arch/powerpc/kernel/ptrace/ptrace.c. $retval may be negated by the
 * syscall-error logic there: %r3 is safer for return probes. */
#define UPC_PPC_REGS \
	"r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 " \
	"r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31 gpr0 gpr1 gpr2 gpr3 gpr4 gpr5 " \
	"gpr6 gpr7 gpr8 gpr9 gpr10 gpr11 gpr12 gpr13 gpr14 gpr15 gpr16 gpr17 gpr18 " \
	"gpr19 gpr20 gpr21 gpr22 gpr23 gpr24 gpr25 gpr26 gpr27 gpr28 gpr29 gpr30 " \
	"gpr31 nip msr ctr link xer ccr softe trap dar dsisr"
{
	.name = "ppc64", .alias = "ppc64le",
	.uname = "ppc64",
	.multiarch = "powerpc64le-linux-gnu",
	.machine = 21, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%r3", "%r4", "%r5", "%r6", "%r7", "%r8", "%r9", "%r10" },
	.nreg_args = 8, .stack_arg0 = 96,
	.retval = "%r3", .sp = "%r1", .ra = "%link",
	.regs = UPC_PPC_REGS,
	.insn_align = 4,
	.dwarf_regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31",
	.flags = UPC_ARCH_PPC64_ENTRY | UPC_ARCH_PPC64_OPD | UPC_ARCH_RETVAL_REG,
	.usdt = UPC_USDT_NUMREG,
	/* Go: R3..R10 R14..R17 (register ABI from Go 1.18), g in R30; ABI0 arguments from 32(R1) */
	.go_regs = { "%r3", "%r4", "%r5", "%r6", "%r7", "%r8", "%r9", "%r10", "%r14", "%r15", "%r16", "%r17" },
	.go_nregs = 12, .go_regabi = 18, .go_stack_arg0 = 32, .go_g = "%r30",
},
{
	.name = "ppc",
	.uname = "ppc",
	.multiarch = "powerpc-linux-gnu",
	.machine = 20, .elfclass = 1, .ptr_size = 4,
	.arg_regs = { "%r3", "%r4", "%r5", "%r6", "%r7", "%r8", "%r9", "%r10" },
	.nreg_args = 8, .stack_arg0 = 8,
	.retval = "%r3", .sp = "%r1", .ra = "%link",
	.regs = UPC_PPC_REGS,
	.insn_align = 4,
	.dwarf_regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31",
	.flags = UPC_ARCH_RETVAL_REG,
	.usdt = UPC_USDT_NUMREG,
},
#undef UPC_PPC_REGS
