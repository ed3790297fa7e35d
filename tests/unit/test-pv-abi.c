/* What a 64-bit PV guest is told that an HVM/PVH guest is not. */
#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/abi-pv.h"
#include "xen-abi/abi-sched.h"
#include "xen-abi/abi-version.h"

#define PHYSDEVOP_set_iopl 6
#define PHYSDEVOP_set_iobitmap 7

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(1); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(pv_abi, .init = setup, .fini = teardown);

static void make_pv(void)
{
	fd->d.pv = true;
	fd->d.m2p_va = 0xffff808000000000ull;
	fd->d.m2p_entries = 0x100000;
}

Test(pv_abi, features_are_xens_pv_set)
{
	struct xen_feature_info *fi = fake_gva(fd, 0x3000);

	make_pv();
	fi->submap_idx = 0;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_get_features, 0x3000, 0), 0);
	/* Linux 6.1 panics without these two. */
	cr_assert(fi->submap & (1u << XENFEAT_mmu_pt_update_preserve_ad));
	cr_assert(fi->submap & (1u << XENFEAT_gnttab_map_avail_bits));
	cr_assert_eq(fi->submap & ((1u << XENFEAT_auto_translated_physmap) |
				   (1u << XENFEAT_hvm_callback_vector) |
				   (1u << XENFEAT_supervisor_mode_kernel)), 0);
}

Test(pv_abi, machphys_mapping_says_where_the_m2p_is)
{
	struct xen_machphys_mapping *m = fake_gva(fd, 0x2000);

	make_pv();
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_machphys_mapping, 0x2000, 0), 0);
	cr_assert_eq(m->v_start, 0xffff808000000000ull);
	cr_assert_eq(m->v_end, 0xffff808000000000ull + 0x100000 * 8);
	cr_assert_eq(m->max_mfn, 0xfffff);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_machphys_mapping,
				    0xfff0000000ull, 0), -XEN_EFAULT);
}

Test(pv_abi, machphys_mapping_is_pv_only)
{
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_machphys_mapping, 0x2000, 0),
		     -XEN_ENOSYS);
}

Test(pv_abi, platform_parameters_give_the_hypervisor_hole)
{
	uint64_t *start = fake_gva(fd, 0x2000);

	make_pv();
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_platform_parameters,
				    0x2000, 0), 0);
	cr_assert_eq(*start, XEN_MACH2PHYS_VIRT_START);
}

Test(pv_abi, set_iopl_checks_its_level)
{
	uint32_t *iopl = fake_gva(fd, 0x2000);

	*iopl = 1;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iopl, 0x2000, 0),
		     -XEN_ENOSYS, "HVM guests have no set_iopl");
	make_pv();
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iopl, 0x2000, 0), 0);
	cr_assert_eq(fd->d.vcpu[0].iopl, 1);
	*iopl = 4;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iopl, 0x2000, 0),
		     -XEN_EINVAL);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iopl,
				    0xfff0000000ull, 0), -XEN_EFAULT);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, 99, 0x2000, 0), -XEN_ENOSYS);
}

/* Where the I/O bitmap lives is kept for the runtime; Xen's bounds are checked. */
Test(pv_abi, set_iobitmap_keeps_a_guest_address)
{
	struct { uint64_t bitmap; uint32_t nr_ports, pad; } *b = fake_gva(fd, 0x2000);

	b->bitmap = 0xffff888000100000ull;
	b->nr_ports = 65536;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iobitmap, 0x2000, 0),
		     -XEN_ENOSYS, "HVM guests have no set_iobitmap");
	make_pv();
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iobitmap, 0x2000, 0), 0);
	cr_assert_eq(fd->d.vcpu[0].iobmp, 0xffff888000100000ull);
	cr_assert_eq(fd->d.vcpu[0].iobmp_limit, 65536);
	b->nr_ports = 65537;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iobitmap, 0x2000, 0),
		     -XEN_EINVAL);
	b->nr_ports = 0;
	b->bitmap = 0xffff800000001000ull;	/* Xen's own part of the address space */
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iobitmap, 0x2000, 0),
		     -XEN_EINVAL);
	b->bitmap = 0xffff7ffffffff000ull;	/* its 8 KiB would reach into it */
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iobitmap, 0x2000, 0),
		     -XEN_EINVAL);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_physdev_op, PHYSDEVOP_set_iobitmap,
				    0xfff0000000ull, 0), -XEN_EFAULT);
	cr_assert_eq(fd->d.vcpu[0].iobmp_limit, 65536, "a refused call changes nothing");
}

/* The PV form is refused before anything is read as an HVM context. */
Test(pv_abi, pv_vcpu_initialise_is_not_taken_for_an_hvm_context)
{
	struct fake_domain *two = fake_domain_new(2);

	cr_assert_eq(fake_hypercall(two, 0, XEN_HC_vcpu_op, VCPUOP_initialise, 1,
				    0xfff0000000ull), -XEN_EFAULT);
	two->d.pv = true;
	cr_assert_eq(fake_hypercall(two, 0, XEN_HC_vcpu_op, VCPUOP_initialise, 1,
				    0xfff0000000ull), -XEN_ENOSYS);
	fake_domain_free(two);
}

/* A PV guest maps its grant frames itself, so it is told their machine frames. */
Test(pv_abi, grant_setup_table_gives_machine_frames)
{
	struct gnttab_setup_table64 *op = fake_gva(fd, 0x2000);
	uint64_t *frames = fake_gva(fd, 0x3000);

	make_pv();
	fd->d.xpages_mfn = 0xf0000;
	*op = (struct gnttab_setup_table64){ .dom = XEN_DOMID_SELF, .nr_frames = 2,
					     .frame_list = 0x3000 };
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_grant_table_op, 2 /* setup_table */, 0x2000, 1), 0);
	cr_assert_eq(op->status, 0);
	cr_assert_eq(frames[0], 0xf0000 + XK_XPAGE_GRANT_FIRST);
	cr_assert_eq(frames[1], 0xf0000 + XK_XPAGE_GRANT_FIRST + 1);
}

Test(pv_abi, guest_handle_is_the_domain_uuid)
{
	uint8_t *h = fake_gva(fd, 0x2000);

	for (int i = 0; i < 16; i++)
		fd->d.handle[i] = (uint8_t)(0xa0 + i);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_guest_handle, 0x2000, 0), 0);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(h[i], 0xa0 + i);
}
