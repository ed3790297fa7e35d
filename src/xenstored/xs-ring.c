#include <string.h>

#include "src/xenstored/xs-ring.h"
#include "src/xenstored/xs-wire.h"

/* A guest that sends requests without taking replies is not read further
 * until it does: its backlog in Dom0 stays bounded. */
#define XS_RING_BACKLOG (64u << 10)

/* The guest writes the page at any time: every index is read once,
 * checked, and only then used. */
static uint32_t load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void notify(struct xs_conn *c)
{
	if (c->notify)
		c->notify(c->notify_arg);
}

static bool fail(struct xs_conn *c, uint32_t why)
{
	store(&c->ring->error, why);
	xs_conn_reset(c);
	c->broken = true;
	notify(c);
	return false;
}

/* The guest asked for a fresh start (xenstore-ring.txt, reconnection):
 * everything in flight goes, both queues are emptied. */
static void reconnect(struct xs_conn *c)
{
	struct xs_ring_page *r = c->ring;

	xs_conn_reset(c);
	c->broken = false;
	r->req_cons = r->req_prod = 0;
	r->rsp_cons = r->rsp_prod = 0;
	store(&r->error, XS_RING_ERROR_NONE);
	store(&r->connection, XS_RING_CONNECTED);
	notify(c);
}

/* Copies out of the request ring in up to two pieces. Returns the bytes
 * consumed, -1 for an oversize message, -2 for impossible indices. */
static int read_requests(struct xs_conn *c)
{
	struct xs_ring_page *r = c->ring;
	uint32_t cons = load(&r->req_cons), prod = load(&r->req_prod);
	uint32_t avail = prod - cons, done = 0;

	if (avail > XS_RING_SIZE)
		return -2;
	while (done < avail && !c->dead &&
	       c->out_bytes < XS_RING_BACKLOG) {
		uint32_t off = XS_RING_MASK(cons + done);
		uint32_t chunk = XS_RING_SIZE - off;
		char buf[XS_RING_SIZE];
		long used;

		if (chunk > avail - done)
			chunk = avail - done;
		/* Copy first: the guest may rewrite the ring under us. */
		memcpy(buf, r->req + off, chunk);
		used = xs_conn_feed(c, buf, chunk);
		if (used < 0)
			return -1;
		done += used;
		store(&r->req_cons, cons + done);
		if ((uint32_t)used < chunk)
			break;
	}
	return done;
}

/* Returns the bytes produced, or -2 for impossible indices. */
static int write_responses(struct xs_conn *c)
{
	struct xs_ring_page *r = c->ring;
	uint32_t cons = load(&r->rsp_cons), prod = load(&r->rsp_prod);
	uint32_t space, done = 0;

	if (prod - cons > XS_RING_SIZE)
		return -2;
	space = XS_RING_SIZE - (prod - cons);
	while (space && c->out_head) {
		struct xs_out *o = c->out_head;
		uint32_t off = XS_RING_MASK(prod);
		uint32_t chunk = o->size - c->out_off;

		if (chunk > XS_RING_SIZE - off)
			chunk = XS_RING_SIZE - off;
		if (chunk > space)
			chunk = space;
		memcpy(r->rsp + off, o->bytes + c->out_off, chunk);
		prod += chunk;
		space -= chunk;
		done += chunk;
		xs_conn_sent(c, chunk);
	}
	if (done) {
		__atomic_thread_fence(__ATOMIC_RELEASE);
		store(&r->rsp_prod, prod);
	}
	return done;
}

bool xs_ring_has_requests(const struct xs_conn *c)
{
	return c->ring && !c->dead && !c->broken &&
	       load(&c->ring->req_prod) != load(&c->ring->req_cons);
}

bool xs_ring_process(struct xs_conn *c)
{
	bool moved = false;

	if (!c->ring || c->dead)
		return false;
	if (load(&c->ring->connection) == XS_RING_RECONNECT)
		reconnect(c);
	if (c->broken)
		return false;
	for (;;) {
		int in = read_requests(c), out;

		if (in == -2)
			return fail(c, XS_RING_ERROR_RINGIDX);
		if (in < 0)
			return fail(c, XS_RING_ERROR_PROTO);
		out = write_responses(c);
		if (out < 0)
			return fail(c, XS_RING_ERROR_RINGIDX);
		if (!in && !out)
			break;
		moved = true;
	}
	if (moved)
		notify(c);
	return !c->dead;
}
