/* xenkvmd's event loop: the control socket, its clients, and child reaping. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/dom0-server.h"
#include "src/xenkvmd/backend.h"
#include "src/xenstored/xs-server.h"

#define MAX_CLIENTS 64

struct client {
	int fd;
	char *buf;
	size_t len, cap;
};

static struct client clients[MAX_CLIENTS];

void dom0_path(const struct dom0 *z, char *out, size_t size, const char *fmt, ...)
{
	char rel[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(out, size, "%s/%s", z->rundir, rel);
}

int dom0_listen(struct dom0 *z)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[256];
	mode_t old;
	int fd;

	dom0_path(z, path, sizeof(path), "xenkvmd.sock");
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "xenkvmd: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	/* Owner-only from the moment it exists: no window for other users. */
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		umask(old);
		fprintf(stderr, "xenkvmd: cannot listen on %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	z->listen_fd = fd;
	return 0;
}

int dom0_signals(struct dom0 *z)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	z->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	return z->sig_fd < 0 ? -1 : 0;
}

static void reap_children(struct dom0 *z)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct domain *d = domains_by_pid(&z->doms, pid);
		if (d)
			dom0_vmm_exited(z, d, status);
	}
}

static void read_signals(struct dom0 *z)
{
	struct signalfd_siginfo si;

	while (read(z->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap_children(z);
		else
			z->quit = true;
	}
}

static void accept_client(struct dom0 *z)
{
	int fd = accept4(z->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i].fd <= 0) {
			clients[i] = (struct client){ .fd = fd };
			return;
		}
	}
	dom0_log("too many control clients; refusing one");
	close(fd);
}

static void drop_client(struct client *c)
{
	close(c->fd);
	free(c->buf);
	*c = (struct client){ 0 };
}

int dom0_send_reply(int fd, const struct ctl_msg *rep)
{
	int flags = fcntl(fd, F_GETFL);
	int rc;

	/* Replies are small; write them whole even on a non-blocking socket. */
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	rc = ctl_send(fd, rep);
	fcntl(fd, F_SETFL, flags);
	return rc;
}

static void serve_client(struct dom0 *z, struct client *c)
{
	ssize_t r;

	if (c->cap - c->len < 4096) {
		size_t ncap = c->cap ? c->cap * 2 : 8192;
		char *nb = ncap <= CTL_MAX_MSG + 8192 ? realloc(c->buf, ncap) : NULL;
		if (!nb) {
			dom0_log("control client sent an oversize message; dropped");
			drop_client(c);
			return;
		}
		c->buf = nb;
		c->cap = ncap;
	}
	r = read(c->fd, c->buf + c->len, c->cap - c->len);
	if (r <= 0) {
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		drop_client(c);
		return;
	}
	c->len += (size_t)r;
	for (;;) {
		struct ctl_msg req, rep;
		long used;

		ctl_msg_init(&req);
		used = ctl_decode(c->buf, c->len, &req);
		if (used == 0)
			return;
		if (used < 0) {
			dom0_log("malformed control message; client dropped");
			drop_client(c);
			return;
		}
		memmove(c->buf, c->buf + used, c->len - (size_t)used);
		c->len -= (size_t)used;
		ctl_msg_init(&rep);
		z->client_fd = c->fd;
		z->reply_deferred = false;
		dom0_handle(z, &req, &rep);
		r = z->reply_deferred ? 0 : dom0_send_reply(c->fd, &rep);
		ctl_msg_free(&req);
		ctl_msg_free(&rep);
		if (r < 0) {
			drop_client(c);
			return;
		}
	}
}

#define MAX_XS_FDS 128
#define MAX_LINKS 256


/*
 * Like Xen's own xenstored, look at the rings themselves, not only at their
 * events: after RING_CHECK_MS with nothing to do, a ring that still holds
 * requests lost its event somewhere (logged once per domain, since that is
 * a bug) and is served anyway.
 */
#define RING_CHECK_MS 250

static void check_rings(struct dom0 *z)
{
	for (struct domain *d = z->doms.head; d; d = d->next) {
		if (!d->ram || !xsd_ring_has_requests(z->xs, d->domid))
			continue;
		if (!d->ring_stall_logged) {
			d->ring_stall_logged = true;
			dom0_log("domain %u: xenstore requests waiting with no event "
				 "(served anyway)", d->domid);
		}
		xsd_ring_kick(z->xs, d->domid);
	}
}

void dom0_run(struct dom0 *z)
{
	while (!z->quit) {
		struct pollfd pfd[MAX_CLIENTS + 2 + MAX_XS_FDS + MAX_LINKS];
		uint32_t linked[MAX_LINKS];	/* by domid: never reused as addresses and fds are */
		int map[MAX_CLIENTS + 2];
		nfds_t n = 0, xs_first, links_first;
		int xs_n, nlinks = 0;

		pfd[n++] = (struct pollfd){ .fd = z->listen_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = z->sig_fd, .events = POLLIN };
		for (int i = 0; i < MAX_CLIENTS; i++) {
			if (clients[i].fd > 0) {
				map[n] = i;
				pfd[n++] = (struct pollfd){ .fd = clients[i].fd, .events = POLLIN };
			}
		}
		xs_first = n;
		xs_n = xsd_pollfds(z->xs, pfd + n, MAX_XS_FDS);
		n += (nfds_t)xs_n;
		links_first = n;
		for (struct domain *d = z->doms.head; d && nlinks < MAX_LINKS; d = d->next) {
			if (d->link_fd < 0)
				continue;
			linked[nlinks++] = d->domid;
			pfd[n++] = (struct pollfd){ .fd = d->link_fd, .events = POLLIN };
		}
		int ready = poll(pfd, n, RING_CHECK_MS);

		if (ready < 0) {
			if (errno == EINTR)
				continue;
			dom0_log("poll: %s", strerror(errno));
			break;
		}
		dom0_create_timeouts(z);
		if (ready == 0) {
			check_rings(z);	/* idle for a while: nothing should be waiting */
			backend_run(z);
			continue;
		}
		if (pfd[1].revents)
			read_signals(z);
		if (pfd[0].revents)
			accept_client(z);
		for (nfds_t i = 2; i < xs_first; i++)
			if (pfd[i].revents)
				serve_client(z, &clients[map[i]]);
		xsd_handle(z->xs, pfd + xs_first, xs_n);
		/*
		 * Links after signals: a reaped domain may be gone by now, and a
		 * domain restarted meanwhile may have its entry's address and its
		 * link's fd number, so it is found by domid.
		 */
		for (int i = 0; i < nlinks; i++) {
			struct domain *d = domains_by_id(&z->doms, linked[i]);

			if (pfd[links_first + i].revents && d && d->link_fd == pfd[links_first + i].fd)
				dom0_link_readable(z, d);
		}
		backend_run(z);
	}
}
