/*
 * CPUID: the domain's policy (xen-abi/cpu-policy.c) computed once from what
 * KVM supports, given to KVM for each vCPU with Xen's leaves at 0x40000000.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vmm/host-cpuid.h"
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

/* What KVM can give a guest, as a policy's host table. */
static int read_host_cpuid(int kvm_fd, struct cpuid_table *host)
{
	size_t sz = sizeof(struct kvm_cpuid2) + MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *k = calloc(1, sz);

	if (!k)
		return -1;
	k->nent = MAX_ENTRIES;
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, k) < 0) {
		fprintf(stderr, "xenkvm-vmm: KVM_GET_SUPPORTED_CPUID: %s\n", strerror(errno));
		free(k);
		return -1;
	}
	host->n = 0;
	for (uint32_t i = 0; i < k->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &k->entries[i];
		uint32_t r[4] = { e->eax, e->ebx, e->ecx, e->edx };

		/* KVM's own signature leaves would shadow Xen's. */
		if ((e->function & 0xffff0000u) == 0x40000000u)
			continue;
		cpuid_table_set(host, e->function, (e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ?
				e->index : CPUID_NO_SUBLEAF, r);
	}
	free(k);
	return 0;
}

/* Leaves with subleaves, and how many the raw table below reads of each. */
static unsigned raw_subleaves(uint32_t leaf)
{
	switch (leaf) {
	case 4: case 0xb: return 8;
	case 7: return 3;
	case 0xd: return 64;
	}
	return 0;
}

static void raw_leaf(struct cpuid_table *t, uint32_t leaf)
{
	unsigned subs = raw_subleaves(leaf);
	uint32_t r[4];

	if (!subs) {
		__cpuid_count(leaf, 0, r[0], r[1], r[2], r[3]);
		cpuid_table_set(t, leaf, CPUID_NO_SUBLEAF, r);
		return;
	}
	for (unsigned i = 0; i < subs; i++) {
		__cpuid_count(leaf, i, r[0], r[1], r[2], r[3]);
		cpuid_table_set(t, leaf, i, r);
	}
}

/* The host's CPUID as this process sees it, where KVM cannot be asked. */
static void read_raw_cpuid(struct cpuid_table *t)
{
	uint32_t max, b, c, d;

	t->n = 0;
	__cpuid(0, max, b, c, d);
	for (uint32_t l = 0; l <= max && l <= 0x20; l++)
		raw_leaf(t, l);
	__cpuid(0x80000000u, max, b, c, d);
	for (uint32_t l = 0x80000000u; l <= max && l <= 0x80000021u; l++)
		raw_leaf(t, l);
}

int vmm_host_cpuid(struct cpuid_table *host, bool *from_kvm)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	*from_kvm = fd >= 0 && read_host_cpuid(fd, host) == 0;
	if (fd >= 0)
		close(fd);
	if (!*from_kvm)
		read_raw_cpuid(host);
	return 0;
}

/* The domain's policy, computed by the first vCPU to ask. */
static const struct cpuid_table *domain_policy(struct vmm *vm)
{
	struct cpuid_table *host, *p;
	char err[256];

	if (vm->cpu_policy)
		return vm->cpu_policy;
	host = calloc(1, sizeof(*host));
	p = calloc(1, sizeof(*p));
	if (!host || !p || read_host_cpuid(vm->kvm_fd, host))
		goto fail;
	if (cpu_policy_compute(host, vm->opt.pv ? CPU_GUEST_PV : CPU_GUEST_HVM,
			       &vm->opt.cpuid_rules, p, err, sizeof(err))) {
		fprintf(stderr, "xenkvm-vmm: %s\n", err);
		goto fail;
	}
	free(host);
	vm->cpu_policy = p;
	return p;
fail:
	free(host);
	free(p);
	return NULL;
}

static struct kvm_cpuid2 *kvm_table(const struct cpuid_table *p, struct vmm_vcpu *vc)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + MAX_ENTRIES * sizeof(c->entries[0]));

	if (!c)
		return NULL;
	for (unsigned i = 0; i < p->n; i++) {
		const struct cpuid_leaf *e = &p->e[i];
		bool indexed = e->subleaf != CPUID_NO_SUBLEAF;
		uint32_t ebx = e->r[1];

		/* An HVM vCPU's APIC id is its number (PV vCPUs have none). */
		if (e->leaf == 1 && !vc->vm->opt.pv)
			ebx = (ebx & 0x00ffffffu) | (vc->xv->id << 24);
		add(c, e->leaf, indexed ? e->subleaf : 0,
		    indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0, e->r[0], ebx, e->r[2], e->r[3]);
	}
	add_xen_leaves(c, vc);
	return c;
}

int vmm_setup_cpuid(struct vmm_vcpu *vc)
{
	const struct cpuid_table *p = domain_policy(vc->vm);
	struct kvm_cpuid2 *c;
	int rc;

	if (!p || !(c = kvm_table(p, vc)))
		return -1;
	rc = ioctl(vc->fd, KVM_SET_CPUID2, c);
	if (rc < 0) {
		fprintf(stderr, "xenkvm-vmm: KVM_SET_CPUID2: %s\n", strerror(errno));
		free(c);
		return -1;
	}
	free(vc->cpuid);
	vc->cpuid = c;	/* kept for PV guests' emulated CPUID */
	return 0;
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
