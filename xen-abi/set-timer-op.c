#include "xen-abi/hypercalls.h"

#define HUGE_TIMEOUT_FALLBACK_NS 100000000ull	/* 100 ms */

/*
 * set_timer_op(deadline): the singleshot timer; 0 cancels; a past deadline
 * fires at once. As Xen does, a deadline that is negative as s64 or more than
 * 2^50 ns (about 13 days) ahead is taken for a guest's wrapped jiffies
 * arithmetic and becomes a tick 100 ms from now.
 */
long xk_hc_set_timer_op(struct xk_vcpu *v, const uint64_t a[6])
{
	struct xk_domain *d = v->dom;
	uint64_t deadline = v->compat ? ((uint32_t)a[0] | ((uint64_t)(uint32_t)a[1] << 32)) : a[0];
	uint64_t now = d->ops->now_ns(d);

	if (deadline && ((int64_t)deadline < 0 ||
			 (deadline > now && ((deadline - now) >> 50) != 0))) {
		if (xk_log_once(d, XEN_HC_set_timer_op, 0))
			xk_log(d, "set_timer_op: huge timeout %#llx, using now + 100 ms",
			       (unsigned long long)deadline);
		deadline = now + HUGE_TIMEOUT_FALLBACK_NS;
	}
	__atomic_store_n(&v->timer.singleshot_deadline_ns, deadline, __ATOMIC_RELEASE);
	d->ops->timer_changed(v);
	return 0;
}
