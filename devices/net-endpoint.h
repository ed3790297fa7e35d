/*
 * The host side of a vif: where the frames the frontend sends go and where
 * the frames it receives come from (a TAP device, a user-mode network
 * stack). The vif's queue thread sends and receives through it and also
 * waits on the descriptors it adds, so an endpoint with work of its own
 * (slirp's sockets and timers) does it on that thread, between the rings'
 * services.
 */
#ifndef XENKVM_NET_ENDPOINT_H
#define XENKVM_NET_ENDPOINT_H

#include <poll.h>
#include <stdbool.h>
#include "devices/vif-ring.h"

/* What the queue thread waits on, and for how long. */
struct net_poll {
	struct pollfd *fds;
	unsigned n, cap;
	int timeout_ms;		/* -1: until a descriptor is ready */
};

/* fd's index in p->fds, or -1 when out of memory (it is not waited on). */
int net_poll_add(struct net_poll *p, int fd, short events);
/* Wait at most ms (>= 0) milliseconds. */
void net_poll_limit(struct net_poll *p, int ms);
void net_poll_free(struct net_poll *p);

/* Frames the frontend takes unfinished, for set_offloads. */
#define NET_OFFLOAD_CSUM 1u	/* blank TCP/UDP checksums */
#define NET_OFFLOAD_TSO4 2u	/* TCP segment trains */
#define NET_OFFLOAD_TSO6 4u

struct net_endpoint;

struct net_endpoint_ops {
	/* One whole frame, checksums filled in, or a TCP segment train
	 * (m->gso_size) to be cut; -1 when it was dropped. */
	int (*send)(struct net_endpoint *e, const void *frame, size_t len,
		    const struct vif_tx_meta *m);
	/* One frame for the frontend, as struct vif_net's recv. */
	ssize_t (*recv)(struct net_endpoint *e, void *buf, size_t size, struct vif_rx_meta *m);
	/*
	 * Adds what the endpoint waits on to p and lowers its timeout for the
	 * endpoint's timers. want_rx false: the frontend has no buffers, so
	 * frames should stay where they are for now.
	 */
	void (*poll_prepare)(struct net_endpoint *e, struct net_poll *p, bool want_rx);
	/* After the wait, revents filled in (0 on a failed poll). */
	void (*poll_done)(struct net_endpoint *e, const struct net_poll *p);
	/* Asks for unfinished frames the frontend takes (NET_OFFLOAD_*); the
	 * ones that will come, or -1 with errno. Before the queue starts. */
	int (*set_offloads)(struct net_endpoint *e, unsigned offloads);
	void (*destroy)(struct net_endpoint *e);
};

struct net_endpoint {
	const struct net_endpoint_ops *ops;
	/* A send may leave frames for recv at once (slirp's answers), so the
	 * thread that reads the endpoint is woken after another one sends. */
	bool answers_on_send;
};

/* The endpoint as the ring service's struct vif_net. */
struct vif_net net_endpoint_io(struct net_endpoint *e);

#endif
