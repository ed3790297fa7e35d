/* Requests about domains rather than nodes: introduction and release,
 * targets, ring features and quotas. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-proto.h"
#include "src/xenstored/xs-server.h"
#include "src/xenstored/xs-watch.h"

static int onearg_domid(struct xs_req *r, uint32_t *domid)
{
	return xs_parse_domid(xs_req_onearg(r), domid);
}

/* A domain Dom0 has introduced and not released; Dom0 itself never is. */
static int introduced_domain(struct xs_req *r, uint32_t domid,
			     struct xs_domain **out)
{
	if (domid == 0 || domid >= XS_DOMID_FIRST_RESERVED)
		return EINVAL;
	*out = xs_domain_find(r->c->d->domains, domid);
	return *out && (*out)->introduced ? 0 : ENOENT;
}

int xs_do_introduce(struct xs_req *r)
{
	struct xsd *d = r->c->d;
	const char *v[3];
	struct xs_domain *dom;
	uint32_t domid;
	long long gfn;
	long port;
	int err;

	if (xs_req_strings(r, v, 3) < 3)
		return EINVAL;
	err = xs_parse_domid(v[0], &domid);
	if (err || domid == 0 || domid >= XS_DOMID_FIRST_RESERVED)
		return EINVAL;
	gfn = strtoll(v[1], NULL, 10);
	port = strtol(v[2], NULL, 10);
	if (port <= 0)
		return EINVAL;
	dom = xs_domain_get(&d->domains, domid, &d->quota);
	if (!dom)
		return ENOMEM;
	if (dom->introduced) {
		/* Xen accepts a repeat for the same channel (e.g. on resume). */
		if (dom->port != (uint32_t)port)
			return EINVAL;
		xs_reply_ok(r);
		return 0;
	}
	if (d->introduce) {
		err = d->introduce(d->introduce_arg, domid, gfn, port);
		if (err)
			return err;
	}
	dom->port = port;
	xsd_mark_introduced(d, dom);
	xs_reply_ok(r);
	return 0;
}

int xs_do_release(struct xs_req *r)
{
	struct xs_domain *dom;
	uint32_t domid;
	int err = onearg_domid(r, &domid);

	if (!err)
		err = introduced_domain(r, domid, &dom);
	if (err)
		return err;
	xsd_domain_gone(r->c->d, domid);
	xs_reply_ok(r);
	return 0;
}

int xs_do_resume(struct xs_req *r)
{
	struct xs_domain *dom;
	uint32_t domid;
	int err = onearg_domid(r, &domid);

	if (!err)
		err = introduced_domain(r, domid, &dom);
	if (!err)
		xs_reply_ok(r);
	return err;
}

int xs_do_set_target(struct xs_req *r)
{
	const char *v[2];
	struct xs_domain *dom, *tdom;
	uint32_t domid, tdomid;
	int err;

	if (xs_req_strings(r, v, 2) < 2)
		return EINVAL;
	err = xs_parse_domid(v[0], &domid);
	if (!err)
		err = xs_parse_domid(v[1], &tdomid);
	if (!err)
		err = introduced_domain(r, domid, &dom);
	if (!err)
		err = introduced_domain(r, tdomid, &tdom);
	if (err)
		return err;
	dom->target = tdomid;
	xs_reply_ok(r);
	return 0;
}

int xs_do_get_domain_path(struct xs_req *r)
{
	char path[32];
	uint32_t domid;
	int err = onearg_domid(r, &domid);

	if (err)
		return err;
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	xs_reply_str(r, path);
	return 0;
}

int xs_do_is_domain_introduced(struct xs_req *r)
{
	struct xs_domain *dom;
	uint32_t domid;
	int err = onearg_domid(r, &domid);
	bool yes;

	if (err)
		return err;
	dom = xs_domain_find(r->c->d->domains, domid);
	yes = domid == 0 || domid == XS_DOMID_SELF || (dom && dom->introduced);
	xs_reply_str(r, yes ? "T" : "F");
	return 0;
}

static void reply_u32(struct xs_req *r, uint32_t v)
{
	char s[16];

	snprintf(s, sizeof(s), "%u", v);
	xs_reply_str(r, s);
}

int xs_do_get_feature(struct xs_req *r)
{
	const char *v[1];
	struct xs_domain *dom;
	uint32_t domid, n = xs_req_strings(r, v, 1);
	int err;

	if (n == 0) {
		reply_u32(r, xs_conn_features(r->c));
		return 0;
	}
	if (!xs_conn_privileged(r->c))
		return EACCES;
	if (n > 1)
		return EINVAL;
	err = xs_parse_domid(v[0], &domid);
	if (err)
		return err;
	dom = xs_domain_get(&r->c->d->domains, domid, &r->c->d->quota);
	if (!dom)
		return ENOMEM;
	reply_u32(r, dom->features);
	return 0;
}

int xs_do_set_feature(struct xs_req *r)
{
	const char *v[2];
	struct xs_domain *dom;
	uint32_t domid;
	unsigned long features;
	int err;

	if (xs_req_strings(r, v, 2) != 2)
		return EINVAL;
	err = xs_parse_domid(v[0], &domid);
	if (err)
		return err;
	features = strtoul(v[1], NULL, 10);
	dom = xs_domain_get(&r->c->d->domains, domid, &r->c->d->quota);
	if (!dom)
		return ENOMEM;
	if (dom->introduced)
		return EBUSY;
	if (features & ~(unsigned long)XS_FEATURES_ALL)
		return EINVAL;
	dom->features = features;
	xs_reply_ok(r);
	return 0;
}

static void reply_quota_names(struct xs_req *r)
{
	char out[512] = "";
	size_t used = 0;

	for (int i = 0; i < XS_Q_COUNT; i++) {
		const char *name = xs_quota_name(i);

		if (r->c->d->quota.hard[i] != XS_Q_DISABLED)
			used += snprintf(out + used, sizeof(out) - used, "%s%s",
					 used ? " " : "", name);
		if (r->c->d->quota.soft[i] != XS_Q_DISABLED)
			used += snprintf(out + used, sizeof(out) - used,
					 "%ssoft-%s", used ? " " : "", name);
	}
	xs_reply_str(r, out);
}

/* The quota table a request names: the defaults, or one domain's. */
static int quota_table(struct xs_req *r, const char *domid_str,
		       struct xs_quota **q)
{
	struct xs_domain *dom;
	uint32_t domid;
	int err;

	if (!domid_str) {
		*q = &r->c->d->quota;
		return 0;
	}
	err = xs_parse_domid(domid_str, &domid);
	if (err)
		return err;
	dom = xs_domain_get(&r->c->d->domains, domid, &r->c->d->quota);
	if (!dom)
		return ENOMEM;
	*q = &dom->quota;
	return 0;
}

int xs_do_get_quota(struct xs_req *r)
{
	const char *v[2];
	struct xs_quota *q;
	uint32_t *slot, n = xs_req_strings(r, v, 2);
	int err;

	if (n > 2)
		return EINVAL;
	if (n == 0) {
		reply_quota_names(r);
		return 0;
	}
	err = quota_table(r, n == 2 ? v[0] : NULL, &q);
	if (err)
		return err;
	slot = xs_quota_slot(q, v[n - 1]);
	if (!slot)
		return EINVAL;
	reply_u32(r, *slot);
	return 0;
}

int xs_do_set_quota(struct xs_req *r)
{
	const char *v[3];
	struct xs_quota *q;
	uint32_t *slot, n = xs_req_strings(r, v, 3);
	unsigned long val;
	int err;

	if (n < 2 || n > 3)
		return EINVAL;
	err = quota_table(r, n == 3 ? v[0] : NULL, &q);
	if (err)
		return err;
	slot = xs_quota_slot(q, v[n - 2]);
	val = strtoul(v[n - 1], NULL, 10);
	if (!slot || val >= XS_Q_DISABLED)
		return EINVAL;
	*slot = val;
	xs_reply_ok(r);
	return 0;
}
