#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-path.h"
#include "src/xenstored/xs-proto.h"
#include "src/xenstored/xs-server.h"
#include "src/xenstored/xs-tree.h"
#include "src/xenstored/xs-watch.h"

void xs_reply(struct xs_req *r, const void *data, uint32_t len)
{
	static const char e2big[] = "E2BIG";

	if (len > XS_PAYLOAD_MAX)
		xs_conn_send(r->c, XS_ERROR, r->hdr->req_id, r->hdr->tx_id,
			     e2big, sizeof(e2big));
	else
		xs_conn_send(r->c, r->hdr->type, r->hdr->req_id, r->hdr->tx_id,
			     data, len);
}

void xs_reply_str(struct xs_req *r, const char *s)
{
	xs_reply(r, s, strlen(s) + 1);
}

void xs_reply_ok(struct xs_req *r)
{
	xs_reply_str(r, "OK");
}

static void reply_error(struct xs_req *r, int err)
{
	const char *name = xs_error_name(err);

	xs_conn_send(r->c, XS_ERROR, r->hdr->req_id, r->hdr->tx_id, name,
		     strlen(name) + 1);
}

uint32_t xs_req_strings(const struct xs_req *r, const char **v, uint32_t max)
{
	uint32_t n = 0, off = 0;

	while (off < r->len) {
		const char *nul = memchr(r->payload + off, 0, r->len - off);

		if (!nul)
			break;
		if (n < max)
			v[n] = r->payload + off;
		n++;
		off = nul - r->payload + 1;
	}
	return n;
}

const char *xs_req_onearg(const struct xs_req *r)
{
	if (!r->len || memchr(r->payload, 0, r->len) != r->payload + r->len - 1)
		return NULL;
	return r->payload;
}

static uint32_t quota_of(const struct xs_req *r, enum xs_quota_id q)
{
	uint32_t v;

	if (xs_conn_privileged(r->c))
		return 0;
	v = r->c->dom ? r->c->dom->quota.hard[q] : r->c->d->quota.hard[q];
	return v == XS_Q_DISABLED ? 0 : v;
}

static struct xs_who who_of(const struct xs_req *r)
{
	return (struct xs_who){
		.domid = r->c->domid,
		.target = xs_conn_target(r->c),
		.lim = {
			.nodes = quota_of(r, XS_Q_NODES),
			.node_size = quota_of(r, XS_Q_NODE_SIZE),
			.nperms = quota_of(r, XS_Q_NODE_PERMISSIONS),
		},
	};
}

static struct xs_view view_of(const struct xs_req *r)
{
	return (struct xs_view){ &r->c->d->store, r->txn ? r->txn->tx : NULL };
}

static int canonical(const struct xs_req *r, const char *in, bool special,
		     char *out)
{
	return xs_path_canonical(in, r->c->domid, special,
				 quota_of(r, XS_Q_PATH_MAX), out);
}

static int lookup(struct xs_req *r, const char *in, bool special,
		  uint32_t perm, const struct xs_node **n)
{
	char path[XS_PATH_BUF];
	struct xs_view v = view_of(r);
	struct xs_who w = who_of(r);
	int err = canonical(r, in, special, path);

	return err ? err : xs_tree_lookup(&v, &w, path, perm, n);
}

static int do_read(struct xs_req *r)
{
	const struct xs_node *n;
	int err = lookup(r, xs_req_onearg(r), false, XS_PERM_READ, &n);

	if (!err)
		xs_reply(r, n->data, n->datalen);
	return err;
}

static int do_directory(struct xs_req *r)
{
	const struct xs_node *n;
	int err = lookup(r, xs_req_onearg(r), false, XS_PERM_READ, &n);

	if (!err)
		xs_reply(r, n->children, n->childlen);
	return err;
}

/* gencnt, then as many whole child names from offset as fit, then an empty
 * string if the list ends in this part. */
static int do_directory_part(struct xs_req *r)
{
	const char *v[2];
	const struct xs_node *n;
	char out[XS_PAYLOAD_MAX];
	uint32_t off, used, len = 0;
	int err;

	if (xs_req_strings(r, v, 2) != 2)
		return EINVAL;
	err = lookup(r, v[0], false, XS_PERM_READ, &n);
	if (err)
		return err;
	off = strtoul(v[1], NULL, 10);
	used = snprintf(out, sizeof(out), "%llu",
			(unsigned long long)n->generation) + 1;
	if (off > n->childlen)
		off = n->childlen;
	while (off + len < n->childlen) {
		const char *name = n->children + off + len;
		uint32_t l = strnlen(name, n->childlen - off - len) + 1;

		if (used + len + l + 1 > XS_PAYLOAD_MAX)
			break;
		len += l;
	}
	if (len)
		memcpy(out + used, n->children + off, len);
	used += len;
	if (off + len >= n->childlen)
		out[used++] = '\0';
	xs_reply(r, out, used);
	return 0;
}

static int do_get_perms(struct xs_req *r)
{
	const struct xs_node *n;
	char out[XS_PAYLOAD_MAX];
	int len, err = lookup(r, xs_req_onearg(r), true, XS_PERM_READ, &n);

	if (err)
		return err;
	len = xs_perms_format(n->perms, n->nperms, out, sizeof(out));
	if (len < 0)
		return E2BIG;
	xs_reply(r, out, len);
	return 0;
}

/* Change requests share this shape: canonical path, tree operation with
 * the caller's identity, events to watches or to the transaction. */
struct change {
	struct xs_view v;
	struct xs_who w;
	struct xs_event_sink sink;
	char path[XS_PATH_BUF];
};

static int change_begin(struct xs_req *r, const char *in, bool special,
			struct change *ch)
{
	ch->v = view_of(r);
	ch->w = who_of(r);
	ch->sink = xs_watch_sink(r->c->d, r->txn);
	return canonical(r, in, special, ch->path);
}

static int do_write(struct xs_req *r)
{
	const char *v[1];
	struct change ch;
	uint32_t off;
	int err;

	if (xs_req_strings(r, v, 1) < 1)
		return EINVAL;
	err = change_begin(r, v[0], false, &ch);
	if (err)
		return err;
	off = strlen(v[0]) + 1;
	err = xs_tree_write(&ch.v, &ch.w, ch.path, r->payload + off,
			    r->len - off, &ch.sink);
	if (!err)
		xs_reply_ok(r);
	return err;
}

static int do_mkdir(struct xs_req *r)
{
	struct change ch;
	int err = change_begin(r, xs_req_onearg(r), false, &ch);

	if (!err)
		err = xs_tree_mkdir(&ch.v, &ch.w, ch.path, &ch.sink);
	if (!err)
		xs_reply_ok(r);
	return err;
}

static int do_rm(struct xs_req *r)
{
	struct change ch;
	int err = change_begin(r, xs_req_onearg(r), false, &ch);

	if (!err)
		err = xs_tree_rm(&ch.v, &ch.w, ch.path, &ch.sink);
	if (!err)
		xs_reply_ok(r);
	return err;
}

static int do_set_perms(struct xs_req *r)
{
	struct xs_perm perms[XS_PAYLOAD_MAX / 2];
	struct change ch;
	uint32_t n = xs_req_strings(r, NULL, 0), plen;
	int err;

	if (n < 2)
		return EINVAL;
	n--;
	err = change_begin(r, r->payload, true, &ch);
	if (err)
		return err;
	if (!xs_conn_privileged(r->c) && xs_limit_hit(ch.w.lim.nperms, n))
		return ENOSPC;
	plen = strlen(r->payload) + 1;
	if (xs_perms_parse(r->payload + plen, r->len - plen, n, perms))
		return EINVAL;
	err = xs_tree_set_perms(&ch.v, &ch.w, ch.path, perms, n, &ch.sink);
	if (!err)
		xs_reply_ok(r);
	return err;
}

static int do_watch(struct xs_req *r)
{
	const char *v[3];
	char path[XS_PATH_BUF];
	uint32_t n = xs_req_strings(r, v, 3);
	int depth = -1, err;
	struct xs_watch *w;
	bool relative;

	if (n == 3 && (xs_conn_features(r->c) & XS_FEATURE_WATCHDEPTH)) {
		depth = atoi(v[2]);
		if (depth < 0)
			return EINVAL;
	} else if (n != 2) {
		return EINVAL;
	}
	err = canonical(r, v[0], true, path);
	if (err)
		return err;
	for (w = r->c->watches; w; w = w->next)
		if (!strcmp(w->path, path) && !strcmp(w->token, v[1]))
			return EEXIST;
	if (xs_limit_hit(quota_of(r, XS_Q_WATCHES), r->c->nwatches + 1))
		return ENOSPC;
	relative = v[0][0] != '/' && v[0][0] != '@';
	err = xs_watch_add(r->c, path, v[1], depth, relative, &w);
	if (err)
		return err;
	xs_reply_ok(r);
	/* Xen fires every new watch once, straight away, after the reply. */
	xs_conn_send_event(r->c, path + w->prefix_len, w->token);
	return 0;
}

static int do_unwatch(struct xs_req *r)
{
	const char *v[2];
	char path[XS_PATH_BUF];
	int err;

	if (xs_req_strings(r, v, 2) != 2)
		return EINVAL;
	err = canonical(r, v[0], true, path);
	if (!err)
		err = xs_watch_del(r->c, path, v[1]);
	if (!err)
		xs_reply_ok(r);
	return err;
}

static int do_transaction_start(struct xs_req *r)
{
	struct xs_txn *t;
	char id[16];

	if (r->txn)
		return EBUSY;
	if (xs_limit_hit(quota_of(r, XS_Q_TRANSACTIONS), r->c->ntxns + 1))
		return ENOSPC;
	t = xs_conn_start_txn(r->c, quota_of(r, XS_Q_TRANSACTION_NODES));
	if (!t)
		return ENOMEM;
	snprintf(id, sizeof(id), "%u", t->id);
	xs_reply_str(r, id);
	return 0;
}

static int do_transaction_end(struct xs_req *r)
{
	const char *arg = xs_req_onearg(r);
	struct xs_txn *t = r->txn;
	int err = 0;

	if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
		return EINVAL;
	if (!t)
		return ENOENT;
	if (!strcmp(arg, "T"))
		err = xs_tx_commit(&r->c->d->store, t->tx);
	if (!err && !strcmp(arg, "T"))
		xs_watch_fire_queued(r->c->d, t);
	xs_conn_end_txn(r->c, t);
	r->txn = NULL;
	if (!err)
		xs_reply_ok(r);
	return err;
}

static int do_reset_watches(struct xs_req *r)
{
	xs_watch_clear(r->c);
	xs_conn_drop_txns(r->c);
	r->txn = NULL;
	xs_reply_ok(r);
	return 0;
}

#define F_PRIV	1u	/* Dom0 only */
#define F_NOTX	2u	/* tx_id is ignored */

static const struct {
	int (*fn)(struct xs_req *r);
	unsigned flags;
} handlers[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { xs_do_control, F_PRIV },
	[XS_DIRECTORY] = { do_directory, 0 },
	[XS_READ] = { do_read, 0 },
	[XS_GET_PERMS] = { do_get_perms, 0 },
	[XS_WATCH] = { do_watch, F_NOTX },
	[XS_UNWATCH] = { do_unwatch, F_NOTX },
	[XS_TRANSACTION_START] = { do_transaction_start, 0 },
	[XS_TRANSACTION_END] = { do_transaction_end, 0 },
	[XS_INTRODUCE] = { xs_do_introduce, F_PRIV },
	[XS_RELEASE] = { xs_do_release, F_PRIV },
	[XS_GET_DOMAIN_PATH] = { xs_do_get_domain_path, 0 },
	[XS_WRITE] = { do_write, 0 },
	[XS_MKDIR] = { do_mkdir, 0 },
	[XS_RM] = { do_rm, 0 },
	[XS_SET_PERMS] = { do_set_perms, 0 },
	[XS_IS_DOMAIN_INTRODUCED] = { xs_do_is_domain_introduced, F_PRIV },
	[XS_RESUME] = { xs_do_resume, F_PRIV },
	[XS_SET_TARGET] = { xs_do_set_target, F_PRIV },
	[XS_RESET_WATCHES] = { do_reset_watches, 0 },
	[XS_DIRECTORY_PART] = { do_directory_part, 0 },
	[XS_GET_FEATURE] = { xs_do_get_feature, 0 },
	[XS_SET_FEATURE] = { xs_do_set_feature, F_PRIV },
	[XS_GET_QUOTA] = { xs_do_get_quota, F_PRIV },
	[XS_SET_QUOTA] = { xs_do_set_quota, F_PRIV },
};

void xs_proto_handle(struct xs_conn *c, const struct xs_msg_hdr *hdr,
		     const char *payload)
{
	struct xs_req r = { c, hdr, payload, hdr->len, NULL };
	unsigned flags;
	int err;

	if (hdr->type >= XS_TYPE_COUNT || !handlers[hdr->type].fn) {
		reply_error(&r, ENOSYS);
		return;
	}
	flags = handlers[hdr->type].flags;
	if ((flags & F_PRIV) && !xs_conn_privileged(c)) {
		reply_error(&r, EACCES);
		return;
	}
	if (!(flags & F_NOTX) && hdr->tx_id) {
		r.txn = xs_conn_find_txn(c, hdr->tx_id);
		if (!r.txn) {
			reply_error(&r, ENOENT);
			return;
		}
	}
	err = handlers[hdr->type].fn(&r);
	if (err)
		reply_error(&r, err);
}
