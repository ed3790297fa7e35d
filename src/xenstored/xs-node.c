#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-node.h"
#include "src/xenstored/xs-wire.h"

struct xs_node *xs_node_new(const struct xs_perm *perms, uint32_t nperms)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	if (xs_node_set_perms(n, perms, nperms)) {
		free(n);
		return NULL;
	}
	return n;
}

static void *dup_bytes(const void *p, uint32_t len)
{
	void *q;

	if (!len)
		return NULL;
	q = malloc(len);
	if (q)
		memcpy(q, p, len);
	return q;
}

struct xs_node *xs_node_clone(const struct xs_node *n)
{
	struct xs_node *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	*c = *n;
	c->data = dup_bytes(n->data, n->datalen);
	c->children = dup_bytes(n->children, n->childlen);
	c->perms = dup_bytes(n->perms, n->nperms * sizeof(*n->perms));
	if ((n->datalen && !c->data) || (n->childlen && !c->children) ||
	    !c->perms) {
		xs_node_free(c);
		return NULL;
	}
	return c;
}

void xs_node_free(struct xs_node *n)
{
	if (!n)
		return;
	free(n->data);
	free(n->children);
	free(n->perms);
	free(n);
}

void xs_node_free_void(void *n)
{
	xs_node_free(n);
}

int xs_node_set_data(struct xs_node *n, const void *data, uint32_t len)
{
	void *d = dup_bytes(data, len);

	if (len && !d)
		return ENOMEM;
	free(n->data);
	n->data = d;
	n->datalen = len;
	return 0;
}

int xs_node_set_perms(struct xs_node *n, const struct xs_perm *p, uint32_t np)
{
	struct xs_perm *c;

	if (!np)
		return EINVAL;
	c = dup_bytes(p, np * sizeof(*p));
	if (!c)
		return ENOMEM;
	free(n->perms);
	n->perms = c;
	n->nperms = np;
	return 0;
}

int xs_node_add_child(struct xs_node *n, const char *leaf)
{
	uint32_t len = strlen(leaf) + 1;
	char *c = realloc(n->children, n->childlen + len);

	if (!c)
		return ENOMEM;
	memcpy(c + n->childlen, leaf, len);
	n->children = c;
	n->childlen += len;
	return 0;
}

bool xs_node_del_child(struct xs_node *n, const char *leaf)
{
	uint32_t off = 0;

	while (off < n->childlen) {
		char *name = n->children + off;
		uint32_t len = strlen(name) + 1;

		if (!strcmp(name, leaf)) {
			memmove(name, name + len, n->childlen - off - len);
			n->childlen -= len;
			return true;
		}
		off += len;
	}
	return false;
}

/* Xen's record header (generation + three counts) plus 8 bytes per perm. */
uint32_t xs_node_acct_size(const struct xs_node *n)
{
	return 24 + 8 * n->nperms + n->datalen + n->childlen;
}

static int access_of(char letter, uint32_t *access)
{
	switch (letter) {
	case 'n': *access = XS_PERM_NONE; return 0;
	case 'r': *access = XS_PERM_READ; return 0;
	case 'w': *access = XS_PERM_WRITE; return 0;
	case 'b': *access = XS_PERM_BOTH; return 0;
	}
	return EINVAL;
}

static int parse_one(const char *s, struct xs_perm *out)
{
	char *end;
	unsigned long id;

	if (access_of(s[0], &out->access))
		return EINVAL;
	if (s[1] < '0' || s[1] > '9')
		return EINVAL;
	errno = 0;
	id = strtoul(s + 1, &end, 10);
	if (errno || *end || id > 0xffff)
		return EINVAL;
	out->id = id;
	return 0;
}

int xs_perms_parse(const char *buf, uint32_t len, uint32_t count,
		   struct xs_perm *out)
{
	uint32_t off = 0;

	for (uint32_t i = 0; i < count; i++) {
		const char *s = buf + off;
		const char *nul;

		if (off >= len)
			return EINVAL;
		nul = memchr(s, 0, len - off);
		if (!nul || parse_one(s, &out[i]))
			return EINVAL;
		off += nul - s + 1;
	}
	return 0;
}

static char letter_of(uint32_t access)
{
	switch (access & XS_PERM_BOTH) {
	case XS_PERM_READ: return 'r';
	case XS_PERM_WRITE: return 'w';
	case XS_PERM_BOTH: return 'b';
	}
	return 'n';
}

int xs_perms_format(const struct xs_perm *p, uint32_t np, char *out,
		    uint32_t cap)
{
	uint32_t used = 0;

	for (uint32_t i = 0; i < np; i++) {
		int n = snprintf(out + used, cap - used, "%c%u",
				 letter_of(p[i].access), p[i].id);

		if (n < 0 || (uint32_t)n + 1 > cap - used)
			return -1;
		used += n + 1;
	}
	return used;
}

static bool names_me(uint32_t id, uint32_t domid, uint32_t target)
{
	return id == domid || id == target || id == XS_DOMID_ANY;
}

uint32_t xs_perm_for(const struct xs_perm *p, uint32_t np, uint32_t domid,
		     uint32_t target)
{
	const uint32_t all = XS_PERM_BOTH | XS_PERM_OWNER;

	if (domid == 0 || names_me(p[0].id, domid, target))
		return all;
	for (uint32_t i = 1; i < np; i++)
		if (names_me(p[i].id, domid, target))
			return p[i].access & XS_PERM_BOTH;
	return p[0].access & XS_PERM_BOTH;
}
