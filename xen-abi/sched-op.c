#include "xen-abi/abi-sched.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/hypercalls.h"

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
};

static bool any_port_pending(struct xk_vcpu *v, void *arg)
{
	struct poll_set *ps = arg;

	for (unsigned i = 0; i < ps->n; i++)
		if (xk_evtchn_is_pending(v->dom, ps->ports[i]))
			return true;
	return false;
}

static long sched_poll(struct xk_vcpu *v, uint64_t arg)
{
	uint32_t limit = v->dom->shinfo32 ? 1024 : 4096;
	struct poll_set ps;
	uint64_t handle, timeout;

	if (v->compat) {
		struct sched_poll32 p;
		if (xk_copy_from_guest(v, &p, arg, sizeof(p)))
			return -XEN_EFAULT;
		handle = p.ports;
		ps.n = p.nr_ports;
		timeout = ((uint64_t)p.timeout_hi << 32) | p.timeout_lo;
	} else {
		struct sched_poll64 p;
		if (xk_copy_from_guest(v, &p, arg, sizeof(p)))
			return -XEN_EFAULT;
		handle = p.ports;
		ps.n = p.nr_ports;
		timeout = p.timeout;
	}
	if (ps.n > SCHED_POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (xk_copy_from_guest(v, ps.ports, handle, ps.n * sizeof(uint32_t)))
		return -XEN_EFAULT;
	for (unsigned i = 0; i < ps.n; i++)
		if (ps.ports[i] >= limit)
			return -XEN_EINVAL;
	/* Like Xen, a timeout ends the poll quietly: the return value is 0. */
	__atomic_store_n(&v->polling, true, __ATOMIC_RELEASE);
	v->dom->ops->vcpu_block(v, timeout, any_port_pending, &ps);
	__atomic_store_n(&v->polling, false, __ATOMIC_RELEASE);
	return 0;
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
	d->shutting_down = true;
	d->shutdown_reason = reason;
	d->ops->shutdown(d, reason);
	return 0;
}

static long sched_remote_shutdown(struct xk_vcpu *v, uint64_t arg)
{
	struct sched_remote_shutdown r;

	if (xk_copy_from_guest(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	/* Only a domain's device model or Dom0 may do this; we have neither here. */
	if (r.domain_id == v->dom->domid || r.domain_id == XEN_DOMID_SELF)
		return -XEN_EPERM;
	return -XEN_ESRCH;
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
