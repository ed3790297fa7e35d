#include <stdlib.h>
#include <string.h>
#include "xen-abi/abi-sched.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/abi-pv.h"
#include "xen-abi/hypercalls.h"
#include "xen-abi/time.h"

#define MIN_PERIOD_NS 1000000ull		/* Xen refuses periods under 1 ms */
#define STIME_DELTA_MAX ((1ull << 62) - 1)	/* and over this */

/*
 * Error codes as Xen's common_vcpu_op and map_guest_area give them: an
 * address that overflows or whose offset leaves the frame is -EINVAL, an area
 * crossing a page or misaligned -ENXIO, a second
 * registration -EBUSY, a frame that is not RAM -EINVAL.
 */
static long check_vcpu_info_gpa(struct xk_vcpu *v, const struct vcpu_register_vcpu_info *r,
				uint64_t *gpa)
{
	struct xk_domain *d = v->dom;
	uint64_t g = (r->mfn << XEN_PAGE_SHIFT) + r->offset;
	/*
	 * Xen accepts 4-byte alignment for the 32-bit layout; we ask 8 in both,
	 * as our vcpu_info structs (u64 time fields) need it. Guests align it
	 * to far more anyway (Linux: 64).
	 */
	unsigned align = 8;

	if (g == UINT64_MAX || (g >> XEN_PAGE_SHIFT) != r->mfn)
		return -XEN_EINVAL;
	if (v->vcpu_info_gpa)
		return -XEN_EBUSY;
	if ((g >> XEN_PAGE_SHIFT) != ((g + sizeof(struct xen_vcpu_info64) - 1) >> XEN_PAGE_SHIFT) ||
	    (g & (align - 1)))
		return -XEN_ENXIO;
	if (!gmem_is_ram(&d->mem, g, sizeof(struct xen_vcpu_info64)))
		return -XEN_EINVAL;
	*gpa = g;
	return 0;
}

static long register_vcpu_info(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct vcpu_register_vcpu_info r;
	uint64_t gpa = 0;
	long rc;
	void *p;

	if (xk_copy_from_guest(caller, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	/* Under the lock, so no event lands in the old copy while we move it. */
	pthread_mutex_lock(&d->lock);
	rc = check_vcpu_info_gpa(v, &r, &gpa);
	if (!rc) {
		p = gmem_ptr(&d->mem, gpa);
		memmove(p, v->vcpu_info, sizeof(struct xen_vcpu_info64));
		__atomic_store_n(&v->vcpu_info, p, __ATOMIC_RELEASE);
		v->vcpu_info_gpa = gpa;
	}
	pthread_mutex_unlock(&d->lock);
	if (rc)
		return rc;
	xk_evtchn_vcpu_info_moved(v);
	xk_time_update_vcpu(v);
	return 0;
}

/* We keep no per-state accounting: a vCPU counts as running since boot. */
static void runstate_now(struct xk_vcpu *v, struct vcpu_runstate_info64 *r)
{
	uint64_t now = v->dom->ops->now_ns(v->dom);

	memset(r, 0, sizeof(*r));
	r->state = v->online ? RUNSTATE_running : RUNSTATE_offline;
	r->state_entry_time = now;
	r->time[RUNSTATE_running] = now;
}

/* In the caller's layout: a 32-bit guest packs the u64s at offset 4. */
static int put_runstate(struct xk_vcpu *caller, uint64_t gva, const struct vcpu_runstate_info64 *r)
{
	uint8_t packed[VCPU_RUNSTATE_INFO32_SIZE];

	if (!caller->compat)
		return xk_copy_to_guest(caller, gva, r, sizeof(*r));
	memcpy(packed, &r->state, 4);
	memcpy(packed + 4, &r->state_entry_time, 8);
	memcpy(packed + 12, r->time, 32);
	return xk_copy_to_guest(caller, gva, packed, sizeof(packed));
}

static long register_runstate(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	struct vcpu_runstate_info64 r;
	uint64_t gva = 0;

	if (xk_copy_from_guest(caller, &gva, arg, caller->compat ? 4 : 8))
		return -XEN_EFAULT;
	v->runstate_gva = gva;
	/* Xen ignores a failed first write: the area is written again later. */
	runstate_now(v, &r);
	if (gva)
		put_runstate(caller, gva, &r);
	return 0;
}

static long get_runstate(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	struct vcpu_runstate_info64 r;

	runstate_now(v, &r);
	return put_runstate(caller, arg, &r) ? -XEN_EFAULT : 0;
}

/*
 * Xen (4.17.5 and since 4.18) ignores VCPU_SSHOTTMR_future: a deadline in
 * the past fires at once instead of failing with -ETIME, because old Linux
 * mishandled -ETIME. Deadline 0 is in the past too.
 */
static long set_singleshot(struct xk_vcpu *v, uint64_t arg)
{
	struct { uint64_t timeout; uint32_t flags; } t;

	if (xk_copy_from_guest(v, &t, arg, 12))
		return -XEN_EFAULT;
	__atomic_store_n(&v->timer.singleshot_deadline_ns, t.timeout ? t.timeout : 1,
			 __ATOMIC_RELEASE);
	v->dom->ops->timer_changed(v);
	return 0;
}

static long stop_singleshot(struct xk_vcpu *v)
{
	__atomic_store_n(&v->timer.singleshot_deadline_ns, 0, __ATOMIC_RELEASE);
	v->dom->ops->timer_changed(v);
	return 0;
}

static long set_periodic(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	uint64_t period;

	if (xk_copy_from_guest(caller, &period, arg, sizeof(period)))
		return -XEN_EFAULT;
	if (period < MIN_PERIOD_NS || period > STIME_DELTA_MAX)
		return -XEN_EINVAL;
	xk_vcpu_timer_set_periodic(v, period);
	return 0;
}

/* A 64-bit PV vCPU's first state: Xen's vcpu_guest_context, checked by the platform. */
static long vcpu_initialise_pv(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	struct xen_vcpu_guest_context64 *ctx;
	long rc;

	if (!v->dom->ops->vcpu_initialise_pv)
		return xk_log_unimplemented(v->dom, XEN_HC_vcpu_op, VCPUOP_initialise);
	if (caller->compat)
		return -XEN_EINVAL;	/* 32-bit PV guests are not built here */
	ctx = malloc(sizeof(*ctx));
	if (!ctx)
		return -XEN_ENOMEM;
	rc = xk_copy_from_guest(caller, ctx, arg, sizeof(*ctx)) ? -XEN_EFAULT : 0;
	pthread_mutex_lock(&v->dom->lock);
	if (!rc && v->initialised)
		rc = -XEN_EEXIST;
	if (!rc)
		rc = v->dom->ops->vcpu_initialise_pv(v, ctx);
	if (!rc)
		v->initialised = true;
	pthread_mutex_unlock(&v->dom->lock);
	free(ctx);
	return rc;
}

static long vcpu_initialise(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t arg)
{
	struct vcpu_hvm_context ctx;
	long rc;

	if (v->dom->pv)
		return vcpu_initialise_pv(caller, v, arg);
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

uint64_t xk_vcpus_online(struct xk_domain *d)
{
	uint64_t mask = 0;

	for (unsigned i = 0; i < d->nr_vcpus && i < 64; i++)
		if (__atomic_load_n(&d->vcpu[i].online, __ATOMIC_ACQUIRE))
			mask |= 1ull << i;
	return mask;
}

static void vcpus_changed(struct xk_domain *d)
{
	if (d->ops->vcpus_changed)
		d->ops->vcpus_changed(d);
}

static long vcpu_up(struct xk_vcpu *v)
{
	long rc;

	/* HVM vCPUs need VCPUOP_initialise before their first up, as on Xen. */
	if (!v->initialised)
		return -XEN_EINVAL;
	v->online = true;
	rc = v->dom->ops->vcpu_up(v);
	vcpus_changed(v->dom);
	return rc;
}

static bool others_online(struct xk_vcpu *v)
{
	for (unsigned i = 0; i < v->dom->nr_vcpus; i++)
		if (i != v->id && v->dom->vcpu[i].online)
			return true;
	return false;
}

/* Taking the last online vCPU down powers the domain off, as on Xen. */
static long vcpu_down(struct xk_vcpu *v)
{
	if (!others_online(v)) {
		xk_domain_shutdown(v->dom, SHUTDOWN_poweroff);
		return 0;
	}
	v->online = false;
	v->dom->ops->vcpu_kick(v);
	vcpus_changed(v->dom);
	return 0;
}

/* The ops any vCPU may apply to any vCPU of its domain. */
static long any_vcpu_op(struct xk_vcpu *caller, struct xk_vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(caller, v, arg);
	case VCPUOP_register_runstate_memory_area:
		return register_runstate(caller, v, arg);
	case VCPUOP_get_runstate_info:
		return get_runstate(caller, v, arg);
	case VCPUOP_is_up:
		return v->online;
	case VCPUOP_initialise:
		return vcpu_initialise(caller, v, arg);
	case VCPUOP_up:
		return vcpu_up(v);
	case VCPUOP_down:
		return vcpu_down(v);
	case VCPUOP_set_periodic_timer:
		return set_periodic(caller, v, arg);
	case VCPUOP_stop_periodic_timer:
		xk_vcpu_timer_set_periodic(v, 0);
		return 0;
	default:
		return xk_log_unimplemented(caller->dom, XEN_HC_vcpu_op, (unsigned)cmd);
	}
}

long xk_hc_vcpu_op(struct xk_vcpu *caller, const uint64_t a[6])
{
	struct xk_domain *d = caller->dom;
	struct xk_vcpu *v;

	if (a[1] >= d->nr_vcpus)
		return -XEN_ENOENT;
	v = &d->vcpu[a[1]];
	switch (a[0]) {
	/* Xen checks these are for the calling vCPU before reading the argument. */
	case VCPUOP_set_singleshot_timer:
		return v != caller ? -XEN_EINVAL : set_singleshot(v, a[2]);
	case VCPUOP_stop_singleshot_timer:
		return v != caller ? -XEN_EINVAL : stop_singleshot(v);
	default:
		return any_vcpu_op(caller, v, a[0], a[2]);
	}
}
