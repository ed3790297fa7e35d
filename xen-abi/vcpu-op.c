#include <string.h>
#include "xen-abi/abi-sched.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/hypercalls.h"
#include "xen-abi/time.h"

#define MIN_PERIOD_NS 1000000ull	/* Xen refuses periods under 1 ms */
#define MAX_DELTA_NS (1ull << 62)

static long register_vcpu_info(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct vcpu_register_vcpu_info r;
	uint64_t gpa;
	void *p;

	if (xk_copy_from_guest(caller, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	/* Aligned, so the atomic updates of the selector word stay atomic. */
	if (r.offset > XEN_PAGE_SIZE - sizeof(struct xen_vcpu_info64) || (r.offset & 7) || r.rsvd)
		return -XEN_EINVAL;
	if (v->vcpu_info_gpa)
		return -XEN_EINVAL;	/* once per vCPU, as on Xen */
	if (r.mfn >= (1ull << (64 - XEN_PAGE_SHIFT)))
		return -XEN_EINVAL;
	gpa = (r.mfn << XEN_PAGE_SHIFT) + r.offset;
	if (!gmem_is_ram(&d->mem, gpa, sizeof(struct xen_vcpu_info64)))
		return -XEN_EINVAL;
	p = gmem_ptr(&d->mem, gpa);
	memmove(p, v->vcpu_info, sizeof(struct xen_vcpu_info64));
	__atomic_store_n(&v->vcpu_info, p, __ATOMIC_RELEASE);
	v->vcpu_info_gpa = gpa;
	xk_evtchn_vcpu_info_moved(v);
	xk_time_update_vcpu(v);
	return 0;
}

static void write_runstate(struct xk_vcpu *caller, struct xk_vcpu *v)
{
	uint64_t now = v->dom->ops->now_ns(v->dom);
	struct vcpu_runstate_info64 r = {
		.state = v->online ? RUNSTATE_running : RUNSTATE_offline,
		.state_entry_time = now,
		.time = { now, 0, 0, 0 },
	};
	uint8_t packed[VCPU_RUNSTATE_INFO32_SIZE];

	if (!v->runstate_gva)
		return;
	if (!caller->compat) {
		xk_copy_to_guest(caller, v->runstate_gva, &r, sizeof(r));
		return;
	}
	memcpy(packed, &r.state, 4);
	memcpy(packed + 4, &r.state_entry_time, 8);
	memcpy(packed + 12, r.time, 32);
	xk_copy_to_guest(caller, v->runstate_gva, packed, sizeof(packed));
}

static long register_runstate(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	uint64_t gva = 0;

	if (xk_copy_from_guest(caller, &gva, arg, caller->compat ? 4 : 8))
		return -XEN_EFAULT;
	v->runstate_gva = gva;
	write_runstate(caller, v);
	return 0;
}

static long set_singleshot(struct xk_vcpu *v, uint64_t arg)
{
	struct { uint64_t timeout; uint32_t flags; } t;
	uint64_t now = v->dom->ops->now_ns(v->dom);

	if (xk_copy_from_guest(v, &t, arg, 12))
		return -XEN_EFAULT;
	if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout < now)
		return -XEN_ETIME;
	__atomic_store_n(&v->timer.singleshot_deadline_ns, t.timeout ? t.timeout : 1,
			 __ATOMIC_RELEASE);
	v->dom->ops->timer_changed(v);
	return 0;
}

static long set_periodic(struct xk_vcpu *v, uint64_t arg)
{
	uint64_t period;

	if (xk_copy_from_guest(v, &period, arg, sizeof(period)))
		return -XEN_EFAULT;
	if (period < MIN_PERIOD_NS || period > MAX_DELTA_NS)
		return -XEN_EINVAL;
	v->timer.periodic_next_ns = v->dom->ops->now_ns(v->dom) + period;
	__atomic_store_n(&v->timer.periodic_period_ns, period, __ATOMIC_RELEASE);
	v->dom->ops->timer_changed(v);
	return 0;
}

static long stop_timer(struct xk_vcpu *v, bool periodic)
{
	if (periodic)
		__atomic_store_n(&v->timer.periodic_period_ns, 0, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&v->timer.singleshot_deadline_ns, 0, __ATOMIC_RELEASE);
	v->dom->ops->timer_changed(v);
	return 0;
}

static long vcpu_initialise(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	struct vcpu_hvm_context ctx;
	long rc;

	if (xk_copy_from_guest(caller, &ctx, arg, sizeof(ctx)))
		return -XEN_EFAULT;
	if (ctx.mode != VCPU_HVM_MODE_32B && ctx.mode != VCPU_HVM_MODE_64B)
		return -XEN_EINVAL;
	if (!v->dom->ops->vcpu_initialise)
		return -XEN_ENOSYS;
	pthread_mutex_lock(&v->dom->lock);
	if (v->initialised) {
		pthread_mutex_unlock(&v->dom->lock);
		return -XEN_EEXIST;
	}
	rc = v->dom->ops->vcpu_initialise(v, &ctx);
	if (!rc)
		v->initialised = true;
	pthread_mutex_unlock(&v->dom->lock);
	return rc;
}

static long vcpu_up(struct xk_vcpu *v)
{
	/* HVM vCPUs need VCPUOP_initialise before their first up, as on Xen. */
	if (!v->initialised)
		return -XEN_EINVAL;
	v->online = true;
	return v->dom->ops->vcpu_up(v);
}

long xk_hc_vcpu_op(struct xk_vcpu *caller, const uint64_t a[6])
{
	struct xk_domain *d = caller->dom;
	struct xk_vcpu *v;

	if (a[1] >= d->nr_vcpus)
		return -XEN_ENOENT;
	v = &d->vcpu[a[1]];
	switch (a[0]) {
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(caller, v, a[2]);
	case VCPUOP_register_runstate_memory_area:
		return register_runstate(caller, v, a[2]);
	case VCPUOP_is_up:
		return v->online;
	case VCPUOP_initialise:
		return vcpu_initialise(caller, v, a[2]);
	case VCPUOP_up:
		return vcpu_up(v);
	case VCPUOP_down:
		v->online = false;
		d->ops->vcpu_kick(v);
		return 0;
	}
	/* Timers may only be set on the calling vCPU. */
	if (v != caller)
		return -XEN_EINVAL;
	switch (a[0]) {
	case VCPUOP_set_singleshot_timer:
		return set_singleshot(v, a[2]);
	case VCPUOP_stop_singleshot_timer:
		return stop_timer(v, false);
	case VCPUOP_set_periodic_timer:
		return set_periodic(v, a[2]);
	case VCPUOP_stop_periodic_timer:
		return stop_timer(v, true);
	default:
		return xk_log_unimplemented(d, XEN_HC_vcpu_op, (unsigned)a[0]);
	}
}
