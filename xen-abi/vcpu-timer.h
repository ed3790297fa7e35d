/* Per-vCPU Xen timers: one singleshot, one periodic (see time.c, vcpu-op.c). */
#ifndef XENKVM_VCPU_TIMER_H
#define XENKVM_VCPU_TIMER_H

#include <stdint.h>

/*
 * Deadlines are Xen system time in ns. The periodic fields change under the
 * domain lock; readers of the deadlines may look without it.
 */
struct xk_vcpu_timer {
	uint64_t singleshot_deadline_ns;	/* 0 = not armed */
	uint64_t periodic_period_ns;		/* 0 = not armed */
	uint64_t periodic_next_ns;
	uint64_t periodic_last_ns;		/* when the last periodic tick was sent */
};

#endif
