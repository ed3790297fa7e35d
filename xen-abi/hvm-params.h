/* HVM parameters of a domain (see hvm-op.c). */
#ifndef XENKVM_HVM_PARAMS_H
#define XENKVM_HVM_PARAMS_H

#include <stdint.h>

struct xk_domain;
struct xk_vcpu;

#define XK_HVM_NR_PARAMS 64

struct xk_hvm_params {
	uint64_t param[XK_HVM_NR_PARAMS];
};

void xk_hvm_params_init(struct xk_domain *d);
/*
 * The vector an event upcall arrives on for vCPU v: its own
 * (HVMOP_set_evtchn_upcall_vector), else the domain's CALLBACK_IRQ when that
 * is of vector type, else 0 (no upcall can be delivered).
 */
uint8_t xk_hvm_upcall_vector(struct xk_vcpu *v);

#endif
