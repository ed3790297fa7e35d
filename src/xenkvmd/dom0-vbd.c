#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "devices/blkif.h"
#include "devices/vbd-queue.h"
#include "src/xenkvmd/dom0-grant.h"
#include "src/common/link-proto.h"
#include "src/xenkvmd/dom0-vbd.h"
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/dom0-xenstore.h"
#include "src/xenstored/xs-server.h"

#define VBD_MAX_QUEUES 4
#define VBD_MAX_RING_ORDER 4
#define VBD_MAX_INDIRECT 256

struct vbd_q {
	struct vbd_queue q;
	struct vbd *v;
	uint32_t port;
	uint32_t grefs[1u << VBD_MAX_RING_ORDER];
	unsigned nr_grefs;
	void *ring;
	int kick_fd;		/* the VMM signals the frontend's sends here */
	int link_fd;		/* our own copy of the VMM link, for the thread */
	bool bind_pending, bound;
};

struct vbd {
	struct xb_dev xb;		/* first: the handshake sees only this */
	struct vbd *next;
	struct dom0 *z;
	struct domain *dom;
	uint32_t domid, devid;
	struct disk_spec spec;
	struct vbd_disk disk;
	unsigned nr_queues;
	struct vbd_q q[VBD_MAX_QUEUES];
};

static void vlog(const struct vbd *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vlog(const struct vbd *v, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dom0_log("domain %u vbd %s: %s", v->domid, v->spec.vdev, msg);
}

/* --- xenstore ------------------------------------------------------------ */

/* The toolstack's part: both directories, as libxl writes them. */
static int write_device_nodes(struct dom0 *z, struct vbd *v)
{
	const char *type = v->spec.cdrom ? "cdrom" : "disk";
	int rc = xb_make_dirs(z, v->domid, v->xb.fe, v->xb.be);

	rc |= xb_printf(z, v->xb.be, "frontend", "%s", v->xb.fe);
	rc |= xb_printf(z, v->xb.be, "frontend-id", "%u", v->domid);
	rc |= xb_printf(z, v->xb.be, "online", "1");
	rc |= xb_printf(z, v->xb.be, "removable", "%d", v->spec.cdrom);
	rc |= xb_printf(z, v->xb.be, "bootable", "1");
	rc |= xb_printf(z, v->xb.be, "state", "%d", XenbusStateInitialising);
	rc |= xb_printf(z, v->xb.be, "dev", "%s", v->spec.vdev);
	rc |= xb_printf(z, v->xb.be, "type", "file");
	rc |= xb_printf(z, v->xb.be, "params", "%s", v->spec.target);
	rc |= xb_printf(z, v->xb.be, "mode", "%s", v->spec.readonly ? "r" : "w");
	rc |= xb_printf(z, v->xb.be, "device-type", "%s", type);
	rc |= xb_printf(z, v->xb.be, "discard-enable", "%d", v->disk.discard);
	rc |= xb_printf(z, v->xb.fe, "backend", "%s", v->xb.be);
	rc |= xb_printf(z, v->xb.fe, "backend-id", "0");
	rc |= xb_printf(z, v->xb.fe, "state", "%d", XenbusStateInitialising);
	rc |= xb_printf(z, v->xb.fe, "virtual-device", "%u", v->devid);
	rc |= xb_printf(z, v->xb.fe, "device-type", "%s", type);
	/* As libxl since XSA-403: an untrusted backend makes blkfront bounce
	 * every segment through pages it keeps granted. */
	rc |= xb_printf(z, v->xb.fe, "trusted", "%d", v->spec.trusted);
	return rc ? -1 : 0;
}

/* The backend driver's probe: what the frontend reads before it sets up rings. */
static void probe(struct dom0 *z, struct vbd *v)
{
	xb_printf(z, v->xb.be, "max-ring-page-order", "%u", VBD_MAX_RING_ORDER);
	xb_printf(z, v->xb.be, "multi-queue-max-queues", "%u", VBD_MAX_QUEUES);
	xb_printf(z, v->xb.be, "feature-persistent", "1");
	xb_set_state(z, &v->xb, XenbusStateInitWait);
}

static void write_connect_nodes(struct dom0 *z, struct vbd *v)
{
	unsigned info = (v->spec.readonly ? VDISK_READONLY : 0) | (v->spec.cdrom ? VDISK_CDROM : 0);

	xb_printf(z, v->xb.be, "sectors", "%llu", (unsigned long long)v->disk.sectors);
	xb_printf(z, v->xb.be, "info", "%u", info);
	xb_printf(z, v->xb.be, "sector-size", "%u", BLKIF_SECTOR_SIZE);
	xb_printf(z, v->xb.be, "physical-sector-size", "%u", BLKIF_SECTOR_SIZE);
	xb_printf(z, v->xb.be, "feature-flush-cache", "1");
	xb_printf(z, v->xb.be, "feature-max-indirect-segments", "%u", VBD_MAX_INDIRECT);
	xb_printf(z, v->xb.be, "feature-discard", "%d", v->disk.discard);
	if (v->disk.discard) {
		xb_printf(z, v->xb.be, "discard-granularity", "%u", XEN_PAGE_SIZE);
		xb_printf(z, v->xb.be, "discard-alignment", "0");
		xb_printf(z, v->xb.be, "discard-secure", "0");
	}
}

/* --- the image ------------------------------------------------------------ */

static int open_image(const struct disk_spec *ds, struct vbd_disk *disk, char *err,
		      size_t errlen)
{
	struct stat st;
	uint64_t bytes = 0;
	int fd;

	if (ds->format[0] && strcmp(ds->format, "raw")) {
		snprintf(err, errlen, "disk %s: format '%s' is not supported (only raw images)",
			 ds->vdev, ds->format);
		return -1;
	}
	if (!ds->target[0]) {
		snprintf(err, errlen, "disk %s: an empty drive is not supported", ds->vdev);
		return -1;
	}
	if (ds->backend[0] && strcmp(ds->backend, "0") && strcmp(ds->backend, "Domain-0")) {
		snprintf(err, errlen, "disk %s: backend=%s: driver domains are not supported; "
			 "xenkvmd (Domain-0) serves every disk", ds->vdev, ds->backend);
		return -1;
	}
	/* A hotplug script (block-iscsi, block-drbd...) would make the device: none runs here. */
	if (ds->script[0]) {
		snprintf(err, errlen, "disk %s: script=%s is not supported; give an image file or "
			 "a block device as the target", ds->vdev, ds->script);
		return -1;
	}
	if (ds->target[0] != '/') {
		snprintf(err, errlen, "disk %s: target '%s' must be an absolute path",
			 ds->vdev, ds->target);
		return -1;
	}
	fd = open(ds->target, (ds->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "disk %s: cannot open %s: %s", ds->vdev, ds->target,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode))
		bytes = (uint64_t)st.st_size;
	else if (!S_ISBLK(st.st_mode) || ioctl(fd, BLKGETSIZE64, &bytes) < 0)
		bytes = 0;
	if (bytes < BLKIF_SECTOR_SIZE) {
		snprintf(err, errlen, "disk %s: %s is not a disk image of at least one sector",
			 ds->vdev, ds->target);
		close(fd);
		return -1;
	}
	*disk = (struct vbd_disk){ .fd = fd, .direct_fd = -1, .sectors = bytes / BLKIF_SECTOR_SIZE,
				   .readonly = ds->readonly,
				   /* no-discard turns it off, as with Xen's blkback */
				   .discard = S_ISREG(st.st_mode) && !ds->readonly && ds->discard,
				   .max_indirect = VBD_MAX_INDIRECT };
	return 0;
}

/* A second descriptor with O_DIRECT; tmpfs and some others refuse it. */
static void open_direct(const struct disk_spec *ds, struct vbd_disk *disk)
{
	disk->direct_fd = open(ds->target, (ds->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC |
			       O_DIRECT);
	disk->has_direct = disk->direct_fd >= 0;
}

static void close_image(struct vbd_disk *disk)
{
	close(disk->fd);
	if (disk->has_direct)
		close(disk->direct_fd);
}

int dom0_vbd_check(const struct disk_spec *ds, char *err, size_t errlen)
{
	struct vbd_disk disk;

	if (open_image(ds, &disk, err, errlen))
		return -1;
	close(disk.fd);
	return 0;
}

/* --- rings and threads ------------------------------------------------------ */

static void *grant_get(void *arg, uint32_t gref, bool writable)
{
	return dom0_gnt_get(arg, gref, writable);
}

static void grant_put(void *arg, uint32_t gref, bool writable)
{
	dom0_gnt_put(arg, gref, writable);
}

static void queue_notify(void *arg)
{
	struct vbd_q *q = arg;

	dom0_link_send(q->link_fd, LINK_RAISE, q->port, 0, -1);
}

static void queue_broken(void *arg, const char *why)
{
	struct vbd_q *q = arg;

	vlog(q->v, "ring stopped: %s", why);
}

static void release_queue(struct vbd *v, struct vbd_q *q)
{
	if (q->q.started) {
		vbd_queue_stop(&q->q);
		vlog(v, "queue %u: %llu requests served (%llu errors), %llu events from "
		     "the frontend, %llu to it, at most %u in flight", (unsigned)(q - v->q),
		     (unsigned long long)q->q.svc.ring.requests,
		     (unsigned long long)q->q.svc.ring.errors, (unsigned long long)q->q.io.kicks,
		     (unsigned long long)q->q.events, q->q.svc.max_inflight);
	}
	if (q->bound || q->bind_pending)
		dom0_link_send(v->dom->link_fd, LINK_UNBIND, q->port, 0, -1);
	if (q->ring)
		dom0_gnt_unmap_ring(v->dom, q->ring, q->grefs, q->nr_grefs);
	if (q->kick_fd >= 0)
		close(q->kick_fd);
	if (q->link_fd >= 0)
		close(q->link_fd);
	*q = (struct vbd_q){ .kick_fd = -1, .link_fd = -1 };
}

static void disconnect(struct vbd *v)
{
	for (unsigned i = 0; i < VBD_MAX_QUEUES; i++)
		release_queue(v, &v->q[i]);
	v->nr_queues = 0;
}

/* Give up on this frontend's setup, as xenbus_dev_fatal does. */
static void fail(struct dom0 *z, struct vbd *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct dom0 *z, struct vbd *v, const char *fmt, ...)
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

static int read_ring_refs(struct dom0 *z, struct vbd *v, const char *dir, unsigned order,
			  struct vbd_q *q)
{
	q->nr_grefs = 1u << order;
	for (unsigned i = 0; i < q->nr_grefs; i++) {
		char key[24];
		long long ref;

		if (order == 0)
			snprintf(key, sizeof(key), "ring-ref");
		else
			snprintf(key, sizeof(key), "ring-ref%u", i);
		ref = xb_read_uint(z, dir, key, -1);
		if (ref < 0) {
			fail(z, v, "%s/%s is missing or not a number", dir, key);
			return -1;
		}
		q->grefs[i] = (uint32_t)ref;
	}
	return 0;
}

static int setup_queue(struct dom0 *z, struct vbd *v, unsigned i, unsigned order)
{
	struct vbd_q *q = &v->q[i];
	char dir[128];
	long long port;

	if (v->nr_queues == 1)
		snprintf(dir, sizeof(dir), "%s", v->xb.fe);
	else
		snprintf(dir, sizeof(dir), "%s/queue-%u", v->xb.fe, i);
	if (read_ring_refs(z, v, dir, order, q))
		return -1;
	port = xb_read_uint(z, dir, "event-channel", -1);
	if (port <= 0) {
		fail(z, v, "%s/event-channel is missing or not a port", dir);
		return -1;
	}
	q->v = v;
	q->port = (uint32_t)port;
	q->ring = dom0_gnt_map_ring(v->dom, q->grefs, q->nr_grefs);
	if (!q->ring) {
		q->nr_grefs = 0;
		fail(z, v, "cannot map the ring: grant %u of %s is not a page granted to Dom0",
		     q->grefs[0], dir);
		return -1;
	}
	q->q.ring = q->ring;
	q->q.ring_bytes = (size_t)q->nr_grefs * XEN_PAGE_SIZE;
	q->kick_fd = eventfd(0, EFD_CLOEXEC);
	q->link_fd = fcntl(v->dom->link_fd, F_DUPFD_CLOEXEC, 0);
	if (q->kick_fd < 0 || q->link_fd < 0 ||
	    dom0_link_send(v->dom->link_fd, LINK_BIND, q->port, i, q->kick_fd)) {
		fail(z, v, "cannot bind event channel %u: %s", q->port, strerror(errno));
		return -1;
	}
	q->bind_pending = true;
	return 0;
}

/* The frontend published its rings (Initialised): map them, bind the channels. */
static void connect_begin(struct dom0 *z, struct vbd *v)
{
	char proto[32], path[160];
	long long nq = xb_read_uint(z, v->xb.fe, "multi-queue-num-queues", 1);
	long long order = xb_read_uint(z, v->xb.fe, "ring-page-order", 0);

	snprintf(path, sizeof(path), "%s/protocol", v->xb.fe);
	if (!dom0_xs_read(z, path, proto, sizeof(proto)) && strcmp(proto, "x86_64-abi")) {
		fail(z, v, "frontend protocol '%s' is not supported (x86_64-abi only)", proto);
		return;
	}
	if (nq < 1 || nq > VBD_MAX_QUEUES) {
		fail(z, v, "multi-queue-num-queues %lld is not 1..%u", nq, VBD_MAX_QUEUES);
		return;
	}
	if (order < 0 || order > VBD_MAX_RING_ORDER) {
		fail(z, v, "ring-page-order %lld is not 0..%u", order, VBD_MAX_RING_ORDER);
		return;
	}
	if (!v->dom->ram || v->dom->link_fd < 0) {
		fail(z, v, "the domain's VMM is not linked to xenkvmd");
		return;
	}
	v->nr_queues = (unsigned)nq;
	for (unsigned i = 0; i < v->nr_queues; i++)
		if (setup_queue(z, v, i, (unsigned)order))
			return;
}

#define VBD_HOLD_US_MAX 100000

/* XENKVM_VBD_HOLD_US (see xenkvmd(8)); a bad value is logged and means none. */
static unsigned hold_us(const struct vbd *v)
{
	const char *e = getenv("XENKVM_VBD_HOLD_US");
	char *end;
	unsigned long us;

	if (!e || !*e)
		return 0;
	errno = 0;
	us = strtoul(e, &end, 10);
	if (errno || *end || us > VBD_HOLD_US_MAX) {
		vlog(v, "XENKVM_VBD_HOLD_US=%s is not 0..%u: answers are not held", e,
		     VBD_HOLD_US_MAX);
		return 0;
	}
	return (unsigned)us;
}

static void connect_finish(struct dom0 *z, struct vbd *v)
{
	unsigned hold = hold_us(v);

	for (unsigned i = 0; i < v->nr_queues; i++) {
		struct vbd_q *q = &v->q[i];

		q->q.disk = &v->disk;
		q->q.grants = (struct dev_grants){ grant_get, grant_put, v->dom };
		q->q.t.kick_fd = q->kick_fd;
		q->q.notify = queue_notify;
		q->q.broken = queue_broken;
		q->q.arg = q;
		q->q.hold_us = hold;
		if (vbd_queue_start(&q->q)) {
			fail(z, v, "cannot start a ring's I/O (io_uring and thread): %s",
			     strerror(errno));
			return;
		}
	}
	write_connect_nodes(z, v);
	xb_set_state(z, &v->xb, XenbusStateConnected);
	vlog(v, "connected: %u queue(s) of %u-page rings, %llu sectors%s", v->nr_queues,
	     v->q[0].nr_grefs, (unsigned long long)v->disk.sectors,
	     v->disk.readonly ? ", read-only" : "");
	if (hold)
		vlog(v, "answers held up to %u us while others are in flight", hold);
}

void dom0_vbd_bind_reply(struct dom0 *z, struct domain *d, uint32_t port, uint32_t cookie,
			 int status)
{
	for (struct vbd *v = z->vbds; v; v = v->next) {
		struct vbd_q *q;
		bool all = true;

		if (v->dom != d || cookie >= v->nr_queues || !v->q[cookie].bind_pending ||
		    v->q[cookie].port != port)
			continue;
		q = &v->q[cookie];
		q->bind_pending = false;
		if (status) {
			fail(z, v, "cannot bind event channel %u: it is not a port the frontend "
			     "left unbound for Dom0 (Xen error %d)", port, status);
			return;
		}
		q->bound = true;
		for (unsigned i = 0; i < v->nr_queues; i++)
			all &= v->q[i].bound;
		if (all)
			connect_finish(z, v);
		return;
	}
}

/* --- the handshake ----------------------------------------------------------- */

static void free_vbd(struct dom0 *z, struct vbd *v)
{
	struct vbd **pp;

	disconnect(v);
	xb_unregister(z, &v->xb);
	for (pp = &z->vbds; *pp && *pp != v; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = v->next;
	close_image(&v->disk);
	free(v);
}

static void remove_device(struct dom0 *z, struct vbd *v)
{
	vlog(v, "removed");
	dom0_xs_rm(z, v->xb.fe);
	dom0_xs_rm(z, v->xb.be);
	free_vbd(z, v);
}

static void hs_connect(struct dom0 *z, struct xb_dev *x)
{
	struct vbd *v = (struct vbd *)x;

	if (!v->nr_queues)
		connect_begin(z, v);
}

static void hs_disconnect(struct xb_dev *x)
{
	disconnect((struct vbd *)x);
}

static void hs_remove(struct dom0 *z, struct xb_dev *x)
{
	remove_device(z, (struct vbd *)x);
}

static const struct xb_dev_ops vbd_handshake = { hs_connect, hs_disconnect, hs_remove };


/* --- attach, detach, list ------------------------------------------------------ */

static struct vbd *find(struct dom0 *z, uint32_t domid, uint32_t devid)
{
	for (struct vbd *v = z->vbds; v; v = v->next)
		if (v->domid == domid && v->devid == devid)
			return v;
	return NULL;
}

int dom0_vbd_attach(struct dom0 *z, struct domain *d, const struct disk_spec *ds,
		    char *err, size_t errlen)
{
	struct vbd *v;

	if (find(z, d->domid, ds->devnum)) {
		snprintf(err, errlen, "domain %u already has a disk at %s", d->domid, ds->vdev);
		return -1;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (open_image(ds, &v->disk, err, errlen)) {
		free(v);
		return -1;
	}
	open_direct(ds, &v->disk);
	v->z = z;
	v->dom = d;
	v->domid = d->domid;
	v->devid = ds->devnum;
	v->spec = *ds;
	for (unsigned i = 0; i < VBD_MAX_QUEUES; i++)
		v->q[i] = (struct vbd_q){ .kick_fd = -1, .link_fd = -1 };
	snprintf(v->xb.fe, sizeof(v->xb.fe), "/local/domain/%u/device/vbd/%u", v->domid, v->devid);
	snprintf(v->xb.be, sizeof(v->xb.be), "/local/domain/0/backend/vbd/%u/%u", v->domid, v->devid);
	v->xb.ops = &vbd_handshake;
	v->next = z->vbds;
	z->vbds = v;
	xb_register(z, &v->xb);
	if (write_device_nodes(z, v)) {
		snprintf(err, errlen, "disk %s: cannot write its xenstore nodes", ds->vdev);
		remove_device(z, v);
		return -1;
	}
	probe(z, v);
	vlog(v, "%s (%llu sectors%s%s)", ds->target, (unsigned long long)v->disk.sectors,
	     ds->readonly ? ", read-only" : "", v->disk.has_direct ? ", O_DIRECT" : ", buffered");
	xsd_flush(z->xs);
	return 0;
}

int dom0_vbd_detach(struct dom0 *z, struct domain *d, const char *vdev, bool force,
		    char *err, size_t errlen)
{
	int64_t devid = vdev_to_devnum(vdev);
	struct vbd *v = devid < 0 ? NULL : find(z, d->domid, (uint32_t)devid);

	if (!v) {
		snprintf(err, errlen, "domain %u has no disk %s", d->domid, vdev);
		return -1;
	}
	xb_detach(z, &v->xb, force);
	xsd_flush(z->xs);
	return 0;
}

void dom0_vbd_list(struct dom0 *z, struct domain *d, struct ctl_msg *rep)
{
	for (struct vbd *v = z->vbds; v; v = v->next) {
		if (v->dom != d)
			continue;
		ctl_msg_addf(rep, "%u 0 %u %d %d %d %s %s", v->devid, v->devid, v->xb.state,
			     v->nr_queues ? (int)v->q[0].port : -1,
			     v->nr_queues ? (int)v->q[0].grefs[0] : -1, v->xb.be, v->spec.vdev);
	}
}

void dom0_vbd_domain_gone(struct dom0 *z, struct domain *d)
{
	char path[96];
	struct vbd *v, *next;
	bool any = false;

	for (v = z->vbds; v; v = next) {
		next = v->next;
		if (v->dom == d) {
			free_vbd(z, v);
			any = true;
		}
	}
	if (any) {
		snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", d->domid);
		dom0_xs_rm(z, path);
	}
}

void dom0_vbd_each(struct dom0 *z, const struct domain *d,
		   void (*fn)(void *arg, const struct disk_spec *ds), void *arg)
{
	/* In devid order (the list has the newest first); a domain has a few. */
	for (int64_t last = -1;;) {
		const struct vbd *next = NULL;

		for (const struct vbd *v = z->vbds; v; v = v->next)
			if (v->domid == d->domid && (int64_t)v->devid > last &&
			    (!next || v->devid < next->devid))
				next = v;
		if (!next)
			return;
		fn(arg, &next->spec);
		last = next->devid;
	}
}

unsigned dom0_vbd_stats(struct dom0 *z, const struct domain *d, struct vbd_stats *sum)
{
	unsigned n = 0;

	for (const struct vbd *v = z->vbds; v; v = v->next) {
		if (v->domid != d->domid)
			continue;
		n++;
		for (unsigned i = 0; i < v->nr_queues; i++)
			vbd_stats_read(&v->q[i].q.svc, sum);
	}
	return n;
}
