/*
 * The network backend's ring service: packets the frontend queued on its
 * transmit ring go to the network; packets from the network are copied into
 * the buffers it posted on its receive ring (rx-copy). Every slot, size,
 * offset and grant is the frontend's and is checked: a bad packet is
 * dropped with an error response, a bad ring index stops the rings.
 */
#ifndef XENKVM_VIF_RING_H
#define XENKVM_VIF_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "devices/grant-ops.h"
#include "devices/net-gso.h"
#include "devices/netif.h"

#define VIF_MAX_FRAME 65536

/* What the network says of a received frame. */
struct vif_rx_meta {
	bool csum_blank;	/* the TCP/UDP checksum is still to be filled in */
	bool data_validated;	/* checksums known good */
	uint16_t gso_size;	/* a TCP segment train of this MSS, or 0 */
	uint8_t gso_type;	/* NETIF_GSO_TYPE_TCPV4/6 */
};

/* What the frontend asks of a frame it sends. */
struct vif_tx_meta {
	uint16_t gso_size;	/* a TCP segment train to cut at this MSS, or 0 */
	uint8_t gso_type;	/* NETIF_GSO_TYPE_TCPV4/6 */
	/* With gso_size: the train's headers, checked; its TCP checksum field
	 * holds the pseudo-header sum (the rest is the host's or to be cut). */
	struct net_gso_hdrs hdrs;
};

/* Where packets go and come from (a TAP device, a test). */
struct vif_net {
	/* A whole frame: checksums filled in unless m->gso_size. */
	int (*send)(void *arg, const void *frame, size_t len, const struct vif_tx_meta *m);
	/* One frame into buf, its length, or -1 when none is waiting. */
	ssize_t (*recv)(void *arg, void *buf, size_t size, struct vif_rx_meta *meta);
	void *arg;
};

/*
 * The vif's rate= limit on what the guest sends, as netback's credit: so
 * many bytes per interval, a packet waiting on the ring until the next
 * interval when it does not fit. Unused credit builds up to 128 KiB (or
 * one interval's, if more), so a GSO train fits in the end. bytes 0: no
 * limit.
 */
struct vif_credit {
	uint64_t bytes, interval_us;
	uint64_t remaining;
	uint64_t next_us;	/* when the next interval starts */
	uint64_t now_us;	/* CLOCK_MONOTONIC, set by the caller before each service */
};

struct vif_rings {
	struct netif_tx_sring *tx;
	struct netif_rx_sring *rx;
	unsigned tx_size, rx_size;
	uint32_t tx_cons, tx_rsp, rx_cons, rx_rsp;
	bool rx_sg;		/* the frontend takes frames over several slots */
	bool broken;
	uint64_t tx_packets, tx_gso_packets, tx_errors, rx_packets, rx_dropped;
	uint64_t tx_bytes, rx_bytes;	/* what xentop shows; read with vif_stats_read */
	struct vif_credit credit;
	bool tx_throttled;	/* packets wait for credit.next_us */
	/* Why the first bad packet the frontend sent was dropped ("" if none). */
	char tx_first_error[160];
	/* A frame from the network waiting for enough posted buffers. */
	bool rx_have;
	size_t rx_len;
	struct vif_rx_meta rx_meta;
	uint8_t rx_frame[VIF_MAX_FRAME];
};

void vif_rings_init(struct vif_rings *r, void *tx_page, void *rx_page);
/* rate= as bytes per second, replenished every interval_us (0: no limit). */
void vif_credit_set(struct vif_credit *c, uint64_t bytes_per_s, uint64_t interval_us);
/* 1 when the frontend should be notified, 0 when not, -1 when broken (err). */
int vif_tx_service(struct vif_rings *r, const struct dev_grants *g, const struct vif_net *n,
		   char *err, size_t errlen);
/*
 * Moves frames from the network while the frontend has buffers posted.
 * *starved says it ran out of buffers (the caller stops reading the
 * network until the frontend posts more and notifies).
 */
int vif_rx_service(struct vif_rings *r, const struct dev_grants *g, const struct vif_net *n,
		   bool *starved, char *err, size_t errlen);

/* Adds the frames and bytes the guest sent and received to *sum; from any thread. */
struct vif_stats {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
};
void vif_stats_read(const struct vif_rings *r, struct vif_stats *sum);

#endif
