/*
 * xenkvmd's console backend: a domain's secondary PV consoles (xl.cfg's
 * channel=), numbered from 1 (console 0 is served by the VMM). Each one's
 * host end is a Unix socket xenkvmd listens on (one client at a time) or a
 * pty (xl console -n N); one thread moves the bytes. What the guest writes
 * waits in its ring while nobody is connected, as on a serial line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>
#include "devices/cons-ring.h"
#include "devices/dev-thread.h"
#include "src/xenkvmd/backend.h"
#include "src/xenkvmd/dom0-console.h"
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/verbs.h"

struct cons {
	struct backend_dev b;		/* first: the skeleton sees only this */
	struct channel_spec spec;
	struct ring_q rq;
	struct dev_thread t;
	int listen_fd;			/* connection=socket: xenkvmd's socket */
	int host_fd;			/* the pty's master, or the socket's client */
	int pty_slave;			/* held open so the master never reads EIO */
	char tty[64];
	unsigned long long to_host, to_guest;
};

static const struct backend_kind console_kind;

/* --- the host end --------------------------------------------------------------- */

static int open_pty(struct cons *c, char *err, size_t errlen)
{
	struct termios t;
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, c->tty, sizeof(c->tty))) {
		snprintf(err, errlen, "channel %s: cannot make a pty: %s", c->spec.name,
			 strerror(errno));
		if (m >= 0)
			close(m);
		return -1;
	}
	c->pty_slave = open(c->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	/* Bytes as they are: no echo, no line editing, no CR/LF changes. */
	if (c->pty_slave >= 0 && !tcgetattr(c->pty_slave, &t)) {
		cfmakeraw(&t);
		tcsetattr(c->pty_slave, TCSANOW, &t);
	}
	c->host_fd = m;
	return 0;
}

static int open_socket(struct cons *c, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	_Static_assert(sizeof(c->spec.path) <= sizeof(sa.sun_path), "path= fits");
	strcpy(sa.sun_path, c->spec.path);
	/* A socket a live program listens on is not ours to take over. */
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		snprintf(err, errlen, "channel %s: %s is in use by another program",
			 c->spec.name, c->spec.path);
		close(fd);
		return -1;
	}
	unlink(c->spec.path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		snprintf(err, errlen, "channel %s: cannot listen on %s: %s", c->spec.name,
			 c->spec.path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	c->listen_fd = fd;
	return 0;
}

static void drop_client(struct cons *c)
{
	if (c->spec.connection != CHANNEL_SOCKET || c->host_fd < 0)
		return;
	close(c->host_fd);
	c->host_fd = -1;
	backend_log(&c->b, "its socket's client left");
}

/* --- the ring --------------------------------------------------------------------- */

/* Guest to host: as much of out[] as the host end takes now. */
static int to_host(struct cons *c, struct xencons_interface *r)
{
	char buf[XENCONS_OUT_SIZE];
	ssize_t n = cons_ring_out_peek(r, buf, sizeof(buf)), w;

	if (n < 0)
		return -1;
	if (c->host_fd < 0 || n == 0)
		return 0;
	w = write(c->host_fd, buf, (size_t)n);
	if (w < 0 && errno != EAGAIN && errno != EINTR)
		drop_client(c);
	if (w <= 0)
		return 0;
	cons_ring_out_take(r, (size_t)w);
	c->to_host += (unsigned long long)w;
	ring_q_raise(&c->rq, 0);
	return 0;
}

/* Host to guest: what the host end has, as far as in[] has room. */
static int to_guest(struct cons *c, struct xencons_interface *r)
{
	char buf[XENCONS_IN_SIZE];
	ssize_t room = cons_ring_in_room(r), n;

	if (room < 0)
		return -1;
	if (c->host_fd < 0 || room == 0)
		return 0;
	n = read(c->host_fd, buf, (size_t)room);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		drop_client(c);
		return 0;
	}
	if (n < 0)
		return 0;
	cons_ring_in_put(r, buf, (size_t)n);
	c->to_guest += (unsigned long long)n;
	ring_q_raise(&c->rq, 0);
	return 0;
}

static void accept_client(struct cons *c)
{
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (c->host_fd >= 0) {
		close(fd);	/* one client at a time */
		return;
	}
	c->host_fd = fd;
	backend_log(&c->b, "a client connected to its socket");
}

static void wait_for_work(struct cons *c, const struct xencons_interface *r)
{
	struct pollfd p[3] = { { c->rq.kick_fd, POLLIN, 0 } };
	nfds_t n = 1;
	uint64_t count;

	if (c->host_fd >= 0) {
		char byte;
		bool out_waiting = cons_ring_out_peek(r, &byte, 1) > 0;

		p[n++] = (struct pollfd){ c->host_fd, (short)(POLLIN | (out_waiting ? POLLOUT : 0)),
					  0 };
	}
	if (c->listen_fd >= 0)
		p[n++] = (struct pollfd){ c->listen_fd, POLLIN, 0 };
	if (poll(p, n, -1) < 0)
		return;
	if (p[0].revents & POLLIN && read(c->rq.kick_fd, &count, sizeof(count)) < 0)
		return;
	if (c->listen_fd >= 0 && p[n - 1].revents & POLLIN)
		accept_client(c);
}

static void *console_thread(void *arg)
{
	struct cons *c = arg;
	struct xencons_interface *r = c->rq.ring[0];

	while (!dev_thread_stopping(&c->t)) {
		if (to_host(c, r) || to_guest(c, r)) {
			backend_log(&c->b, "ring stopped: its indices are more than a ring apart");
			break;
		}
		wait_for_work(c, r);
	}
	return NULL;
}

/* --- the kind ------------------------------------------------------------------------ */

static int write_nodes(struct dom0 *z, struct backend_dev *b)
{
	struct cons *c = (struct cons *)b;
	bool sock = c->spec.connection == CHANNEL_SOCKET;
	int rc = 0;

	rc |= xb_printf(z, b->be, "protocol", "vt100");
	rc |= xb_printf(z, b->be, "name", "%s", c->spec.name);
	rc |= xb_printf(z, b->be, "connection", "%s", sock ? "socket" : "pty");
	if (sock)
		rc |= xb_printf(z, b->be, "path", "%s", c->spec.path);
	rc |= xb_printf(z, b->fe, "name", "%s", c->spec.name);
	rc |= xb_printf(z, b->fe, "limit", "1048576");
	rc |= xb_printf(z, b->fe, "type", "xenconsoled");
	/* Where xl console -n N (and Xen's own tools) find a pty console. */
	if (!sock)
		rc |= xb_printf(z, b->fe, "tty", "%s", c->tty);
	return rc ? -1 : 0;
}

static void probe(struct dom0 *z, struct backend_dev *b)
{
	(void)z, (void)b;	/* a console offers nothing to negotiate */
}

/* The frontend wrote ring-ref and port, then said Initialised. */
static void connect_ring(struct dom0 *z, struct backend_dev *b)
{
	struct cons *c = (struct cons *)b;
	long long ref = xb_read_uint(z, b->fe, "ring-ref", -1);
	long long port = xb_read_uint(z, b->fe, "port", -1);
	uint32_t gref = (uint32_t)ref, p = (uint32_t)port;

	if (ref < 0 || port <= 0) {
		backend_fail(z, b, "%s/ring-ref or port is missing or not a number", b->fe);
		return;
	}
	if (!b->dom->ram || b->dom->link_fd < 0) {
		backend_fail(z, b, "the domain's VMM is not linked to xenkvmd");
		return;
	}
	b->nr_queues = 1;
	if (ring_q_map(&c->rq, 0, &gref, 1, "the console ring") == 0)
		ring_q_bind(&c->rq, &p, 1, EFD_NONBLOCK);
}

static void start_serving(struct dom0 *z, struct backend_dev *b)
{
	struct cons *c = (struct cons *)b;

	c->t = (struct dev_thread){ .kick_fd = c->rq.kick_fd };
	if (dev_thread_start(&c->t, console_thread, c)) {
		backend_fail(z, b, "cannot start its thread: %s", strerror(errno));
		return;
	}
	backend_connected(z, b);
	backend_log(b, "connected, event channel %u", c->rq.port[0]);
}

static void stop_serving(struct backend_dev *b)
{
	struct cons *c = (struct cons *)b;

	if (!c->t.running)
		return;
	dev_thread_stop(&c->t);
	backend_log(b, "%llu bytes to the host, %llu to the guest", c->to_host, c->to_guest);
}

static void destroy(struct backend_dev *b)
{
	struct cons *c = (struct cons *)b;

	if (c->host_fd >= 0)
		close(c->host_fd);
	if (c->pty_slave >= 0)
		close(c->pty_slave);
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		unlink(c->spec.path);
	}
}

/* "devid state evtch ring-ref name connection where", tab-separated */
static void list_row(const struct backend_dev *b, struct ctl_msg *rep)
{
	const struct cons *c = (const struct cons *)b;
	bool sock = c->spec.connection == CHANNEL_SOCKET;

	ctl_msg_addf(rep, "%u\t%d\t%d\t%d\t%s\t%s\t%s", b->devid, b->state,
		     c->rq.bound[0] ? (int)c->rq.port[0] : -1,
		     c->rq.ring[0] ? (int)c->rq.refs[0][0] : -1, c->spec.name,
		     sock ? "socket" : "pty", sock ? c->spec.path : c->tty);
}

static const struct backend_kind console_kind = {
	"console", write_nodes, probe, connect_ring, start_serving, stop_serving, destroy,
	list_row, NULL,
};

/* --- attach, xl channel-list ------------------------------------------------------------------ */

int dom0_console_attach(struct dom0 *z, struct domain *d, uint32_t devid,
			const struct channel_spec *cs, char *err, size_t errlen)
{
	struct cons *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->spec = *cs;
	c->listen_fd = c->host_fd = c->pty_slave = -1;
	ring_q_init(&c->rq, &c->b, 0);
	c->b.queue[0] = &c->rq;
	c->b.domid = d->domid;
	snprintf(c->b.what, sizeof(c->b.what), "console %u (%.30s)", devid, cs->name);
	if (cs->connection == CHANNEL_SOCKET ? open_socket(c, err, errlen)
					     : open_pty(c, err, errlen)) {
		destroy(&c->b);
		free(c);
		return -1;
	}
	if (backend_add(z, d, &console_kind, devid, &c->b, err, errlen))
		return -1;
	backend_log(&c->b, "%s", cs->connection == CHANNEL_SOCKET ? cs->path : c->tty);
	return 0;
}

void verb_channel_list(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct domain *d = dom0_want_domain(z, req, rep);

	if (!d)
		return;
	ctl_reply_ok(rep);
	backend_list(z, &console_kind, d, rep);
}
