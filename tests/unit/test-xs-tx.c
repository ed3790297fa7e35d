#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/xs-harness.h"

static struct xsd *d;
static struct xs_conn *a, *b;

static void setup(void)
{
	d = xsd_create();
	a = xh_client(d, 0);
	b = xh_client(d, 0);
}

static void teardown(void)
{
	xsd_destroy(d);
}

TestSuite(xs_tx, .init = setup, .fini = teardown);

static uint32_t start(struct xs_conn *c)
{
	struct xh_reply *r = xh(c, XS_TRANSACTION_START, 0, "", NULL);

	cr_assert_eq(r->type, XS_TRANSACTION_START, "%s", xh_err(r));
	return strtoul(r->data, NULL, 10);
}

static const char *end(struct xs_conn *c, uint32_t tx, const char *how)
{
	return xh_err(xh(c, XS_TRANSACTION_END, tx, how, NULL));
}

Test(xs_tx, commit_applies_and_isolates_until_then)
{
	uint32_t t = start(a);

	cr_assert_neq(t, 0);
	cr_assert_str_eq(xh_err(xh_write(a, t, "/t/x", "1")), "");
	cr_assert_str_eq(xh(a, XS_READ, t, "/t/x", NULL)->data, "1");
	cr_assert_str_eq(xh_err(xh(b, XS_READ, 0, "/t/x", NULL)), "ENOENT");
	cr_assert_str_eq(end(a, t, "T"), "");
	cr_assert_str_eq(xh(b, XS_READ, 0, "/t/x", NULL)->data, "1");
}

Test(xs_tx, abort_discards)
{
	uint32_t t = start(a);

	xh_write(a, t, "/gone", "1");
	cr_assert_str_eq(end(a, t, "F"), "");
	cr_assert_str_eq(xh_err(xh(a, XS_READ, 0, "/gone", NULL)), "ENOENT");
	cr_assert_str_eq(end(a, t, "T"), "ENOENT", "id is no longer valid");
}

Test(xs_tx, conflicting_write_gives_eagain)
{
	uint32_t t;

	xh_write(a, 0, "/c", "0");
	t = start(a);
	cr_assert_str_eq(xh(a, XS_READ, t, "/c", NULL)->data, "0");
	xh_write(a, t, "/c", "from-tx");
	xh_write(b, 0, "/c", "from-b");
	cr_assert_str_eq(end(a, t, "T"), "EAGAIN");
	cr_assert_str_eq(xh(b, XS_READ, 0, "/c", NULL)->data, "from-b");
}

Test(xs_tx, read_only_conflict_gives_eagain)
{
	uint32_t t;

	xh_write(a, 0, "/r", "0");
	t = start(a);
	xh(a, XS_READ, t, "/r", NULL);
	xh_write(a, t, "/other", "x");
	xh_write(b, 0, "/r", "changed");
	cr_assert_str_eq(end(a, t, "T"), "EAGAIN");
	cr_assert_str_eq(xh_err(xh(a, XS_READ, 0, "/other", NULL)), "ENOENT");
}

/* As Xen's xenstored (and its test-xenstore "ta err"): a node keeps its
 * first-read value inside the transaction, whatever is written outside. */
Test(xs_tx, reads_keep_what_the_transaction_first_saw)
{
	uint32_t t;

	xh_write(a, 0, "/snap/x", "a");
	xh_write(a, 0, "/snap/y", "1");
	t = start(a);
	cr_assert_str_eq(xh(a, XS_READ, t, "/snap/x", NULL)->data, "a");
	xh_write(b, 0, "/snap/x", "b");
	cr_assert_str_eq(xh(a, XS_READ, t, "/snap/x", NULL)->data, "a", "still the first read");
	cr_assert_str_eq(xh(b, XS_READ, 0, "/snap/x", NULL)->data, "b");
	cr_assert_str_eq(xh_err(xh_write(a, t, "/snap/x", "c")), "");
	cr_assert_str_eq(xh(a, XS_READ, t, "/snap/x", NULL)->data, "c", "its own write");
	cr_assert_str_eq(end(a, t, "T"), "EAGAIN");
	cr_assert_str_eq(xh(b, XS_READ, 0, "/snap/x", NULL)->data, "b", "nothing of it applied");
}

Test(xs_tx, a_node_first_seen_absent_stays_absent)
{
	uint32_t t = start(a);

	cr_assert_str_eq(xh_err(xh(a, XS_READ, t, "/late", NULL)), "ENOENT");
	xh_write(b, 0, "/late", "here");
	cr_assert_str_eq(xh_err(xh(a, XS_READ, t, "/late", NULL)), "ENOENT");
	cr_assert_str_eq(end(a, t, "T"), "EAGAIN", "what it saw changed");
}

Test(xs_tx, creation_race_gives_eagain)
{
	uint32_t t = start(a);

	cr_assert_str_eq(xh_err(xh(a, XS_READ, t, "/new", NULL)), "ENOENT");
	xh_write(b, 0, "/new", "b");
	xh_write(a, t, "/new", "a");
	cr_assert_str_eq(end(a, t, "T"), "EAGAIN");
}

Test(xs_tx, unrelated_changes_do_not_conflict)
{
	uint32_t t;

	xh_write(a, 0, "/u/mine", "0");
	xh_write(a, 0, "/v/theirs", "0");
	t = start(a);
	xh_write(a, t, "/u/mine", "1");
	xh_write(b, 0, "/v/theirs", "1");
	cr_assert_str_eq(end(a, t, "T"), "");
	cr_assert_str_eq(xh(b, XS_READ, 0, "/u/mine", NULL)->data, "1");
}

Test(xs_tx, rm_in_transaction)
{
	uint32_t t;

	xh_write(a, 0, "/del/x/y", "1");
	t = start(a);
	cr_assert_str_eq(xh_err(xh(a, XS_RM, t, "/del/x", NULL)), "");
	cr_assert_str_eq(xh(b, XS_READ, 0, "/del/x/y", NULL)->data, "1");
	cr_assert_str_eq(end(a, t, "T"), "");
	cr_assert_str_eq(xh_err(xh(b, XS_READ, 0, "/del/x/y", NULL)), "ENOENT");
	cr_assert_eq(xh(b, XS_DIRECTORY, 0, "/del", NULL)->len, 0);
}

Test(xs_tx, watches_fire_only_at_commit)
{
	uint32_t t;

	xh(b, XS_WATCH, 0, "/w", "tok", NULL);
	cr_assert(xh_event_is(b, "/w", "tok"));
	t = start(a);
	xh_write(a, t, "/w/x", "1");
	cr_assert_eq(xh_queued(b), 0);
	cr_assert_str_eq(end(a, t, "T"), "");
	cr_assert(xh_event_is(b, "/w/x", "tok"));
	t = start(a);
	xh_write(a, t, "/w/y", "1");
	end(a, t, "F");
	cr_assert_eq(xh_queued(b), 0, "aborted transactions fire nothing");
}

Test(xs_tx, protocol_errors)
{
	uint32_t t = start(a);

	cr_assert_str_eq(xh_err(xh(a, XS_TRANSACTION_START, t, "", NULL)),
			 "EBUSY");
	cr_assert_str_eq(end(a, t, "X"), "EINVAL");
	cr_assert_str_eq(xh_err(xh(a, XS_READ, t + 100, "/", NULL)), "ENOENT");
	cr_assert_str_eq(xh_err(xh(b, XS_READ, t, "/", NULL)), "ENOENT",
			 "transactions belong to their connection");
	cr_assert_str_eq(end(a, 0, "T"), "ENOENT");
}

Test(xs_tx, domu_transaction_quota)
{
	struct xs_conn *u = xh_client(d, 9);
	int ok = 0;

	for (int i = 0; i < 20; i++)
		if (!*xh_err(xh(u, XS_TRANSACTION_START, 0, "", NULL)))
			ok++;
	cr_assert_eq(ok, 9, "Xen's limit of 10 is reached at the 10th");
	cr_assert_str_eq(xh_err(xh(u, XS_TRANSACTION_START, 0, "", NULL)),
			 "ENOSPC");
	xh(u, XS_RESET_WATCHES, 0, "", NULL);
	cr_assert_str_eq(xh_err(xh(u, XS_TRANSACTION_START, 0, "", NULL)), "");
}
