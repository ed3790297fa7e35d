#include <errno.h>
#include "devices/vbd-queue.h"

static void serve(struct vbd_queue *q)
{
	char err[160];
	int rc = vbd_service_run(&q->svc, err, sizeof(err));

	if (rc < 0) {
		q->broken(q->arg, err);
	} else if (rc > 0) {
		q->events++;
		q->notify(q->arg);
	}
}

static void *queue_thread(void *arg)
{
	struct vbd_queue *q = arg;

	/* Requests may be waiting from before the channel was bound. */
	serve(q);
	while (!dev_thread_stopping(&q->t) && vbd_uring_wait(&q->io) == 0)
		serve(q);
	/* The ring and the granted pages go once this returns: the kernel must be done with them. */
	q->svc.draining = true;
	while (!vbd_service_idle(&q->svc)) {
		vbd_uring_wait(&q->io);
		serve(q);
	}
	return NULL;
}

int vbd_queue_start(struct vbd_queue *q)
{
	int rc = vbd_uring_init(&q->io, q->disk, VBD_QUEUE_DEPTH, q->t.kick_fd);

	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	rc = vbd_service_init(&q->svc, q->ring, q->ring_bytes, q->disk, &q->grants, &q->io.io,
			      VBD_QUEUE_DEPTH);
	if (rc == 0 && dev_thread_start(&q->t, queue_thread, q)) {
		vbd_service_fini(&q->svc);
		rc = -1;
	}
	if (rc) {
		vbd_uring_fini(&q->io);
		errno = ENOMEM;
		return -1;
	}
	q->started = true;
	return 0;
}

void vbd_queue_stop(struct vbd_queue *q)
{
	if (!q->started)
		return;
	dev_thread_stop(&q->t);
	vbd_service_fini(&q->svc);
	vbd_uring_fini(&q->io);
	q->started = false;
}
