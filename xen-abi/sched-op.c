#include "xen-abi/hypercalls.h"

long xk_hc_sched_op(struct xk_vcpu *v, const uint64_t a[6])
{
	return xk_log_unimplemented(v->dom, XEN_HC_sched_op, (unsigned)a[0]);
}
