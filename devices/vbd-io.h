/*
 * One block request on its way from the ring to the image and back, and
 * what performs the I/O: io_uring in xenkvmd (vbd-uring.c), fakes in the
 * tests. Several requests of a ring are in flight at once and they finish
 * in any order; the pages a request names stay claimed until it finishes.
 */
#ifndef XENKVM_VBD_IO_H
#define XENKVM_VBD_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>
#include "devices/grant-ops.h"

enum vbd_kind {
	VBD_ANSWERED,	/* refused or trivial: status holds the answer, no I/O */
	VBD_READ,
	VBD_WRITE,
	VBD_FLUSH,
	VBD_DISCARD,
};

struct vbd_req {
	enum vbd_kind kind;
	uint64_t id;
	uint8_t op;		/* what the response names */
	int16_t status;		/* BLKIF_RSP_*, once finished */
	uint64_t sector;
	uint64_t sectors;	/* the whole transfer, or the range discarded */
	const struct dev_grants *g;
	unsigned nseg, max_seg;	/* claimed grants; room for */
	uint32_t *gref;
	struct iovec *iov;	/* over the claimed pages, one per segment */
	/* Progress of a read or write, kept by whoever performs it. */
	unsigned cur;		/* first iovec not wholly transferred */
	uint64_t done_bytes;
	bool buffered;		/* O_DIRECT refused it: through the page cache */
	struct vbd_req *next;	/* free or finished lists */
};

struct vbd_io {
	/* Queues the I/O of rq (a read, write, flush or discard). */
	void (*start)(struct vbd_io *io, struct vbd_req *rq);
	/* Hands what was queued to the kernel. */
	void (*submit)(struct vbd_io *io);
	/* Up to max finished requests (status set) without waiting; how many. */
	unsigned (*reap)(struct vbd_io *io, struct vbd_req **done, unsigned max);
};

#endif
