#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/xs-harness.h"

static struct xsd *d;
static struct xs_conn *dom0, *w;

static void setup(void)
{
	d = xsd_create();
	dom0 = xh_client(d, 0);
	w = xh_client(d, 0);
}

static void teardown(void)
{
	xsd_destroy(d);
}

TestSuite(xs_watch, .init = setup, .fini = teardown);

static void watch(struct xs_conn *c, const char *path, const char *tok)
{
	struct xh_reply *r = xh(c, XS_WATCH, 0, path, tok, NULL);

	cr_assert_str_eq(xh_err(r), "");
	cr_assert_str_eq(r->data, "OK");
}

Test(xs_watch, fires_once_on_registration_even_if_missing)
{
	watch(w, "/not/there", "t1");
	cr_assert(xh_event_is(w, "/not/there", "t1"));
	cr_assert_eq(xh_queued(w), 0);
}

Test(xs_watch, fires_for_node_and_descendants_not_siblings)
{
	watch(w, "/a", "t");
	xh_pop(w, &(struct xh_reply){ 0 });
	xh_write(dom0, 0, "/a", "1");
	cr_assert(xh_event_is(w, "/a", "t"));
	xh_write(dom0, 0, "/a/b/c", "1");
	cr_assert(xh_event_is(w, "/a/b/c", "t"));
	xh_write(dom0, 0, "/ab", "1");
	xh_write(dom0, 0, "/b", "1");
	cr_assert_eq(xh_queued(w), 0);
	xh(dom0, XS_MKDIR, 0, "/a/m", NULL);
	cr_assert(xh_event_is(w, "/a/m", "t"));
	xh(dom0, XS_SET_PERMS, 0, "/a/m", "r0", NULL);
	cr_assert(xh_event_is(w, "/a/m", "t"));
}

Test(xs_watch, rm_fires_for_each_removed_watched_node)
{
	xh_write(dom0, 0, "/r/x/y", "1");
	watch(w, "/r/x/y", "deep");
	watch(w, "/", "root");
	watch(w, "/r/x/none", "missing");
	while (xh_queued(w))
		xh_pop(w, &(struct xh_reply){ 0 });
	xh(dom0, XS_RM, 0, "/r/x", NULL);
	cr_assert(xh_event_is(w, "/r/x/y", "deep"));
	cr_assert(xh_event_is(w, "/r/x", "root"));
	cr_assert_eq(xh_queued(w), 0, "no event for a node that never existed");
}

Test(xs_watch, depth_limits_matches)
{
	xh(w, XS_WATCH, 0, "/dp", "d1", "1", NULL);
	cr_assert(xh_event_is(w, "/dp", "d1"));
	xh_write(dom0, 0, "/dp/a", "1");
	cr_assert(xh_event_is(w, "/dp/a", "d1"));
	xh_write(dom0, 0, "/dp/a/b", "1");
	cr_assert_eq(xh_queued(w), 0);
	cr_assert_str_eq(xh_err(xh(w, XS_WATCH, 0, "/dp", "d2", "-1", NULL)),
			 "EINVAL");
}

Test(xs_watch, duplicate_and_unwatch)
{
	watch(w, "/u", "t");
	cr_assert_str_eq(xh_err(xh(w, XS_WATCH, 0, "/u", "t", NULL)), "EEXIST");
	while (xh_queued(w))
		xh_pop(w, &(struct xh_reply){ 0 });
	cr_assert_str_eq(xh_err(xh(w, XS_UNWATCH, 0, "/u", "t", NULL)), "");
	cr_assert_str_eq(xh_err(xh(w, XS_UNWATCH, 0, "/u", "t", NULL)),
			 "ENOENT");
	xh_write(dom0, 0, "/u", "1");
	cr_assert_eq(xh_queued(w), 0);
}

Test(xs_watch, relative_watch_gets_relative_paths)
{
	struct xs_conn *u = xh_client(d, 4);

	xh(dom0, XS_MKDIR, 0, "/local/domain/4", NULL);
	xh(dom0, XS_SET_PERMS, 0, "/local/domain/4", "n4", NULL);
	watch(u, "device", "rel");
	cr_assert(xh_event_is(u, "device", "rel"));
	xh_write(dom0, 0, "/local/domain/4/device/vif/0", "x");
	cr_assert(xh_event_is(u, "device/vif/0", "rel"));
}

Test(xs_watch, domu_does_not_see_unreadable_changes)
{
	struct xs_conn *u = xh_client(d, 4);

	watch(u, "/hidden", "h");
	cr_assert(xh_event_is(u, "/hidden", "h"));
	xh_write(dom0, 0, "/hidden/x", "secret");
	cr_assert_eq(xh_queued(u), 0);
	xh(dom0, XS_SET_PERMS, 0, "/hidden/x", "n0", "r4", NULL);
	cr_assert(xh_event_is(u, "/hidden/x", "h"),
		  "readable now: the perms change is seen");
}

Test(xs_watch, introduce_and_release_fire_special_watches)
{
	watch(w, "@introduceDomain", "in");
	watch(w, "@releaseDomain", "out");
	xh(w, XS_WATCH, 0, "@releaseDomain", "out-dom", "1", NULL);
	while (xh_queued(w))
		xh_pop(w, &(struct xh_reply){ 0 });
	cr_assert_str_eq(xh_err(xh(dom0, XS_INTRODUCE, 0, "3", "1234", "7",
				   NULL)), "");
	cr_assert(xh_event_is(w, "@introduceDomain", "in"));
	cr_assert_eq(xh_queued(w), 0);
	cr_assert_str_eq(xh(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL)->data,
			 "T");
	cr_assert_str_eq(xh_err(xh(dom0, XS_RELEASE, 0, "3", NULL)), "");
	cr_assert(xh_event_is(w, "@releaseDomain", "out"));
	cr_assert(xh_event_is(w, "@releaseDomain/3", "out-dom"));
	cr_assert_str_eq(xh(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL)->data,
			 "F");
	cr_assert_str_eq(xh_err(xh(dom0, XS_RELEASE, 0, "3", NULL)), "ENOENT");
}

Test(xs_watch, special_watches_follow_node_perms)
{
	struct xs_conn *u = xh_client(d, 4);

	watch(u, "@releaseDomain", "r");
	watch(u, "@introduceDomain", "i");
	while (xh_queued(u))
		xh_pop(u, &(struct xh_reply){ 0 });
	xh(dom0, XS_INTRODUCE, 0, "8", "1", "1", NULL);
	cr_assert_eq(xh_queued(u), 0, "@introduceDomain is Dom0's by default");
	xh(dom0, XS_RELEASE, 0, "8", NULL);
	cr_assert(xh_event_is(u, "@releaseDomain", "r"),
		  "@releaseDomain is readable by any domain");
}

Test(xs_watch, watch_quota_for_domus)
{
	struct xs_conn *u = xh_client(d, 4);
	char tok[16];
	int ok = 0;

	for (int i = 0; i < 200; i++) {
		snprintf(tok, sizeof(tok), "%d", i);
		if (!*xh_err(xh(u, XS_WATCH, 0, "/q", tok, NULL)))
			ok++;
		while (xh_queued(u))
			xh_pop(u, &(struct xh_reply){ 0 });
	}
	cr_assert_eq(ok, 127);
}

Test(xs_watch, reset_watches_drops_everything)
{
	watch(w, "/z", "t");
	xh(w, XS_RESET_WATCHES, 0, "", NULL);
	while (xh_queued(w))
		xh_pop(w, &(struct xh_reply){ 0 });
	xh_write(dom0, 0, "/z", "1");
	cr_assert_eq(xh_queued(w), 0);
}

Test(xs_watch, release_removes_orphans_and_grants)
{
	struct xs_conn *u = xh_client(d, 4);

	xh(dom0, XS_MKDIR, 0, "/local/domain/4", NULL);
	xh(dom0, XS_SET_PERMS, 0, "/local/domain/4", "n4", NULL);
	xh_write(u, 0, "data/x", "1");
	xh_write(dom0, 0, "/pub", "p");
	xh(dom0, XS_SET_PERMS, 0, "/pub", "n0", "r4", "r9", NULL);
	watch(w, "/local/domain/4/data/x", "orphan");
	cr_assert(xh_event_is(w, "/local/domain/4/data/x", "orphan"));
	cr_assert_str_eq(xh_err(xh(dom0, XS_RELEASE, 0, "4", NULL)), "");
	cr_assert(xh_event_is(w, "/local/domain/4/data/x", "orphan"));
	cr_assert_str_eq(xh_err(xh(dom0, XS_READ, 0, "/local/domain/4", NULL)),
			 "ENOENT");
	cr_assert_str_eq(xh(dom0, XS_DIRECTORY, 0, "/local/domain", NULL)->data,
			 "");
	cr_assert(!memcmp(xh(dom0, XS_GET_PERMS, 0, "/pub", NULL)->data,
			  "n0\0r9\0", 6));
	cr_assert_eq(d->store.owned[4], 0);
}
