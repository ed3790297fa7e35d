/*
 * xenkvmd's embedded xenstored, and the standard tree the toolstack writes
 * for each domain (docs/misc/xenstore-paths: /local/domain/N, /vm/<uuid>).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "src/common/rundir.h"
#include "src/xenkvmd/backend.h"
#include "src/xenkvmd/dom0-xenbus.h"
#include "src/xenkvmd/dom0-xenstore.h"
#include "src/xenstored/xs-server.h"
#include "src/xenstored/xs-tree.h"
#include "src/xenstored/xs-watch.h"

static const struct xs_who dom0_who = { 0, XS_NO_TARGET, { 0, 0, 0 } };

/*
 * Xen's own tools (xenstore-ls, xenstore-read...) find xenstored at the
 * standard path with no environment. The daemon of the default run dir
 * serves it too, unless a live xenstored already does.
 */
static void serve_standard_socket(struct dom0 *z)
{
	const char *std = xsd_default_socket_path();
	int err = xsd_listen(z->xs, std);

	if (err == EADDRINUSE)
		fprintf(stderr, "xenkvmd: another xenstored serves %s; Xen's tools reach this "
			"one with XENSTORED_PATH=%s/xenstored.sock\n", std, z->rundir);
	else if (err)
		fprintf(stderr, "xenkvmd: cannot serve xenstore at %s: %s\n", std, strerror(err));
}

int dom0_xs_start(struct dom0 *z)
{
	char path[256];

	z->xs = xsd_create();
	if (!z->xs)
		return -1;
	z->xs->changed = backend_path_changed;	/* the backends watch their frontends */
	z->xs->changed_arg = z;
	dom0_path(z, path, sizeof(path), "xenstored.sock");
	if (xsd_listen(z->xs, path)) {
		fprintf(stderr, "xenkvmd: cannot start xenstored at %s\n", path);
		return -1;
	}
	if (!strcmp(z->rundir, XENKVM_DEFAULT_RUNDIR))
		serve_standard_socket(z);
	return 0;
}

int dom0_xs_write(struct dom0 *z, const char *path, const char *value)
{
	struct xs_view v = { &z->xs->store, NULL };
	struct xs_event_sink sink = xs_watch_sink(z->xs, NULL);

	return xs_tree_write(&v, &dom0_who, path, value, (uint32_t)strlen(value), &sink);
}

static void rm_node(struct dom0 *z, const char *path);

static int set_perms(struct dom0 *z, const char *path, const struct xs_perm *p, uint32_t n)
{
	struct xs_view v = { &z->xs->store, NULL };
	struct xs_event_sink sink = xs_watch_sink(z->xs, NULL);

	return xs_tree_set_perms(&v, &dom0_who, path, p, n, &sink);
}

int dom0_xs_read(struct dom0 *z, const char *path, char *buf, size_t size)
{
	struct xs_view v = { &z->xs->store, NULL };
	const struct xs_node *n;

	if (xs_tree_lookup(&v, &dom0_who, path, XS_PERM_READ, &n) || n->datalen >= size)
		return -1;
	memcpy(buf, n->data, n->datalen);
	buf[n->datalen] = 0;
	return 0;
}

int dom0_xs_set_perms(struct dom0 *z, const char *path, const struct xs_perm *p, uint32_t n)
{
	return set_perms(z, path, p, n);
}

void dom0_xs_rm(struct dom0 *z, const char *path)
{
	rm_node(z, path);
}

static void rm_node(struct dom0 *z, const char *path)
{
	struct xs_view v = { &z->xs->store, NULL };
	struct xs_event_sink sink = xs_watch_sink(z->xs, NULL);

	xs_tree_rm(&v, &dom0_who, path, &sink);
}

int dom0_xs_put(struct dom0 *z, const char *base, const char *rel, const char *fmt, ...)
{
	char path[256], value[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	return dom0_xs_write(z, path, value);
}

/* /vm/<uuid> with the uuid and name, and the domain's name and vm nodes. */
static int write_names(struct dom0 *z, const struct domain *d)
{
	struct xs_perm ro[2] = { { 0, XS_PERM_NONE }, { d->domid, XS_PERM_READ } };
	char dom[64], vm[96], uuid[37];
	int rc = 0;

	dom_uuid_format(d->uuid, uuid);
	snprintf(dom, sizeof(dom), "/local/domain/%u", d->domid);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	rc |= dom0_xs_write(z, vm, "");
	rc |= set_perms(z, vm, ro, 2);
	rc |= dom0_xs_put(z, vm, "uuid", "%s", uuid);
	rc |= dom0_xs_put(z, vm, "name", "%s", d->name);
	rc |= dom0_xs_put(z, dom, "name", "%s", d->name);
	rc |= dom0_xs_put(z, dom, "vm", "%s", vm);
	return rc;
}

int dom0_xs_domain_renamed(struct dom0 *z, const struct domain *d, const uint8_t old_uuid[16])
{
	char uuid[37], vm[96];

	if (memcmp(old_uuid, d->uuid, 16)) {
		dom_uuid_format(old_uuid, uuid);
		snprintf(vm, sizeof(vm), "/vm/%s", uuid);
		rm_node(z, vm);
	}
	return write_names(z, d) ? -1 : 0;
}

int dom0_xs_vcpus_available(struct dom0 *z, const struct domain *d)
{
	char dom[64], path[64];
	int rc = 0;

	snprintf(dom, sizeof(dom), "/local/domain/%u", d->domid);
	for (unsigned i = 0; i < d->maxvcpus; i++) {
		snprintf(path, sizeof(path), "cpu/%u/availability", i);
		rc |= dom0_xs_put(z, dom, path, i < d->vcpus ? "online" : "offline");
	}
	return rc ? -1 : 0;
}

int dom0_xs_domain_created(struct dom0 *z, const struct domain *d)
{
	char dom[64], path[160];
	/* Dom0 owns the domain's directory; the guest may read it ... */
	struct xs_perm ro[2] = { { 0, XS_PERM_NONE }, { d->domid, XS_PERM_READ } };
	/* ... and owns what it writes back: control/, device/, data/. */
	struct xs_perm rw[1] = { { d->domid, XS_PERM_NONE } };
	static const char *const guest_dirs[] = { "control", "device", "data", "drivers",
						  "feature", "attr", "error" };
	int rc = 0;

	snprintf(dom, sizeof(dom), "/local/domain/%u", d->domid);
	/* Directories first, so what is written under them inherits their perms. */
	rc |= dom0_xs_write(z, dom, "");
	rc |= set_perms(z, dom, ro, 2);
	rc |= write_names(z, d);
	rc |= dom0_xs_put(z, dom, "domid", "%u", d->domid);
	rc |= dom0_xs_put(z, dom, "memory/static-max", "%llu", (unsigned long long)d->max_kb);
	rc |= dom0_xs_put(z, dom, "memory/target", "%llu", (unsigned long long)d->target_kb);
	rc |= dom0_xs_vcpus_available(z, d);
	for (size_t i = 0; i < sizeof(guest_dirs) / sizeof(guest_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dom, guest_dirs[i]);
		rc |= dom0_xs_write(z, path, "");
		rc |= set_perms(z, path, rw, 1);
	}
	if (!rc)
		xsd_mark_introduced(z->xs, xs_domain_get(&z->xs->domains, d->domid, &z->xs->quota));
	return rc ? -1 : 0;
}

void dom0_xs_domain_gone(struct dom0 *z, const struct domain *d)
{
	char path[96], uuid[37];

	dom_uuid_format(d->uuid, uuid);
	snprintf(path, sizeof(path), "/local/domain/%u", d->domid);
	rm_node(z, path);
	snprintf(path, sizeof(path), "/vm/%s", uuid);
	rm_node(z, path);
	xsd_domain_gone(z->xs, d->domid);
}
