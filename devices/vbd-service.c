#include <stdlib.h>
#include "devices/vbd-service.h"

#define REAP_BATCH 32

int vbd_service_init(struct vbd_service *s, void *ring, size_t bytes,
		     const struct vbd_disk *disk, const struct dev_grants *g,
		     struct vbd_io *io, unsigned depth)
{
	unsigned max_seg = disk->max_indirect > BLKIF_MAX_SEGMENTS_PER_REQUEST ?
			   disk->max_indirect : BLKIF_MAX_SEGMENTS_PER_REQUEST;

	*s = (struct vbd_service){ .disk = disk, .grants = *g, .io = io };
	vbd_ring_init(&s->ring, ring, bytes);
	if (max_seg > VBD_MAX_SEGS)
		max_seg = VBD_MAX_SEGS;
	/* The frontend cannot have more outstanding than its ring holds. */
	s->depth = depth < s->ring.size ? depth : s->ring.size;
	s->slots = calloc(s->depth, sizeof(*s->slots));
	if (!s->slots)
		return -1;
	for (unsigned i = 0; i < s->depth; i++) {
		struct vbd_req *rq = &s->slots[i];

		rq->max_seg = max_seg;
		rq->gref = calloc(max_seg, sizeof(*rq->gref));
		rq->iov = calloc(max_seg, sizeof(*rq->iov));
		if (!rq->gref || !rq->iov) {
			vbd_service_fini(s);
			return -1;
		}
		rq->next = s->free;
		s->free = rq;
	}
	return 0;
}

void vbd_service_fini(struct vbd_service *s)
{
	for (unsigned i = 0; s->slots && i < s->depth; i++) {
		free(s->slots[i].gref);
		free(s->slots[i].iov);
	}
	free(s->slots);
	s->slots = s->free = NULL;
}

bool vbd_service_idle(const struct vbd_service *s)
{
	return !s->inflight && !s->held;
}

static void recycle(struct vbd_service *s, struct vbd_req *rq)
{
	rq->next = s->free;
	s->free = rq;
}

static bool is_rw(const struct vbd_req *rq)
{
	return rq->kind == VBD_READ || rq->kind == VBD_WRITE;
}

static void count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

void vbd_stats_read(const struct vbd_service *s, struct vbd_stats *sum)
{
	sum->rd_req += __atomic_load_n(&s->stats.rd_req, __ATOMIC_RELAXED);
	sum->wr_req += __atomic_load_n(&s->stats.wr_req, __ATOMIC_RELAXED);
	sum->oo_req += __atomic_load_n(&s->stats.oo_req, __ATOMIC_RELAXED);
	sum->rd_sect += __atomic_load_n(&s->stats.rd_sect, __ATOMIC_RELAXED);
	sum->wr_sect += __atomic_load_n(&s->stats.wr_sect, __ATOMIC_RELAXED);
}

/* A read or write finished (whatever its answer), as blkback counts them. */
static void count_done(struct vbd_service *s, const struct vbd_req *rq)
{
	if (rq->kind == VBD_READ) {
		count(&s->stats.rd_req, 1);
		count(&s->stats.rd_sect, rq->sectors);
	} else if (rq->kind == VBD_WRITE) {
		count(&s->stats.wr_req, 1);
		count(&s->stats.wr_sect, rq->sectors);
	}
}

static void start(struct vbd_service *s, struct vbd_req *rq)
{
	if (++s->inflight > s->max_inflight)
		s->max_inflight = s->inflight;
	s->rw_inflight += is_rw(rq);
	s->io->start(s->io, rq);
}

/* A held flush goes once what was taken before it has finished. */
static bool release_held(struct vbd_service *s)
{
	if (s->held && !s->inflight) {
		start(s, s->held);
		s->held = NULL;
	}
	return !s->held;
}

static void take_requests(struct vbd_service *s, char *err, size_t errlen)
{
	/* Every slot busy with requests still on the ring: they wait (xentop's VBD_OO). */
	if (!s->free && !s->draining && vbd_ring_waiting(&s->ring))
		count(&s->stats.oo_req, 1);
	while (release_held(s) && !s->draining && s->free) {
		struct vbd_req *rq = s->free;

		s->free = rq->next;
		/* A read or write finishing soon brings us back to the ring; a
		 * flush may take long, so with only flushes in flight ask for an event. */
		if (vbd_ring_take(&s->ring, s->disk, &s->grants, rq, !s->rw_inflight, err,
				  errlen) <= 0) {
			recycle(s, rq);
			return;
		}
		if (rq->kind == VBD_ANSWERED) {
			vbd_ring_answer(&s->ring, rq);
			recycle(s, rq);
		} else if (rq->kind == VBD_FLUSH && s->inflight) {
			s->held = rq;
		} else {
			start(s, rq);
		}
	}
}

static unsigned reap(struct vbd_service *s)
{
	struct vbd_req *done[REAP_BATCH];
	unsigned n, total = 0;

	while ((n = s->io->reap(s->io, done, REAP_BATCH)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			s->inflight--;
			s->rw_inflight -= is_rw(done[i]);
			count_done(s, done[i]);
			vbd_ring_answer(&s->ring, done[i]);
			recycle(s, done[i]);
		}
		total += n;
	}
	return total;
}

int vbd_service_run(struct vbd_service *s, char *err, size_t errlen)
{
	bool was_broken = s->ring.broken;

	do {
		take_requests(s, err, errlen);
		s->io->submit(s->io);
	} while (reap(s) > 0);
	if (s->ring.broken)
		return was_broken ? 0 : -1;
	if (s->hold_us && s->rw_inflight && s->ring.rsp_prod_pvt != s->ring.rsp_pushed) {
		s->holding = true;
		return 0;
	}
	return vbd_service_push(s);
}

int vbd_service_push(struct vbd_service *s)
{
	s->holding = false;
	return vbd_ring_push(&s->ring);
}
