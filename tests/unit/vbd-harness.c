#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/unit/vbd-harness.h"

uint8_t vh_pages[VH_NPAGES][4096] __attribute__((aligned(4096)));
bool vh_page_readonly[VH_NPAGES];
int vh_claimed;
union vh_ring_page vh_ring __attribute__((aligned(4096)));
struct vbd_disk vh_disk;

static void *get(void *arg, uint32_t gref, bool writable)
{
	(void)arg;
	if (gref >= VH_NPAGES || (writable && vh_page_readonly[gref]))
		return NULL;
	__atomic_add_fetch(&vh_claimed, 1, __ATOMIC_RELAXED);
	return vh_pages[gref];
}

static void put(void *arg, uint32_t gref, bool writable)
{
	(void)arg, (void)gref, (void)writable;
	__atomic_sub_fetch(&vh_claimed, 1, __ATOMIC_RELAXED);
}

const struct dev_grants vh_grants = { get, put, NULL };

void vh_setup(void)
{
	memset(vh_pages, 0, sizeof(vh_pages));
	memset(vh_page_readonly, 0, sizeof(vh_page_readonly));
	memset(&vh_ring, 0, sizeof(vh_ring));
	vh_ring.s.req_event = vh_ring.s.rsp_event = 1;	/* as the frontend sets up */
	vh_claimed = 0;
	vh_disk = (struct vbd_disk){ .fd = memfd_create("vbd-test", 0), .direct_fd = -1,
				     .sectors = VH_DISK_SECTORS, .discard = true,
				     .max_indirect = 256 };
	cr_assert(vh_disk.fd >= 0);
	cr_assert(ftruncate(vh_disk.fd, VH_DISK_SECTORS * 512) == 0);
}

void vh_teardown(void)
{
	close(vh_disk.fd);
	if (vh_disk.has_direct)
		close(vh_disk.direct_fd);
	cr_assert_eq(vh_claimed, 0, "grants left claimed: %d", vh_claimed);
}

void vh_push(const void *req, size_t len)
{
	memcpy(&vh_ring.s.ring[vh_ring.s.req_prod % 32], req, len);
	vh_ring.s.req_prod++;
}

struct blkif_response *vh_rsp(unsigned i)
{
	return &vh_ring.s.ring[i % 32].rsp;
}

struct blkif_response *vh_rsp_for(uint64_t id)
{
	for (uint32_t i = 0; i < vh_ring.s.rsp_prod; i++)
		if (vh_rsp(i)->id == id)
			return vh_rsp(i);
	cr_assert_fail("no response to request %llu", (unsigned long long)id);
	return NULL;
}

struct blkif_request_rw vh_rw(uint8_t op, uint64_t id, uint64_t sector, unsigned nseg)
{
	struct blkif_request_rw r = { .operation = op, .nr_segments = (uint8_t)nseg, .id = id,
				      .sector_number = sector };

	for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
		r.seg[i] = (struct blkif_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
	return r;
}

int vh_reopen(int fd, int flags)
{
	char self[64];

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	return open(self, flags);
}

struct vbd_uring vh_io;
struct vbd_service vh_svc;
static bool started;

void vh_start(unsigned depth)
{
	started = true;
	cr_assert_eq(vbd_uring_init(&vh_io, &vh_disk, depth, -1), 0);
	cr_assert_eq(vbd_service_init(&vh_svc, &vh_ring, sizeof(vh_ring), &vh_disk, &vh_grants,
				      &vh_io.io, depth), 0);
}

void vh_stop(void)
{
	if (!started)
		return;
	started = false;
	cr_assert(vbd_service_idle(&vh_svc), "requests left in flight");
	vbd_service_fini(&vh_svc);
	vbd_uring_fini(&vh_io);
}

int vh_serve_err(char *err, size_t errlen)
{
	int notify = 0;

	for (;;) {
		int rc = vbd_service_run(&vh_svc, err, errlen);

		if (rc < 0)
			return -1;
		notify |= rc;
		if (vbd_service_idle(&vh_svc))
			return vh_svc.ring.broken ? -1 : notify;
		cr_assert_eq(vbd_uring_wait(&vh_io), 0);
	}
}

int vh_serve(void)
{
	char err[160];

	return vh_serve_err(err, sizeof(err));
}
