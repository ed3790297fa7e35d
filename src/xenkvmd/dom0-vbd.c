#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "devices/blkif.h"
#include "devices/vbd-queue.h"
#include "src/xenkvmd/backend.h"
#include "src/xenkvmd/dom0-vbd.h"
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/dom0-xenstore.h"

#define VBD_MAX_QUEUES 4
#define VBD_MAX_RING_ORDER 4
#define VBD_MAX_INDIRECT 256
_Static_assert(VBD_MAX_QUEUES <= BACKEND_MAX_QUEUES, "the skeleton holds them");
_Static_assert(1u << VBD_MAX_RING_ORDER <= RING_Q_MAX_PAGES, "a ring_q maps them");

struct vbd_q {
	struct ring_q rq;
	struct vbd_queue q;
};

struct vbd {
	struct backend_dev b;		/* first: the skeleton sees only this */
	struct disk_spec spec;
	struct vbd_disk disk;
	struct vbd_q q[VBD_MAX_QUEUES];
};

static const struct backend_kind vbd_kind;

/* --- xenstore ------------------------------------------------------------ */

/* The toolstack's part, as libxl writes it. */
static int write_nodes(struct dom0 *z, struct backend_dev *b)
{
	struct vbd *v = (struct vbd *)b;
	const char *type = v->spec.cdrom ? "cdrom" : "disk";
	int rc = 0;

	rc |= xb_printf(z, b->be, "removable", "%d", v->spec.cdrom);
	rc |= xb_printf(z, b->be, "bootable", "1");
	rc |= xb_printf(z, b->be, "dev", "%s", v->spec.vdev);
	rc |= xb_printf(z, b->be, "type", "file");
	rc |= xb_printf(z, b->be, "params", "%s", v->spec.target);
	rc |= xb_printf(z, b->be, "mode", "%s", v->spec.readonly ? "r" : "w");
	rc |= xb_printf(z, b->be, "device-type", "%s", type);
	rc |= xb_printf(z, b->be, "discard-enable", "%d", v->disk.discard);
	rc |= xb_printf(z, b->fe, "virtual-device", "%u", b->devid);
	rc |= xb_printf(z, b->fe, "device-type", "%s", type);
	/* As libxl since XSA-403: an untrusted backend makes blkfront bounce
	 * every segment through pages it keeps granted. */
	rc |= xb_printf(z, b->fe, "trusted", "%d", v->spec.trusted);
	return rc ? -1 : 0;
}

/* The backend driver's probe: what the frontend reads before it sets up rings. */
static void probe(struct dom0 *z, struct backend_dev *b)
{
	xb_printf(z, b->be, "max-ring-page-order", "%u", VBD_MAX_RING_ORDER);
	xb_printf(z, b->be, "multi-queue-max-queues", "%u", VBD_MAX_QUEUES);
	xb_printf(z, b->be, "feature-persistent", "1");
}

static void write_connect_nodes(struct dom0 *z, struct vbd *v)
{
	const char *be = v->b.be;
	unsigned info = (v->spec.readonly ? VDISK_READONLY : 0) | (v->spec.cdrom ? VDISK_CDROM : 0);

	xb_printf(z, be, "sectors", "%llu", (unsigned long long)v->disk.sectors);
	xb_printf(z, be, "info", "%u", info);
	xb_printf(z, be, "sector-size", "%u", BLKIF_SECTOR_SIZE);
	xb_printf(z, be, "physical-sector-size", "%u", BLKIF_SECTOR_SIZE);
	xb_printf(z, be, "feature-flush-cache", "1");
	xb_printf(z, be, "feature-max-indirect-segments", "%u", VBD_MAX_INDIRECT);
	xb_printf(z, be, "feature-discard", "%d", v->disk.discard);
	if (v->disk.discard) {
		xb_printf(z, be, "discard-granularity", "%u", XEN_PAGE_SIZE);
		xb_printf(z, be, "discard-alignment", "0");
		xb_printf(z, be, "discard-secure", "0");
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

static void queue_notify(void *arg)
{
	struct vbd_q *q = arg;

	ring_q_raise(&q->rq, 0);
}

static void queue_broken(void *arg, const char *why)
{
	struct vbd_q *q = arg;

	backend_log(q->rq.dev, "ring stopped: %s", why);
}

static void stop_serving(struct backend_dev *b)
{
	struct vbd *v = (struct vbd *)b;

	for (unsigned i = 0; i < VBD_MAX_QUEUES; i++) {
		struct vbd_q *q = &v->q[i];

		if (!q->q.started)
			continue;
		vbd_queue_stop(&q->q);
		backend_log(b, "queue %u: %llu requests served (%llu errors), %llu events from "
			    "the frontend, %llu to it, at most %u in flight", i,
			    (unsigned long long)q->q.svc.ring.requests,
			    (unsigned long long)q->q.svc.ring.errors,
			    (unsigned long long)q->q.io.kicks, (unsigned long long)q->q.events,
			    q->q.svc.max_inflight);
		q->q = (struct vbd_queue){ 0 };
	}
}

static int read_ring_refs(struct dom0 *z, struct vbd *v, const char *dir, unsigned order,
			  uint32_t refs[])
{
	for (unsigned i = 0; i < 1u << order; i++) {
		char key[24];
		long long ref;

		if (order == 0)
			snprintf(key, sizeof(key), "ring-ref");
		else
			snprintf(key, sizeof(key), "ring-ref%u", i);
		ref = xb_read_uint(z, dir, key, -1);
		if (ref < 0) {
			backend_fail(z, &v->b, "%s/%s is missing or not a number", dir, key);
			return -1;
		}
		refs[i] = (uint32_t)ref;
	}
	return 0;
}

static int setup_queue(struct dom0 *z, struct vbd *v, unsigned i, unsigned order)
{
	struct ring_q *rq = &v->q[i].rq;
	uint32_t refs[1u << VBD_MAX_RING_ORDER], port;
	char dir[128], what[160];
	long long p;

	if (v->b.nr_queues == 1)
		snprintf(dir, sizeof(dir), "%s", v->b.fe);
	else
		snprintf(dir, sizeof(dir), "%s/queue-%u", v->b.fe, i);
	if (read_ring_refs(z, v, dir, order, refs))
		return -1;
	p = xb_read_uint(z, dir, "event-channel", -1);
	if (p <= 0) {
		backend_fail(z, &v->b, "%s/event-channel is missing or not a port", dir);
		return -1;
	}
	port = (uint32_t)p;
	snprintf(what, sizeof(what), "the ring of %s", dir);
	/* io_uring reads the eventfd: it must block. */
	return ring_q_map(rq, 0, refs, 1u << order, what) || ring_q_bind(rq, &port, 1, 0);
}

/* The frontend published its rings (Initialised): map them, bind the channels. */
static void connect_rings(struct dom0 *z, struct backend_dev *b)
{
	struct vbd *v = (struct vbd *)b;
	char proto[32], path[160];
	long long nq = xb_read_uint(z, b->fe, "multi-queue-num-queues", 1);
	long long order = xb_read_uint(z, b->fe, "ring-page-order", 0);

	snprintf(path, sizeof(path), "%s/protocol", b->fe);
	if (!dom0_xs_read(z, path, proto, sizeof(proto)) && strcmp(proto, "x86_64-abi")) {
		backend_fail(z, b, "frontend protocol '%s' is not supported (x86_64-abi only)",
			     proto);
		return;
	}
	if (nq < 1 || nq > VBD_MAX_QUEUES) {
		backend_fail(z, b, "multi-queue-num-queues %lld is not 1..%u", nq, VBD_MAX_QUEUES);
		return;
	}
	if (order < 0 || order > VBD_MAX_RING_ORDER) {
		backend_fail(z, b, "ring-page-order %lld is not 0..%u", order, VBD_MAX_RING_ORDER);
		return;
	}
	if (!b->dom->ram || b->dom->link_fd < 0) {
		backend_fail(z, b, "the domain's VMM is not linked to xenkvmd");
		return;
	}
	b->nr_queues = (unsigned)nq;
	for (unsigned i = 0; i < b->nr_queues; i++)
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
		backend_log(&v->b, "XENKVM_VBD_HOLD_US=%s is not 0..%u: answers are not held", e,
			    VBD_HOLD_US_MAX);
		return 0;
	}
	return (unsigned)us;
}

static void start_serving(struct dom0 *z, struct backend_dev *b)
{
	struct vbd *v = (struct vbd *)b;
	unsigned hold = hold_us(v);

	for (unsigned i = 0; i < b->nr_queues; i++) {
		struct vbd_q *q = &v->q[i];

		q->q.disk = &v->disk;
		q->q.grants = ring_q_grants(&q->rq);
		q->q.ring = q->rq.ring[0];
		q->q.ring_bytes = (size_t)q->rq.nr_refs[0] * XEN_PAGE_SIZE;
		q->q.t.kick_fd = q->rq.kick_fd;
		q->q.notify = queue_notify;
		q->q.broken = queue_broken;
		q->q.arg = q;
		q->q.hold_us = hold;
		if (vbd_queue_start(&q->q)) {
			backend_fail(z, b, "cannot start a ring's I/O (io_uring and thread): %s",
				     strerror(errno));
			return;
		}
	}
	write_connect_nodes(z, v);
	backend_connected(z, b);
	backend_log(b, "connected: %u queue(s) of %u-page rings, %llu sectors%s", b->nr_queues,
		    v->q[0].rq.nr_refs[0], (unsigned long long)v->disk.sectors,
		    v->disk.readonly ? ", read-only" : "");
	if (hold)
		backend_log(b, "answers held up to %u us while others are in flight", hold);
}

static void destroy(struct backend_dev *b)
{
	close_image(&((struct vbd *)b)->disk);
}

/* xl block-list: "vdev be handle state evtch ring-ref be-path vdev-name". */
static void list_row(const struct backend_dev *b, struct ctl_msg *rep)
{
	const struct vbd *v = (const struct vbd *)b;

	ctl_msg_addf(rep, "%u 0 %u %d %d %d %s %s", b->devid, b->devid, b->state,
		     b->nr_queues ? (int)v->q[0].rq.port[0] : -1,
		     b->nr_queues ? (int)v->q[0].rq.refs[0][0] : -1, b->be, v->spec.vdev);
}

static void add_stats(const struct backend_dev *b, void *sum)
{
	const struct vbd *v = (const struct vbd *)b;

	for (unsigned i = 0; i < b->nr_queues; i++)
		vbd_stats_read(&v->q[i].q.svc, sum);
}

static const struct backend_kind vbd_kind = {
	"vbd", write_nodes, probe, connect_rings, start_serving, stop_serving, destroy, list_row,
	add_stats,
};

/* --- attach, detach, list ------------------------------------------------------ */

int dom0_vbd_attach(struct dom0 *z, struct domain *d, const struct disk_spec *ds,
		    char *err, size_t errlen)
{
	struct vbd *v;

	if (backend_find(z, &vbd_kind, d->domid, ds->devnum)) {
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
	v->spec = *ds;
	snprintf(v->b.what, sizeof(v->b.what), "vbd %s", ds->vdev);
	for (unsigned i = 0; i < VBD_MAX_QUEUES; i++) {
		ring_q_init(&v->q[i].rq, &v->b, i);
		v->b.queue[i] = &v->q[i].rq;
	}
	if (backend_add(z, d, &vbd_kind, ds->devnum, &v->b, err, errlen))
		return -1;
	backend_log(&v->b, "%s (%llu sectors%s%s)", ds->target,
		    (unsigned long long)v->disk.sectors, ds->readonly ? ", read-only" : "",
		    v->disk.has_direct ? ", O_DIRECT" : ", buffered");
	return 0;
}

int dom0_vbd_detach(struct dom0 *z, struct domain *d, const char *vdev, bool force,
		    char *err, size_t errlen)
{
	int64_t devid = vdev_to_devnum(vdev);
	struct backend_dev *b = devid < 0 ? NULL : backend_find(z, &vbd_kind, d->domid,
								   (uint32_t)devid);

	if (!b) {
		snprintf(err, errlen, "domain %u has no disk %s", d->domid, vdev);
		return -1;
	}
	backend_detach(z, b, force);
	return 0;
}

void dom0_vbd_list(struct dom0 *z, struct domain *d, struct ctl_msg *rep)
{
	backend_list(z, &vbd_kind, d, rep);
}

struct each_disk {
	void (*fn)(void *arg, const struct disk_spec *ds);
	void *arg;
};

static void each_disk(void *arg, const struct backend_dev *b)
{
	struct each_disk *e = arg;

	e->fn(e->arg, &((const struct vbd *)b)->spec);
}

void dom0_vbd_each(struct dom0 *z, const struct domain *d,
		   void (*fn)(void *arg, const struct disk_spec *ds), void *arg)
{
	struct each_disk e = { fn, arg };

	backend_each(z, &vbd_kind, d, each_disk, &e);
}

unsigned dom0_vbd_stats(struct dom0 *z, const struct domain *d, struct vbd_stats *sum)
{
	return backend_stats(z, &vbd_kind, d, sum);
}
