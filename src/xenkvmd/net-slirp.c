/*
 * The user-mode endpoint of a vif: a libslirp instance inside xenkvmd.
 * The guest's frames go into slirp, which answers ARP, DHCP and DNS itself
 * and carries TCP and UDP over xenkvmd's own sockets; what slirp sends the
 * guest waits in a short queue until the frontend has buffers. Everything
 * runs on the vif's queue thread, between its ring services.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libslirp.h>
#include "devices/frame-fifo.h"
#include "src/xenkvmd/net-slirp.h"

/*
 * Frames slirp produced that the guest has not taken. Beyond the soft
 * limit slirp's sockets are not read; beyond the hard one frames are
 * dropped, which slirp's TCP recovers from.
 */
#define QUEUE_SOFT 256
#define QUEUE_HARD 1024
/* Reports of a misbehaving guest logged per vif; the rest are counted. */
#define GUEST_ERRORS_LOGGED 10

struct slirp_timer {
	struct slirp_timer *next;
	SlirpTimerCb cb;		/* timer_new's kind; NULL: slirp_handle_timer's */
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms;		/* -1: not armed */
};

struct slirp_endpoint {
	struct net_endpoint ep;		/* first */
	Slirp *slirp;
	struct frame_fifo frames;	/* slirp's answers; under slirp_lock */
	struct slirp_timer *timers;
	struct net_poll *poll;		/* during slirp_pollfds_fill/poll */
	bool want_rx;
	unsigned guest_errors;
	void (*log)(void *arg, const char *msg);
	void *log_arg;
};

/*
 * libslirp keeps some state for the whole process (its cache of the host's
 * DNS server) and QEMU calls it from one thread only; vifs each have their
 * thread, so every call into slirp holds this lock.
 */
static pthread_mutex_t slirp_lock = PTHREAD_MUTEX_INITIALIZER;

static struct slirp_endpoint *slirp_of(struct net_endpoint *e)
{
	return (struct slirp_endpoint *)e;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- slirp's callbacks ------------------------------------------------------------ */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct slirp_endpoint *s = opaque;
	/* slirp fills in every checksum */
	const struct vif_rx_meta m = { .data_validated = true };

	/* Dropped when full, as by a full NIC queue: TCP will send again. */
	if (len <= VIF_MAX_FRAME)
		frame_fifo_put(&s->frames, buf, len, &m);
	else
		s->frames.dropped++;
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	struct slirp_endpoint *s = opaque;
	char line[300];

	if (s->guest_errors++ >= GUEST_ERRORS_LOGGED)
		return;
	snprintf(line, sizeof(line), "user-mode network: the guest's frame was refused: %s%s",
		 msg, s->guest_errors == GUEST_ERRORS_LOGGED ? " (no more such reports)" : "");
	s->log(s->log_arg, line);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static struct slirp_timer *add_timer(struct slirp_endpoint *s, SlirpTimerCb cb,
				     SlirpTimerId id, void *cb_opaque)
{
	struct slirp_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;	/* slirp then never hears of this timer: no RA resends */
	*t = (struct slirp_timer){ s->timers, cb, id, cb_opaque, -1 };
	s->timers = t;
	return t;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	return add_timer(opaque, cb, SLIRP_TIMER_NUM, cb_opaque);
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	return add_timer(opaque, NULL, id, cb_opaque);
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct slirp_endpoint *s = opaque;

	for (struct slirp_timer **pp = &s->timers; *pp; pp = &(*pp)->next) {
		if (*pp == timer) {
			*pp = (*pp)->next;
			free(timer);
			return;
		}
	}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct slirp_timer *t = timer;

	(void)opaque;
	if (t)
		t->expire_ms = expire_ms;
}

/* Only for hosts without poll(2) (Windows): nothing to do here. */
static void cb_poll_fd(int fd, void *opaque)
{
	(void)fd, (void)opaque;
}

/* The queue thread asks slirp for its descriptors before every wait. */
static void cb_notify(void *opaque)
{
	(void)opaque;
}

static void cb_init_completed(Slirp *slirp, void *opaque)
{
	(void)slirp, (void)opaque;
}

static const SlirpCb slirp_callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_poll_fd,
	.unregister_poll_fd = cb_poll_fd,
	.notify = cb_notify,
	.init_completed = cb_init_completed,
	.timer_new_opaque = cb_timer_new_opaque,
};

/* --- the endpoint ----------------------------------------------------------------- */

/* Called with slirp_lock held. */
static int input_segment(void *arg, const uint8_t *seg, size_t len)
{
	struct slirp_endpoint *s = arg;

	slirp_input(s->slirp, seg, (int)len);
	return 0;
}

/* slirp takes only finished frames: segment trains are cut here. */
static int slirp_send(struct net_endpoint *e, const void *frame, size_t len,
		      const struct vif_tx_meta *m)
{
	struct slirp_endpoint *s = slirp_of(e);
	int rc = 0;

	if (len > VIF_MAX_FRAME)
		return -1;
	pthread_mutex_lock(&slirp_lock);
	if (m->gso_size)
		rc = net_gso_segment(frame, len, &m->hdrs, m->gso_size, input_segment, s) < 0;
	else
		slirp_input(s->slirp, frame, (int)len);
	pthread_mutex_unlock(&slirp_lock);
	return rc ? -1 : 0;
}

static ssize_t slirp_recv(struct net_endpoint *e, void *buf, size_t size, struct vif_rx_meta *m)
{
	struct slirp_endpoint *s = slirp_of(e);
	ssize_t len;

	/* Other queues' threads send, and slirp may answer into the list. */
	pthread_mutex_lock(&slirp_lock);
	len = frame_fifo_take(&s->frames, buf, size, m);
	pthread_mutex_unlock(&slirp_lock);
	return len;
}

static int to_poll_events(int slirp_events)
{
	return (slirp_events & SLIRP_POLL_IN ? POLLIN : 0) |
	       (slirp_events & SLIRP_POLL_OUT ? POLLOUT : 0) |
	       (slirp_events & SLIRP_POLL_PRI ? POLLPRI : 0);
}

static int from_poll_events(int revents)
{
	return (revents & POLLIN ? SLIRP_POLL_IN : 0) | (revents & POLLOUT ? SLIRP_POLL_OUT : 0) |
	       (revents & POLLPRI ? SLIRP_POLL_PRI : 0) | (revents & POLLERR ? SLIRP_POLL_ERR : 0) |
	       (revents & POLLHUP ? SLIRP_POLL_HUP : 0);
}

/* Without room for frames, slirp's sockets are not read: the data waits
 * in the host's socket buffers and TCP's windows hold the senders back. */
static int cb_add_poll(int fd, int events, void *opaque)
{
	struct slirp_endpoint *s = opaque;
	int ev = to_poll_events(events);

	if (!s->want_rx)
		ev &= ~(POLLIN | POLLPRI);
	return net_poll_add(s->poll, fd, (short)ev);
}

static int cb_get_revents(int idx, void *opaque)
{
	struct slirp_endpoint *s = opaque;

	if (idx < 0 || (unsigned)idx >= s->poll->n)
		return 0;
	return from_poll_events(s->poll->fds[idx].revents);
}

/* Milliseconds from now_ms to expire_ms, for poll(2). */
static int ms_until(int64_t expire_ms, int64_t now_ms)
{
	if (expire_ms <= now_ms)
		return 0;
	return expire_ms - now_ms > INT32_MAX ? INT32_MAX : (int)(expire_ms - now_ms);
}

static void slirp_poll_prepare(struct net_endpoint *e, struct net_poll *p, bool want_rx)
{
	struct slirp_endpoint *s = slirp_of(e);
	uint32_t timeout = UINT32_MAX;
	int64_t now_ms = now_ns() / 1000000;

	s->poll = p;
	pthread_mutex_lock(&slirp_lock);
	s->want_rx = want_rx && s->frames.n < QUEUE_SOFT;
	slirp_pollfds_fill(s->slirp, &timeout, cb_add_poll, s);
	pthread_mutex_unlock(&slirp_lock);
	if (timeout != UINT32_MAX)
		net_poll_limit(p, timeout > INT32_MAX ? INT32_MAX : (int)timeout);
	for (struct slirp_timer *t = s->timers; t; t = t->next)
		if (t->expire_ms >= 0)
			net_poll_limit(p, ms_until(t->expire_ms, now_ms));
}

static struct slirp_timer *expired_timer(struct slirp_endpoint *s, int64_t now_ms)
{
	for (struct slirp_timer *t = s->timers; t; t = t->next)
		if (t->expire_ms >= 0 && t->expire_ms <= now_ms)
			return t;
	return NULL;
}

/*
 * A timer's callback may free or re-arm timers, so the list is searched
 * again after each; a bounded number per wake-up in case one keeps
 * re-arming itself in the past.
 */
static void run_timers(struct slirp_endpoint *s)
{
	int64_t now_ms = now_ns() / 1000000;
	struct slirp_timer *t;

	for (int i = 0; i < 16 && (t = expired_timer(s, now_ms)); i++) {
		t->expire_ms = -1;
		if (t->cb)
			t->cb(t->cb_opaque);
		else
			slirp_handle_timer(s->slirp, t->id, t->cb_opaque);
	}
}

static void slirp_poll_done(struct net_endpoint *e, const struct net_poll *p)
{
	struct slirp_endpoint *s = slirp_of(e);

	s->poll = (struct net_poll *)p;
	pthread_mutex_lock(&slirp_lock);
	run_timers(s);
	slirp_pollfds_poll(s->slirp, 0, cb_get_revents, s);
	pthread_mutex_unlock(&slirp_lock);
	s->poll = NULL;
}

/* slirp's frames are always finished. */
static int slirp_offloads(struct net_endpoint *e, unsigned offloads)
{
	(void)e, (void)offloads;
	return 0;
}

static void slirp_destroy(struct net_endpoint *e)
{
	struct slirp_endpoint *s = slirp_of(e);

	if (s->slirp) {
		pthread_mutex_lock(&slirp_lock);
		slirp_cleanup(s->slirp);
		pthread_mutex_unlock(&slirp_lock);
	}
	frame_fifo_clear(&s->frames);
	while (s->timers)
		cb_timer_free(s->timers, s);
	free(s);
}

static const struct net_endpoint_ops slirp_ops = {
	slirp_send, slirp_recv, slirp_poll_prepare, slirp_poll_done, slirp_offloads,
	slirp_destroy,
};

/* --- setting up ------------------------------------------------------------------- */

static struct in_addr in4(uint32_t host_order)
{
	return (struct in_addr){ htonl(host_order) };
}

/* QEMU's user-mode network, so guests and habits carry over. */
static SlirpConfig config(const struct slirp_net_cfg *c)
{
	SlirpConfig cfg = {
		.version = SLIRP_CONFIG_VERSION_MAX < 4 ? SLIRP_CONFIG_VERSION_MAX : 4,
		.in_enabled = true,
		.vnetwork = in4(VIF_USER_NET),
		.vnetmask = in4(VIF_USER_MASK),
		.vhost = in4(VIF_USER_HOST),
		.vdhcp_start = in4(c->guest),
		.vnameserver = in4(VIF_USER_DNS),
		.vhostname = c->hostname,
		.in6_enabled = true,
		.vprefix_len = 64,
		.if_mtu = c->mtu,
		.if_mru = c->mtu,
	};

	inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
	inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
	inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
	return cfg;
}

static void describe_forward(const struct vif_hostfwd *f, uint32_t guest, char *out,
			     size_t size)
{
	struct in_addr h = in4(f->host_addr), g = in4(f->guest_addr ? f->guest_addr : guest);
	char hs[INET_ADDRSTRLEN], gs[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &h, hs, sizeof(hs));
	inet_ntop(AF_INET, &g, gs, sizeof(gs));
	snprintf(out, size, "%s %s:%u to the guest's %s:%u", f->udp ? "udp" : "tcp", hs,
		 f->host_port, gs, f->guest_port);
}

static int add_forwards(struct slirp_endpoint *s, const struct slirp_net_cfg *c, char *err,
			size_t errlen)
{
	for (unsigned i = 0; i < c->nr_fwds; i++) {
		const struct vif_hostfwd *f = &c->fwds[i];
		uint32_t guest = f->guest_addr ? f->guest_addr : c->guest;
		char what[128];
		int rc;

		errno = 0;
		rc = slirp_add_hostfwd(s->slirp, f->udp, in4(f->host_addr), f->host_port,
				       in4(guest), f->guest_port);
		if (rc < 0) {
			describe_forward(f, c->guest, what, sizeof(what));
			snprintf(err, errlen, "cannot forward %s: %s", what,
				 errno ? strerror(errno) : "refused by libslirp");
			return -1;
		}
	}
	return 0;
}

/*
 * slirp reads its clock when it polls, and stamps UDP sockets with that
 * reading when the guest sends: until a first poll the stamp is zero and
 * a socket made then would expire at once. A poll with nothing to look at
 * sets the clock. Called with slirp_lock held.
 */
static void set_clock(struct slirp_endpoint *s)
{
	struct net_poll none = { 0 };

	s->poll = &none;
	slirp_pollfds_poll(s->slirp, 1, cb_get_revents, s);
	s->poll = NULL;
}

struct net_endpoint *slirp_endpoint(const struct slirp_net_cfg *c, char *err, size_t errlen)
{
	struct slirp_endpoint *s = calloc(1, sizeof(*s));
	SlirpConfig cfg = config(c);
	int rc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->ep.ops = &slirp_ops;
	s->ep.answers_on_send = true;
	frame_fifo_init(&s->frames, QUEUE_HARD);
	s->log = c->log;
	s->log_arg = c->log_arg;
	pthread_mutex_lock(&slirp_lock);
	s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
	rc = s->slirp ? add_forwards(s, c, err, errlen) : -1;
	if (!rc)
		set_clock(s);
	pthread_mutex_unlock(&slirp_lock);
	if (!s->slirp)
		snprintf(err, errlen, "cannot start libslirp %s", slirp_version_string());
	if (rc) {
		slirp_destroy(&s->ep);
		return NULL;
	}
	return &s->ep;
}

void slirp_describe(const struct slirp_net_cfg *c, char *out, size_t size)
{
	struct in_addr g = in4(c->guest);
	char gs[INET_ADDRSTRLEN], fwd[128];
	size_t used;

	inet_ntop(AF_INET, &g, gs, sizeof(gs));
	snprintf(out, size, "user-mode network 10.0.2.0/24 (libslirp %s), guest %s",
		 slirp_version_string(), gs);
	for (unsigned i = 0; i < c->nr_fwds; i++) {
		used = strlen(out);
		describe_forward(&c->fwds[i], c->guest, fwd, sizeof(fwd));
		snprintf(out + used, size - used, "%s%s", i ? ", " : "; forwarding ", fwd);
	}
}
