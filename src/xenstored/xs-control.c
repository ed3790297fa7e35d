/* XS_CONTROL: the small set of xenstore-control commands we implement. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "src/xenstored/xs-proto.h"
#include "src/xenstored/xs-server.h"

static int ctl_check(struct xs_req *r, const char **args, uint32_t n)
{
	(void)args;
	if (n)
		return EINVAL;
	xs_reply_ok(r);
	return 0;
}

static int ctl_print(struct xs_req *r, const char **args, uint32_t n)
{
	if (n != 1)
		return EINVAL;
	fprintf(stderr, "xenstored: %s\n", args[0]);
	xs_reply_ok(r);
	return 0;
}

/* "quota": the defaults; "quota <domid>": that domain's nodes and limits. */
static int ctl_quota(struct xs_req *r, const char **args, uint32_t n)
{
	struct xsd *d = r->c->d;
	const struct xs_quota *q = &d->quota;
	char out[XS_PAYLOAD_MAX] = "";
	size_t used = 0;
	uint32_t domid;

	if (n > 1)
		return EINVAL;
	if (n == 1) {
		struct xs_domain *dom;

		if (xs_parse_domid(args[0], &domid))
			return EINVAL;
		dom = xs_domain_find(d->domains, domid);
		if (!dom)
			return ENOENT;
		q = &dom->quota;
		used += snprintf(out, sizeof(out), "Domain %u: nodes used %u\n",
				 domid, d->store.owned[domid]);
	}
	for (int i = 0; i < XS_Q_COUNT; i++)
		if (q->hard[i] != XS_Q_DISABLED)
			used += snprintf(out + used, sizeof(out) - used,
					 "%-18s %u\n", xs_quota_name(i),
					 q->hard[i]);
	xs_reply(r, out, strlen(out) + 1);
	return 0;
}

static int ctl_help(struct xs_req *r, const char **args, uint32_t n);

static const struct {
	const char *name;
	int (*fn)(struct xs_req *r, const char **args, uint32_t n);
	const char *usage;
} commands[] = {
	{ "check", ctl_check, "" },
	{ "help", ctl_help, "" },
	{ "print", ctl_print, "<string>" },
	{ "quota", ctl_quota, "[<domid>]" },
};

static int ctl_help(struct xs_req *r, const char **args, uint32_t n)
{
	char out[512];
	size_t used = 0;

	(void)args;
	(void)n;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		used += snprintf(out + used, sizeof(out) - used, "%s %s\n",
				 commands[i].name, commands[i].usage);
	xs_reply_str(r, out);
	return 0;
}

int xs_do_control(struct xs_req *r)
{
	const char *v[8];
	uint32_t n = xs_req_strings(r, v, 8);

	if (n == 0 || n > 8)
		return EINVAL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(v[0], commands[i].name))
			return commands[i].fn(r, v + 1, n - 1);
	return EINVAL;
}
