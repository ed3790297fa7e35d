#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/xenstored/xs-domain.h"
#include "src/xenstored/xs-node.h"
#include "src/xenstored/xs-wire.h"

static const char *const quota_names[XS_Q_COUNT] = {
	[XS_Q_NODES] = "nodes",
	[XS_Q_WATCHES] = "watches",
	[XS_Q_OUTSTANDING] = "outstanding",
	[XS_Q_MEMORY] = "memory",
	[XS_Q_TRANSACTIONS] = "transactions",
	[XS_Q_TRANSACTION_NODES] = "transaction-nodes",
	[XS_Q_NODE_PERMISSIONS] = "node-permissions",
	[XS_Q_PATH_MAX] = "path-max",
	[XS_Q_NODE_SIZE] = "node-size",
};

/* Xen's defaults; only memory has a soft limit there. */
void xs_quota_defaults(struct xs_quota *q)
{
	for (int i = 0; i < XS_Q_COUNT; i++)
		q->soft[i] = XS_Q_DISABLED;
	q->hard[XS_Q_NODES] = 1000;
	q->hard[XS_Q_WATCHES] = 128;
	q->hard[XS_Q_OUTSTANDING] = 20;
	q->hard[XS_Q_MEMORY] = 2 * 1024 * 1024 + 512 * 1024;
	q->soft[XS_Q_MEMORY] = 2 * 1024 * 1024;
	q->hard[XS_Q_TRANSACTIONS] = 10;
	q->hard[XS_Q_TRANSACTION_NODES] = 1024;
	q->hard[XS_Q_NODE_PERMISSIONS] = 5;
	q->hard[XS_Q_PATH_MAX] = XS_REL_PATH_MAX;
	q->hard[XS_Q_NODE_SIZE] = 2048;
}

const char *xs_quota_name(enum xs_quota_id id)
{
	return id < XS_Q_COUNT ? quota_names[id] : NULL;
}

uint32_t *xs_quota_slot(struct xs_quota *q, const char *name)
{
	uint32_t *vals = q->hard;

	if (!strncmp(name, "soft-", 5)) {
		vals = q->soft;
		name += 5;
	}
	for (int i = 0; i < XS_Q_COUNT; i++)
		if (!strcmp(name, quota_names[i]))
			return vals[i] == XS_Q_DISABLED ? NULL : &vals[i];
	return NULL;
}

struct xs_domain *xs_domain_find(struct xs_domain *list, uint32_t domid)
{
	for (; list; list = list->next)
		if (list->domid == domid)
			return list;
	return NULL;
}

struct xs_domain *xs_domain_get(struct xs_domain **list, uint32_t domid,
				const struct xs_quota *defaults)
{
	struct xs_domain *d = xs_domain_find(*list, domid);

	if (d)
		return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->features = XS_FEATURES_ALL;
	d->target = XS_NO_TARGET;
	d->quota = *defaults;
	d->next = *list;
	*list = d;
	return d;
}

void xs_domain_free_all(struct xs_domain **list)
{
	while (*list) {
		struct xs_domain *d = *list;

		*list = d->next;
		free(d);
	}
}

int xs_parse_domid(const char *s, uint32_t *domid)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xffff)
		return EINVAL;
	*domid = v;
	return 0;
}
