#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "src/xenstored/xs-conn.h"
#include "src/xenstored/xs-ring.h"
#include "src/xenstored/xs-server.h"
#include "src/xenstored/xs-tree.h"
#include "src/xenstored/xs-watch.h"

/* Socket clients that do not read their replies are not read either. */
#define XS_SOCKET_BACKLOG (256u << 10)

struct xsd *xsd_create(void)
{
	struct xsd *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (xs_store_init(&d->store)) {
		free(d);
		return NULL;
	}
	xs_quota_defaults(&d->quota);
	return d;
}

static void close_conn(struct xs_conn *c)
{
	if (c->dom && c->dom->conn == c)
		c->dom->conn = NULL;
	if (c->fd >= 0)
		close(c->fd);
	xs_conn_free(c);
}

void xsd_destroy(struct xsd *d)
{
	if (!d)
		return;
	while (d->conns) {
		struct xs_conn *c = d->conns;

		d->conns = c->next;
		close_conn(c);
	}
	for (unsigned i = 0; i < d->nr_sockets; i++) {
		close(d->listen_fd[i]);
		unlink(d->socket_path[i]);
		free(d->socket_path[i]);
	}
	xs_domain_free_all(&d->domains);
	xs_store_destroy(&d->store);
	free(d);
}

const char *xsd_default_socket_path(void)
{
	const char *p = getenv("XENSTORED_PATH");

	return p && *p ? p : "/var/run/xenstored/socket";
}

static int make_parent_dirs(const char *path)
{
	char dir[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return ENAMETOOLONG;
	memcpy(dir, path, len + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return errno;
		*p = '/';
	}
	return 0;
}

/* A socket someone still answers on belongs to a running daemon; one that
 * refuses connections was left behind and may be replaced. */
static bool socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return used;
}

int xsd_listen(struct xsd *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (d->nr_sockets == XSD_MAX_SOCKETS)
		return EMFILE;
	if (strlen(path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	err = make_parent_dirs(path);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (socket_in_use(&sa)) {
		close(fd);
		return EADDRINUSE;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0600) || listen(fd, SOMAXCONN)) {
		err = errno;
		close(fd);
		return err;
	}
	d->listen_fd[d->nr_sockets] = fd;
	d->socket_path[d->nr_sockets++] = strdup(path);
	return 0;
}

static void add_conn(struct xsd *d, struct xs_conn *c)
{
	c->next = d->conns;
	d->conns = c;
}

void xsd_mark_introduced(struct xsd *d, struct xs_domain *dom)
{
	if (dom->introduced)
		return;
	dom->introduced = true;
	xs_watch_fire_special(d, "@introduceDomain", dom->domid);
}

int xsd_attach_ring(struct xsd *d, uint32_t domid, struct xs_ring_page *page,
		    void (*notify)(void *arg), void *arg)
{
	struct xs_domain *dom;
	struct xs_conn *c;

	if (domid == 0 || domid >= XS_DOMID_FIRST_RESERVED || !page)
		return EINVAL;
	dom = xs_domain_get(&d->domains, domid, &d->quota);
	if (!dom)
		return ENOMEM;
	if (dom->conn)
		return EEXIST;
	c = xs_conn_new(d, domid);
	if (!c)
		return ENOMEM;
	c->dom = dom;
	c->ring = page;
	c->notify = notify;
	c->notify_arg = arg;
	dom->conn = c;
	page->server_features = dom->features;
	page->connection = XS_RING_CONNECTED;
	page->error = XS_RING_ERROR_NONE;
	add_conn(d, c);
	xsd_mark_introduced(d, dom);
	/* No reaping here: this may run inside an INTRODUCE request. */
	xs_ring_process(c);
	return 0;
}

/* Other connections may have gained output (watch events, replies to a
 * ring whose request came in on a socket): push it into their rings. */
static void flush_rings(struct xsd *d)
{
	for (struct xs_conn *c = d->conns; c; c = c->next)
		if (c->ring && !c->dead && !c->broken &&
		    xs_conn_has_output(c))
			xs_ring_process(c);
}

void xsd_ring_kick(struct xsd *d, uint32_t domid)
{
	struct xs_domain *dom = xs_domain_find(d->domains, domid);

	if (!dom || !dom->conn)
		return;
	xs_ring_process(dom->conn);
	flush_rings(d);
	xsd_reap(d);
}

bool xsd_ring_has_requests(struct xsd *d, uint32_t domid)
{
	struct xs_domain *dom = xs_domain_find(d->domains, domid);

	return dom && dom->conn && xs_ring_has_requests(dom->conn);
}

static void forget_domain(struct xsd *d, uint32_t domid)
{
	struct xs_view v = { &d->store, NULL };
	struct xs_event_sink s = xs_watch_sink(d, NULL);

	xs_tree_forget_domain(&v, domid, &s);
}

void xsd_domain_gone(struct xsd *d, uint32_t domid)
{
	struct xs_domain *dom = xs_domain_find(d->domains, domid);

	if (!dom || !dom->introduced)
		return;
	if (dom->conn) {
		/* Its own watches must not see its nodes being cleaned up. */
		xs_watch_clear(dom->conn);
		dom->conn->dead = true;
		dom->conn = NULL;
		if (d->release)
			d->release(d->introduce_arg, domid);
	}
	dom->introduced = false;
	dom->target = XS_NO_TARGET;
	forget_domain(d, domid);
	xs_watch_fire_special(d, "@releaseDomain", domid);
}

void xsd_reap(struct xsd *d)
{
	struct xs_conn **p = &d->conns;

	while (*p) {
		struct xs_conn *c = *p;

		if (c->dead) {
			*p = c->next;
			close_conn(c);
		} else {
			p = &c->next;
		}
	}
}

static void accept_clients(struct xsd *d, int listen_fd)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct xs_conn *c;

		if (fd < 0)
			return;
		c = xs_conn_new(d, 0);
		if (!c) {
			close(fd);
			return;
		}
		c->fd = fd;
		add_conn(d, c);
	}
}

static void socket_read(struct xs_conn *c)
{
	char buf[16384];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		c->dead = true;
		return;
	}
	if (n > 0 && xs_conn_feed(c, buf, n) < 0) {
		fprintf(stderr, "xenstored: client sent an oversize message, "
				"closing it\n");
		c->dead = true;
	}
}

static void socket_write(struct xs_conn *c)
{
	while (c->out_head) {
		struct xs_out *o = c->out_head;
		ssize_t n = send(c->fd, o->bytes + c->out_off,
				 o->size - c->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				c->dead = true;
			return;
		}
		xs_conn_sent(c, n);
	}
}

int xsd_pollfds(struct xsd *d, struct pollfd *fds, int max)
{
	int n = 0;

	for (unsigned i = 0; i < d->nr_sockets && n < max; i++)
		fds[n++] = (struct pollfd){ d->listen_fd[i], POLLIN, 0 };
	for (struct xs_conn *c = d->conns; c && n < max; c = c->next) {
		short ev = 0;

		if (c->fd < 0 || c->dead)
			continue;
		if (c->out_bytes < XS_SOCKET_BACKLOG)
			ev |= POLLIN;
		if (xs_conn_has_output(c))
			ev |= POLLOUT;
		fds[n++] = (struct pollfd){ c->fd, ev, 0 };
	}
	return n;
}

static struct xs_conn *conn_by_fd(struct xsd *d, int fd)
{
	for (struct xs_conn *c = d->conns; c; c = c->next)
		if (c->fd == fd)
			return c;
	return NULL;
}

static bool is_listener(const struct xsd *d, int fd)
{
	for (unsigned i = 0; i < d->nr_sockets; i++)
		if (d->listen_fd[i] == fd)
			return true;
	return false;
}

void xsd_handle(struct xsd *d, const struct pollfd *fds, int n)
{
	for (int i = 0; i < n; i++) {
		struct xs_conn *c;

		if (!fds[i].revents)
			continue;
		if (is_listener(d, fds[i].fd)) {
			accept_clients(d, fds[i].fd);
			continue;
		}
		c = conn_by_fd(d, fds[i].fd);
		if (!c || c->dead)
			continue;
		if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
			socket_read(c);
	}
	/* Replies and events from this round go out without another poll. */
	xsd_flush(d);
}

void xsd_flush(struct xsd *d)
{
	for (struct xs_conn *c = d->conns; c; c = c->next)
		if (c->fd >= 0 && !c->dead && xs_conn_has_output(c))
			socket_write(c);
	flush_rings(d);
	xsd_reap(d);
}

int xsd_run(struct xsd *d, volatile int *stop)
{
	struct pollfd *fds = NULL;
	int cap = 0;

	while (!*stop) {
		int n, want = XSD_MAX_SOCKETS;

		for (struct xs_conn *c = d->conns; c; c = c->next)
			want++;
		if (want > cap) {
			struct pollfd *f = realloc(fds, want * sizeof(*f));

			if (!f) {
				free(fds);
				return ENOMEM;
			}
			fds = f;
			cap = want;
		}
		n = xsd_pollfds(d, fds, cap);
		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			free(fds);
			return errno;
		}
		xsd_handle(d, fds, n);
	}
	free(fds);
	return 0;
}
