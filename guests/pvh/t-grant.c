/* Grant tables v1: setup, size, version, and copies honouring the entry flags. */
#include "guest.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/abi-memory.h"

#ifdef __x86_64__
typedef struct gnttab_setup_table64 setup_t;
typedef struct xen_add_to_physmap64 atp_t;
#else
typedef struct gnttab_setup_table32 setup_t;
typedef struct xen_add_to_physmap32 atp_t;
#endif

static struct grant_entry_v1 *table;
static uint16_t self_id;

/* A domain may map what it granted itself; the page shows up at host_addr. */
static void map_own_grant(const uint8_t *src)
{
	uint8_t *at = SCRATCH_PAGE(13);
	struct gnttab_map_grant_ref m = { .host_addr = (ulong)at, .flags = GNTMAP_host_map,
					  .ref = 10, .dom = XEN_DOMID_SELF };
	struct gnttab_unmap_grant_ref u = { .host_addr = (ulong)at };

	memset(at, 0xd4, 4096);
	hypercall3(XEN_HC_grant_table_op, GNTTABOP_map_grant_ref, (ulong)&m, 1);
	check("grant.map_own", m.status == GNTST_okay && at[0] == src[0] && at[63] == src[63],
	      "status %d byte %#x", m.status, at[0]);
	check("grant.map_marks_in_use", table[10].flags & GTF_writing, "flags %#x",
	      table[10].flags);
	u.handle = m.handle;
	hypercall3(XEN_HC_grant_table_op, GNTTABOP_unmap_grant_ref, (ulong)&u, 1);
	check("grant.unmap_own", u.status == GNTST_okay && at[0] == 0xd4 &&
	      !(table[10].flags & GTF_writing), "status %d byte %#x", u.status, at[0]);
	hypercall3(XEN_HC_grant_table_op, GNTTABOP_unmap_grant_ref, (ulong)&u, 1);
	check_rc("grant.unmap_twice", u.status, GNTST_bad_handle);
}

GUEST_TEST(test_grant)
{
	atp_t a = { .domid = XEN_DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		    .gpfn = PFN(SCRATCH_PAGE(14)) };
	struct gnttab_query_size q = { .dom = XEN_DOMID_SELF };
	setup_t st;
	ulong frames[2] = { 0, 0 };
	uint32_t ver = 1, r[4];
	uint8_t *src = SCRATCH_PAGE(11), *dst = SCRATCH_PAGE(12);

	cpuid(guest_xen_cpuid_base() + 4, 0, r);
	self_id = (uint16_t)r[2];
	check_rc("grant.map_frame0", hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (ulong)&a), 0);
	table = SCRATCH_PAGE(14);

	memset(&st, 0, sizeof(st));
	st.dom = XEN_DOMID_SELF;
	st.nr_frames = 1;
	st.frame_list = (ulong)frames;
	check_rc("grant.setup_table", hypercall3(XEN_HC_grant_table_op, GNTTABOP_setup_table,
						  (ulong)&st, 1), 0);
	check("grant.setup_table_gfn", st.status == 0 && frames[0] == PFN(table),
	      "status %d frame %lx", st.status, frames[0]);
	st.nr_frames = 65;
	hypercall3(XEN_HC_grant_table_op, GNTTABOP_setup_table, (ulong)&st, 1);
	check("grant.setup_table_too_many", st.status == GNTST_general_error, "status %d", st.status);
	check_rc("grant.query_size", hypercall3(XEN_HC_grant_table_op, GNTTABOP_query_size,
						 (ulong)&q, 1), 0);
	check("grant.query_size_values", q.status == 0 && q.nr_frames >= 1 && q.max_nr_frames == 64,
	      "status %d nr %u max %u", q.status, q.nr_frames, q.max_nr_frames);
	check_rc("grant.set_version_1", hypercall3(XEN_HC_grant_table_op, GNTTABOP_set_version,
						    (ulong)&ver, 1), 0);
	ver = 2;
	check_rc("grant.set_version_2", hypercall3(XEN_HC_grant_table_op, GNTTABOP_set_version,
						    (ulong)&ver, 1), -XEN_ENOSYS);
	ver = 3;
	check_rc("grant.set_version_3", hypercall3(XEN_HC_grant_table_op, GNTTABOP_set_version,
						    (ulong)&ver, 1), -XEN_EINVAL);

	for (int i = 0; i < 64; i++)
		src[i] = (uint8_t)(i * 7 + 1), dst[i] = 0;
	table[10] = (struct grant_entry_v1){ GTF_permit_access, self_id, (uint32_t)PFN(src) };
	table[11] = (struct grant_entry_v1){ GTF_permit_access | GTF_readonly, self_id,
					     (uint32_t)PFN(dst) };
	table[12] = (struct grant_entry_v1){ 0, self_id, (uint32_t)PFN(src) };
	table[13] = (struct grant_entry_v1){ GTF_permit_access, (uint16_t)(self_id + 5),
					     (uint32_t)PFN(src) };
	check_rc("grant.copy_gref_to_frame",
		 grant_copy(10, 0, PFN(dst), 0, 64, GNTCOPY_source_gref, XEN_DOMID_SELF),
		 GNTST_okay);
	check("grant.copy_data", !memcmp(src, dst, 64), "bytes differ");
	check("grant.flags_released", table[10].flags == GTF_permit_access, "flags %x",
	      table[10].flags);
	check_rc("grant.copy_into_readonly",
		 grant_copy(PFN(src), 0, 11, 0, 8, GNTCOPY_dest_gref, XEN_DOMID_SELF),
		 GNTST_bad_gntref);
	check_rc("grant.copy_no_permit",
		 grant_copy(12, 0, PFN(dst), 0, 8, GNTCOPY_source_gref, XEN_DOMID_SELF),
		 GNTST_bad_gntref);
	check_rc("grant.copy_wrong_domid",
		 grant_copy(13, 0, PFN(dst), 0, 8, GNTCOPY_source_gref, XEN_DOMID_SELF),
		 GNTST_bad_gntref);
	check_rc("grant.copy_bad_gref",
		 grant_copy(100000, 0, PFN(dst), 0, 8, GNTCOPY_source_gref, XEN_DOMID_SELF),
		 GNTST_bad_gntref);
	check_rc("grant.copy_crosses_page",
		 grant_copy(10, 4090, PFN(dst), 0, 64, GNTCOPY_source_gref, XEN_DOMID_SELF),
		 GNTST_bad_copy_arg);
	check_rc("grant.copy_other_domain",
		 grant_copy(10, 0, PFN(dst), 0, 8, GNTCOPY_source_gref, 4321),
		 GNTST_bad_domain);
	check_rc("grant.copy_frame_outside_ram",
		 grant_copy(0xfffff, 0, PFN(dst), 0, 8, 0, XEN_DOMID_SELF),
		 GNTST_bad_page);
	check_rc("grant.setup_count_2", hypercall3(XEN_HC_grant_table_op, GNTTABOP_setup_table,
						    (ulong)&st, 2), -XEN_EINVAL);
	check_rc("grant.huge_count", hypercall3(XEN_HC_grant_table_op, GNTTABOP_copy, 0,
						 1000000), -XEN_EINVAL);
	check_rc("grant.copy_bad_pointer", hypercall3(XEN_HC_grant_table_op, GNTTABOP_copy,
						       0xfffff000ul, 1), -XEN_EFAULT);
	check_rc("grant.map_bad_pointer", hypercall3(XEN_HC_grant_table_op, GNTTABOP_map_grant_ref,
						      0xfffff000ul, 1), -XEN_EFAULT);
	map_own_grant(src);
}
