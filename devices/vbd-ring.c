#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "devices/vbd-ring.h"

#define MAX_SEGS (BLKIF_MAX_INDIRECT_PAGES * BLKIF_SEGS_PER_INDIRECT_PAGE)

void vbd_ring_init(struct vbd_ring *r, void *ring, size_t bytes)
{
	*r = (struct vbd_ring){ .sring = ring, .size = blkif_ring_size(bytes) };
}

/* The granted pages of one request, and the iovecs over them. */
struct xfer {
	const struct dev_grants *g;
	bool to_guest;		/* a read: the pages are written */
	unsigned n;
	uint32_t gref[MAX_SEGS];
	struct iovec iov[MAX_SEGS];
	uint64_t sectors;
};

static void xfer_release(struct xfer *x)
{
	for (unsigned i = 0; i < x->n; i++)
		x->g->put(x->g->arg, x->gref[i], x->to_guest);
	x->n = 0;
}

static bool xfer_add(struct xfer *x, const struct blkif_segment *s)
{
	uint8_t *page;

	if (s->first_sect > s->last_sect || s->last_sect >= BLKIF_SECTORS_PER_PAGE)
		return false;
	page = x->g->get(x->g->arg, s->gref, x->to_guest);
	if (!page)
		return false;
	x->gref[x->n] = s->gref;
	x->iov[x->n].iov_base = page + s->first_sect * BLKIF_SECTOR_SIZE;
	x->iov[x->n].iov_len = (size_t)(s->last_sect - s->first_sect + 1) * BLKIF_SECTOR_SIZE;
	x->sectors += s->last_sect - s->first_sect + 1u;
	x->n++;
	return true;
}

static bool in_disk(const struct vbd_disk *disk, uint64_t sector, uint64_t count)
{
	return sector <= disk->sectors && count <= disk->sectors - sector;
}

static int16_t do_io(const struct vbd_disk *disk, struct xfer *x, uint64_t sector)
{
	off_t off = (off_t)(sector * BLKIF_SECTOR_SIZE);
	struct iovec *iov = x->iov;
	int cnt = (int)x->n, fd = disk->has_direct ? disk->direct_fd : disk->fd;

	if (!in_disk(disk, sector, x->sectors))
		return BLKIF_RSP_ERROR;
	while (cnt > 0) {
		ssize_t k = x->to_guest ? preadv(fd, iov, cnt > IOV_MAX ? IOV_MAX : cnt, off)
					: pwritev(fd, iov, cnt > IOV_MAX ? IOV_MAX : cnt, off);
		if (k < 0 && errno == EINTR)
			continue;
		/* O_DIRECT wants more alignment than 512 bytes here: go buffered. */
		if (k < 0 && errno == EINVAL && fd != disk->fd) {
			fd = disk->fd;
			continue;
		}
		if (k <= 0)
			return BLKIF_RSP_ERROR;	/* a short read is past the image's end */
		off += k;
		while (cnt > 0 && (size_t)k >= iov->iov_len) {
			k -= (ssize_t)iov->iov_len;
			iov++, cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + k;
			iov->iov_len -= (size_t)k;
		}
	}
	return BLKIF_RSP_OKAY;
}

static int16_t rw_segments(const struct vbd_disk *disk, const struct dev_grants *g,
			   uint8_t op, uint64_t sector, const struct blkif_segment *segs,
			   unsigned n)
{
	static __thread struct xfer x;
	int16_t st = BLKIF_RSP_ERROR;

	if (op == BLKIF_OP_WRITE && disk->readonly)
		return BLKIF_RSP_ERROR;
	x.g = g, x.to_guest = op == BLKIF_OP_READ, x.n = 0, x.sectors = 0;
	for (unsigned i = 0; i < n; i++)
		if (!xfer_add(&x, &segs[i]))
			goto out;
	st = do_io(disk, &x, sector);
out:
	xfer_release(&x);
	return st;
}

static int16_t do_rw(const struct vbd_disk *disk, const struct dev_grants *g,
		     const struct blkif_request_rw *rq)
{
	if (rq->nr_segments == 0 || rq->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return BLKIF_RSP_ERROR;
	return rw_segments(disk, g, rq->operation, rq->sector_number, rq->seg, rq->nr_segments);
}

/* The segment lists sit in granted pages: copy them out before use. */
static int16_t do_indirect(const struct vbd_disk *disk, const struct dev_grants *g,
			   const struct blkif_request_indirect *rq)
{
	static __thread struct blkif_segment segs[MAX_SEGS];
	unsigned n = rq->nr_segments, pages;

	if ((rq->indirect_op != BLKIF_OP_READ && rq->indirect_op != BLKIF_OP_WRITE) ||
	    n == 0 || n > disk->max_indirect || n > MAX_SEGS)
		return BLKIF_RSP_ERROR;
	pages = (n + BLKIF_SEGS_PER_INDIRECT_PAGE - 1) / BLKIF_SEGS_PER_INDIRECT_PAGE;
	for (unsigned p = 0; p < pages; p++) {
		const void *page = g->get(g->arg, rq->indirect_grefs[p], false);
		unsigned here = n - p * BLKIF_SEGS_PER_INDIRECT_PAGE;

		if (!page)
			return BLKIF_RSP_ERROR;
		if (here > BLKIF_SEGS_PER_INDIRECT_PAGE)
			here = BLKIF_SEGS_PER_INDIRECT_PAGE;
		memcpy(&segs[p * BLKIF_SEGS_PER_INDIRECT_PAGE], page, here * sizeof(segs[0]));
		g->put(g->arg, rq->indirect_grefs[p], false);
	}
	return rw_segments(disk, g, rq->indirect_op, rq->sector_number, segs, n);
}

static int16_t do_discard(const struct vbd_disk *disk, const struct blkif_request_discard *rq)
{
	if (disk->readonly || !in_disk(disk, rq->sector_number, rq->nr_sectors))
		return BLKIF_RSP_ERROR;
	if (!disk->discard)
		return BLKIF_RSP_EOPNOTSUPP;
	if (rq->nr_sectors == 0)
		return BLKIF_RSP_OKAY;
	if (fallocate(disk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(rq->sector_number * BLKIF_SECTOR_SIZE),
		      (off_t)(rq->nr_sectors * BLKIF_SECTOR_SIZE)) == 0)
		return BLKIF_RSP_OKAY;
	return errno == EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP : BLKIF_RSP_ERROR;
}

static int16_t perform(const struct vbd_disk *disk, const struct dev_grants *g,
		       const union blkif_request *rq)
{
	switch (rq->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		return do_rw(disk, g, &rq->rw);
	case BLKIF_OP_INDIRECT:
		return do_indirect(disk, g, &rq->indirect);
	case BLKIF_OP_FLUSH_DISKCACHE:
		return fdatasync(disk->fd) == 0 ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
	case BLKIF_OP_DISCARD:
		return do_discard(disk, &rq->discard);
	default:
		/* Barriers and the rest are not offered in xenstore. */
		return BLKIF_RSP_EOPNOTSUPP;
	}
}

static uint64_t request_id(const union blkif_request *rq)
{
	switch (rq->operation) {
	case BLKIF_OP_INDIRECT: return rq->indirect.id;
	case BLKIF_OP_DISCARD: return rq->discard.id;
	default: return rq->rw.id;	/* id sits at offset 8 in every layout */
	}
}

static void respond(struct vbd_ring *r, const union blkif_request *rq, int16_t status)
{
	/* An indirect request is answered as the read or write it carried. */
	uint8_t op = rq->operation == BLKIF_OP_INDIRECT ? rq->indirect.indirect_op
							: rq->operation;
	struct blkif_response rsp = { .id = request_id(rq), .operation = op, .status = status };

	memcpy(&r->sring->ring[r->rsp_prod_pvt & (r->size - 1)].rsp, &rsp, sizeof(rsp));
	r->rsp_prod_pvt++;
	r->requests++;
	if (status != BLKIF_RSP_OKAY)
		r->errors++;
}

/* io/ring.h's push-and-check: notify only if the frontend asked for this index. */
static int push_responses(struct vbd_ring *r)
{
	uint32_t old = r->sring->rsp_prod, new = r->rsp_prod_pvt;

	__atomic_store_n(&r->sring->rsp_prod, new, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint32_t)(new - __atomic_load_n(&r->sring->rsp_event, __ATOMIC_ACQUIRE)) <
	       (uint32_t)(new - old);
}

int vbd_ring_service(struct vbd_ring *r, const struct vbd_disk *disk,
		     const struct dev_grants *g, char *err, size_t errlen)
{
	int notify = 0;

	if (r->broken)
		return -1;
	for (;;) {
		uint32_t prod = __atomic_load_n(&r->sring->req_prod, __ATOMIC_ACQUIRE);

		if (prod - r->req_cons > r->size) {
			snprintf(err, errlen, "frontend's req_prod %u is %u requests past the "
				 "%u consumed (ring of %u)", prod, prod - r->req_cons,
				 r->req_cons, r->size);
			r->broken = true;
			return -1;
		}
		while (r->req_cons != prod) {
			union blkif_request rq;

			memcpy(&rq, &r->sring->ring[r->req_cons & (r->size - 1)].req, sizeof(rq));
			r->req_cons++;
			respond(r, &rq, perform(disk, g, &rq));
		}
		notify |= push_responses(r);
		/* Ask for an event at the next request, then look once more. */
		__atomic_store_n(&r->sring->req_event, r->req_cons + 1, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&r->sring->req_prod, __ATOMIC_ACQUIRE) == r->req_cons)
			return notify;
	}
}
