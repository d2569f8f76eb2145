/* i386, System V cdecl: every argument on the stack, above the return
 * address. Register names: arch/x86/kernel/ptrace.c (32-bit). */
{
	.name = "i386", .alias = "x86",
	.uname = "i686 i386", .runs_on = "x86_64",
	.multiarch = "i386-linux-gnu",
	.machine = 3, .elfclass = 1, .ptr_size = 4,
	.nreg_args = 0, .stack_arg0 = 4,
	.retval = "%ax", .sp = "%sp", .ra = "+0(%sp)",
	.regs = "bx cx dx si di bp ax ds es fs gs orig_ax ip cs flags sp ss",
	.insn_align = 1,
	.dwarf_regs = "ax cx dx bx sp bp si di ip",
	.usdt = UPC_USDT_X86,
	.usdt_alias = "eax=ax al=ax ebx=bx bl=bx ecx=cx cl=cx edx=dx dl=dx esi=si edi=di ebp=bp esp=sp",
	/* Go: ABI0 only (arguments from 4(SP)), g in thread-local storage */
	.go_stack_arg0 = 4, .go_g = NULL,
},
