/*
 * libFuzzer target: a frontend writes anything into the shared ring and the
 * pages it grants; the backend's ring service must answer or stop, never
 * read or write outside what was granted, and release every grant it took.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "devices/vbd-ring.h"

#define NPAGES 16

static uint8_t pages[NPAGES][4096] __attribute__((aligned(4096)));
static uint8_t ring_page[4096] __attribute__((aligned(4096)));
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	const struct dev_grants g = { get, put, NULL };
	struct vbd_disk disk;
	struct vbd_ring r;
	char err[160];
	size_t n;

	if (fd < 0) {
		fd = memfd_create("fuzz-vbd", 0);
		if (fd < 0 || ftruncate(fd, 64 * 1024))
			abort();
	}
	memset(ring_page, 0, sizeof(ring_page));
	memset(pages, 0, sizeof(pages));
	n = size < sizeof(ring_page) ? size : sizeof(ring_page);
	memcpy(ring_page, data, n);
	if (size > n)
		memcpy(pages, data + n, size - n < sizeof(pages) ? size - n : sizeof(pages));
	disk = (struct vbd_disk){ .fd = fd, .sectors = 128, .readonly = size & 1,
				  .discard = true, .max_indirect = 256 };
	vbd_ring_init(&r, ring_page, sizeof(ring_page));
	/* The producer index is the frontend's: cap it so one input ends. */
	((struct blkif_sring *)ring_page)->req_prod %= 64;
	vbd_ring_service(&r, &disk, &g, err, sizeof(err));
	if (claimed)
		abort();
	return 0;
}
