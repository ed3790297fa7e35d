/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): the guest kernel
 * writes straight into its read-only page tables, the write faults, and the
 * runtime does it for it, with the same checks and adjustments as
 * mmu_update. Linux needs this (ptep_get_and_clear is an xchg on the PTE).
 * Only the instruction forms kernels use on page-table entries are decoded:
 * mov, xchg, cmpxchg, bts/btr and or/and, each on the faulting address.
 */
#include "guests/pvrt/rt.h"

#define RFLAGS_CF 1ull
#define RFLAGS_ZF 0x40ull

enum ptwr_op { OP_MOV, OP_XCHG, OP_CMPXCHG, OP_BTS, OP_BTR, OP_OR, OP_AND };

struct insn {
	enum ptwr_op op;
	unsigned len, size, reg;
	bool src_imm;
	uint64_t imm;
};

uint64_t *rt_frame_gpr(struct pvrt_frame *f, unsigned n);

/* Bytes taken by ModRM, SIB and displacement starting at p. */
static unsigned modrm_len(const uint8_t *p)
{
	unsigned mod = p[0] >> 6, rm = p[0] & 7, n = 1;

	if (mod == 3)
		return 1;
	if (rm == 4) {
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		n += 4;
	}
	return n + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

static bool decode(const uint8_t *p, struct insn *in)
{
	unsigned i = 0, rex = 0, ml;
	bool op16 = false;

	for (; i < 6; i++) {
		if (p[i] == 0x66)
			op16 = true;
		else if (p[i] != 0xf0 && p[i] != 0x2e && p[i] != 0x3e && p[i] != 0x26 &&
			 p[i] != 0x36 && p[i] != 0x64 && p[i] != 0x65)
			break;
	}
	if ((p[i] & 0xf0) == 0x40)
		rex = p[i++];
	in->size = (rex & 8) ? 8 : op16 ? 2 : 4;
	in->src_imm = false;
	in->imm = 0;
	if (p[i] == 0x0f) {
		const uint8_t *m = p + i + 2;

		ml = modrm_len(m);
		in->reg = ((m[0] >> 3) & 7) | ((rex & 4) ? 8 : 0);
		switch (p[i + 1]) {
		case 0xb1: in->op = OP_CMPXCHG; break;
		case 0xab: in->op = OP_BTS; break;
		case 0xb3: in->op = OP_BTR; break;
		case 0xba:
			if (((m[0] >> 3) & 7) != 5 && ((m[0] >> 3) & 7) != 6)
				return false;
			in->op = ((m[0] >> 3) & 7) == 5 ? OP_BTS : OP_BTR;
			in->src_imm = true;
			in->imm = m[ml];
			in->len = i + 2 + ml + 1;
			return true;
		default: return false;
		}
		in->len = i + 2 + ml;
		return true;
	}
	ml = modrm_len(p + i + 1);
	in->reg = ((p[i + 1] >> 3) & 7) | ((rex & 4) ? 8 : 0);
	in->len = i + 1 + ml;
	switch (p[i]) {
	case 0x89: in->op = OP_MOV; return true;
	case 0x87: in->op = OP_XCHG; return true;
	case 0x09: in->op = OP_OR; return true;
	case 0x21: in->op = OP_AND; return true;
	case 0x08: in->op = OP_OR; in->size = 1; return true;
	case 0x20: in->op = OP_AND; in->size = 1; return true;
	case 0x88: in->op = OP_MOV; in->size = 1; return true;
	case 0xc6: case 0x80: case 0xc7: case 0x81: case 0x83: {
		unsigned sub = (p[i + 1] >> 3) & 7;
		unsigned isz = (p[i] == 0x83 || p[i] == 0x80 || p[i] == 0xc6) ? 1 : op16 ? 2 : 4;
		int64_t imm = isz == 1 ? (int8_t)p[in->len] :
			      isz == 2 ? (int16_t)(p[in->len] | p[in->len + 1] << 8) :
			      (int32_t)((uint32_t)p[in->len] | (uint32_t)p[in->len + 1] << 8 |
					(uint32_t)p[in->len + 2] << 16 | (uint32_t)p[in->len + 3] << 24);

		bool is_mov = p[i] == 0xc7 || p[i] == 0xc6;

		if (is_mov ? sub != 0 : (sub != 1 && sub != 4))
			return false;
		if (p[i] == 0x80 || p[i] == 0xc6)
			in->size = 1;
		in->op = is_mov ? OP_MOV : sub == 1 ? OP_OR : OP_AND;
		in->src_imm = true;
		in->imm = (uint64_t)imm;
		in->len += isz;
		return true;
	}
	}
	return false;
}

/* Apply the instruction to the entry's bytes [off, off+size); false: cmpxchg failed. */
static bool apply(struct pvrt_frame *f, const struct insn *in, uint64_t *entry, unsigned off)
{
	uint64_t mask = in->size == 8 ? ~0ull : ((1ull << (in->size * 8)) - 1);
	uint64_t old = (*entry >> (off * 8)) & mask;
	uint64_t src = in->src_imm ? in->imm : *rt_frame_gpr(f, in->reg);
	uint64_t val = old, bit;

	switch (in->op) {
	case OP_MOV: val = src; break;
	case OP_XCHG: val = src; *rt_frame_gpr(f, in->reg) = old; break;
	case OP_CMPXCHG:
		if (old != (f->rax & mask)) {
			f->rax = in->size == 4 ? old : (f->rax & ~mask) | old;
			f->rflags &= ~RFLAGS_ZF;
			return false;
		}
		f->rflags |= RFLAGS_ZF;
		val = src;
		break;
	case OP_BTS: case OP_BTR:
		bit = 1ull << (src & (in->size * 8 - 1));
		f->rflags = (old & bit) ? f->rflags | RFLAGS_CF : f->rflags & ~RFLAGS_CF;
		val = in->op == OP_BTS ? old | bit : old & ~bit;
		break;
	case OP_OR: val = old | src; break;
	case OP_AND: val = old & src; break;
	}
	val &= mask;
	if (in->op == OP_OR || in->op == OP_AND)
		f->rflags = val ? f->rflags & ~RFLAGS_ZF : f->rflags | RFLAGS_ZF;
	*entry = (*entry & ~(mask << (off * 8))) | (val << (off * 8));
	return true;
}

bool rt_ptwr(struct pvrt_vcpu *c, struct pvrt_frame *f, uint64_t cr2)
{
	uint8_t code[16];
	uint64_t maddr, entry;
	struct insn in;
	unsigned off = cr2 & 7;

	/*
	 * Page tables are written through the kernel's own mappings. A write to
	 * a user address (put_user, a signal frame) that faults on a read-only
	 * page is copy-on-write, whatever the frame was used for before.
	 */
	if (!c->in_kernel || (f->error & 3) != 3 || cr2 < XEN_HYPERVISOR_VIRT_START)
		return false;
	if (!rt_va_to_table_entry(c, cr2, &maddr, &entry))
		return false;
	if (rt_copy_from_guest(code, f->rip, sizeof(code)) || !decode(code, &in) ||
	    off + in.size > 8)
		return false;
	if (apply(f, &in, &entry, off) && rt_write_table_entry(maddr & ~7ull, entry))
		return false;	/* the update was refused: the guest sees its fault */
	f->rip += in.len;
	return true;
}
