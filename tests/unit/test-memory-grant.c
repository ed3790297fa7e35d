#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/abi-memory.h"
#include "xen-abi/grant-table.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(1); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(memory_op, .init = setup, .fini = teardown);
TestSuite(grant_table, .init = setup, .fini = teardown);

#define ARG 0x1000

static long add_to_physmap(uint32_t space, uint64_t idx, uint64_t gpfn)
{
	struct xen_add_to_physmap64 a = { XEN_DOMID_SELF, 0, space, idx, gpfn };

	memcpy(fake_gva(fd, ARG), &a, sizeof(a));
	return fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_add_to_physmap, ARG, 0);
}

Test(memory_op, shared_info_moves_when_remapped)
{
	cr_assert_eq(add_to_physmap(XENMAPSPACE_shared_info, 0, 0x100), 0);
	cr_assert_eq(gmem_ptr(&fd->d.mem, 0x100000), fd->d.shared_info);
	cr_assert_eq(fd->p.memory_changes, 1);
	cr_assert_eq(add_to_physmap(XENMAPSPACE_shared_info, 0, 0x200), 0);
	cr_assert_eq(gmem_ptr(&fd->d.mem, 0x200000), fd->d.shared_info);
	cr_assert_eq(gmem_ptr(&fd->d.mem, 0x100000), fd->ram + 0x100000, "old frame is RAM again");
	cr_assert_eq(fd->d.shared_info_gfn, 0x200);
}

Test(memory_op, compat_struct_and_layout_latch)
{
	struct xen_add_to_physmap32 a = { XEN_DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, 0x150 };

	fd->d.vcpu[0].compat = true;
	memcpy(fake_gva(fd, ARG), &a, sizeof(a));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_add_to_physmap, ARG, 0), 0);
	cr_assert_eq(gmem_ptr(&fd->d.mem, 0x150000), fd->d.shared_info);
	cr_assert(fd->d.shinfo32);
	cr_assert_neq(((struct xen_shared_info32 *)fd->d.shared_info)->wc_sec, 0,
		      "wallclock rewritten in the 32-bit layout");
}

Test(memory_op, grant_frames_and_bad_arguments)
{
	cr_assert_eq(add_to_physmap(XENMAPSPACE_grant_table, 3, 0x300), 0);
	cr_assert_eq(fd->d.grant.nr_frames, 4);
	cr_assert_eq(gmem_ptr(&fd->d.mem, 0x300000), xk_grant_frame(&fd->d, 3));
	cr_assert_eq(add_to_physmap(XENMAPSPACE_grant_table, 64, 0x301), -XEN_EINVAL);
	cr_assert_eq(add_to_physmap(XENMAPSPACE_grant_table, 0x80000000u, 0x301), -XEN_EINVAL);
	cr_assert_eq(add_to_physmap(XENMAPSPACE_shared_info, 1, 0x301), -XEN_EINVAL);
	cr_assert_eq(add_to_physmap(XENMAPSPACE_gmfn, 1, 0x301), -XEN_EOPNOTSUPP);
	cr_assert_eq(add_to_physmap(XENMAPSPACE_shared_info, 0, 1ull << 50), -XEN_EINVAL);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_add_to_physmap,
				    FAKE_RAM_SIZE, 0), -XEN_EFAULT);
}

Test(memory_op, memory_map_truncates_and_reservations)
{
	struct xen_memory_map64 m = { 8, 0, 0x2000 };
	struct xen_e820_entry *e = fake_gva(fd, 0x2000);
	uint16_t dom = XEN_DOMID_SELF;

	memcpy(fake_gva(fd, ARG), &m, sizeof(m));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_memory_map, ARG, 0), 0);
	cr_assert_eq(*(uint32_t *)fake_gva(fd, ARG), 1);
	cr_assert_eq(e[0].size, FAKE_RAM_SIZE);
	cr_assert_eq(e[0].type, 1);
	memcpy(fake_gva(fd, 0x3000), &dom, 2);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_current_reservation,
				    0x3000, 0), FAKE_RAM_SIZE / 4096);
	dom = 3;
	memcpy(fake_gva(fd, 0x3000), &dom, 2);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_maximum_reservation,
				    0x3000, 0), -XEN_ESRCH);
}

/* Grant tests: the table's frame 0 is host memory; entries point at RAM frames. */
static struct grant_entry_v1 *entry(uint32_t ref)
{
	return (struct grant_entry_v1 *)xk_grant_frame(&fd->d, 0) + ref;
}

static int16_t copy(uint64_t src, uint64_t dst, uint16_t flags, uint16_t soff, uint16_t len)
{
	struct gnttab_copy64 c = { { src, XEN_DOMID_SELF, soff, 0 },
				   { dst, XEN_DOMID_SELF, 0, 0 }, len, flags, 99, 0 };

	memcpy(fake_gva(fd, ARG), &c, sizeof(c));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_copy, ARG, 1), 0);
	return ((struct gnttab_copy64 *)fake_gva(fd, ARG))->status;
}

Test(grant_table, copy_honours_the_flag_protocol)
{
	uint8_t *src = fake_gva(fd, 0x5000), *dst = fake_gva(fd, 0x6000);

	memset(src, 0xab, 64);
	*entry(1) = (struct grant_entry_v1){ GTF_permit_access, 1, 5 };
	*entry(2) = (struct grant_entry_v1){ GTF_permit_access | GTF_readonly, 1, 6 };
	*entry(3) = (struct grant_entry_v1){ GTF_permit_access, 2, 5 };
	cr_assert_eq(copy(1, 6, GNTCOPY_source_gref, 0, 64), GNTST_okay);
	cr_assert_eq(dst[63], 0xab);
	cr_assert_eq(entry(1)->flags, GTF_permit_access, "reading bit released");
	cr_assert_eq(copy(5, 2, GNTCOPY_dest_gref, 0, 8), GNTST_bad_gntref);
	cr_assert_eq(copy(3, 6, GNTCOPY_source_gref, 0, 8), GNTST_bad_gntref);
	cr_assert_eq(copy(4, 6, GNTCOPY_source_gref, 0, 8), GNTST_bad_gntref);
	cr_assert_eq(copy(600, 6, GNTCOPY_source_gref, 0, 8), GNTST_bad_gntref);
	cr_assert_eq(copy(1, 6, GNTCOPY_source_gref, 4000, 200), GNTST_bad_copy_arg);
	cr_assert_eq(copy(0x99999, 6, 0, 0, 8), GNTST_bad_page);
}

Test(grant_table, backend_lookup)
{
	*entry(7) = (struct grant_entry_v1){ GTF_permit_access | GTF_readonly, 0, 9 };
	cr_assert_null(xk_grant_get_page(&fd->d, 7, 0, true), "read-only grant mapped writable");
	cr_assert_eq(xk_grant_get_page(&fd->d, 7, 0, false), fd->ram + 0x9000);
	cr_assert(entry(7)->flags & GTF_reading);
	xk_grant_put_page(&fd->d, 7, false);
	cr_assert_eq(entry(7)->flags & GTF_reading, 0);
	cr_assert_null(xk_grant_get_page(&fd->d, 7, 5, false), "granted to dom0, not dom5");
}

Test(grant_table, setup_query_and_versions)
{
	struct gnttab_setup_table64 st = { XEN_DOMID_SELF, 0, 2, 99, { 0 }, 0x2000 };
	struct gnttab_query_size q = { XEN_DOMID_SELF, 0, 0, 0, 99, 0 };
	uint64_t *frames = fake_gva(fd, 0x2000);
	uint32_t ver = 2;

	memcpy(fake_gva(fd, ARG), &st, sizeof(st));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_setup_table, ARG, 1), 0);
	cr_assert_eq(((struct gnttab_setup_table64 *)fake_gva(fd, ARG))->status, GNTST_okay);
	cr_assert_eq(frames[0], ~0ull, "unmapped frame reads as invalid gfn");
	memcpy(fake_gva(fd, ARG), &q, sizeof(q));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_query_size, ARG, 1), 0);
	q = *(struct gnttab_query_size *)fake_gva(fd, ARG);
	cr_assert_eq(q.nr_frames, 2);
	cr_assert_eq(q.max_nr_frames, 64);
	memcpy(fake_gva(fd, ARG), &ver, 4);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_set_version, ARG, 1),
		     -XEN_ENOSYS);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_copy, ARG, 100000),
		     -XEN_EINVAL);
	memset(fake_gva(fd, ARG), 0, sizeof(struct gnttab_map_grant_ref));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_map_grant_ref, ARG, 1),
		     0);
	cr_assert_eq(((struct gnttab_map_grant_ref *)fake_gva(fd, ARG))->status,
		     GNTST_general_error, "no GNTMAP_host_map");
}
