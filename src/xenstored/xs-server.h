/* xenstored as a library: the store, its clients, and a poll-driven loop.
 * xenkvmd embeds it; build/xenstored runs it alone. */
#ifndef XS_SERVER_H
#define XS_SERVER_H

#include <poll.h>
#include <stdint.h>

#include "src/xenstored/xs-domain.h"
#include "src/xenstored/xs-store.h"

struct xs_conn;
struct xs_ring_page;

#define XSD_MAX_SOCKETS 2

struct xsd {
	struct xs_store store;
	struct xs_quota quota;		/* defaults for new domains */
	struct xs_domain *domains;
	struct xs_conn *conns;
	/* Sockets clients connect to (a daemon may serve its own path and the
	 * standard one); each path is removed again by xsd_destroy. */
	int listen_fd[XSD_MAX_SOCKETS];
	char *socket_path[XSD_MAX_SOCKETS];
	unsigned nr_sockets;
	/* Called on INTRODUCE so the embedder can map the domain's ring and
	 * call xsd_attach_ring; returns 0 or an errno for the reply. */
	int (*introduce)(void *arg, uint32_t domid, uint64_t gfn,
			 uint32_t port);
	void *introduce_arg;
	/* Called when RELEASE drops a ring the embedder attached. */
	void (*release)(void *arg, uint32_t domid);
	/* Called for each committed change of a node, as a watch would fire;
	 * the embedder's own backends watch this way (it may not write the
	 * store from inside the call). */
	void (*changed)(void *arg, const char *path);
	void *changed_arg;
};

struct xsd *xsd_create(void);
void xsd_destroy(struct xsd *d);

/* Listens on one more Unix socket (mode 0600), creating its directory;
 * 0 or an errno (EADDRINUSE: a live server owns the path). */
int xsd_listen(struct xsd *d, const char *path);
/* $XENSTORED_PATH, else /var/run/xenstored/socket. */
const char *xsd_default_socket_path(void);

/* Serves a domain through its shared ring page, and counts it introduced.
 * notify(arg) must signal the domain's xenstore event channel. The page
 * stays the caller's until xsd_domain_gone or the release callback.
 * Returns 0, EINVAL (bad domid or page), EEXIST or ENOMEM. */
int xsd_attach_ring(struct xsd *d, uint32_t domid, struct xs_ring_page *page,
		    void (*notify)(void *arg), void *arg);
/* Call when domid signalled its xenstore event channel. A ring the domain
 * broke (see the page's error field) is not served any more. */
void xsd_ring_kick(struct xsd *d, uint32_t domid);
/* The domain's ring holds requests not yet read (whatever the events said). */
bool xsd_ring_has_requests(struct xsd *d, uint32_t domid);
/* Marks the domain gone: fires @releaseDomain, drops its connection. */
void xsd_domain_gone(struct xsd *d, uint32_t domid);

/* Poll integration: fills up to max pollfds, returns how many. */
int xsd_pollfds(struct xsd *d, struct pollfd *fds, int max);
/* Handles what poll reported on fds from xsd_pollfds, then reaps. */
void xsd_handle(struct xsd *d, const struct pollfd *fds, int n);
/* Sends what changes made outside xsd_handle queued (replies, watch events). */
void xsd_flush(struct xsd *d);
/* Runs the loop until stop is nonzero or poll fails. */
int xsd_run(struct xsd *d, volatile int *stop);

/* Shared by the modules: drops dead connections; marks a domain
 * introduced and fires @introduceDomain the first time. */
void xsd_reap(struct xsd *d);
void xsd_mark_introduced(struct xsd *d, struct xs_domain *dom);

#endif
