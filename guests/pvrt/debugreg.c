/*
 * The guest's debug registers (set_debugreg / get_debugreg, mov to and
 * from %drN). They are loaded into the CPU, so breakpoints and watchpoints
 * hit natively in guest user and kernel mode. DR6 is the guest's view:
 * what the CPU reports is merged in at each #DB and when the guest reads
 * it. A data breakpoint the CPU reports in ring 0 (a runtime access to
 * guest memory, or mov ss/pop ss just before syscall) is noted there and
 * not delivered, as Xen does with a #DB in its own context. I/O
 * breakpoints (DR7 R/W = 10, allowed while the guest's CR4.DE is set) stay
 * out of the CPU: the guest reads them back, as from Xen, which emulates
 * them on the port I/O it emulates (not done here: they never hit).
 */
#include "guests/pvrt/rt.h"

#define DR6_DEFAULT  0xffff0ff0ull
#define DR6_HITS     0xe00full	/* B0-B3, BD, BS, BT */
#define DR7_ENABLES  0xffull
#define CR4_DE       (1ull << 3)

/*
 * The enable bits of DR7's I/O breakpoints; -1 when it has one while the
 * guest's CR4.DE is clear (then they mean nothing: Xen refuses the write).
 */
static int64_t io_enables(const struct pvrt_vcpu *c, uint64_t dr7)
{
	uint64_t io = 0;

	if (!(dr7 & DR7_ENABLES))
		return 0;
	for (unsigned i = 0; i < 4; i++) {
		if (((dr7 >> (16 + 4 * i)) & 3) != 2)
			continue;
		if (!(c->cr4_shadow & CR4_DE))
			return -1;
		io |= dr7 & (3ull << (2 * i));
	}
	return (int64_t)io;
}

static void load(unsigned reg, uint64_t v)
{
	switch (reg) {
	case 0: __asm__ volatile("mov %0, %%db0" : : "r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%db1" : : "r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%db2" : : "r"(v)); break;
	case 3: __asm__ volatile("mov %0, %%db3" : : "r"(v)); break;
	case 6: __asm__ volatile("mov %0, %%db6" : : "r"(v)); break;
	case 7: __asm__ volatile("mov %0, %%db7" : : "r"(v)); break;
	}
}

void rt_sync_dr6(struct pvrt_vcpu *c)
{
	uint64_t hw;

	__asm__ volatile("mov %%db6, %0" : "=r"(hw));
	if (!(hw & DR6_HITS))
		return;
	c->debugreg[6] |= hw & DR6_HITS;
	load(6, DR6_DEFAULT);
}

long rt_set_debugreg(struct pvrt_vcpu *c, uint64_t reg, uint64_t value)
{
	int64_t io = 0;

	if (reg > 7 || reg == 4 || reg == 5)
		return -XEN_EINVAL;
	/* Xen's access_ok: guest space only (a non-canonical one would #GP us here). */
	if (reg < 4 && (!rt_canonical(value) ||
			(value >= XEN_HYPERVISOR_VIRT_START && value < XEN_HYPERVISOR_VIRT_END)))
		return -XEN_EPERM;
	if (reg >= 6 && (value >> 32))
		return -XEN_EINVAL;
	/* DR6 and DR7 read back with their reserved bits as the CPU has them. */
	if (reg == 6)
		value = (value | DR6_DEFAULT) & ~0x1000ull;
	else if (reg == 7)
		value = (value | 0x400) & ~0xd800ull;
	if (reg == 7 && (io = io_enables(c, value)) < 0)
		return -XEN_EPERM;
	if (reg == 7) {
		c->dr7_emul = (uint64_t)io;
		value &= ~(uint64_t)io;
	}
	if (reg == 6)
		rt_sync_dr6(c);	/* what the CPU saw so far is replaced, not merged later */
	c->debugreg[reg] = value;
	load((unsigned)reg, reg == 6 ? DR6_DEFAULT : value);
	return 0;
}

long rt_get_debugreg(struct pvrt_vcpu *c, uint64_t reg)
{
	if (reg > 7)
		return -XEN_EINVAL;
	if (reg == 4 || reg == 5)
		reg += 2;	/* aliases of 6 and 7, as with CR4.DE clear */
	if (reg == 6)
		rt_sync_dr6(c);
	if (reg == 7)
		return (long)(c->debugreg[7] | c->dr7_emul);
	return (long)c->debugreg[reg];
}

/* A vCPU's first entry: the registers VCPUOP_initialise gave it, into the CPU. */
void rt_load_debugregs(struct pvrt_vcpu *c)
{
	c->debugreg[6] |= DR6_DEFAULT;
	c->debugreg[7] |= 0x400;
	for (unsigned r = 0; r < 4; r++)
		load(r, c->debugreg[r]);
	load(6, DR6_DEFAULT);
	load(7, c->debugreg[7]);
}
