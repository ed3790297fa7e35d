#include "xen-abi/hypercalls.h"

/* set_timer_op(deadline): the singleshot timer; 0 cancels; a past one fires at once. */
long xk_hc_set_timer_op(struct xk_vcpu *v, const uint64_t a[6])
{
	uint64_t deadline = v->compat ? (a[0] | (a[1] << 32)) : a[0];

	__atomic_store_n(&v->timer.singleshot_deadline_ns, deadline, __ATOMIC_RELEASE);
	v->dom->ops->timer_changed(v);
	return 0;
}
