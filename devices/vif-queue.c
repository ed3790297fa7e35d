#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "devices/net-flow.h"
#include "devices/vif-queue.h"

/* Frames queue 0 reads for its own flows before it returns to its ring. */
#define ROUTE_BATCH 64

static void kick(struct vif_queue *q)
{
	uint64_t one = 1;

	if (write(q->t.kick_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;	/* a full eventfd is already a kick */
}

/* --- the inboxes -------------------------------------------------------------------- */

static void inbox_put(struct vif_queue *q, const void *frame, size_t len,
		      const struct vif_rx_meta *m)
{
	bool queued;

	pthread_mutex_lock(&q->inbox.lock);
	queued = frame_fifo_put(&q->inbox.frames, frame, len, m);
	pthread_mutex_unlock(&q->inbox.lock);
	if (queued)
		kick(q);
}

/* --- the ring service's view of the network, per queue ------------------------------ */

static int mux_send(void *arg, const void *frame, size_t len, const struct vif_tx_meta *m)
{
	struct vif_queue *q = arg;

	return q->ep->ops->send(q->ep, frame, len, m);
}

/* Queue 0: frames of its own flows; the others' go to their inboxes. */
static ssize_t owner_recv(void *arg, void *buf, size_t size, struct vif_rx_meta *m)
{
	struct vif_queue *q = arg;

	for (unsigned i = 0; i < ROUTE_BATCH; i++) {
		ssize_t len = q->ep->ops->recv(q->ep, buf, size, m);
		unsigned to;

		if (len <= 0)
			return len;
		to = net_flow_hash(buf, (size_t)len) % q->nr_queues;
		if (to == q->index)
			return len;
		inbox_put(q->queues[to], buf, (size_t)len, m);
		*m = (struct vif_rx_meta){ 0 };
	}
	return -1;	/* back to the ring; the endpoint stays ready, so the wait is short */
}

static ssize_t inbox_recv(void *arg, void *buf, size_t size, struct vif_rx_meta *m)
{
	struct vif_queue *q = arg;
	ssize_t len;

	pthread_mutex_lock(&q->inbox.lock);
	len = frame_fifo_take(&q->inbox.frames, buf, size, m);
	pthread_mutex_unlock(&q->inbox.lock);
	return len;
}

static struct vif_net queue_io(struct vif_queue *q)
{
	if (q->nr_queues <= 1)
		return net_endpoint_io(q->ep);
	return (struct vif_net){ mux_send, q->index == 0 ? owner_recv : inbox_recv, q };
}

static uint64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* --- the thread ----------------------------------------------------------------------- */

static void log_tx_error(struct vif_queue *q)
{
	char msg[320];

	if (q->tx_error_logged || !q->rings.tx_first_error[0])
		return;
	q->tx_error_logged = true;
	snprintf(msg, sizeof(msg), "queue %u: dropped a bad packet from the frontend: %s "
		 "(further ones are only counted)", q->index, q->rings.tx_first_error);
	q->log(q->arg, msg);
}

/* Both directions once; false when the rings broke. Transmit first: what
 * the host side answers at once (ARP, DHCP from slirp) goes out in the
 * same pass, or, on another queue, queue 0 is woken to read it. */
static bool serve(struct vif_queue *q, bool *starved)
{
	struct vif_net net = queue_io(q);
	uint64_t sent = q->rings.tx_packets;
	char err[160];
	int tx;

	if (q->rings.credit.bytes)	/* rate= only: no clock read per pass otherwise */
		q->rings.credit.now_us = monotonic_us();
	tx = vif_tx_service(&q->rings, &q->grants, &net, err, sizeof(err));
	int rx;

	if (q->index && q->ep->answers_on_send && q->rings.tx_packets != sent)
		kick(q->queues[0]);
	rx = tx < 0 ? -1 : vif_rx_service(&q->rings, &q->grants, &net, starved, err, sizeof(err));
	log_tx_error(q);
	if (tx < 0 || rx < 0) {
		q->broken(q->arg, err);
		return false;
	}
	if (tx > 0 || rx > 0)
		q->notify(q->arg, tx > 0, rx > 0);
	return true;
}

/* Sleeps until the frontend kicks or the endpoint has something; false
 * when the thread should end. */
static bool wait_once(struct vif_queue *q, struct net_poll *p, bool want_rx)
{
	bool owner = q->index == 0;
	uint64_t n;

	p->n = 0;
	p->timeout_ms = -1;
	if (net_poll_add(p, q->t.kick_fd, POLLIN) != 0)
		return false;
	if (owner)
		q->ep->ops->poll_prepare(q->ep, p, want_rx);
	/* Packets waiting for rate= credit: back when the next interval starts. */
	if (q->rings.tx_throttled) {
		uint64_t now = monotonic_us(), at = q->rings.credit.next_us;

		net_poll_limit(p, at > now ? (int)((at - now + 999) / 1000) : 0);
	}
	if (poll(p->fds, p->n, p->timeout_ms) < 0) {
		if (errno != EINTR)
			return false;
		for (unsigned i = 0; i < p->n; i++)
			p->fds[i].revents = 0;
	}
	if (p->fds[0].revents & POLLIN && read(q->t.kick_fd, &n, sizeof(n)) < 0 &&
	    errno != EAGAIN)
		return false;
	if (owner)
		q->ep->ops->poll_done(q->ep, p);
	return true;
}

static void *queue_thread(void *arg)
{
	struct vif_queue *q = arg;
	struct net_poll p = { 0 };
	bool starved = false, ok;

	/* Buffers may have been posted before the channel was bound. */
	ok = serve(q, &starved);
	while (!dev_thread_stopping(&q->t)) {
		/* A starved ring leaves frames in the network until buffers come. */
		if (!wait_once(q, &p, ok && !starved))
			break;
		if (ok)
			ok = serve(q, &starved);
	}
	net_poll_free(&p);
	return NULL;
}

int vif_queue_start(struct vif_queue *q)
{
	pthread_mutex_init(&q->inbox.lock, NULL);
	frame_fifo_init(&q->inbox.frames, VIF_INBOX_MAX);
	if (dev_thread_start(&q->t, queue_thread, q)) {
		pthread_mutex_destroy(&q->inbox.lock);
		return -1;
	}
	return 0;
}

void vif_queue_stop(struct vif_queue *q)
{
	if (!q->t.running)
		return;
	dev_thread_stop(&q->t);
	frame_fifo_clear(&q->inbox.frames);
	pthread_mutex_destroy(&q->inbox.lock);
}
