/* Per-vCPU timers (placeholder state; see vcpu-op.c). */
#ifndef XENKVM_VCPU_TIMER_H
#define XENKVM_VCPU_TIMER_H

#include <stdint.h>

struct xk_vcpu_timer {
	uint64_t singleshot_deadline_ns;	/* 0 = not armed */
	uint64_t periodic_period_ns;		/* 0 = not armed */
	uint64_t periodic_next_ns;
};

#endif
