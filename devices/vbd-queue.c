#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include "devices/vbd-queue.h"

static bool wait_kick(struct vbd_queue *q)
{
	uint64_t n;

	while (read(q->kick_fd, &n, sizeof(n)) < 0)
		if (errno != EINTR && errno != EAGAIN)
			return false;
	return !__atomic_load_n(&q->stop, __ATOMIC_ACQUIRE);
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
	q->stop = false;
	if (pthread_create(&q->thread, NULL, queue_thread, q))
		return -1;
	q->running = true;
	return 0;
}

void vbd_queue_stop(struct vbd_queue *q)
{
	uint64_t one = 1;

	if (!q->running)
		return;
	__atomic_store_n(&q->stop, true, __ATOMIC_RELEASE);
	if (write(q->kick_fd, &one, sizeof(one)) < 0)
		pthread_cancel(q->thread);
	pthread_join(q->thread, NULL);
	q->running = false;
}
