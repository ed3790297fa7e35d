#include "xen-abi/hypercalls.h"

long xk_hc_memory_op(struct xk_vcpu *v, const uint64_t a[6])
{
	return xk_log_unimplemented(v->dom, XEN_HC_memory_op, (unsigned)a[0]);
}
