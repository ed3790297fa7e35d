/* The TAP endpoint of a vif: frames through a TAP descriptor, each behind
 * a struct virtio_net_hdr (IFF_VNET_HDR), so the host may hand over frames
 * with blank checksums or as TCP segment trains when the frontend takes
 * them. */
#include <errno.h>
#include <stdlib.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <sys/uio.h>
#include <unistd.h>
#include "src/xenkvmd/dom0-tap.h"

struct tap_endpoint {
	struct net_endpoint ep;		/* first */
	int fd;
};

static struct tap_endpoint *tap_of(struct net_endpoint *e)
{
	return (struct tap_endpoint *)e;
}

/* A segment train: the host's kernel cuts it and finishes the checksums
 * from the partial one (the pseudo-header sum the ring service put in). */
static void gso_to_header(const struct vif_tx_meta *m, struct virtio_net_hdr *h)
{
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->gso_type = m->gso_type == NETIF_GSO_TYPE_TCPV6 ? VIRTIO_NET_HDR_GSO_TCPV6
							  : VIRTIO_NET_HDR_GSO_TCPV4;
	h->gso_size = m->gso_size;
	h->hdr_len = m->hdrs.hdr_len;
	h->csum_start = m->hdrs.l4;
	h->csum_offset = 16;	/* the TCP checksum field */
}

/* A full TAP queue drops the frame, as a full NIC queue would. */
static int tap_send(struct net_endpoint *e, const void *frame, size_t len,
		    const struct vif_tx_meta *m)
{
	struct virtio_net_hdr h = { 0 };	/* plain frames are finished: nothing to ask */
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)frame, len } };

	if (m->gso_size)
		gso_to_header(m, &h);
	return writev(tap_of(e)->fd, iov, 2) == (ssize_t)(sizeof(h) + len) ? 0 : -1;
}

static void gso_from_header(const struct virtio_net_hdr *h, struct vif_rx_meta *m)
{
	switch (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		m->gso_type = NETIF_GSO_TYPE_TCPV4, m->gso_size = h->gso_size;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		m->gso_type = NETIF_GSO_TYPE_TCPV6, m->gso_size = h->gso_size;
		break;
	}
}

static ssize_t tap_recv(struct net_endpoint *e, void *buf, size_t size, struct vif_rx_meta *m)
{
	struct virtio_net_hdr h;
	struct iovec iov[2] = { { &h, sizeof(h) }, { buf, size } };
	ssize_t n = readv(tap_of(e)->fd, iov, 2);

	if (n <= (ssize_t)sizeof(h))
		return -1;
	m->csum_blank = h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
	m->data_validated = h.flags & VIRTIO_NET_HDR_F_DATA_VALID;
	gso_from_header(&h, m);
	return n - (ssize_t)sizeof(h);
}

static void tap_poll_prepare(struct net_endpoint *e, struct net_poll *p, bool want_rx)
{
	if (want_rx)
		net_poll_add(p, tap_of(e)->fd, POLLIN);
}

/* The TAP's frames are read in recv: nothing else to do. */
static void tap_poll_done(struct net_endpoint *e, const struct net_poll *p)
{
	(void)e, (void)p;
}

static int tap_offloads(struct net_endpoint *e, unsigned offloads)
{
	unsigned f = 0;

	if (offloads & NET_OFFLOAD_CSUM) {
		f |= TUN_F_CSUM;
		f |= offloads & NET_OFFLOAD_TSO4 ? TUN_F_TSO4 : 0;
		f |= offloads & NET_OFFLOAD_TSO6 ? TUN_F_TSO6 : 0;
	}
	if (tap_set_offload(tap_of(e)->fd, f) < 0)
		return -1;
	/* Segment trains need blank checksums. */
	return f ? (int)(offloads & (NET_OFFLOAD_CSUM | NET_OFFLOAD_TSO4 | NET_OFFLOAD_TSO6)) : 0;
}

static void tap_destroy(struct net_endpoint *e)
{
	close(tap_of(e)->fd);
	free(e);
}

static const struct net_endpoint_ops tap_ops = {
	tap_send, tap_recv, tap_poll_prepare, tap_poll_done, tap_offloads, tap_destroy,
};

struct net_endpoint *tap_endpoint(int fd)
{
	struct tap_endpoint *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ep.ops = &tap_ops;
	t->fd = fd;
	return &t->ep;
}
