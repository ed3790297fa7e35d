#include "xen-abi/hypercalls.h"

long xk_hc_hvm_op(struct xk_vcpu *v, const uint64_t a[6])
{
	return xk_log_unimplemented(v->dom, XEN_HC_hvm_op, (unsigned)a[0]);
}

void xk_hvm_params_init(struct xk_domain *d)
{
	(void)d;
}
