/*
 * The guest's GDT: its frames (set_gdt) are copied into this vCPU's GDT,
 * whose last two pages hold Xen's flat selectors and ours. Descriptors get
 * Xen's check: code and data only, at the guest kernel's ring (3).
 */
#include "guests/pvrt/rt.h"

#define DESC_PRESENT (1ull << 47)
#define DESC_S       (1ull << 44)
#define DESC_DPL3    (3ull << 45)
#define ENTRIES_PER_FRAME 512

uint64_t *rt_vcpu_gdt(unsigned id)
{
	return (uint64_t *)(PVRT_VA + PVRT_VCPU_OFF + (uint64_t)id * PVRT_VCPU_SIZE +
			    PVRT_VCPU_GDT);
}

/* 0 with *d adjusted, or -XEN_EINVAL for a descriptor a PV guest may not use. */
int rt_check_descriptor(uint64_t *d)
{
	if (!(*d & DESC_PRESENT))
		return 0;
	if (!(*d & DESC_S))
		return -XEN_EINVAL;
	*d |= DESC_DPL3;
	return 0;
}

/* Copy the guest's GDT frames (checked) into this vCPU's GDT. */
long rt_load_gdt(struct pvrt_vcpu *c, const uint64_t *frames, uint64_t entries)
{
	uint64_t *gdt = rt_vcpu_gdt(c->id), copy[PVRT_GDT_FRAMES];
	unsigned n = (unsigned)((entries + ENTRIES_PER_FRAME - 1) / ENTRIES_PER_FRAME);

	if (entries > XEN_FIRST_RESERVED_GDT_ENTRY)
		return -XEN_EINVAL;
	memcpy(copy, frames, n * sizeof(uint64_t));	/* frames may be c->gdt_frames */
	for (unsigned i = 0; i < n; i++)
		if (copy[i] >= rt_global()->ram_frames)
			return -XEN_EINVAL;
	for (uint64_t i = 0; i < entries; i++) {
		uint64_t d = ((uint64_t *)dmap(copy[i / ENTRIES_PER_FRAME] << 12))
				[i % ENTRIES_PER_FRAME];

		if (rt_check_descriptor(&d))
			return -XEN_EINVAL;
	}
	for (uint64_t i = 0; i < entries; i++) {
		uint64_t d = ((uint64_t *)dmap(copy[i / ENTRIES_PER_FRAME] << 12))
				[i % ENTRIES_PER_FRAME];

		rt_check_descriptor(&d);
		gdt[i] = d;
	}
	for (uint64_t i = entries; i < c->gdt_entries; i++)
		gdt[i] = 0;
	memcpy(c->gdt_frames, copy, n * sizeof(uint64_t));
	c->gdt_entries = (uint32_t)entries;
	return 0;
}

long rt_set_gdt(struct pvrt_vcpu *c, uint64_t list, uint64_t entries)
{
	uint64_t frames[PVRT_GDT_FRAMES];
	unsigned n = (unsigned)((entries + ENTRIES_PER_FRAME - 1) / ENTRIES_PER_FRAME);

	if (entries > XEN_FIRST_RESERVED_GDT_ENTRY)
		return -XEN_EINVAL;
	if (rt_copy_from_guest(frames, list, n * sizeof(uint64_t)))
		return -XEN_EFAULT;
	return rt_load_gdt(c, frames, entries);
}

struct pvrt_vcpu *rt_vcpu_state(unsigned id)
{
	return (struct pvrt_vcpu *)(PVRT_VA + PVRT_VCPU_OFF + (uint64_t)id * PVRT_VCPU_SIZE +
				    PVRT_VCPU_STATE);
}

long rt_update_descriptor(uint64_t maddr, uint64_t desc)
{
	struct pvrt_global *g = rt_global();
	uint64_t mfn = maddr >> 12;
	unsigned slot = (unsigned)((maddr & 0xfff) / 8);

	if ((maddr & 7) || mfn >= g->ram_frames || rt_check_descriptor(&desc))
		return -XEN_EINVAL;
	*(volatile uint64_t *)dmap(maddr) = desc;
	for (unsigned v = 0; v < g->nr_vcpus; v++) {
		struct pvrt_vcpu *c = rt_vcpu_state(v);

		for (unsigned j = 0; j * ENTRIES_PER_FRAME < c->gdt_entries; j++) {
			unsigned idx = j * ENTRIES_PER_FRAME + slot;

			if (c->gdt_frames[j] == mfn && idx < c->gdt_entries)
				rt_vcpu_gdt(v)[idx] = desc;
		}
	}
	rt_ldt_update(mfn, slot, desc);
	return 0;
}
