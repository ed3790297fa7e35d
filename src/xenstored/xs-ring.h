/* The shared-page transport: a domain's xenstore ring (xenstore-ring.txt). */
#ifndef XS_RING_H
#define XS_RING_H

#include <stdbool.h>

#include "src/xenstored/xs-conn.h"

/* Consumes requests from c->ring, executes them, and writes queued output
 * into the response ring; notifies the domain if anything moved. Returns
 * false once the domain broke the ring protocol: the page's error field
 * says how, and the connection is ignored until the domain asks for a
 * reconnect (connection field set to XS_RING_RECONNECT). */
bool xs_ring_process(struct xs_conn *c);
/* Requests the guest has published that were not read yet. */
bool xs_ring_has_requests(const struct xs_conn *c);

#endif
