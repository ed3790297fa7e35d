#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>
#include "devices/vif-queue.h"

/* Both directions once; false when the rings broke. Transmit first: what
 * the host side answers at once (ARP, DHCP from slirp) goes out in the
 * same pass. */
static bool serve(struct vif_queue *q, bool *starved)
{
	struct vif_net net = net_endpoint_io(q->ep);
	char err[160];
	int tx = vif_tx_service(&q->rings, &q->grants, &net, err, sizeof(err));
	int rx = tx < 0 ? -1 : vif_rx_service(&q->rings, &q->grants, &net, starved, err,
					      sizeof(err));

	if (tx < 0 || rx < 0) {
		q->broken(q->arg, err);
		return false;
	}
	if (tx > 0 || rx > 0)
		q->notify(q->arg);
	return true;
}

/* Sleeps until the frontend kicks or the endpoint has something; false
 * when the thread should end. */
static bool wait_once(struct vif_queue *q, struct net_poll *p, bool want_rx)
{
	uint64_t n;

	p->n = 0;
	p->timeout_ms = -1;
	if (net_poll_add(p, q->t.kick_fd, POLLIN) != 0)
		return false;
	q->ep->ops->poll_prepare(q->ep, p, want_rx);
	if (poll(p->fds, p->n, p->timeout_ms) < 0) {
		if (errno != EINTR)
			return false;
		for (unsigned i = 0; i < p->n; i++)
			p->fds[i].revents = 0;
	}
	if (p->fds[0].revents & POLLIN && read(q->t.kick_fd, &n, sizeof(n)) < 0 &&
	    errno != EAGAIN)
		return false;
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
	return dev_thread_start(&q->t, queue_thread, q);
}

void vif_queue_stop(struct vif_queue *q)
{
	dev_thread_stop(&q->t);
}
