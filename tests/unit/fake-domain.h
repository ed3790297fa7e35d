/* A domain with malloc'd RAM and a scriptable fake platform, for unit tests. */
#ifndef XENKVM_TEST_FAKE_DOMAIN_H
#define XENKVM_TEST_FAKE_DOMAIN_H

#include "xen-abi/hypercalls.h"

#define FAKE_RAM_SIZE (4u << 20)
#define FAKE_FOREIGN_PAGES 4

struct fake_platform {
	uint64_t now_ns;
	uint64_t wallclock_ns;
	unsigned kicks[XK_MAX_VCPUS];
	unsigned memory_changes;
	unsigned timer_changes[XK_MAX_VCPUS];
	int shutdown_calls;
	unsigned shutdown_reason;
	char console[8192];
	size_t console_len;
	char hv_console[1024];	/* CONSOLEIO_write's */
	size_t hv_console_len;
	unsigned vcpu_up_calls;
	int block_calls;
	/* vcpu_block: if the wake condition is false, pretend this much time passed. */
	uint64_t block_advance_ns;
	/* vcpu_block: if set, runs while "asleep", before time advances (events arrive). */
	void (*on_block)(struct xk_vcpu *v);
	char last_log[256];
	uint64_t tsc;
	unsigned remote_sends;
	uint32_t last_local_port;
	xen_domid_t last_remote_dom;
	uint32_t last_remote_port;
	/* Other DomUs, as the VMM's broker would answer. */
	unsigned foreign_binds, foreign_closes;
	long foreign_bind_result;
	uint8_t foreign_ram[FAKE_FOREIGN_PAGES * 4096];
	bool foreign_readonly;	/* domain 7 grants read-only */
	int foreign_held;	/* gets minus puts */
	/* Frames given back (zeroed here), and the VMM told of the new count. */
	unsigned releases, reservation_changes;
	unsigned vcpus_changes;		/* VCPUOP_up/down told the VMM */
	uint64_t m2p[64];		/* PV: M2P entries of machine frames 512..575 */
	int64_t busy_frame;	/* release_frames refuses it (a PV page table); -1 none */
};

struct fake_domain {
	struct xk_domain d;
	struct fake_platform p;
	uint8_t *ram;
	uint8_t *xen_pages;
};

/* Allocates RAM at gpa 0, paging off, vCPU 0 in 64-bit mode at CPL 0. */
struct fake_domain *fake_domain_new(unsigned nr_vcpus);
void fake_domain_free(struct fake_domain *fd);

/* Issue a hypercall from vCPU 'vcpu'. */
long fake_hypercall(struct fake_domain *fd, unsigned vcpu, unsigned nr,
		    uint64_t a0, uint64_t a1, uint64_t a2);

/* Guest physical == guest virtual in the fake: poke RAM directly. */
static inline void *fake_gva(struct fake_domain *fd, uint64_t gva)
{
	return fd->ram + gva;
}

#endif
