/* xenstore operations on the node tree, with Xen's permission rules,
 * quotas and watch-event generation. Transport- and wire-independent. */
#ifndef XS_TREE_H
#define XS_TREE_H

#include <stdint.h>

#include "src/xenstored/xs-node.h"
#include "src/xenstored/xs-store.h"

/* Limits for one caller; 0 means unlimited. A limit is hit, as in Xen,
 * when the value reaches it. */
struct xs_limits {
	uint32_t nodes;		/* nodes owned */
	uint32_t node_size;	/* bytes as xs_node_acct_size counts them */
	uint32_t nperms;	/* entries in one SET_PERMS */
};

struct xs_who {
	uint32_t domid;
	uint32_t target;	/* XS_NO_TARGET when none */
	struct xs_limits lim;
};

enum xs_match {
	XS_MATCH_EXACT,		/* watches on exactly this path */
	XS_MATCH_SUBTREE,	/* watches on this path or its parents */
	XS_MATCH_DEPTH,		/* special "@x/<domid>": exact or depth >= 1 */
	XS_MATCH_NODEPTH,	/* special "@x": exact, no depth given */
};

/* Where change events go: straight to watches, or into a transaction's
 * queue. perms are the node's permissions before the change. */
struct xs_event_sink {
	void (*fire)(void *arg, const char *path, enum xs_match match,
		     const struct xs_perm *perms, uint32_t nperms);
	void *arg;
};

static inline int xs_limit_hit(uint32_t limit, uint64_t value)
{
	return limit && value >= limit;
}

/* Each returns 0 or an errno value for an XS_ERROR reply. Paths are
 * canonical (xs_path_canonical). */
int xs_tree_lookup(struct xs_view *v, const struct xs_who *w, const char *path,
		   uint32_t perm, const struct xs_node **out);
int xs_tree_write(struct xs_view *v, const struct xs_who *w, const char *path,
		  const void *data, uint32_t len, const struct xs_event_sink *s);
int xs_tree_mkdir(struct xs_view *v, const struct xs_who *w, const char *path,
		  const struct xs_event_sink *s);
int xs_tree_rm(struct xs_view *v, const struct xs_who *w, const char *path,
	       const struct xs_event_sink *s);
int xs_tree_set_perms(struct xs_view *v, const struct xs_who *w,
		      const char *path, const struct xs_perm *p, uint32_t np,
		      const struct xs_event_sink *s);

/* A domain went away: nodes it owns are removed (their watchers hear of
 * it), and entries granting it access are dropped from everyone else's. */
void xs_tree_forget_domain(struct xs_view *v, uint32_t domid,
			   const struct xs_event_sink *s);

#endif
