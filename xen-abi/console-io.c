#include "xen-abi/hypercalls.h"

long xk_hc_console_io(struct xk_vcpu *v, const uint64_t a[6])
{
	return xk_log_unimplemented(v->dom, XEN_HC_console_io, (unsigned)a[0]);
}
