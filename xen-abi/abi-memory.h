/* memory_op sub-ops and structures (64-bit and 32-bit layouts). */
#ifndef XENKVM_ABI_MEMORY_H
#define XENKVM_ABI_MEMORY_H

#include "xen-abi/abi-core.h"

enum {
	XENMEM_increase_reservation = 0,
	XENMEM_decrease_reservation = 1,
	XENMEM_maximum_ram_page = 2,
	XENMEM_current_reservation = 3,
	XENMEM_maximum_reservation = 4,
	XENMEM_populate_physmap = 6,
	XENMEM_add_to_physmap = 7,
	XENMEM_memory_map = 9,
	XENMEM_maximum_gpfn = 14,
	XENMEM_add_to_physmap_batch = 23,
};

enum {
	XENMAPSPACE_shared_info = 0,
	XENMAPSPACE_grant_table = 1,
	XENMAPSPACE_gmfn = 2,
	XENMAPSPACE_gmfn_range = 3,
	XENMAPSPACE_gmfn_foreign = 4,
	XENMAPSPACE_dev_mmio = 5,
};
#define XENMAPIDX_grant_table_status 0x80000000u

/* memory_op's first argument: the command, and above it where to resume. */
#define XENMEM_CMD_MASK 0x3fu
#define XENMEM_EXTENT_SHIFT 6

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits_mask 0xffu
#define XENMEMF_node_mask 0xff00u
#define XENMEMF_populate_on_demand (1u << 16)
#define XENMEMF_exact_node_request (1u << 17)
#define XENMEMF_vnode (1u << 18)

/*
 * increase_reservation, decrease_reservation and populate_physmap: a list
 * of extents (frame numbers, 2^extent_order pages each) in guest memory.
 */
struct xen_memory_reservation64 {
	uint64_t extent_start;	/* guest handle of a uint64_t list */
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	uint16_t domid;
	uint8_t pad[6];
};
XEN_ABI_ASSERT_SIZE(struct xen_memory_reservation64, 32);
XEN_ABI_ASSERT_OFF(struct xen_memory_reservation64, extent_order, 16);
XEN_ABI_ASSERT_OFF(struct xen_memory_reservation64, domid, 24);

struct xen_memory_reservation32 {
	uint32_t extent_start;	/* guest handle of a uint32_t list */
	uint32_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	uint16_t domid;
	uint8_t pad[2];
};
XEN_ABI_ASSERT_SIZE(struct xen_memory_reservation32, 20);
XEN_ABI_ASSERT_OFF(struct xen_memory_reservation32, domid, 16);

struct xen_add_to_physmap64 {
	uint16_t domid;
	uint16_t size;
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};
XEN_ABI_ASSERT_SIZE(struct xen_add_to_physmap64, 24);

struct xen_add_to_physmap32 {
	uint16_t domid;
	uint16_t size;
	uint32_t space;
	uint32_t idx;
	uint32_t gpfn;
};
XEN_ABI_ASSERT_SIZE(struct xen_add_to_physmap32, 16);

struct xen_memory_map64 {
	uint32_t nr_entries;
	uint32_t pad;
	uint64_t buffer;
};
XEN_ABI_ASSERT_SIZE(struct xen_memory_map64, 16);

struct xen_memory_map32 {
	uint32_t nr_entries;
	uint32_t buffer;
};
XEN_ABI_ASSERT_SIZE(struct xen_memory_map32, 8);

/* The guest sees packed 20-byte E820 entries. */
struct __attribute__((packed)) xen_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};
XEN_ABI_ASSERT_SIZE(struct xen_e820_entry, 20);

#endif
