/*
 * One queue of a network backend served by its own thread: it waits for
 * the frontend's events (eventfd from the VMM) and for whatever the host
 * side (the net endpoint) waits on, moves packets both ways and notifies
 * the frontend.
 *
 * A vif with several queues has one endpoint: queue 0's thread alone waits
 * on it and reads it, keeps the frames of its flows and hands the others to
 * their queue's inbox (net_flow_hash), waking that queue's thread. Every
 * queue sends the frontend's frames to the endpoint itself.
 */
#ifndef XENKVM_VIF_QUEUE_H
#define XENKVM_VIF_QUEUE_H

#include <pthread.h>
#include "devices/dev-thread.h"
#include "devices/frame-fifo.h"
#include "devices/net-endpoint.h"
#include "devices/vif-ring.h"

#define VIF_MAX_QUEUES 4
/* Frames an inbox holds before queue 0 drops more for it, as a NIC would. */
#define VIF_INBOX_MAX 256

struct vif_inbox {
	pthread_mutex_t lock;
	struct frame_fifo frames;
};

struct vif_queue {
	struct vif_rings rings;
	struct dev_grants grants;
	struct net_endpoint *ep;		/* the vif's one endpoint */
	struct vif_queue *const *queues;	/* the vif's queues, this one among them */
	unsigned nr_queues, index;
	/* Raise the frontend's port(s) for transmit and/or receive answers. */
	void (*notify)(void *arg, bool tx, bool rx);
	void (*broken)(void *arg, const char *why);	/* once, from the thread */
	void (*log)(void *arg, const char *msg);	/* from the thread */
	void *arg;
	struct dev_thread t;			/* t.kick_fd: set before start */
	struct vif_inbox inbox;
	bool tx_error_logged;
};

int vif_queue_start(struct vif_queue *q);
/* Stop queue 0 first: it is the one filling the others' inboxes. */
void vif_queue_stop(struct vif_queue *q);

#endif
