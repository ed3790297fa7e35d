/* Guest wrappers for event_channel_op (structures per Xen's event_channel.h). */
#include "guest.h"

enum { OP_bind_interdomain = 0, OP_bind_virq = 1, OP_close = 3, OP_send = 4, OP_status = 5,
       OP_alloc_unbound = 6, OP_bind_ipi = 7, OP_bind_vcpu = 8, OP_unmask = 9, OP_reset = 10 };

static long op(unsigned cmd, void *arg)
{
	return hypercall2(XEN_HC_event_channel_op, cmd, (ulong)arg);
}

long evtchn_alloc_unbound(uint16_t dom, uint16_t remote)
{
	struct { uint16_t dom, remote_dom; uint32_t port; } a = { dom, remote, 0 };
	long rc = op(OP_alloc_unbound, &a);

	return rc ? rc : (long)a.port;
}

long evtchn_bind_interdomain(uint16_t remote_dom, uint32_t remote_port)
{
	struct { uint16_t remote_dom, pad; uint32_t remote_port, local_port; } a =
		{ remote_dom, 0, remote_port, 0 };
	long rc = op(OP_bind_interdomain, &a);

	return rc ? rc : (long)a.local_port;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu)
{
	struct { uint32_t virq, vcpu, port; } a = { virq, vcpu, 0 };
	long rc = op(OP_bind_virq, &a);

	return rc ? rc : (long)a.port;
}

long evtchn_bind_ipi(uint32_t vcpu)
{
	struct { uint32_t vcpu, port; } a = { vcpu, 0 };
	long rc = op(OP_bind_ipi, &a);

	return rc ? rc : (long)a.port;
}

long evtchn_send(uint32_t port) { return op(OP_send, &port); }
long evtchn_close(uint32_t port) { return op(OP_close, &port); }
long evtchn_unmask(uint32_t port) { return op(OP_unmask, &port); }

long evtchn_bind_vcpu(uint32_t port, uint32_t vcpu)
{
	struct { uint32_t port, vcpu; } a = { port, vcpu };

	return op(OP_bind_vcpu, &a);
}

long evtchn_status(uint32_t port, struct evtchn_status_info *st)
{
	struct { uint16_t dom, pad; uint32_t port, status, vcpu;
		 union { uint16_t dom; struct { uint16_t dom, pad; uint32_t port; } inter;
			 uint32_t virq; } u; } a = { .dom = XEN_DOMID_SELF, .port = port };
	long rc = op(OP_status, &a);

	st->status = a.status;
	st->vcpu = a.vcpu;
	st->remote_dom = a.u.inter.dom;
	st->remote_port = a.u.inter.port;
	st->virq = a.u.virq;
	return rc;
}

long evtchn_reset_self(void)
{
	uint16_t dom = XEN_DOMID_SELF;

	return op(OP_reset, &dom);
}
