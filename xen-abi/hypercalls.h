/*
 * The one hypercall table all three doors (hypercall page, in-kernel Xen
 * intercept, PV runtime) call into.
 */
#ifndef XENKVM_HYPERCALLS_H
#define XENKVM_HYPERCALLS_H

#include "xen-abi/domain.h"

typedef long (*xk_hypercall_fn)(struct xk_vcpu *v, const uint64_t a[6]);

/* Dispatch hypercall 'nr' with arguments a[0..5]; returns the guest's rax. */
long xk_hypercall(struct xk_vcpu *v, unsigned nr, const uint64_t a[6]);

/* One handler per family, each in its own file. */
long xk_hc_xen_version(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_console_io(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_hvm_op(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_memory_op(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_event_channel_op(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_grant_table_op(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_sched_op(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_vcpu_op(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_set_timer_op(struct xk_vcpu *v, const uint64_t a[6]);
long xk_hc_physdev_op(struct xk_vcpu *v, const uint64_t a[6]);

#endif
