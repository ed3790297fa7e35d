#include "xen-abi/hypercalls.h"

long xk_hc_set_timer_op(struct xk_vcpu *v, const uint64_t a[6])
{
	return xk_log_unimplemented(v->dom, XEN_HC_set_timer_op, (unsigned)a[0]);
}
