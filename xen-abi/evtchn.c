/* Event channels, 2-level ABI: the port table, delivery and EVTCHNOP_*. */
#include <string.h>
#include "xen-abi/abi-evtchn.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/hypercalls.h"

static unsigned nr_ports(struct xk_domain *d)
{
	return d->shinfo32 ? 1024 : XK_EVTCHN_MAX_PORTS;
}

/* Port 0 is reserved by Xen and never handed out. */
static bool port_ok(struct xk_domain *d, uint32_t port)
{
	return port != 0 && port < nr_ports(d);
}

static struct xk_evtchn_port *chn(struct xk_domain *d, uint32_t port)
{
	return &d->evtchn.port[port];
}

static bool is_self(struct xk_domain *d, uint16_t domid)
{
	return domid == XEN_DOMID_SELF || domid == d->domid;
}

/* Per-vCPU VIRQs; the rest are global and bound on vCPU 0 only. */
static bool virq_is_per_vcpu(uint32_t virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
	       virq == VIRQ_XENPMU;
}

static void mark_events_pending(struct xk_vcpu *v)
{
	if (!__atomic_exchange_n(xk_upcall_pending(v), 1, __ATOMIC_ACQ_REL))
		v->dom->ops->vcpu_kick(v);
}

/* Set the selector bit for 'word' on v; true if it was clear. */
static bool set_selector(struct xk_domain *d, struct xk_vcpu *v, unsigned word)
{
	if (d->shinfo32) {
		uint32_t *sel = &((struct xen_vcpu_info32 *)v->vcpu_info)->evtchn_pending_sel;
		return !(__atomic_fetch_or(sel, 1u << word, __ATOMIC_ACQ_REL) & (1u << word));
	}
	uint64_t *sel = &((struct xen_vcpu_info64 *)v->vcpu_info)->evtchn_pending_sel;
	return !(__atomic_fetch_or(sel, 1ull << word, __ATOMIC_ACQ_REL) & (1ull << word));
}

enum bit_op { BIT_TEST, BIT_SET, BIT_CLEAR };

/*
 * Test, set or clear a port's bit in shared_info's pending or mask array, in
 * the latched layout; returns the bit's old value. The guest changes the same
 * words concurrently, hence the atomics.
 */
static bool port_bit(struct xk_domain *d, bool mask, uint32_t port, enum bit_op op)
{
	if (d->shinfo32) {
		struct xen_shared_info32 *s = d->shared_info;
		uint32_t *w = (mask ? s->evtchn_mask : s->evtchn_pending) + port / 32;
		uint32_t bit = 1u << (port % 32);

		if (op == BIT_SET)
			return __atomic_fetch_or(w, bit, __ATOMIC_ACQ_REL) & bit;
		if (op == BIT_CLEAR)
			return __atomic_fetch_and(w, ~bit, __ATOMIC_ACQ_REL) & bit;
		return __atomic_load_n(w, __ATOMIC_ACQUIRE) & bit;
	}
	struct xen_shared_info64 *s = d->shared_info;
	uint64_t *w = (mask ? s->evtchn_mask : s->evtchn_pending) + port / 64;
	uint64_t bit = 1ull << (port % 64);

	if (op == BIT_SET)
		return __atomic_fetch_or(w, bit, __ATOMIC_ACQ_REL) & bit;
	if (op == BIT_CLEAR)
		return __atomic_fetch_and(w, ~bit, __ATOMIC_ACQ_REL) & bit;
	return __atomic_load_n(w, __ATOMIC_ACQUIRE) & bit;
}

static unsigned word_of(struct xk_domain *d, uint32_t port)
{
	return port / (d->shinfo32 ? 32 : 64);
}

/* Like Xen's poller check: a vCPU in SCHEDOP_poll wakes on any new pending bit. */
static void wake_pollers(struct xk_domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (__atomic_load_n(&d->vcpu[i].polling, __ATOMIC_ACQUIRE))
			d->ops->vcpu_kick(&d->vcpu[i]);
}

static void set_pending(struct xk_domain *d, uint32_t port)
{
	struct xk_vcpu *v = &d->vcpu[chn(d, port)->notify_vcpu];
	bool masked;

	if (port_bit(d, false, port, BIT_SET))
		return;
	masked = port_bit(d, true, port, BIT_TEST);
	if (!masked && set_selector(d, v, word_of(d, port)))
		mark_events_pending(v);
	wake_pollers(d);
}

bool xk_evtchn_is_pending(struct xk_domain *d, uint32_t port)
{
	return port_ok(d, port) && port_bit(d, false, port, BIT_TEST);
}

bool xk_evtchn_upcall_pending(struct xk_vcpu *v)
{
	return __atomic_load_n(xk_upcall_pending(v), __ATOMIC_ACQUIRE);
}

void xk_evtchn_init(struct xk_domain *d)
{
	memset(&d->evtchn, 0, sizeof(d->evtchn));
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		memset(&d->vcpu[i].evtchn, 0, sizeof(d->vcpu[i].evtchn));
}

/* Caller holds d->lock. Returns a free port or -ENOSPC. */
static long get_free_port(struct xk_domain *d)
{
	for (uint32_t p = 1; p < nr_ports(d); p++)
		if (chn(d, p)->state == EVTCHNSTAT_closed)
			return p;
	return -XEN_ENOSPC;
}

static long new_port(struct xk_domain *d, uint8_t state, uint8_t vcpu)
{
	long p = get_free_port(d);

	if (p > 0)
		*chn(d, (uint32_t)p) = (struct xk_evtchn_port){ .state = state, .notify_vcpu = vcpu };
	return p;
}

int xk_evtchn_alloc_unbound_for(struct xk_domain *d, uint16_t remote_dom)
{
	long p;

	pthread_mutex_lock(&d->lock);
	p = new_port(d, EVTCHNSTAT_interdomain, 0);
	if (p > 0) {
		chn(d, (uint32_t)p)->remote_dom = remote_dom;
		chn(d, (uint32_t)p)->remote_port = (uint32_t)p;
	}
	pthread_mutex_unlock(&d->lock);
	return (int)p;
}

/*
 * A remote domain binds the guest's unbound port (EVTCHNOP_bind_interdomain
 * done by Dom0's backend): only a port left unbound for exactly that domain.
 */
int xk_evtchn_bind_remote(struct xk_domain *d, uint32_t port, uint16_t remote_dom,
			  uint32_t remote_port)
{
	struct xk_evtchn_port *c;
	int rc = -XEN_EINVAL;

	if (!port_ok(d, port))
		return -XEN_EINVAL;
	pthread_mutex_lock(&d->lock);
	c = chn(d, port);
	if (c->state == EVTCHNSTAT_unbound && c->remote_dom == remote_dom &&
	    remote_dom != d->domid) {
		c->state = EVTCHNSTAT_interdomain;
		c->remote_port = remote_port;
		rc = 0;
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

/* The remote end closed its port: ours waits for a new bind, as on Xen. */
int xk_evtchn_unbind_remote(struct xk_domain *d, uint32_t port, uint16_t remote_dom)
{
	struct xk_evtchn_port *c;
	int rc = -XEN_EINVAL;

	if (!port_ok(d, port))
		return -XEN_EINVAL;
	pthread_mutex_lock(&d->lock);
	c = chn(d, port);
	if (c->state == EVTCHNSTAT_interdomain && c->remote_dom == remote_dom &&
	    remote_dom != d->domid) {
		c->state = EVTCHNSTAT_unbound;
		c->remote_port = 0;
		rc = 0;
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

/* Caller holds d->lock. */
static long close_port(struct xk_domain *d, uint32_t port)
{
	struct xk_evtchn_port *c;

	if (!port_ok(d, port))
		return -XEN_EINVAL;
	c = chn(d, port);
	switch (c->state) {
	case EVTCHNSTAT_closed:
		return -XEN_EINVAL;
	case EVTCHNSTAT_virq:
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			if (d->vcpu[i].evtchn.virq_port[c->virq] == port)
				d->vcpu[i].evtchn.virq_port[c->virq] = 0;
		break;
	case EVTCHNSTAT_interdomain:
		/* The other end of a loopback pair goes back to waiting for a bind. */
		if (c->remote_dom == d->domid && c->remote_port < nr_ports(d)) {
			struct xk_evtchn_port *peer = chn(d, c->remote_port);
			if (peer->state == EVTCHNSTAT_interdomain && peer->remote_port == port) {
				peer->state = EVTCHNSTAT_unbound;
				peer->remote_dom = d->domid;
				peer->remote_port = 0;
			}
		} else if (c->remote_dom != d->domid && d->ops->evtchn_foreign_closed) {
			d->ops->evtchn_foreign_closed(d, port, c->remote_dom, c->remote_port);
		}
		break;
	}
	memset(c, 0, sizeof(*c));
	/* A freed port must not look pending to whoever gets it next. */
	port_bit(d, false, port, BIT_CLEAR);
	return 0;
}

/* Hand a newly bound port back in the guest's op struct (or pass on an error). */
static long reply_port(struct xk_vcpu *v, uint64_t arg, void *op, size_t size,
		       uint32_t *field, long port)
{
	if (port < 0)
		return port;
	*field = (uint32_t)port;
	return xk_copy_to_guest(v, arg, op, size) ? -XEN_EFAULT : 0;
}

static long op_alloc_unbound(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct evtchn_alloc_unbound a;
	long p;

	if (xk_copy_from_guest(v, &a, arg, sizeof(a)))
		return -XEN_EFAULT;
	if (!is_self(d, a.dom))
		return -XEN_ESRCH;
	pthread_mutex_lock(&d->lock);
	p = new_port(d, EVTCHNSTAT_unbound, 0);
	if (p > 0)
		chn(d, (uint32_t)p)->remote_dom = is_self(d, a.remote_dom) ? d->domid : a.remote_dom;
	pthread_mutex_unlock(&d->lock);
	if (p < 0)
		return p;
	a.port = (uint32_t)p;
	if (xk_copy_to_guest(v, arg, &a, sizeof(a))) {
		pthread_mutex_lock(&d->lock);
		close_port(d, (uint32_t)p);
		pthread_mutex_unlock(&d->lock);
		return -XEN_EFAULT;
	}
	return 0;
}

/* Our side of a channel to another DomU: reserve a port, let the broker bind both ends. */
static long bind_foreign(struct xk_domain *d, uint16_t remote_dom, uint32_t remote_port)
{
	struct xk_evtchn_port *c;
	long p, rc;

	if (!d->ops->evtchn_bind_foreign)
		return -XEN_ESRCH;
	pthread_mutex_lock(&d->lock);
	p = new_port(d, EVTCHNSTAT_unbound, 0);
	if (p > 0)
		chn(d, (uint32_t)p)->remote_dom = remote_dom;
	pthread_mutex_unlock(&d->lock);
	if (p < 0)
		return p;
	rc = d->ops->evtchn_bind_foreign(d, (uint32_t)p, remote_dom, remote_port);
	pthread_mutex_lock(&d->lock);
	c = chn(d, (uint32_t)p);
	if (c->state != EVTCHNSTAT_unbound || c->remote_dom != remote_dom) {
		/* The guest closed the reserved port meanwhile; the peer hears of it. */
		if (!rc && d->ops->evtchn_foreign_closed)
			d->ops->evtchn_foreign_closed(d, (uint32_t)p, remote_dom, remote_port);
		rc = rc ? rc : -XEN_EINVAL;
	} else if (rc) {
		close_port(d, (uint32_t)p);
	} else {
		c->state = EVTCHNSTAT_interdomain;
		c->remote_port = remote_port;
		set_pending(d, (uint32_t)p);
	}
	pthread_mutex_unlock(&d->lock);
	return rc ? rc : p;
}

static long op_bind_interdomain(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct evtchn_bind_interdomain b;
	struct xk_evtchn_port *r;
	long p;

	if (xk_copy_from_guest(v, &b, arg, sizeof(b)))
		return -XEN_EFAULT;
	/* Other domains are reached through xenkvmd, which brokers them. */
	if (!is_self(d, b.remote_dom))
		return reply_port(v, arg, &b, sizeof(b), &b.local_port,
				  bind_foreign(d, b.remote_dom, b.remote_port));
	pthread_mutex_lock(&d->lock);
	if (!port_ok(d, b.remote_port) || (r = chn(d, b.remote_port))->state !=
	    EVTCHNSTAT_unbound || r->remote_dom != d->domid) {
		pthread_mutex_unlock(&d->lock);
		return -XEN_EINVAL;
	}
	p = new_port(d, EVTCHNSTAT_interdomain, 0);
	if (p > 0) {
		chn(d, (uint32_t)p)->remote_dom = d->domid;
		chn(d, (uint32_t)p)->remote_port = b.remote_port;
		r->state = EVTCHNSTAT_interdomain;
		r->remote_port = (uint32_t)p;
		/* Like Xen, the new local port starts out pending. */
		set_pending(d, (uint32_t)p);
	}
	pthread_mutex_unlock(&d->lock);
	return reply_port(v, arg, &b, sizeof(b), &b.local_port, p);
}

static long op_bind_virq(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct evtchn_bind_virq b;
	long p;

	if (xk_copy_from_guest(v, &b, arg, sizeof(b)))
		return -XEN_EFAULT;
	if (b.virq >= XK_NR_VIRQS)
		return -XEN_EINVAL;
	if (!virq_is_per_vcpu(b.virq) && b.vcpu != 0)
		return -XEN_EINVAL;
	if (b.vcpu >= d->nr_vcpus)
		return -XEN_ENOENT;
	pthread_mutex_lock(&d->lock);
	if (d->vcpu[b.vcpu].evtchn.virq_port[b.virq]) {
		pthread_mutex_unlock(&d->lock);
		return -XEN_EEXIST;
	}
	p = new_port(d, EVTCHNSTAT_virq, (uint8_t)b.vcpu);
	if (p > 0) {
		chn(d, (uint32_t)p)->virq = b.virq;
		d->vcpu[b.vcpu].evtchn.virq_port[b.virq] = (uint32_t)p;
	}
	pthread_mutex_unlock(&d->lock);
	return reply_port(v, arg, &b, sizeof(b), &b.port, p);
}

static long op_bind_ipi(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct evtchn_bind_ipi b;
	long p;

	if (xk_copy_from_guest(v, &b, arg, sizeof(b)))
		return -XEN_EFAULT;
	if (b.vcpu >= d->nr_vcpus)
		return -XEN_ENOENT;
	pthread_mutex_lock(&d->lock);
	p = new_port(d, EVTCHNSTAT_ipi, (uint8_t)b.vcpu);
	pthread_mutex_unlock(&d->lock);
	return reply_port(v, arg, &b, sizeof(b), &b.port, p);
}

static long send_port(struct xk_domain *d, uint32_t port)
{
	struct xk_evtchn_port c;

	if (!port_ok(d, port))
		return -XEN_EINVAL;
	pthread_mutex_lock(&d->lock);
	c = *chn(d, port);
	if (c.state == EVTCHNSTAT_interdomain && c.remote_dom == d->domid)
		set_pending(d, c.remote_port);
	else if (c.state == EVTCHNSTAT_ipi)
		set_pending(d, port);
	pthread_mutex_unlock(&d->lock);
	switch (c.state) {
	case EVTCHNSTAT_interdomain:
		if (c.remote_dom != d->domid && d->ops->evtchn_remote_send)
			d->ops->evtchn_remote_send(d, port, c.remote_dom, c.remote_port);
		return 0;
	case EVTCHNSTAT_ipi:
	case EVTCHNSTAT_unbound:	/* Xen drops it silently */
		return 0;
	default:
		return -XEN_EINVAL;
	}
}

static long op_port(struct xk_vcpu *v, uint64_t arg, uint32_t *port)
{
	return xk_copy_from_guest(v, port, arg, sizeof(*port)) ? -XEN_EFAULT : 0;
}

static long op_send(struct xk_vcpu *v, uint64_t arg)
{
	uint32_t port;
	long rc = op_port(v, arg, &port);

	return rc ? rc : send_port(v->dom, port);
}

static long op_close(struct xk_vcpu *v, uint64_t arg)
{
	uint32_t port;
	long rc = op_port(v, arg, &port);

	if (rc)
		return rc;
	pthread_mutex_lock(&v->dom->lock);
	rc = close_port(v->dom, port);
	pthread_mutex_unlock(&v->dom->lock);
	return rc;
}

static long op_unmask(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	uint32_t port;
	long rc = op_port(v, arg, &port);

	if (rc)
		return rc;
	if (!port_ok(d, port))
		return -XEN_EINVAL;
	pthread_mutex_lock(&d->lock);
	/* 2-level rule: an unmasked pending port raises its selector bit. */
	if (port_bit(d, true, port, BIT_CLEAR) && port_bit(d, false, port, BIT_TEST)) {
		struct xk_vcpu *t = &d->vcpu[chn(d, port)->notify_vcpu];
		if (set_selector(d, t, word_of(d, port)))
			mark_events_pending(t);
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static long op_status(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct evtchn_status s;
	struct xk_evtchn_port c;

	if (xk_copy_from_guest(v, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if (!is_self(d, s.dom))
		return -XEN_ESRCH;
	/* Port 0 is valid but reserved: Xen reports it closed. */
	if (s.port != 0 && !port_ok(d, s.port))
		return -XEN_EINVAL;
	if (s.port == 0) {
		memset(&s.u, 0, sizeof(s.u));
		s.status = EVTCHNSTAT_closed;
		s.vcpu = 0;
		return xk_copy_to_guest(v, arg, &s, sizeof(s)) ? -XEN_EFAULT : 0;
	}
	pthread_mutex_lock(&d->lock);
	c = *chn(d, s.port);
	pthread_mutex_unlock(&d->lock);
	memset(&s.u, 0, sizeof(s.u));
	s.status = c.state;
	s.vcpu = c.notify_vcpu;
	if (c.state == EVTCHNSTAT_unbound)
		s.u.unbound.dom = c.remote_dom;
	else if (c.state == EVTCHNSTAT_interdomain)
		s.u.interdomain.dom = c.remote_dom, s.u.interdomain.port = c.remote_port;
	else if (c.state == EVTCHNSTAT_virq)
		s.u.virq = c.virq;
	return xk_copy_to_guest(v, arg, &s, sizeof(s)) ? -XEN_EFAULT : 0;
}

static long op_bind_vcpu(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct evtchn_bind_vcpu b;
	struct xk_evtchn_port *c;
	long rc = 0;

	if (xk_copy_from_guest(v, &b, arg, sizeof(b)))
		return -XEN_EFAULT;
	/* Xen looks at the vCPU first, then the port. */
	if (b.vcpu >= d->nr_vcpus)
		return -XEN_ENOENT;
	if (!port_ok(d, b.port))
		return -XEN_EINVAL;
	pthread_mutex_lock(&d->lock);
	c = chn(d, b.port);
	switch (c->state) {
	case EVTCHNSTAT_virq:
		if (virq_is_per_vcpu(c->virq)) {
			rc = -XEN_EINVAL;
			break;
		}
		/* fall through */
	case EVTCHNSTAT_unbound:
	case EVTCHNSTAT_interdomain:
		c->notify_vcpu = (uint8_t)b.vcpu;
		break;
	default:
		rc = -XEN_EINVAL;
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static long op_reset(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	uint16_t dom;

	if (xk_copy_from_guest(v, &dom, arg, sizeof(dom)))
		return -XEN_EFAULT;
	if (!is_self(d, dom))
		return -XEN_ESRCH;
	pthread_mutex_lock(&d->lock);
	for (uint32_t p = 1; p < nr_ports(d); p++)
		if (chn(d, p)->state != EVTCHNSTAT_closed)
			close_port(d, p);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

/*
 * The FIFO ABI is not offered; its arguments are still checked as Xen
 * checks them (XSA-188), so a bad one gets Xen's error and a good one
 * -ENOSYS (logged), on which Linux keeps the 2-level ABI.
 */
static long op_init_control(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct evtchn_init_control ic;

	if (xk_copy_from_guest(v, &ic, arg, sizeof(ic)))
		return -XEN_EFAULT;
	if (ic.vcpu >= d->nr_vcpus)
		return -XEN_ENOENT;
	if (ic.offset > XEN_PAGE_SIZE - EVTCHN_FIFO_CONTROL_BLOCK_SIZE || ic.offset & 7)
		return -XEN_EINVAL;
	if (ic.control_gfn >= (1ull << (64 - XEN_PAGE_SHIFT)) ||
	    !gmem_is_ram(&d->mem, ic.control_gfn << XEN_PAGE_SHIFT, XEN_PAGE_SIZE))
		return -XEN_EINVAL;
	return xk_log_unimplemented(d, XEN_HC_event_channel_op, EVTCHNOP_init_control);
}

long xk_hc_event_channel_op(struct xk_vcpu *v, const uint64_t a[6])
{
	switch (a[0]) {
	case EVTCHNOP_alloc_unbound: return op_alloc_unbound(v, a[1]);
	case EVTCHNOP_bind_interdomain: return op_bind_interdomain(v, a[1]);
	case EVTCHNOP_bind_virq: return op_bind_virq(v, a[1]);
	case EVTCHNOP_bind_ipi: return op_bind_ipi(v, a[1]);
	case EVTCHNOP_send: return op_send(v, a[1]);
	case EVTCHNOP_close: return op_close(v, a[1]);
	case EVTCHNOP_unmask: return op_unmask(v, a[1]);
	case EVTCHNOP_status: return op_status(v, a[1]);
	case EVTCHNOP_bind_vcpu: return op_bind_vcpu(v, a[1]);
	case EVTCHNOP_reset: return op_reset(v, a[1]);
	case EVTCHNOP_init_control: return op_init_control(v, a[1]);
	/* Xen's answers while a domain has not switched to the FIFO ABI. */
	case EVTCHNOP_expand_array: return -XEN_EOPNOTSUPP;
	case EVTCHNOP_set_priority: return -XEN_ENOSYS;
	default:
		/* PIRQs and reset_cont: not here. */
		return xk_log_unimplemented(v->dom, XEN_HC_event_channel_op, (unsigned)a[0]);
	}
}

void xk_evtchn_send_virq(struct xk_vcpu *v, unsigned virq)
{
	struct xk_domain *d = v->dom;
	uint32_t port;

	if (virq >= XK_NR_VIRQS)
		return;
	pthread_mutex_lock(&d->lock);
	port = v->evtchn.virq_port[virq];
	if (port)
		set_pending(d, port);
	pthread_mutex_unlock(&d->lock);
}

void xk_evtchn_send_global_virq(struct xk_domain *d, unsigned virq)
{
	xk_evtchn_send_virq(&d->vcpu[0], virq);
}

int xk_evtchn_raise(struct xk_domain *d, uint32_t port)
{
	int rc = 0;

	if (!port_ok(d, port))
		return -XEN_EINVAL;
	pthread_mutex_lock(&d->lock);
	if (chn(d, port)->state == EVTCHNSTAT_closed)
		rc = -XEN_EINVAL;
	else
		set_pending(d, port);
	pthread_mutex_unlock(&d->lock);
	return rc;
}

void xk_evtchn_vcpu_info_moved(struct xk_vcpu *v)
{
	/* As Xen does: make the guest rescan every word once. */
	if (v->dom->shinfo32)
		__atomic_store_n(&((struct xen_vcpu_info32 *)v->vcpu_info)->evtchn_pending_sel,
				 ~0u, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&((struct xen_vcpu_info64 *)v->vcpu_info)->evtchn_pending_sel,
				 ~0ull, __ATOMIC_RELEASE);
	mark_events_pending(v);
}
