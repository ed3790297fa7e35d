#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-path.h"
#include "src/xenstored/xs-server.h"
#include "src/xenstored/xs-watch.h"

int xs_watch_add(struct xs_conn *c, const char *path, const char *token,
		 int depth, bool relative, struct xs_watch **out)
{
	struct xs_watch *w, **p;

	for (w = c->watches; w; w = w->next)
		if (!strcmp(w->path, path) && !strcmp(w->token, token))
			return EEXIST;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return ENOMEM;
	}
	w->depth = depth;
	/* "/local/domain/<id>/" is what the client left out. */
	if (relative && !strncmp(path, "/local/domain/", 14)) {
		const char *slash = strchr(path + 14, '/');

		w->prefix_len = slash ? (uint32_t)(slash - path) + 1 : 0;
	}
	/* Appended, so events go out in registration order. */
	for (p = &c->watches; *p; p = &(*p)->next)
		;
	*p = w;
	c->nwatches++;
	if (out)
		*out = w;
	return 0;
}

static void free_watch(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_del(struct xs_conn *c, const char *path, const char *token)
{
	for (struct xs_watch **p = &c->watches; *p; p = &(*p)->next) {
		struct xs_watch *w = *p;

		if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
			*p = w->next;
			free_watch(w);
			c->nwatches--;
			return 0;
		}
	}
	return ENOENT;
}

void xs_watch_clear(struct xs_conn *c)
{
	while (c->watches) {
		struct xs_watch *w = c->watches;

		c->watches = w->next;
		free_watch(w);
	}
	c->nwatches = 0;
}

static bool readable(const struct xs_conn *c, const struct xs_perm *p,
		     uint32_t np)
{
	return p && np &&
	       (xs_perm_for(p, np, c->domid, xs_conn_target(c)) & XS_PERM_READ);
}

/* As in Xen: a client hears of a change if it could read the node before
 * the change, can read it now, or can read its parent. */
static bool may_see(struct xsd *d, const struct xs_conn *c, const char *path,
		    const struct xs_perm *perms, uint32_t np)
{
	const struct xs_node *n;
	char parent[XS_PATH_BUF];

	if (xs_conn_privileged(c) || readable(c, perms, np))
		return true;
	n = xs_hash_get(&d->store.nodes, path);
	if (n && readable(c, n->perms, n->nperms))
		return true;
	if (path[0] != '/' || !strcmp(path, "/"))
		return false;
	xs_path_parent(path, parent);
	n = xs_hash_get(&d->store.nodes, parent);
	return n && readable(c, n->perms, n->nperms);
}

static bool matches(const struct xs_watch *w, const char *path,
		    enum xs_match m)
{
	switch (m) {
	case XS_MATCH_EXACT:
		return !strcmp(path, w->path);
	case XS_MATCH_SUBTREE:
		return xs_path_is_child(path, w->path, w->depth);
	case XS_MATCH_DEPTH:
		return !strcmp(path, w->path) ||
		       (w->depth > 0 && xs_path_is_child(path, w->path, w->depth));
	case XS_MATCH_NODEPTH:
		return !strcmp(path, w->path) && w->depth < 0;
	}
	return false;
}

void xs_watch_fire(struct xsd *d, const char *path, enum xs_match match,
		   const struct xs_perm *perms, uint32_t nperms)
{
	if (d->changed && (match == XS_MATCH_EXACT || match == XS_MATCH_SUBTREE))
		d->changed(d->changed_arg, path);
	for (struct xs_conn *c = d->conns; c; c = c->next) {
		if (c->dead || c->broken || !c->watches ||
		    !may_see(d, c, path, perms, nperms))
			continue;
		for (struct xs_watch *w = c->watches; w; w = w->next)
			if (matches(w, path, match))
				xs_conn_send_event(c, path + w->prefix_len,
						   w->token);
	}
}

void xs_watch_fire_special(struct xsd *d, const char *name, uint32_t domid)
{
	const struct xs_node *n = xs_hash_get(&d->store.nodes, name);
	char named[64];

	if (!n)
		return;
	xs_watch_fire(d, name, XS_MATCH_NODEPTH, n->perms, n->nperms);
	snprintf(named, sizeof(named), "%s/%u", name, domid);
	xs_watch_fire(d, named, XS_MATCH_DEPTH, n->perms, n->nperms);
}

static void queue_event(struct xs_txn *t, const char *path, enum xs_match m,
			const struct xs_perm *perms, uint32_t np)
{
	size_t len = strlen(path) + 1;
	struct xs_event *e = malloc(sizeof(*e) + len);

	if (!e)
		return;		/* watches may fire spuriously or not at all */
	e->perms = malloc(np * sizeof(*perms));
	if (!e->perms) {
		free(e);
		return;
	}
	memcpy(e->perms, perms, np * sizeof(*perms));
	e->nperms = np;
	e->match = m;
	memcpy(e->path, path, len);
	e->next = NULL;
	*t->events_tail = e;
	t->events_tail = &e->next;
}

static void sink_fire(void *arg, const char *path, enum xs_match m,
		      const struct xs_perm *perms, uint32_t np)
{
	struct xsd *d = arg;

	xs_watch_fire(d, path, m, perms, np);
}

static void sink_queue(void *arg, const char *path, enum xs_match m,
		       const struct xs_perm *perms, uint32_t np)
{
	queue_event(arg, path, m, perms, np);
}

struct xs_event_sink xs_watch_sink(struct xsd *d, struct xs_txn *txn)
{
	if (txn)
		return (struct xs_event_sink){ sink_queue, txn };
	return (struct xs_event_sink){ sink_fire, d };
}

void xs_watch_fire_queued(struct xsd *d, struct xs_txn *txn)
{
	for (struct xs_event *e = txn->events; e; e = e->next)
		xs_watch_fire(d, e->path, e->match, e->perms, e->nperms);
}
