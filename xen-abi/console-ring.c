/* The Dom0 end of a domain's primary console ring. */
#include "xen-abi/abi-console.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/console.h"
#include "xen-abi/domain.h"
#include "xen-abi/evtchn.h"

static struct xencons_interface *ring(struct xk_domain *d)
{
	uint64_t pfn = d->hvm.param[HVM_PARAM_CONSOLE_PFN];

	if (!pfn || !gmem_is_ram(&d->mem, pfn << XEN_PAGE_SHIFT, XEN_PAGE_SIZE))
		return NULL;
	return gmem_ptr(&d->mem, pfn << XEN_PAGE_SHIFT);
}

static void notify(struct xk_domain *d)
{
	uint32_t port = (uint32_t)d->hvm.param[HVM_PARAM_CONSOLE_EVTCHN];

	if (port)
		xk_evtchn_raise(d, port);
}

void xk_console_ring_drain(struct xk_domain *d)
{
	struct xencons_interface *r = ring(d);
	uint32_t cons, prod;
	char buf[XENCONS_OUT_SIZE];
	size_t n = 0;

	if (!r)
		return;
	cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
	prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
	/* The guest owns prod: a producer more than a ring ahead is broken. */
	if (prod - cons > XENCONS_OUT_SIZE) {
		if (xk_log_once(d, XEN_HC_console_io, 62))
			xk_log(d, "console ring indices broken (cons %u prod %u); ignoring",
			       cons, prod);
		return;
	}
	while (cons != prod)
		buf[n++] = r->out[cons++ % XENCONS_OUT_SIZE];
	if (!n)
		return;
	d->ops->console_out(d, buf, n);
	__atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
	notify(d);
}

size_t xk_console_ring_input(struct xk_domain *d, const char *buf, size_t len)
{
	struct xencons_interface *r = ring(d);
	uint32_t cons, prod;
	size_t n = 0;

	if (!r)
		return 0;
	cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
	/* The guest owns cons: one that passed our producer is broken. */
	if (prod - cons > XENCONS_IN_SIZE) {
		if (xk_log_once(d, XEN_HC_console_io, 61))
			xk_log(d, "console input ring indices broken (cons %u prod %u); ignoring",
			       cons, prod);
		return 0;
	}
	while (n < len && prod - cons < XENCONS_IN_SIZE)
		r->in[prod++ % XENCONS_IN_SIZE] = buf[n++];
	__atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
	if (n)
		notify(d);
	return n;
}
