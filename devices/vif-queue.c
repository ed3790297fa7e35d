#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>
#include "devices/vif-queue.h"

/* Both directions once; false when the rings broke. */
static bool serve(struct vif_queue *q, bool *starved)
{
	char err[160];
	int tx = vif_tx_service(&q->rings, &q->grants, &q->net, err, sizeof(err));
	int rx = tx < 0 ? -1 : vif_rx_service(&q->rings, &q->grants, &q->net, starved, err,
					      sizeof(err));

	if (tx < 0 || rx < 0) {
		q->broken(q->arg, err);
		return false;
	}
	if (tx > 0 || rx > 0)
		q->notify(q->arg);
	return true;
}

static void *queue_thread(void *arg)
{
	struct vif_queue *q = arg;
	bool starved = false, ok;

	/* Buffers may have been posted before the channel was bound. */
	ok = serve(q, &starved);
	while (!dev_thread_stopping(&q->t)) {
		/* A starved ring leaves frames queued in the network until buffers come. */
		struct pollfd p[2] = { { q->t.kick_fd, POLLIN, 0 },
				       { q->net_fd, ok && !starved ? POLLIN : 0, 0 } };
		uint64_t n;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN && read(q->t.kick_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
			break;
		if (ok && (p[0].revents || p[1].revents))
			ok = serve(q, &starved);
	}
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
