/*
 * libFuzzer target: a frontend writes anything into its transmit and receive
 * rings and the pages it grants; the network backend must answer or stop,
 * stay inside what was granted, and release every grant it took; trains
 * it accepts (GSO) are cut without a segment over its MSS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "devices/vif-ring.h"

#define NPAGES 8

static uint8_t pages[NPAGES][4096];
static uint8_t tx_page[4096], rx_page[4096];
static int claimed, frames;

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

static size_t seg_limit;

static int check_segment(void *arg, const uint8_t *seg, size_t len)
{
	(void)arg, (void)seg;
	return len > seg_limit ? abort(), -1 : 0;
}

/* Trains the ring service accepted are cut, as the slirp side does. */
static int send_frame(void *arg, const void *frame, size_t len, const struct vif_tx_meta *m)
{
	(void)arg;
	if (len > VIF_MAX_FRAME)
		abort();
	if (!m->gso_size)
		return 0;
	if (m->hdrs.hdr_len >= len || m->gso_size < NET_GSO_MIN_MSS)
		abort();	/* a train the ring service should have refused */
	seg_limit = (size_t)m->hdrs.hdr_len + m->gso_size;
	return net_gso_segment(frame, len, &m->hdrs, m->gso_size, check_segment, NULL) < 0;
}

/*
 * Inputs starting 'G' queue one netfront-shaped train instead: a first
 * slot with the extra-info flag, a GSO extra slot and data slots over
 * pages 4..7 holding a TCP frame, sizes, types and header bytes taken
 * from the input, so the GSO checks are reached deep.
 */
static void gso_train(const uint8_t *d, size_t size, struct netif_tx_sring *tx)
{
	static const uint8_t hdr[] = {
		0, 0x16, 0x3e, 0, 0, 1, 0, 0x16, 0x3e, 0, 0, 2, 0x08, 0x00,
		0x45, 0, 0x20, 0x00, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0x9c, 0x40, 0x13, 0x89, 0, 0, 3, 0xe8, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0,
	};
	uint16_t len = 0x2000 + 14;
	struct netif_extra_info x = { NETIF_EXTRA_TYPE_GSO, d[1] & 1, (uint16_t)(d[2] | d[3] << 8),
				      d[4], 0, 0 };

	memcpy(pages[4], hdr, sizeof(hdr));
	for (size_t i = 8; i + 1 < size && i < 64; i += 2)
		pages[4][d[i] % sizeof(hdr)] = d[i + 1];
	if (d[5] & 1)
		len = (uint16_t)(d[6] | d[7] << 8);
	tx->ring[0].req = (struct netif_tx_request){ 4, 0, NETTXF_csum_blank | NETTXF_extra_info |
						     NETTXF_more_data, 1, len };
	tx->ring[1].extra = x;
	tx->ring[2].req = (struct netif_tx_request){ 5, 0, NETTXF_more_data, 2, 4000 };
	tx->ring[3].req = (struct netif_tx_request){ 6, 0, 0, 3, 4000 };
	tx->req_prod = 4;
}

static ssize_t recv_frame(void *arg, void *buf, size_t size, struct vif_rx_meta *m)
{
	size_t len = frames & 1 ? 1514 : 30000;

	(void)arg;
	if (frames-- <= 0)
		return -1;
	m->gso_size = frames & 2 ? 1448 : 0;
	m->gso_type = NETIF_GSO_TYPE_TCPV4;
	memset(buf, 0x5a, len < size ? len : size);
	return (ssize_t)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dev_grants g = { get, put, NULL };
	const struct vif_net n = { send_frame, recv_frame, NULL };
	static struct vif_rings r;
	char err[160];
	bool starved;
	size_t k = size < 4096 ? size : 4096;

	memset(tx_page, 0, sizeof(tx_page));
	memset(rx_page, 0, sizeof(rx_page));
	memcpy(tx_page, data, k);
	if (size > 4096)
		memcpy(rx_page, data + 4096, size - 4096 < 4096 ? size - 4096 : 4096);
	if (size > 8192)
		memcpy(pages, data + 8192, size - 8192 < sizeof(pages) ? size - 8192 : sizeof(pages));
	if (size >= 64 && data[0] == 'G')
		gso_train(data, size, (struct netif_tx_sring *)tx_page);
	vif_rings_init(&r, tx_page, rx_page);
	r.rx_sg = size & 1;
	frames = 8;
	/* Sometimes a rate= limit, served twice: the ring stays in step across the wait. */
	if (size & 2)
		vif_credit_set(&r.credit, (size & 0xfff0) + 1, 50000);
	vif_tx_service(&r, &g, &n, err, sizeof(err));
	r.credit.now_us += 50000;
	vif_tx_service(&r, &g, &n, err, sizeof(err));
	vif_rx_service(&r, &g, &n, &starved, err, sizeof(err));
	if (claimed)
		abort();
	return 0;
}
