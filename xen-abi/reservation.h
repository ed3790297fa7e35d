/* A domain's memory reservation: frames held, given back and taken again. */
#ifndef XENKVM_RESERVATION_H
#define XENKVM_RESERVATION_H

#include "xen-abi/domain.h"

/* Guests address at most 2^40 pages of physical memory (52-bit addresses). */
#define XK_MAX_GPFN ((1ull << 40) - 1)

/* Every RAM frame in d->mem held; by xk_domain_init. */
int xk_reservation_init(struct xk_domain *d);
void xk_reservation_destroy(struct xk_domain *d);
/* The domain starts with frames [0, frames) only; the rest is its balloon's. */
void xk_reservation_hold_first(struct xk_domain *d, uint64_t frames);

/* memory_op's list operations; start: the extent to begin at (continuations). */
long xk_mem_decrease_reservation(struct xk_vcpu *v, uint64_t arg, uint64_t start);
/* populate_physmap, or increase_reservation (PV: the list is only written). */
long xk_mem_populate(struct xk_vcpu *v, uint64_t arg, uint64_t start, bool increase);

/* Frames the domain holds now (current_reservation; what xl list shows). */
uint64_t xk_current_pages(struct xk_domain *d);
/* The toolstack's cap (xl mem-set / mem-max): populating stops there. */
uint64_t xk_max_pages(struct xk_domain *d);
void xk_set_max_pages(struct xk_domain *d, uint64_t pages);
/* Is gpfn RAM the domain holds (not given back, no Xen page over it)? */
bool xk_frame_held(struct xk_domain *d, uint64_t gpfn);

#endif
