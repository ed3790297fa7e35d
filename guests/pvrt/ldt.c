/*
 * The guest's local descriptor table (MMUEXT_SET_LDT). Xen maps the LDT's
 * frames, typed and checked, where the CPU reads them; here each vCPU has a
 * copy that LDTR points at, made when the guest sets its LDT and kept
 * current by update_descriptor (the only way a PV kernel writes one:
 * its LDT pages are read-only to it). The copy is what the CPU uses for
 * segment loads from guest user and kernel mode, and what %gs loads for the
 * guest (set_segment_base) look up.
 */
#include "guests/pvrt/rt.h"

#define DESC_SYS_LDT (2ull << 40)
#define DESC_PRESENT (1ull << 47)

static uint64_t *vcpu_ldt(unsigned id)
{
	return (uint64_t *)(PVRT_VA + PVRT_LDT_OFF + (uint64_t)id * PVRT_LDT_SIZE);
}

/* The 16-byte system descriptor for id's LDT copy, in its GDT's reserved slot. */
static void load_ldtr(struct pvrt_vcpu *c)
{
	uint64_t *gdt = rt_vcpu_gdt(c->id), base = (uint64_t)vcpu_ldt(c->id);
	unsigned slot = PVRT_LDT >> 3;
	uint16_t sel = PVRT_LDT;

	if (!c->ldt_ents) {
		__asm__ volatile("lldt %w0" : : "r"(0));
		gdt[slot] = gdt[slot + 1] = 0;
		return;
	}
	gdt[slot] = (uint64_t)(c->ldt_ents * 8 - 1) | (base & 0xffffff) << 16 | DESC_SYS_LDT |
		    DESC_PRESENT | ((base >> 24) & 0xff) << 56;
	gdt[slot + 1] = base >> 32;
	__asm__ volatile("lldt %w0" : : "r"(sel));
}

/* One guest descriptor as the CPU may use it: one Xen refuses is not present. */
static uint64_t checked(uint64_t d)
{
	return rt_check_descriptor(&d) ? 0 : d;
}

long rt_set_ldt(struct pvrt_vcpu *c, uint64_t base, uint64_t ents)
{
	uint64_t *copy = vcpu_ldt(c->id);
	unsigned pages;

	if (!ents)
		base = 0;
	if ((base & 0xfff) || ents > PVRT_LDT_MAX_ENTS || !rt_canonical(base) ||
	    (ents && base >= XEN_HYPERVISOR_VIRT_START && base < XEN_HYPERVISOR_VIRT_END))
		return -XEN_EINVAL;
	pages = (unsigned)((ents * 8 + 4095) / 4096);
	/*
	 * Xen maps an LDT page when the CPU first uses it, typed as descriptors
	 * (refused while the guest maps it writable), so an unmapped or
	 * writable page or a bad descriptor shows up as a fault at that use:
	 * here, as entries not present.
	 */
	for (unsigned p = 0; p < pages; p++) {
		uint64_t pte;
		const uint64_t *src;
		unsigned n = (unsigned)(ents - p * 512ull < 512 ? ents - p * 512ull : 512);

		if (!rt_kernel_pte(c, base + p * 4096ull, &pte) || (pte & PTE_RW)) {
			c->ldt_frames[p] = ~0ull;
			memset(copy + p * 512, 0, n * 8);
			continue;
		}
		c->ldt_frames[p] = (pte & PTE_ADDR) >> 12;
		src = dmap(pte & PTE_ADDR);
		for (unsigned i = 0; i < n; i++)
			copy[p * 512 + i] = checked(src[i]);
	}
	c->ldt_base = base;
	c->ldt_ents = (uint32_t)ents;
	load_ldtr(c);
	return 0;
}

/* update_descriptor wrote slot of frame mfn: every vCPU whose LDT uses that frame sees it. */
void rt_ldt_update(uint64_t mfn, unsigned slot, uint64_t desc)
{
	struct pvrt_global *g = rt_global();

	for (unsigned v = 0; v < g->nr_vcpus; v++) {
		struct pvrt_vcpu *c = rt_vcpu_state(v);

		for (unsigned p = 0; p * 512 < c->ldt_ents; p++) {
			unsigned idx = p * 512 + slot;

			if (c->ldt_frames[p] == mfn && idx < c->ldt_ents)
				vcpu_ldt(v)[idx] = checked(desc);
		}
	}
}

/* The descriptor an LDT selector names for this vCPU, 0 if none. */
uint64_t rt_ldt_descriptor(struct pvrt_vcpu *c, uint16_t sel)
{
	return (sel >> 3) < c->ldt_ents ? vcpu_ldt(c->id)[sel >> 3] : 0;
}
