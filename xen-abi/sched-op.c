#include <string.h>
#include "xen-abi/abi-sched.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/hypercalls.h"

#define PENDING_BYTES 512	/* the 64-bit layout's bitmap; the 32-bit one is 128 */

void xk_domain_shutdown(struct xk_domain *d, unsigned reason)
{
	/* Like Xen's domain_shutdown: the first request wins, later ones are no-ops. */
	if (__atomic_exchange_n(&d->shutting_down, true, __ATOMIC_ACQ_REL))
		return;
	d->shutdown_reason = reason;
	d->ops->shutdown(d, reason);
}

static bool upcall_pending(struct xk_vcpu *v, void *arg)
{
	(void)arg;
	return xk_evtchn_upcall_pending(v);
}

/* HVM: block enables event delivery, then sleeps until an event is pending. */
static long sched_block(struct xk_vcpu *v)
{
	*xk_upcall_mask(v) = 0;
	v->dom->ops->vcpu_block(v, 0, upcall_pending, NULL);
	return 0;
}

struct poll_set {
	uint32_t ports[SCHED_POLL_MAX_PORTS];
	unsigned n;
	bool upcall_was_pending;
	uint8_t pending_at_entry[PENDING_BYTES];
};

static const uint8_t *pending_bitmap(struct xk_domain *d, size_t *len)
{
	*len = d->shinfo32 ? sizeof(((struct xen_shared_info32 *)0)->evtchn_pending) : PENDING_BYTES;
	return (const uint8_t *)((struct xen_shared_info64 *)d->shared_info)->evtchn_pending;
}

static bool new_port_pending(struct xk_domain *d, const struct poll_set *ps)
{
	size_t len;
	const uint8_t *now = pending_bitmap(d, &len);

	for (size_t i = 0; i < len; i++)
		if (__atomic_load_n(&now[i], __ATOMIC_RELAXED) & ~ps->pending_at_entry[i])
			return true;
	return false;
}

/*
 * Xen ends a poll when a listed port is pending, when an event upcall newly
 * becomes pending for the vCPU (vcpu_kick), and, for a poll on other than
 * exactly one port, when any port of the domain newly becomes pending.
 */
static bool poll_should_wake(struct xk_vcpu *v, void *arg)
{
	struct poll_set *ps = arg;

	for (unsigned i = 0; i < ps->n; i++)
		if (xk_evtchn_is_pending(v->dom, ps->ports[i]))
			return true;
	if (!ps->upcall_was_pending && xk_evtchn_upcall_pending(v))
		return true;
	return ps->n != 1 && new_port_pending(v->dom, ps);
}

static long read_poll_args(struct xk_vcpu *v, uint64_t arg, uint64_t *handle,
			   unsigned *n, uint64_t *timeout)
{
	if (v->compat) {
		struct sched_poll32 p;
		if (xk_copy_from_guest(v, &p, arg, sizeof(p)))
			return -XEN_EFAULT;
		*handle = p.ports;
		*n = p.nr_ports;
		*timeout = ((uint64_t)p.timeout_hi << 32) | p.timeout_lo;
	} else {
		struct sched_poll64 p;
		if (xk_copy_from_guest(v, &p, arg, sizeof(p)))
			return -XEN_EFAULT;
		*handle = p.ports;
		*n = p.nr_ports;
		*timeout = p.timeout;
	}
	return 0;
}

/*
 * Reads the ports one by one in Xen's order: a pending port ends the poll
 * (1) before later ports are read or checked; else 0 or an error.
 */
static long read_poll_ports(struct xk_vcpu *v, uint64_t handle, struct poll_set *ps)
{
	uint32_t limit = v->dom->shinfo32 ? 1024 : 4096;

	for (unsigned i = 0; i < ps->n; i++) {
		if (xk_copy_from_guest(v, &ps->ports[i], handle + 4ull * i, 4))
			return -XEN_EFAULT;
		if (ps->ports[i] >= limit)
			return -XEN_EINVAL;
		if (xk_evtchn_is_pending(v->dom, ps->ports[i]))
			return 1;
	}
	return 0;
}

static long sched_poll(struct xk_vcpu *v, uint64_t arg)
{
	struct poll_set ps;
	uint64_t handle, timeout;
	const uint8_t *bitmap;
	size_t len;
	long rc = read_poll_args(v, arg, &handle, &ps.n, &timeout);

	if (rc)
		return rc;
	if (ps.n > SCHED_POLL_MAX_PORTS)
		return -XEN_EINVAL;
	/* Mark ourselves polling first, so a port raised meanwhile kicks us. */
	__atomic_store_n(&v->polling, true, __ATOMIC_SEQ_CST);
	ps.upcall_was_pending = xk_evtchn_upcall_pending(v);
	bitmap = pending_bitmap(v->dom, &len);
	memset(ps.pending_at_entry, 0xff, sizeof(ps.pending_at_entry));
	memcpy(ps.pending_at_entry, bitmap, len);
	rc = read_poll_ports(v, handle, &ps);
	/* Like Xen, a timeout ends the poll quietly: the return value is 0. */
	if (rc == 0)
		v->dom->ops->vcpu_block(v, timeout, poll_should_wake, &ps);
	__atomic_store_n(&v->polling, false, __ATOMIC_RELEASE);
	return rc > 0 ? 0 : rc;
}

static long sched_shutdown(struct xk_vcpu *v, uint64_t arg, bool code_only)
{
	struct xk_domain *d = v->dom;
	uint32_t reason;

	if (xk_copy_from_guest(v, &reason, arg, sizeof(reason)))
		return -XEN_EFAULT;
	if (code_only) {
		if (!d->shutting_down)
			d->shutdown_code = reason;
		return 0;
	}
	if (reason > SHUTDOWN_MAX)
		return -XEN_EINVAL;
	xk_domain_shutdown(d, reason);
	return 0;
}

static long sched_remote_shutdown(struct xk_vcpu *v, uint64_t arg)
{
	struct sched_remote_shutdown r;

	if (xk_copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	/*
	 * Xen looks the id up literally (DOMID_SELF names no domain: -ESRCH), then
	 * lets only Dom0 or the target's device model through. A DomU is neither;
	 * the other domains are xenkvmd's to know, so only our own id is -EPERM.
	 */
	return r.domain_id == v->dom->domid ? -XEN_EPERM : -XEN_ESRCH;
}

long xk_hc_sched_op(struct xk_vcpu *v, const uint64_t a[6])
{
	switch (a[0]) {
	case SCHEDOP_yield:
		return 0;
	case SCHEDOP_block:
		return sched_block(v);
	case SCHEDOP_poll:
		return sched_poll(v, a[1]);
	case SCHEDOP_shutdown:
		return sched_shutdown(v, a[1], false);
	case SCHEDOP_shutdown_code:
		return sched_shutdown(v, a[1], true);
	case SCHEDOP_remote_shutdown:
		return sched_remote_shutdown(v, a[1]);
	default:
		return xk_log_unimplemented(v->dom, XEN_HC_sched_op, (unsigned)a[0]);
	}
}
