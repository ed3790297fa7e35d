#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-proto.h"
#include "tests/unit/xs-harness.h"

struct xs_conn *xh_client(struct xsd *d, uint32_t domid)
{
	struct xs_conn *c = xs_conn_new(d, domid);

	if (domid) {
		c->dom = xs_domain_get(&d->domains, domid, &d->quota);
		c->dom->conn = c;
		c->dom->introduced = true;
	}
	c->next = d->conns;
	d->conns = c;
	return c;
}

static void unpack(const struct xs_out *o, struct xh_reply *out)
{
	struct xs_msg_hdr h;

	memcpy(&h, o->bytes, sizeof(h));
	out->type = h.type;
	out->req_id = h.req_id;
	out->tx_id = h.tx_id;
	out->len = h.len;
	memcpy(out->data, o->bytes + sizeof(h), h.len);
	out->data[h.len] = '\0';
}

int xh_pop(struct xs_conn *c, struct xh_reply *out)
{
	if (!c->out_head)
		return 0;
	unpack(c->out_head, out);
	xs_conn_sent(c, c->out_head->size);
	return 1;
}

/* Replies are taken out of the queue wherever they are, leaving earlier
 * watch events for the test to check. */
static int pop_reply(struct xs_conn *c, struct xh_reply *out)
{
	struct xs_out *prev = NULL;

	for (struct xs_out *o = c->out_head; o; prev = o, o = o->next) {
		if (o->is_event)
			continue;
		unpack(o, out);
		if (prev)
			prev->next = o->next;
		else
			c->out_head = o->next;
		if (c->out_tail == o)
			c->out_tail = prev;
		c->out_bytes -= o->size;
		c->out_count--;
		free(o);
		return 1;
	}
	return 0;
}

int xh_queued(const struct xs_conn *c)
{
	int n = 0;

	for (const struct xs_out *o = c->out_head; o; o = o->next)
		n++;
	return n;
}

void xh_raw(struct xs_conn *c, uint32_t type, uint32_t tx, const void *p,
	    uint32_t len, struct xh_reply *out)
{
	static uint32_t req_id = 100;
	struct xs_msg_hdr h = { type, ++req_id, tx, len };
	char buf[sizeof(h) + XS_PAYLOAD_MAX];

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, len);
	xs_conn_feed(c, buf, sizeof(h) + len);
	memset(out, 0, sizeof(*out));
	out->type = UINT32_MAX;
	pop_reply(c, out);
}

struct xh_reply *xh(struct xs_conn *c, uint32_t type, uint32_t tx, ...)
{
	static struct xh_reply r;
	char buf[XS_PAYLOAD_MAX];
	uint32_t len = 0;
	const char *s;
	va_list ap;

	va_start(ap, tx);
	while ((s = va_arg(ap, const char *))) {
		memcpy(buf + len, s, strlen(s) + 1);
		len += strlen(s) + 1;
	}
	va_end(ap);
	xh_raw(c, type, tx, buf, len, &r);
	return &r;
}

struct xh_reply *xh_write(struct xs_conn *c, uint32_t tx, const char *path,
			  const char *value)
{
	static struct xh_reply r;
	char buf[XS_PAYLOAD_MAX];
	uint32_t plen = strlen(path) + 1;

	memcpy(buf, path, plen);
	memcpy(buf + plen, value, strlen(value));
	xh_raw(c, XS_WRITE, tx, buf, plen + strlen(value), &r);
	return &r;
}

const char *xh_err(const struct xh_reply *r)
{
	if (r->type == XS_ERROR)
		return r->data;
	if (r->type == UINT32_MAX)
		return "NO-REPLY";
	return "";
}

int xh_event_is(struct xs_conn *c, const char *path, const char *token)
{
	struct xh_reply r;
	size_t plen = strlen(path) + 1;

	if (!xh_pop(c, &r) || r.type != XS_WATCH_EVENT)
		return 0;
	return r.len == plen + strlen(token) + 1 && !strcmp(r.data, path) &&
	       !strcmp(r.data + plen, token);
}
