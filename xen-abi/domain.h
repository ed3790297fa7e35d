/*
 * One domain's Xen state as the hypercall handlers see it. The VMM owns the
 * KVM side and fills in the platform operations; unit tests supply fakes.
 */
#ifndef XENKVM_DOMAIN_H
#define XENKVM_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include "xen-abi/abi-core.h"
#include "xen-abi/gmem.h"
#include "xen-abi/guest-access.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/grant-table.h"
#include "xen-abi/hvm-params.h"
#include "xen-abi/vcpu-timer.h"

#define XK_MAX_VCPUS XEN_LEGACY_MAX_VCPUS

struct xk_domain;
struct xk_vcpu;
struct vcpu_hvm_context;
struct xen_vcpu_guest_context64;

struct xk_platform_ops {
	/* Xen system time: nanoseconds since the domain was created. */
	uint64_t (*now_ns)(struct xk_domain *d);
	/* Wall clock, nanoseconds since the Unix epoch. */
	uint64_t (*wallclock_ns)(struct xk_domain *d);
	/* vcpu_info->evtchn_upcall_pending went 0->1 (or a blocked vCPU must wake). */
	void (*vcpu_kick)(struct xk_vcpu *v);
	/* gmem gained or lost an overlay: bring KVM's memory slots in line. */
	int (*memory_changed)(struct xk_domain *d);
	/*
	 * Sleep the calling vCPU until wake(v, arg) is true, or deadline_ns (Xen
	 * system time; 0 = none) passes. Returns 0 when woken, -XEN_ETIMEDOUT.
	 */
	int (*vcpu_block)(struct xk_vcpu *v, uint64_t deadline_ns,
			  bool (*wake)(struct xk_vcpu *v, void *arg), void *arg);
	/* A vCPU's singleshot or periodic timer was (re)programmed or stopped. */
	void (*timer_changed)(struct xk_vcpu *v);
	/* SCHEDOP_shutdown: reason is SHUTDOWN_*; the VMM stops the domain. */
	void (*shutdown)(struct xk_domain *d, unsigned reason);
	/* The primary console ring's output (the domain's console). */
	void (*console_out)(struct xk_domain *d, const char *buf, size_t len);
	/* CONSOLEIO_write: the hypervisor's console (xl dmesg), not the domain's. */
	void (*hv_console_out)(struct xk_domain *d, const char *buf, size_t len);
	/* VCPUOP_initialise: load a vCPU's first registers (not yet running). */
	int (*vcpu_initialise)(struct xk_vcpu *v, const struct vcpu_hvm_context *ctx);
	/* The same for a 64-bit PV vCPU; 0 or -errno (Xen's checks). Optional. */
	int (*vcpu_initialise_pv)(struct xk_vcpu *v, const struct xen_vcpu_guest_context64 *ctx);
	/* VCPUOP_up: start running a vCPU that has been initialised. */
	int (*vcpu_up)(struct xk_vcpu *v);
	/* Diagnostics (one line, no newline needed). */
	void (*log)(struct xk_domain *d, const char *msg);
	/* The guest's TSC as of now (for pvclock records). */
	uint64_t (*read_tsc)(struct xk_vcpu *v);
	/* Optional: sees every dispatched hypercall and its result (bring-up). */
	void (*trace_hypercall)(struct xk_vcpu *v, unsigned nr, const uint64_t a[6], long ret);
	/*
	 * The guest sent on its port 'port', whose remote end is in another
	 * domain (remote_dom, remote_port): Dom0 backends (console, xenstore) or,
	 * via xenkvmd, another DomU. NULL: such sends are dropped (no peer).
	 */
	void (*evtchn_remote_send)(struct xk_domain *d, uint32_t port, xen_domid_t remote_dom,
				   uint32_t remote_port);
	/*
	 * EVTCHNOP_bind_interdomain to another DomU: ask xenkvmd to bind
	 * remote_dom's port remote_port (which must be unbound for us) to our
	 * port 'port' (reserved, still unbound). Blocks until answered; returns
	 * 0 or -errno. NULL: other domains cannot be reached (-ESRCH).
	 */
	long (*evtchn_bind_foreign)(struct xk_domain *d, uint32_t port, xen_domid_t remote_dom,
				    uint32_t remote_port);
	/*
	 * Our port bound to another domain was closed (EVTCHNOP_close or reset):
	 * the remote end must go back to unbound. Called with d->lock held; must
	 * not block. Optional.
	 */
	void (*evtchn_foreign_closed)(struct xk_domain *d, uint32_t port, xen_domid_t remote_dom,
				      uint32_t remote_port);
	/*
	 * Grants of other domains (GNTTABOP_map_grant_ref, GNTTABOP_copy with a
	 * foreign domid): the page 'dom' granted us as gref, claimed in dom's
	 * table (GTF_reading/GTF_writing) and mapped here, or NULL with *status
	 * a GNTST_* code. Each get is paired with one put. Optional (NULL: no
	 * other domains, GNTST_bad_domain).
	 */
	void *(*grant_foreign_get)(struct xk_domain *d, xen_domid_t dom, uint32_t gref,
				   bool writable, int16_t *status);
	void (*grant_foreign_put)(struct xk_domain *d, xen_domid_t dom, uint32_t gref,
				  bool writable, void *page);
	/*
	 * A balloon gives frames [gpfn, gpfn + count) back: free their host
	 * memory (they read as zeros if they come back). Called with d->lock
	 * held. 0, or -errno when the VMM keeps them (a PV page table).
	 * NULL: memory cannot be given back (-ENOSYS).
	 */
	int (*release_frames)(struct xk_domain *d, uint64_t gpfn, uint64_t count);
	/* The frames the domain holds changed (xk_current_pages). Optional. */
	void (*reservation_changed)(struct xk_domain *d);
	/* A vCPU went up or down (VCPUOP_up/down; see xk_vcpus_online). Optional. */
	void (*vcpus_changed)(struct xk_domain *d);
	/*
	 * PV: machine frame mfn now holds the guest's frame pfn (the M2P the
	 * guest reads), after populate_physmap. Called with d->lock held. Optional.
	 */
	void (*m2p_set)(struct xk_domain *d, uint64_t mfn, uint64_t pfn);
};

/* Guest memory map entry (E820 types: 1 RAM, 2 reserved). */
struct xk_e820 {
	uint64_t addr, size;
	uint32_t type;
};
#define XK_MAX_E820 16

/*
 * Xen-owned pages of a domain, in one region the VMM allocates (a memfd Dom0
 * can map too). Page index layout:
 */
enum {
	XK_XPAGE_SHARED_INFO = 0,
	XK_XPAGE_GRANT_FIRST = 1,		/* grant table v1 frames */
	XK_MAX_GRANT_FRAMES = 64,
	XK_XPAGE_COUNT = XK_XPAGE_GRANT_FIRST + XK_MAX_GRANT_FRAMES,
};

struct xk_vcpu {
	struct xk_domain *dom;
	unsigned id;
	bool online;
	bool initialised;	/* has run (vCPU 0 at boot; others after initialise) */

	/* Captured by the VMM at each hypercall exit. */
	bool compat;		/* guest was in 32-bit mode */
	unsigned cpl;
	struct guest_paging paging;

	/* Where this vCPU's vcpu_info lives: shared_info slot or registered. */
	void *vcpu_info;	/* host pointer, 64 bytes */
	uint64_t vcpu_info_gpa;	/* 0 while it is the shared_info slot */
	uint64_t runstate_gva;	/* 0 = none registered */

	uint8_t iopl;		/* PV: PHYSDEVOP_set_iopl */
	bool iopl_set;		/* ... since the runtime last took it (it also sets IOPL by iret) */
	uint64_t iobmp;		/* PV: PHYSDEVOP_set_iobitmap's guest address */
	uint32_t iobmp_limit;	/* ... and how many ports it covers */
	uint8_t upcall_vector;	/* HVMOP_set_evtchn_upcall_vector, 0 = none */
	bool polling;		/* in SCHEDOP_poll: any newly pending port wakes it */
	struct xk_evtchn_vcpu evtchn;
	struct xk_vcpu_timer timer;

	void *plat;		/* VMM-private */
};

struct xk_domain {
	xen_domid_t domid;
	unsigned nr_vcpus;
	struct xk_vcpu vcpu[XK_MAX_VCPUS];

	struct gmem mem;
	uint8_t *xen_pages;	/* XK_XPAGE_COUNT host pages, see enum above */
	void *shared_info;	/* == xen_pages + XK_XPAGE_SHARED_INFO page */
	struct xk_e820 e820[XK_MAX_E820];
	unsigned nr_e820;
	uint64_t shared_info_gfn; /* XK_GFN_NONE until add_to_physmap */
	bool shinfo32;		/* latched 32-bit shared_info layout */

	pthread_mutex_t lock;	/* event channels, grant table, params */
	struct xk_evtchn_domain evtchn;
	struct xk_grant_table grant;
	struct xk_hvm_params hvm;

	/* reservation.c: what the domain may hold, holds, and gave back (d->lock). */
	uint64_t max_pages;	/* maximum_reservation: the toolstack's cap */
	uint64_t tot_pages;	/* current_reservation */
	uint64_t ram_frames;	/* frames 'absent' covers: the end of RAM */
	uint64_t *absent;	/* a bit per frame: given back, not backed */
	uint8_t handle[16];	/* the toolstack's UUID for the domain (XENVER_guest_handle) */

	/* 64-bit PV guests: Xen's PV answers, and where the guest sees the M2P. */
	bool pv;
	uint64_t m2p_va;	/* XENMEM_machphys_mapping v_start */
	uint64_t m2p_entries;	/* frames the M2P covers */
	uint64_t xpages_mfn;	/* machine frame of xen_pages[0] */
	uint64_t tsc_khz;

	bool shutting_down;
	unsigned shutdown_reason;
	unsigned shutdown_code;	/* SCHEDOP_shutdown_code, reported later */

	uint64_t unimplemented_seen[XEN_HC_COUNT]; /* log-once: bit op of word family */

	const struct xk_platform_ops *ops;
	void *plat;		/* VMM-private */
};

#define XK_GFN_NONE UINT64_MAX

/* Set up / tear down the ABI state; the caller provides RAM regions in d->mem. */
/* xen_pages: XK_XPAGE_COUNT zeroed, page-aligned host pages. */
int xk_domain_init(struct xk_domain *d, xen_domid_t domid, unsigned nr_vcpus,
		   void *xen_pages, const struct xk_platform_ops *ops, void *plat);
void xk_domain_destroy(struct xk_domain *d);

/* The vcpu_info as the guest sees it, for either layout. */
static inline uint8_t *xk_upcall_pending(struct xk_vcpu *v)
{
	return &((struct xen_vcpu_info64 *)v->vcpu_info)->evtchn_upcall_pending;
}
static inline uint8_t *xk_upcall_mask(struct xk_vcpu *v)
{
	return &((struct xen_vcpu_info64 *)v->vcpu_info)->evtchn_upcall_mask;
}
struct xen_vcpu_time_info *xk_vcpu_time(struct xk_vcpu *v);

/*
 * Xen fixes the shared_info layout (32- or 64-bit) from the guest's mode when
 * it installs the hypercall page, sets CALLBACK_IRQ or maps shared_info.
 */
void xk_latch_shinfo_layout(struct xk_domain *d, bool compat);

/*
 * Shut the domain down for reason (SHUTDOWN_*): records it and calls
 * ops->shutdown once; later requests are ignored, as on Xen. (sched-op.c)
 */
void xk_domain_shutdown(struct xk_domain *d, unsigned reason);

/* Which vCPUs are online (bit i: vCPU i, the first 64). (vcpu-op.c) */
uint64_t xk_vcpus_online(struct xk_domain *d);

/* Copy to/from the guest virtual address space of the calling vCPU. */
int xk_copy_from_guest(struct xk_vcpu *v, void *dst, uint64_t gva, size_t len);
int xk_copy_to_guest(struct xk_vcpu *v, uint64_t gva, const void *src, size_t len);

/* Log through the platform (printf-style). */
void xk_log(struct xk_domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True the first time (family, op) is seen: for logging a guest's misdeed once. */
bool xk_log_once(struct xk_domain *d, unsigned family, unsigned op);
/* Log "family op N not implemented" once per (family, op); returns -XEN_ENOSYS. */
long xk_log_unimplemented(struct xk_domain *d, unsigned family, unsigned op);

#endif
