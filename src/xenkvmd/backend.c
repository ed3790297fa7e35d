#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/xenkvmd/backend.h"
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/dom0-xenstore.h"
#include "src/xenstored/xs-server.h"

void backend_log(const struct backend_dev *b, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dom0_log("domain %u %s: %s", b->domid, b->what, msg);
}

static void set_state(struct dom0 *z, struct backend_dev *b, enum xenbus_state s)
{
	b->state = s;
	xb_printf(z, b->be, "state", "%d", s);
}

/* --- queues ------------------------------------------------------------------ */

static void disconnect(struct backend_dev *b)
{
	b->kind->stop(b);
	for (unsigned i = 0; i < BACKEND_MAX_QUEUES && b->queue[i]; i++)
		ring_q_release(b->queue[i]);
	b->nr_queues = 0;
}

void backend_fail(struct dom0 *z, struct backend_dev *b, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	backend_log(b, "%s", msg);
	xb_printf(z, b->be, "error", "%s", msg);
	disconnect(b);
	set_state(z, b, XenbusStateClosing);
}

void backend_connected(struct dom0 *z, struct backend_dev *b)
{
	set_state(z, b, XenbusStateConnected);
}

static bool all_bound(const struct backend_dev *b)
{
	for (unsigned i = 0; i < b->nr_queues; i++)
		if (!ring_q_bound(b->queue[i]))
			return false;
	return true;
}

void backend_bind_reply(struct dom0 *z, struct domain *d, uint32_t port, uint32_t cookie,
			int status)
{
	uint32_t serial = cookie >> 8;
	unsigned index = (cookie >> 1) & 0x7f, c = cookie & 1;

	for (struct backend_dev *b = z->devs; b; b = b->next) {
		struct ring_q *q;

		if (b->serial != serial || b->dom != d)
			continue;
		q = index < b->nr_queues ? b->queue[index] : NULL;
		if (!q || !q->bind_pending[c] || q->port[c] != port)
			return;
		q->bind_pending[c] = false;
		if (status) {
			backend_fail(z, b, "cannot bind event channel %u: it is not a port the "
				     "frontend left unbound for Dom0 (Xen error %d)", port, status);
			return;
		}
		q->bound[c] = true;
		if (all_bound(b))
			b->kind->start(z, b);
		return;
	}
}

/* --- the list ------------------------------------------------------------------ */

static void unlink_dev(struct dom0 *z, struct backend_dev *b)
{
	struct backend_dev **pp;

	for (pp = &z->devs; *pp && *pp != b; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = b->next;
}

static void free_dev(struct dom0 *z, struct backend_dev *b)
{
	disconnect(b);
	unlink_dev(z, b);
	b->kind->destroy(b);
	free(b);
}

static void remove_dev(struct dom0 *z, struct backend_dev *b)
{
	backend_log(b, "removed");
	dom0_xs_rm(z, b->fe);
	dom0_xs_rm(z, b->be);
	free_dev(z, b);
}

struct backend_dev *backend_find(struct dom0 *z, const struct backend_kind *k,
				 uint32_t domid, uint32_t devid)
{
	for (struct backend_dev *b = z->devs; b; b = b->next)
		if (b->kind == k && b->domid == domid && b->devid == devid)
			return b;
	return NULL;
}

/* The toolstack's part every kind has, as libxl writes it. */
static int write_common_nodes(struct dom0 *z, struct backend_dev *b)
{
	int rc = xb_make_dirs(z, b->domid, b->fe, b->be);

	rc |= xb_printf(z, b->be, "frontend", "%s", b->fe);
	rc |= xb_printf(z, b->be, "frontend-id", "%u", b->domid);
	rc |= xb_printf(z, b->be, "online", "1");
	rc |= xb_printf(z, b->be, "state", "%d", XenbusStateInitialising);
	rc |= xb_printf(z, b->fe, "backend", "%s", b->be);
	rc |= xb_printf(z, b->fe, "backend-id", "0");
	rc |= xb_printf(z, b->fe, "state", "%d", XenbusStateInitialising);
	return rc ? -1 : 0;
}

int backend_add(struct dom0 *z, struct domain *d, const struct backend_kind *k,
		uint32_t devid, struct backend_dev *b, char *err, size_t errlen)
{
	static uint32_t serials;

	b->kind = k, b->z = z, b->dom = d, b->domid = d->domid, b->devid = devid;
	b->serial = ++serials & 0xffffff;
	snprintf(b->fe, sizeof(b->fe), "/local/domain/%u/device/%s/%u", d->domid, k->type, devid);
	snprintf(b->be, sizeof(b->be), "/local/domain/0/backend/%s/%u/%u", k->type, d->domid,
		 devid);
	b->next = z->devs;
	z->devs = b;
	if (write_common_nodes(z, b) || k->write_nodes(z, b)) {
		snprintf(err, errlen, "%s: cannot write its xenstore nodes", b->what);
		remove_dev(z, b);
		return -1;
	}
	k->probe(z, b);
	set_state(z, b, XenbusStateInitWait);
	xsd_flush(z->xs);
	return 0;
}

void backend_detach(struct dom0 *z, struct backend_dev *b, bool force)
{
	if (force || xb_read_uint(z, b->fe, "state", -1) != XenbusStateConnected) {
		remove_dev(z, b);
	} else {
		b->detaching = true;
		xb_printf(z, b->be, "online", "0");
		set_state(z, b, XenbusStateClosing);
	}
	xsd_flush(z->xs);
}

struct list_rows {
	const struct backend_kind *k;
	struct ctl_msg *rep;
};

static void list_row(void *arg, const struct backend_dev *b)
{
	struct list_rows *l = arg;

	l->k->list_row(b, l->rep);
}

void backend_list(struct dom0 *z, const struct backend_kind *k, struct domain *d,
		  struct ctl_msg *rep)
{
	struct list_rows l = { k, rep };

	backend_each(z, k, d, list_row, &l);
}

void backend_each(struct dom0 *z, const struct backend_kind *k, const struct domain *d,
		  void (*fn)(void *arg, const struct backend_dev *b), void *arg)
{
	/* In devid order (the list has the newest first); a domain has a few. */
	for (int64_t last = -1;;) {
		const struct backend_dev *next = NULL;

		for (const struct backend_dev *b = z->devs; b; b = b->next)
			if (b->kind == k && b->domid == d->domid && (int64_t)b->devid > last &&
			    (!next || b->devid < next->devid))
				next = b;
		if (!next)
			return;
		fn(arg, next);
		last = next->devid;
	}
}

unsigned backend_stats(struct dom0 *z, const struct backend_kind *k, const struct domain *d,
		       void *sum)
{
	unsigned n = 0;

	for (const struct backend_dev *b = z->devs; b; b = b->next) {
		if (b->kind != k || b->domid != d->domid)
			continue;
		n++;
		if (k->add_stats)
			k->add_stats(b, sum);
	}
	return n;
}

void backend_domain_gone(struct dom0 *z, struct domain *d)
{
	char path[96];

	for (struct backend_dev *b = z->devs, *next; b; b = next) {
		next = b->next;
		if (b->dom != d)
			continue;
		snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", b->kind->type,
			 d->domid);
		free_dev(z, b);
		dom0_xs_rm(z, path);
	}
}

/* --- the xenbus state machine ----------------------------------------------------- */

/* Steps after the frontend's state; false when the device was removed. */
static bool frontend_changed(struct dom0 *z, struct backend_dev *b)
{
	switch (xb_read_uint(z, b->fe, "state", -1)) {
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (b->state == XenbusStateInitWait && !b->nr_queues)
			b->kind->connect(z, b);
		break;
	case XenbusStateClosing:
		disconnect(b);
		if (b->state != XenbusStateClosing)
			set_state(z, b, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		disconnect(b);
		if (b->detaching) {
			remove_dev(z, b);
			return false;
		}
		if (b->state != XenbusStateClosed)
			set_state(z, b, XenbusStateClosed);
		break;
	case XenbusStateInitialising:
		/* A frontend starting over (reloaded driver, new kernel). */
		if (b->state == XenbusStateClosed || b->state == XenbusStateClosing) {
			disconnect(b);
			set_state(z, b, XenbusStateInitWait);
		}
		break;
	case -1:
		if (b->detaching) {
			remove_dev(z, b);
			return false;
		}
		break;
	}
	return true;
}

void backend_path_changed(void *arg, const char *path)
{
	struct dom0 *z = arg;

	for (struct backend_dev *b = z->devs; b; b = b->next) {
		size_t n = strlen(b->fe);

		if (!strncmp(path, b->fe, n) && (path[n] == '/' || path[n] == 0))
			b->dirty = true;
	}
}

void backend_run(struct dom0 *z)
{
	bool again = true;

	/* Our own writes may mark devices dirty again; a removal restarts. */
	while (again) {
		again = false;
		for (struct backend_dev *b = z->devs; b; b = b->next) {
			if (!b->dirty)
				continue;
			b->dirty = false;
			if (!frontend_changed(z, b)) {
				again = true;
				break;
			}
		}
	}
	xsd_flush(z->xs);
}
