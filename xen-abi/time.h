/* Xen time for guests: pvclock records, wallclock, and vCPU timers. */
#ifndef XENKVM_TIME_H
#define XENKVM_TIME_H

#include <stdint.h>

struct xk_domain;
struct xk_vcpu;

/* Rewrite v's vcpu_time_info (version odd while writing, then even). */
void xk_time_update_vcpu(struct xk_vcpu *v);
/* Rewrite shared_info's wallclock (wc_version odd/even) in the latched layout. */
void xk_time_update_wallclock(struct xk_domain *d);
/*
 * Earliest armed timer deadline of v (Xen system time, ns), or 0 if none.
 * The VMM sleeps until then and calls xk_vcpu_timer_expire.
 */
uint64_t xk_vcpu_timer_next_deadline(struct xk_vcpu *v);
/* Fire any of v's timers due at 'now' (raises VIRQ_TIMER, re-arms periodic). */
void xk_vcpu_timer_expire(struct xk_vcpu *v, uint64_t now);
/*
 * Start (period_ns > 0) or stop (0) v's periodic timer, as Xen's
 * vcpu_set_periodic_timer: the first tick comes at once when a whole period
 * has passed since the last one. Calls ops->timer_changed.
 */
void xk_vcpu_timer_set_periodic(struct xk_vcpu *v, uint64_t period_ns);
/* pvclock multiplier and shift for a TSC of tsc_hz. */
void xk_time_scale(uint64_t tsc_hz, uint32_t *mul, int8_t *shift);

#endif
