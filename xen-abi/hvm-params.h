/* HVM parameters (placeholder state; see hvm-op.c). */
#ifndef XENKVM_HVM_PARAMS_H
#define XENKVM_HVM_PARAMS_H

#include <stdint.h>

struct xk_domain;

#define XK_HVM_NR_PARAMS 64

struct xk_hvm_params {
	uint64_t param[XK_HVM_NR_PARAMS];
};

void xk_hvm_params_init(struct xk_domain *d);

#endif
