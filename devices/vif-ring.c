#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "devices/net-csum.h"
#include "devices/vif-ring.h"

void vif_rings_init(struct vif_rings *r, void *tx_page, void *rx_page)
{
	*r = (struct vif_rings){ .tx = tx_page, .rx = rx_page,
				 .tx_size = netif_ring_size(sizeof(union netif_tx_entry)),
				 .rx_size = netif_ring_size(sizeof(union netif_rx_entry)) };
}

#define MAX_BURST (128u << 10)

void vif_credit_set(struct vif_credit *c, uint64_t bytes_per_s, uint64_t interval_us)
{
	*c = (struct vif_credit){ 0 };
	if (!bytes_per_s || !interval_us)
		return;
	c->interval_us = interval_us;
	c->bytes = bytes_per_s * interval_us / 1000000 ? bytes_per_s * interval_us / 1000000 : 1;
	c->remaining = c->bytes;
}

/* Whether a packet of size bytes may go now; takes its credit if so. */
static bool tx_credit(struct vif_rings *r, uint32_t size)
{
	struct vif_credit *c = &r->credit;
	uint64_t burst = c->bytes > MAX_BURST ? c->bytes : MAX_BURST;

	if (!c->bytes)
		return true;
	if (size > c->remaining && c->now_us >= c->next_us) {
		c->remaining = c->remaining + c->bytes < burst ? c->remaining + c->bytes : burst;
		c->next_us = c->now_us + c->interval_us;
	}
	if (size > c->remaining)
		return false;
	c->remaining -= size;
	return true;
}

static int broken(struct vif_rings *r, char *err, size_t errlen, const char *which,
		   uint32_t prod, uint32_t cons, unsigned size)
{
	snprintf(err, errlen, "frontend's %s req_prod %u is %u slots past the %u consumed "
		 "(ring of %u)", which, prod, prod - cons, cons, size);
	r->broken = true;
	return -1;
}

/* io/ring.h's push-and-check over one ring header. */
static int push(uint32_t *rsp_prod, const uint32_t *rsp_event, uint32_t new)
{
	uint32_t old = *rsp_prod;

	__atomic_store_n(rsp_prod, new, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint32_t)(new - __atomic_load_n(rsp_event, __ATOMIC_ACQUIRE)) <
	       (uint32_t)(new - old);
}

/* --- transmit -------------------------------------------------------------------- */

static void tx_respond(struct vif_rings *r, uint16_t id, int16_t status)
{
	struct netif_tx_response rsp = { id, status };

	memcpy(&r->tx->ring[r->tx_rsp++ & (r->tx_size - 1)].rsp, &rsp, sizeof(rsp));
}

static struct netif_tx_request tx_slot(struct vif_rings *r, uint32_t i)
{
	struct netif_tx_request q;

	memcpy(&q, &r->tx->ring[i & (r->tx_size - 1)].req, sizeof(q));
	return q;
}

static bool copy_slot(const struct dev_grants *g, const struct netif_tx_request *q,
		      size_t len, uint8_t *dst)
{
	const uint8_t *page;

	if ((size_t)q->offset + len > XEN_PAGE_SIZE)
		return false;
	page = g->get(g->arg, q->gref, false);
	if (!page)
		return false;
	memcpy(dst, page + q->offset, len);
	g->put(g->arg, q->gref, false);
	return true;
}

/* A packet's slots as the frontend queued them. */
struct tx_packet {
	struct netif_tx_request slots[NETIF_MAX_TX_SLOTS];
	unsigned nslots, extras;
	struct netif_extra_info gso;	/* type 0: none came */
};

/* The counters others read (vif_stats_read) while this ring's thread adds. */
static void count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

void vif_stats_read(const struct vif_rings *r, struct vif_stats *sum)
{
	sum->tx_packets += __atomic_load_n(&r->tx_packets, __ATOMIC_RELAXED);
	sum->tx_bytes += __atomic_load_n(&r->tx_bytes, __ATOMIC_RELAXED);
	sum->rx_packets += __atomic_load_n(&r->rx_packets, __ATOMIC_RELAXED);
	sum->rx_bytes += __atomic_load_n(&r->rx_bytes, __ATOMIC_RELAXED);
}

/* Counts a dropped packet; keeps why the first one was, for the log. */
static bool tx_bad(struct vif_rings *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool tx_bad(struct vif_rings *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->tx_first_error[0]) {
		va_start(ap, fmt);
		vsnprintf(r->tx_first_error, sizeof(r->tx_first_error), fmt, ap);
		va_end(ap);
	}
	return false;
}

/*
 * The extra-info slots after the first request, each saying whether
 * another follows (as many as the frontend likes, as with netback). GSO is kept; multicast and hash ones are not offered
 * and ignored, as netback does with what it did not negotiate.
 */
static bool tx_extras(struct vif_rings *r, uint32_t prod, struct tx_packet *p)
{
	struct netif_extra_info x;
	bool ok = true;

	do {
		if (r->tx_cons == prod)
			return tx_bad(r, "extra-info slots run past the frontend's producer");
		memcpy(&x, &r->tx->ring[r->tx_cons++ & (r->tx_size - 1)].extra, sizeof(x));
		p->extras++;
		if (x.type == 0 || x.type >= NETIF_EXTRA_TYPE_MAX)
			ok = tx_bad(r, "an extra-info slot of type %u", x.type);
		else if (x.type == NETIF_EXTRA_TYPE_GSO && p->gso.type)
			ok = tx_bad(r, "two GSO extra-info slots in one packet");
		else if (x.type == NETIF_EXTRA_TYPE_GSO)
			p->gso = x;
	} while (x.flags & NETIF_EXTRA_FLAG_MORE);	/* ends at the producer at worst */
	return ok;
}

/* The first slot says the whole size, each more_data one its own. */
static bool tx_data_slots(struct vif_rings *r, uint32_t prod, struct tx_packet *p)
{
	bool more = p->slots[0].flags & NETTXF_more_data;

	while (more && r->tx_cons != prod && p->nslots < NETIF_MAX_TX_SLOTS) {
		p->slots[p->nslots] = tx_slot(r, r->tx_cons++);
		more = p->slots[p->nslots++].flags & NETTXF_more_data;
	}
	if (more)
		return tx_bad(r, "a packet of more than %u slots or past the producer",
			      NETIF_MAX_TX_SLOTS);
	return true;
}

/* The slots' data into frame; the first slot holds what the others do not. */
static bool tx_gather(struct vif_rings *r, const struct dev_grants *g,
		      const struct tx_packet *p, uint8_t *frame, size_t *len)
{
	size_t total = p->slots[0].size, used = 0, at;

	for (unsigned i = 1; i < p->nslots; i++)
		used += p->slots[i].size;
	if (total > VIF_MAX_FRAME || used > total || total < 14)
		return tx_bad(r, "a packet of %zu bytes whose slots hold %zu after the first",
			      total, used);
	if (!copy_slot(g, &p->slots[0], total - used, frame))
		return tx_bad(r, "a slot beyond its page or with a grant not given to Dom0");
	at = total - used;
	for (unsigned i = 1; i < p->nslots; i++) {
		if (!copy_slot(g, &p->slots[i], p->slots[i].size, frame + at))
			return tx_bad(r, "a slot beyond its page or with a grant not given to Dom0");
		at += p->slots[i].size;
	}
	*len = total;
	return true;
}

/*
 * A segment train's headers checked and its checksum left for the host to
 * finish. One that fits a single segment goes as a plain frame (what the
 * frontend would have sent without GSO).
 */
static bool tx_prepare_gso(struct vif_rings *r, const struct netif_extra_info *x,
			   uint8_t *frame, size_t len, struct vif_tx_meta *m)
{
	const char *why = net_gso_parse(frame, len, x->gso_type, x->gso_size, &m->hdrs);

	if (why)
		return tx_bad(r, "GSO type %u size %u in a %zu-byte frame: %s", x->gso_type,
			      x->gso_size, len, why);
	if (len - m->hdrs.hdr_len <= x->gso_size) {
		net_fill_csum(frame, len);
		return true;
	}
	m->gso_size = x->gso_size;
	m->gso_type = x->gso_type;
	net_gso_pseudo_csum(frame, len, &m->hdrs);
	return true;
}

static void tx_answer(struct vif_rings *r, const struct tx_packet *p, bool ok)
{
	tx_respond(r, p->slots[0].id, ok ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
	for (unsigned i = 0; i < p->extras; i++)
		tx_respond(r, 0, NETIF_RSP_NULL);
	for (unsigned i = 1; i < p->nslots; i++)
		tx_respond(r, p->slots[i].id, ok ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
}

/* One packet from slot r->tx_cons: all its slots are consumed and answered
 * even when it is bad. */
static void tx_packet(struct vif_rings *r, uint32_t prod, const struct dev_grants *g,
		      const struct vif_net *n)
{
	static __thread uint8_t frame[VIF_MAX_FRAME];
	struct tx_packet p = { .nslots = 1 };
	struct vif_tx_meta m = { 0 };
	size_t len = 0;
	bool ok;

	p.slots[0] = tx_slot(r, r->tx_cons++);
	ok = !(p.slots[0].flags & NETTXF_extra_info) || tx_extras(r, prod, &p);
	ok = tx_data_slots(r, prod, &p) && ok;
	ok = ok && tx_gather(r, g, &p, frame, &len);
	if (ok && p.gso.type)
		ok = tx_prepare_gso(r, &p.gso, frame, len, &m);
	else if (ok && (p.slots[0].flags & NETTXF_csum_blank))
		net_fill_csum(frame, len);	/* others go out as they are */
	if (ok && n->send(n->arg, frame, len, &m) == 0) {
		count(&r->tx_packets, 1);
		count(&r->tx_bytes, len);
		r->tx_gso_packets += m.gso_size != 0;
	} else {
		r->tx_errors++;
	}
	tx_answer(r, &p, ok);
}

int vif_tx_service(struct vif_rings *r, const struct dev_grants *g, const struct vif_net *n,
		   char *err, size_t errlen)
{
	int notify = 0;

	if (r->broken)
		return -1;
	for (;;) {
		uint32_t prod = __atomic_load_n(&r->tx->req_prod, __ATOMIC_ACQUIRE);

		if (prod - r->tx_cons > r->tx_size)
			return broken(r, err, errlen, "tx", prod, r->tx_cons, r->tx_size);
		r->tx_throttled = false;
		while (r->tx_cons != prod && !r->tx_throttled) {
			/* The first slot's size is the whole packet's. */
			if (!r->credit.bytes || tx_credit(r, tx_slot(r, r->tx_cons).size))
				tx_packet(r, prod, g, n);
			else
				r->tx_throttled = true;
		}
		notify |= push(&r->tx->rsp_prod, &r->tx->rsp_event, r->tx_rsp);
		if (r->tx_throttled)
			return notify;	/* the caller comes back at credit.next_us */
		__atomic_store_n(&r->tx->req_event, r->tx_cons + 1, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&r->tx->req_prod, __ATOMIC_ACQUIRE) == r->tx_cons)
			return notify;
	}
}

/* --- receive --------------------------------------------------------------------- */

static void rx_respond(struct vif_rings *r, uint16_t id, uint16_t flags, int16_t status)
{
	struct netif_rx_response rsp = { .id = id, .offset = 0, .flags = flags, .status = status };

	memcpy(&r->rx->ring[r->rx_rsp++ & (r->rx_size - 1)].rsp, &rsp, sizeof(rsp));
}

/* Are need buffers posted? Asks for an event at the need-th if not. */
static int rx_buffers(struct vif_rings *r, unsigned need, char *err, size_t errlen)
{
	uint32_t prod = __atomic_load_n(&r->rx->req_prod, __ATOMIC_ACQUIRE);

	if (prod - r->rx_cons > r->rx_size)
		return broken(r, err, errlen, "rx", prod, r->rx_cons, r->rx_size);
	if (prod - r->rx_cons >= need)
		return 1;
	__atomic_store_n(&r->rx->req_event, r->rx_cons + need, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&r->rx->req_prod, __ATOMIC_ACQUIRE) - r->rx_cons >= need;
}

static struct netif_rx_request rx_take(struct vif_rings *r)
{
	struct netif_rx_request q;

	memcpy(&q, &r->rx->ring[r->rx_cons++ & (r->rx_size - 1)].req, sizeof(q));
	return q;
}

static uint16_t first_flags(const struct vif_rx_meta *m)
{
	if (m->csum_blank)
		return NETRXF_csum_blank | NETRXF_data_validated;
	return m->data_validated ? NETRXF_data_validated : 0;
}

/*
 * The waiting frame into posted buffers, a page each, in ring order: the
 * first data slot, then (GSO) the extra-info slot, then the rest, as
 * netback lays them out.
 */
static void rx_deliver(struct vif_rings *r, const struct dev_grants *g)
{
	const struct vif_rx_meta *m = &r->rx_meta;
	size_t off = 0;
	bool gso = m->gso_size != 0, bad = false;

	for (unsigned slot = 0; off < r->rx_len || (gso && slot == 1); slot++) {
		struct netif_rx_request q = rx_take(r);
		size_t chunk = r->rx_len - off < XEN_PAGE_SIZE ? r->rx_len - off : XEN_PAGE_SIZE;
		uint16_t flags = slot == 0 ? first_flags(m) | (gso ? NETRXF_extra_info : 0) : 0;
		uint8_t *page;

		if (slot == 1 && gso) {
			struct netif_extra_info x = { .type = NETIF_EXTRA_TYPE_GSO,
						      .gso_size = m->gso_size,
						      .gso_type = m->gso_type };
			memcpy(&r->rx->ring[r->rx_rsp++ & (r->rx_size - 1)], &x, sizeof(x));
			continue;
		}
		if (off + chunk < r->rx_len)
			flags |= NETRXF_more_data;
		page = g->get(g->arg, q.gref, true);
		if (!page) {
			bad = true;
			rx_respond(r, q.id, flags, NETIF_RSP_ERROR);
		} else {
			memcpy(page, r->rx_frame + off, chunk);
			g->put(g->arg, q.gref, true);
			rx_respond(r, q.id, flags, (int16_t)chunk);
		}
		off += chunk;
	}
	if (bad) {
		r->rx_dropped++;
	} else {
		count(&r->rx_packets, 1);
		count(&r->rx_bytes, r->rx_len);
	}
}

int vif_rx_service(struct vif_rings *r, const struct dev_grants *g, const struct vif_net *n,
		   bool *starved, char *err, size_t errlen)
{
	int room = 1;

	*starved = false;
	if (r->broken)
		return -1;
	for (;;) {
		unsigned need;

		if (!r->rx_have) {
			ssize_t len;

			r->rx_meta = (struct vif_rx_meta){ 0 };
			len = n->recv(n->arg, r->rx_frame, sizeof(r->rx_frame), &r->rx_meta);
			if (len < 0)
				break;
			r->rx_len = (size_t)len;
			r->rx_have = true;
		}
		need = (unsigned)((r->rx_len + XEN_PAGE_SIZE - 1) / XEN_PAGE_SIZE);
		if (r->rx_len == 0 || (need > 1 && !r->rx_sg) || need > NETIF_MAX_TX_SLOTS - 1) {
			/* Nothing the frontend could take: drop it, as a NIC would. */
			r->rx_dropped++;
			r->rx_have = false;
			continue;
		}
		need += r->rx_meta.gso_size ? 1 : 0;
		room = rx_buffers(r, need, err, errlen);
		if (room <= 0)
			break;
		rx_deliver(r, g);
		r->rx_have = false;
	}
	if (room < 0)
		return -1;
	*starved = room == 0;
	return push(&r->rx->rsp_prod, &r->rx->rsp_event, r->rx_rsp);
}
