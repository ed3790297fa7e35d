/*
 * One queue of a network backend served by its own thread: it waits for
 * the frontend's event (eventfd from the VMM) and for whatever the host
 * side (the net endpoint) waits on, moves packets both ways and notifies
 * the frontend.
 */
#ifndef XENKVM_VIF_QUEUE_H
#define XENKVM_VIF_QUEUE_H

#include "devices/dev-thread.h"
#include "devices/net-endpoint.h"
#include "devices/vif-ring.h"

struct vif_queue {
	struct vif_rings rings;
	struct dev_grants grants;
	struct net_endpoint *ep;		/* used only by the thread while it runs */
	void (*notify)(void *arg);		/* raise the frontend's port */
	void (*broken)(void *arg, const char *why);	/* once, from the thread */
	void *arg;
	struct dev_thread t;			/* t.kick_fd: set before start */
};

int vif_queue_start(struct vif_queue *q);
void vif_queue_stop(struct vif_queue *q);

#endif
