#include "xen-abi/hypercalls.h"

static const xk_hypercall_fn table[XEN_HC_COUNT] = {
	[XEN_HC_xen_version] = xk_hc_xen_version,
	[XEN_HC_console_io] = xk_hc_console_io,
	[XEN_HC_hvm_op] = xk_hc_hvm_op,
	[XEN_HC_memory_op] = xk_hc_memory_op,
	[XEN_HC_event_channel_op] = xk_hc_event_channel_op,
	[XEN_HC_grant_table_op] = xk_hc_grant_table_op,
	[XEN_HC_sched_op] = xk_hc_sched_op,
	[XEN_HC_vcpu_op] = xk_hc_vcpu_op,
	[XEN_HC_set_timer_op] = xk_hc_set_timer_op,
	[XEN_HC_physdev_op] = xk_hc_physdev_op,
};

long xk_hypercall(struct xk_vcpu *v, unsigned nr, const uint64_t a[6])
{
	uint64_t args[6];
	long ret;

	/* HVM/PVH guests may only call from kernel mode. */
	if (v->cpl != 0)
		return -XEN_EPERM;
	if (nr >= XEN_HC_COUNT || !table[nr])
		return xk_log_unimplemented(v->dom, nr < XEN_HC_COUNT ? nr : XEN_HC_COUNT - 1, 0);
	for (int i = 0; i < 6; i++)
		args[i] = v->compat ? (uint32_t)a[i] : a[i];
	ret = table[nr](v, args);
	if (v->dom->ops->trace_hypercall)
		v->dom->ops->trace_hypercall(v, nr, args, ret);
	return ret;
}
