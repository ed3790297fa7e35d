#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "devices/vif-queue.h"
#include "src/xenkvmd/backend.h"
#include "src/xenkvmd/dom0-tap.h"
#include "src/xenkvmd/dom0-vif.h"
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/net-slirp.h"
#include "src/xenkvmd/vif-frontend.h"

_Static_assert(VIF_MAX_QUEUES <= BACKEND_MAX_QUEUES, "the skeleton holds them");

/* One queue as the frontend set it up: its rings (tx, rx), channels and thread. */
struct vif_q {
	struct ring_q rq;
	struct vif_queue q;
};

struct vif {
	struct backend_dev b;		/* first: the skeleton sees only this */
	struct vif_spec spec;
	char ifname[16], mac[18];
	char hostname[DOM_NAME_MAX];	/* what user-mode DHCP calls the guest */
	struct net_endpoint *ep;	/* the host side: a TAP or user-mode network */
	bool user_net;
	struct vif_q qs[VIF_MAX_QUEUES];
	struct vif_queue *queue_list[VIF_MAX_QUEUES];
};

static const struct backend_kind vif_kind;

static int write_nodes(struct dom0 *z, struct backend_dev *b)
{
	struct vif *v = (struct vif *)b;
	int rc = 0;

	rc |= xb_printf(z, b->be, "handle", "%u", b->devid);
	rc |= xb_printf(z, b->be, "mac", "%s", v->mac);
	rc |= xb_printf(z, b->be, "type", "vif");
	if (!v->user_net)
		rc |= xb_printf(z, b->be, "vifname", "%s", v->ifname);
	if (v->spec.bridge[0])
		rc |= xb_printf(z, b->be, "bridge", "%s", v->spec.bridge);
	if (v->spec.script[0])
		rc |= xb_printf(z, b->be, "script", "%s", v->spec.script);
	if (v->spec.ip[0])
		rc |= xb_printf(z, b->be, "ip", "%s", v->spec.ip);
	/* As libxl writes them; hotplug scripts read vlan= and gatewaydev= here. */
	if (v->spec.mtu)
		rc |= xb_printf(z, b->be, "mtu", "%u", v->spec.mtu);
	if (v->spec.vlan[0])
		rc |= xb_printf(z, b->be, "vlan", "%s", v->spec.vlan);
	if (v->spec.gatewaydev[0])
		rc |= xb_printf(z, b->be, "gatewaydev", "%s", v->spec.gatewaydev);
	/* rate=: bytes an interval and the interval in us, as libxl writes it. */
	if (v->spec.rate_bytes_per_s)
		rc |= xb_printf(z, b->be, "rate", "%llu,%llu",
				(unsigned long long)(v->spec.rate_bytes_per_s *
						     v->spec.rate_interval_us / 1000000),
				(unsigned long long)v->spec.rate_interval_us);
	rc |= xb_printf(z, b->fe, "handle", "%u", b->devid);
	rc |= xb_printf(z, b->fe, "mac", "%s", v->mac);
	/* As libxl since XSA-403: netfront copies what an untrusted backend hands it. */
	rc |= xb_printf(z, b->fe, "trusted", "%d", v->spec.trusted);
	return rc ? -1 : 0;
}

/* What netback offers before the frontend sets up: rx-copy, scatter-gather,
 * checksums left blank, TCP segment trains both ways, several queues, a
 * channel per direction. */
static void probe(struct dom0 *z, struct backend_dev *b)
{
	xb_printf(z, b->be, "feature-rx-copy", "1");
	xb_printf(z, b->be, "feature-rx-flip", "0");
	xb_printf(z, b->be, "feature-sg", "1");
	xb_printf(z, b->be, "feature-ipv6-csum-offload", "1");
	xb_printf(z, b->be, "feature-gso-tcpv4", "1");
	xb_printf(z, b->be, "feature-gso-tcpv6", "1");
	xb_printf(z, b->be, "feature-split-event-channels", "1");
	xb_printf(z, b->be, "multi-queue-max-queues", "%u", VIF_MAX_QUEUES);
	xb_printf(z, b->be, "hotplug-status", "connected");
}

/* --- the packet path ----------------------------------------------------------------- */

static void queue_notify(void *arg, bool tx, bool rx)
{
	struct ring_q *rq = &((struct vif_q *)arg)->rq;

	if (rq->nr_ports == 1 || tx)
		ring_q_raise(rq, 0);
	if (rq->nr_ports == 2 && rx)
		ring_q_raise(rq, 1);
}

static void queue_broken(void *arg, const char *why)
{
	struct vif_q *q = arg;

	backend_log(q->rq.dev, "queue %u: rings stopped: %s", q->rq.index, why);
}

static void queue_log(void *arg, const char *msg)
{
	struct vif_q *q = arg;

	backend_log(q->rq.dev, "%s", msg);
}

static void log_counters(struct vif_q *q)
{
	const struct vif_rings *r = &q->q.rings;

	backend_log(q->rq.dev, "queue %u: %llu frames sent (%llu GSO trains), %llu refused; "
		    "%llu received, %llu dropped", q->rq.index, (unsigned long long)r->tx_packets,
		    (unsigned long long)r->tx_gso_packets, (unsigned long long)r->tx_errors,
		    (unsigned long long)r->rx_packets,
		    (unsigned long long)(r->rx_dropped + q->q.inbox.frames.dropped));
}

/* Every thread stops before any descriptor closes (the others kick queue
 * 0's), queue 0 first (it fills the others' inboxes). */
static void stop_serving(struct backend_dev *b)
{
	struct vif *v = (struct vif *)b;

	for (unsigned i = 0; i < VIF_MAX_QUEUES; i++) {
		struct vif_q *q = &v->qs[i];

		if (!q->q.t.running)
			continue;
		vif_queue_stop(&q->q);
		log_counters(q);
	}
}

static long long read_frontend(void *arg, const char *key, long long def)
{
	struct vif *v = arg;

	return xb_read_uint(v->b.z, v->b.fe, key, def);
}

static void connect_rings(struct dom0 *z, struct backend_dev *b)
{
	struct vif *v = (struct vif *)b;
	struct vif_fe_keys k;
	char err[200];

	if (xb_read_uint(z, b->fe, "request-rx-copy", 0) != 1) {
		backend_fail(z, b, "the frontend does not ask for rx-copy (page flipping is not "
			     "supported)");
		return;
	}
	if (vif_fe_read_keys(read_frontend, v, &k, err, sizeof(err))) {
		backend_fail(z, b, "%s/%s", b->fe, err);
		return;
	}
	b->nr_queues = k.nr_queues;
	for (unsigned i = 0; i < k.nr_queues; i++) {
		struct ring_q *rq = &v->qs[i].rq;
		uint32_t ports[2] = { k.q[i].tx_port, k.q[i].rx_port };
		char tx[48], rx[48];

		snprintf(tx, sizeof(tx), "queue %u's transmit ring", i);
		snprintf(rx, sizeof(rx), "queue %u's receive ring", i);
		/* Both channels of a split queue wake its one thread, which polls. */
		if (ring_q_map(rq, 0, &k.q[i].tx_ref, 1, tx) ||
		    ring_q_map(rq, 1, &k.q[i].rx_ref, 1, rx) ||
		    ring_q_bind(rq, ports, ports[0] == ports[1] ? 1 : 2, EFD_NONBLOCK))
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
	const char *fe = v->b.fe;
	unsigned f = 0;
	bool sg = xb_read_uint(z, fe, "feature-sg", 0) == 1;
	int used;

	if (xb_read_uint(z, fe, "feature-no-csum-offload", 0) != 1) {
		f |= NET_OFFLOAD_CSUM;
		if (sg && xb_read_uint(z, fe, "feature-gso-tcpv4", 0) == 1)
			f |= NET_OFFLOAD_TSO4;
		if (sg && xb_read_uint(z, fe, "feature-gso-tcpv6", 0) == 1)
			f |= NET_OFFLOAD_TSO6;
	}
	for (unsigned i = 0; i < v->b.nr_queues; i++)
		v->qs[i].q.rings.rx_sg = sg;
	used = v->ep->ops->set_offloads(v->ep, f);
	if (used < 0)
		backend_log(&v->b, "cannot set the host's offloads %#x: %s", f, strerror(errno));
	else
		backend_log(&v->b, "offloads from the host:%s%s%s",
			    used & NET_OFFLOAD_CSUM ? " csum" : " none",
			    used & NET_OFFLOAD_TSO4 ? " tso4" : "",
			    used & NET_OFFLOAD_TSO6 ? " tso6" : "");
}

static void prepare_queue(struct vif *v, struct vif_q *q)
{
	q->q = (struct vif_queue){ 0 };
	vif_rings_init(&q->q.rings, q->rq.ring[0], q->rq.ring[1]);
	/* rate=, as netback gives it: each queue the whole of it. */
	vif_credit_set(&q->q.rings.credit, v->spec.rate_bytes_per_s, v->spec.rate_interval_us);
	q->q.grants = ring_q_grants(&q->rq);
	q->q.ep = v->ep;
	q->q.queues = v->queue_list;
	q->q.nr_queues = v->b.nr_queues;
	q->q.index = q->rq.index;
	q->q.t.kick_fd = q->rq.kick_fd;
	q->q.notify = queue_notify;
	q->q.broken = queue_broken;
	q->q.log = queue_log;
	q->q.arg = q;
}

/* Queue 0 last: it hands frames to the others' inboxes from its start. */
static void start_serving(struct dom0 *z, struct backend_dev *b)
{
	struct vif *v = (struct vif *)b;
	const struct ring_q *q0 = &v->qs[0].rq;

	for (unsigned i = 0; i < b->nr_queues; i++)
		prepare_queue(v, &v->qs[i]);
	set_offloads(z, v);
	for (unsigned i = b->nr_queues; i-- > 0;) {
		if (vif_queue_start(&v->qs[i].q)) {
			backend_fail(z, b, "cannot start queue %u's thread: %s", i, strerror(errno));
			return;
		}
	}
	backend_connected(z, b);
	if (q0->nr_ports == 1)
		backend_log(b, "connected, mac %s, %u queue(s), event channel %u (queue 0)",
			    v->mac, b->nr_queues, q0->port[0]);
	else
		backend_log(b, "connected, mac %s, %u queue(s), split event channels %u and %u "
			    "(queue 0)", v->mac, b->nr_queues, q0->port[0], q0->port[1]);
}

static void destroy(struct backend_dev *b)
{
	struct vif *v = (struct vif *)b;

	if (v->ep)
		v->ep->ops->destroy(v->ep);
}

/* xl network-list: "idx be mac handle state evtch tx-ref rx-ref be-path", queue
 * 0's channel and rings, as xl shows for a multi-queue vif. */
static void list_row(const struct backend_dev *b, struct ctl_msg *rep)
{
	const struct vif *v = (const struct vif *)b;
	const struct ring_q *q = &v->qs[0].rq;

	ctl_msg_addf(rep, "%u 0 %s %u %d %d %d %d %s", b->devid, v->mac, b->devid, b->state,
		     q->bound[0] ? (int)q->port[0] : -1, q->ring[0] ? (int)q->refs[0][0] : -1,
		     q->ring[1] ? (int)q->refs[1][0] : -1, b->be);
}

static void add_stats(const struct backend_dev *b, void *sum)
{
	const struct vif *v = (const struct vif *)b;

	for (unsigned i = 0; i < b->nr_queues; i++)
		vif_stats_read(&v->qs[i].q.rings, sum);
}

static const struct backend_kind vif_kind = {
	"vif", write_nodes, probe, connect_rings, start_serving, stop_serving, destroy, list_row,
	add_stats,
};

/* --- attach, detach, list ------------------------------------------------------ */

/* The host interface (or "user"), also in the log's name for the vif. */
static void name_interface(struct vif *v, const char *ifname)
{
	snprintf(v->ifname, sizeof(v->ifname), "%s", ifname);
	snprintf(v->b.what, sizeof(v->b.what), "vif %u (%s)", v->b.devid, v->ifname);
}

static void log_from_queue(void *arg, const char *msg)
{
	struct vif *v = arg;

	backend_log(&v->b, "%s", msg);
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
	name_interface(v, "user");
	v->ep = slirp_endpoint(&c, err, errlen);
	if (!v->ep)
		return -1;
	slirp_describe(&c, what, sizeof(what));
	backend_log(&v->b, "%s", what);
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
		backend_log(&v->b, "%s; no bridge= or script=, so user-mode networking instead",
			    err);
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
		return tap_run_script(v->spec.script, v->ifname, v->spec.bridge, v->b.be, err,
				      errlen);
	if (v->spec.bridge[0])
		return tap_join_bridge(v->ifname, v->spec.bridge, err, errlen);
	return 0;
}

static struct vif *find(struct dom0 *z, uint32_t domid, uint32_t devid)
{
	return (struct vif *)backend_find(z, &vif_kind, domid, devid);
}

int dom0_vif_attach(struct dom0 *z, struct domain *d, const struct vif_spec *vs,
		    char *err, size_t errlen)
{
	struct vif *v;
	uint32_t devid = vs->devid < 0 ? 0 : (uint32_t)vs->devid;
	char ifname[16];

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
	v->spec = *vs;
	v->b.domid = d->domid;
	v->b.devid = devid;
	for (unsigned i = 0; i < VIF_MAX_QUEUES; i++) {
		ring_q_init(&v->qs[i].rq, &v->b, i);
		v->b.queue[i] = &v->qs[i].rq;
		v->queue_list[i] = &v->qs[i].q;
	}
	snprintf(v->hostname, sizeof(v->hostname), "%s", d->name);
	if (!vs->mac_given)
		vif_random_mac(v->spec.mac);
	vif_format_mac(v->spec.mac, v->mac);
	if (vs->vifname[0])
		snprintf(ifname, sizeof(ifname), "%.15s", vs->vifname);
	else
		snprintf(ifname, sizeof(ifname), "vif%u.%u", d->domid, devid);
	name_interface(v, ifname);
	snprintf(v->b.be, sizeof(v->b.be), "/local/domain/0/backend/vif/%u/%u", d->domid, devid);
	if (plug_in(v, err, errlen)) {
		destroy(&v->b);
		free(v);
		return -1;
	}
	if (backend_add(z, d, &vif_kind, devid, &v->b, err, errlen))
		return -1;
	backend_log(&v->b, "mac %s%s%s", v->mac, v->spec.bridge[0] ? ", bridge " : "",
		    v->spec.bridge);
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
	for (struct backend_dev *b = z->devs; b; b = b->next)
		if (b->kind == &vif_kind && b->domid == domid &&
		    !memcmp(((struct vif *)b)->spec.mac, mac, 6))
			return (struct vif *)b;
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
	backend_detach(z, &v->b, force);
	return 0;
}

void dom0_vif_list(struct dom0 *z, struct domain *d, struct ctl_msg *rep)
{
	backend_list(z, &vif_kind, d, rep);
}

struct each_vif {
	void (*fn)(void *arg, uint32_t devid, const char *mac, const struct vif_spec *vs);
	void *arg;
};

static void each_vif(void *arg, const struct backend_dev *b)
{
	struct each_vif *e = arg;
	const struct vif *v = (const struct vif *)b;

	e->fn(e->arg, b->devid, v->mac, &v->spec);
}

void dom0_vif_each(struct dom0 *z, const struct domain *d,
		   void (*fn)(void *arg, uint32_t devid, const char *mac,
			      const struct vif_spec *vs), void *arg)
{
	struct each_vif e = { fn, arg };

	backend_each(z, &vif_kind, d, each_vif, &e);
}

unsigned dom0_vif_stats(struct dom0 *z, const struct domain *d, struct vif_stats *sum)
{
	return backend_stats(z, &vif_kind, d, sum);
}
