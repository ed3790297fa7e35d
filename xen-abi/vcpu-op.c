#include "xen-abi/hypercalls.h"

long xk_hc_vcpu_op(struct xk_vcpu *v, const uint64_t a[6])
{
	return xk_log_unimplemented(v->dom, XEN_HC_vcpu_op, (unsigned)a[0]);
}
