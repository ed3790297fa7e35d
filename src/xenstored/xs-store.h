/* The xenstore database: nodes by path, per-domain node counts, and
 * transactions as overlays whose commits are checked by generation. */
#ifndef XS_STORE_H
#define XS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "src/xenstored/xs-hash.h"
#include "src/xenstored/xs-node.h"

#define XS_MAX_DOMID 0x10000

struct xs_store {
	struct xs_hash nodes;		/* path -> struct xs_node */
	uint64_t generation;		/* last generation handed out */
	uint32_t *owned;		/* nodes owned, indexed by domid */
};

struct xs_tx_delta {
	uint32_t domid;
	int32_t delta;
};

struct xs_tx {
	uint32_t id;
	struct xs_hash overlay;		/* path -> changed node, NULL = deleted */
	/* path -> the node as the transaction first saw it (a copy, NULL =
	 * absent): what it reads from then on, as Xen's xenstored does, and
	 * the generation the commit checks. */
	struct xs_hash accessed;
	struct xs_tx_delta *deltas;
	uint32_t ndeltas;
	uint32_t max_accessed;		/* transaction-nodes quota, 0 = none */
	bool failed;			/* an internal error: commit refuses */
};

/* What an operation works on: the store itself, or a transaction on it. */
struct xs_view {
	struct xs_store *st;
	struct xs_tx *tx;
};

int xs_store_init(struct xs_store *st);
void xs_store_destroy(struct xs_store *st);

/* The node at path, or NULL (errno ENOENT, or ENOSPC when the transaction
 * accessed too many nodes). Reads are recorded for conflict checks. */
const struct xs_node *xs_view_get(struct xs_view *v, const char *path);
/* A node the caller may change; call xs_view_changed after changing it. */
struct xs_node *xs_view_get_mut(struct xs_view *v, const char *path);
void xs_view_changed(struct xs_view *v, struct xs_node *n);
/* Inserts a new node (ownership passes to the view). Returns 0 or errno. */
int xs_view_insert(struct xs_view *v, const char *path, struct xs_node *n);
/* Deletes the node at path (which must exist). */
void xs_view_delete(struct xs_view *v, const char *path);

/* Node counts per owner as seen through the view. */
uint32_t xs_view_owned(const struct xs_view *v, uint32_t domid);
void xs_view_account(struct xs_view *v, uint32_t domid, int32_t delta);

struct xs_tx *xs_tx_new(uint32_t id, uint32_t max_accessed);
void xs_tx_free(struct xs_tx *tx);
/* Applies tx to the store. Returns 0, or EAGAIN if anything it accessed
 * changed since (the store is untouched then). Does not free tx. */
int xs_tx_commit(struct xs_store *st, struct xs_tx *tx);

#endif
