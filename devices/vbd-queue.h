/*
 * One ring of a block backend served by its own thread: it sleeps on the
 * eventfd the VMM signals when the frontend sends on the ring's channel,
 * serves the ring, and rings the frontend back through notify().
 */
#ifndef XENKVM_VBD_QUEUE_H
#define XENKVM_VBD_QUEUE_H

#include "devices/dev-thread.h"
#include "devices/vbd-ring.h"

struct vbd_queue {
	struct vbd_ring ring;
	const struct vbd_disk *disk;
	struct dev_grants grants;
	void (*notify)(void *arg);		/* raise the frontend's port */
	void (*broken)(void *arg, const char *why);	/* once, from the thread */
	void *arg;
	struct dev_thread t;			/* t.kick_fd: set before start */
};

/* Starts the thread (the fields above filled in); 0 or -1. */
int vbd_queue_start(struct vbd_queue *q);
/* Stops and joins it; the ring and grants may go after this. */
void vbd_queue_stop(struct vbd_queue *q);

#endif
