#include <errno.h>
#include <time.h>
#include "devices/vbd-queue.h"

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void notify(struct vbd_queue *q)
{
	q->events++;
	q->notify(q->arg);
}

static void serve(struct vbd_queue *q)
{
	char err[160];
	bool was_holding = q->svc.holding;
	int rc = vbd_service_run(&q->svc, err, sizeof(err));

	if (rc < 0)
		q->broken(q->arg, err);
	else if (rc > 0)
		notify(q);
	if (q->svc.holding && !was_holding)
		q->hold_until = now_us() + q->svc.hold_us;
}

/* Sleeps for the ring or the I/O; answers held back go out when their time is up. */
static int wait(struct vbd_queue *q)
{
	uint64_t now;
	int rc;

	if (!q->svc.holding)
		return vbd_uring_wait(&q->io);
	now = now_us();
	rc = now < q->hold_until ? vbd_uring_wait_for(&q->io, (unsigned)(q->hold_until - now))
				 : -ETIME;
	if (rc != -ETIME)
		return rc;
	if (vbd_service_push(&q->svc) > 0)
		notify(q);
	return 0;
}

static void *queue_thread(void *arg)
{
	struct vbd_queue *q = arg;

	/* Requests may be waiting from before the channel was bound. */
	serve(q);
	while (!dev_thread_stopping(&q->t) && wait(q) == 0)
		serve(q);
	/* The ring and the granted pages go once this returns: the kernel must be done with them. */
	q->svc.draining = true;
	while (!vbd_service_idle(&q->svc)) {
		wait(q);
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
	q->svc.hold_us = q->hold_us;
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
