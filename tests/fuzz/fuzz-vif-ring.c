/*
 * libFuzzer target: a frontend writes anything into its transmit and receive
 * rings and the pages it grants; the network backend must answer or stop,
 * stay inside what was granted, and release every grant it took.
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

static int send_frame(void *arg, const void *frame, size_t len, const struct vif_tx_meta *m)
{
	(void)arg, (void)frame;
	if (m->gso_size && (m->hdrs.hdr_len >= len || m->gso_size < NET_GSO_MIN_MSS))
		abort();	/* a train the ring service should have refused */
	return len > VIF_MAX_FRAME ? abort(), -1 : 0;
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
	vif_rings_init(&r, tx_page, rx_page);
	r.rx_sg = size & 1;
	frames = 8;
	vif_tx_service(&r, &g, &n, err, sizeof(err));
	vif_rx_service(&r, &g, &n, &starved, err, sizeof(err));
	if (claimed)
		abort();
	return 0;
}
