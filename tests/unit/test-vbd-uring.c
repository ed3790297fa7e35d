/*
 * The block backend's I/O through io_uring: flushes come after the writes
 * before them, errors from the kernel reach the frontend as
 * BLKIF_RSP_ERROR, transfers past the image's end or over the kernel's
 * iovec limit, the O_DIRECT descriptor, and the kick eventfd read through
 * the same ring.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "tests/unit/vbd-harness.h"

static void teardown(void)
{
	vh_stop();
	vh_teardown();
}

TestSuite(vbd_uring, .init = vh_setup, .fini = teardown, .timeout = 20);

Test(vbd_uring, flush_is_answered_after_the_writes_before_it)
{
	struct blkif_request_rw flush = { .operation = BLKIF_OP_FLUSH_DISKCACHE, .id = 100 };
	uint8_t back[4096];

	vh_start(16);
	for (unsigned i = 0; i < 8; i++) {
		struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, i, i * 8, 1);

		w.seg[0].gref = i;
		memset(vh_pages[i], 0x10 + i, 4096);
		vh_push(&w, sizeof(w));
	}
	vh_push(&flush, sizeof(flush));
	vh_serve();
	cr_assert_eq(vh_ring.s.rsp_prod, 9);
	for (unsigned i = 0; i < 8; i++)
		cr_assert_eq(vh_rsp(i)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(vh_rsp(8)->id, 100, "the flush is answered last");
	cr_assert_eq(vh_rsp(8)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(vh_rsp(8)->operation, BLKIF_OP_FLUSH_DISKCACHE);
	cr_assert_eq(pread(vh_disk.fd, back, sizeof(back), 7 * 4096), 4096);
	cr_assert_eq(back[0], 0x17);
}

Test(vbd_uring, kernel_error_is_an_error_response)
{
	struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, 5, 0, 2);
	struct blkif_request_rw r = vh_rw(BLKIF_OP_READ, 6, 0, 2);
	int rdonly = vh_reopen(vh_disk.fd, O_RDONLY);

	/* The image refuses writes (EBADF) though the disk was offered writable. */
	cr_assert(rdonly >= 0);
	close(vh_disk.fd);
	vh_disk.fd = rdonly;
	vh_start(16);
	vh_push(&w, sizeof(w));
	vh_push(&r, sizeof(r));
	vh_serve();
	cr_assert_eq(vh_ring.s.rsp_prod, 2);
	cr_assert_eq(vh_rsp_for(5)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(vh_rsp_for(5)->operation, BLKIF_OP_WRITE);
	cr_assert_eq(vh_rsp_for(6)->status, BLKIF_RSP_OKAY);
}

Test(vbd_uring, reading_where_the_image_ended_is_an_error)
{
	struct blkif_request_rw gone = vh_rw(BLKIF_OP_READ, 1, 1500, 1);
	struct blkif_request_rw across = vh_rw(BLKIF_OP_READ, 2, 1020, 2);
	struct blkif_request_rw before = vh_rw(BLKIF_OP_READ, 3, 1000, 2);

	/* Shrunk under the backend: the size it offered is stale. */
	cr_assert(ftruncate(vh_disk.fd, 1024 * 512) == 0);
	vh_start(16);
	vh_push(&gone, sizeof(gone));
	vh_push(&across, sizeof(across));
	vh_push(&before, sizeof(before));
	vh_serve();
	cr_assert_eq(vh_ring.s.rsp_prod, 3);
	cr_assert_eq(vh_rsp_for(1)->status, BLKIF_RSP_ERROR);
	cr_assert_eq(vh_rsp_for(2)->status, BLKIF_RSP_ERROR, "a short read, then nothing");
	cr_assert_eq(vh_rsp_for(3)->status, BLKIF_RSP_OKAY);
}

Test(vbd_uring, a_full_ring_through_few_slots)
{
	uint8_t back[512];

	vh_start(4);
	for (unsigned i = 0; i < 32; i++) {
		struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, 1000 + i, i, 1);

		w.seg[0] = (struct blkif_segment){ .gref = i, .first_sect = 3, .last_sect = 3 };
		memset(vh_pages[i] + 3 * 512, i + 1, 512);
		vh_push(&w, sizeof(w));
	}
	vh_serve();
	cr_assert_eq(vh_ring.s.rsp_prod, 32);
	for (unsigned i = 0; i < 32; i++) {
		cr_assert_eq(vh_rsp_for(1000 + i)->status, BLKIF_RSP_OKAY);
		cr_assert_eq(pread(vh_disk.fd, back, 512, i * 512), 512);
		cr_assert_eq(back[511], i + 1);
	}
}

/* 2048 one-sector segments: more iovecs than one readv or writev takes. */
Test(vbd_uring, indirect_write_over_the_iovec_limit)
{
	struct blkif_request_indirect w = { .operation = BLKIF_OP_INDIRECT,
					    .indirect_op = BLKIF_OP_WRITE, .nr_segments = 2048,
					    .id = 9, .sector_number = 0 };
	static uint8_t back[2048 * 512];

	vh_disk.max_indirect = 2048;
	vh_start(4);
	for (unsigned p = 0; p < 32; p++)
		for (unsigned k = 0; k < 8; k++)
			memset(vh_pages[p] + k * 512, p * 8 + k, 512);
	for (unsigned i = 0; i < 2048; i++) {
		struct blkif_segment *list = (struct blkif_segment *)vh_pages[60 + i / 512];
		uint8_t sect = (uint8_t)((i / 32) % 8);

		list[i % 512] = (struct blkif_segment){ .gref = i % 32, .first_sect = sect,
							.last_sect = sect };
	}
	for (unsigned p = 0; p < 4; p++)
		w.indirect_grefs[p] = 60 + p;
	vh_push(&w, sizeof(w));
	vh_serve();
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(pread(vh_disk.fd, back, sizeof(back), 0), (ssize_t)sizeof(back));
	for (unsigned i = 0; i < 2048; i++)
		cr_assert_eq(back[i * 512 + 100], (uint8_t)((i % 32) * 8 + (i / 32) % 8),
			     "sector %u", i);
}

Test(vbd_uring, o_direct_descriptor_serves_requests)
{
	char path[] = "/tmp/vbd-direct-XXXXXX";
	int fd = mkstemp(path), dfd;
	struct blkif_request_rw w = vh_rw(BLKIF_OP_WRITE, 1, 8, 1);
	struct blkif_request_rw part = vh_rw(BLKIF_OP_WRITE, 2, 33, 1);
	uint8_t back[4096];

	cr_assert(fd >= 0);
	unlink(path);
	cr_assert(ftruncate(fd, VH_DISK_SECTORS * 512) == 0);
	dfd = vh_reopen(fd, O_RDWR | O_DIRECT);
	if (dfd < 0) {
		close(fd);
		cr_skip_test("this file system has no O_DIRECT");
	}
	close(vh_disk.fd);
	vh_disk.fd = fd, vh_disk.direct_fd = dfd, vh_disk.has_direct = true;
	vh_start(16);
	memset(vh_pages[0], 0x3c, 4096);
	/* One sector from the middle of a page: O_DIRECT may refuse it, then it goes buffered. */
	part.seg[0] = (struct blkif_segment){ .gref = 1, .first_sect = 5, .last_sect = 5 };
	memset(vh_pages[1] + 5 * 512, 0x4d, 512);
	vh_push(&w, sizeof(w));
	vh_push(&part, sizeof(part));
	vh_serve();
	cr_assert_eq(vh_rsp(0)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(vh_rsp(1)->status, BLKIF_RSP_OKAY);
	cr_assert_eq(pread(fd, back, sizeof(back), 8 * 512), 4096);
	cr_assert_eq(back[4095], 0x3c, "written through the O_DIRECT descriptor");
	cr_assert_eq(pread(fd, back, 512, 33 * 512), 512);
	cr_assert_eq(back[0], 0x4d);
	cr_assert_eq(back[511], 0x4d);
}

Test(vbd_uring, kick_eventfd_wakes_the_wait_each_time)
{
	struct vbd_req *done[4];
	int kick = eventfd(0, EFD_CLOEXEC);
	uint64_t one = 1;

	cr_assert(kick >= 0);
	cr_assert_eq(vbd_uring_init(&vh_io, &vh_disk, 4, kick), 0);
	for (int round = 0; round < 3; round++) {
		cr_assert_eq(write(kick, &one, sizeof(one)), sizeof(one));
		cr_assert_eq(vbd_uring_wait(&vh_io), 0);
		cr_assert_eq(vh_io.io.reap(&vh_io.io, done, 4), 0, "a kick finishes no request");
	}
	vbd_uring_fini(&vh_io);
	close(kick);
}

Test(vbd_uring, a_timed_wait_ends_with_etime_or_at_the_kick)
{
	struct vbd_req *done[4];
	int kick = eventfd(0, EFD_CLOEXEC);
	uint64_t one = 1;

	cr_assert(kick >= 0);
	cr_assert_eq(vbd_uring_init(&vh_io, &vh_disk, 4, kick), 0);
	cr_assert_eq(vbd_uring_wait_for(&vh_io, 2000), -ETIME, "nothing came in 2 ms");
	cr_assert_eq(write(kick, &one, sizeof(one)), sizeof(one));
	cr_assert_eq(vbd_uring_wait_for(&vh_io, 10000000), 0, "the kick ends a 10 s wait");
	cr_assert_eq(vh_io.io.reap(&vh_io.io, done, 4), 0);
	vbd_uring_fini(&vh_io);
	close(kick);
}
