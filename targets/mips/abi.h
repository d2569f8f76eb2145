/* MIPS: o32 (ELF32) passes four arguments in r4..r7 and reserves 16 bytes
 * of stack for them; n64 (ELF64) passes eight in r4..r11. r31 holds the
 * return address, r29 is the stack pointer. Register names:
 * arch/mips/kernel/ptrace.c. $retval may be negated by the syscall-error
 * logic there: %r2 is safer for return probes. */
#define UPC_MIPS_REGS \
	"r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 " \
	"r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31 hi lo c0_status c0_badvaddr " \
	"c0_cause c0_epc"
/* the ABI names gcc may print in USDT operands ($sp, $a0) */
#define UPC_MIPS_USDT \
	"zero=r0 at=r1 v0=r2 v1=r3 a0=r4 a1=r5 a2=r6 a3=r7 a4=r8 a5=r9 a6=r10 a7=r11 " \
	"s0=r16 s1=r17 s2=r18 s3=r19 s4=r20 s5=r21 s6=r22 s7=r23 gp=r28 sp=r29 fp=r30 " \
	"s8=r30 ra=r31"
{
	.name = "mips",
	.uname = "mips", .runs_on = "mips64",
	.multiarch = "mipsel-linux-gnu",
	.machine = 8, .elfclass = 1, .ptr_size = 4,
	.arg_regs = { "%r4", "%r5", "%r6", "%r7" }, .nreg_args = 4,
	.stack_arg0 = 16,
	.retval = "%r2", .sp = "%r29", .ra = "%r31",
	.regs = UPC_MIPS_REGS,
	.insn_align = 4,
	.dwarf_regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31",
	.flags = UPC_ARCH_RETVAL_REG,
	.usdt_alias = UPC_MIPS_USDT,
	/* Go: ABI0 only (arguments from 4(R29)), g in R30 */
	.go_stack_arg0 = 4, .go_g = "%r30",
},
{
	.name = "mips64",
	.uname = "mips64",
	.multiarch = "mips64el-linux-gnuabi64",
	.machine = 8, .elfclass = 2, .ptr_size = 8,
	.arg_regs = { "%r4", "%r5", "%r6", "%r7", "%r8", "%r9", "%r10", "%r11" },
	.nreg_args = 8, .stack_arg0 = 0,
	.retval = "%r2", .sp = "%r29", .ra = "%r31",
	.regs = UPC_MIPS_REGS,
	.insn_align = 4,
	.dwarf_regs = "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31",
	.flags = UPC_ARCH_RETVAL_REG,
	.usdt_alias = UPC_MIPS_USDT,
	/* Go: ABI0 only (arguments from 8(R29)), g in R30 */
	.go_stack_arg0 = 8, .go_g = "%r30",
},
#undef UPC_MIPS_REGS
#undef UPC_MIPS_USDT
