#include <criterion/criterion.h>
#include <string.h>

#include "tests/unit/xs-harness.h"

static struct xsd *d;
static struct xs_conn *dom0, *dom5, *dom6;

static void setup(void)
{
	d = xsd_create();
	dom0 = xh_client(d, 0);
	dom5 = xh_client(d, 5);
	dom6 = xh_client(d, 6);
	/* What the toolstack does for a new domain. */
	xh(dom0, XS_MKDIR, 0, "/local/domain/5", NULL);
	xh(dom0, XS_SET_PERMS, 0, "/local/domain/5", "n5", "r0", NULL);
}

static void teardown(void)
{
	xsd_destroy(d);
}

TestSuite(xs_perms, .init = setup, .fini = teardown);

Test(xs_perms, domu_cannot_read_dom0_nodes)
{
	xh_write(dom0, 0, "/secret", "x");
	cr_assert_str_eq(xh_err(xh(dom5, XS_READ, 0, "/secret", NULL)),
			 "EACCES");
	cr_assert_str_eq(xh_err(xh_write(dom5, 0, "/secret", "y")), "EACCES");
	cr_assert_str_eq(xh(dom0, XS_READ, 0, "/secret", NULL)->data, "x");
}

Test(xs_perms, missing_nodes_look_like_eacces_to_outsiders)
{
	/* dom5 cannot read /, so it may not learn what is missing there */
	cr_assert_str_eq(xh_err(xh(dom5, XS_READ, 0, "/nothing", NULL)),
			 "EACCES");
	/* in its own directory it learns ENOENT */
	cr_assert_str_eq(xh_err(xh(dom5, XS_READ, 0,
				   "/local/domain/5/nothing", NULL)), "ENOENT");
}

Test(xs_perms, relative_paths_are_under_the_domain_home)
{
	cr_assert_str_eq(xh_err(xh_write(dom5, 0, "device/x", "1")), "");
	cr_assert_str_eq(xh(dom0, XS_READ, 0, "/local/domain/5/device/x",
			    NULL)->data, "1");
	cr_assert_str_eq(xh(dom5, XS_READ, 0, "device/x", NULL)->data, "1");
}

Test(xs_perms, new_nodes_inherit_perms_and_creator_owns)
{
	struct xh_reply *r;

	xh_write(dom5, 0, "/local/domain/5/a/b", "v");
	r = xh(dom0, XS_GET_PERMS, 0, "/local/domain/5/a/b", NULL);
	cr_assert_eq(r->len, sizeof("n5") + sizeof("r0"));
	cr_assert(!memcmp(r->data, "n5\0r0\0", r->len));
	/* Dom0-created nodes keep the parent's owner. */
	xh_write(dom0, 0, "/local/domain/5/c", "v");
	r = xh(dom0, XS_GET_PERMS, 0, "/local/domain/5/c", NULL);
	cr_assert(!memcmp(r->data, "n5\0r0\0", r->len));
	xh_write(dom0, 0, "/x/y", "v");
	r = xh(dom0, XS_GET_PERMS, 0, "/x/y", NULL);
	cr_assert_str_eq(r->data, "n0");
}

Test(xs_perms, other_domains_need_a_grant)
{
	xh_write(dom5, 0, "/local/domain/5/shared", "s");
	cr_assert_str_eq(xh_err(xh(dom6, XS_READ, 0,
				   "/local/domain/5/shared", NULL)), "EACCES");
	cr_assert_str_eq(xh_err(xh(dom5, XS_SET_PERMS, 0,
				   "/local/domain/5/shared", "n5", "r6",
				   NULL)), "");
	cr_assert_str_eq(xh(dom6, XS_READ, 0, "/local/domain/5/shared",
			    NULL)->data, "s");
	cr_assert_str_eq(xh_err(xh_write(dom6, 0, "/local/domain/5/shared",
					 "no")), "EACCES");
	xh(dom5, XS_SET_PERMS, 0, "/local/domain/5/shared", "n5", "b6", NULL);
	cr_assert_str_eq(xh_err(xh_write(dom6, 0, "/local/domain/5/shared",
					 "yes")), "");
}

Test(xs_perms, default_entry_applies_to_everyone_else)
{
	xh_write(dom0, 0, "/pub", "p");
	xh(dom0, XS_SET_PERMS, 0, "/pub", "r0", NULL);
	cr_assert_str_eq(xh(dom6, XS_READ, 0, "/pub", NULL)->data, "p");
	cr_assert_str_eq(xh_err(xh_write(dom6, 0, "/pub", "x")), "EACCES");
}

Test(xs_perms, only_dom0_changes_owners)
{
	xh_write(dom5, 0, "/local/domain/5/o", "");
	cr_assert_str_eq(xh_err(xh(dom5, XS_SET_PERMS, 0, "/local/domain/5/o",
				   "n6", NULL)), "EPERM");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_PERMS, 0, "/local/domain/5/o",
				   "n6", NULL)), "");
	cr_assert_str_eq(xh(dom0, XS_GET_PERMS, 0, "/local/domain/5/o",
			    NULL)->data, "n6");
}

Test(xs_perms, bad_perm_strings_are_einval)
{
	xh_write(dom0, 0, "/p", "");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_PERMS, 0, "/p", "x0", NULL)),
			 "EINVAL");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_PERMS, 0, "/p", "r", NULL)),
			 "EINVAL");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_PERMS, 0, "/p", "r99999",
				   NULL)), "EINVAL");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_PERMS, 0, "/p", NULL)),
			 "EINVAL");
}

Test(xs_perms, target_domain_acts_for_its_target)
{
	xh_write(dom5, 0, "/local/domain/5/t", "t");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_TARGET, 0, "6", "5", NULL)), "");
	cr_assert_str_eq(xh(dom6, XS_READ, 0, "/local/domain/5/t", NULL)->data,
			 "t");
}

Test(xs_perms, domid_any_grants_everyone)
{
	xh_write(dom0, 0, "/any", "a");
	xh(dom0, XS_SET_PERMS, 0, "/any", "n0", "r32757", NULL);
	cr_assert_str_eq(xh(dom6, XS_READ, 0, "/any", NULL)->data, "a");
}

Test(xs_perms, dom0_only_requests)
{
	static const uint32_t priv[] = {
		XS_CONTROL, XS_INTRODUCE, XS_RELEASE, XS_IS_DOMAIN_INTRODUCED,
		XS_RESUME, XS_SET_TARGET, XS_SET_FEATURE, XS_GET_QUOTA,
		XS_SET_QUOTA,
	};
	struct xh_reply r;

	for (size_t i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
		xh_raw(dom5, priv[i], 0, "1\0", 2, &r);
		cr_assert_str_eq(xh_err(&r), "EACCES", "type %u", priv[i]);
	}
}
