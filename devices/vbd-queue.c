#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include "devices/vbd-queue.h"

static bool wait_kick(struct vbd_queue *q)
{
	uint64_t n;

	while (read(q->t.kick_fd, &n, sizeof(n)) < 0)
		if (errno != EINTR && errno != EAGAIN)
			return false;
	return !dev_thread_stopping(&q->t);
}

static void *queue_thread(void *arg)
{
	struct vbd_queue *q = arg;
	char err[160];

	/* Requests may be waiting from before the channel was bound. */
	do {
		int rc = vbd_ring_service(&q->ring, q->disk, &q->grants, err, sizeof(err));

		if (rc < 0) {
			q->broken(q->arg, err);
			/* A broken ring is not served again; wait to be stopped. */
			while (wait_kick(q))
				;
			break;
		}
		if (rc > 0)
			q->notify(q->arg);
	} while (wait_kick(q));
	return NULL;
}

int vbd_queue_start(struct vbd_queue *q)
{
	return dev_thread_start(&q->t, queue_thread, q);
}

void vbd_queue_stop(struct vbd_queue *q)
{
	dev_thread_stop(&q->t);
}
