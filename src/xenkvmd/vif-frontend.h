/*
 * What a netfront publishes for its queues when it connects: one queue's
 * keys in its own directory, or multi-queue-num-queues and queue-N/
 * directories; per queue its two ring grants and one event channel, or one
 * for transmit and one for receive (feature-split-event-channels).
 */
#ifndef XENKVM_VIF_FRONTEND_H
#define XENKVM_VIF_FRONTEND_H

#include <stddef.h>
#include <stdint.h>
#include "devices/vif-queue.h"

struct vif_fe_queue {
	uint32_t tx_ref, rx_ref;
	uint32_t tx_port, rx_port;	/* equal: one channel for both */
};

struct vif_fe_keys {
	unsigned nr_queues;
	struct vif_fe_queue q[VIF_MAX_QUEUES];
};

/* A key under the frontend's directory ("queue-1/tx-ring-ref"): its value,
 * def when absent, -1 when not an unsigned 32-bit number. */
typedef long long (*vif_fe_reader)(void *arg, const char *key, long long def);

/* 0, or -1 with a message naming the missing or bad key. */
int vif_fe_read_keys(vif_fe_reader read, void *arg, struct vif_fe_keys *k, char *err,
		     size_t errlen);

#endif
