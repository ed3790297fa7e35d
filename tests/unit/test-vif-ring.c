/*
 * The network backend's ring service over a fake grant table and a fake
 * network: frames netfront would send go out whole (multi-slot, checksums
 * filled in), frames from the network land in posted buffers, and bad
 * slots, sizes, grants and ring indices get errors without a grant left
 * claimed.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "devices/net-csum.h"
#include "devices/vif-ring.h"
#include "tests/unit/net-frames.h"

#define NPAGES 32

static uint8_t pages[NPAGES][4096];
static int claimed;
static union { struct netif_tx_sring s; uint8_t b[4096]; } txp;
static union { struct netif_rx_sring s; uint8_t b[4096]; } rxp;
static struct vif_rings r;
static uint8_t sent[8][VIF_MAX_FRAME];
static size_t sent_len[8];
static unsigned nsent, nwaiting;
static uint8_t waiting[4][20000];
static size_t waiting_len[4];

static void *get(void *arg, uint32_t gref, bool writable)
{
	(void)arg, (void)writable;
	if (gref >= NPAGES)
		return NULL;
	claimed++;
	return pages[gref];
}

static void put(void *arg, uint32_t gref, bool writable)
{
	(void)arg, (void)gref, (void)writable;
	claimed--;
}

static struct vif_tx_meta sent_meta[8];

static int net_send(void *arg, const void *frame, size_t len, const struct vif_tx_meta *m)
{
	(void)arg;
	if (nsent < 8)
		sent_meta[nsent] = *m;
	if (nsent == 8 || len > sizeof(sent[0]))
		return -1;
	memcpy(sent[nsent], frame, len);
	sent_len[nsent++] = len;
	return 0;
}

static struct vif_rx_meta next_meta;

static ssize_t net_recv(void *arg, void *buf, size_t size, struct vif_rx_meta *m)
{
	(void)arg;
	*m = next_meta;
	if (!nwaiting || waiting_len[0] > size)
		return -1;
	memcpy(buf, waiting[0], waiting_len[0]);
	size = waiting_len[0];
	memmove(waiting, waiting + 1, sizeof(waiting[0]) * 3);
	memmove(waiting_len, waiting_len + 1, sizeof(waiting_len[0]) * 3);
	nwaiting--;
	return (ssize_t)size;
}

static const struct dev_grants g = { get, put, NULL };
static const struct vif_net net = { net_send, net_recv, NULL };

static void setup(void)
{
	memset(pages, 0, sizeof(pages));
	memset(&txp, 0, sizeof(txp));
	memset(&rxp, 0, sizeof(rxp));
	txp.s.req_event = txp.s.rsp_event = rxp.s.req_event = rxp.s.rsp_event = 1;
	claimed = 0, nsent = 0, nwaiting = 0;
	next_meta = (struct vif_rx_meta){ 0 };
	vif_rings_init(&r, &txp, &rxp);
}

static void teardown(void)
{
	cr_assert_eq(claimed, 0, "grants left claimed: %d", claimed);
}

TestSuite(vif_ring, .init = setup, .fini = teardown);

static void tx(uint32_t gref, uint16_t off, uint16_t flags, uint16_t id, uint16_t size)
{
	struct netif_tx_request q = { gref, off, flags, id, size };

	memcpy(&txp.s.ring[txp.s.req_prod++ % r.tx_size].req, &q, sizeof(q));
}

static int serve_tx(void)
{
	char err[160];

	return vif_tx_service(&r, &g, &net, err, sizeof(err));
}

static struct netif_tx_response txr(unsigned i)
{
	return txp.s.ring[i % r.tx_size].rsp;
}

Test(vif_ring, sizes)
{
	cr_assert_eq(r.tx_size, 256);
	cr_assert_eq(r.rx_size, 256);
}

Test(vif_ring, one_slot_frame)
{
	memset(pages[3] + 100, 0x42, 60);
	tx(3, 100, 0, 9, 60);
	cr_assert_eq(serve_tx(), 1);
	cr_assert_eq(nsent, 1);
	cr_assert_eq(sent_len[0], 60);
	cr_assert_eq(sent[0][59], 0x42);
	cr_assert_eq(txr(0).id, 9);
	cr_assert_eq(txr(0).status, NETIF_RSP_OKAY);
	cr_assert_eq(txp.s.req_event, 2);
}

Test(vif_ring, three_slot_frame_in_order)
{
	/* 1000 bytes: 600 in the first slot, then 300 and 100. */
	memset(pages[1] + 3496, 1, 600);
	memset(pages[2], 2, 300);
	memset(pages[4] + 10, 3, 100);
	tx(1, 3496, NETTXF_more_data, 1, 1000);
	tx(2, 0, NETTXF_more_data, 2, 300);
	tx(4, 10, 0, 3, 100);
	serve_tx();
	cr_assert_eq(nsent, 1);
	cr_assert_eq(sent_len[0], 1000);
	cr_assert_eq(sent[0][599], 1);
	cr_assert_eq(sent[0][600], 2);
	cr_assert_eq(sent[0][999], 3);
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(txr(i).status, NETIF_RSP_OKAY);
		cr_assert_eq(txr(i).id, i + 1);
	}
	struct vif_stats st = { 0 };
	vif_stats_read(&r, &st);
	cr_assert_eq(st.tx_packets, 1);
	cr_assert_eq(st.tx_bytes, 1000, "a frame, not its slots");
}

Test(vif_ring, rate_limit_holds_packets_until_the_next_interval)
{
	/* rate=20KB/s@50ms: 1000 bytes an interval. */
	vif_credit_set(&r.credit, 20000, 50000);
	cr_assert_eq(r.credit.bytes, 1000);
	for (uint16_t i = 0; i < 4; i++)
		tx(i, 0, 0, i, 600);
	r.credit.now_us = 1000000;
	serve_tx();
	cr_assert_eq(nsent, 3, "the start's credit and one interval's: 2000 bytes (sent %u)",
		     nsent);
	cr_assert(r.tx_throttled);
	cr_assert_eq(r.credit.next_us, 1050000);
	cr_assert_eq(txp.s.rsp_prod, 3, "the one waiting is not answered yet");
	r.credit.now_us = 1020000;
	serve_tx();
	cr_assert_eq(nsent, 3, "not before the interval ends");
	r.credit.now_us = 1050000;
	serve_tx();
	cr_assert_eq(nsent, 4);
	cr_assert_not(r.tx_throttled);
	cr_assert_eq(txr(3).status, NETIF_RSP_OKAY);
}

Test(vif_ring, rate_limit_credit_builds_up_for_a_big_packet)
{
	unsigned intervals = 0;

	vif_credit_set(&r.credit, 1000, 50000);	/* 50 bytes an interval */
	tx(3, 0, 0, 1, 1500);
	for (r.credit.now_us = 1; nsent == 0 && intervals < 100; r.credit.now_us += 50000) {
		serve_tx();
		intervals++;
	}
	cr_assert_eq(nsent, 1);
	cr_assert_eq(intervals, 29, "1500 bytes of credit, 50 at a time (took %u)", intervals);
}

Test(vif_ring, bad_frames_get_errors_for_every_slot)
{
	tx(99, 0, 0, 1, 60);				/* not granted */
	tx(1, 4000, 0, 2, 200);				/* past the page */
	tx(1, 0, NETTXF_more_data, 3, 100);		/* the rest is larger than the whole */
	tx(2, 0, 0, 4, 200);
	tx(1, 0, 0, 5, 8);				/* shorter than an Ethernet header */
	serve_tx();
	cr_assert_eq(nsent, 0);
	for (unsigned i = 0; i < 5; i++) {
		cr_assert_eq(txr(i).status, NETIF_RSP_ERROR, "slot %u", i);
		cr_assert_eq(txr(i).id, i + 1);
	}
}

Test(vif_ring, too_many_slots)
{
	for (unsigned i = 0; i < 20; i++)
		tx(1, 0, NETTXF_more_data, (uint16_t)i, 10);
	tx(1, 0, 0, 20, 10);
	serve_tx();
	cr_assert_eq(nsent, 0);
	cr_assert_eq(r.tx_cons, 21, "every slot consumed");
	cr_assert_eq(txp.s.rsp_prod, 21, "and answered");
	cr_assert_eq(txr(0).status, NETIF_RSP_ERROR);
}

Test(vif_ring, extra_info_slots_answered_null)
{
	struct netif_extra_info x = { .type = NETIF_EXTRA_TYPE_GSO };

	tx(1, 0, NETTXF_extra_info, 1, 100);
	memcpy(&txp.s.ring[txp.s.req_prod++ % r.tx_size].extra, &x, sizeof(x));
	serve_tx();
	cr_assert_eq(nsent, 0, "a GSO size of 0: the frame is refused");
	cr_assert_eq(txr(0).status, NETIF_RSP_ERROR);
	cr_assert_eq(txr(1).status, NETIF_RSP_NULL);
}

static void tx_extra(uint8_t type, uint8_t flags, uint16_t size, uint8_t gso_type)
{
	struct netif_extra_info x = { .type = type, .flags = flags, .gso_size = size,
				      .gso_type = gso_type };

	memcpy(&txp.s.ring[txp.s.req_prod++ % r.tx_size].extra, &x, sizeof(x));
}

/* A train queued as netfront queues one: the first slot (2 KiB of it, and
 * the whole size), the GSO extra, then a page a slot from grant 11 on. */
static unsigned tx_train(const uint8_t *f, size_t len, uint8_t type, uint16_t mss)
{
	size_t first = len < 2048 ? len : 2048;
	unsigned n = 1;

	memcpy(pages[10], f, first);
	tx(10, 0, NETTXF_csum_blank | NETTXF_data_validated | NETTXF_extra_info |
	   (len > first ? NETTXF_more_data : 0), 100, (uint16_t)len);
	tx_extra(NETIF_EXTRA_TYPE_GSO, 0, mss, type);
	for (size_t off = first; off < len; off += 4096, n++) {
		size_t chunk = len - off < 4096 ? len - off : 4096;

		memcpy(pages[10 + n], f + off, chunk);
		tx(10 + n, 0, off + chunk < len ? NETTXF_more_data : 0, (uint16_t)(100 + n),
		   (uint16_t)chunk);
	}
	return n;
}

static int check_segment(void *arg, const uint8_t *seg, size_t len)
{
	(*(unsigned *)arg)++;
	cr_assert(net_frame_csum_ok(seg, len), "a segment's TCP checksum");
	return 0;
}

Test(vif_ring, gso_train_goes_out_whole_with_its_headers)
{
	static uint8_t f[65536];

	for (int v6 = 0; v6 < 2; v6++) {
		size_t len = net_frame_tcp(f, v6, false, 20000, TCPF_ACK);
		unsigned slots, segments = 0;
		uint32_t first = r.tx_rsp;

		f[(v6 ? 54 : 34) + 16] ^= 0x55;		/* netfront's partial sum is not trusted */
		slots = tx_train(f, len, v6 ? NETIF_GSO_TYPE_TCPV6 : NETIF_GSO_TYPE_TCPV4, 1448);
		serve_tx();
		cr_assert_eq(nsent, (unsigned)v6 + 1);
		cr_assert_eq(sent_len[v6], len);
		cr_assert_eq(sent_meta[v6].gso_size, 1448);
		cr_assert_eq(sent_meta[v6].gso_type, v6 ? NETIF_GSO_TYPE_TCPV6 : NETIF_GSO_TYPE_TCPV4);
		cr_assert_eq(sent_meta[v6].hdrs.l4, v6 ? 54 : 34);
		cr_assert_eq(sent_meta[v6].hdrs.hdr_len, (v6 ? 54 : 34) + 32);
		/* What the host would cut from it carries right checksums. */
		cr_assert_eq(net_gso_segment(sent[v6], len, &sent_meta[v6].hdrs, 1448, check_segment,
					     &segments), 14);
		cr_assert_eq(segments, 14);
		cr_assert_eq(txr(first).status, NETIF_RSP_OKAY);
		cr_assert_eq(txr(first + 1).status, NETIF_RSP_NULL);
		for (unsigned i = 1; i < slots; i++)
			cr_assert_eq(txr(first + 1 + i).status, NETIF_RSP_OKAY);
	}
	cr_assert_eq(r.tx_gso_packets, 2);
	cr_assert_eq(r.tx_first_error[0], 0);
}

Test(vif_ring, gso_train_of_one_segment_goes_plain)
{
	static uint8_t f[4096];
	size_t len = net_frame_tcp(f, false, false, 1000, TCPF_ACK);

	f[34 + 16] = 0;		/* blank, as csum_blank says */
	tx_train(f, len, NETIF_GSO_TYPE_TCPV4, 1448);
	serve_tx();
	cr_assert_eq(nsent, 1);
	cr_assert_eq(sent_meta[0].gso_size, 0);
	cr_assert(net_frame_csum_ok(sent[0], len));
}

Test(vif_ring, hostile_gso_packets_are_dropped_and_the_ring_stays_in_step)
{
	static uint8_t f[65536];
	size_t len = net_frame_tcp(f, false, false, 6000, TCPF_ACK);
	uint32_t before;

	tx_train(f, len, NETIF_GSO_TYPE_TCPV4, 0);			/* size 0 */
	tx_train(f, len, NETIF_GSO_TYPE_TCPV4, 20);			/* below any MSS */
	tx_train(f, len, 7, 1448);					/* no such type */
	tx_train(f, len, NETIF_GSO_TYPE_TCPV6, 1448);			/* IPv4 inside */
	f[16] ^= 1;							/* IP length */
	tx_train(f, len, NETIF_GSO_TYPE_TCPV4, 1448);
	f[16] ^= 1;
	serve_tx();
	cr_assert_eq(nsent, 0);
	cr_assert_eq(r.tx_errors, 5);
	cr_assert(strstr(r.tx_first_error, "GSO type 1 size 0"), "%s", r.tx_first_error);
	for (uint32_t i = 0; i < r.tx_rsp; i++)
		cr_assert_neq(txr(i).status, NETIF_RSP_OKAY, "slot %u", i);
	before = r.tx_rsp;
	tx_train(f, len, NETIF_GSO_TYPE_TCPV4, 1448);
	serve_tx();
	cr_assert_eq(nsent, 1, "a good train after the bad ones");
	cr_assert_eq(txr(before).status, NETIF_RSP_OKAY);
}

Test(vif_ring, hostile_extra_slots)
{
	static uint8_t f[4096];
	size_t len = net_frame_tcp(f, false, false, 100, TCPF_ACK);

	memcpy(pages[1], f, len);
	tx(1, 0, NETTXF_extra_info, 1, (uint16_t)len);		/* an unknown type */
	tx_extra(9, 0, 1448, 1);
	tx(1, 0, NETTXF_extra_info, 2, (uint16_t)len);		/* type 0 */
	tx_extra(0, 0, 0, 0);
	tx(1, 0, NETTXF_extra_info, 3, (uint16_t)len);		/* two GSO ones */
	tx_extra(NETIF_EXTRA_TYPE_GSO, NETIF_EXTRA_FLAG_MORE, 1448, 1);
	tx_extra(NETIF_EXTRA_TYPE_GSO, 0, 1448, 1);
	tx(1, 0, NETTXF_extra_info, 4, (uint16_t)len);		/* many, then a bad one */
	for (int i = 0; i < 6; i++)
		tx_extra(4, NETIF_EXTRA_FLAG_MORE, 0, 0);
	tx_extra(6, 0, 0, 0);
	tx(1, 0, NETTXF_extra_info, 5, (uint16_t)len);		/* a hash one: ignored */
	tx_extra(4, 0, 0, 0);
	serve_tx();
	cr_assert_eq(nsent, 1, "only the packet with the hash extra");
	cr_assert_eq(r.tx_errors, 4);
	cr_assert_eq(r.tx_cons, txp.s.req_prod, "every slot consumed");
	cr_assert_eq(r.tx_rsp, txp.s.req_prod, "and answered");
}

Test(vif_ring, extra_info_past_the_producer)
{
	tx(1, 0, NETTXF_extra_info, 1, 100);
	tx_extra(4, NETIF_EXTRA_FLAG_MORE, 0, 0);
	serve_tx();
	cr_assert_eq(nsent, 0);
	cr_assert_eq(txr(0).status, NETIF_RSP_ERROR);
	cr_assert_eq(r.tx_cons, 2);
	cr_assert(strstr(r.tx_first_error, "past the frontend's producer"), "%s", r.tx_first_error);
}

Test(vif_ring, runaway_producer)
{
	char err[160];

	txp.s.req_prod = 5000;
	cr_assert_eq(vif_tx_service(&r, &g, &net, err, sizeof(err)), -1);
	cr_assert(strstr(err, "tx req_prod"));
}

static void rx_post(uint16_t id, uint32_t gref)
{
	struct netif_rx_request q = { .id = id, .gref = gref };

	memcpy(&rxp.s.ring[rxp.s.req_prod++ % r.rx_size].req, &q, sizeof(q));
}

static void frame_waits(size_t len, uint8_t fill)
{
	memset(waiting[nwaiting], fill, len);
	waiting_len[nwaiting++] = len;
}

Test(vif_ring, rx_fills_posted_buffers_then_starves)
{
	char err[160];
	bool starved;
	struct netif_rx_response a, b;

	rx_post(7, 5);
	rx_post(8, 6);
	frame_waits(1514, 0xaa);
	frame_waits(60, 0xbb);
	frame_waits(60, 0xcc);
	cr_assert_eq(vif_rx_service(&r, &g, &net, &starved, err, sizeof(err)), 1);
	cr_assert(starved, "two buffers for three frames");
	cr_assert(r.rx_have, "the third frame waits in the backend for a buffer");
	a = rxp.s.ring[0].rsp, b = rxp.s.ring[1].rsp;
	cr_assert_eq(a.id, 7);
	cr_assert_eq(a.status, 1514);
	cr_assert_eq(a.offset, 0);
	cr_assert_eq(pages[5][1513], 0xaa);
	cr_assert_eq(b.id, 8);
	cr_assert_eq(b.status, 60);
	cr_assert_eq(rxp.s.req_event, 3, "asks for an event when buffers come");
	struct vif_stats st = { 0 };
	vif_stats_read(&r, &st);
	cr_assert_eq(st.rx_packets, 2);
	cr_assert_eq(st.rx_bytes, 1514 + 60, "the one still waiting is not counted");
}

Test(vif_ring, rx_gso_frame_spans_slots_with_extra_info)
{
	char err[160];
	bool starved;
	struct netif_rx_response rsp;
	struct netif_extra_info x;

	r.rx_sg = true;
	for (uint16_t i = 0; i < 5; i++)
		rx_post(i, 10 + i);
	next_meta = (struct vif_rx_meta){ .csum_blank = true, .gso_size = 1448,
					  .gso_type = NETIF_GSO_TYPE_TCPV4 };
	frame_waits(10000, 0x77);	/* 3 data slots + the extra one */
	vif_rx_service(&r, &g, &net, &starved, err, sizeof(err));
	cr_assert_eq(rxp.s.rsp_prod, 4);
	rsp = rxp.s.ring[0].rsp;
	cr_assert_eq(rsp.status, 4096);
	cr_assert_eq(rsp.flags, NETRXF_csum_blank | NETRXF_data_validated | NETRXF_extra_info |
				NETRXF_more_data);
	memcpy(&x, &rxp.s.ring[1], sizeof(x));
	cr_assert_eq(x.type, NETIF_EXTRA_TYPE_GSO);
	cr_assert_eq(x.gso_size, 1448);
	cr_assert_eq(x.gso_type, NETIF_GSO_TYPE_TCPV4);
	cr_assert_eq(rxp.s.ring[2].rsp.id, 2);
	cr_assert_eq(rxp.s.ring[2].rsp.flags, NETRXF_more_data);
	cr_assert_eq(rxp.s.ring[3].rsp.status, 10000 - 8192);
	cr_assert_eq(rxp.s.ring[3].rsp.flags, 0);
	cr_assert_eq(pages[13][1807], 0x77);
}

Test(vif_ring, rx_big_frame_waits_for_enough_buffers)
{
	char err[160];
	bool starved;

	r.rx_sg = true;
	rx_post(0, 1);
	frame_waits(6000, 1);
	vif_rx_service(&r, &g, &net, &starved, err, sizeof(err));
	cr_assert(starved);
	cr_assert_eq(rxp.s.rsp_prod, 0, "one buffer is not enough for two pages");
	cr_assert_eq(rxp.s.req_event, 2, "event asked for when the second comes");
	rx_post(1, 2);
	vif_rx_service(&r, &g, &net, &starved, err, sizeof(err));
	cr_assert_eq(rxp.s.rsp_prod, 2);
	cr_assert_eq(rxp.s.ring[1].rsp.status, 6000 - 4096);
}

Test(vif_ring, rx_big_frame_without_sg_is_dropped)
{
	char err[160];
	bool starved;

	rx_post(0, 1);
	rx_post(1, 2);
	frame_waits(6000, 1);
	vif_rx_service(&r, &g, &net, &starved, err, sizeof(err));
	cr_assert_eq(rxp.s.rsp_prod, 0);
	cr_assert_eq(r.rx_dropped, 1);
}

Test(vif_ring, rx_bad_buffer_is_an_error)
{
	char err[160];
	bool starved;

	rx_post(1, 1000);
	frame_waits(60, 1);
	vif_rx_service(&r, &g, &net, &starved, err, sizeof(err));
	cr_assert_eq(rxp.s.ring[0].rsp.status, NETIF_RSP_ERROR);
	cr_assert_eq(r.rx_dropped, 1);
}

/* An IPv4/UDP frame: 14 Ethernet + 20 IP + 8 UDP + 4 payload. */
static size_t udp_frame(uint8_t *f)
{
	static const uint8_t hdr[] = {
		0, 0x16, 0x3e, 0, 0, 1, 0, 0x16, 0x3e, 0, 0, 2, 0x08, 0x00,
		0x45, 0, 0, 32, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 9, 0, 2, 10, 9, 0, 1,
		0x30, 0x39, 0x13, 0x89, 0, 12, 0, 0, 'p', 'i', 'n', 'g' };

	memcpy(f, hdr, sizeof(hdr));
	return sizeof(hdr);
}

Test(vif_ring, udp_checksum_filled)
{
	uint8_t f[64];
	size_t len = udp_frame(f);
	uint32_t sum = 0;

	cr_assert(net_fill_csum(f, len));
	/* Verify: pseudo-header + UDP segment sums to 0xffff. */
	for (size_t i = 26; i < 34; i += 2)
		sum += (uint32_t)f[i] << 8 | f[i + 1];
	sum += 17 + 12;
	for (size_t i = 34; i < len; i += 2)
		sum += (uint32_t)f[i] << 8 | f[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	cr_assert_eq(sum, 0xffff);
}

Test(vif_ring, checksum_left_alone_on_odd_frames)
{
	uint8_t f[64];
	size_t len = udp_frame(f);

	cr_assert_not(net_fill_csum(f, 20), "truncated");
	f[12] = 0x88, f[13] = 0xcc;	/* LLDP */
	cr_assert_not(net_fill_csum(f, len));
	f[12] = 0x08, f[13] = 0x00;
	f[20] = 0x20;			/* more fragments */
	cr_assert_not(net_fill_csum(f, len));
}
