/* One xenstore node: value, permissions, child names, generation. */
#ifndef XS_NODE_H
#define XS_NODE_H

#include <stdbool.h>
#include <stdint.h>

#define XS_PERM_NONE	0
#define XS_PERM_READ	1
#define XS_PERM_WRITE	2
#define XS_PERM_BOTH	(XS_PERM_READ | XS_PERM_WRITE)
#define XS_PERM_OWNER	4	/* never on the wire: granted to owners */

struct xs_perm {
	uint32_t id;
	uint32_t access;
};

/* A node's identity is its path, the key it is stored under. */
struct xs_node {
	uint64_t generation;
	char *data;
	uint32_t datalen;
	char *children;		/* leaf names, each nul-terminated, in order */
	uint32_t childlen;
	struct xs_perm *perms;	/* perms[0].id is the owner */
	uint32_t nperms;
};

struct xs_node *xs_node_new(const struct xs_perm *perms, uint32_t nperms);
struct xs_node *xs_node_clone(const struct xs_node *n);
void xs_node_free(struct xs_node *n);
void xs_node_free_void(void *n);

int xs_node_set_data(struct xs_node *n, const void *data, uint32_t len);
int xs_node_set_perms(struct xs_node *n, const struct xs_perm *p, uint32_t np);
int xs_node_add_child(struct xs_node *n, const char *leaf);
bool xs_node_del_child(struct xs_node *n, const char *leaf);

/* Size as Xen accounts it against the node-size quota. */
uint32_t xs_node_acct_size(const struct xs_node *n);

/* Parses count strings "r5\0b0\0..." from buf. Returns 0 or EINVAL. */
int xs_perms_parse(const char *buf, uint32_t len, uint32_t count,
		   struct xs_perm *out);
/* Writes the perms as wire strings into out; returns bytes or -1 if the
 * buffer is too small. */
int xs_perms_format(const struct xs_perm *p, uint32_t np, char *out,
		    uint32_t cap);

/* Access that domain domid (acting also for target, or XS_NO_TARGET) has
 * under these perms; domain 0 gets everything. */
#define XS_NO_TARGET UINT32_MAX
uint32_t xs_perm_for(const struct xs_perm *p, uint32_t np, uint32_t domid,
		     uint32_t target);

#endif
