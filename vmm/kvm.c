/* The KVM VM: /dev/kvm, capabilities, memory slots derived from gmem. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vmm/vmm.h"

#define MAX_SLOTS 128

bool kvm_has_cap(struct vmm *vm, long cap)
{
	return ioctl(vm->vm_fd >= 0 ? vm->vm_fd : vm->kvm_fd, KVM_CHECK_EXTENSION, cap) > 0;
}

/* PVM (kvm_pvm): guest ring 0 is emulated and syscall does not leave ring 3. */
bool kvm_host_is_pvm(void)
{
	return access("/sys/module/kvm_pvm", F_OK) == 0;
}

int kvm_open_vm(struct vmm *vm)
{
	vm->vm_fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int e = errno;

		fprintf(stderr, "xenkvm-vmm: /dev/kvm: %s%s\n", strerror(e),
			e == ENOENT || e == ENODEV ? " (guests run on KVM: load kvm_intel or "
			"kvm_amd, or use a host or VM that offers /dev/kvm)" :
			e == EACCES ? " (run as root or as a member of the kvm group)" : "");
		return -1;
	}
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "xenkvm-vmm: unexpected KVM API version\n");
		return -1;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		fprintf(stderr, "xenkvm-vmm: KVM_CREATE_VM: %s\n", strerror(errno));
		return -1;
	}
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (!kvm_has_cap(vm, KVM_CAP_SYNC_REGS) || !kvm_has_cap(vm, KVM_CAP_X86_USER_SPACE_MSR)) {
		fprintf(stderr, "xenkvm-vmm: KVM lacks SYNC_REGS or X86_USER_SPACE_MSR\n");
		return -1;
	}
	return 0;
}

struct piece {
	uint64_t gpa, size;
	uint8_t *host;
	bool readonly;
};

/* Flatten gmem (RAM with Xen pages laid over it) into non-overlapping pieces. */
static unsigned flatten(struct gmem *gm, struct piece *out, unsigned max)
{
	unsigned n = 0;

	pthread_rwlock_rdlock(&gm->lock);
	for (unsigned i = 0; i < gm->nr; i++) {
		const struct gmem_region *r = &gm->r[i];
		struct piece add = { r->gpa, r->size, r->host, r->kind == GMEM_FOREIGN_RO };
		struct piece next[MAX_SLOTS];
		unsigned m = 0;

		/* Carve the new region out of every earlier piece, then append it. */
		if (n + 2 >= max) {
			/* Not reachable with gmem's region limit; never drop silently. */
			fprintf(stderr, "xenkvm-vmm: too many memory pieces; region at %#llx "
				"not mapped\n", (unsigned long long)r->gpa);
			continue;
		}
		for (unsigned j = 0; j < n && m + 2 < max; j++) {
			struct piece p = out[j];
			uint64_t pend = p.gpa + p.size, aend = add.gpa + add.size;

			if (aend <= p.gpa || add.gpa >= pend) {
				next[m++] = p;
				continue;
			}
			if (p.gpa < add.gpa)
				next[m++] = (struct piece){ p.gpa, add.gpa - p.gpa, p.host,
							    p.readonly };
			if (aend < pend)
				next[m++] = (struct piece){ aend, pend - aend,
							    p.host + (aend - p.gpa), p.readonly };
		}
		if (m < max)
			next[m++] = add;
		memcpy(out, next, m * sizeof(*out));
		n = m;
	}
	pthread_rwlock_unlock(&gm->lock);
	return n;
}

static int set_slot(struct vmm *vm, unsigned slot, const struct piece *p)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = p ? p->gpa : 0,
		.memory_size = p ? p->size : 0,
		.userspace_addr = p ? (uint64_t)(uintptr_t)p->host : 0,
		/* guest writes to a read-only grant exit as MMIO and are dropped */
		.flags = p && p->readonly ? KVM_MEM_READONLY : 0,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

static bool same_piece(const struct piece *a, const struct piece *b)
{
	return a->gpa == b->gpa && a->size == b->size && a->host == b->host &&
	       a->readonly == b->readonly;
}

int kvm_sync_memslots(struct vmm *vm)
{
	static struct piece cur[MAX_SLOTS];
	struct piece want[MAX_SLOTS];
	unsigned n;
	int rc = 0;

	pthread_mutex_lock(&vm->slot_lock);
	n = flatten(&vm->dom.mem, want, MAX_SLOTS);
	/*
	 * KVM cannot move or resize a slot in place, and a new slot may not
	 * overlap an old one: delete every slot that changes, then create.
	 */
	for (unsigned i = 0; i < vm->nr_slots; i++)
		if (i >= n || !same_piece(&cur[i], &want[i]))
			set_slot(vm, i, NULL);
	for (unsigned i = 0; i < n; i++) {
		if (i < vm->nr_slots && same_piece(&cur[i], &want[i]))
			continue;
		if (set_slot(vm, i, &want[i]) < 0) {
			fprintf(stderr, "xenkvm-vmm: memory slot %u: %s\n", i, strerror(errno));
			rc = -1;
		}
	}
	memcpy(cur, want, n * sizeof(want[0]));
	vm->nr_slots = n;
	pthread_mutex_unlock(&vm->slot_lock);
	return rc;
}

int kvm_create_vcpu(struct vmm *vm, unsigned id)
{
	struct vmm_vcpu *vc = &vm->vcpu[id];

	vc->vm = vm;
	vc->xv = &vm->dom.vcpu[id];
	vc->xv->plat = vc;
	pthread_mutex_init(&vc->lock, NULL);
	pthread_cond_init(&vc->wake, NULL);
	vc->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vc->fd < 0) {
		fprintf(stderr, "xenkvm-vmm: KVM_CREATE_VCPU %u: %s\n", id, strerror(errno));
		return -1;
	}
	vc->run = mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vc->fd, 0);
	if (vc->run == MAP_FAILED) {
		fprintf(stderr, "xenkvm-vmm: mmap vcpu %u: %s\n", id, strerror(errno));
		return -1;
	}
	return vmm_setup_cpuid(vc);
}
