#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/dom0-xenstore.h"
#include "src/xenstored/xs-server.h"

int xb_printf(struct dom0 *z, const char *dir, const char *key, const char *fmt, ...)
{
	char path[200], value[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return dom0_xs_write(z, path, value);
}

long long xb_read_uint(struct dom0 *z, const char *dir, const char *key, long long def)
{
	char path[200], buf[32], *end;
	unsigned long long n;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (dom0_xs_read(z, path, buf, sizeof(buf)))
		return def;
	errno = 0;
	n = strtoull(buf, &end, 10);
	if (errno || end == buf || *end || buf[0] == '-' || n > UINT32_MAX)
		return -1;
	return (long long)n;
}

int xb_make_dirs(struct dom0 *z, uint32_t domid, const char *fe, const char *be)
{
	struct xs_perm fe_perms[2] = { { domid, XS_PERM_NONE }, { 0, XS_PERM_READ } };
	struct xs_perm be_perms[2] = { { 0, XS_PERM_NONE }, { domid, XS_PERM_READ } };

	return dom0_xs_write(z, be, "") || dom0_xs_set_perms(z, be, be_perms, 2) ||
	       dom0_xs_write(z, fe, "") || dom0_xs_set_perms(z, fe, fe_perms, 2);
}

void xb_set_state(struct dom0 *z, struct xb_dev *x, enum xenbus_state s)
{
	x->state = s;
	xb_printf(z, x->be, "state", "%d", s);
}

bool xb_frontend_changed(struct dom0 *z, struct xb_dev *x)
{
	switch (xb_read_uint(z, x->fe, "state", -1)) {
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (x->state == XenbusStateInitWait)
			x->ops->connect(z, x);
		break;
	case XenbusStateClosing:
		x->ops->disconnect(x);
		if (x->state != XenbusStateClosing)
			xb_set_state(z, x, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		x->ops->disconnect(x);
		if (x->detaching) {
			x->ops->remove(z, x);
			return false;
		}
		if (x->state != XenbusStateClosed)
			xb_set_state(z, x, XenbusStateClosed);
		break;
	case XenbusStateInitialising:
		/* A frontend starting over (reloaded driver, new kernel). */
		if (x->state == XenbusStateClosed || x->state == XenbusStateClosing) {
			x->ops->disconnect(x);
			xb_set_state(z, x, XenbusStateInitWait);
		}
		break;
	case -1:
		if (x->detaching) {
			x->ops->remove(z, x);
			return false;
		}
		break;
	}
	return true;
}

void xb_register(struct dom0 *z, struct xb_dev *x)
{
	x->next = z->xbdevs;
	z->xbdevs = x;
}

void xb_unregister(struct dom0 *z, struct xb_dev *x)
{
	struct xb_dev **pp;

	for (pp = &z->xbdevs; *pp && *pp != x; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = x->next;
}

void xb_path_changed(void *arg, const char *path)
{
	struct dom0 *z = arg;

	for (struct xb_dev *x = z->xbdevs; x; x = x->next) {
		size_t n = strlen(x->fe);

		if (!strncmp(path, x->fe, n) && (path[n] == '/' || path[n] == 0))
			x->dirty = true;
	}
}

void xb_run(struct dom0 *z)
{
	bool again = true;

	/* Our own writes may mark devices dirty again; a removal restarts. */
	while (again) {
		again = false;
		for (struct xb_dev *x = z->xbdevs; x; x = x->next) {
			if (!x->dirty)
				continue;
			x->dirty = false;
			if (!xb_frontend_changed(z, x)) {
				again = true;
				break;
			}
		}
	}
	xsd_flush(z->xs);
}

void xb_detach(struct dom0 *z, struct xb_dev *x, bool force)
{
	if (force || xb_read_uint(z, x->fe, "state", -1) != XenbusStateConnected) {
		x->ops->remove(z, x);
		return;
	}
	x->detaching = true;
	xb_printf(z, x->be, "online", "0");
	xb_set_state(z, x, XenbusStateClosing);
}
