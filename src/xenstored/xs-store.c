#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-store.h"
#include "src/xenstored/xs-wire.h"

static int add_initial(struct xs_store *st, const char *path,
		       const struct xs_perm *p, uint32_t np, const char *child)
{
	struct xs_node *n = xs_node_new(p, np);

	if (!n || (child && xs_node_add_child(n, child)) ||
	    xs_hash_put(&st->nodes, path, n, NULL)) {
		xs_node_free(n);
		return ENOMEM;
	}
	n->generation = ++st->generation;
	st->owned[p[0].id]++;
	return 0;
}

/* The same starting tree as Xen's xenstored, special nodes included:
 * they are never listed as children but carry the permissions that decide
 * who may watch @introduceDomain and @releaseDomain. */
int xs_store_init(struct xs_store *st)
{
	static const struct xs_perm dom0_only[] = { { 0, XS_PERM_NONE } };
	static const struct xs_perm release[] = {
		{ 0, XS_PERM_NONE }, { XS_DOMID_ANY, XS_PERM_READ },
	};

	memset(st, 0, sizeof(*st));
	st->owned = calloc(XS_MAX_DOMID, sizeof(*st->owned));
	if (!st->owned || xs_hash_init(&st->nodes)) {
		free(st->owned);
		return ENOMEM;
	}
	if (add_initial(st, "/", dom0_only, 1, "tool") ||
	    add_initial(st, "/tool", dom0_only, 1, "xenstored") ||
	    add_initial(st, "/tool/xenstored", dom0_only, 1, NULL) ||
	    add_initial(st, "@releaseDomain", release, 2, NULL) ||
	    add_initial(st, "@introduceDomain", dom0_only, 1, NULL)) {
		xs_store_destroy(st);
		return ENOMEM;
	}
	return 0;
}

void xs_store_destroy(struct xs_store *st)
{
	if (st->nodes.buckets)
		xs_hash_destroy(&st->nodes, xs_node_free_void);
	free(st->owned);
	st->owned = NULL;
}

static uint64_t generation_of(const struct xs_node *n)
{
	return n ? n->generation : 0;
}

static uint64_t main_generation(const struct xs_store *st, const char *path)
{
	return generation_of(xs_hash_get(&st->nodes, path));
}

/* First access in a transaction keeps a copy of what the store had then. */
static int record_access(struct xs_view *v, const char *path)
{
	struct xs_tx *tx = v->tx;
	const struct xs_node *n;
	struct xs_node *copy = NULL;

	if (xs_hash_has(&tx->accessed, path))
		return 0;
	if (tx->max_accessed && tx->accessed.count >= tx->max_accessed)
		return ENOSPC;
	n = xs_hash_get(&v->st->nodes, path);
	if ((n && !(copy = xs_node_clone(n))) ||
	    xs_hash_put(&tx->accessed, path, copy, NULL)) {
		xs_node_free(copy);
		tx->failed = true;
		return ENOMEM;
	}
	return 0;
}

const struct xs_node *xs_view_get(struct xs_view *v, const char *path)
{
	const struct xs_node *n;
	int err;

	if (!v->tx) {
		n = xs_hash_get(&v->st->nodes, path);
		if (!n)
			errno = ENOENT;
		return n;
	}
	if (xs_hash_has(&v->tx->overlay, path)) {
		n = xs_hash_get(&v->tx->overlay, path);
		errno = n ? 0 : ENOENT;
		return n;
	}
	err = record_access(v, path);
	if (err) {
		errno = err;
		return NULL;
	}
	/* What the transaction saw first, whatever was written outside since. */
	n = xs_hash_get(&v->tx->accessed, path);
	if (!n)
		errno = ENOENT;
	return n;
}

struct xs_node *xs_view_get_mut(struct xs_view *v, const char *path)
{
	const struct xs_node *n;
	struct xs_node *copy;

	/* The store's own node, or the transaction's changed copy: writable as is. */
	if (!v->tx || xs_hash_has(&v->tx->overlay, path))
		return (struct xs_node *)xs_view_get(v, path);
	n = xs_view_get(v, path);
	if (!n)
		return NULL;
	copy = xs_node_clone(n);
	if (!copy || xs_hash_put(&v->tx->overlay, path, copy, NULL)) {
		xs_node_free(copy);
		v->tx->failed = true;
		errno = ENOMEM;
		return NULL;
	}
	return copy;
}

void xs_view_changed(struct xs_view *v, struct xs_node *n)
{
	/* Transaction nodes get their generation when they are committed. */
	if (!v->tx)
		n->generation = ++v->st->generation;
}

int xs_view_insert(struct xs_view *v, const char *path, struct xs_node *n)
{
	struct xs_hash *h = v->tx ? &v->tx->overlay : &v->st->nodes;
	void *old = NULL;
	int err;

	if (v->tx && (err = record_access(v, path)))
		return err;
	if (xs_hash_put(h, path, n, &old)) {
		if (v->tx)
			v->tx->failed = true;
		return ENOMEM;
	}
	xs_node_free(old);
	xs_view_changed(v, n);
	return 0;
}

void xs_view_delete(struct xs_view *v, const char *path)
{
	void *old = NULL;

	if (!v->tx) {
		xs_node_free(xs_hash_del(&v->st->nodes, path));
		return;
	}
	if (record_access(v, path) ||
	    xs_hash_put(&v->tx->overlay, path, NULL, &old)) {
		/* Half-done deletes must never be committed. */
		v->tx->failed = true;
		return;
	}
	xs_node_free(old);
}

static struct xs_tx_delta *delta_of(struct xs_tx *tx, uint32_t domid)
{
	struct xs_tx_delta *d;

	for (uint32_t i = 0; i < tx->ndeltas; i++)
		if (tx->deltas[i].domid == domid)
			return &tx->deltas[i];
	d = realloc(tx->deltas, (tx->ndeltas + 1) * sizeof(*d));
	if (!d)
		return NULL;
	tx->deltas = d;
	d = &tx->deltas[tx->ndeltas++];
	d->domid = domid;
	d->delta = 0;
	return d;
}

uint32_t xs_view_owned(const struct xs_view *v, uint32_t domid)
{
	int64_t n;

	if (domid >= XS_MAX_DOMID)
		return 0;
	n = v->st->owned[domid];
	for (uint32_t i = 0; v->tx && i < v->tx->ndeltas; i++)
		if (v->tx->deltas[i].domid == domid)
			n += v->tx->deltas[i].delta;
	return n < 0 ? 0 : (uint32_t)n;
}

static void apply_count(struct xs_store *st, uint32_t domid, int32_t delta)
{
	int64_t n;

	if (domid >= XS_MAX_DOMID)
		return;
	n = (int64_t)st->owned[domid] + delta;
	st->owned[domid] = n < 0 ? 0 : (uint32_t)n;
}

void xs_view_account(struct xs_view *v, uint32_t domid, int32_t delta)
{
	struct xs_tx_delta *d;

	if (!v->tx) {
		apply_count(v->st, domid, delta);
		return;
	}
	d = delta_of(v->tx, domid);
	if (d)
		d->delta += delta;
	else
		v->tx->failed = true;
}

struct xs_tx *xs_tx_new(uint32_t id, uint32_t max_accessed)
{
	struct xs_tx *tx = calloc(1, sizeof(*tx));

	if (!tx)
		return NULL;
	if (xs_hash_init(&tx->overlay)) {
		free(tx);
		return NULL;
	}
	if (xs_hash_init(&tx->accessed)) {
		xs_hash_destroy(&tx->overlay, NULL);
		free(tx);
		return NULL;
	}
	tx->id = id;
	tx->max_accessed = max_accessed;
	return tx;
}

void xs_tx_free(struct xs_tx *tx)
{
	if (!tx)
		return;
	xs_hash_destroy(&tx->overlay, xs_node_free_void);
	xs_hash_destroy(&tx->accessed, xs_node_free_void);
	free(tx->deltas);
	free(tx);
}

static bool tx_conflicts(const struct xs_store *st, const struct xs_tx *tx)
{
	struct xs_hash_entry *e;
	size_t b;

	for (e = xs_hash_first(&tx->accessed, &b); e;
	     e = xs_hash_next(&tx->accessed, e, &b))
		if (main_generation(st, e->key) != generation_of(e->value))
			return true;
	return false;
}

/* Moves every overlay entry into the store. Allocation can only fail in
 * xs_hash_put for a path the store lacks; inserting those first and
 * stealing nodes from the overlay keeps a failure from leaving half a
 * commit behind in the common case. */
int xs_tx_commit(struct xs_store *st, struct xs_tx *tx)
{
	struct xs_hash_entry *e;
	size_t b;

	if (tx->failed)
		return ENOMEM;
	if (tx_conflicts(st, tx))
		return EAGAIN;
	for (e = xs_hash_first(&tx->overlay, &b); e;
	     e = xs_hash_next(&tx->overlay, e, &b)) {
		struct xs_node *n = e->value;
		void *old = NULL;

		if (!n) {
			xs_node_free(xs_hash_del(&st->nodes, e->key));
			continue;
		}
		if (xs_hash_put(&st->nodes, e->key, n, &old))
			return ENOMEM;
		xs_node_free(old);
		n->generation = ++st->generation;
		e->value = NULL;	/* the store owns it now */
	}
	for (uint32_t i = 0; i < tx->ndeltas; i++)
		apply_count(st, tx->deltas[i].domid, tx->deltas[i].delta);
	st->generation++;	/* even an empty commit is a point in time */
	return 0;
}
