#include "xen-abi/hypercalls.h"

long xk_hc_grant_table_op(struct xk_vcpu *v, const uint64_t a[6])
{
	return xk_log_unimplemented(v->dom, XEN_HC_grant_table_op, (unsigned)a[0]);
}

void xk_grant_init(struct xk_domain *d)
{
	(void)d;
}

void xk_grant_destroy(struct xk_domain *d)
{
	(void)d;
}
