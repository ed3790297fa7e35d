/*
 * The block backend's ring service over a fake grant table and a 1 MiB
 * image: what Linux's blkfront sends works, and what a hostile frontend
 * sends is answered with an error or stops the ring, with no grant left
 * claimed.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "devices/vbd-ring.h"

#define NPAGES 64
#define DISK_SECTORS 2048

static uint8_t pages[NPAGES][4096] __attribute__((aligned(4096)));
static bool page_readonly[NPAGES];
static int claimed;
static union { struct blkif_sring s; uint8_t bytes[4096]; } ring_page;
static struct vbd_ring ring;
static struct vbd_disk disk;

/* gref N is page N; refs past the table are bad, read-only pages refuse writes. */
static void *get(void *arg, uint32_t gref, bool writable)
{
	(void)arg;
	if (gref >= NPAGES || (writable && page_readonly[gref]))
		return NULL;
	claimed++;
	return pages[gref];
}

static void put(void *arg, uint32_t gref, bool writable)
{
	(void)arg, (void)gref, (void)writable;
	claimed--;
}

static const struct dev_grants grants = { get, put, NULL };

static void setup(void)
{
	memset(pages, 0, sizeof(pages));
	memset(page_readonly, 0, sizeof(page_readonly));
	memset(&ring_page, 0, sizeof(ring_page));
	ring_page.s.req_event = ring_page.s.rsp_event = 1;	/* as the frontend sets up */
	claimed = 0;
	vbd_ring_init(&ring, &ring_page, sizeof(ring_page));
	disk = (struct vbd_disk){ .fd = memfd_create("vbd-test", 0), .sectors = DISK_SECTORS,
				  .discard = true, .max_indirect = 256 };
	cr_assert(disk.fd >= 0);
	cr_assert(ftruncate(disk.fd, DISK_SECTORS * 512) == 0);
}

static void teardown(void)
{
	close(disk.fd);
	cr_assert_eq(claimed, 0, "grants left claimed: %d", claimed);
}

TestSuite(vbd_ring, .init = setup, .fini = teardown);

static void push(const void *req, size_t len)
{
	memcpy(&ring_page.s.ring[ring_page.s.req_prod % ring.size], req, len);
	ring_page.s.req_prod++;
}

static struct blkif_response *rsp(unsigned i)
{
	return &ring_page.s.ring[i % ring.size].rsp;
}

static int serve(void)
{
	char err[160];

	return vbd_ring_service(&ring, &disk, &grants, err, sizeof(err));
}

static struct blkif_request_rw rw(uint8_t op, uint64_t id, uint64_t sector, unsigned nseg)
{
	struct blkif_request_rw r = { .operation = op, .nr_segments = (uint8_t)nseg, .id = id,
				      .sector_number = sector };

	for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
		r.seg[i] = (struct blkif_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
	return r;
}

Test(vbd_ring, ring_size_of_one_page)
{
	cr_assert_eq(ring.size, 32);
}

Test(vbd_ring, write_then_read_back)
{
	struct blkif_request_rw w = rw(BLKIF_OP_WRITE, 7, 16, 2), r = rw(BLKIF_OP_READ, 8, 16, 2);

	memset(pages[0], 0xab, 4096);
	memset(pages[1], 0xcd, 4096);
	push(&w, sizeof(w));
	cr_assert_eq(serve(), 1);
	cr_assert_eq(rsp(0)->id, 7);
	cr_assert_eq(rsp(0)->status, BLKIF_RSP_OKAY);
	memset(pages, 0, 2 * 4096);
	r.seg[0] = (struct blkif_segment){ .gref = 5, .first_sect = 0, .last_sect = 7 };
	r.seg[1] = (struct blkif_segment){ .gref = 6, .first_sect = 0, .last_sect = 7 };
	ring_page.s.rsp_event = ring_page.s.rsp_prod + 1;
	push(&r, sizeof(r));
	cr_assert_eq(serve(), 1);
	cr_assert_eq(rsp(1)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(rsp(1)->operation, BLKIF_OP_READ);
	cr_assert_eq(pages[5][4095], 0xab);
	cr_assert_eq(pages[6][0], 0xcd);
	cr_assert_eq(ring_page.s.rsp_prod, 2);
	cr_assert_eq(ring_page.s.req_event, 3, "asks for an event at the next request");
}

Test(vbd_ring, partial_page_segments)
{
	struct blkif_request_rw w = rw(BLKIF_OP_WRITE, 1, 0, 1);
	uint8_t back[512];

	memset(pages[0] + 1024, 0x5a, 512);
	w.seg[0].first_sect = 2, w.seg[0].last_sect = 2;
	push(&w, sizeof(w));
	serve();
	cr_assert_eq(rsp(0)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(pread(disk.fd, back, 512, 0), 512);
	cr_assert_eq(back[0], 0x5a);
	cr_assert_eq(back[511], 0x5a);
}

Test(vbd_ring, no_event_unless_asked)
{
	struct blkif_request_rw r = rw(BLKIF_OP_READ, 1, 0, 1);

	ring_page.s.rsp_event = 100;
	push(&r, sizeof(r));
	cr_assert_eq(serve(), 0);
	cr_assert_eq(rsp(0)->status, BLKIF_RSP_OKAY);
}

Test(vbd_ring, past_the_end_is_an_error)
{
	struct blkif_request_rw r = rw(BLKIF_OP_READ, 1, DISK_SECTORS - 8, 2);
	struct blkif_request_rw huge = rw(BLKIF_OP_READ, 2, UINT64_MAX - 3, 1);

	push(&r, sizeof(r));
	push(&huge, sizeof(huge));
	serve();
	cr_assert_eq(rsp(0)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(rsp(1)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(rsp(1)->id, 2);
}

Test(vbd_ring, bad_segments_are_errors)
{
	struct blkif_request_rw badref = rw(BLKIF_OP_READ, 1, 0, 3);
	struct blkif_request_rw badsect = rw(BLKIF_OP_READ, 2, 0, 1);
	struct blkif_request_rw toomany = rw(BLKIF_OP_READ, 3, 0, 11);
	struct blkif_request_rw none = rw(BLKIF_OP_READ, 4, 0, 0);
	struct blkif_request_rw rowrite = rw(BLKIF_OP_READ, 5, 0, 1);

	badref.seg[2].gref = 9999;
	badsect.seg[0].first_sect = 5, badsect.seg[0].last_sect = 4;
	toomany.nr_segments = 12;
	page_readonly[0] = true;	/* a read writes the page: needs write access */
	push(&badref, sizeof(badref));
	push(&badsect, sizeof(badsect));
	push(&toomany, sizeof(toomany));
	push(&none, sizeof(none));
	push(&rowrite, sizeof(rowrite));
	serve();
	for (unsigned i = 0; i < 5; i++) {
		cr_assert_eq(rsp(i)->status, BLKIF_RSP_ERROR, "request %u", i);
		cr_assert_eq(rsp(i)->id, i + 1);
	}
}

Test(vbd_ring, readonly_disk_refuses_writes)
{
	struct blkif_request_rw w = rw(BLKIF_OP_WRITE, 1, 0, 1);
	struct blkif_request_discard d = { .operation = BLKIF_OP_DISCARD, .id = 2, .nr_sectors = 8 };

	disk.readonly = true;
	push(&w, sizeof(w));
	push(&d, sizeof(d));
	serve();
	cr_assert_eq(rsp(0)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(rsp(1)->status, BLKIF_RSP_ERROR);
}

Test(vbd_ring, indirect_read_of_twenty_pages)
{
	struct blkif_request_indirect r = { .operation = BLKIF_OP_INDIRECT,
					    .indirect_op = BLKIF_OP_READ, .nr_segments = 20,
					    .id = 42, .sector_number = 0 };
	struct blkif_segment *list = (struct blkif_segment *)pages[40];
	uint8_t fill[20 * 4096];

	for (unsigned i = 0; i < sizeof(fill); i++)
		fill[i] = (uint8_t)(i / 4096 + 1);
	cr_assert_eq(pwrite(disk.fd, fill, sizeof(fill), 0), (ssize_t)sizeof(fill));
	for (unsigned i = 0; i < 20; i++)
		list[i] = (struct blkif_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
	r.indirect_grefs[0] = 40;
	page_readonly[40] = true;	/* frontends grant the lists read-only */
	push(&r, sizeof(r));
	serve();
	cr_assert_eq(rsp(0)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(rsp(0)->operation, BLKIF_OP_READ, "answered as the op it carried");
	cr_assert_eq(rsp(0)->id, 42);
	cr_assert_eq(pages[19][100], 20);
}

Test(vbd_ring, indirect_limits)
{
	struct blkif_request_indirect over = { .operation = BLKIF_OP_INDIRECT,
					       .indirect_op = BLKIF_OP_READ, .nr_segments = 257,
					       .id = 1 };
	struct blkif_request_indirect badop = { .operation = BLKIF_OP_INDIRECT,
						.indirect_op = BLKIF_OP_DISCARD, .nr_segments = 1,
						.id = 2 };
	struct blkif_request_indirect badlist = { .operation = BLKIF_OP_INDIRECT,
						  .indirect_op = BLKIF_OP_READ, .nr_segments = 1,
						  .id = 3, .indirect_grefs = { 5000 } };

	push(&over, sizeof(over));
	push(&badop, sizeof(badop));
	push(&badlist, sizeof(badlist));
	serve();
	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(rsp(i)->status, BLKIF_RSP_ERROR, "request %u", i);
}

Test(vbd_ring, flush_discard_and_unknown)
{
	struct blkif_request_rw flush = { .operation = BLKIF_OP_FLUSH_DISKCACHE, .id = 1 };
	struct blkif_request_discard d = { .operation = BLKIF_OP_DISCARD, .id = 2,
					   .sector_number = 8, .nr_sectors = 8 };
	struct blkif_request_rw barrier = { .operation = BLKIF_OP_WRITE_BARRIER, .id = 3 };
	struct blkif_request_rw junk = { .operation = 200, .id = 4 };
	uint8_t ones[4096], back[4096];

	memset(ones, 1, sizeof(ones));
	cr_assert_eq(pwrite(disk.fd, ones, sizeof(ones), 4096), 4096);
	push(&flush, sizeof(flush));
	push(&d, sizeof(d));
	push(&barrier, sizeof(barrier));
	push(&junk, sizeof(junk));
	serve();
	cr_assert_eq(rsp(0)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(rsp(1)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(pread(disk.fd, back, sizeof(back), 4096), 4096);
	cr_assert_eq(back[0], 0, "discarded sectors read as zeros");
	cr_assert_eq(rsp(2)->status, BLKIF_RSP_EOPNOTSUPP);
	cr_assert_eq(rsp(3)->status, BLKIF_RSP_EOPNOTSUPP);
}

Test(vbd_ring, runaway_producer_breaks_the_ring)
{
	char err[160];

	ring_page.s.req_prod = 1000;
	cr_assert_eq(vbd_ring_service(&ring, &disk, &grants, err, sizeof(err)), -1);
	cr_assert(strstr(err, "req_prod"));
	cr_assert_eq(ring_page.s.rsp_prod, 0, "nothing answered from a broken ring");
	cr_assert_eq(serve(), -1, "and it stays broken");
}

Test(vbd_ring, o_direct_descriptor_serves_requests)
{
	char path[] = "/tmp/vbd-direct-XXXXXX";
	int fd = mkstemp(path), dfd;
	struct blkif_request_rw w = rw(BLKIF_OP_WRITE, 1, 8, 1);
	uint8_t back[4096];

	cr_assert(fd >= 0);
	unlink(path);
	cr_assert(ftruncate(fd, DISK_SECTORS * 512) == 0);
	{
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		dfd = open(self, O_RDWR | O_DIRECT);
	}
	if (dfd < 0) {
		close(fd);
		cr_skip_test("this file system has no O_DIRECT");
	}
	close(disk.fd);
	disk.fd = fd, disk.direct_fd = dfd, disk.has_direct = true;
	memset(pages[0], 0x3c, 4096);
	push(&w, sizeof(w));
	serve();
	cr_assert_eq(rsp(0)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(pread(fd, back, sizeof(back), 8 * 512), 4096);
	cr_assert_eq(back[4095], 0x3c, "written through the O_DIRECT descriptor");
	close(dfd);
}
