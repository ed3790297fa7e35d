/* libFuzzer target: arbitrary bytes from three xenstore clients at once (a
 * Dom0 tool, a domU on a plain connection, a domU on a shared ring whose
 * indices the input also scribbles on). Build:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=undefined -I. -D_GNU_SOURCE \
 *     tests/fuzz/fuzz-xs-proto.c src/xs-*.c -o build/fuzz-xs-proto
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-conn.h"
#include "src/xenstored/xs-ring.h"
#include "src/xenstored/xs-server.h"

static struct xs_conn *client(struct xsd *d, uint32_t domid)
{
	struct xs_conn *c = xs_conn_new(d, domid);

	if (!c)
		abort();
	if (domid) {
		c->dom = xs_domain_get(&d->domains, domid, &d->quota);
		c->dom->conn = c;
		c->dom->introduced = true;
	}
	c->next = d->conns;
	d->conns = c;
	return c;
}

/* RELEASE or a protocol error may have closed it; reaping frees it. */
static bool alive(const struct xsd *d, const struct xs_conn *c)
{
	for (const struct xs_conn *i = d->conns; i; i = i->next)
		if (i == c)
			return !c->dead;
	return false;
}

static void drain(struct xs_conn *c)
{
	while (c->out_head)
		xs_conn_sent(c, c->out_head->size);
}

static void feed_ring(struct xsd *d, struct xs_ring_page *page,
		      const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		page->req[XS_RING_MASK(page->req_prod + i)] = p[i];
	page->req_prod += n;
	xsd_ring_kick(d, 6);
	page->rsp_cons = page->rsp_prod;	/* the guest reads everything */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsd *d = xsd_create();
	struct xs_ring_page *page = calloc(1, 4096);
	struct xs_conn *conn[2];

	if (!d || !page)
		abort();
	conn[0] = client(d, 0);
	conn[1] = client(d, 5);
	if (xsd_attach_ring(d, 6, page, NULL, NULL))
		abort();
	while (size >= 2) {
		uint8_t sel = data[0], len = data[1];

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (sel % 4 < 2) {
			struct xs_conn **c = &conn[sel % 2];

			if (!alive(d, *c))
				*c = client(d, sel % 2 ? 5 : 0);
			if (xs_conn_feed(*c, data, len) < 0)
				(*c)->dead = true;
			else if (sel & 0x80)
				drain(*c);
		} else if (sel % 4 == 2) {
			feed_ring(d, page, data, len);
		} else if (sel % 4 == 3 && len >= 4) {
			uint32_t v;

			memcpy(&v, data, 4);
			/* a hostile guest rewriting an index, or asking
			 * for a reconnect through the connection field */
			(&page->req_cons)[(sel >> 5) & 7] = v % 4 == 1 ? 1 : v;
		}
		data += len;
		size -= len;
	}
	xsd_destroy(d);
	free(page);
	return 0;
}
