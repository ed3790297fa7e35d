/* pvclock records, the shared_info wallclock, and vCPU timers. */
#include "xen-abi/domain.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/abi-evtchn-virq.h"
#include "xen-abi/time.h"

/* ns = ((tsc_delta << shift) * mul) >> 32, with mul/2^32 in [0.5, 1). */
void xk_time_scale(uint64_t tsc_hz, uint32_t *mul, int8_t *shift)
{
	uint64_t ns = 1000000000ull, tps = tsc_hz ? tsc_hz : 1;
	int s = 0;

	while (tps > 2 * ns) {
		tps >>= 1;
		s--;
	}
	while (tps <= ns) {
		tps <<= 1;
		s++;
	}
	*mul = (uint32_t)((ns << 32) / tps);
	*shift = (int8_t)s;
}

void xk_time_update_vcpu(struct xk_vcpu *v)
{
	struct xk_domain *d = v->dom;
	struct xen_vcpu_time_info *t = xk_vcpu_time(v);
	uint32_t ver = __atomic_load_n(&t->version, __ATOMIC_RELAXED) & ~1u;
	uint32_t mul;
	int8_t shift;

	xk_time_scale(d->tsc_khz * 1000, &mul, &shift);
	/* Odd while we write: readers retry until the version is even and stable. */
	__atomic_store_n(&t->version, ver + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = d->ops->read_tsc(v);
	t->system_time = d->ops->now_ns(d);
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&t->version, ver + 2, __ATOMIC_RELEASE);
}

void xk_time_update_wallclock(struct xk_domain *d)
{
	uint64_t boot = d->ops->wallclock_ns(d) - d->ops->now_ns(d);
	uint64_t sec = boot / 1000000000ull;
	uint32_t nsec = (uint32_t)(boot % 1000000000ull);
	uint32_t *ver;

	if (d->shinfo32) {
		struct xen_shared_info32 *s = d->shared_info;
		ver = &s->wc_version;
		__atomic_fetch_add(ver, 1, __ATOMIC_ACQ_REL);
		s->wc_sec = (uint32_t)sec;
		s->wc_nsec = nsec;
		s->arch.wc_sec_hi = (uint32_t)(sec >> 32);
	} else {
		struct xen_shared_info64 *s = d->shared_info;
		ver = &s->wc_version;
		__atomic_fetch_add(ver, 1, __ATOMIC_ACQ_REL);
		s->wc_sec = (uint32_t)sec;
		s->wc_nsec = nsec;
		s->wc_sec_hi = (uint32_t)(sec >> 32);
	}
	__atomic_fetch_add(ver, 1, __ATOMIC_ACQ_REL);
}

uint64_t xk_vcpu_timer_next_deadline(struct xk_vcpu *v)
{
	uint64_t a = __atomic_load_n(&v->timer.singleshot_deadline_ns, __ATOMIC_ACQUIRE);
	uint64_t b = __atomic_load_n(&v->timer.periodic_next_ns, __ATOMIC_ACQUIRE);

	if (!v->timer.periodic_period_ns)
		b = 0;
	if (!a)
		return b;
	return (!b || a < b) ? a : b;
}

/*
 * Xen's periodic rule (vcpu_periodic_timer_work): tick when a whole period
 * has passed since the last tick, then re-arm one period after now, so a late
 * timer never bursts. Caller holds d->lock. Returns whether to tick.
 */
static bool periodic_work_locked(struct xk_vcpu_timer *t, uint64_t now)
{
	uint64_t next = t->periodic_last_ns + t->periodic_period_ns;
	bool tick = now >= next;

	if (tick) {
		t->periodic_last_ns = now;
		next = now + t->periodic_period_ns;
	}
	__atomic_store_n(&t->periodic_next_ns, next, __ATOMIC_RELEASE);
	return tick;
}

void xk_vcpu_timer_set_periodic(struct xk_vcpu *v, uint64_t period_ns)
{
	struct xk_domain *d = v->dom;
	struct xk_vcpu_timer *t = &v->timer;
	bool tick = false;

	pthread_mutex_lock(&d->lock);
	__atomic_store_n(&t->periodic_period_ns, period_ns, __ATOMIC_RELEASE);
	if (period_ns)
		tick = periodic_work_locked(t, d->ops->now_ns(d));
	pthread_mutex_unlock(&d->lock);
	if (tick)
		xk_evtchn_send_virq(v, VIRQ_TIMER);
	d->ops->timer_changed(v);
}

void xk_vcpu_timer_expire(struct xk_vcpu *v, uint64_t now)
{
	struct xk_vcpu_timer *t = &v->timer;
	uint64_t dl = __atomic_load_n(&t->singleshot_deadline_ns, __ATOMIC_ACQUIRE);
	bool fire = false;

	/* A guest re-arming the singleshot meanwhile must not lose its new deadline. */
	if (dl && dl <= now &&
	    __atomic_compare_exchange_n(&t->singleshot_deadline_ns, &dl, 0, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		fire = true;
	if (__atomic_load_n(&t->periodic_period_ns, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&v->dom->lock);
		if (t->periodic_period_ns && t->periodic_next_ns <= now)
			fire |= periodic_work_locked(t, now);
		pthread_mutex_unlock(&v->dom->lock);
	}
	if (fire)
		xk_evtchn_send_virq(v, VIRQ_TIMER);
}
