/*
 * The block backend's side of a frontend's shared ring: takes requests off
 * it and checks every number in them (a bad request is answered with
 * BLKIF_RSP_ERROR, a bad ring index stops the ring), claims the pages they
 * name, and puts responses back in the order their requests finish. No I/O
 * and no threads: vbd-service.c drives it.
 */
#ifndef XENKVM_VBD_RING_H
#define XENKVM_VBD_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "devices/blkif.h"
#include "devices/grant-ops.h"
#include "devices/vbd-io.h"

#define VBD_MAX_SEGS (BLKIF_MAX_INDIRECT_PAGES * BLKIF_SEGS_PER_INDIRECT_PAGE)

struct vbd_disk {
	int fd;
	/* The same image opened O_DIRECT, where its file system allows: the
	 * guest's page cache is the only one, as with a Xen phy disk. */
	bool has_direct;
	int direct_fd;
	uint64_t sectors;	/* 512-byte sectors */
	bool readonly;
	bool discard;		/* punching holes in the image works */
	unsigned max_indirect;	/* feature-max-indirect-segments offered */
};

struct vbd_ring {
	struct blkif_sring *sring;
	unsigned size;		/* entries, a power of two */
	uint32_t req_cons, rsp_prod_pvt;
	uint32_t rsp_pushed;	/* rsp_prod as we last wrote it */
	bool broken;
	uint64_t requests, errors;
};

void vbd_ring_init(struct vbd_ring *r, void *ring, size_t bytes);
/*
 * Takes the next request into rq (rq->max_seg says how many segments it has
 * room for): 1 when one was taken, its pages claimed, rq->kind saying what
 * I/O it needs (VBD_ANSWERED: none, rq->status is the answer); 0 when the
 * ring is empty (with ask_event, an event is asked for at the next request
 * first); -1 when the ring is broken (err says why; it stays broken).
 */
int vbd_ring_take(struct vbd_ring *r, const struct vbd_disk *disk, const struct dev_grants *g,
		  struct vbd_req *rq, bool ask_event, char *err, size_t errlen);
/* Releases rq's pages and puts its response on the ring (none on a broken ring). */
void vbd_ring_answer(struct vbd_ring *r, struct vbd_req *rq);
/* Requests the frontend has put on the ring and we have not taken. */
bool vbd_ring_waiting(const struct vbd_ring *r);
/* Publishes the responses put so far; 1 when the frontend asked for an event. */
int vbd_ring_push(struct vbd_ring *r);

#endif
