/* CPUID: the host's supported leaves, with Xen's leaves at 0x40000000. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vmm/vmm.h"

#define MAX_ENTRIES 256
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT   (1u << 4)
#define XEN_HVM_CPUID_UPCALL_VECTOR   (1u << 6)

static void add(struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx, uint32_t flags,
		uint32_t a, uint32_t b, uint32_t cx, uint32_t d)
{
	if (c->nent == MAX_ENTRIES)
		return;
	c->entries[c->nent++] = (struct kvm_cpuid_entry2){
		.function = fn, .index = idx, .flags = flags,
		.eax = a, .ebx = b, .ecx = cx, .edx = d,
	};
}

static void add_xen_leaves(struct kvm_cpuid2 *c, struct vmm_vcpu *vc)
{
	struct vmm *vm = vc->vm;
	uint32_t khz = (uint32_t)vm->dom.tsc_khz;

	add(c, XEN_CPUID_BASE, 0, 0, XEN_CPUID_BASE + 4, XEN_CPUID_SIGNATURE_EBX,
	    XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX);
	add(c, XEN_CPUID_BASE + 1, 0, 0, (4u << 16) | 17, 0, 0, 0);
	add(c, XEN_CPUID_BASE + 2, 0, 0, 1, XEN_HYPERCALL_PAGE_MSR, 0, 0);
	/* Time: TSC never emulated, the guest's TSC frequency. */
	add(c, XEN_CPUID_BASE + 3, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0, 2, khz, 0);
	add(c, XEN_CPUID_BASE + 3, 1, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, 0, 0, 0, 0);
	add(c, XEN_CPUID_BASE + 3, 2, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, khz, 0, 0, 0);
	add(c, XEN_CPUID_BASE + 4, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	    XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT |
	    XEN_HVM_CPUID_UPCALL_VECTOR, vc->xv->id, vm->dom.domid, 0);
}

int vmm_setup_cpuid(struct vmm_vcpu *vc)
{
	struct kvm_cpuid2 *host, *c;
	size_t sz = sizeof(*host) + MAX_ENTRIES * sizeof(host->entries[0]);
	int rc = -1;

	host = calloc(1, sz);
	c = calloc(1, sz);
	if (!host || !c)
		goto out;
	host->nent = MAX_ENTRIES;
	if (ioctl(vc->vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, host) < 0) {
		fprintf(stderr, "xenkvm-vmm: KVM_GET_SUPPORTED_CPUID: %s\n", strerror(errno));
		goto out;
	}
	for (uint32_t i = 0; i < host->nent; i++) {
		struct kvm_cpuid_entry2 e = host->entries[i];

		/* KVM's own signature leaves would shadow Xen's. */
		if ((e.function & 0xffff0000u) == 0x40000000u)
			continue;
		if (e.function == 1) {
			e.ebx = (e.ebx & 0x00ffffffu) | (vc->xv->id << 24); /* APIC id */
			e.ecx |= 1u << 31;	/* hypervisor present */
		}
		c->entries[c->nent++] = e;
	}
	add_xen_leaves(c, vc);
	rc = ioctl(vc->fd, KVM_SET_CPUID2, c);
	if (rc < 0)
		fprintf(stderr, "xenkvm-vmm: KVM_SET_CPUID2: %s\n", strerror(errno));
	if (rc == 0) {
		free(vc->cpuid);
		vc->cpuid = c;	/* kept for PV guests' emulated CPUID */
		c = NULL;
	}
out:
	free(host);
	free(c);
	return rc;
}

bool vmm_cpuid_lookup(struct vmm_vcpu *vc, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	const struct kvm_cpuid2 *c = vc->cpuid;

	for (uint32_t i = 0; c && i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != leaf ||
		    ((e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) && e->index != sub))
			continue;
		r[0] = e->eax;
		r[1] = e->ebx;
		r[2] = e->ecx;
		r[3] = e->edx;
		return true;
	}
	return false;
}
