/*
 * The block backend's I/O through io_uring: reads and writes (on the
 * O_DIRECT descriptor, or buffered for what O_DIRECT refuses), flushes as
 * fdatasync and discards as hole punching, all in flight together. The
 * queue's kick eventfd is read through the same ring, so one wait covers
 * both the frontend's events and finished I/O.
 */
#ifndef XENKVM_VBD_URING_H
#define XENKVM_VBD_URING_H

#include <liburing.h>
#include "devices/vbd-io.h"
#include "devices/vbd-ring.h"

struct vbd_uring {
	struct vbd_io io;		/* first: the service sees only this */
	struct io_uring ring;
	const struct vbd_disk *disk;
	int kick_fd;			/* -1: none */
	uint64_t kick_count;		/* where the kick read lands */
	uint64_t kicks;			/* times the kick fd was read */
	struct vbd_req *failed;		/* finished without reaching the kernel */
};

/* Room for depth requests in flight; kick_fd may be -1. 0 or -errno. */
int vbd_uring_init(struct vbd_uring *u, const struct vbd_disk *disk, unsigned depth,
		   int kick_fd);
/* Everything started must have been reaped. */
void vbd_uring_fini(struct vbd_uring *u);
/* Sleeps until some I/O finishes or the kick fd is signalled; 0 or -errno. */
int vbd_uring_wait(struct vbd_uring *u);
/* The same for at most timeout_us: -ETIME when nothing came. */
int vbd_uring_wait_for(struct vbd_uring *u, unsigned timeout_us);

#endif
