#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-path.h"
#include "src/xenstored/xs-tree.h"

static uint32_t access_to(const struct xs_who *w, const struct xs_node *n)
{
	return xs_perm_for(n->perms, n->nperms, w->domid, w->target);
}

static const struct xs_node *nearest_ancestor(struct xs_view *v,
					      const char *path)
{
	char cur[XS_PATH_BUF];
	const struct xs_node *n = NULL;

	strcpy(cur, path);
	while (!n && strcmp(cur, "/") && cur[0] == '/') {
		xs_path_parent(cur, cur);
		n = xs_view_get(v, cur);
	}
	return n;
}

/* Xen hides whether a node exists from callers who could not see it:
 * unless the nearest existing ancestor grants some of the access asked
 * for, every failure reads as EACCES. */
static int hide_from_outsiders(struct xs_view *v, const struct xs_who *w,
			       const char *path, int err, uint32_t perm)
{
	const struct xs_node *anc;

	if (err == ENOMEM || err == ENOSPC)
		return err;
	anc = nearest_ancestor(v, path);
	if (anc && (access_to(w, anc) & perm))
		return err;
	return EACCES;
}

int xs_tree_lookup(struct xs_view *v, const struct xs_who *w, const char *path,
		   uint32_t perm, const struct xs_node **out)
{
	const struct xs_node *n = xs_view_get(v, path);
	int err;

	*out = NULL;
	if (n && (access_to(w, n) & perm) == perm) {
		*out = n;
		return 0;
	}
	err = n ? EACCES : errno;
	if (path[0] == '@')
		return err;
	return hide_from_outsiders(v, w, path, err, perm);
}

static void fire(const struct xs_event_sink *s, const char *path,
		 enum xs_match m, const struct xs_node *n)
{
	if (s && s->fire)
		s->fire(s->arg, path, m, n->perms, n->nperms);
}

/* Path of the deepest existing ancestor into top; counts missing levels. */
static int find_existing_top(struct xs_view *v, const char *path, char *top,
			     uint32_t *missing)
{
	*missing = 0;
	strcpy(top, path);
	do {
		if (!strcmp(top, "/"))
			return EIO;	/* the root always exists */
		xs_path_parent(top, top);
		(*missing)++;
	} while (!xs_view_get(v, top) && errno == ENOENT);
	return xs_view_get(v, top) ? 0 : errno;
}

/* Creates one empty node under its existing parent, inheriting the
 * parent's perms; domUs own what they make. */
static int create_one(struct xs_view *v, const struct xs_who *w,
		      const char *path)
{
	char ppath[XS_PATH_BUF];
	struct xs_node *pm, *n;
	int err;

	xs_path_parent(path, ppath);
	pm = xs_view_get_mut(v, ppath);
	if (!pm)
		return errno;
	n = xs_node_new(pm->perms, pm->nperms);
	if (!n)
		return ENOMEM;
	if (w->domid != 0)
		n->perms[0].id = w->domid;
	if (xs_node_add_child(pm, xs_path_leaf(path))) {
		xs_node_free(n);
		return ENOMEM;
	}
	xs_view_changed(v, pm);
	err = xs_view_insert(v, path, n);
	if (err)
		return err;
	xs_view_account(v, n->perms[0].id, 1);
	return 0;
}

/* Creates path and any missing parents, each empty, top down. */
static int create_path(struct xs_view *v, const struct xs_who *w,
		       const char *path)
{
	char top[XS_PATH_BUF], cur[XS_PATH_BUF];
	uint32_t missing;
	size_t i;
	int err = find_existing_top(v, path, top, &missing);

	if (err)
		return err;
	if (w->domid != 0 &&
	    xs_limit_hit(w->lim.nodes, xs_view_owned(v, w->domid) + missing))
		return ENOSPC;
	/* Each '/' past the existing top ends the name of a missing node. */
	for (i = strcmp(top, "/") ? strlen(top) + 1 : 1; ; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		memcpy(cur, path, i);
		cur[i] = '\0';
		err = create_one(v, w, cur);
		if (err || path[i] == '\0')
			return err;
	}
}

/* Checked before anything is created, so a refused write leaves no trace:
 * a new node has at least one perm entry. */
static int check_new_size(const struct xs_who *w, const struct xs_node *old,
			  uint32_t len)
{
	uint64_t size = old ? (uint64_t)xs_node_acct_size(old) - old->datalen
			    : xs_node_acct_size(&(struct xs_node){ .nperms = 1 });

	if (w->domid != 0 && xs_limit_hit(w->lim.node_size, size + len))
		return ENOSPC;
	return 0;
}

int xs_tree_write(struct xs_view *v, const struct xs_who *w, const char *path,
		  const void *data, uint32_t len, const struct xs_event_sink *s)
{
	const struct xs_node *old;
	struct xs_node *n;
	int err = xs_tree_lookup(v, w, path, XS_PERM_WRITE, &old);

	if (err && err != ENOENT)
		return err;
	err = check_new_size(w, old, len);
	if (!err && !old)
		err = create_path(v, w, path);
	if (err)
		return err;
	n = xs_view_get_mut(v, path);
	if (!n)
		return errno;
	if (xs_node_set_data(n, data, len))
		return ENOMEM;
	xs_view_changed(v, n);
	fire(s, path, XS_MATCH_SUBTREE, n);
	return 0;
}

int xs_tree_mkdir(struct xs_view *v, const struct xs_who *w, const char *path,
		  const struct xs_event_sink *s)
{
	const struct xs_node *n;
	int err = xs_tree_lookup(v, w, path, XS_PERM_WRITE, &n);

	if (err != ENOENT)
		return err;
	err = create_path(v, w, path);
	if (err)
		return err;
	n = xs_view_get(v, path);
	if (!n)
		return errno;
	fire(s, path, XS_MATCH_SUBTREE, n);
	return 0;
}

/* Appends "/leaf" to the path in buf (XS_PATH_BUF bytes) in place, so deep
 * trees cost no stack per level beyond a frame. Returns the new length, or
 * 0 if it would not fit. */
static size_t push_leaf(char *buf, size_t len, const char *leaf)
{
	size_t base = len == 1 ? 0 : len;	/* "/" already ends in one */
	size_t l = strlen(leaf);

	if (base + 1 + l >= XS_PATH_BUF)
		return 0;
	buf[base] = '/';
	memcpy(buf + base + 1, leaf, l + 1);
	return base + 1 + l;
}

static void pop_leaf(char *buf, size_t len)
{
	buf[len] = '\0';
}

/* Children go first; each node fires before it vanishes so that watchers
 * are judged by the permissions it had. path is a XS_PATH_BUF buffer. */
static void delete_subtree(struct xs_view *v, char *path, size_t len, bool top,
			   const struct xs_event_sink *s)
{
	const struct xs_node *n = xs_view_get(v, path);
	uint32_t owner;

	if (!n)
		return;
	/* Deleting children leaves this node's own list untouched. */
	for (uint32_t off = 0; off < n->childlen;
	     off += strlen(n->children + off) + 1) {
		size_t clen = push_leaf(path, len, n->children + off);

		if (clen)
			delete_subtree(v, path, clen, false, s);
		pop_leaf(path, len);
		n = xs_view_get(v, path);	/* the view may have moved it */
		if (!n)
			return;
	}
	fire(s, path, top ? XS_MATCH_SUBTREE : XS_MATCH_EXACT, n);
	owner = n->perms[0].id;
	xs_view_delete(v, path);
	xs_view_account(v, owner, -1);
}

/* Removes path and below, and its entry in the parent. */
static void remove_node(struct xs_view *v, const char *path,
			const struct xs_event_sink *s)
{
	char buf[XS_PATH_BUF];
	struct xs_node *parent;

	xs_path_parent(path, buf);
	parent = xs_view_get_mut(v, buf);
	strcpy(buf, path);
	delete_subtree(v, buf, strlen(buf), true, s);
	if (parent) {
		xs_node_del_child(parent, xs_path_leaf(path));
		xs_view_changed(v, parent);
	}
}

int xs_tree_rm(struct xs_view *v, const struct xs_who *w, const char *path,
	       const struct xs_event_sink *s)
{
	const struct xs_node *n;
	char ppath[XS_PATH_BUF];
	int err = xs_tree_lookup(v, w, path, XS_PERM_WRITE, &n);

	if (!strcmp(path, "/"))
		return err ? err : EINVAL;
	xs_path_parent(path, ppath);
	if (err == ENOENT)
		return xs_view_get(v, ppath) ? 0 : ENOENT;
	if (err)
		return err;
	if (!xs_view_get_mut(v, ppath))
		return errno;
	remove_node(v, path, s);
	return 0;
}

int xs_tree_set_perms(struct xs_view *v, const struct xs_who *w,
		      const char *path, const struct xs_perm *p, uint32_t np,
		      const struct xs_event_sink *s)
{
	const struct xs_node *cur;
	struct xs_node *n;
	struct xs_perm *old;
	uint32_t oldn;
	int err;

	if (w->domid != 0 && xs_limit_hit(w->lim.nperms, np))
		return ENOSPC;
	err = xs_tree_lookup(v, w, path, XS_PERM_WRITE | XS_PERM_OWNER, &cur);
	if (err)
		return err;
	if (w->domid != 0 && p[0].id != cur->perms[0].id)
		return EPERM;
	n = xs_view_get_mut(v, path);
	if (!n)
		return errno;
	old = n->perms;
	oldn = n->nperms;
	n->perms = NULL;
	if (xs_node_set_perms(n, p, np)) {
		n->perms = old;
		return ENOMEM;
	}
	xs_view_account(v, old[0].id, -1);
	xs_view_account(v, p[0].id, 1);
	xs_view_changed(v, n);
	if (s && s->fire)
		s->fire(s->arg, path, XS_MATCH_SUBTREE, old, oldn);
	free(old);
	return 0;
}

static void drop_grants(struct xs_view *v, const char *path, uint32_t domid)
{
	const struct xs_node *n = xs_view_get(v, path);
	struct xs_node *m;
	uint32_t keep = 1;

	if (!n)
		return;
	for (uint32_t i = 1; i < n->nperms; i++)
		if (n->perms[i].id != domid)
			keep++;
	if (keep == n->nperms || !(m = xs_view_get_mut(v, path)))
		return;
	keep = 1;
	for (uint32_t i = 1; i < m->nperms; i++)
		if (m->perms[i].id != domid)
			m->perms[keep++] = m->perms[i];
	m->nperms = keep;
	xs_view_changed(v, m);
}

static void forget_below(struct xs_view *v, char *path, size_t len,
			 uint32_t domid, const struct xs_event_sink *s)
{
	const struct xs_node *n = xs_view_get(v, path);
	char *names;
	uint32_t nlen;

	if (!n)
		return;
	if (n->perms[0].id == domid && len > 1) {
		remove_node(v, path, s);
		return;
	}
	drop_grants(v, path, domid);
	/* Removing a child edits this node's list: walk a copy. */
	nlen = n->childlen;
	if (!nlen)
		return;
	names = malloc(nlen);
	if (!names)
		return;
	memcpy(names, n->children, nlen);
	for (uint32_t off = 0; off < nlen; off += strlen(names + off) + 1) {
		size_t clen = push_leaf(path, len, names + off);

		if (clen)
			forget_below(v, path, clen, domid, s);
		pop_leaf(path, len);
	}
	free(names);
}

void xs_tree_forget_domain(struct xs_view *v, uint32_t domid,
			   const struct xs_event_sink *s)
{
	char path[XS_PATH_BUF] = "/";

	forget_below(v, path, 1, domid, s);
	drop_grants(v, "@releaseDomain", domid);
	drop_grants(v, "@introduceDomain", domid);
}
