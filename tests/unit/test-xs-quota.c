#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/xs-harness.h"

static struct xsd *d;
static struct xs_conn *dom0, *u;

static void setup(void)
{
	d = xsd_create();
	dom0 = xh_client(d, 0);
	u = xh_client(d, 5);
	xh(dom0, XS_MKDIR, 0, "/local/domain/5", NULL);
	xh(dom0, XS_SET_PERMS, 0, "/local/domain/5", "n5", NULL);
}

static void teardown(void)
{
	xsd_destroy(d);
}

TestSuite(xs_quota, .init = setup, .fini = teardown);

Test(xs_quota, node_size_limit_for_domus_only)
{
	char big[2100];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_str_eq(xh_err(xh_write(u, 0, "big", big)), "ENOSPC");
	cr_assert_str_eq(xh_err(xh(u, XS_READ, 0, "big", NULL)), "ENOENT",
			 "a refused write leaves no node behind");
	big[2000] = '\0';
	cr_assert_str_eq(xh_err(xh_write(u, 0, "big", big)), "");
	big[2000] = 'x';
	cr_assert_str_eq(xh_err(xh_write(dom0, 0, "/big", big)), "");
}

Test(xs_quota, node_count_limit_and_set_quota)
{
	char path[32];
	int ok = 0;

	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_QUOTA, 0, "5", "nodes", "10",
				   NULL)), "");
	cr_assert_str_eq(xh(dom0, XS_GET_QUOTA, 0, "5", "nodes", NULL)->data,
			 "10");
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		if (!*xh_err(xh_write(u, 0, path, "")))
			ok++;
	}
	/* owns /local/domain/5 already; the 10th node reaches the limit */
	cr_assert_eq(ok, 8);
	xh(u, XS_RM, 0, "n0", NULL);
	cr_assert_str_eq(xh_err(xh_write(u, 0, "again", "")), "");
}

Test(xs_quota, get_quota_names_and_defaults)
{
	cr_assert_str_eq(xh(dom0, XS_GET_QUOTA, 0, NULL)->data,
			 "nodes watches outstanding memory soft-memory "
			 "transactions transaction-nodes node-permissions "
			 "path-max node-size");
	cr_assert_str_eq(xh(dom0, XS_GET_QUOTA, 0, "nodes", NULL)->data, "1000");
	cr_assert_str_eq(xh(dom0, XS_GET_QUOTA, 0, "node-size", NULL)->data,
			 "2048");
	cr_assert_str_eq(xh_err(xh(dom0, XS_GET_QUOTA, 0, "bogus", NULL)),
			 "EINVAL");
	cr_assert_str_eq(xh_err(xh(dom0, XS_GET_QUOTA, 0, "soft-nodes", NULL)),
			 "EINVAL");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_QUOTA, 0, "watches", "3",
				   NULL)), "");
	cr_assert_str_eq(xh(dom0, XS_GET_QUOTA, 0, "watches", NULL)->data, "3");
	cr_assert_str_eq(xh(dom0, XS_GET_QUOTA, 0, "77", "watches",
			    NULL)->data, "3", "new domains copy the defaults");
}

Test(xs_quota, permission_count_limit)
{
	xh_write(u, 0, "p", "");
	cr_assert_str_eq(xh_err(xh(u, XS_SET_PERMS, 0, "p", "n5", "r1", "r2",
				   "r3", NULL)), "");
	cr_assert_str_eq(xh_err(xh(u, XS_SET_PERMS, 0, "p", "n5", "r1", "r2",
				   "r3", "r4", NULL)), "ENOSPC");
}

Test(xs_quota, path_max_for_domus)
{
	char rel[2100];

	memset(rel, 'a', sizeof(rel));
	rel[2047] = '\0';
	cr_assert_str_eq(xh_err(xh_write(u, 0, rel, "")), "");
	rel[2047] = 'a';
	rel[2048] = '\0';
	cr_assert_str_eq(xh_err(xh_write(u, 0, rel, "")), "EINVAL");
}

Test(xs_quota, features)
{
	cr_assert_str_eq(xh(dom0, XS_GET_FEATURE, 0, NULL)->data, "15");
	cr_assert_str_eq(xh(u, XS_GET_FEATURE, 0, NULL)->data, "15");
	cr_assert_str_eq(xh_err(xh(u, XS_GET_FEATURE, 0, "5", NULL)), "EACCES");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_FEATURE, 0, "5", "1", NULL)),
			 "EBUSY", "domain 5 is introduced");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_FEATURE, 0, "9", "1", NULL)),
			 "");
	cr_assert_str_eq(xh(dom0, XS_GET_FEATURE, 0, "9", NULL)->data, "1");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_FEATURE, 0, "9", "64", NULL)),
			 "EINVAL");
}

Test(xs_quota, introduce_argument_checks)
{
	cr_assert_str_eq(xh_err(xh(dom0, XS_INTRODUCE, 0, "0", "1", "1", NULL)),
			 "EINVAL");
	cr_assert_str_eq(xh_err(xh(dom0, XS_INTRODUCE, 0, "3", "1", "0", NULL)),
			 "EINVAL");
	cr_assert_str_eq(xh_err(xh(dom0, XS_INTRODUCE, 0, "3", "1", NULL)),
			 "EINVAL");
	cr_assert_str_eq(xh_err(xh(dom0, XS_INTRODUCE, 0, "3", "1", "2", NULL)),
			 "");
	cr_assert_str_eq(xh_err(xh(dom0, XS_INTRODUCE, 0, "3", "1", "2", NULL)),
			 "", "repeat with the same channel is accepted");
	cr_assert_str_eq(xh_err(xh(dom0, XS_RESUME, 0, "3", NULL)), "");
	cr_assert_str_eq(xh_err(xh(dom0, XS_RESUME, 0, "4", NULL)), "ENOENT");
	cr_assert_str_eq(xh_err(xh(dom0, XS_SET_TARGET, 0, "3", "4", NULL)),
			 "ENOENT");
}
