/* Watches: registration per connection, and delivery of change events and
 * of the special @introduceDomain / @releaseDomain events. */
#ifndef XS_WATCH_H
#define XS_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "src/xenstored/xs-conn.h"
#include "src/xenstored/xs-tree.h"

struct xsd;

/* path is canonical; relative says the client gave a relative path, so its
 * events drop the /local/domain/<id>/ prefix. Returns 0 or errno; the new
 * watch goes to *out when out is not NULL. */
int xs_watch_add(struct xs_conn *c, const char *path, const char *token,
		 int depth, bool relative, struct xs_watch **out);
int xs_watch_del(struct xs_conn *c, const char *path, const char *token);
void xs_watch_clear(struct xs_conn *c);

/* Sends events for a committed change of path to every matching watch
 * whose connection may see it (perms: the node's perms before the change). */
void xs_watch_fire(struct xsd *d, const char *path, enum xs_match match,
		   const struct xs_perm *perms, uint32_t nperms);
/* Fires "@introduceDomain" or "@releaseDomain" for domid, as Xen does:
 * plain watches see the bare name, depth watches see name/<domid>. */
void xs_watch_fire_special(struct xsd *d, const char *name, uint32_t domid);

/* An event sink that fires at once, or queues into txn when not NULL. */
struct xs_event_sink xs_watch_sink(struct xsd *d, struct xs_txn *txn);
/* Fires what a committed transaction queued. */
void xs_watch_fire_queued(struct xsd *d, struct xs_txn *txn);

#endif
