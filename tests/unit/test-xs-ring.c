#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-ring.h"
#include "tests/unit/xs-harness.h"

static struct xsd *d;
static struct xs_ring_page *page;
static int notified;

static void notify(void *arg)
{
	(void)arg;
	notified++;
}

static void setup(void)
{
	d = xsd_create();
	page = calloc(1, 4096);		/* the guest's store page */
	cr_assert_eq(xsd_attach_ring(d, 3, page, notify, NULL), 0);
	notified = 0;
}

static void teardown(void)
{
	xsd_destroy(d);		/* NULL-safe */
	free(page);
}

TestSuite(xs_ring, .init = setup, .fini = teardown);

/* Guest side: what a frontend driver does. */
static void guest_put(const void *buf, uint32_t len)
{
	const char *p = buf;

	for (uint32_t i = 0; i < len; i++)
		page->req[XS_RING_MASK(page->req_prod + i)] = p[i];
	page->req_prod += len;
}

static void guest_send(uint32_t type, uint32_t req_id, const void *p,
		       uint32_t len)
{
	struct xs_msg_hdr h = { type, req_id, 0, len };

	guest_put(&h, sizeof(h));
	guest_put(p, len);
}

static uint32_t guest_get(void *buf, uint32_t len)
{
	char *p = buf;
	uint32_t n = 0;

	while (n < len && page->rsp_cons != page->rsp_prod)
		p[n++] = page->rsp[XS_RING_MASK(page->rsp_cons++)];
	return n;
}

/* Takes a message only once all of it is in the ring, as frontends do. */
static int guest_recv(struct xs_msg_hdr *h, char *payload)
{
	uint32_t avail = page->rsp_prod - page->rsp_cons;
	char *p = (char *)h;

	if (avail < sizeof(*h))
		return 0;
	for (uint32_t i = 0; i < sizeof(*h); i++)
		p[i] = page->rsp[XS_RING_MASK(page->rsp_cons + i)];
	if (avail < sizeof(*h) + h->len)
		return 0;
	page->rsp_cons += sizeof(*h);
	cr_assert(h->len <= XS_PAYLOAD_MAX);
	return guest_get(payload, h->len) == h->len;
}

Test(xs_ring, attach_advertises_features)
{
	cr_assert_eq(page->server_features, XS_FEATURES_ALL);
	cr_assert_eq(page->connection, XS_RING_CONNECTED);
	cr_assert_eq(page->error, XS_RING_ERROR_NONE);
	cr_assert(d->domains && d->domains->introduced);
}

Test(xs_ring, request_gets_reply_and_notify)
{
	struct xs_msg_hdr h;
	char buf[XS_PAYLOAD_MAX];

	guest_send(XS_GET_DOMAIN_PATH, 77, "3", 2);
	xsd_ring_kick(d, 3);
	cr_assert_eq(page->req_cons, page->req_prod);
	cr_assert(notified > 0);
	cr_assert(guest_recv(&h, buf));
	cr_assert_eq(h.type, XS_GET_DOMAIN_PATH);
	cr_assert_eq(h.req_id, 77);
	cr_assert_str_eq(buf, "/local/domain/3");
}

Test(xs_ring, relative_write_lands_in_domain_home)
{
	struct xs_conn *dom0 = xh_client(d, 0);
	struct xs_msg_hdr h;
	char buf[XS_PAYLOAD_MAX];

	xh(dom0, XS_MKDIR, 0, "/local/domain/3", NULL);
	xh(dom0, XS_SET_PERMS, 0, "/local/domain/3", "n3", NULL);
	guest_send(XS_WRITE, 1, "name\0guest", 10);
	xsd_ring_kick(d, 3);
	cr_assert(guest_recv(&h, buf));
	cr_assert_eq(h.type, XS_WRITE, "%s", buf);
	cr_assert_str_eq(xh(dom0, XS_READ, 0, "/local/domain/3/name",
			    NULL)->data, "guest");
}

Test(xs_ring, messages_split_across_the_wrap)
{
	struct xs_msg_hdr h;
	char buf[XS_PAYLOAD_MAX];

	/* indices near the 32-bit wrap and the ring end at once */
	page->req_cons = page->req_prod = UINT32_MAX - 5;
	page->rsp_cons = page->rsp_prod = UINT32_MAX - 3;
	for (int i = 0; i < 50; i++) {
		guest_send(XS_GET_DOMAIN_PATH, i, "12", 3);
		xsd_ring_kick(d, 3);
		cr_assert(guest_recv(&h, buf));
		cr_assert_eq(h.req_id, (uint32_t)i);
		cr_assert_str_eq(buf, "/local/domain/12");
	}
}

Test(xs_ring, full_response_ring_waits_for_the_guest)
{
	struct xs_msg_hdr h;
	char buf[XS_PAYLOAD_MAX];
	int got = 0;

	for (int i = 0; i < 40; i++)
		guest_send(XS_GET_DOMAIN_PATH, i, "12345", 6);
	xsd_ring_kick(d, 3);
	cr_assert_eq(page->rsp_prod - page->rsp_cons, XS_RING_SIZE);
	while (got < 40) {
		while (guest_recv(&h, buf)) {
			cr_assert_eq(h.req_id, (uint32_t)got);
			got++;
		}
		xsd_ring_kick(d, 3);	/* the guest's event after reading */
		if (page->rsp_prod == page->rsp_cons)
			break;
	}
	cr_assert_eq(got, 40);
}

Test(xs_ring, hostile_request_index_is_reported_not_followed)
{
	page->req_prod = page->req_cons + XS_RING_SIZE + 1;
	xsd_ring_kick(d, 3);
	cr_assert_eq(page->error, XS_RING_ERROR_RINGIDX);
	cr_assert(notified > 0);
	cr_assert_eq(page->req_cons, 0, "nothing was consumed");
}

Test(xs_ring, reconnect_revives_a_broken_ring)
{
	struct xs_msg_hdr h;
	char buf[XS_PAYLOAD_MAX];

	page->req_prod = page->req_cons + XS_RING_SIZE + 1;
	xsd_ring_kick(d, 3);
	cr_assert_eq(page->error, XS_RING_ERROR_RINGIDX);
	guest_send(XS_GET_DOMAIN_PATH, 1, "3", 2);
	xsd_ring_kick(d, 3);
	cr_assert_eq(page->rsp_prod, 0, "ignored while broken");
	page->connection = XS_RING_RECONNECT;
	notified = 0;
	xsd_ring_kick(d, 3);
	cr_assert_eq(page->connection, XS_RING_CONNECTED);
	cr_assert_eq(page->error, XS_RING_ERROR_NONE);
	cr_assert_eq(page->req_prod, 0);
	cr_assert(notified > 0);
	guest_send(XS_GET_DOMAIN_PATH, 2, "3", 2);
	xsd_ring_kick(d, 3);
	cr_assert(guest_recv(&h, buf));
	cr_assert_eq(h.req_id, 2);
}

Test(xs_ring, reconnect_drops_watches_and_transactions)
{
	struct xs_msg_hdr h;
	char buf[XS_PAYLOAD_MAX];
	struct xs_conn *c = d->domains->conn;

	guest_send(XS_WATCH, 1, "/w\0t\0", 5);
	guest_send(XS_TRANSACTION_START, 2, "", 1);
	xsd_ring_kick(d, 3);
	cr_assert_eq(c->nwatches, 1);
	cr_assert_eq(c->ntxns, 1);
	page->connection = XS_RING_RECONNECT;
	xsd_ring_kick(d, 3);
	cr_assert_eq(c->nwatches, 0);
	cr_assert_eq(c->ntxns, 0);
	cr_assert_not(guest_recv(&h, buf), "old replies are gone");
}

Test(xs_ring, hostile_response_index_is_reported)
{
	page->rsp_cons = page->rsp_prod + 5000;
	guest_send(XS_GET_DOMAIN_PATH, 1, "1", 2);
	xsd_ring_kick(d, 3);
	cr_assert_eq(page->error, XS_RING_ERROR_RINGIDX);
}

Test(xs_ring, oversize_payload_is_a_protocol_error)
{
	struct xs_msg_hdr h = { XS_WRITE, 1, 0, XS_PAYLOAD_MAX + 1 };

	guest_put(&h, sizeof(h));
	xsd_ring_kick(d, 3);
	cr_assert_eq(page->error, XS_RING_ERROR_PROTO);
}

Test(xs_ring, garbage_header_gets_an_error_reply)
{
	struct xs_msg_hdr h;
	char junk[16], buf[XS_PAYLOAD_MAX];

	memset(junk, 0xa5, sizeof(junk));
	guest_send(0xdeadbeef, 9, junk, sizeof(junk));
	xsd_ring_kick(d, 3);
	cr_assert(guest_recv(&h, buf));
	cr_assert_eq(h.type, XS_ERROR);
	cr_assert_str_eq(buf, "ENOSYS");
	cr_assert_eq(page->error, XS_RING_ERROR_NONE);
}

Test(xs_ring, dom0_watch_sees_guest_writes_and_guest_sees_events)
{
	struct xs_conn *dom0 = xh_client(d, 0);
	struct xs_msg_hdr h;
	char buf[XS_PAYLOAD_MAX];

	xh(dom0, XS_MKDIR, 0, "/local/domain/3", NULL);
	xh(dom0, XS_SET_PERMS, 0, "/local/domain/3", "n3", NULL);
	xh(dom0, XS_WATCH, 0, "/local/domain/3", "be", NULL);
	cr_assert(xh_event_is(dom0, "/local/domain/3", "be"));
	guest_send(XS_WATCH, 2, "control\0tok\0", 12);
	xsd_ring_kick(d, 3);
	cr_assert(guest_recv(&h, buf));
	cr_assert_eq(h.type, XS_WATCH);
	cr_assert(guest_recv(&h, buf));
	cr_assert_eq(h.type, XS_WATCH_EVENT);
	cr_assert_str_eq(buf, "control");
	/* Dom0 writes; the event reaches the ring on the next flush. */
	xh_write(dom0, 0, "/local/domain/3/control/shutdown", "poweroff");
	xsd_ring_kick(d, 3);
	cr_assert(guest_recv(&h, buf));
	cr_assert_eq(h.type, XS_WATCH_EVENT);
	cr_assert_str_eq(buf, "control/shutdown");
	cr_assert_str_eq(buf + strlen(buf) + 1, "tok");
	cr_assert(xh_event_is(dom0, "/local/domain/3/control/shutdown", "be"));
}

Test(xs_ring, attach_rejects_dom0_and_doubles)
{
	cr_assert_eq(xsd_attach_ring(d, 0, page, notify, NULL), EINVAL);
	cr_assert_eq(xsd_attach_ring(d, 3, page, notify, NULL), EEXIST);
	cr_assert_eq(xsd_attach_ring(d, 4, NULL, notify, NULL), EINVAL);
}

Test(xs_ring, kick_after_break_is_harmless)
{
	page->req_prod = page->req_cons + XS_RING_SIZE + 1;
	xsd_ring_kick(d, 3);
	xsd_ring_kick(d, 3);
	xsd_ring_kick(d, 99);
	cr_assert_eq(page->error, XS_RING_ERROR_RINGIDX);
	cr_assert_eq(d->domains->conn->broken, true);
}

Test(xs_ring, release_detaches_the_ring)
{
	struct xs_conn *dom0 = xh_client(d, 0);

	cr_assert_str_eq(xh_err(xh(dom0, XS_RELEASE, 0, "3", NULL)), "");
	xsd_reap(d);
	cr_assert_eq(d->conns, dom0);
	cr_assert_null(dom0->next);
}

static struct xs_ring_page *page4;

static int introduce_cb(void *arg, uint32_t domid, uint64_t gfn, uint32_t port)
{
	struct xsd *xd = arg;

	cr_assert_eq(gfn, 0x1234);
	cr_assert_eq(port, 9);
	return xsd_attach_ring(xd, domid, page4, notify, NULL);
}

Test(xs_ring, introduce_hands_the_ring_to_the_embedder)
{
	struct xs_conn *dom0 = xh_client(d, 0);

	page4 = calloc(1, 4096);
	d->introduce = introduce_cb;
	d->introduce_arg = d;
	xh(dom0, XS_WATCH, 0, "@introduceDomain", "i", NULL);
	cr_assert(xh_event_is(dom0, "@introduceDomain", "i"));
	cr_assert_str_eq(xh_err(xh(dom0, XS_INTRODUCE, 0, "4", "4660", "9",
				   NULL)), "");
	cr_assert(xh_event_is(dom0, "@introduceDomain", "i"));
	cr_assert_eq(xh_queued(dom0), 0, "fired once");
	cr_assert_eq(page4->server_features, XS_FEATURES_ALL);
	cr_assert_str_eq(xh(dom0, XS_IS_DOMAIN_INTRODUCED, 0, "4", NULL)->data,
			 "T");
	xsd_destroy(d);
	d = NULL;
	free(page4);
}

/* xenkvmd's idle check: published requests are seen without their event. */
Test(xs_ring, unread_requests_are_visible_without_an_event)
{
	cr_assert_not(xsd_ring_has_requests(d, 3));
	cr_assert_not(xsd_ring_has_requests(d, 9), "no such domain");
	guest_send(XS_GET_DOMAIN_PATH, 5, "3", 2);
	cr_assert(xsd_ring_has_requests(d, 3));
	xsd_ring_kick(d, 3);
	cr_assert_not(xsd_ring_has_requests(d, 3));
}
