/* Event channels, 2-level ABI (placeholder state; see evtchn.c). */
#ifndef XENKVM_EVTCHN_H
#define XENKVM_EVTCHN_H

#include <stdint.h>

struct xk_domain;
struct xk_vcpu;

struct xk_evtchn_vcpu {
	uint32_t unused;
};

struct xk_evtchn_domain {
	uint32_t unused;
};

void xk_evtchn_init(struct xk_domain *d);

#endif
