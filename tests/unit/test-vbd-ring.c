/*
 * The block backend's ring protocol, served through io_uring over a fake
 * grant table and a 1 MiB image: what Linux's blkfront sends works, and
 * what a hostile frontend sends is answered with an error or stops the
 * ring, with no grant left claimed.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "tests/unit/vbd-harness.h"

static void setup(void)
{
	vh_setup();
	vh_start(16);
}

static void teardown(void)
{
	vh_stop();
	vh_teardown();
}

TestSuite(vbd_ring, .init = setup, .fini = teardown);

Test(vbd_ring, ring_size_of_one_page)
{
	cr_assert_eq(vh_svc.ring.size, 32);
}

Test(vbd_ring, write_then_read_back)
{
	struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, 7, 16, 2), r = vh_rw(BLKIF_OP_READ, 8, 16, 2);

	memset(vh_pages[0], 0xab, 4096);
	memset(vh_pages[1], 0xcd, 4096);
	vh_push(&w, sizeof(w));
	cr_assert_eq(vh_serve(), 1);
	cr_assert_eq(vh_rsp(0)->id, 7);
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_OKAY);
	memset(vh_pages, 0, 2 * 4096);
	r.seg[0] = (struct blkif_segment){ .gref = 5, .first_sect = 0, .last_sect = 7 };
	r.seg[1] = (struct blkif_segment){ .gref = 6, .first_sect = 0, .last_sect = 7 };
	vh_ring.s.rsp_event = vh_ring.s.rsp_prod + 1;
	vh_push(&r, sizeof(r));
	cr_assert_eq(vh_serve(), 1);
	cr_assert_eq(vh_rsp(1)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(vh_rsp(1)->operation, BLKIF_OP_READ);
	cr_assert_eq(vh_pages[5][4095], 0xab);
	cr_assert_eq(vh_pages[6][0], 0xcd);
	cr_assert_eq(vh_ring.s.rsp_prod, 2);
	cr_assert_eq(vh_ring.s.req_event, 3, "asks for an event at the next request");
}

Test(vbd_ring, partial_page_segments)
{
	struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, 1, 0, 1);
	uint8_t back[512];

	memset(vh_pages[0] + 1024, 0x5a, 512);
	w.seg[0].first_sect = 2, w.seg[0].last_sect = 2;
	vh_push(&w, sizeof(w));
	vh_serve();
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(pread(vh_disk.fd, back, 512, 0), 512);
	cr_assert_eq(back[0], 0x5a);
	cr_assert_eq(back[511], 0x5a);
}

Test(vbd_ring, no_event_unless_asked)
{
	struct blkif_request_rw r = vh_rw(BLKIF_OP_READ, 1, 0, 1);

	vh_ring.s.rsp_event = 100;
	vh_push(&r, sizeof(r));
	cr_assert_eq(vh_serve(), 0);
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_OKAY);
}

Test(vbd_ring, past_the_end_is_an_error)
{
	struct blkif_request_rw r = vh_rw(BLKIF_OP_READ, 1, VH_DISK_SECTORS - 8, 2);
	struct blkif_request_rw huge = vh_rw(BLKIF_OP_READ, 2, UINT64_MAX - 3, 1);

	vh_push(&r, sizeof(r));
	vh_push(&huge, sizeof(huge));
	vh_serve();
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(vh_rsp(1)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(vh_rsp(1)->id, 2);
}

Test(vbd_ring, bad_segments_are_errors)
{
	struct blkif_request_rw badref = vh_rw(BLKIF_OP_READ, 1, 0, 3);
	struct blkif_request_rw badsect = vh_rw(BLKIF_OP_READ, 2, 0, 1);
	struct blkif_request_rw toomany = vh_rw(BLKIF_OP_READ, 3, 0, 11);
	struct blkif_request_rw none = vh_rw(BLKIF_OP_READ, 4, 0, 0);
	struct blkif_request_rw rowrite = vh_rw(BLKIF_OP_READ, 5, 0, 1);

	badref.seg[2].gref = 9999;
	badsect.seg[0].first_sect = 5, badsect.seg[0].last_sect = 4;
	toomany.nr_segments = 12;
	vh_page_readonly[0] = true;	/* a read writes the page: needs write access */
	vh_push(&badref, sizeof(badref));
	vh_push(&badsect, sizeof(badsect));
	vh_push(&toomany, sizeof(toomany));
	vh_push(&none, sizeof(none));
	vh_push(&rowrite, sizeof(rowrite));
	vh_serve();
	for (unsigned i = 0; i < 5; i++) {
		cr_assert_eq(vh_rsp(i)->status, BLKIF_RSP_ERROR, "request %u", i);
		cr_assert_eq(vh_rsp(i)->id, i + 1);
	}
}

Test(vbd_ring, readonly_disk_refuses_writes)
{
	struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, 1, 0, 1);
	struct blkif_request_discard d = { .operation = BLKIF_OP_DISCARD, .id = 2, .nr_sectors = 8 };

	vh_disk.readonly = true;
	vh_push(&w, sizeof(w));
	vh_push(&d, sizeof(d));
	vh_serve();
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(vh_rsp(1)->status, BLKIF_RSP_ERROR);
}

Test(vbd_ring, indirect_read_of_twenty_pages)
{
	struct blkif_request_indirect r = { .operation = BLKIF_OP_INDIRECT,
					    .indirect_op = BLKIF_OP_READ, .nr_segments = 20,
					    .id = 42, .sector_number = 0 };
	struct blkif_segment *list = (struct blkif_segment *)vh_pages[40];
	uint8_t fill[20 * 4096];

	for (unsigned i = 0; i < sizeof(fill); i++)
		fill[i] = (uint8_t)(i / 4096 + 1);
	cr_assert_eq(pwrite(vh_disk.fd, fill, sizeof(fill), 0), (ssize_t)sizeof(fill));
	for (unsigned i = 0; i < 20; i++)
		list[i] = (struct blkif_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
	r.indirect_grefs[0] = 40;
	vh_page_readonly[40] = true;	/* frontends grant the lists read-only */
	vh_push(&r, sizeof(r));
	vh_serve();
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(vh_rsp(0)->operation, BLKIF_OP_READ, "answered as the op it carried");
	cr_assert_eq(vh_rsp(0)->id, 42);
	cr_assert_eq(vh_pages[19][100], 20);
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

	vh_push(&over, sizeof(over));
	vh_push(&badop, sizeof(badop));
	vh_push(&badlist, sizeof(badlist));
	vh_serve();
	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(vh_rsp(i)->status, BLKIF_RSP_ERROR, "request %u", i);
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
	cr_assert_eq(pwrite(vh_disk.fd, ones, sizeof(ones), 4096), 4096);
	vh_push(&flush, sizeof(flush));
	vh_push(&d, sizeof(d));
	vh_push(&barrier, sizeof(barrier));
	vh_push(&junk, sizeof(junk));
	vh_serve();
	cr_assert_eq(vh_ring.s.rsp_prod, 4);
	cr_assert_eq(vh_rsp_for(1)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(vh_rsp_for(2)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(vh_rsp_for(2)->operation, BLKIF_OP_DISCARD);
	cr_assert_eq(pread(vh_disk.fd, back, sizeof(back), 4096), 4096);
	cr_assert_eq(back[0], 0, "discarded sectors read as zeros");
	cr_assert_eq(vh_rsp_for(3)->status, BLKIF_RSP_EOPNOTSUPP);
	cr_assert_eq(vh_rsp_for(4)->status, BLKIF_RSP_EOPNOTSUPP);
}

Test(vbd_ring, runaway_producer_breaks_the_ring)
{
	char err[160];

	vh_ring.s.req_prod = 1000;
	cr_assert_eq(vh_serve_err(err, sizeof(err)), -1);
	cr_assert(strstr(err, "req_prod"));
	cr_assert_eq(vh_ring.s.rsp_prod, 0, "nothing answered from a broken ring");
	cr_assert_eq(vh_serve(), -1, "and it stays broken");
}
