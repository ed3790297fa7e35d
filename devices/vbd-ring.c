#include <stdio.h>
#include <string.h>
#include "devices/vbd-ring.h"

void vbd_ring_init(struct vbd_ring *r, void *ring, size_t bytes)
{
	*r = (struct vbd_ring){ .sring = ring, .size = blkif_ring_size(bytes) };
}

/* Reads claim their pages writable: the image is copied into them. */
static bool to_guest(const struct vbd_req *rq)
{
	return rq->kind == VBD_READ;
}

static void release(struct vbd_req *rq)
{
	for (unsigned i = 0; i < rq->nseg; i++)
		rq->g->put(rq->g->arg, rq->gref[i], to_guest(rq));
	rq->nseg = 0;
}

static void refuse(struct vbd_req *rq, int16_t status)
{
	release(rq);
	rq->kind = VBD_ANSWERED;
	rq->status = status;
}

static bool claim(struct vbd_req *rq, const struct blkif_segment *s)
{
	unsigned first = s->first_sect, last = s->last_sect;
	uint8_t *page;

	if (rq->nseg >= rq->max_seg || first > last || last >= BLKIF_SECTORS_PER_PAGE)
		return false;
	page = rq->g->get(rq->g->arg, s->gref, to_guest(rq));
	if (!page)
		return false;
	rq->gref[rq->nseg] = s->gref;
	rq->iov[rq->nseg].iov_base = page + first * BLKIF_SECTOR_SIZE;
	rq->iov[rq->nseg].iov_len = (size_t)(last - first + 1) * BLKIF_SECTOR_SIZE;
	rq->sectors += last - first + 1;
	rq->nseg++;
	return true;
}

static bool in_disk(const struct vbd_disk *disk, uint64_t sector, uint64_t count)
{
	return sector <= disk->sectors && count <= disk->sectors - sector;
}

static void begin_rw(const struct vbd_disk *disk, struct vbd_req *rq, uint8_t op,
		     uint64_t sector, unsigned nseg, unsigned max)
{
	rq->op = op;
	rq->sector = sector;
	rq->kind = op == BLKIF_OP_READ ? VBD_READ : VBD_WRITE;
	if ((op != BLKIF_OP_READ && op != BLKIF_OP_WRITE) || nseg == 0 || nseg > max ||
	    (op == BLKIF_OP_WRITE && disk->readonly))
		refuse(rq, BLKIF_RSP_ERROR);
}

static void end_rw(const struct vbd_disk *disk, struct vbd_req *rq)
{
	if (!in_disk(disk, rq->sector, rq->sectors))
		refuse(rq, BLKIF_RSP_ERROR);
}

static void take_rw(const struct vbd_disk *disk, struct vbd_req *rq,
		    const struct blkif_request_rw *req)
{
	begin_rw(disk, rq, req->operation, req->sector_number, req->nr_segments,
		 BLKIF_MAX_SEGMENTS_PER_REQUEST);
	for (unsigned i = 0; rq->kind != VBD_ANSWERED && i < req->nr_segments; i++)
		if (!claim(rq, &req->seg[i]))
			refuse(rq, BLKIF_RSP_ERROR);
	if (rq->kind != VBD_ANSWERED)
		end_rw(disk, rq);
}

/* One page of an indirect request's segment list, copied out before use. */
static bool claim_list_page(struct vbd_req *rq, uint32_t gref, unsigned count)
{
	struct blkif_segment list[BLKIF_SEGS_PER_INDIRECT_PAGE];
	const void *page = rq->g->get(rq->g->arg, gref, false);

	if (!page)
		return false;
	memcpy(list, page, count * sizeof(list[0]));
	rq->g->put(rq->g->arg, gref, false);
	for (unsigned i = 0; i < count; i++)
		if (!claim(rq, &list[i]))
			return false;
	return true;
}

static void take_indirect(const struct vbd_disk *disk, struct vbd_req *rq,
			  const struct blkif_request_indirect *req)
{
	unsigned n = req->nr_segments, max = disk->max_indirect;

	begin_rw(disk, rq, req->indirect_op, req->sector_number, n,
		 max < VBD_MAX_SEGS ? max : VBD_MAX_SEGS);
	for (unsigned p = 0; rq->kind != VBD_ANSWERED && p * BLKIF_SEGS_PER_INDIRECT_PAGE < n; p++) {
		unsigned here = n - p * BLKIF_SEGS_PER_INDIRECT_PAGE;

		if (here > BLKIF_SEGS_PER_INDIRECT_PAGE)
			here = BLKIF_SEGS_PER_INDIRECT_PAGE;
		if (!claim_list_page(rq, req->indirect_grefs[p], here))
			refuse(rq, BLKIF_RSP_ERROR);
	}
	if (rq->kind != VBD_ANSWERED)
		end_rw(disk, rq);
}

static void take_discard(const struct vbd_disk *disk, struct vbd_req *rq,
			 const struct blkif_request_discard *req)
{
	rq->kind = VBD_DISCARD;
	rq->sector = req->sector_number;
	rq->sectors = req->nr_sectors;
	if (disk->readonly || !in_disk(disk, rq->sector, rq->sectors))
		refuse(rq, BLKIF_RSP_ERROR);
	else if (!disk->discard)
		refuse(rq, BLKIF_RSP_EOPNOTSUPP);
	else if (rq->sectors == 0)
		refuse(rq, BLKIF_RSP_OKAY);
}

static uint64_t request_id(const union blkif_request *req)
{
	switch (req->operation) {
	case BLKIF_OP_INDIRECT: return req->indirect.id;
	case BLKIF_OP_DISCARD: return req->discard.id;
	default: return req->rw.id;	/* id sits at offset 8 in every layout */
	}
}

static void parse(const struct vbd_disk *disk, const union blkif_request *req,
		  struct vbd_req *rq)
{
	rq->id = request_id(req);
	rq->op = req->operation;
	switch (req->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		take_rw(disk, rq, &req->rw);
		break;
	case BLKIF_OP_INDIRECT:
		/* Answered as the read or write it carries. */
		take_indirect(disk, rq, &req->indirect);
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		rq->kind = VBD_FLUSH;
		break;
	case BLKIF_OP_DISCARD:
		take_discard(disk, rq, &req->discard);
		break;
	default:
		/* Barriers and the rest are not offered in xenstore. */
		refuse(rq, BLKIF_RSP_EOPNOTSUPP);
	}
}

/* Requests the frontend has queued past ours, or -1 when its index is impossible. */
static int64_t queued(struct vbd_ring *r, char *err, size_t errlen)
{
	uint32_t prod = __atomic_load_n(&r->sring->req_prod, __ATOMIC_ACQUIRE);

	if (prod - r->req_cons <= r->size)
		return prod - r->req_cons;
	snprintf(err, errlen, "frontend's req_prod %u is %u requests past the %u consumed "
		 "(ring of %u)", prod, prod - r->req_cons, r->req_cons, r->size);
	r->broken = true;
	return -1;
}

int vbd_ring_take(struct vbd_ring *r, const struct vbd_disk *disk, const struct dev_grants *g,
		  struct vbd_req *rq, bool ask_event, char *err, size_t errlen)
{
	union blkif_request req;
	int64_t n;

	if (r->broken)
		return -1;
	n = queued(r, err, errlen);
	if (n == 0 && ask_event) {
		/* Ask for an event at the next request, then look once more. */
		__atomic_store_n(&r->sring->req_event, r->req_cons + 1, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		n = queued(r, err, errlen);
	}
	if (n <= 0)
		return n < 0 ? -1 : 0;
	/* The frontend may rewrite the slot meanwhile: work on a copy. */
	memcpy(&req, &r->sring->ring[r->req_cons & (r->size - 1)].req, sizeof(req));
	r->req_cons++;
	*rq = (struct vbd_req){ .g = g, .max_seg = rq->max_seg, .gref = rq->gref, .iov = rq->iov,
				.status = BLKIF_RSP_OKAY };
	parse(disk, &req, rq);
	return 1;
}

void vbd_ring_answer(struct vbd_ring *r, struct vbd_req *rq)
{
	struct blkif_response rsp = { .id = rq->id, .operation = rq->op, .status = rq->status };

	release(rq);
	if (r->broken)
		return;
	memcpy(&r->sring->ring[r->rsp_prod_pvt & (r->size - 1)].rsp, &rsp, sizeof(rsp));
	r->rsp_prod_pvt++;
	r->requests++;
	if (rq->status != BLKIF_RSP_OKAY)
		r->errors++;
}

/* io/ring.h's push-and-check: notify only if the frontend asked for an index pushed now. */
int vbd_ring_push(struct vbd_ring *r)
{
	uint32_t old = r->rsp_pushed, new = r->rsp_prod_pvt;

	if (r->broken || old == new)
		return 0;
	r->rsp_pushed = new;
	__atomic_store_n(&r->sring->rsp_prod, new, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint32_t)(new - __atomic_load_n(&r->sring->rsp_event, __ATOMIC_ACQUIRE)) <
	       (uint32_t)(new - old);
}

bool vbd_ring_waiting(const struct vbd_ring *r)
{
	return !r->broken && __atomic_load_n(&r->sring->req_prod, __ATOMIC_ACQUIRE) != r->req_cons;
}
