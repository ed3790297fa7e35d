#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "devices/vif-queue.h"
#include "src/xenkvmd/dom0-grant.h"
#include "src/common/link-proto.h"
#include "src/xenkvmd/dom0-tap.h"
#include "src/xenkvmd/net-slirp.h"
#include "src/xenkvmd/dom0-vif.h"
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/dom0-xenstore.h"
#include "src/xenkvmd/vif-frontend.h"
#include "src/xenstored/xs-server.h"

/* LINK_BIND cookies: VIF_COOKIE + 2 * queue + (1 for the receive channel);
 * they tell our replies from the vbd's (which use the queue number). */
#define VIF_COOKIE 0x100u

struct vif;

/* One queue as the frontend set it up: its rings, channels and thread. */
struct vif_q {
	struct vif *v;
	unsigned index;
	uint32_t refs[2];		/* tx, rx */
	void *rings[2];
	uint32_t ports[2];		/* tx, rx: equal when one channel serves both */
	bool bind_pending[2], bound[2];
	int kick_fd, link_fd;
	struct vif_queue q;
};

struct vif {
	struct xb_dev xb;		/* first: the handshake sees only this */
	struct vif *next;
	struct dom0 *z;
	struct domain *dom;
	uint32_t domid, devid;
	struct vif_spec spec;
	char ifname[16], mac[18];
	char hostname[DOM_NAME_MAX];	/* what user-mode DHCP calls the guest */
	enum xenbus_state state;
	struct net_endpoint *ep;	/* the host side: a TAP or user-mode network */
	bool user_net;
	unsigned nr_queues;		/* the frontend's, once it connects; 0 before */
	struct vif_q qs[VIF_MAX_QUEUES];
	struct vif_queue *queue_list[VIF_MAX_QUEUES];
};

static void vlog(const struct vif *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vlog(const struct vif *v, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dom0_log("domain %u vif %u (%s): %s", v->domid, v->devid, v->ifname, msg);
}

static int write_device_nodes(struct dom0 *z, struct vif *v)
{
	int rc = xb_make_dirs(z, v->domid, v->xb.fe, v->xb.be);

	rc |= xb_printf(z, v->xb.be, "frontend", "%s", v->xb.fe);
	rc |= xb_printf(z, v->xb.be, "frontend-id", "%u", v->domid);
	rc |= xb_printf(z, v->xb.be, "online", "1");
	rc |= xb_printf(z, v->xb.be, "state", "%d", XenbusStateInitialising);
	rc |= xb_printf(z, v->xb.be, "handle", "%u", v->devid);
	rc |= xb_printf(z, v->xb.be, "mac", "%s", v->mac);
	rc |= xb_printf(z, v->xb.be, "type", "vif");
	if (!v->user_net)
		rc |= xb_printf(z, v->xb.be, "vifname", "%s", v->ifname);
	if (v->spec.bridge[0])
		rc |= xb_printf(z, v->xb.be, "bridge", "%s", v->spec.bridge);
	if (v->spec.script[0])
		rc |= xb_printf(z, v->xb.be, "script", "%s", v->spec.script);
	if (v->spec.ip[0])
		rc |= xb_printf(z, v->xb.be, "ip", "%s", v->spec.ip);
	/* As libxl writes them; hotplug scripts read vlan= and gatewaydev= here. */
	if (v->spec.mtu)
		rc |= xb_printf(z, v->xb.be, "mtu", "%u", v->spec.mtu);
	if (v->spec.vlan[0])
		rc |= xb_printf(z, v->xb.be, "vlan", "%s", v->spec.vlan);
	if (v->spec.gatewaydev[0])
		rc |= xb_printf(z, v->xb.be, "gatewaydev", "%s", v->spec.gatewaydev);
	/* rate=: bytes an interval and the interval in us, as libxl writes it. */
	if (v->spec.rate_bytes_per_s)
		rc |= xb_printf(z, v->xb.be, "rate", "%llu,%llu",
				(unsigned long long)(v->spec.rate_bytes_per_s *
						     v->spec.rate_interval_us / 1000000),
				(unsigned long long)v->spec.rate_interval_us);
	rc |= xb_printf(z, v->xb.fe, "backend", "%s", v->xb.be);
	rc |= xb_printf(z, v->xb.fe, "backend-id", "0");
	rc |= xb_printf(z, v->xb.fe, "state", "%d", XenbusStateInitialising);
	rc |= xb_printf(z, v->xb.fe, "handle", "%u", v->devid);
	rc |= xb_printf(z, v->xb.fe, "mac", "%s", v->mac);
	/* As libxl since XSA-403: netfront copies what an untrusted backend hands it. */
	rc |= xb_printf(z, v->xb.fe, "trusted", "%d", v->spec.trusted);
	return rc ? -1 : 0;
}

/* What netback offers before the frontend sets up: rx-copy, scatter-gather,
 * checksums left blank, TCP segment trains both ways, several queues, a
 * channel per direction. */
static void probe(struct dom0 *z, struct vif *v)
{
	xb_printf(z, v->xb.be, "feature-rx-copy", "1");
	xb_printf(z, v->xb.be, "feature-rx-flip", "0");
	xb_printf(z, v->xb.be, "feature-sg", "1");
	xb_printf(z, v->xb.be, "feature-ipv6-csum-offload", "1");
	xb_printf(z, v->xb.be, "feature-gso-tcpv4", "1");
	xb_printf(z, v->xb.be, "feature-gso-tcpv6", "1");
	xb_printf(z, v->xb.be, "feature-split-event-channels", "1");
	xb_printf(z, v->xb.be, "multi-queue-max-queues", "%u", VIF_MAX_QUEUES);
	xb_printf(z, v->xb.be, "hotplug-status", "connected");
	xb_set_state(z, &v->xb, XenbusStateInitWait);
}

/* --- the packet path ----------------------------------------------------------------- */

static void *grant_get(void *arg, uint32_t gref, bool writable)
{
	return dom0_gnt_get(arg, gref, writable);
}

static void grant_put(void *arg, uint32_t gref, bool writable)
{
	dom0_gnt_put(arg, gref, writable);
}

static void queue_notify(void *arg, bool tx, bool rx)
{
	struct vif_q *q = arg;

	if (q->ports[0] == q->ports[1] || tx)
		dom0_link_send(q->link_fd, LINK_RAISE, q->ports[0], 0, -1);
	if (q->ports[0] != q->ports[1] && rx)
		dom0_link_send(q->link_fd, LINK_RAISE, q->ports[1], 0, -1);
}

static void queue_broken(void *arg, const char *why)
{
	struct vif_q *q = arg;

	vlog(q->v, "queue %u: rings stopped: %s", q->index, why);
}

static void queue_log(void *arg, const char *msg)
{
	struct vif_q *q = arg;

	vlog(q->v, "%s", msg);
}

static unsigned nr_channels(const struct vif_q *q)
{
	return q->ports[0] == q->ports[1] ? 1 : 2;
}

static void log_counters(struct vif_q *q)
{
	const struct vif_rings *r = &q->q.rings;

	vlog(q->v, "queue %u: %llu frames sent (%llu GSO trains), %llu refused; "
	     "%llu received, %llu dropped", q->index, (unsigned long long)r->tx_packets,
	     (unsigned long long)r->tx_gso_packets, (unsigned long long)r->tx_errors,
	     (unsigned long long)r->rx_packets,
	     (unsigned long long)(r->rx_dropped + q->q.inbox.frames.dropped));
}

static void stop_queue(struct vif_q *q)
{
	if (q->q.t.running) {
		vif_queue_stop(&q->q);
		log_counters(q);
	}
}

static void release_queue(struct vif_q *q)
{
	struct vif *v = q->v;

	for (unsigned c = 0; c < nr_channels(q); c++)
		if (q->bound[c] || q->bind_pending[c])
			dom0_link_send(v->dom->link_fd, LINK_UNBIND, q->ports[c], 0, -1);
	for (int i = 0; i < 2; i++)
		if (q->rings[i])
			dom0_gnt_unmap_ring(v->dom, q->rings[i], &q->refs[i], 1);
	if (q->kick_fd >= 0)
		close(q->kick_fd);
	if (q->link_fd >= 0)
		close(q->link_fd);
	*q = (struct vif_q){ .v = v, .index = q->index, .kick_fd = -1, .link_fd = -1 };
}

/* Every thread stops before any descriptor closes (the others kick queue
 * 0's), queue 0 first (it fills the others' inboxes). */
static void disconnect(struct vif *v)
{
	for (unsigned i = 0; i < VIF_MAX_QUEUES; i++)
		stop_queue(&v->qs[i]);
	for (unsigned i = 0; i < VIF_MAX_QUEUES; i++)
		release_queue(&v->qs[i]);
	v->nr_queues = 0;
}

static void fail(struct dom0 *z, struct vif *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct dom0 *z, struct vif *v, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vlog(v, "%s", msg);
	xb_printf(z, v->xb.be, "error", "%s", msg);
	disconnect(v);
	xb_set_state(z, &v->xb, XenbusStateClosing);
}

static long long read_frontend(void *arg, const char *key, long long def)
{
	struct vif *v = arg;

	return xb_read_uint(v->z, v->xb.fe, key, def);
}

static int map_rings(struct dom0 *z, struct vif *v, struct vif_q *q)
{
	static const char *const names[2] = { "transmit", "receive" };

	for (int i = 0; i < 2; i++) {
		q->rings[i] = dom0_gnt_map_ring(v->dom, &q->refs[i], 1);
		if (!q->rings[i]) {
			fail(z, v, "cannot map queue %u's %s ring: grant %u is not a page granted "
			     "to Dom0", q->index, names[i], q->refs[i]);
			return -1;
		}
	}
	return 0;
}

/* Both channels of a split queue wake its one thread. */
static int bind_channels(struct dom0 *z, struct vif *v, struct vif_q *q)
{
	q->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->link_fd = v->dom->link_fd < 0 ? -1 : fcntl(v->dom->link_fd, F_DUPFD_CLOEXEC, 0);
	for (unsigned c = 0; c < nr_channels(q); c++) {
		if (q->kick_fd < 0 || q->link_fd < 0 ||
		    dom0_link_send(v->dom->link_fd, LINK_BIND, q->ports[c],
				   VIF_COOKIE + 2 * q->index + c, q->kick_fd)) {
			fail(z, v, "cannot bind event channel %u: %s", q->ports[c], strerror(errno));
			return -1;
		}
		q->bind_pending[c] = true;
	}
	return 0;
}

static void connect_begin(struct dom0 *z, struct vif *v)
{
	struct vif_fe_keys k;
	char err[200];

	if (xb_read_uint(z, v->xb.fe, "request-rx-copy", 0) != 1) {
		fail(z, v, "the frontend does not ask for rx-copy (page flipping is not supported)");
		return;
	}
	if (vif_fe_read_keys(read_frontend, v, &k, err, sizeof(err))) {
		fail(z, v, "%s/%s", v->xb.fe, err);
		return;
	}
	v->nr_queues = k.nr_queues;
	for (unsigned i = 0; i < k.nr_queues; i++) {
		struct vif_q *q = &v->qs[i];

		q->refs[0] = k.q[i].tx_ref, q->refs[1] = k.q[i].rx_ref;
		q->ports[0] = k.q[i].tx_port, q->ports[1] = k.q[i].rx_port;
		if (map_rings(z, v, q) || bind_channels(z, v, q))
			return;
	}
}

/*
 * Let the host hand over unfinished frames the frontend said it takes:
 * blank checksums unless feature-no-csum-offload, TCP segment trains with
 * feature-gso-tcpv4/6 (which need feature-sg: they span slots).
 */
static void set_offloads(struct dom0 *z, struct vif *v)
{
	unsigned f = 0;
	bool sg = xb_read_uint(z, v->xb.fe, "feature-sg", 0) == 1;
	int used;

	if (xb_read_uint(z, v->xb.fe, "feature-no-csum-offload", 0) != 1) {
		f |= NET_OFFLOAD_CSUM;
		if (sg && xb_read_uint(z, v->xb.fe, "feature-gso-tcpv4", 0) == 1)
			f |= NET_OFFLOAD_TSO4;
		if (sg && xb_read_uint(z, v->xb.fe, "feature-gso-tcpv6", 0) == 1)
			f |= NET_OFFLOAD_TSO6;
	}
	for (unsigned i = 0; i < v->nr_queues; i++)
		v->qs[i].q.rings.rx_sg = sg;
	used = v->ep->ops->set_offloads(v->ep, f);
	if (used < 0)
		vlog(v, "cannot set the host's offloads %#x: %s", f, strerror(errno));
	else
		vlog(v, "offloads from the host:%s%s%s", used & NET_OFFLOAD_CSUM ? " csum" : " none",
		     used & NET_OFFLOAD_TSO4 ? " tso4" : "", used & NET_OFFLOAD_TSO6 ? " tso6" : "");
}

static void prepare_queue(struct vif *v, struct vif_q *q)
{
	vif_rings_init(&q->q.rings, q->rings[0], q->rings[1]);
	/* rate=, as netback gives it: each queue the whole of it. */
	vif_credit_set(&q->q.rings.credit, v->spec.rate_bytes_per_s, v->spec.rate_interval_us);
	q->q.grants = (struct dev_grants){ grant_get, grant_put, v->dom };
	q->q.ep = v->ep;
	q->q.queues = v->queue_list;
	q->q.nr_queues = v->nr_queues;
	q->q.index = q->index;
	q->q.t.kick_fd = q->kick_fd;
	q->q.notify = queue_notify;
	q->q.broken = queue_broken;
	q->q.log = queue_log;
	q->q.arg = q;
}

/* Queue 0 last: it hands frames to the others' inboxes from its start. */
static void connect_finish(struct dom0 *z, struct vif *v)
{
	struct vif_q *q0 = &v->qs[0];

	for (unsigned i = 0; i < v->nr_queues; i++)
		prepare_queue(v, &v->qs[i]);
	set_offloads(z, v);
	for (unsigned i = v->nr_queues; i-- > 0;) {
		if (vif_queue_start(&v->qs[i].q)) {
			fail(z, v, "cannot start queue %u's thread: %s", i, strerror(errno));
			return;
		}
	}
	xb_set_state(z, &v->xb, XenbusStateConnected);
	if (nr_channels(q0) == 1)
		vlog(v, "connected, mac %s, %u queue(s), event channel %u (queue 0)", v->mac,
		     v->nr_queues, q0->ports[0]);
	else
		vlog(v, "connected, mac %s, %u queue(s), split event channels %u and %u "
		     "(queue 0)", v->mac, v->nr_queues, q0->ports[0], q0->ports[1]);
}

static bool binds_pending(const struct vif *v)
{
	for (unsigned i = 0; i < v->nr_queues; i++)
		if (v->qs[i].bind_pending[0] || v->qs[i].bind_pending[1])
			return true;
	return false;
}

void dom0_vif_bind_reply(struct dom0 *z, struct domain *d, uint32_t port, uint32_t cookie,
			 int status)
{
	unsigned i = (cookie - VIF_COOKIE) / 2, c = (cookie - VIF_COOKIE) % 2;

	if (cookie < VIF_COOKIE || i >= VIF_MAX_QUEUES)
		return;
	for (struct vif *v = z->vifs; v; v = v->next) {
		struct vif_q *q = &v->qs[i];

		if (v->dom != d || i >= v->nr_queues || !q->bind_pending[c] || q->ports[c] != port)
			continue;
		q->bind_pending[c] = false;
		if (status) {
			fail(z, v, "cannot bind event channel %u: it is not a port the frontend "
			     "left unbound for Dom0 (Xen error %d)", port, status);
			return;
		}
		q->bound[c] = true;
		if (!binds_pending(v))
			connect_finish(z, v);
		return;
	}
}

/* --- the handshake -------------------------------------------------------------- */

static void free_vif(struct vif *v)
{
	struct vif **pp;

	disconnect(v);
	xb_unregister(v->z, &v->xb);
	for (pp = &v->z->vifs; *pp && *pp != v; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = v->next;
	if (v->ep)
		v->ep->ops->destroy(v->ep);
	free(v);
}

static void remove_device(struct dom0 *z, struct vif *v)
{
	vlog(v, "removed");
	dom0_xs_rm(z, v->xb.fe);
	dom0_xs_rm(z, v->xb.be);
	free_vif(v);
}

static void hs_connect(struct dom0 *z, struct xb_dev *x)
{
	struct vif *v = (struct vif *)x;

	if (!v->nr_queues)
		connect_begin(z, v);
}

static void hs_disconnect(struct xb_dev *x)
{
	disconnect((struct vif *)x);
}

static void hs_remove(struct dom0 *z, struct xb_dev *x)
{
	remove_device(z, (struct vif *)x);
}

static const struct xb_dev_ops vif_handshake = { hs_connect, hs_disconnect, hs_remove };


/* --- attach, detach, list ------------------------------------------------------ */

static struct vif *find(struct dom0 *z, uint32_t domid, uint32_t devid)
{
	for (struct vif *v = z->vifs; v; v = v->next)
		if (v->domid == domid && v->devid == devid)
			return v;
	return NULL;
}

static void log_from_queue(void *arg, const char *msg)
{
	struct vif *v = arg;

	vlog(v, "%s", msg);
}

static int plug_in_user(struct vif *v, char *err, size_t errlen)
{
	struct slirp_net_cfg c = { v->spec.user_guest, v->hostname, v->spec.hostfwds,
				   v->spec.nr_hostfwds, log_from_queue, v, v->spec.mtu };
	char what[600];

	if (v->spec.mtu > 65521) {
		snprintf(err, errlen, "mtu=%u is more than user-mode networking takes (65521)",
			 v->spec.mtu);
		return -1;
	}
	v->user_net = true;
	snprintf(v->ifname, sizeof(v->ifname), "user");
	v->ep = slirp_endpoint(&c, err, errlen);
	if (!v->ep)
		return -1;
	slirp_describe(&c, what, sizeof(what));
	vlog(v, "%s", what);
	return 0;
}

/* Without bridge= or script= nothing on the host waits for the TAP: a
 * daemon that may not make one gives the guest user-mode networking. */
static bool user_net_instead(const struct vif *v, int tap_errno)
{
	return v->spec.network == VIF_NET_DEFAULT && !v->spec.bridge[0] && !v->spec.script[0] &&
	       (tap_errno == EPERM || tap_errno == EACCES);
}

static int plug_in(struct vif *v, char *err, size_t errlen)
{
	int fd;

	if (v->spec.network == VIF_NET_USER)
		return plug_in_user(v, err, errlen);
	fd = tap_create(v->ifname, err, errlen);
	if (fd < 0 && user_net_instead(v, errno)) {
		vlog(v, "%s; no bridge= or script=, so user-mode networking instead", err);
		return plug_in_user(v, err, errlen);
	}
	if (fd < 0)
		return -1;
	if (v->spec.mtu && tap_set_mtu(v->ifname, v->spec.mtu, err, errlen)) {
		close(fd);
		return -1;
	}
	v->ep = tap_endpoint(fd);
	if (!v->ep) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (v->spec.script[0] && strcmp(v->spec.script, "vif-bridge"))
		return tap_run_script(v->spec.script, v->ifname, v->spec.bridge, v->xb.be, err,
				      errlen);
	if (v->spec.bridge[0])
		return tap_join_bridge(v->ifname, v->spec.bridge, err, errlen);
	return 0;
}

int dom0_vif_attach(struct dom0 *z, struct domain *d, const struct vif_spec *vs,
		    char *err, size_t errlen)
{
	struct vif *v;
	uint32_t devid = vs->devid < 0 ? 0 : (uint32_t)vs->devid;

	while (vs->devid < 0 && find(z, d->domid, devid))
		devid++;
	if (find(z, d->domid, devid)) {
		snprintf(err, errlen, "domain %u already has vif %u", d->domid, devid);
		return -1;
	}
	if (vs->backend[0] && strcmp(vs->backend, "0") && strcmp(vs->backend, "Domain-0")) {
		snprintf(err, errlen, "vif backend=%s: driver domains are not supported; xenkvmd "
			 "(Domain-0) serves every vif", vs->backend);
		return -1;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	v->z = z, v->dom = d, v->domid = d->domid, v->devid = devid, v->spec = *vs;
	for (unsigned i = 0; i < VIF_MAX_QUEUES; i++) {
		v->qs[i] = (struct vif_q){ .v = v, .index = i, .kick_fd = -1, .link_fd = -1 };
		v->queue_list[i] = &v->qs[i].q;
	}
	snprintf(v->hostname, sizeof(v->hostname), "%s", d->name);
	if (!vs->mac_given)
		vif_random_mac(v->spec.mac);
	vif_format_mac(v->spec.mac, v->mac);
	if (vs->vifname[0])
		snprintf(v->ifname, sizeof(v->ifname), "%.15s", vs->vifname);
	else
		snprintf(v->ifname, sizeof(v->ifname), "vif%u.%u", v->domid, devid);
	snprintf(v->xb.fe, sizeof(v->xb.fe), "/local/domain/%u/device/vif/%u", v->domid, devid);
	snprintf(v->xb.be, sizeof(v->xb.be), "/local/domain/0/backend/vif/%u/%u", v->domid, devid);
	v->xb.ops = &vif_handshake;
	if (plug_in(v, err, errlen)) {
		free_vif(v);
		return -1;
	}
	v->next = z->vifs;
	z->vifs = v;
	xb_register(z, &v->xb);
	if (write_device_nodes(z, v)) {
		snprintf(err, errlen, "vif %u: cannot write its xenstore nodes", devid);
		remove_device(z, v);
		return -1;
	}
	probe(z, v);
	vlog(v, "mac %s%s%s", v->mac, v->spec.bridge[0] ? ", bridge " : "", v->spec.bridge);
	xsd_flush(z->xs);
	return 0;
}

static struct vif *lookup(struct dom0 *z, uint32_t domid, const char *which)
{
	uint8_t mac[6];
	char *end;
	unsigned long id = strtoul(which, &end, 10);

	if (*which && !*end)
		return find(z, domid, (uint32_t)id);
	if (vif_parse_mac(which, mac))
		return NULL;
	for (struct vif *v = z->vifs; v; v = v->next)
		if (v->domid == domid && !memcmp(v->spec.mac, mac, 6))
			return v;
	return NULL;
}

int dom0_vif_detach(struct dom0 *z, struct domain *d, const char *which, bool force,
		    char *err, size_t errlen)
{
	struct vif *v = lookup(z, d->domid, which);

	if (!v) {
		snprintf(err, errlen, "domain %u has no vif %s", d->domid, which);
		return -1;
	}
	xb_detach(z, &v->xb, force);
	xsd_flush(z->xs);
	return 0;
}

void dom0_vif_list(struct dom0 *z, struct domain *d, struct ctl_msg *rep)
{
	for (struct vif *v = z->vifs; v; v = v->next) {
		if (v->dom != d)
			continue;
		const struct vif_q *q = &v->qs[0];

		/* Queue 0's channel and rings, as xl shows for a multi-queue vif. */
		ctl_msg_addf(rep, "%u 0 %s %u %d %d %d %d %s", v->devid, v->mac, v->devid, v->xb.state,
			     q->bound[0] ? (int)q->ports[0] : -1, q->rings[0] ? (int)q->refs[0] : -1,
			     q->rings[1] ? (int)q->refs[1] : -1, v->xb.be);
	}
}

void dom0_vif_domain_gone(struct dom0 *z, struct domain *d)
{
	char path[96];
	struct vif *v, *next;
	bool any = false;

	for (v = z->vifs; v; v = next) {
		next = v->next;
		if (v->dom == d) {
			free_vif(v);
			any = true;
		}
	}
	if (any) {
		snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", d->domid);
		dom0_xs_rm(z, path);
	}
}

void dom0_vif_each(struct dom0 *z, const struct domain *d,
		   void (*fn)(void *arg, uint32_t devid, const char *mac,
			      const struct vif_spec *vs), void *arg)
{
	/* In devid order (the list has the newest first); a domain has a few. */
	for (int64_t last = -1;;) {
		const struct vif *next = NULL;

		for (const struct vif *v = z->vifs; v; v = v->next)
			if (v->domid == d->domid && (int64_t)v->devid > last &&
			    (!next || v->devid < next->devid))
				next = v;
		if (!next)
			return;
		fn(arg, next->devid, next->mac, &next->spec);
		last = next->devid;
	}
}

unsigned dom0_vif_stats(struct dom0 *z, const struct domain *d, struct vif_stats *sum)
{
	unsigned n = 0;

	for (const struct vif *v = z->vifs; v; v = v->next) {
		if (v->domid != d->domid)
			continue;
		n++;
		for (unsigned i = 0; i < v->nr_queues; i++)
			vif_stats_read(&v->qs[i].q.rings, sum);
	}
	return n;
}
