/*
 * Privileged instructions a PV kernel executes in ring 3 and Xen emulates
 * for it (they #GP here): cli/sti as the virtual IOPL allows them and port
 * I/O as it or the I/O bitmap does (PHYSDEVOP_set_iopl, _set_iobitmap), the
 * segment-base MSRs and harmless MSR
 * reads, moves to and from the control registers, clts, wbinvd, and port
 * I/O (a DomU owns no ports: reads see all ones, writes vanish). Anything
 * else is the guest's #GP to handle.
 */
#include "guests/pvrt/rt.h"
#include "xen-abi/xstate.h"

#define CR0_TS 8ull
#define CR4_FSGSBASE (1ull << 16)
#define GUEST_CR0 0x8005003bull		/* PG AM WP NE ET TS MP PE, TS per the guest */

/* General register n (ModRM/REX numbering) in the saved frame. */
uint64_t *rt_frame_gpr(struct pvrt_frame *f, unsigned n)
{
	switch (n & 15) {
	case 0: return &f->rax;
	case 1: return &f->rcx;
	case 2: return &f->rdx;
	case 3: return &f->rbx;
	case 4: return &f->rsp;
	case 5: return &f->rbp;
	case 6: return &f->rsi;
	case 7: return &f->rdi;
	case 8: return &f->r8;
	case 9: return &f->r9;
	case 10: return &f->r10;
	case 11: return &f->r11;
	case 12: return &f->r12;
	case 13: return &f->r13;
	case 14: return &f->r14;
	}
	return &f->r15;
}

/* A non-canonical base is the guest's #GP, as on hardware and Xen. */
static bool write_msr(struct pvrt_vcpu *c, uint32_t msr, uint64_t v)
{
	if ((msr == MSR_FS_BASE || msr == MSR_GS_BASE || msr == MSR_KERNEL_GS_BASE) &&
	    !rt_canonical(v))
		return false;
	switch (msr) {
	case MSR_FS_BASE:
		c->fs_base = v;
		wrmsr(MSR_FS_BASE, v);
		return true;
	case MSR_GS_BASE:
		/* The active base: the kernel's in kernel mode. */
		if (c->in_kernel)
			c->gs_base_kernel = v;
		else
			c->gs_base_user = v;
		wrmsr(MSR_KERNEL_GS_BASE, v);
		return true;
	case MSR_KERNEL_GS_BASE:
		if (c->in_kernel)
			c->gs_base_user = v;
		else
			c->gs_base_kernel = v;
		return true;
	case MSR_DEBUGCTL:
		return v == 0;
	}
	return false;
}

static bool read_msr(struct pvrt_vcpu *c, uint32_t msr, uint64_t *v)
{
	switch (msr) {
	case MSR_FS_BASE:
		/* Live: a user segment load may have changed it. */
		*v = rdmsr(MSR_FS_BASE);
		return true;
	case MSR_GS_BASE:
		*v = c->in_kernel ? c->gs_base_kernel : c->gs_base_user;
		return true;
	case MSR_KERNEL_GS_BASE:
		*v = c->in_kernel ? c->gs_base_user : c->gs_base_kernel;
		return true;
	case MSR_DEBUGCTL:	/* no branch tracing offered: reads 0, as on Xen */
		*v = 0;
		return true;
	}
	return false;
}

static uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v));
}

/* mov %crN, reg: the guest's view of its control registers. */
static bool read_cr(struct pvrt_vcpu *c, unsigned cr, uint64_t *v)
{
	switch (cr) {
	case 0:
		*v = (GUEST_CR0 & ~CR0_TS) | (read_cr0() & CR0_TS);
		return true;
	case 2:
		*v = *vcpu_info_cr2(c);
		return true;
	case 3:
		*v = c->in_kernel ? c->cr3_kernel : c->cr3_user;
		return true;
	case 4:
		*v = c->cr4_shadow;
		return true;
	}
	return false;
}

/* mov reg, %crN: TS and CR4's software bits are the guest's; CR3 is new_baseptr. */
static bool write_cr(struct pvrt_vcpu *c, unsigned cr, uint64_t v)
{
	switch (cr) {
	case 0:
		write_cr0((read_cr0() & ~CR0_TS) | (v & CR0_TS));
		return true;
	case 2:
		*vcpu_info_cr2(c) = v;
		return true;
	case 3:
		return rt_new_baseptr(c, (v & PTE_ADDR) >> 12) == 0;
	case 4:
		/* As Xen, a bit of a feature the guest's CPUID does not offer is
		 * dropped: FSGSBASE always (xen-abi/cpu-policy.c), OSXSAVE without
		 * XSAVE. The real CR4.OSXSAVE stays on whenever XSAVE is offered. */
		c->cr4_shadow = v & ~(CR4_FSGSBASE | (rt_global()->xcr0_max ? 0 : X86_CR4_OSXSAVE));
		return true;
	}
	return false;
}

static void port_in(struct pvrt_frame *f, unsigned port, unsigned size)
{
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;
	uint8_t b;
	uint64_t v = mask;

	if (size == 1 && rt_pit_read(port, &b))
		v = b;
	f->rax = size == 4 ? v : (f->rax & ~mask) | v;
}

/*
 * in/out: the PIT's channel 2 is emulated; no other port belongs to a
 * DomU, so reads see all ones and writes vanish. Returns the length or 0.
 */
/*
 * Xen's rule for port I/O: the virtual IOPL reaches the guest's virtual
 * CPL (its kernel's is 1, or 0 with VMASST_TYPE_architectural_iopl; its
 * user mode's 3), or the guest kernel's I/O
 * bitmap (PHYSDEVOP_set_iobitmap) clears every bit of the access; bytes of
 * the bitmap that cannot be read count as set.
 */
static bool iopl_ok(const struct pvrt_vcpu *c)
{
	unsigned kernel_cpl = (rt_global()->vm_assist & (1u << VMASST_TYPE_architectural_iopl)) ? 0 : 1;

	return c->iopl >= (c->in_kernel ? kernel_cpl : 3u);
}

static bool io_allowed(struct pvrt_vcpu *c, unsigned port, unsigned size)
{
	uint8_t b[2] = { 0xff, 0xff };

	if (iopl_ok(c))
		return true;
	if (port + size > c->iobmp_limit || rt_kernel_read(c, c->iobmp + port / 8, b, 1))
		return false;
	if (rt_kernel_read(c, c->iobmp + port / 8 + 1, b + 1, 1))
		b[1] = 0xff;
	return !((b[0] | (unsigned)b[1] << 8) & (((1u << size) - 1) << (port & 7)));
}

static unsigned port_io(struct pvrt_vcpu *c, struct pvrt_frame *f, const uint8_t *p,
			bool opsize16)
{
	unsigned size = (p[0] & 1) ? (opsize16 ? 2 : 4) : 1;
	unsigned port = (p[0] & 8) ? (uint16_t)f->rdx : p[1];
	unsigned len = (p[0] & 8) ? 1 : 2;

	if ((p[0] & 0xf4) == 0xe4 && !io_allowed(c, port, size))
		return 0;

	switch (p[0]) {
	case 0xe4: case 0xe5: case 0xec: case 0xed:
		port_in(f, port, size);
		return len;
	case 0xe6: case 0xe7: case 0xee: case 0xef:
		if (size == 1)
			rt_pit_write(port, (uint8_t)f->rax);
		return len;
	}
	return 0;
}

/*
 * XSETBV from the guest kernel: XCR0 only, and only values Xen's checks
 * pass for this domain's policy; anything else is the guest's #GP. The VMM
 * loads it: KVM then knows the guest's XCR0 (it reloads its own copy at
 * every exit, and a nested host may not pass a ring-0 xsetbv to it).
 */
static bool xsetbv(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	uint64_t v = (f->rdx << 32) | (uint32_t)f->rax;

	if ((uint32_t)f->rcx != 0 || !(read_cr4() & X86_CR4_OSXSAVE) ||
	    !xstate_xcr0_valid(rt_global()->xcr0_max, v))
		return false;
	c->xcr0 = v;
	return rt_vmm_op(PVRT_OP_XCR0, 0, 0) == 0;
}

/* 0x0f-prefixed instructions; returns their length after the prefixes, or 0. */
static unsigned twobyte(struct pvrt_vcpu *c, struct pvrt_frame *f, const uint8_t *p,
			unsigned rex)
{
	unsigned reg = ((p[2] >> 3) & 7) | ((rex & 4) ? 8 : 0);
	unsigned rm = (p[2] & 7) | ((rex & 1) ? 8 : 0);
	uint64_t v;

	switch (p[1]) {
	case 0x30:			/* wrmsr */
		return write_msr(c, (uint32_t)f->rcx, (f->rdx << 32) | (uint32_t)f->rax) ? 2 : 0;
	case 0x32:			/* rdmsr */
		if (!read_msr(c, (uint32_t)f->rcx, &v))
			return 0;
		f->rax = (uint32_t)v;
		f->rdx = v >> 32;
		return 2;
	case 0x01:			/* xsetbv */
		return p[2] == 0xd1 && xsetbv(c, f) ? 3 : 0;
	case 0x06:			/* clts */
		write_cr0(read_cr0() & ~CR0_TS);
		return 2;
	case 0x08: case 0x09:		/* invd, wbinvd: guest memory is coherent */
		return 2;
	case 0x20:			/* mov %crN, reg */
		if ((p[2] >> 6) != 3 || !read_cr(c, reg, &v))
			return 0;
		*rt_frame_gpr(f, rm) = v;
		return 3;
	case 0x22:			/* mov reg, %crN */
		if ((p[2] >> 6) != 3 || !write_cr(c, reg, *rt_frame_gpr(f, rm)))
			return 0;
		return 3;
	/* Debug registers, as set_debugreg/get_debugreg: a value those refuse is #GP. */
	case 0x21:			/* mov %drN, reg */
		if ((p[2] >> 6) != 3 || reg > 7)
			return 0;
		*rt_frame_gpr(f, rm) = (uint64_t)rt_get_debugreg(c, reg);
		return 3;
	case 0x23:			/* mov reg, %drN (4 and 5 alias 6 and 7) */
		if ((p[2] >> 6) != 3 || reg > 7 ||
		    rt_set_debugreg(c, reg == 4 || reg == 5 ? reg + 2 : reg, *rt_frame_gpr(f, rm)))
			return 0;
		return 3;
	}
	return 0;
}

bool rt_emulate_privileged(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	uint8_t insn[16];
	unsigned i = 0, rex = 0, len = 0;
	bool opsize16 = false;

	if (f->error || rt_copy_from_guest(insn, f->rip, sizeof(insn)))
		return false;
	for (; i < 4; i++) {
		if (insn[i] == 0x66)
			opsize16 = true;
		else if (insn[i] != 0xf2 && insn[i] != 0xf3)
			break;
	}
	if ((insn[i] & 0xf0) == 0x40)
		rex = insn[i++];
	switch (insn[i]) {
	case 0xfa: case 0xfb:
		/* Where allowed, Xen lets cli/sti do nothing: events stay as masked. */
		len = iopl_ok(c) ? 1 : 0;
		break;
	case 0x0f:
		len = c->in_kernel ? twobyte(c, f, insn + i, rex) : 0;
		break;
	default:
		len = port_io(c, f, insn + i, opsize16);
	}
	if (!len)
		return false;
	f->rip += i + len;
	return true;
}
