#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "src/xenstored/xs-node.h"
#include "src/xenstored/xs-path.h"
#include "tests/unit/xs-harness.h"

Test(xs_wire, error_names_are_xens)
{
	cr_assert_str_eq(xs_error_name(EINVAL), "EINVAL");
	cr_assert_str_eq(xs_error_name(EAGAIN), "EAGAIN");
	cr_assert_str_eq(xs_error_name(E2BIG), "E2BIG");
	cr_assert_str_eq(xs_error_name(EPERM), "EPERM");
	cr_assert_str_eq(xs_error_name(ETIMEDOUT), "EINVAL",
			 "unlisted errors are sent as EINVAL");
	cr_assert_str_eq(xs_type_name(XS_SET_QUOTA), "SET_QUOTA");
	cr_assert_null(xs_type_name(20));
}

Test(xs_wire, canonical_paths)
{
	char out[XS_PATH_BUF];

	cr_assert_eq(xs_path_canonical("/a/b", 3, false, 0, out), 0);
	cr_assert_str_eq(out, "/a/b");
	cr_assert_eq(xs_path_canonical("x", 3, false, 0, out), 0);
	cr_assert_str_eq(out, "/local/domain/3/x");
	cr_assert_eq(xs_path_canonical("/", 0, false, 0, out), 0);
	cr_assert_eq(xs_path_canonical("@releaseDomain", 0, true, 0, out), 0);
	cr_assert_eq(xs_path_canonical("@releaseDomain", 0, false, 0, out),
		     EINVAL);
	cr_assert_eq(xs_path_canonical("/a/", 0, false, 0, out), EINVAL);
	cr_assert_eq(xs_path_canonical(NULL, 0, false, 0, out), EINVAL);
	cr_assert_eq(xs_path_canonical("/local/domain/3/abcd", 3, false, 4,
				       out), EINVAL, "limits are reached at");
	cr_assert_eq(xs_path_canonical("/local/domain/3/abc", 3, false, 4,
				       out), 0);
}

Test(xs_wire, child_matching)
{
	cr_assert(xs_path_is_child("/a/b", "/a", -1));
	cr_assert(xs_path_is_child("/a", "/a", 0));
	cr_assert_not(xs_path_is_child("/ab", "/a", -1));
	cr_assert(xs_path_is_child("/x", "/", -1));
	cr_assert(xs_path_is_child("/x", "/", 1));
	cr_assert_not(xs_path_is_child("/x/y", "/", 1));
	cr_assert_not(xs_path_is_child("/a/b/c", "/a", 1));
}

Test(xs_wire, perm_strings_round_trip)
{
	struct xs_perm p[3];
	char out[64];
	int n;

	cr_assert_eq(xs_perms_parse("n5\0r0\0b7\0", 9, 3, p), 0);
	cr_assert_eq(p[0].id, 5);
	cr_assert_eq(p[0].access, XS_PERM_NONE);
	cr_assert_eq(p[2].access, XS_PERM_BOTH);
	n = xs_perms_format(p, 3, out, sizeof(out));
	cr_assert_eq(n, 9);
	cr_assert(!memcmp(out, "n5\0r0\0b7\0", 9));
	cr_assert_eq(xs_perms_parse("n5\0r0", 5, 2, p), EINVAL,
		     "unterminated string");
	cr_assert_eq(xs_perms_format(p, 3, out, 5), -1);
}

Test(xs_wire, conn_assembles_byte_by_byte)
{
	struct xsd *d = xsd_create();
	struct xs_conn *c = xh_client(d, 0);
	struct xs_msg_hdr h = { XS_READ, 5, 0, 6 };
	char buf[sizeof(h) + 6];
	struct xh_reply r;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/tool", 6);
	for (size_t i = 0; i < sizeof(buf); i++) {
		cr_assert_eq(xh_queued(c), 0);
		cr_assert_eq(xs_conn_feed(c, buf + i, 1), 1);
	}
	cr_assert(xh_pop(c, &r));
	cr_assert_eq(r.type, XS_READ);
	cr_assert_eq(r.req_id, 5);
	xsd_destroy(d);
}

Test(xs_wire, conn_rejects_oversize)
{
	struct xsd *d = xsd_create();
	struct xs_conn *c = xh_client(d, 0);
	struct xs_msg_hdr h = { XS_WRITE, 1, 0, XS_PAYLOAD_MAX + 1 };

	cr_assert_eq(xs_conn_feed(c, &h, sizeof(h)), -1);
	xsd_destroy(d);
}
