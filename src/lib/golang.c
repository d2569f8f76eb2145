// SPDX-License-Identifier: MIT
/*
 * Go programs. A Go binary says what it is in its .go.buildinfo section:
 * the header "\xff Go buildinf:", the pointer size, flags, then (Go 1.18+,
 * flag 2) the version string inline, length-prefixed, or (older) a pointer
 * to a Go string {data, len} naming it. Older or stripped ones still have
 * a .note.go.buildid note or .gopclntab.
 *
 * Go functions do not take C's calling convention: from Go 1.17 on amd64
 * (1.18 arm64 and ppc64, 1.19 riscv64, 1.20 loong64) their integer
 * arguments and results are in Go's own registers (ABIInternal), before
 * that and on the other targets on the stack (ABI0). The registers are
 * per architecture data (targets/<arch>/abi.h); here a view of the
 * architecture with them is made for translating fetch args.
 *
 * A uretprobe replaces the return address on the stack with the kernel's
 * trampoline; when the goroutine's stack grows it is copied elsewhere and
 * Go's runtime, walking it, finds an address it does not know and aborts
 * (golang/go#22008). So a return on a Go function is an entry probe on each
 * of its return instructions, found by decoding the function's code:
 * fixed-width words on arm64, ppc64, mips and loongarch, RISC-V's 2 or 4
 * byte forms, s390x's lengths from the opcode, and an instruction-length
 * decoder on x86 (prefixes, REX, VEX, EVEX, ModRM, SIB, displacements,
 * immediates), where a byte C3 inside an instruction is no return.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>

#include "upc_internal.h"

#define GO_BUILDINFO_MAGIC "\xff Go buildinf:"

/* "go1.N..." anywhere in s (a devel version says "devel go1.22-..."). */
static void parse_version(struct upc_go *g, const char *s, size_t len)
{
	size_t n = len < sizeof(g->version) - 1 ? len : sizeof(g->version) - 1;

	memcpy(g->version, s, n);
	g->version[n] = '\0';
	for (size_t i = 0; i + 4 < n; i++) {
		unsigned minor = 0;
		size_t k;

		if (memcmp(g->version + i, "go1.", 4))
			continue;
		for (k = i + 4; k < n && g->version[k] >= '0' && g->version[k] <= '9'; k++)
			minor = minor * 10 + (unsigned)(g->version[k] - '0');
		if (k > i + 4) {
			g->major = 1;
			g->minor = minor;
		}
		return;
	}
}

/* A Go varint at *p inside [*p, end), advancing; false past the end. */
static bool uvarint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		unsigned char b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

/* The version in .go.buildinfo: inline (1.18+), or through the pointer to
 * runtime.buildVersion's string header (older). */
static void buildinfo(struct upc_elf *e, const struct upc_shdr *sh, struct upc_go *g)
{
	const struct upc_img *img = &e->img;
	const unsigned char *h = upc_span(img, sh->offset, 32), *p, *end;
	unsigned ptr;
	uint64_t len, addr, off;

	if (!h || memcmp(h, GO_BUILDINFO_MAGIC, 14))
		return;
	ptr = h[14];
	if (h[15] & 2) {
		p = upc_span(img, sh->offset + 32, 1);
		end = img->map + (sh->offset + sh->size <= img->size ? sh->offset + sh->size :
				  img->size);
		if (p && uvarint(&p, end, &len) && len <= (uint64_t)(end - p))
			parse_version(g, (const char *)p, (size_t)len);
		return;
	}
	if (ptr != 4 && ptr != 8)
		return;
	/* the string header {data, len} at the first pointer */
	addr = ptr == 8 ? upc_rd64(img, h + 16) : upc_rd32(img, h + 16);
	if (upc_elf_map_addr(e, addr, false, &off) || !(p = upc_span(img, off, 2 * ptr)))
		return;
	len = ptr == 8 ? upc_rd64(img, p + 8) : upc_rd32(img, p + 4);
	addr = ptr == 8 ? upc_rd64(img, p) : upc_rd32(img, p);
	if (len && len < 64 && !upc_elf_map_addr(e, addr, false, &off) &&
	    (p = upc_span(img, off, len)))
		parse_version(g, (const char *)p, (size_t)len);
}

int upc_elf_go(struct upc_elf *e, struct upc_go *g)
{
	const struct upc_arch *a = upc_elf_arch(e);
	struct upc_shdr sh;

	memset(g, 0, sizeof(*g));
	if (!upc_elf_find_section(e, ".go.buildinfo", &sh)) {
		g->go = true;
		buildinfo(e, &sh, g);
	} else {
		g->go = upc_elf_has_section(e, ".note.go.buildid") ||
			upc_elf_has_section(e, ".gopclntab");
	}
	/* the register ABI from its version on (unknown: the stack ABI) */
	g->regabi = g->go && a->go_regabi && g->major == 1 && g->minor >= a->go_regabi;
	return 0;
}

bool upc_go_function(struct upc_elf *e, const struct upc_sym *s, struct upc_go *g)
{
	if (upc_elf_go(e, g) || !g->go)
		return false;
	/* NAME.abi0: a stack-ABI wrapper of an assembly function */
	return !(s->name_len > 5 && !memcmp(s->name + s->name_len - 5, ".abi0", 5));
}

void upc_go_view(const struct upc_arch *a, const struct upc_go *g, struct upc_arch *view)
{
	*view = *a;
	memset(view->arg_regs, 0, sizeof(view->arg_regs));
	view->nreg_args = 0;
	view->stack_arg0 = a->go_stack_arg0;
	view->retval = NULL;	/* the stack ABI's results follow the arguments */
	view->flags = (a->flags & ~UPC_ARCH_RETVAL_REG) | UPC_ARCH_GO_RET;
	/* amd64's stack ABI keeps g in thread-local storage */
	if (a->machine == EM_X86_64 && !g->regabi)
		view->go_g = NULL;
	if (g->regabi) {
		for (unsigned i = 0; i < a->go_nregs; i++)
			view->arg_regs[i] = a->go_regs[i];
		view->nreg_args = a->go_nregs;
		view->retval = a->go_regs[0];
	}
}

/* ---- return instructions ------------------------------------------------------ */

/* x86 opcode map 1, one byte per opcode: M has a ModRM byte; the
 * immediate: B 1 byte, W 2, Z 2 or 4 (operand size), V 2, 4 or 8 (mov
 * r, imm with REX.W), O a moffs (address size), E enter's 3, F far 4 or 6
 * (32-bit only); P a prefix, X invalid here, G F6/F7 (TEST has one) */
enum { I_NONE, I_B, I_W, I_Z, I_V, I_O, I_E, I_F, I_G };
#define M 0x10
#define X 0x20
static const unsigned char map1[256] = {
	/* 00 */ M, M, M, M, I_B, I_Z, 0, 0, M, M, M, M, I_B, I_Z, 0, X,
	/* 10 */ M, M, M, M, I_B, I_Z, 0, 0, M, M, M, M, I_B, I_Z, 0, 0,
	/* 20 */ M, M, M, M, I_B, I_Z, X, 0, M, M, M, M, I_B, I_Z, X, 0,
	/* 30 */ M, M, M, M, I_B, I_Z, X, 0, M, M, M, M, I_B, I_Z, X, 0,
	/* 40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 60 */ 0, 0, M, M, X, X, X, X, I_Z, M | I_Z, I_B, M | I_B, 0, 0, 0, 0,
	/* 70 */ I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B,
	/* 80 */ M | I_B, M | I_Z, M | I_B, M | I_B, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, I_F, 0, 0, 0, 0, 0,
	/* a0 */ I_O, I_O, I_O, I_O, 0, 0, 0, 0, I_B, I_Z, 0, 0, 0, 0, 0, 0,
	/* b0 */ I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_V, I_V, I_V, I_V, I_V, I_V, I_V, I_V,
	/* c0 */ M | I_B, M | I_B, I_W, 0, M, M, M | I_B, M | I_Z, I_E, 0, I_W, 0, 0, I_B, 0, 0,
	/* d0 */ M, M, M, M, I_B, I_B, 0, 0, M, M, M, M, M, M, M, M,
	/* e0 */ I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_B, I_Z, I_Z, I_F, I_B, 0, 0, 0, 0,
	/* f0 */ X, 0, X, X, 0, 0, M | I_G, M | I_G, 0, 0, 0, 0, 0, 0, M, M,
};

/* map 2 (0F xx): with a ModRM byte but for these; the ones with an
 * immediate byte, and jcc rel32 (0F 80..8F) */
static bool map2_modrm(unsigned op)
{
	return !((op >= 0x04 && op <= 0x0c && op != 0x0d) || op == 0x0e ||
		 (op >= 0x30 && op <= 0x37) || op == 0x77 || (op >= 0x80 && op <= 0x8f) ||
		 (op >= 0xa0 && op <= 0xa2) || (op >= 0xa8 && op <= 0xaa) ||
		 (op >= 0xc8 && op <= 0xcf));
}

static bool map2_imm8(unsigned op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xa4 || op == 0xac || op == 0xba ||
	       op == 0xc2 || (op >= 0xc4 && op <= 0xc6) || op == 0x0f;
}

/* The ModRM byte at p and what follows it (SIB, displacement): its
 * length, 0 past the end. */
static size_t modrm_len(const unsigned char *p, size_t n, bool addr16)
{
	unsigned mod, rm, len = 1;

	if (!n)
		return 0;
	mod = p[0] >> 6;
	rm = p[0] & 7;
	if (mod == 3)
		return 1;
	if (addr16) {
		len += mod == 1 ? 1 : mod == 2 ? 2 : rm == 6 ? 2 : 0;
		return len <= n ? len : 0;
	}
	if (rm == 4) {
		if (n < 2)
			return 0;
		len++;
		if (mod == 0 && (p[1] & 7) == 5)
			len += 4;
	}
	len += mod == 1 ? 1 : mod == 2 ? 4 : rm == 5 ? 4 : 0;
	return len <= n ? len : 0;
}

/* The length of the x86 instruction at p (n bytes there), 0 when it cannot
 * be decoded; *ret whether it is a near return (C3, C2 iw). */
static size_t x86_len(const unsigned char *p, size_t n, bool is64, bool *ret)
{
	size_t i = 0, m;
	bool opsize = false, addr16 = false, a67 = false, rexw = false, modrm, imm8 = false;
	unsigned op, f, imm = 0;

	*ret = false;
	/* legacy prefixes, then REX (64-bit) */
	for (; i < n && i < 14; i++) {
		unsigned b = p[i];

		if (b == 0x66)
			opsize = true;
		else if (b == 0x67)
			a67 = true, addr16 = !is64;
		else if (!(b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 ||
			   b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65))
			break;
	}
	if (i < n && is64 && (p[i] & 0xf0) == 0x40)
		rexw = p[i++] & 8;
	if (i >= n)
		return 0;
	op = p[i++];
	/* VEX (C4, C5) and EVEX (62): in 32-bit mode only when the next byte
	 * could not be a ModRM of LES, LDS or BOUND (mod 11) */
	if ((op == 0xc4 || op == 0xc5 || op == 0x62) && (is64 || (i < n && p[i] >> 6 == 3))) {
		unsigned map = 1, payload = op == 0xc5 ? 1 : op == 0xc4 ? 2 : 3;

		if (i + payload >= n)
			return 0;
		if (op != 0xc5)
			map = p[i] & (op == 0x62 ? 7 : 0x1f);
		i += payload;
		op = p[i++];
		if (map == 1 && op == 0x77)
			return i;	/* vzeroupper, vzeroall: no ModRM */
		if ((m = modrm_len(p + i, n - i, false)) == 0)
			return 0;
		i += m;
		if (map == 3 || (map == 1 && map2_imm8(op)))
			i++;
		return i <= n ? i : 0;
	}
	if (op == 0x0f) {
		if (i >= n)
			return 0;
		op = p[i++];
		if (op == 0x38 || op == 0x3a) {
			imm8 = op == 0x3a;
			if (i >= n)
				return 0;
			i++;	/* the opcode */
			modrm = true;
		} else {
			modrm = map2_modrm(op);
			imm8 = map2_imm8(op);
			if (op >= 0x80 && op <= 0x8f)
				imm = is64 ? 4 : opsize ? 2 : 4;
		}
		if (modrm) {
			if ((m = modrm_len(p + i, n - i, addr16)) == 0)
				return 0;
			i += m;
		}
		i += imm8 ? 1 : imm;
		return i <= n ? i : 0;
	}
	f = map1[op];
	if ((f & X) || (is64 && (op == 0x9a || op == 0xea || (op >= 0x06 && op <= 0x07) ||
				 op == 0x0e || op == 0x16 || op == 0x17 || op == 0x1e ||
				 op == 0x1f || op == 0x27 || op == 0x2f || op == 0x37 ||
				 op == 0x3f || op == 0x60 || op == 0x61 || op == 0x82 ||
				 op == 0xce || op == 0xd4 || op == 0xd5 || op == 0xd6)))
		return 0;
	if (f & M) {
		if ((m = modrm_len(p + i, n - i, addr16)) == 0)
			return 0;
		/* F6 /0 /1 and F7 /0 /1: TEST with an immediate */
		if ((f & 0xf) == I_G && ((p[i] >> 3) & 7) < 2)
			imm = op == 0xf6 ? 1 : opsize ? 2 : 4;
		/* 8F with reg != 0 is XOP, not POP */
		if (op == 0x8f && ((p[i] >> 3) & 7))
			return 0;
		i += m;
	}
	switch (f & 0xf) {
	case I_B: imm = 1; break;
	case I_W: imm = 2; break;
	case I_Z: imm = (op == 0xe8 || op == 0xe9) && is64 ? 4 : opsize ? 2 : 4; break;
	case I_V: imm = rexw ? 8 : opsize ? 2 : 4; break;
	case I_O: imm = is64 ? (a67 ? 4 : 8) : addr16 ? 2 : 4; break;
	case I_E: imm = 3; break;
	case I_F: imm = opsize ? 4 : 6; break;
	default: break;
	}
	*ret = op == 0xc3 || op == 0xc2;
	i += imm;
	return i <= n ? i : 0;
}

/* Is the fixed-width word w a return of machine m (Go's RET)? */
static bool word_is_ret(unsigned m, uint32_t w)
{
	switch (m) {
	case EM_AARCH64:
		return (w & 0xfffffc1f) == 0xd65f0000;	/* ret xN */
	case EM_PPC64:
	case EM_PPC:
		return w == 0x4e800020;			/* blr */
	case EM_MIPS:
		return w == 0x03e00008;			/* jr ra */
	case 258:					/* EM_LOONGARCH */
		return w == 0x4c000020;			/* jirl zero, ra, 0 */
	case EM_ARM:
		/* bx lr; mov pc, lr; ldr pc, [sp], #N (Go's, popping its frame) */
		return w == 0xe12fff1e || w == 0xe1a0f00e || (w & 0xfffff000) == 0xe49df000;
	default:
		return false;
	}
}

int upc_go_returns(struct upc_elf *e, const struct upc_sym *s, uint64_t *off, size_t max)
{
	const struct upc_img *img = &e->img;
	const unsigned char *code;
	unsigned m = e->machine;
	size_t n = 0, len;

	if (s->offset == UPC_NO_OFFSET || !s->size || !(code = upc_span(img, s->offset, s->size))) {
		pr_err("%s: '%.*s': its code is not in the file", e->path, (int)s->name_len,
		       s->name);
		return -EINVAL;
	}
	for (uint64_t at = 0; at < s->size; at += len) {
		const unsigned char *p = code + at;
		size_t left = (size_t)(s->size - at);
		bool ret = false;

		if (m == EM_X86_64 || m == EM_386) {
			len = x86_len(p, left, m == EM_X86_64, &ret);
		} else if (m == EM_RISCV) {
			/* 16 or 32 bits from the low two; ret is jalr x0, 0(ra),
			 * or c.jr ra */
			len = left >= 2 && (p[0] & 3) != 3 ? 2 : left >= 4 ? 4 : 0;
			ret = len == 4 ? upc_rd32(img, p) == 0x00008067 : len == 2 &&
			      upc_rd16(img, p) == 0x8082;
		} else if (m == EM_S390) {
			/* 2, 4 or 6 bytes from the first two bits; br %r14 */
			len = p[0] < 0x40 ? 2 : p[0] < 0xc0 ? 4 : 6;
			len = len <= left ? len : 0;
			ret = len == 2 && p[0] == 0x07 && p[1] == 0xfe;
		} else {
			len = left >= 4 ? 4 : 0;
			ret = len && word_is_ret(m, upc_rd32(img, p));
		}
		if (!len) {
			pr_err("%s: '%.*s': cannot decode its instruction at +0x%llx, so its return "
			       "instructions are not known", e->path, (int)s->name_len, s->name,
			       (unsigned long long)at);
			return -EINVAL;
		}
		if (ret && n < max)
			off[n] = s->offset + at;
		n += ret;
	}
	return (int)(n < max ? n : max);
}

#define MAX_RETURNS 64

static int go_return_matches(struct upc_elf *e, const char *spec, struct upc_match **out)
{
	struct upc_location loc;
	struct upc_go g;
	uint64_t off[MAX_RETURNS];
	char base[UPC_NAME_MAX + 1];
	struct upc_match *m;
	int n, err;

	*out = NULL;
	upc_log_quiet(true);
	err = upc_resolve(e, spec, &loc);
	upc_log_quiet(false);
	if (err || !loc.sym.name || loc.sym_off || !upc_go_function(e, &loc.sym, &g))
		return 0;	/* not one: described the usual way (or refused there) */
	if ((n = upc_go_returns(e, &loc.sym, off, MAX_RETURNS)) < 0)
		return n;
	if (!n) {
		pr_err("%s: the Go function '%.*s' has no return instruction (it never returns, "
		       "or only by a tail call): it has no return to probe", e->path,
		       (int)loc.sym.name_len, loc.sym.name);
		return -EINVAL;
	}
	if (!(m = calloc((size_t)n, sizeof(*m))))
		return -ENOMEM;
	upc_event_name(loc.sym.name, loc.sym.name_len, base, sizeof(base));
	for (int i = 0; i < n; i++) {
		size_t len = loc.sym.name_len + 24;

		m[i].name = strndup(loc.sym.name, loc.sym.name_len);
		m[i].spec = malloc(len);
		if (!m[i].name || !m[i].spec) {
			upc_matches_free(m, n);
			return -ENOMEM;
		}
		snprintf(m[i].spec, len, "%.*s+0x%llx", (int)loc.sym.name_len, loc.sym.name,
			 (unsigned long long)(off[i] - loc.sym.offset));
		m[i].value = loc.sym.value;
		m[i].addr = loc.sym.addr + (off[i] - loc.sym.offset);
		m[i].offset = off[i];
		/* main_f, main_f_2, ...: the head kept for the suffix */
		if (i)
			snprintf(m[i].event, sizeof(m[i].event), "%.*s_%d",
				 (int)(UPC_NAME_MAX - 4), base, i + 1);
		else
			snprintf(m[i].event, sizeof(m[i].event), "%s", base);
	}
	*out = m;
	return n;
}

int upc_go_return_matches(struct upc_elf *e, const char *spec, struct upc_match **out)
{
	unsigned mark = upc_log_errors();

	return upc_explained(go_return_matches(e, spec, out), mark, spec);
}
