/* XENVER_* sub-ops of the xen_version hypercall. */
#ifndef XENKVM_ABI_VERSION_H
#define XENKVM_ABI_VERSION_H

#include "xen-abi/abi-core.h"

enum {
	XENVER_version = 0,
	XENVER_extraversion = 1,	/* char[16] */
	XENVER_compile_info = 2,
	XENVER_capabilities = 3,	/* char[1024] */
	XENVER_changeset = 4,		/* char[64] */
	XENVER_platform_parameters = 5,	/* { xen_ulong_t virt_start; } */
	XENVER_get_features = 6,
	XENVER_pagesize = 7,
	XENVER_guest_handle = 8,	/* uint8_t[16] */
	XENVER_commandline = 9,		/* char[1024] */
	XENVER_build_id = 10,
};

#define XEN_VERSION_MAJOR 4
#define XEN_VERSION_MINOR 17
#define XEN_EXTRAVERSION_LEN 16
#define XEN_CAPABILITIES_LEN 1024
#define XEN_CHANGESET_LEN 64
#define XEN_COMMANDLINE_LEN 1024

struct xen_feature_info {
	uint32_t submap_idx;
	uint32_t submap;
};
XEN_ABI_ASSERT_SIZE(struct xen_feature_info, 8);

struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
XEN_ABI_ASSERT_SIZE(struct xen_compile_info, 144);

/* Feature bits in submap 0. */
enum {
	XENFEAT_writable_page_tables = 0,
	XENFEAT_writable_descriptor_tables = 1,
	XENFEAT_auto_translated_physmap = 2,
	XENFEAT_supervisor_mode_kernel = 3,
	XENFEAT_pae_pgdir_above_4gb = 4,
	XENFEAT_mmu_pt_update_preserve_ad = 5,
	XENFEAT_highmem_assist = 6,
	XENFEAT_gnttab_map_avail_bits = 7,
	XENFEAT_hvm_callback_vector = 8,
	XENFEAT_hvm_safe_pvclock = 9,
	XENFEAT_hvm_pirqs = 10,
	XENFEAT_dom0 = 11,
	XENFEAT_grant_map_identity = 12,
	XENFEAT_memory_op_vnode_supported = 13,
	XENFEAT_linux_rsdp_unrestricted = 15,
	XENFEAT_not_direct_mapped = 16,
	XENFEAT_direct_mapped = 17,
	XENFEAT_runstate_phys_area = 18,
	XENFEAT_vcpu_time_phys_area = 19,
};

/* HVM guests see the hypervisor hole end at 0 (no hole is reserved). */
#define XEN_HVM_VIRT_START 0ull
#define XEN_PV64_VIRT_START 0xffff800000000000ull

#endif
