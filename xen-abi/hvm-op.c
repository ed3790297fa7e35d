#include "xen-abi/abi-hvm.h"
#include "xen-abi/evtchn.h"
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

/* Parameters Xen retired: both get and set give -EINVAL. */
static bool deprecated(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_PAE_ENABLED:
	case HVM_PARAM_DM_DOMAIN:
	case HVM_PARAM_MEMORY_EVENT_CR0:
	case HVM_PARAM_MEMORY_EVENT_CR3:
	case HVM_PARAM_MEMORY_EVENT_CR4:
	case HVM_PARAM_MEMORY_EVENT_INT3:
	case HVM_PARAM_NESTEDHVM:
	case HVM_PARAM_MEMORY_EVENT_SINGLE_STEP:
	case HVM_PARAM_BUFIOREQ_EVTCHN:
	case HVM_PARAM_MEMORY_EVENT_MSR:
		return true;
	default:
		return false;
	}
}

/*
 * What a guest may do with its own parameters: Xen's hvm_allow_get_param and
 * hvm_allow_set_param lists. Everything else is the toolstack's (-EPERM).
 * Xen keeps TIMER_MODE to the toolstack too; here the guest may read it and
 * choose a valid mode, as no toolstack of ours sets it.
 */
static bool guest_may_set(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_VM86_TSS:
	case HVM_PARAM_VM86_TSS_SIZED:
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
	case HVM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_X87_FIP_WIDTH:
	case HVM_PARAM_TIMER_MODE:
		return true;
	default:
		return false;
	}
}

static bool guest_may_get(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_ALTP2M:
		return true;
	default:
		return guest_may_set(index);
	}
}

static long set_callback_irq(struct xk_vcpu *v, uint64_t value)
{
	uint8_t type = (uint8_t)(value >> HVM_PARAM_CALLBACK_TYPE_SHIFT);

	/* GSI/INTx need an emulated IOAPIC/PCI bus we do not have. */
	if (value && type != HVM_PARAM_CALLBACK_TYPE_VECTOR)
		return -XEN_EOPNOTSUPP;
	if (type == HVM_PARAM_CALLBACK_TYPE_VECTOR && (uint8_t)value < 0x10)
		return -XEN_EINVAL;
	/* Xen latches the shared_info layout from the guest's mode here. */
	xk_latch_shinfo_layout(v->dom, v->compat);
	return 0;
}

/* Checks value for index and applies its side effects; 0 lets it be stored. */
static long apply_param(struct xk_vcpu *v, uint32_t index, uint64_t value)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
		return set_callback_irq(v, value);
	case HVM_PARAM_TIMER_MODE:
		return value > HVMPTM_one_missed_tick_pending ? -XEN_EINVAL : 0;
	case HVM_PARAM_X87_FIP_WIDTH:
		return (value == 0 || value == 4 || value == 8) ? 0 : -XEN_EINVAL;
	case HVM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_EVTCHN:
		return 0;	/* plain values, as on Xen */
	default:
		/* vm86 TSS and the ACPI PM timer port: nothing here emulates them. */
		if (xk_log_once(v->dom, XEN_HC_hvm_op, 62))
			xk_log(v->dom, "HVM param %u: not supported (first of such)", index);
		return -XEN_ENOSYS;
	}
}

static long set_param(struct xk_vcpu *v, const struct xen_hvm_param *p)
{
	struct xk_domain *d = v->dom;
	long rc;

	if (deprecated(p->index))
		return -XEN_EINVAL;
	if (p->index == HVM_PARAM_ALTP2M)
		return -XEN_EEXIST;	/* read-only on Xen */
	if (!guest_may_set(p->index))
		return -XEN_EPERM;
	rc = apply_param(v, p->index, p->value);
	if (rc)
		return rc;
	__atomic_store_n(&d->hvm.param[p->index], p->value, __ATOMIC_RELEASE);
	if (p->index == HVM_PARAM_CALLBACK_IRQ && d->ops->vcpu_kick)
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			d->ops->vcpu_kick(&d->vcpu[i]);
	return 0;
}

/* Xen's order: index bound, then the domain, then the permission lists. */
static long param_op(struct xk_vcpu *v, uint64_t arg, bool set)
{
	struct xen_hvm_param p;

	if (xk_copy_from_guest(v, &p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (p.domid != XEN_DOMID_SELF && p.domid != v->dom->domid)
		return -XEN_ESRCH;
	if (set)
		return set_param(v, &p);
	if (deprecated(p.index))
		return -XEN_EINVAL;
	if (!guest_may_get(p.index))
		return -XEN_EPERM;
	p.value = __atomic_load_n(&v->dom->hvm.param[p.index], __ATOMIC_ACQUIRE);
	return xk_copy_to_guest(v, arg, &p, sizeof(p)) ? -XEN_EFAULT : 0;
}

static long set_upcall_vector(struct xk_vcpu *v, uint64_t arg)
{
	struct xen_hvm_evtchn_upcall_vector op;
	struct xk_vcpu *target;

	if (xk_copy_from_guest(v, &op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.vector < 0x10)
		return -XEN_EINVAL;
	if (op.vcpu >= v->dom->nr_vcpus)
		return -XEN_ENOENT;
	target = &v->dom->vcpu[op.vcpu];
	__atomic_store_n(&target->upcall_vector, op.vector, __ATOMIC_RELEASE);
	/* Like Xen's hvm_assert_evtchn_irq: an upcall already pending goes out now. */
	if (xk_evtchn_upcall_pending(target))
		v->dom->ops->vcpu_kick(target);
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
