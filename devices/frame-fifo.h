/*
 * Frames waiting for a ring with room: copies, oldest first, at most max
 * of them; past that a frame is dropped and counted, as a full NIC queue
 * drops, and the senders' protocols recover. No lock of its own: each
 * user already holds one around it (queue 0 fills the other queues'
 * inboxes; slirp fills its endpoint's list from under slirp's lock).
 */
#ifndef XENKVM_FRAME_FIFO_H
#define XENKVM_FRAME_FIFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "devices/vif-ring.h"

struct fifo_frame;

struct frame_fifo {
	struct fifo_frame *head, **tail;
	unsigned n, max;
	uint64_t dropped;
};

void frame_fifo_init(struct frame_fifo *q, unsigned max);
/* Queues a copy of the frame; false when it was dropped (full, or no memory). */
bool frame_fifo_put(struct frame_fifo *q, const void *frame, size_t len,
		    const struct vif_rx_meta *m);
/*
 * The oldest frame into buf: its length, 0 when it was longer than size
 * (it is gone: the ring service drops a 0-length frame), -1 when empty.
 */
ssize_t frame_fifo_take(struct frame_fifo *q, void *buf, size_t size, struct vif_rx_meta *m);
/* Frees every frame still queued. */
void frame_fifo_clear(struct frame_fifo *q);

#endif
