/*
 * Dom0's end of a PV console ring (struct xencons_interface) for a console
 * whose backend runs in xenkvmd: what the guest wrote (out[]) and room for
 * what it may read (in[]). The indices are the guest's to write: a
 * producer more than a ring ahead of its consumer makes the ring broken
 * (-1), and nothing outside the two arrays is ever touched.
 */
#ifndef XENKVM_CONS_RING_H
#define XENKVM_CONS_RING_H

#include <stddef.h>
#include <sys/types.h>
#include "xen-abi/abi-console.h"

/* Copies up to size bytes the guest wrote into buf, without taking them. */
ssize_t cons_ring_out_peek(const struct xencons_interface *r, char *buf, size_t size);
/* Takes n bytes (at most what peek gave): the guest may write there again. */
void cons_ring_out_take(struct xencons_interface *r, size_t n);
/* Bytes in[] has room for now. */
ssize_t cons_ring_in_room(const struct xencons_interface *r);
/* Puts n bytes (at most the room) where the guest reads them. */
void cons_ring_in_put(struct xencons_interface *r, const char *buf, size_t n);

#endif
