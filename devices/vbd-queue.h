/*
 * One ring of a block backend served by its own thread: it sleeps until the
 * frontend sends on the ring's channel (the eventfd the VMM signals) or some
 * of the ring's I/O finishes, serves the ring (vbd-service.c over
 * vbd-uring.c), and rings the frontend back through notify() once per batch.
 */
#ifndef XENKVM_VBD_QUEUE_H
#define XENKVM_VBD_QUEUE_H

#include "devices/dev-thread.h"
#include "devices/vbd-service.h"
#include "devices/vbd-uring.h"

/* Requests of one ring in flight at once (fewer if the ring is smaller). */
#define VBD_QUEUE_DEPTH 64

struct vbd_queue {
	void *ring;				/* the shared ring, mapped */
	size_t ring_bytes;
	const struct vbd_disk *disk;
	struct dev_grants grants;
	void (*notify)(void *arg);		/* raise the frontend's port */
	void (*broken)(void *arg, const char *why);	/* once, from the thread */
	void *arg;
	struct dev_thread t;			/* t.kick_fd: set before start */
	unsigned hold_us;			/* see vbd-service.h; 0: none */
	/* The thread's own. */
	bool started;
	uint64_t events;			/* sent to the frontend */
	uint64_t hold_until;			/* µs, CLOCK_MONOTONIC: held answers go */
	struct vbd_uring io;
	struct vbd_service svc;
};

/* Starts the thread (the fields above filled in); 0, or -1 with errno set. */
int vbd_queue_start(struct vbd_queue *q);
/* Stops it once its I/O in flight has finished; the ring and grants may go after this. */
void vbd_queue_stop(struct vbd_queue *q);

#endif
