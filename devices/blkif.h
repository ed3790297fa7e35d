/*
 * The PV block protocol (Xen's io/blkif.h, x86-64 layout): the shared ring
 * of requests and responses, and the xenbus states both ends step through.
 */
#ifndef XENKVM_BLKIF_H
#define XENKVM_BLKIF_H

#include <stddef.h>
#include <stdint.h>
#include "xen-abi/abi-core.h"

enum {
	BLKIF_OP_READ = 0,
	BLKIF_OP_WRITE = 1,
	BLKIF_OP_WRITE_BARRIER = 2,
	BLKIF_OP_FLUSH_DISKCACHE = 3,
	BLKIF_OP_DISCARD = 5,
	BLKIF_OP_INDIRECT = 6,
};

#define BLKIF_RSP_EOPNOTSUPP	(-2)
#define BLKIF_RSP_ERROR		(-1)
#define BLKIF_RSP_OKAY		0

#define BLKIF_MAX_SEGMENTS_PER_REQUEST	11
#define BLKIF_MAX_INDIRECT_PAGES	8
#define BLKIF_SEGS_PER_INDIRECT_PAGE	(XEN_PAGE_SIZE / 8)
#define BLKIF_SECTOR_SIZE		512
#define BLKIF_SECTORS_PER_PAGE		(XEN_PAGE_SIZE / BLKIF_SECTOR_SIZE)

/* The "info" node's bits. */
#define VDISK_CDROM	0x1
#define VDISK_REMOVABLE	0x2
#define VDISK_READONLY	0x4

struct blkif_segment {
	uint32_t gref;
	uint8_t first_sect, last_sect;	/* 512-byte sectors within the page, inclusive */
	uint16_t pad;
};
XEN_ABI_ASSERT_SIZE(struct blkif_segment, 8);

struct blkif_request_rw {
	uint8_t operation;
	uint8_t nr_segments;
	uint16_t handle;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	struct blkif_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
XEN_ABI_ASSERT_SIZE(struct blkif_request_rw, 112);

struct blkif_request_discard {
	uint8_t operation;
	uint8_t flag;		/* BLKIF_DISCARD_SECURE */
	uint16_t handle;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	uint64_t nr_sectors;
};
XEN_ABI_ASSERT_SIZE(struct blkif_request_discard, 32);

struct blkif_request_indirect {
	uint8_t operation;
	uint8_t indirect_op;
	uint16_t nr_segments;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	uint16_t handle;
	uint16_t pad2;
	uint32_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES];
	uint32_t pad3;
};
XEN_ABI_ASSERT_SIZE(struct blkif_request_indirect, 64);
_Static_assert(offsetof(struct blkif_request_indirect, indirect_grefs) == 28, "indirect grefs");

union blkif_request {
	uint8_t operation;
	struct blkif_request_rw rw;
	struct blkif_request_discard discard;
	struct blkif_request_indirect indirect;
};

struct blkif_response {
	uint64_t id;
	uint8_t operation;
	uint8_t pad;
	int16_t status;
	uint32_t pad2;
};
XEN_ABI_ASSERT_SIZE(struct blkif_response, 16);

union blkif_ring_entry {
	union blkif_request req;
	struct blkif_response rsp;
};
XEN_ABI_ASSERT_SIZE(union blkif_ring_entry, 112);

/* io/ring.h's shared ring header; entries follow at offset 64. */
struct blkif_sring {
	uint32_t req_prod, req_event;
	uint32_t rsp_prod, rsp_event;
	uint8_t pad[48];
	union blkif_ring_entry ring[];
};
_Static_assert(offsetof(struct blkif_sring, ring) == 64, "ring entries at 64");

/* Entries in a ring of 'bytes': the largest power of two that fits. */
static inline unsigned blkif_ring_size(size_t bytes)
{
	size_t n = (bytes - offsetof(struct blkif_sring, ring)) / sizeof(union blkif_ring_entry);
	unsigned p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

#endif
