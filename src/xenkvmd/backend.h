/*
 * The skeleton every xenbus backend of xenkvmd shares (vbd, vif, console):
 * the list of devices, the toolstack's directories, the backend half of the
 * xenbus state machine, the queues' event-channel binds, detach, removal
 * and the log. A kind of device fills in a struct backend_kind and keeps
 * its own state in a struct that begins with struct backend_dev.
 */
#ifndef XENKVM_XENKVMD_BACKEND_H
#define XENKVM_XENKVMD_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "devices/xenbus.h"
#include "src/common/ctl-proto.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/ring-queue.h"

#define BACKEND_MAX_QUEUES 8

struct backend_dev;

struct backend_kind {
	const char *type;	/* the xenstore directory: "vbd", "vif", "console" */
	/* The toolstack's nodes in both directories (they exist, empty). */
	int (*write_nodes)(struct dom0 *z, struct backend_dev *b);
	/* What the frontend reads before it sets up; the skeleton then says InitWait. */
	void (*probe)(struct dom0 *z, struct backend_dev *b);
	/* The frontend published its rings: read its keys, map and bind each
	 * queue (ring_q_map, ring_q_bind) and set nr_queues; on error call
	 * backend_fail. */
	void (*connect)(struct dom0 *z, struct backend_dev *b);
	/* Every queue's channels are bound: start serving, then backend_connected. */
	void (*start)(struct dom0 *z, struct backend_dev *b);
	/* Stop serving (threads first); the skeleton then releases the queues.
	 * May run when nothing was started. */
	void (*stop)(struct backend_dev *b);
	/* Free what the kind holds (an image, a host endpoint); not b itself. */
	void (*destroy)(struct backend_dev *b);
	/* One row for xl's <kind>-list. */
	void (*list_row)(const struct backend_dev *b, struct ctl_msg *rep);
	/* Adds the device's counters to *sum (xentop's), or NULL. */
	void (*add_stats)(const struct backend_dev *b, void *sum);
};

struct backend_dev {
	char fe[96], be[96];		/* frontend and backend directories */
	enum xenbus_state state;	/* the backend's */
	bool dirty;			/* a frontend node changed */
	bool detaching;			/* the toolstack wants it gone */
	const struct backend_kind *kind;
	struct dom0 *z;
	struct domain *dom;
	uint32_t domid, devid;
	uint32_t serial;		/* names it in LINK_BIND cookies */
	char what[48];			/* in the log, e.g. "vbd xvda", "vif 0 (vif3.0)" */
	struct ring_q *queue[BACKEND_MAX_QUEUES];	/* the kind's, set at attach */
	unsigned nr_queues;		/* in use: the frontend's, 0 until it connects */
	struct backend_dev *next;	/* every backend's devices: dom0.devs */
};

/*
 * Adds b (zeroed but for what the kind set: its queues and own state) as
 * device devid of kind k for domain d: writes the nodes, probes, and lets
 * the frontend go. 0, or -1 with err (b is then destroyed and freed).
 */
int backend_add(struct dom0 *z, struct domain *d, const struct backend_kind *k,
		uint32_t devid, struct backend_dev *b, char *err, size_t errlen);
struct backend_dev *backend_find(struct dom0 *z, const struct backend_kind *k,
				 uint32_t domid, uint32_t devid);
/* Asks a connected frontend to close; otherwise (or when force) removes at once. */
void backend_detach(struct dom0 *z, struct backend_dev *b, bool force);
/* xl <kind>-list: the domain's devices of kind k. */
void backend_list(struct dom0 *z, const struct backend_kind *k, struct domain *d,
		  struct ctl_msg *rep);
/* Calls fn for each device of kind k the domain has, in devid order. */
void backend_each(struct dom0 *z, const struct backend_kind *k, const struct domain *d,
		  void (*fn)(void *arg, const struct backend_dev *b), void *arg);
/* Sums the counters of the domain's devices of kind k into *sum; how many it has. */
unsigned backend_stats(struct dom0 *z, const struct backend_kind *k, const struct domain *d,
		       void *sum);
/* The domain stopped running: every backend of it stops, its nodes go. */
void backend_domain_gone(struct dom0 *z, struct domain *d);

/* Gives up on the frontend's setup, as xenbus_dev_fatal does: logged,
 * written to the backend's error node, queues released, Closing. */
void backend_fail(struct dom0 *z, struct backend_dev *b, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The kind's start succeeded: the backend says Connected. */
void backend_connected(struct dom0 *z, struct backend_dev *b);
void backend_log(const struct backend_dev *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The VMM answered a LINK_BIND. */
void backend_bind_reply(struct dom0 *z, struct domain *d, uint32_t port, uint32_t cookie,
			int status);
/* xenstored's change hook: marks the devices whose frontend directory holds path. */
void backend_path_changed(void *z, const char *path);
/* The main loop's turn: steps every marked device, then flushes the store. */
void backend_run(struct dom0 *z);

#endif
