/*
 * libFuzzer target: a frontend writes anything into the shared ring and the
 * pages it grants, and the I/O finishes in an order and with results the
 * input chooses. The ring protocol and the completion path (vbd-ring.c,
 * vbd-service.c; io_uring is left out) must answer or stop, never point
 * I/O outside what was granted, start a flush only with nothing else in
 * flight, answer every request taken from a ring that did not break, and
 * release every grant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "devices/vbd-service.h"

#define NPAGES 16
#define DISK_SECTORS 128

static uint8_t pages[NPAGES][4096] __attribute__((aligned(4096)));
static uint8_t ring_page[4096] __attribute__((aligned(4096)));
static uint8_t image[DISK_SECTORS * 512];
static int claimed;

static void *get(void *arg, uint32_t gref, bool writable)
{
	(void)arg;
	/* Odd refs are read-only grants; refs past the table are not granted. */
	if (gref >= NPAGES || (writable && (gref & 1)))
		return NULL;
	claimed++;
	return pages[gref];
}

static void put(void *arg, uint32_t gref, bool writable)
{
	(void)arg, (void)gref, (void)writable;
	claimed--;
}

/* An engine that does the I/O on a memory image when the input says. */
static struct {
	struct vbd_io io;
	struct vbd_req *started[64], *finished[64];
	unsigned nstarted, nfinished;
	uint64_t rng;
} eng;

static uint64_t next_choice(void)
{
	eng.rng ^= eng.rng << 13, eng.rng ^= eng.rng >> 7, eng.rng ^= eng.rng << 17;
	return eng.rng;
}

static void start(struct vbd_io *io, struct vbd_req *rq)
{
	(void)io;
	if (eng.nstarted >= 64 || (rq->kind == VBD_FLUSH && eng.nstarted))
		abort();
	eng.started[eng.nstarted++] = rq;
}

static void submit(struct vbd_io *io)
{
	(void)io;
}

static unsigned reap(struct vbd_io *io, struct vbd_req **done, unsigned max)
{
	unsigned n = eng.nfinished < max ? eng.nfinished : max;

	(void)io;
	memcpy(done, eng.finished, n * sizeof(done[0]));
	memmove(eng.finished, eng.finished + n, (eng.nfinished - n) * sizeof(done[0]));
	eng.nfinished -= n;
	return n;
}

static void transfer(struct vbd_req *rq)
{
	uint64_t off = rq->sector * 512;

	for (unsigned i = 0; i < rq->nseg; i++) {
		if (off + rq->iov[i].iov_len > sizeof(image))
			abort();	/* the range check let it past the image */
		if (rq->kind == VBD_READ)
			memcpy(rq->iov[i].iov_base, image + off, rq->iov[i].iov_len);
		else
			memcpy(image + off, rq->iov[i].iov_base, rq->iov[i].iov_len);
		off += rq->iov[i].iov_len;
	}
}

static void finish_one(void)
{
	unsigned i = (unsigned)(next_choice() % eng.nstarted);
	struct vbd_req *rq = eng.started[i];

	if (rq->kind == VBD_READ || rq->kind == VBD_WRITE)
		transfer(rq);
	rq->status = next_choice() % 5 ? 0 : -1;
	eng.started[i] = eng.started[--eng.nstarted];
	eng.finished[eng.nfinished++] = rq;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dev_grants g = { get, put, NULL };
	struct vbd_disk disk;
	struct vbd_service s;
	char err[160];
	size_t n;

	if (size < 8)
		return 0;
	memset(&eng, 0, sizeof(eng));
	eng.io = (struct vbd_io){ start, submit, reap };
	memcpy(&eng.rng, data, 8);
	eng.rng |= 1;
	data += 8, size -= 8;
	memset(ring_page, 0, sizeof(ring_page));
	memset(pages, 0, sizeof(pages));
	n = size < sizeof(ring_page) ? size : sizeof(ring_page);
	memcpy(ring_page, data, n);
	if (size > n)
		memcpy(pages, data + n, size - n < sizeof(pages) ? size - n : sizeof(pages));
	disk = (struct vbd_disk){ .fd = -1, .direct_fd = -1, .sectors = DISK_SECTORS,
				  .readonly = size & 1, .discard = true, .max_indirect = 256 };
	if (vbd_service_init(&s, ring_page, sizeof(ring_page), &disk, &g, &eng.io,
			     1 + (unsigned)(eng.rng % 8)))
		abort();
	/* The producer index is the frontend's: cap it so one input ends. */
	((struct blkif_sring *)ring_page)->req_prod %= 64;
	for (int step = 0; step < 256; step++) {
		vbd_service_run(&s, err, sizeof(err));
		if (!eng.nstarted)
			break;
		finish_one();
	}
	while (eng.nstarted)
		finish_one();
	vbd_service_run(&s, err, sizeof(err));
	if (!vbd_service_idle(&s) || claimed ||
	    (!s.ring.broken && s.ring.rsp_prod_pvt != s.ring.req_cons))
		abort();
	vbd_service_fini(&s);
	return 0;
}
