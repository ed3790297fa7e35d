/* GNTTABOP_map_grant_ref / unmap_grant_ref and copies from another domain's grants. */
#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/grant-table.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(1); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(grant_map, .init = setup, .fini = teardown);

#define ARG 0x1000
#define AT  0x200000ull	/* where the guest maps grants */

static struct gnttab_map_grant_ref map(uint64_t host_addr, uint32_t flags, uint32_t ref,
				       uint16_t dom)
{
	struct gnttab_map_grant_ref m = { .host_addr = host_addr, .flags = flags, .ref = ref,
					  .dom = dom };

	memcpy(fake_gva(fd, ARG), &m, sizeof(m));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_map_grant_ref, ARG, 1),
		     0);
	return *(struct gnttab_map_grant_ref *)fake_gva(fd, ARG);
}

static int16_t unmap(uint64_t host_addr, uint32_t handle)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = host_addr, .handle = handle };

	memcpy(fake_gva(fd, ARG), &u, sizeof(u));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_unmap_grant_ref, ARG,
				    1), 0);
	return ((struct gnttab_unmap_grant_ref *)fake_gva(fd, ARG))->status;
}

Test(grant_map, foreign_page_lies_over_the_physmap_until_unmapped)
{
	struct gnttab_map_grant_ref m;
	uint8_t b = 0;

	memset(fd->p.foreign_ram + 4096, 0x5a, 4096);
	m = map(AT, GNTMAP_host_map, 1, 7);
	cr_assert_eq(m.status, GNTST_okay);
	cr_assert_eq(fd->p.foreign_held, 1);
	cr_assert_eq(fd->p.memory_changes, 1, "KVM's slots follow");
	cr_assert_eq(gmem_read(&fd->d.mem, AT + 10, &b, 1), 0);
	cr_assert_eq(b, 0x5a, "the guest sees the granter's page");
	b = 0x33;
	cr_assert_eq(gmem_write(&fd->d.mem, AT + 11, &b, 1), 0);
	cr_assert_eq(fd->p.foreign_ram[4096 + 11], 0x33, "and writes reach it");
	cr_assert_eq(unmap(AT, m.handle), GNTST_okay);
	cr_assert_eq(fd->p.foreign_held, 0, "the claim is given back");
	cr_assert_eq(gmem_ptr(&fd->d.mem, AT), fd->ram + AT, "its own RAM is back");
	cr_assert_eq(unmap(AT, m.handle), GNTST_bad_handle, "only once");
}

Test(grant_map, read_only_map_refuses_writes)
{
	struct gnttab_map_grant_ref m;
	uint8_t b = 1;

	fd->p.foreign_readonly = true;
	m = map(AT, GNTMAP_host_map, 0, 7);
	cr_assert_eq(m.status, GNTST_permission_denied, "writable map of a read-only grant");
	m = map(AT, GNTMAP_host_map | GNTMAP_readonly, 0, 7);
	cr_assert_eq(m.status, GNTST_okay);
	cr_assert_eq(gmem_write(&fd->d.mem, AT, &b, 1), -XEN_EFAULT);
	cr_assert_null(gmem_ptr(&fd->d.mem, AT), "no writable pointer into it");
	cr_assert_eq(gmem_read(&fd->d.mem, AT, &b, 1), 0);
	cr_assert_eq(unmap(0, m.handle), GNTST_okay, "host_addr 0: wherever it is");
}

Test(grant_map, hostile_requests_get_xen_status_codes)
{
	cr_assert_eq(map(AT, GNTMAP_host_map, 0, 9).status, GNTST_bad_domain);
	cr_assert_eq(map(AT, GNTMAP_host_map, 99, 7).status, GNTST_permission_denied);
	cr_assert_eq(map(AT, 0, 0, 7).status, GNTST_general_error, "no host_map");
	cr_assert_eq(map(AT, GNTMAP_host_map | GNTMAP_contains_pte, 0, 7).status,
		     GNTST_general_error, "contains_pte is for PV page tables");
	cr_assert_eq(map(1ull << 52, GNTMAP_host_map, 0, 7).status, GNTST_bad_virt_addr);
	cr_assert_eq(unmap(AT, 999), GNTST_bad_handle);
	cr_assert_eq(unmap(AT, 0), GNTST_bad_handle);
	cr_assert_eq(fd->p.foreign_held, 0, "nothing held after refusals");
	cr_assert_eq(fd->p.memory_changes, 0);
}

Test(grant_map, unmap_checks_the_address)
{
	struct gnttab_map_grant_ref m = map(AT, GNTMAP_host_map, 2, 7);

	cr_assert_eq(m.status, GNTST_okay);
	cr_assert_eq(unmap(AT + 0x1000, m.handle), GNTST_general_error);
	cr_assert_eq(fd->p.foreign_held, 1, "still mapped");
	cr_assert_eq(unmap(AT, m.handle), GNTST_okay);
}

Test(grant_map, maptrack_runs_out_and_destroy_unmaps_all)
{
	for (unsigned i = 0; i < XK_MAX_GRANT_MAPS; i++)
		cr_assert_eq(map(AT + i * 4096ull, GNTMAP_host_map, i % FAKE_FOREIGN_PAGES, 7).status,
			     GNTST_okay, "map %u", i);
	cr_assert_eq(map(AT + 0x100000, GNTMAP_host_map, 0, 7).status, GNTST_no_device_space);
	cr_assert_eq(fd->p.foreign_held, XK_MAX_GRANT_MAPS);
	xk_grant_unmap_all(&fd->d);
	cr_assert_eq(fd->p.foreign_held, 0);
}

Test(grant_map, own_grant_can_be_mapped_too)
{
	struct grant_entry_v1 *t = xk_grant_frame(&fd->d, 0);
	struct gnttab_map_grant_ref m;

	memset(fd->ram + 0x300000, 0x77, 4096);
	t[5] = (struct grant_entry_v1){ GTF_permit_access, 1, 0x300 };
	m = map(AT, GNTMAP_host_map, 5, XEN_DOMID_SELF);
	cr_assert_eq(m.status, GNTST_okay);
	cr_assert(t[5].flags & GTF_writing, "in use while mapped");
	cr_assert_eq(*(uint8_t *)gmem_ptr(&fd->d.mem, AT), 0x77);
	cr_assert_eq(unmap(AT, m.handle), GNTST_okay);
	cr_assert_not(t[5].flags & GTF_writing);
}

Test(grant_map, copy_from_another_domains_grant)
{
	struct gnttab_copy64 c = { .source = { .ref_or_gmfn = 3, .domid = 7, .offset = 100 },
				   .dest = { .ref_or_gmfn = 0x300, .domid = XEN_DOMID_SELF,
					     .offset = 8 },
				   .len = 16, .flags = GNTCOPY_source_gref };

	memset(fd->p.foreign_ram + 3 * 4096 + 100, 0xab, 16);
	memcpy(fake_gva(fd, ARG), &c, sizeof(c));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_copy, ARG, 1), 0);
	cr_assert_eq(((struct gnttab_copy64 *)fake_gva(fd, ARG))->status, GNTST_okay);
	cr_assert_eq(fd->ram[0x300000 + 8], 0xab);
	cr_assert_eq(fd->ram[0x300000 + 23], 0xab);
	cr_assert_eq(fd->ram[0x300000 + 24], 0);
	cr_assert_eq(fd->p.foreign_held, 0);
	/* Naming another domain's frame (not a gref) is for privileged domains only. */
	c.flags = 0;
	c.source.ref_or_gmfn = 0x10;
	memcpy(fake_gva(fd, ARG), &c, sizeof(c));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, GNTTABOP_copy, ARG, 1), 0);
	cr_assert_eq(((struct gnttab_copy64 *)fake_gva(fd, ARG))->status, GNTST_permission_denied);
}
