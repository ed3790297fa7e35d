/*
 * The completion path of the block backend, over an I/O engine the test
 * finishes by hand: requests finish in any order and are answered so, each
 * with its id; pages stay claimed until their request finishes; a batch of
 * answers raises one event; a flush waits for what was taken before it;
 * no more than depth requests are in flight; a broken ring answers nothing.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "tests/unit/vbd-harness.h"

struct fake_io {
	struct vbd_io io;
	struct vbd_req *started[64];
	unsigned nstarted;
	struct vbd_req *finished[64];
	unsigned nfinished;
};

static struct fake_io fake;
static struct vbd_service svc;

static void fake_start(struct vbd_io *io, struct vbd_req *rq)
{
	(void)io;
	cr_assert_lt(fake.nstarted, 64);
	fake.started[fake.nstarted++] = rq;
}

static void fake_submit(struct vbd_io *io)
{
	(void)io;
}

static unsigned fake_reap(struct vbd_io *io, struct vbd_req **done, unsigned max)
{
	unsigned n = fake.nfinished < max ? fake.nfinished : max;

	(void)io;
	memcpy(done, fake.finished, n * sizeof(done[0]));
	memmove(fake.finished, fake.finished + n, (fake.nfinished - n) * sizeof(done[0]));
	fake.nfinished -= n;
	return n;
}

/* The started request with this id finishes with this status. */
static void finish(uint64_t id, int16_t status)
{
	for (unsigned i = 0; i < fake.nstarted; i++) {
		struct vbd_req *rq = fake.started[i];

		if (rq->id != id)
			continue;
		rq->status = status;
		fake.finished[fake.nfinished++] = rq;
		memmove(&fake.started[i], &fake.started[i + 1],
			(--fake.nstarted - i) * sizeof(fake.started[0]));
		return;
	}
	cr_assert_fail("request %llu is not in flight", (unsigned long long)id);
}

static bool in_flight(uint64_t id)
{
	for (unsigned i = 0; i < fake.nstarted; i++)
		if (fake.started[i]->id == id)
			return true;
	return false;
}

static int run(void)
{
	char err[160];

	return vbd_service_run(&svc, err, sizeof(err));
}

static void start_service(unsigned depth)
{
	cr_assert_eq(vbd_service_init(&svc, &vh_ring, sizeof(vh_ring), &vh_disk, &vh_grants,
				      &fake.io, depth), 0);
}

static void setup(void)
{
	vh_setup();
	fake = (struct fake_io){ .io = { fake_start, fake_submit, fake_reap } };
	start_service(16);
}

static void teardown(void)
{
	while (fake.nstarted)
		finish(fake.started[0]->id, BLKIF_RSP_OKAY);
	run();
	cr_assert(vbd_service_idle(&svc));
	vbd_service_fini(&svc);
	vh_teardown();
}

TestSuite(vbd_service, .init = setup, .fini = teardown);

static void push_reads(unsigned n, uint64_t first_id)
{
	for (unsigned i = 0; i < n; i++) {
		struct blkif_request_rw r = vh_rw(BLKIF_OP_READ, first_id + i, i * 8, 1);

		r.seg[0].gref = i;
		vh_push(&r, sizeof(r));
	}
}

Test(vbd_service, answers_in_the_order_requests_finish)
{
	push_reads(3, 1);
	cr_assert_eq(run(), 0, "nothing finished, nothing to tell");
	cr_assert_eq(fake.nstarted, 3, "all three in flight at once");
	cr_assert_eq(vh_ring.s.rsp_prod, 0);
	cr_assert_eq(vh_claimed, 3, "pages claimed while their I/O runs");
	finish(3, BLKIF_RSP_OKAY);
	finish(1, BLKIF_RSP_OKAY);
	cr_assert_eq(run(), 1);
	cr_assert_eq(vh_ring.s.rsp_prod, 2);
	cr_assert_eq(vh_rsp(0)->id, 3);
	cr_assert_eq(vh_rsp(1)->id, 1);
	cr_assert_eq(vh_rsp(1)->operation, BLKIF_OP_READ);
	cr_assert_eq(vh_claimed, 1, "request 2's page is still claimed");
	finish(2, BLKIF_RSP_OKAY);
	vh_ring.s.rsp_event = 3;
	cr_assert_eq(run(), 1);
	cr_assert_eq(vh_rsp(2)->id, 2);
	cr_assert_eq(vh_claimed, 0);
}

Test(vbd_service, one_event_for_a_batch_of_answers)
{
	push_reads(5, 10);
	run();
	for (uint64_t id = 10; id < 15; id++)
		finish(id, BLKIF_RSP_OKAY);
	cr_assert_eq(run(), 1);
	cr_assert_eq(vh_ring.s.rsp_prod, 5, "published together");
	cr_assert_eq(run(), 0, "and no second event for them");
}

Test(vbd_service, with_hold_answers_wait_for_the_reads_still_in_flight)
{
	svc.hold_us = 200;
	push_reads(3, 1);
	run();
	finish(2, BLKIF_RSP_OKAY);
	cr_assert_eq(run(), 0, "two reads still running: no event yet");
	cr_assert(svc.holding);
	cr_assert_eq(vh_ring.s.rsp_prod, 0, "the answer is not published");
	cr_assert_eq(vh_claimed, 2, "but its page is given back");
	finish(1, BLKIF_RSP_OKAY);
	cr_assert_eq(run(), 0);
	finish(3, BLKIF_RSP_OKAY);
	cr_assert_eq(run(), 1, "the last one out: all three in one event");
	cr_assert(!svc.holding);
	cr_assert_eq(vh_ring.s.rsp_prod, 3);
}

Test(vbd_service, held_answers_go_when_pushed)
{
	svc.hold_us = 200;
	push_reads(2, 1);
	run();
	finish(1, BLKIF_RSP_OKAY);
	run();
	cr_assert_eq(vh_ring.s.rsp_prod, 0);
	cr_assert_eq(vbd_service_push(&svc), 1, "the time is up: published, the frontend told");
	cr_assert(!svc.holding);
	cr_assert_eq(vh_ring.s.rsp_prod, 1);
	cr_assert_eq(vh_rsp(0)->id, 1);
}

Test(vbd_service, with_hold_a_lone_answer_goes_at_once)
{
	svc.hold_us = 200;
	push_reads(1, 5);
	run();
	finish(5, BLKIF_RSP_OKAY);
	cr_assert_eq(run(), 1, "nothing else in flight: nothing to wait for");
	cr_assert(!svc.holding);
}

Test(vbd_service, failed_io_is_an_error_response)
{
	struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, 77, 0, 2);

	vh_push(&w, sizeof(w));
	run();
	finish(77, BLKIF_RSP_ERROR);
	run();
	cr_assert_eq(vh_rsp(0)->id, 77);
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(vh_rsp(0)->operation, BLKIF_OP_WRITE);
	cr_assert_eq(vh_claimed, 0);
}

Test(vbd_service, flush_starts_after_the_writes_before_it_finish)
{
	struct blkif_request_rw a = vh_rw(BLKIF_OP_WRITE, 1, 0, 1);
	struct blkif_request_rw b = vh_rw(BLKIF_OP_WRITE, 2, 8, 1);
	struct blkif_request_rw flush = { .operation = BLKIF_OP_FLUSH_DISKCACHE, .id = 3 };
	struct blkif_request_rw c = vh_rw(BLKIF_OP_WRITE, 4, 16, 1);

	vh_push(&a, sizeof(a));
	vh_push(&b, sizeof(b));
	vh_push(&flush, sizeof(flush));
	vh_push(&c, sizeof(c));
	run();
	cr_assert(in_flight(1) && in_flight(2));
	cr_assert(!in_flight(3), "the flush waits for the writes");
	cr_assert(!in_flight(4), "and what follows it waits for the flush to start");
	finish(2, BLKIF_RSP_OKAY);
	run();
	cr_assert(!in_flight(3), "one write is still running");
	finish(1, BLKIF_RSP_OKAY);
	run();
	cr_assert_eq(vh_ring.s.rsp_prod, 2, "both writes answered");
	cr_assert(in_flight(3), "then the flush starts");
	cr_assert(in_flight(4));
	finish(3, BLKIF_RSP_OKAY);
	run();
	cr_assert_eq(vh_rsp(2)->id, 3);
	cr_assert_eq(vh_rsp(2)->operation, BLKIF_OP_FLUSH_DISKCACHE);
}

Test(vbd_service, flush_with_nothing_before_it_starts_at_once)
{
	struct blkif_request_rw flush = { .operation = BLKIF_OP_FLUSH_DISKCACHE, .id = 8 };

	vh_push(&flush, sizeof(flush));
	run();
	cr_assert(in_flight(8));
}

Test(vbd_service, no_more_than_depth_in_flight)
{
	vbd_service_fini(&svc);
	start_service(4);
	push_reads(10, 100);
	run();
	cr_assert_eq(fake.nstarted, 4);
	cr_assert_eq(vh_claimed, 4);
	finish(101, BLKIF_RSP_OKAY);
	run();
	cr_assert_eq(fake.nstarted, 4, "a finished one makes room for one more");
	cr_assert(in_flight(104));
	cr_assert(!in_flight(105));
	for (uint64_t id = 100; id < 110; id++) {
		if (id != 101)
			finish(id, BLKIF_RSP_OKAY);
		run();
	}
	cr_assert_eq(vh_ring.s.rsp_prod, 10, "everything on the ring answered in the end");
	cr_assert_eq(svc.max_inflight, 4);
}

Test(vbd_service, counts_what_xentop_shows)
{
	struct vbd_stats st = { 0 };
	struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, 50, 64, 2);

	vbd_service_fini(&svc);
	start_service(2);
	push_reads(3, 10);
	w.seg[0].gref = 5;
	w.seg[1].gref = 6;
	vh_push(&w, sizeof(w));
	run();
	finish(10, BLKIF_RSP_OKAY);
	finish(11, BLKIF_RSP_ERROR);
	run();
	finish(12, BLKIF_RSP_OKAY);
	run();
	finish(50, BLKIF_RSP_OKAY);
	run();
	vbd_stats_read(&svc, &st);
	cr_assert_eq(st.rd_req, 3, "failed ones too, as blkback counts");
	cr_assert_eq(st.rd_sect, 3 * 8);
	cr_assert_eq(st.wr_req, 1);
	cr_assert_eq(st.wr_sect, 16);
	cr_assert_geq(st.oo_req, 1, "two requests waited for the two slots");
	vbd_stats_read(&svc, &st);
	cr_assert_eq(st.rd_req, 6, "read adds to the sum");
}

Test(vbd_service, depth_is_capped_at_the_ring_size)
{
	vbd_service_fini(&svc);
	start_service(1000);
	cr_assert_eq(svc.depth, 32);
}

Test(vbd_service, refused_requests_are_answered_without_io)
{
	struct blkif_request_rw bad = vh_rw(BLKIF_OP_READ, 5, VH_DISK_SECTORS, 1);

	vh_push(&bad, sizeof(bad));
	cr_assert_eq(run(), 1);
	cr_assert_eq(fake.nstarted, 0);
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_ERROR);
}

Test(vbd_service, broken_ring_lets_io_finish_and_answers_nothing)
{
	push_reads(2, 1);
	run();
	vh_ring.s.req_prod += 1000;
	cr_assert_eq(run(), -1);
	finish(1, BLKIF_RSP_OKAY);
	finish(2, BLKIF_RSP_OKAY);
	cr_assert_eq(run(), 0, "broken once, reported once");
	cr_assert(vbd_service_idle(&svc));
	cr_assert_eq(vh_claimed, 0);
	cr_assert_eq(vh_ring.s.rsp_prod, 0);
}

Test(vbd_service, draining_takes_nothing_more)
{
	push_reads(1, 1);
	run();
	svc.draining = true;
	push_reads(1, 2);
	finish(1, BLKIF_RSP_OKAY);
	run();
	cr_assert_eq(vh_ring.s.rsp_prod, 1);
	cr_assert_eq(fake.nstarted, 0);
	cr_assert(vbd_service_idle(&svc));
}

Test(vbd_service, requests_added_during_io_are_taken_without_an_event)
{
	push_reads(1, 1);
	run();
	cr_assert_eq(vh_ring.s.req_event, 1, "no event asked for while a read runs");
	push_reads(1, 2);	/* the frontend sees no need to notify */
	finish(1, BLKIF_RSP_OKAY);
	run();
	cr_assert(in_flight(2), "taken when the first finished");
	finish(2, BLKIF_RSP_OKAY);
	run();
	cr_assert_eq(vh_ring.s.req_event, 3, "idle again: an event at the next request");
}

Test(vbd_service, event_asked_for_while_only_a_flush_runs)
{
	struct blkif_request_rw flush = { .operation = BLKIF_OP_FLUSH_DISKCACHE, .id = 8 };

	vh_push(&flush, sizeof(flush));
	run();
	cr_assert(in_flight(8));
	cr_assert_eq(vh_ring.s.req_event, 2, "a flush may take long: a read must not wait for it");
}
