/*
 * Guest RAM and the domain's Xen pages, each in a memfd Dom0 can map too;
 * RAM a balloon gives back leaves the memfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vmm/pv.h"
#include "vmm/vmm.h"

static void *memfd_map(const char *name, uint64_t size, int *fd_out)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	void *p;

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
		fprintf(stderr, "xenkvm-vmm: memfd %s: %s\n", name, strerror(errno));
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "xenkvm-vmm: mmap %s: %s\n", name, strerror(errno));
		close(fd);
		return NULL;
	}
	*fd_out = fd;
	return p;
}

int vmm_alloc_memory(struct vmm *vm)
{
	vm->boot_size = vm->opt.memory_mb << 20;
	vm->ram_size = vm->opt.maxmem_mb > vm->opt.memory_mb ? vm->opt.maxmem_mb << 20
							      : vm->boot_size;
	vm->ram = memfd_map("xenkvm-ram", vm->ram_size, &vm->ram_fd);
	vm->xen_pages = memfd_map("xenkvm-xen-pages", (uint64_t)XK_XPAGE_COUNT * XEN_PAGE_SIZE,
				  &vm->xen_fd);
	return vm->ram && vm->xen_pages ? 0 : -1;
}

/*
 * The hole punched in the memfd frees the pages everywhere it is mapped
 * (here, KVM's slots, xenkvmd). KVM's slot stays whole, so a guest that
 * touches a frame it gave back gets a zeroed one, as host memory, but
 * never more than the RAM it was built with.
 */
int vmm_release_frames(struct xk_domain *d, uint64_t gpfn, uint64_t count)
{
	struct vmm *vm = vmm_of(d);

	/*
	 * A PV page table stays one until unpinned or mapped writable (Linux
	 * does either before it frees the page); Xen too keeps a frame in use.
	 */
	if (vm->opt.pv) {
		for (uint64_t f = gpfn; f < gpfn + count; f++) {
			if (!pvrt_levels(vm)[f])
				continue;
			if (xk_log_once(d, XEN_HC_memory_op, 52))
				xk_log(d, "decrease_reservation: frame %#llx is a level-%u page "
				       "table; kept", (unsigned long long)f, pvrt_levels(vm)[f]);
			return -XEN_EBUSY;
		}
	}
	if (fallocate(vm->ram_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(gpfn * XEN_PAGE_SIZE), (off_t)(count * XEN_PAGE_SIZE)) < 0) {
		xk_log(d, "giving back frames %#llx+%llu: %s", (unsigned long long)gpfn,
		       (unsigned long long)count, strerror(errno));
		return -XEN_ENOMEM;
	}
	return 0;
}
