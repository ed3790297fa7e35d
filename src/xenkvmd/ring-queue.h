/*
 * One queue of a backend as its frontend set it up: up to two shared rings
 * (granted pages, mapped writable) and up to two event channels, whose
 * sends the VMM signals on one eventfd (a queue has one thread). The
 * backend skeleton (backend.c) routes the VMM's answers to the binds.
 */
#ifndef XENKVM_XENKVMD_RING_QUEUE_H
#define XENKVM_XENKVMD_RING_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include "devices/grant-ops.h"

#define RING_Q_MAX_PAGES 16	/* a ring of ring-page-order 4 */

struct backend_dev;

struct ring_q {
	struct backend_dev *dev;
	unsigned index;			/* in its device */
	void *ring[2];
	uint32_t refs[2][RING_Q_MAX_PAGES];
	unsigned nr_refs[2];
	uint32_t port[2];		/* equal when one channel serves both directions */
	unsigned nr_ports;
	bool bind_pending[2], bound[2];
	int kick_fd;			/* the VMM signals the frontend's sends here */
	int link_fd;			/* a copy of the VMM link, for the queue's thread */
};

/* Empty, belonging to dev as its queue index. */
void ring_q_init(struct ring_q *q, struct backend_dev *dev, unsigned index);
/* Maps ring which (0 or 1) from n grants; 0, or -1 after backend_fail. */
int ring_q_map(struct ring_q *q, unsigned which, const uint32_t *refs, unsigned n,
	       const char *what);
/* Binds the frontend's n (1 or 2) ports to Dom0 with one eventfd (made with
 * efd_flags beside EFD_CLOEXEC: a thread that polls wants EFD_NONBLOCK, one
 * that reads it through io_uring does not); 0, or -1 after backend_fail.
 * The answers come to backend_bind_reply. */
int ring_q_bind(struct ring_q *q, const uint32_t *ports, unsigned n, int efd_flags);
bool ring_q_bound(const struct ring_q *q);
/* Makes channel c pending in the guest (from the queue's thread too). */
void ring_q_raise(struct ring_q *q, unsigned c);
/* Unbinds, unmaps and closes what the queue holds; it is empty again. */
void ring_q_release(struct ring_q *q);
/* Grant access for the queue's thread: only pages the guest granted Dom0. */
struct dev_grants ring_q_grants(const struct ring_q *q);

/* A LINK_BIND cookie: the device's serial, the queue and the channel. */
static inline uint32_t ring_q_cookie(uint32_t serial, unsigned index, unsigned c)
{
	return serial << 8 | index << 1 | c;
}

#endif
