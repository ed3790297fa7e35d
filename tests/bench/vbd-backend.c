/*
 * The block backend alone, without a guest: xenkvmd's queue (its thread,
 * the ring checks, the grant claims, io_uring on the image) driven by a
 * frontend in this process that behaves as Linux's blkfront does on a
 * one-page ring: each 1 MiB of I/O as eight 128 KiB requests of 32
 * indirect segments put on the ring together, done when all eight are
 * (as dd's or an AIO's 1 MiB is), events asked for and sent by the ring's
 * rules, the pages granted in a v1 grant table. No KVM needed, so it
 * measures the backend's share of the PV disk path on any host, against
 * disk-ops in the same run, and counts the events each side sent.
 * usage: vbd-backend seqwrite|seqread IMAGE MIB DEPTH
 * (DEPTH: 1 MiB units in flight; the ring holds 4 at most). Prints
 * "bench: <op>_mibps N", as disk-ops does; writes end with a cache flush.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "devices/vbd-queue.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/grant-table.h"

#define PAGE 4096
#define SEGS 32				/* blkfront's default indirect segments */
#define REQ_BYTES (SEGS * PAGE)
#define REQS_PER_MIB ((1 << 20) / REQ_BYTES)
#define SLOTS 32			/* one ring page */
#define UNITS (SLOTS / REQS_PER_MIB)	/* 1 MiB units the ring holds */
#define DATA_PAGES (SLOTS * SEGS)
#define INDIRECT_GREF(slot) (DATA_PAGES + (slot))
#define GRANTS (DATA_PAGES + SLOTS)
#define GRANT_FRAMES ((GRANTS + GRANT_ENTRIES_PER_FRAME - 1) / GRANT_ENTRIES_PER_FRAME)

struct frontend {
	uint8_t *ram;			/* the "guest's" pages: data, then indirect */
	struct grant_entry_v1 *table;
	union { struct blkif_sring s; uint8_t page[PAGE]; } *ring;
	uint32_t req_prod_pvt, rsp_cons;
	int event_fd;			/* the backend's notify lands here */
	unsigned free_units[UNITS], nfree;
	unsigned pending[UNITS];	/* requests of a unit not answered yet */
	uint64_t events_sent, events_taken;
};

static void *grant_get(void *arg, uint32_t gref, bool writable)
{
	struct frontend *f = arg;
	int64_t frame = xk_grant_claim(f->table, GRANT_FRAMES, gref, 0, writable);

	if (frame < 0 || frame >= DATA_PAGES + SLOTS) {
		if (frame >= 0)
			xk_grant_release(f->table, GRANT_FRAMES, gref, writable);
		return NULL;
	}
	return f->ram + (size_t)frame * PAGE;
}

static void grant_put(void *arg, uint32_t gref, bool writable)
{
	struct frontend *f = arg;

	xk_grant_release(f->table, GRANT_FRAMES, gref, writable);
}

static void notify_frontend(void *arg)
{
	struct frontend *f = arg;

	if (eventfd_write(f->event_fd, 1))
		abort();
}

static void backend_broken(void *arg, const char *why)
{
	(void)arg;
	fprintf(stderr, "vbd-backend: the backend stopped the ring: %s\n", why);
	exit(1);
}

/* Grants as blkfront makes them: data pages writable for reads only. */
static void grant_all(struct frontend *f, bool backend_writes)
{
	for (uint32_t g = 0; g < GRANTS; g++) {
		bool ro = g >= DATA_PAGES || !backend_writes;

		f->table[g] = (struct grant_entry_v1){
			.flags = GTF_permit_access | (ro ? GTF_readonly : 0), .domid = 0, .frame = g };
	}
}

static void put_request(struct frontend *f, const union blkif_request *rq)
{
	f->ring->s.ring[f->req_prod_pvt % SLOTS].req = *rq;
	f->req_prod_pvt++;
}

static void push_requests(struct frontend *f, struct vbd_queue *q)
{
	uint32_t old = f->ring->s.req_prod, new = f->req_prod_pvt;

	__atomic_store_n(&f->ring->s.req_prod, new, __ATOMIC_SEQ_CST);
	if ((uint32_t)(new - f->ring->s.req_event) < (uint32_t)(new - old)) {
		f->events_sent++;
		if (eventfd_write(q->t.kick_fd, 1))
			abort();
	}
}

static void rw_request(struct frontend *f, unsigned slot, uint8_t op, uint64_t sector)
{
	struct blkif_segment *seg = (void *)(f->ram + (size_t)INDIRECT_GREF(slot) * PAGE);
	union blkif_request rq = { .indirect = {
		.operation = BLKIF_OP_INDIRECT, .indirect_op = op, .nr_segments = SEGS,
		.id = slot, .sector_number = sector, .indirect_grefs = { INDIRECT_GREF(slot) } } };

	for (unsigned i = 0; i < SEGS; i++)
		seg[i] = (struct blkif_segment){ .gref = slot * SEGS + i, .last_sect = 7 };
	put_request(f, &rq);
}

/* Takes the responses published so far: the units they finished. */
static int take_responses(struct frontend *f, int *failed)
{
	uint32_t prod = __atomic_load_n(&f->ring->s.rsp_prod, __ATOMIC_ACQUIRE);
	int units = 0;

	for (; f->rsp_cons != prod; f->rsp_cons++) {
		struct blkif_response *r = &f->ring->s.ring[f->rsp_cons % SLOTS].rsp;
		unsigned u = (unsigned)(r->id / REQS_PER_MIB);

		*failed |= r->status != BLKIF_RSP_OKAY;
		if (r->id < SLOTS && f->pending[u] && --f->pending[u] == 0) {
			f->free_units[f->nfree++] = u;
			units++;
		}
	}
	return units;
}

/* Sleeps until the backend's next event, asked for as blkfront asks. */
static int await_responses(struct frontend *f, int *failed)
{
	for (;;) {
		int units = take_responses(f, failed);
		eventfd_t v;

		if (units)
			return units;
		__atomic_store_n(&f->ring->s.rsp_event, f->rsp_cons + 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&f->ring->s.rsp_prod, __ATOMIC_SEQ_CST) != f->rsp_cons)
			continue;
		if (eventfd_read(f->event_fd, &v))
			return -1;
		f->events_taken++;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put_unit(struct frontend *f, unsigned u, bool write, long mib)
{
	for (unsigned i = 0; i < REQS_PER_MIB; i++)
		rw_request(f, u * REQS_PER_MIB + i, write ? BLKIF_OP_WRITE : BLKIF_OP_READ,
			   (uint64_t)mib * 2048 + i * (REQ_BYTES / 512));
	f->pending[u] = REQS_PER_MIB;
}

/* Sequential MiBs, at most depth of them in flight. */
static int run(struct frontend *f, struct vbd_queue *q, bool write, long mib, unsigned depth)
{
	unsigned limit = depth < UNITS ? depth : UNITS;
	long next = 0, done = 0;
	int failed = 0;

	while (done < mib) {
		bool put = false;
		int n;

		while (next < mib && UNITS - f->nfree < limit) {
			put_unit(f, f->free_units[--f->nfree], write, next);
			next++, put = true;
		}
		if (put)
			push_requests(f, q);
		n = await_responses(f, &failed);
		if (n < 0)
			return -1;
		done += n;
	}
	if (write) {
		union blkif_request flush = { .rw = { .operation = BLKIF_OP_FLUSH_DISKCACHE,
						      .id = 0 } };

		f->pending[0] = 1;
		f->nfree--;
		put_request(f, &flush);
		push_requests(f, q);
		if (await_responses(f, &failed) < 0)
			return -1;
	}
	return failed ? -1 : 0;
}

static int open_disk(const char *path, struct vbd_disk *disk)
{
	struct stat st;

	*disk = (struct vbd_disk){ .fd = open(path, O_RDWR | O_CLOEXEC), .direct_fd = -1,
				   .max_indirect = SEGS };
	if (disk->fd < 0 || fstat(disk->fd, &st))
		return -1;
	disk->sectors = (uint64_t)st.st_size / 512;
	disk->direct_fd = open(path, O_RDWR | O_CLOEXEC | O_DIRECT);
	disk->has_direct = disk->direct_fd >= 0;
	return 0;
}

int main(int argc, char **argv)
{
	static struct vbd_queue q;
	struct frontend f = { .nfree = 0 };
	struct vbd_disk disk;
	bool write;
	long mib;
	unsigned depth;
	double t0, t1;

	if (argc != 5 || (strcmp(argv[1], "seqwrite") && strcmp(argv[1], "seqread")) ||
	    (mib = atol(argv[3])) <= 0 || (depth = (unsigned)atoi(argv[4])) == 0) {
		fprintf(stderr, "usage: vbd-backend seqwrite|seqread IMAGE MIB DEPTH\n");
		return 2;
	}
	write = !strcmp(argv[1], "seqwrite");
	if (open_disk(argv[2], &disk) || (uint64_t)mib * 2048 > disk.sectors) {
		fprintf(stderr, "vbd-backend: %s: %s\n", argv[2],
			errno ? strerror(errno) : "smaller than the I/O asked for");
		return 1;
	}
	f.ram = aligned_alloc(PAGE, (size_t)GRANTS * PAGE);
	f.table = aligned_alloc(PAGE, (size_t)GRANT_FRAMES * PAGE);
	f.ring = aligned_alloc(PAGE, PAGE);
	f.event_fd = eventfd(0, EFD_CLOEXEC);
	if (!f.ram || !f.table || !f.ring || f.event_fd < 0)
		return 1;
	memset(f.ram, 0x5a, (size_t)GRANTS * PAGE);
	memset(f.table, 0, (size_t)GRANT_FRAMES * PAGE);
	memset(f.ring, 0, PAGE);
	f.ring->s.req_event = f.ring->s.rsp_event = 1;
	grant_all(&f, !write);
	for (unsigned i = 0; i < UNITS; i++)
		f.free_units[f.nfree++] = UNITS - 1 - i;
	q = (struct vbd_queue){ .ring = f.ring, .ring_bytes = PAGE, .disk = &disk,
				.grants = { grant_get, grant_put, &f }, .notify = notify_frontend,
				.broken = backend_broken, .arg = &f,
				.t = { .kick_fd = eventfd(0, EFD_CLOEXEC) },
				.hold_us = getenv("XENKVM_VBD_HOLD_US") ?
					   (unsigned)atoi(getenv("XENKVM_VBD_HOLD_US")) : 0 };
	if (q.t.kick_fd < 0 || vbd_queue_start(&q)) {
		perror("vbd-backend: starting the queue");
		return 1;
	}
	t0 = now_s();
	if (run(&f, &q, write, mib, depth)) {
		fprintf(stderr, "vbd-backend: a request failed\n");
		return 1;
	}
	t1 = now_s();
	vbd_queue_stop(&q);
	printf("bench: %s_mibps %.1f\n", argv[1], mib / (t1 - t0));
	printf("vbd-backend: %s, %ld requests, %llu events to the backend, %llu back "
	       "(%llu woke the frontend)\n", disk.has_direct ? "O_DIRECT" : "buffered",
	       mib * REQS_PER_MIB + write, (unsigned long long)f.events_sent,
	       (unsigned long long)q.events, (unsigned long long)f.events_taken);
	return 0;
}
