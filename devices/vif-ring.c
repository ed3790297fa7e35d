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

/*
 * One packet from slot r->tx_cons: its slots (the first says the whole
 * size, each more_data one its own), extra-info slots after the first. All
 * are consumed and answered even when the packet is bad.
 */
static void tx_packet(struct vif_rings *r, uint32_t prod, const struct dev_grants *g,
		      const struct vif_net *n)
{
	static __thread uint8_t frame[VIF_MAX_FRAME];
	struct netif_tx_request slots[NETIF_MAX_TX_SLOTS];
	unsigned nslots = 0, extras = 0;
	bool ok = true, more;
	size_t total, used = 0;

	slots[nslots++] = tx_slot(r, r->tx_cons++);
	total = slots[0].size;
	if (slots[0].flags & NETTXF_extra_info) {
		/* No extra types are offered (no GSO): consume and refuse them. */
		struct netif_extra_info x;
		do {
			if (r->tx_cons == prod)
				break;
			memcpy(&x, &r->tx->ring[r->tx_cons++ & (r->tx_size - 1)].extra, sizeof(x));
			extras++;
		} while ((x.flags & NETIF_EXTRA_FLAG_MORE) && extras < 4);
		ok = false;
	}
	more = slots[0].flags & NETTXF_more_data;
	while (more && r->tx_cons != prod && nslots < NETIF_MAX_TX_SLOTS) {
		slots[nslots] = tx_slot(r, r->tx_cons++);
		more = slots[nslots++].flags & NETTXF_more_data;
	}
	if (more)
		ok = false;	/* a packet past the slot limit or the producer */
	/* The first slot holds what the others do not. */
	for (unsigned i = 1; i < nslots && ok; i++)
		used += slots[i].size;
	if (!ok || total > VIF_MAX_FRAME || used > total || total < 14)
		ok = false;
	else if (!copy_slot(g, &slots[0], total - used, frame))
		ok = false;
	for (unsigned i = 1, at = (unsigned)(total - used); i < nslots && ok; i++) {
		ok = copy_slot(g, &slots[i], slots[i].size, frame + at);
		at += slots[i].size;
	}
	if (ok && (slots[0].flags & NETTXF_csum_blank))
		net_fill_csum(frame, total);	/* others go out as they are */
	if (ok && n->send(n->arg, frame, total) == 0)
		r->tx_packets++;
	else
		r->tx_errors++;
	tx_respond(r, slots[0].id, ok ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
	for (unsigned i = 0; i < extras; i++)
		tx_respond(r, 0, NETIF_RSP_NULL);
	for (unsigned i = 1; i < nslots; i++)
		tx_respond(r, slots[i].id, ok ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
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
		while (r->tx_cons != prod)
			tx_packet(r, prod, g, n);
		notify |= push(&r->tx->rsp_prod, &r->tx->rsp_event, r->tx_rsp);
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
	if (bad)
		r->rx_dropped++;
	else
		r->rx_packets++;
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
