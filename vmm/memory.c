/* Guest RAM and the domain's Xen pages, each in a memfd Dom0 can map too. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
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
	vm->ram_size = vm->opt.memory_mb << 20;
	vm->ram = memfd_map("xenkvm-ram", vm->ram_size, &vm->ram_fd);
	vm->xen_pages = memfd_map("xenkvm-xen-pages", (uint64_t)XK_XPAGE_COUNT * XEN_PAGE_SIZE,
				  &vm->xen_fd);
	return vm->ram && vm->xen_pages ? 0 : -1;
}
