/* One client of xenstored: the Unix socket of a Dom0 tool, or a domain's
 * shared ring. Assembles requests, queues replies and watch events, and
 * owns the client's watches and transactions. */
#ifndef XS_CONN_H
#define XS_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "src/xenstored/xs-node.h"
#include "src/xenstored/xs-store.h"
#include "src/xenstored/xs-tree.h"
#include "src/xenstored/xs-wire.h"

struct xsd;
struct xs_domain;

struct xs_out {
	struct xs_out *next;
	bool is_event;
	uint32_t size;			/* header + payload */
	char bytes[];
};

struct xs_watch {
	struct xs_watch *next;
	char *path;			/* canonical */
	char *token;
	int depth;			/* -1: unlimited */
	uint32_t prefix_len;		/* bytes hidden from relative watchers */
};

struct xs_event {
	struct xs_event *next;
	enum xs_match match;
	struct xs_perm *perms;
	uint32_t nperms;
	char path[];
};

/* A transaction and the watch events its commit will fire. */
struct xs_txn {
	struct xs_txn *next;
	uint32_t id;
	struct xs_tx *tx;
	struct xs_event *events, **events_tail;
};

struct xs_conn {
	struct xs_conn *next;
	struct xsd *d;
	uint32_t domid;
	struct xs_domain *dom;		/* NULL for socket clients (Dom0) */
	int fd;				/* socket, or -1 */
	struct xs_ring_page *ring;	/* shared page, or NULL */
	void (*notify)(void *arg);
	void *notify_arg;
	bool dead;			/* to be closed by the server loop */
	bool broken;			/* ring protocol error: ignored */

	struct xs_msg_hdr in_hdr;
	uint32_t in_used;		/* header + payload bytes received */
	char in_payload[XS_PAYLOAD_MAX];

	struct xs_out *out_head, *out_tail;
	uint32_t out_off;		/* bytes of out_head already sent */
	uint64_t out_bytes;		/* queued, for the flood limit */
	uint32_t out_count;		/* queued messages */

	struct xs_watch *watches;
	uint32_t nwatches;
	struct xs_txn *txns;
	uint32_t ntxns;
	uint32_t next_tx_id;
};

struct xs_conn *xs_conn_new(struct xsd *d, uint32_t domid);
/* Frees the connection's queues, watches and transactions (not its fd). */
void xs_conn_free(struct xs_conn *c);
/* Forgets a half-received request, queued output, watches, transactions. */
void xs_conn_reset(struct xs_conn *c);

/* Feeds received bytes; complete requests are executed. Returns the bytes
 * consumed, or -1 when the client broke the protocol (payload over
 * XS_PAYLOAD_MAX): the caller must drop it. Stops early at a message
 * boundary when dead is set. */
long xs_conn_feed(struct xs_conn *c, const void *buf, uint32_t n);

/* Queues a message. Replies are never dropped; events are, once a client
 * stops reading and its queue passes the flood limit. */
void xs_conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const void *payload, uint32_t len);
void xs_conn_send_event(struct xs_conn *c, const char *path,
			const char *token);
/* Drops n sent bytes from the front of the queue. */
void xs_conn_sent(struct xs_conn *c, uint32_t n);
bool xs_conn_has_output(const struct xs_conn *c);

bool xs_conn_privileged(const struct xs_conn *c);
uint32_t xs_conn_target(const struct xs_conn *c);
uint32_t xs_conn_features(const struct xs_conn *c);

struct xs_txn *xs_conn_find_txn(struct xs_conn *c, uint32_t id);
struct xs_txn *xs_conn_start_txn(struct xs_conn *c, uint32_t max_nodes);
void xs_conn_end_txn(struct xs_conn *c, struct xs_txn *t);
void xs_conn_drop_txns(struct xs_conn *c);

#endif
