/*
 * The block backend's ring service: takes requests off a frontend's shared
 * ring, performs them on the disk image, and puts responses back. Every
 * number in a request is the frontend's and is checked; a bad request gets
 * BLKIF_RSP_ERROR, a bad ring index stops the ring. No threads, no xenstore:
 * the caller says when to look (vbd-queue.c) and how to reach granted pages.
 */
#ifndef XENKVM_VBD_RING_H
#define XENKVM_VBD_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "devices/blkif.h"
#include "devices/grant-ops.h"


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
	bool broken;
	uint64_t requests, errors;
};

void vbd_ring_init(struct vbd_ring *r, void *ring, size_t bytes);
/*
 * Serves what the frontend has queued until the ring is empty. Returns 1
 * when the frontend should be notified, 0 when not, -1 when the ring is
 * broken (err says why; it stays broken).
 */
int vbd_ring_service(struct vbd_ring *r, const struct vbd_disk *disk,
		     const struct dev_grants *g, char *err, size_t errlen);

#endif
