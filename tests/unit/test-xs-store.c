#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/xs-harness.h"

static struct xsd *d;
static struct xs_conn *dom0;

static void setup(void)
{
	d = xsd_create();
	cr_assert(d);
	dom0 = xh_client(d, 0);
}

static void teardown(void)
{
	xsd_destroy(d);
}

TestSuite(xs_store, .init = setup, .fini = teardown);

Test(xs_store, initial_tree_is_xens)
{
	struct xh_reply *r = xh(dom0, XS_DIRECTORY, 0, "/", NULL);

	cr_assert_eq(r->type, XS_DIRECTORY);
	cr_assert_eq(r->len, sizeof("tool"));
	cr_assert_str_eq(r->data, "tool");
	r = xh(dom0, XS_DIRECTORY, 0, "/tool", NULL);
	cr_assert_str_eq(r->data, "xenstored");
}

Test(xs_store, write_creates_parents_and_read_returns_value)
{
	struct xh_reply *r = xh_write(dom0, 0, "/a/b/c", "hello");

	cr_assert_eq(r->type, XS_WRITE);
	cr_assert_str_eq(r->data, "OK");
	r = xh(dom0, XS_READ, 0, "/a/b/c", NULL);
	cr_assert_eq(r->type, XS_READ);
	cr_assert_eq(r->len, 5, "no trailing nul on values");
	cr_assert_str_eq(r->data, "hello");
	r = xh(dom0, XS_READ, 0, "/a/b", NULL);
	cr_assert_eq(r->len, 0);
	cr_assert_str_eq(xh_err(r), "");
}

Test(xs_store, values_are_binary)
{
	char buf[8] = { '/', 'v', 0, 'x', 0, 'y', 0, 'z' };
	struct xh_reply r;

	xh_raw(dom0, XS_WRITE, 0, buf, sizeof(buf), &r);
	cr_assert_str_eq(xh_err(&r), "");
	xh_raw(dom0, XS_READ, 0, "/v", 3, &r);
	cr_assert_eq(r.len, 5);
	cr_assert(!memcmp(r.data, "x\0y\0z", 5));
}

Test(xs_store, directory_keeps_creation_order)
{
	struct xh_reply *r;

	xh_write(dom0, 0, "/d/zeta", "");
	xh_write(dom0, 0, "/d/alpha", "");
	xh(dom0, XS_MKDIR, 0, "/d/mid", NULL);
	r = xh(dom0, XS_DIRECTORY, 0, "/d", NULL);
	cr_assert_eq(r->len, sizeof("zeta") + sizeof("alpha") + sizeof("mid"));
	cr_assert(!memcmp(r->data, "zeta\0alpha\0mid\0", r->len));
}

Test(xs_store, mkdir_keeps_existing_value)
{
	xh_write(dom0, 0, "/m", "keep");
	cr_assert_str_eq(xh_err(xh(dom0, XS_MKDIR, 0, "/m", NULL)), "");
	cr_assert_str_eq(xh(dom0, XS_READ, 0, "/m", NULL)->data, "keep");
}

Test(xs_store, rm_removes_subtree_and_tolerates_missing_leaf)
{
	xh_write(dom0, 0, "/r/x/y", "1");
	xh_write(dom0, 0, "/r/z", "2");
	cr_assert_str_eq(xh_err(xh(dom0, XS_RM, 0, "/r/x", NULL)), "");
	cr_assert_str_eq(xh_err(xh(dom0, XS_READ, 0, "/r/x/y", NULL)), "ENOENT");
	cr_assert_str_eq(xh(dom0, XS_DIRECTORY, 0, "/r", NULL)->data, "z");
	/* a missing node under an existing parent is fine ... */
	cr_assert_str_eq(xh_err(xh(dom0, XS_RM, 0, "/r/gone", NULL)), "");
	/* ... under a missing parent it is not */
	cr_assert_str_eq(xh_err(xh(dom0, XS_RM, 0, "/r/no/gone", NULL)),
			 "ENOENT");
	cr_assert_str_eq(xh_err(xh(dom0, XS_RM, 0, "/", NULL)), "EINVAL");
}

Test(xs_store, bad_paths_are_einval)
{
	static const char *bad[] = { "", "/a//b", "/a/", "/a b", "/a\xff",
				     "@foo" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_str_eq(xh_err(xh_write(dom0, 0, bad[i], "v")),
				 "EINVAL", "path '%s'", bad[i]);
	cr_assert_str_eq(xh_err(xh(dom0, XS_READ, 0, "/a", "/b", NULL)),
			 "EINVAL", "READ takes exactly one string");
}

Test(xs_store, path_length_limit)
{
	char path[3100];

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[3072] = '\0';
	cr_assert_str_eq(xh_err(xh_write(dom0, 0, path, "")), "");
	path[3072] = 'a';
	path[3073] = '\0';
	cr_assert_str_eq(xh_err(xh_write(dom0, 0, path, "")), "EINVAL");
}

Test(xs_store, read_missing_is_enoent)
{
	cr_assert_str_eq(xh_err(xh(dom0, XS_READ, 0, "/nope", NULL)), "ENOENT");
}

Test(xs_store, unknown_types_are_enosys)
{
	struct xh_reply r;

	xh_raw(dom0, 20, 0, "", 0, &r);		/* RESTRICT, removed */
	cr_assert_str_eq(xh_err(&r), "ENOSYS");
	xh_raw(dom0, XS_TYPE_COUNT, 0, "", 0, &r);
	cr_assert_str_eq(xh_err(&r), "ENOSYS");
	xh_raw(dom0, XS_WATCH_EVENT, 0, "", 0, &r);
	cr_assert_str_eq(xh_err(&r), "ENOSYS");
	xh_raw(dom0, XS_INVALID, 0, "", 0, &r);
	cr_assert_str_eq(xh_err(&r), "ENOSYS");
}

Test(xs_store, reply_echoes_ids)
{
	struct xs_msg_hdr h = { XS_READ, 4242, 0, 6 };
	char buf[sizeof(h) + 6];
	struct xh_reply r;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/tool", 6);
	xs_conn_feed(dom0, buf, sizeof(buf));
	cr_assert(xh_pop(dom0, &r));
	cr_assert_eq(r.req_id, 4242);
	cr_assert_eq(r.type, XS_READ);
}

Test(xs_store, directory_part_pages_big_directories)
{
	char name[64], collected[65536];
	uint32_t total = 0, off = 0;
	struct xh_reply *r;
	char offs[16];

	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "/big/child-with-a-long-name-%03d", i);
		xh(dom0, XS_MKDIR, 0, name, NULL);
	}
	r = xh(dom0, XS_DIRECTORY, 0, "/big", NULL);
	cr_assert_str_eq(xh_err(r), "E2BIG", "too big for one DIRECTORY");
	for (int parts = 0; parts < 10; parts++) {
		uint32_t gl;

		snprintf(offs, sizeof(offs), "%u", off);
		r = xh(dom0, XS_DIRECTORY_PART, 0, "/big", offs, NULL);
		cr_assert_eq(r->type, XS_DIRECTORY_PART);
		cr_assert(r->len <= XS_PAYLOAD_MAX);
		gl = strlen(r->data) + 1;
		memcpy(collected + total, r->data + gl, r->len - gl);
		total += r->len - gl;
		off += r->len - gl;
		if (r->len - gl >= 1 && r->data[r->len - 2] == '\0')
			break;	/* list ended: trailing empty string */
	}
	cr_assert_eq(total, 400 * 27 + 1);
	cr_assert_str_eq(collected, "child-with-a-long-name-000");
	cr_assert_str_eq(collected + 399 * 27, "child-with-a-long-name-399");
}

Test(xs_store, oversize_reply_is_e2big)
{
	char name[80];
	struct xh_reply *r;

	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "/wide/%060d", i);
		xh(dom0, XS_MKDIR, 0, name, NULL);
	}
	r = xh(dom0, XS_DIRECTORY, 0, "/wide", NULL);
	cr_assert_str_eq(xh_err(r), "E2BIG");
}

Test(xs_store, get_domain_path_and_introduced)
{
	cr_assert_str_eq(xh(dom0, XS_GET_DOMAIN_PATH, 0, "7", NULL)->data,
			 "/local/domain/7");
	cr_assert_str_eq(xh_err(xh(dom0, XS_GET_DOMAIN_PATH, 0, "x", NULL)),
			 "EINVAL");
	cr_assert_str_eq(xh(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "7", NULL)->data,
			 "F");
	cr_assert_str_eq(xh(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "0", NULL)->data,
			 "T");
}

Test(xs_store, control_check_help_and_unknown)
{
	cr_assert_str_eq(xh(dom0, XS_CONTROL, 0, "check", NULL)->data, "OK");
	cr_assert(strstr(xh(dom0, XS_CONTROL, 0, "help", NULL)->data, "quota"));
	cr_assert(strstr(xh(dom0, XS_CONTROL, 0, "quota", NULL)->data,
			 "nodes"));
	cr_assert_str_eq(xh_err(xh(dom0, XS_CONTROL, 0, "bogus", NULL)),
			 "EINVAL");
}

Test(xs_store, deep_trees_are_removed_whole)
{
	char path[XS_PAYLOAD_MAX];
	size_t len = 0;

	while (len + 2 <= 3072) {
		path[len++] = '/';
		path[len++] = 'a';
	}
	path[len] = '\0';
	cr_assert_str_eq(xh_err(xh_write(dom0, 0, path, "deep")), "");
	cr_assert_str_eq(xh(dom0, XS_READ, 0, path, NULL)->data, "deep");
	cr_assert_str_eq(xh_err(xh(dom0, XS_RM, 0, "/a", NULL)), "");
	cr_assert_str_eq(xh_err(xh(dom0, XS_READ, 0, path, NULL)), "ENOENT");
	cr_assert_eq(d->store.nodes.count, 5, "back to the initial nodes");
	cr_assert_eq(d->store.owned[0], 5);
}
