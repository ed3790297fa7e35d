#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/xenstored/xs-conn.h"
#include "src/xenstored/xs-domain.h"
#include "src/xenstored/xs-proto.h"
#include "src/xenstored/xs-server.h"
#include "src/xenstored/xs-watch.h"

/* A client that stops reading loses watch events past this much queued
 * output instead of growing Dom0's memory without bound. */
#define XS_OUT_FLOOD_BYTES (4u << 20)

struct xs_conn *xs_conn_new(struct xsd *d, uint32_t domid)
{
	struct xs_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->d = d;
	c->domid = domid;
	c->fd = -1;
	c->next_tx_id = 1;
	return c;
}

void xs_conn_reset(struct xs_conn *c)
{
	while (c->out_head) {
		struct xs_out *o = c->out_head;

		c->out_head = o->next;
		free(o);
	}
	c->out_tail = NULL;
	c->out_off = 0;
	c->out_bytes = 0;
	c->out_count = 0;
	c->in_used = 0;
	xs_watch_clear(c);
	xs_conn_drop_txns(c);
}

void xs_conn_free(struct xs_conn *c)
{
	if (!c)
		return;
	xs_conn_reset(c);
	free(c);
}

static bool header_done(const struct xs_conn *c)
{
	return c->in_used >= sizeof(c->in_hdr);
}

long xs_conn_feed(struct xs_conn *c, const void *buf, uint32_t n)
{
	const char *p = buf;
	uint32_t used = 0;

	while (used < n && !c->dead) {
		uint32_t want, take;
		char *dst;

		if (!header_done(c)) {
			want = sizeof(c->in_hdr) - c->in_used;
			dst = (char *)&c->in_hdr + c->in_used;
		} else {
			uint32_t got = c->in_used - sizeof(c->in_hdr);

			want = c->in_hdr.len - got;
			dst = c->in_payload + got;
		}
		take = want < n - used ? want : n - used;
		memcpy(dst, p + used, take);
		used += take;
		c->in_used += take;
		if (header_done(c) && c->in_hdr.len > XS_PAYLOAD_MAX)
			return -1;
		if (header_done(c) &&
		    c->in_used == sizeof(c->in_hdr) + c->in_hdr.len) {
			struct xs_msg_hdr hdr = c->in_hdr;

			c->in_used = 0;
			xs_proto_handle(c, &hdr, c->in_payload);
		}
	}
	return used;
}

static void enqueue(struct xs_conn *c, struct xs_out *o)
{
	o->next = NULL;
	if (c->out_tail)
		c->out_tail->next = o;
	else
		c->out_head = o;
	c->out_tail = o;
	c->out_bytes += o->size;
	c->out_count++;
}

static struct xs_out *make_msg(uint32_t type, uint32_t req_id, uint32_t tx_id,
			       const void *payload, uint32_t len)
{
	struct xs_msg_hdr hdr = { type, req_id, tx_id, len };
	struct xs_out *o = malloc(sizeof(*o) + sizeof(hdr) + len);

	if (!o)
		return NULL;
	o->size = sizeof(hdr) + len;
	o->is_event = false;
	memcpy(o->bytes, &hdr, sizeof(hdr));
	if (len)
		memcpy(o->bytes + sizeof(hdr), payload, len);
	return o;
}

void xs_conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const void *payload, uint32_t len)
{
	static const char enomem[] = "ENOMEM";
	struct xs_out *o = make_msg(type, req_id, tx_id, payload, len);

	if (!o)
		o = make_msg(XS_ERROR, req_id, tx_id, enomem, sizeof(enomem));
	if (!o) {
		/* Not even an error fits: the client would wait forever. */
		c->dead = true;
		return;
	}
	enqueue(c, o);
}

/* Xen does not queue an event identical to one still waiting. Past a
 * long queue we stop looking: a spurious event is allowed, a scan per
 * event over a client's whole backlog is too slow. */
#define XS_DEDUP_SCAN_MAX 256

static bool already_queued(const struct xs_conn *c, const char *payload,
			   uint32_t len)
{
	if (c->out_count > XS_DEDUP_SCAN_MAX)
		return false;
	for (const struct xs_out *o = c->out_head; o; o = o->next)
		if (o->is_event && o->size == sizeof(struct xs_msg_hdr) + len &&
		    !memcmp(o->bytes + sizeof(struct xs_msg_hdr), payload, len) &&
		    (o != c->out_head || c->out_off == 0))
			return true;
	return false;
}

void xs_conn_send_event(struct xs_conn *c, const char *path, const char *token)
{
	uint32_t plen = strlen(path) + 1, len = plen + strlen(token) + 1;
	char payload[XS_PAYLOAD_MAX];
	struct xs_out *o;

	if (len > XS_PAYLOAD_MAX || c->out_bytes > XS_OUT_FLOOD_BYTES)
		return;
	memcpy(payload, path, plen);
	memcpy(payload + plen, token, len - plen);
	if (path[0] != '@' && already_queued(c, payload, len))
		return;
	o = make_msg(XS_WATCH_EVENT, 0, 0, payload, len);
	if (!o)
		return;
	o->is_event = true;
	enqueue(c, o);
}

void xs_conn_sent(struct xs_conn *c, uint32_t n)
{
	while (n && c->out_head) {
		struct xs_out *o = c->out_head;
		uint32_t left = o->size - c->out_off;

		if (n < left) {
			c->out_off += n;
			return;
		}
		n -= left;
		c->out_off = 0;
		c->out_bytes -= o->size;
		c->out_count--;
		c->out_head = o->next;
		if (!c->out_head)
			c->out_tail = NULL;
		free(o);
	}
}

bool xs_conn_has_output(const struct xs_conn *c)
{
	return c->out_head != NULL;
}

bool xs_conn_privileged(const struct xs_conn *c)
{
	return c->domid == 0;
}

uint32_t xs_conn_target(const struct xs_conn *c)
{
	return c->dom ? c->dom->target : XS_NO_TARGET;
}

uint32_t xs_conn_features(const struct xs_conn *c)
{
	return c->dom ? c->dom->features : XS_FEATURES_ALL;
}

struct xs_txn *xs_conn_find_txn(struct xs_conn *c, uint32_t id)
{
	for (struct xs_txn *t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

struct xs_txn *xs_conn_start_txn(struct xs_conn *c, uint32_t max_nodes)
{
	struct xs_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	/* Ids wrap; skip 0 (no transaction) and ids still in use. */
	do
		t->id = c->next_tx_id++;
	while (t->id == 0 || xs_conn_find_txn(c, t->id));
	t->tx = xs_tx_new(t->id, max_nodes);
	if (!t->tx) {
		free(t);
		return NULL;
	}
	t->events_tail = &t->events;
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	return t;
}

static void free_events(struct xs_event *e)
{
	while (e) {
		struct xs_event *next = e->next;

		free(e->perms);
		free(e);
		e = next;
	}
}

void xs_conn_end_txn(struct xs_conn *c, struct xs_txn *t)
{
	for (struct xs_txn **p = &c->txns; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			c->ntxns--;
			break;
		}
	}
	xs_tx_free(t->tx);
	free_events(t->events);
	free(t);
}

void xs_conn_drop_txns(struct xs_conn *c)
{
	while (c->txns)
		xs_conn_end_txn(c, c->txns);
}
