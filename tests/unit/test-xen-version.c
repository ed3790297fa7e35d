#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-version.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(1); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(xen_version, .init = setup, .fini = teardown);

Test(xen_version, version_is_4_17)
{
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_version, 0, 0), 0x40011);
}

Test(xen_version, extraversion_is_nul_terminated_16_bytes)
{
	char *buf = fake_gva(fd, 0x1000);
	memset(buf, 'x', 32);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_extraversion, 0x1000, 0), 0);
	cr_assert_str_eq(buf, ".0-xenkvm");
	cr_assert_eq(buf[15], 0);
	cr_assert_eq(buf[16], 'x', "wrote past the 16-byte buffer");
}

Test(xen_version, capabilities_lists_hvm_64)
{
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_capabilities, 0x2000, 0), 0);
	cr_assert(strstr(fake_gva(fd, 0x2000), "hvm-3.0-x86_64") != NULL);
}

Test(xen_version, get_features_submap0_and_unknown_submap)
{
	struct xen_feature_info *fi = fake_gva(fd, 0x3000);
	fi->submap_idx = 0;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_get_features, 0x3000, 0), 0);
	cr_assert(fi->submap & (1u << XENFEAT_hvm_callback_vector));
	fi->submap_idx = 7;
	fi->submap = 0xdead;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_get_features, 0x3000, 0), 0);
	cr_assert_eq(fi->submap, 0);
}

Test(xen_version, pagesize)
{
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_pagesize, 0, 0), 4096);
}

Test(xen_version, bad_pointer_is_efault)
{
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_extraversion,
				    FAKE_RAM_SIZE - 8, 0), -XEN_EFAULT);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_get_features,
				    0xffffffff00000000ull, 0), -XEN_EFAULT);
}

Test(xen_version, platform_parameters_compat_writes_4_bytes)
{
	uint32_t *p = fake_gva(fd, 0x4000);
	p[0] = p[1] = 0xffffffff;
	fd->d.vcpu[0].compat = true;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_platform_parameters, 0x4000, 0), 0);
	cr_assert_eq(p[0], 0);
	cr_assert_eq(p[1], 0xffffffff);
}

Test(xen_version, unknown_subop_is_enosys_and_logged)
{
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, 99, 0, 0), -XEN_ENOSYS);
	cr_assert(strstr(fd->p.last_log, "not implemented") != NULL);
}

Test(xen_version, user_mode_caller_gets_eperm)
{
	fd->d.vcpu[0].cpl = 3;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_xen_version, XENVER_version, 0, 0), -XEN_EPERM);
}

Test(dispatch, unknown_hypercall_is_enosys)
{
	struct fake_domain *f = fake_domain_new(1);
	cr_assert_eq(fake_hypercall(f, 0, 63, 0, 0, 0), -XEN_ENOSYS);
	cr_assert_eq(fake_hypercall(f, 0, 5000, 0, 0, 0), -XEN_ENOSYS);
	fake_domain_free(f);
}
