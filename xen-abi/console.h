/* The primary PV console ring (HVM_PARAM_CONSOLE_PFN / _EVTCHN), Dom0 side. */
#ifndef XENKVM_CONSOLE_H
#define XENKVM_CONSOLE_H

#include <stddef.h>

struct xk_domain;

/*
 * Consume everything in the ring's out[] buffer and pass it to
 * ops->console_out; then notify the guest. Called when the guest sends on its
 * console event channel. Safe against a hostile ring (indices are masked,
 * a producer more than a ring ahead is treated as broken).
 */
void xk_console_ring_drain(struct xk_domain *d);
/* Put input bytes into the ring's in[] buffer and notify the guest; returns bytes taken. */
size_t xk_console_ring_input(struct xk_domain *d, const char *buf, size_t len);

#endif
