/* Grant table v1: ops, flags, status codes and structures (64/32-bit). */
#ifndef XENKVM_ABI_GRANT_H
#define XENKVM_ABI_GRANT_H

#include "xen-abi/abi-core.h"

enum {
	GNTTABOP_map_grant_ref = 0,
	GNTTABOP_unmap_grant_ref = 1,
	GNTTABOP_setup_table = 2,
	GNTTABOP_dump_table = 3,
	GNTTABOP_transfer = 4,
	GNTTABOP_copy = 5,
	GNTTABOP_query_size = 6,
	GNTTABOP_set_version = 8,
	GNTTABOP_get_status_frames = 9,
	GNTTABOP_get_version = 10,
};

#define GTF_invalid		0u
#define GTF_permit_access	1u
#define GTF_accept_transfer	2u
#define GTF_transitive		3u
#define GTF_type_mask		3u
#define GTF_readonly		(1u << 2)
#define GTF_reading		(1u << 3)
#define GTF_writing		(1u << 4)
#define GTF_sub_page		(1u << 8)

#define GNTMAP_device_map	(1u << 0)
#define GNTMAP_host_map		(1u << 1)
#define GNTMAP_readonly		(1u << 2)
#define GNTMAP_application_map	(1u << 3)
#define GNTMAP_contains_pte	(1u << 4)

#define GNTCOPY_source_gref	(1u << 0)
#define GNTCOPY_dest_gref	(1u << 1)

enum {
	GNTST_okay = 0,
	GNTST_general_error = -1,
	GNTST_bad_domain = -2,
	GNTST_bad_gntref = -3,
	GNTST_bad_handle = -4,
	GNTST_bad_virt_addr = -5,
	GNTST_bad_dev_addr = -6,
	GNTST_no_device_space = -7,
	GNTST_permission_denied = -8,
	GNTST_bad_page = -9,
	GNTST_bad_copy_arg = -10,
};

struct grant_entry_v1 {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};
XEN_ABI_ASSERT_SIZE(struct grant_entry_v1, 8);
#define GRANT_ENTRIES_PER_FRAME (XEN_PAGE_SIZE / sizeof(struct grant_entry_v1))

/* Same layout for 32- and 64-bit callers: every field has a fixed size. */
struct gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;
	uint32_t ref;
	uint16_t dom;
	int16_t status;
	uint32_t handle;
	uint64_t dev_bus_addr;
};
XEN_ABI_ASSERT_SIZE(struct gnttab_map_grant_ref, 32);
XEN_ABI_ASSERT_OFF(struct gnttab_map_grant_ref, status, 18);
XEN_ABI_ASSERT_OFF(struct gnttab_map_grant_ref, handle, 20);

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	uint32_t handle;
	int16_t status;
	uint16_t pad;
};
XEN_ABI_ASSERT_SIZE(struct gnttab_unmap_grant_ref, 24);
XEN_ABI_ASSERT_OFF(struct gnttab_unmap_grant_ref, status, 20);

struct gnttab_setup_table64 {
	uint16_t dom;
	uint16_t pad;
	uint32_t nr_frames;
	int16_t status;
	uint16_t pad2[3];
	uint64_t frame_list;
};
XEN_ABI_ASSERT_SIZE(struct gnttab_setup_table64, 24);

struct gnttab_setup_table32 {
	uint16_t dom;
	uint16_t pad;
	uint32_t nr_frames;
	int16_t status;
	uint16_t pad2;
	uint32_t frame_list;
};
XEN_ABI_ASSERT_SIZE(struct gnttab_setup_table32, 16);

struct gnttab_query_size {
	uint16_t dom;
	uint16_t pad;
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	int16_t status;
	uint16_t pad2;
};
XEN_ABI_ASSERT_SIZE(struct gnttab_query_size, 16);

struct gnttab_get_version {
	uint16_t dom;
	uint16_t pad;
	uint32_t version;
};

/* One side of a copy: a grant reference or a frame number. */
struct gnttab_copy_ptr64 {
	uint64_t ref_or_gmfn;
	uint16_t domid;
	uint16_t offset;
	uint32_t pad;
};
struct gnttab_copy64 {
	struct gnttab_copy_ptr64 source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
	uint16_t pad;
};
XEN_ABI_ASSERT_SIZE(struct gnttab_copy64, 40);
XEN_ABI_ASSERT_OFF(struct gnttab_copy64, status, 36);

struct gnttab_copy_ptr32 {
	uint32_t ref_or_gmfn;
	uint16_t domid;
	uint16_t offset;
};
struct gnttab_copy32 {
	struct gnttab_copy_ptr32 source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
	uint16_t pad;
};
XEN_ABI_ASSERT_SIZE(struct gnttab_copy32, 24);
XEN_ABI_ASSERT_OFF(struct gnttab_copy32, status, 20);

#endif
