/* What xenstored knows about each domain: introduced or not, its ring
 * connection, features, target, and per-domain quotas. */
#ifndef XS_DOMAIN_H
#define XS_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

/* Xen's quota names and order (GET_QUOTA lists them in this order). */
enum xs_quota_id {
	XS_Q_NODES,
	XS_Q_WATCHES,
	XS_Q_OUTSTANDING,
	XS_Q_MEMORY,
	XS_Q_TRANSACTIONS,
	XS_Q_TRANSACTION_NODES,
	XS_Q_NODE_PERMISSIONS,
	XS_Q_PATH_MAX,
	XS_Q_NODE_SIZE,
	XS_Q_COUNT
};

#define XS_Q_DISABLED UINT32_MAX	/* no such soft/hard variant */

struct xs_quota {
	uint32_t hard[XS_Q_COUNT];
	uint32_t soft[XS_Q_COUNT];
};

struct xs_conn;

struct xs_domain {
	uint32_t domid;
	bool introduced;
	uint32_t port;			/* event channel given at INTRODUCE */
	uint32_t features;
	uint32_t target;		/* XS_NO_TARGET when none */
	struct xs_quota quota;
	struct xs_conn *conn;		/* ring connection, when attached */
	struct xs_domain *next;
};

void xs_quota_defaults(struct xs_quota *q);
const char *xs_quota_name(enum xs_quota_id id);
/* Parses "nodes", "soft-memory", ...; returns the slot or NULL. */
uint32_t *xs_quota_slot(struct xs_quota *q, const char *name);

struct xs_domain *xs_domain_find(struct xs_domain *list, uint32_t domid);
/* Finds or creates the record; NULL on ENOMEM. New ones copy defaults. */
struct xs_domain *xs_domain_get(struct xs_domain **list, uint32_t domid,
				const struct xs_quota *defaults);
void xs_domain_free_all(struct xs_domain **list);

/* Parses a decimal domid 0..65535; returns 0 or EINVAL. */
int xs_parse_domid(const char *s, uint32_t *domid);

#endif
