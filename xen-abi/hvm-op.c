#include "xen-abi/abi-hvm.h"
#include "xen-abi/hypercalls.h"

void xk_hvm_params_init(struct xk_domain *d)
{
	d->hvm.param[HVM_PARAM_TIMER_MODE] = HVMPTM_delay_for_missed_ticks;
}

uint8_t xk_hvm_upcall_vector(struct xk_vcpu *v)
{
	uint64_t via = __atomic_load_n(&v->dom->hvm.param[HVM_PARAM_CALLBACK_IRQ],
				       __ATOMIC_RELAXED);

	if (v->upcall_vector)
		return v->upcall_vector;
	if ((via >> HVM_PARAM_CALLBACK_TYPE_SHIFT) == HVM_PARAM_CALLBACK_TYPE_VECTOR)
		return (uint8_t)via;
	return 0;
}

/* Parameters the toolstack owns: a guest reads them but may not change them. */
static bool toolstack_only(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_IOREQ_PFN:
	case HVM_PARAM_BUFIOREQ_PFN:
	case HVM_PARAM_PAE_ENABLED:
	case HVM_PARAM_VIRIDIAN:
	case HVM_PARAM_HPET_ENABLED:
	case HVM_PARAM_IDENT_PT:
	case HVM_PARAM_VM86_TSS:
	case HVM_PARAM_VPT_ALIGN:
		return true;
	default:
		return false;
	}
}

static long set_param(struct xk_vcpu *v, const struct xen_hvm_param *p)
{
	struct xk_domain *d = v->dom;
	uint8_t type = (uint8_t)(p->value >> HVM_PARAM_CALLBACK_TYPE_SHIFT);

	if (toolstack_only(p->index))
		return -XEN_EPERM;
	switch (p->index) {
	case HVM_PARAM_CALLBACK_IRQ:
		/* GSI/INTx need an emulated IOAPIC/PCI bus we do not have. */
		if (p->value && type != HVM_PARAM_CALLBACK_TYPE_VECTOR)
			return -XEN_EOPNOTSUPP;
		if (type == HVM_PARAM_CALLBACK_TYPE_VECTOR && (uint8_t)p->value < 0x10)
			return -XEN_EINVAL;
		/* Xen latches the shared_info layout from the guest's mode here. */
		xk_latch_shinfo_layout(d, v->compat);
		break;
	case HVM_PARAM_TIMER_MODE:
		if (p->value > HVMPTM_one_missed_tick_pending)
			return -XEN_EINVAL;
		break;
	case HVM_PARAM_ACPI_S_STATE:
		/* Only leaving sleep state is meaningful without ACPI emulation. */
		if (p->value != 0)
			return -XEN_EINVAL;
		break;
	default:
		return -XEN_EINVAL;
	}
	__atomic_store_n(&d->hvm.param[p->index], p->value, __ATOMIC_RELEASE);
	if (p->index == HVM_PARAM_CALLBACK_IRQ && d->ops->vcpu_kick)
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			d->ops->vcpu_kick(&d->vcpu[i]);
	return 0;
}

static long param_op(struct xk_vcpu *v, uint64_t arg, bool set)
{
	struct xen_hvm_param p;
	long rc;

	if (xk_copy_from_guest(v, &p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.domid != XEN_DOMID_SELF && p.domid != v->dom->domid)
		return -XEN_ESRCH;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (set)
		return set_param(v, &p);
	p.value = __atomic_load_n(&v->dom->hvm.param[p.index], __ATOMIC_ACQUIRE);
	rc = xk_copy_to_guest(v, arg, &p, sizeof(p)) ? -XEN_EFAULT : 0;
	return rc;
}

static long set_upcall_vector(struct xk_vcpu *v, uint64_t arg)
{
	struct xen_hvm_evtchn_upcall_vector op;

	if (xk_copy_from_guest(v, &op, arg, 5))
		return -XEN_EFAULT;
	if (op.vector < 0x10)
		return -XEN_EINVAL;
	if (op.vcpu >= v->dom->nr_vcpus)
		return -XEN_ENOENT;
	v->dom->vcpu[op.vcpu].upcall_vector = op.vector;
	return 0;
}

long xk_hc_hvm_op(struct xk_vcpu *v, const uint64_t a[6])
{
	switch (a[0]) {
	case HVMOP_set_param:
		return param_op(v, a[1], true);
	case HVMOP_get_param:
		return param_op(v, a[1], false);
	case HVMOP_set_evtchn_upcall_vector:
		return set_upcall_vector(v, a[1]);
	default:
		return xk_log_unimplemented(v->dom, XEN_HC_hvm_op, (unsigned)a[0]);
	}
}
