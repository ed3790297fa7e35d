/*
 * Event channels, 2-level ABI. The port table lives in the domain; the
 * pending/mask bitmaps live in shared_info (either layout, see d->shinfo32).
 */
#ifndef XENKVM_EVTCHN_H
#define XENKVM_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

struct xk_domain;
struct xk_vcpu;

#define XK_NR_VIRQS 24
#define XK_EVTCHN_MAX_PORTS 4096	/* 64 x 64 with the 64-bit layout */

/* Per-vCPU event-channel state. */
struct xk_evtchn_vcpu {
	uint32_t virq_port[XK_NR_VIRQS];	/* 0 = not bound */
};

struct xk_evtchn_port {
	uint8_t state;		/* EVTCHNSTAT_* */
	uint8_t notify_vcpu;
	uint16_t remote_dom;	/* unbound: who may bind; interdomain: peer */
	uint32_t remote_port;	/* interdomain: peer's port */
	uint32_t virq;		/* virq: which */
};

struct xk_evtchn_domain {
	struct xk_evtchn_port port[XK_EVTCHN_MAX_PORTS];
};

void xk_evtchn_init(struct xk_domain *d);

/*
 * For other modules (timers, console, toolstack side, xenkvmd broker).
 * Callers need not hold d->lock; these take it where they must.
 */
/* Raise a per-vCPU VIRQ (VIRQ_TIMER, ...) on vCPU v, if bound. */
void xk_evtchn_send_virq(struct xk_vcpu *v, unsigned virq);
/* Raise a global VIRQ (VIRQ_CONSOLE, ...) on whichever vCPU it is bound to. */
void xk_evtchn_send_global_virq(struct xk_domain *d, unsigned virq);
/* Mark local port pending as if its remote end had sent (Dom0/peer -> guest). */
int xk_evtchn_raise(struct xk_domain *d, uint32_t port);
/* Is the port's pending bit set? (SCHEDOP_poll) */
bool xk_evtchn_is_pending(struct xk_domain *d, uint32_t port);
/* Does vCPU v have an event upcall pending (vcpu_info->evtchn_upcall_pending)? */
bool xk_evtchn_upcall_pending(struct xk_vcpu *v);
/*
 * Toolstack side: a port in d already bound to remote_dom, as after Dom0's
 * backend bound the channel Xen's toolstack allocated (console, xenstore).
 * Sends on it reach ops->evtchn_remote_send. Returns the port or -errno.
 */
int xk_evtchn_alloc_unbound_for(struct xk_domain *d, uint16_t remote_dom);
/*
 * The remote side of a guest-allocated channel (Dom0's backend, or another
 * DomU through xenkvmd's broker): bind the guest's port that is unbound for
 * remote_dom to (remote_dom, remote_port) (0, -EINVAL), and unbind it again
 * when the remote end closes (the port goes back to unbound, as on Xen).
 * Dom0's ports have no number of their own here: Dom0 passes the guest's.
 */
int xk_evtchn_bind_remote(struct xk_domain *d, uint32_t port, uint16_t remote_dom,
			  uint32_t remote_port);
int xk_evtchn_unbind_remote(struct xk_domain *d, uint32_t port, uint16_t remote_dom);
/* vCPU v's vcpu_info moved (VCPUOP_register_vcpu_info): make the guest rescan. */
void xk_evtchn_vcpu_info_moved(struct xk_vcpu *v);

#endif
