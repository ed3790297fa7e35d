#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/xlcfg/disk-spec.h"

enum { P_TARGET, P_FORMAT, P_VDEV, P_ACCESS, P_COUNT };
static const char *const pos_names[P_COUNT] = { "target", "format", "vdev", "access" };

struct state {
	struct disk_spec *d;
	bool given[P_COUNT];
	bool deprecated;	/* target carried an old-style prefix */
	bool access_set;	/* an explicit, non-empty access */
	char *err;
	size_t errlen;
};

static int bad(struct state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, st->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Letters as a bijective base-26 number: a=0, z=25, aa=26, ... */
static int64_t letters_to_disk(const char **p)
{
	int64_t n = 0;
	int len = 0;

	while (**p >= 'a' && **p <= 'z' && len < 6) {
		n = n * 26 + (**p - 'a' + 1);
		(*p)++;
		len++;
	}
	return len ? n - 1 : -1;
}

static int64_t number(const char *p, int64_t max)
{
	char *end;
	long long v;

	if (!*p)
		return 0;
	if (!isdigit((unsigned char)*p))
		return -1;
	v = strtoll(p, &end, 10);
	return (*end || v > max) ? -1 : v;
}

static int64_t encode_xvd(int64_t disk, int64_t part)
{
	if (disk < 16 && part < 16)
		return (202 << 8) | (disk << 4) | part;
	if (disk < (1 << 20) && part < 256)
		return (1ll << 28) | (disk << 8) | part;
	return -1;
}

int64_t vdev_to_devnum(const char *v)
{
	int64_t disk, part;
	const char *p;
	char *end;

	if (isdigit((unsigned char)v[0])) {
		/* A raw number (hex, decimal or octal), written as it is. */
		long long n = strtoll(v, &end, 0);
		return (*end || n < 0 || n > 0xffffffffll) ? -1 : n;
	}
	if (v[0] == 'd' && isdigit((unsigned char)v[1])) {
		disk = strtoll(v + 1, &end, 10);
		part = 0;
		if (*end == 'p')
			part = number(end + 1, 255);
		else if (*end)
			return -1;
		return part < 0 ? -1 : encode_xvd(disk, part);
	}
	p = v + 2;
	if (!strncmp(v, "xvd", 3)) {
		p = v + 3;
		disk = letters_to_disk(&p);
		part = number(p, 255);
		return disk < 0 || part < 0 ? -1 : encode_xvd(disk, part);
	}
	if (!strncmp(v, "sd", 2)) {
		disk = letters_to_disk(&p);
		part = number(p, 15);
		return disk < 0 || disk > 15 || part < 0 ? -1 : (8 << 8) | (disk << 4) | part;
	}
	if (!strncmp(v, "hd", 2)) {
		disk = letters_to_disk(&p);
		part = number(p, 63);
		if (disk < 0 || disk > 3 || part < 0)
			return -1;
		return disk < 2 ? (3 << 8) | (disk << 6) | part : (22 << 8) | ((disk - 2) << 6) | part;
	}
	return -1;
}

static bool known_format(const char *f)
{
	return !strcmp(f, "raw") || !strcmp(f, "qcow") || !strcmp(f, "qcow2") ||
	       !strcmp(f, "vhd") || !strcmp(f, "qed");
}

static int copy_field(struct state *st, char *dst, size_t size, const char *val, const char *what)
{
	if (strlen(val) >= size)
		return bad(st, "disk %s '%s' is too long", what, val);
	strcpy(dst, val);
	return 0;
}

/* Old prefixes: formats, scripts, and ones that are simply dropped. */
static int strip_prefixes(struct state *st, const char **target)
{
	static const char *const ignored[] = { "tapdisk", "tap2", "tap", "aio", "ioemu",
					       "file", "phy" };
	static const char *const formats[] = { "raw", "qcow2", "vhd" };
	static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };
	const char *t = *target, *colon;

	while ((colon = strchr(t, ':')) && colon > t) {
		size_t n = (size_t)(colon - t);
		bool hit = false;

		for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]) && !hit; i++)
			hit = strlen(ignored[i]) == n && !strncmp(t, ignored[i], n);
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]) && !hit; i++)
			if (strlen(formats[i]) == n && !strncmp(t, formats[i], n)) {
				strcpy(st->d->format, formats[i]);
				st->given[P_FORMAT] = hit = true;
			}
		for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]) && !hit; i++)
			if (strlen(scripts[i]) == n && !strncmp(t, scripts[i], n)) {
				snprintf(st->d->script, sizeof(st->d->script), "block-%s", scripts[i]);
				hit = true;
			}
		if (!hit)
			break;
		st->deprecated = true;
		t = colon + 1;
	}
	*target = t;
	return 0;
}

static int set_vdev(struct state *st, const char *val)
{
	char buf[64];
	char *colon;

	if (copy_field(st, buf, sizeof(buf), val, "vdev"))
		return -1;
	/* Deprecated "hdc:cdrom". */
	colon = strchr(buf, ':');
	if (colon) {
		*colon = 0;
		if (strcmp(colon + 1, "cdrom"))
			return bad(st, "unknown device type '%s' in vdev '%s'", colon + 1, val);
		st->d->cdrom = true;
	}
	return copy_field(st, st->d->vdev, sizeof(st->d->vdev), buf, "vdev");
}

static int set_access(struct state *st, const char *val)
{
	if (!strcmp(val, "ro") || !strcmp(val, "r"))
		st->d->readonly = st->access_set = true;
	else if (!strcmp(val, "rw") || !strcmp(val, "w"))
		st->d->readonly = false, st->access_set = true;
	else if (!strcmp(val, "cdrom"))	/* "image,,hdc,cdrom": the flag in 4th place */
		st->d->cdrom = true;
	else if (*val)
		return bad(st, "disk access must be ro, r, rw or w, not '%s'", val);
	return 0;
}

static int set_positional(struct state *st, int which, const char *val)
{
	if (st->given[which])
		return bad(st, "disk parameter '%s' given twice", pos_names[which]);
	st->given[which] = true;
	switch (which) {
	case P_TARGET:
		strip_prefixes(st, &val);
		return copy_field(st, st->d->target, sizeof(st->d->target), val, "target");
	case P_FORMAT:
		if (*val && !known_format(val))
			return bad(st, "unknown disk format '%s' (raw, qcow, qcow2, vhd, qed)", val);
		return *val ? copy_field(st, st->d->format, sizeof(st->d->format), val, "format") : 0;
	case P_VDEV:
		return set_vdev(st, val);
	default:
		return set_access(st, val);
	}
}

static int next_positional(struct state *st, const char *val)
{
	/* Deprecated form: after a prefixed or empty target comes the vdev. */
	if (st->given[P_TARGET] && !st->given[P_VDEV] &&
	    (st->deprecated || strchr(val, ':') || (*val && !known_format(val) &&
						    vdev_to_devnum(val) >= 0)))
		st->given[P_FORMAT] = true;
	for (int i = 0; i < P_COUNT; i++)
		if (!st->given[i])
			return set_positional(st, i, val);
	return bad(st, "too many positional disk parameters at '%s'", val);
}

static int set_flag(struct state *st, const char *name)
{
	struct disk_spec *d = st->d;

	if (!strcmp(name, "cdrom")) d->cdrom = true;
	else if (!strcmp(name, "direct-io-safe")) d->direct_io_safe = true;
	else if (!strcmp(name, "discard")) d->discard = true;
	else if (!strcmp(name, "no-discard")) d->discard = false;
	else if (!strcmp(name, "trusted")) d->trusted = true;
	else if (!strcmp(name, "untrusted")) d->trusted = false;
	else return 1;	/* not a flag */
	return 0;
}

static int set_key(struct state *st, const char *key, const char *val)
{
	struct disk_spec *d = st->d;

	for (int i = 0; i < P_COUNT; i++)
		if (!strcmp(key, pos_names[i]))
			return set_positional(st, i, val);
	if (!strcmp(key, "devtype")) {
		if (strcmp(val, "cdrom"))
			return bad(st, "devtype must be cdrom, not '%s'", val);
		d->cdrom = true;
		return 0;
	}
	if (!strcmp(key, "backend"))
		return copy_field(st, d->backend, sizeof(d->backend), val, "backend");
	if (!strcmp(key, "backendtype")) {
		if (strcmp(val, "phy") && strcmp(val, "qdisk") && strcmp(val, "standalone") &&
		    strcmp(val, "tap"))
			return bad(st, "backendtype must be phy, qdisk, standalone or tap, not '%s'", val);
		return copy_field(st, d->backendtype, sizeof(d->backendtype), val, "backendtype");
	}
	if (!strcmp(key, "script"))
		return copy_field(st, d->script, sizeof(d->script), val, "script");
	if (!strcmp(key, "specification")) {
		if (strcmp(val, "xen") && strcmp(val, "virtio"))
			return bad(st, "specification must be xen or virtio, not '%s'", val);
		return copy_field(st, d->specification, sizeof(d->specification), val, "specification");
	}
	if (!strcmp(key, "grant_usage")) {
		if (strcmp(val, "0") && strcmp(val, "1"))
			return bad(st, "grant_usage must be 0 or 1, not '%s'", val);
		d->grant_usage = val[0] - '0';
		return 0;
	}
	return bad(st, "unknown disk parameter '%s'", key);
}

static int finish(struct state *st)
{
	struct disk_spec *d = st->d;
	int64_t n;

	if (!d->vdev[0])
		return bad(st, "disk specification has no vdev");
	n = vdev_to_devnum(d->vdev);
	if (n < 0)
		return bad(st, "invalid vdev '%s'", d->vdev);
	d->devnum = (uint32_t)n;
	if (d->grant_usage >= 0 && strcmp(d->specification, "virtio"))
		return bad(st, "grant_usage applies only to specification=virtio");
	/* An empty value means the default, like an absent one. */
	if (d->cdrom && !st->access_set)
		d->readonly = true;
	if (!d->target[0] && !d->cdrom)
		return bad(st, "disk %s has no target", d->vdev);
	return 0;
}

int disk_spec_parse(const char *spec, struct disk_spec *d, char *err, size_t errlen)
{
	struct state st = { d, { false }, false, false, err, errlen };
	const char *p = spec;

	*d = (struct disk_spec){ .discard = true, .trusted = true, .grant_usage = -1 };
	strcpy(d->format, "raw");
	strcpy(d->specification, "xen");
	while (*p) {
		char param[600];
		const char *comma;
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "target=", 7)) {	/* takes the rest, commas and all */
			st.given[P_TARGET] = false;
			if (set_positional(&st, P_TARGET, p + 7))
				return -1;
			break;
		}
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof(param))
			return bad(&st, "disk parameter too long");
		memcpy(param, p, n);
		param[n] = 0;
		char *eq = strchr(param, '=');
		if (eq) {
			*eq = 0;
			if (set_key(&st, param, eq + 1))
				return -1;
		} else if (set_flag(&st, param) != 0 && next_positional(&st, param)) {
			return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return finish(&st);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int disk_spec_resolve(struct disk_spec *d, const char *cwd)
{
	char here[sizeof(d->target)], dev[sizeof(d->target)];

	if (!d->target[0] || d->target[0] == '/' || d->script[0])
		return 0;
	if (snprintf(here, sizeof(here), "%s/%s", cwd, d->target) >= (int)sizeof(here) ||
	    snprintf(dev, sizeof(dev), "/dev/%s", d->target) >= (int)sizeof(dev))
		return -1;
	/* xl-disk-configuration(5)'s /dev rule, for device names only: a
	 * missing file is reported under the directory the user meant. */
	strcpy(d->target, !exists(here) && exists(dev) ? dev : here);
	return 0;
}

/* Appends "fmt" to out at *used; false once out is full. */
static bool add(char *out, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool add(char *out, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *used)
		return false;
	*used += (size_t)n;
	return true;
}

int disk_spec_format(const struct disk_spec *d, char *out, size_t size)
{
	size_t used = 0;
	bool ok;

	ok = add(out, size, &used, "format=%s, vdev=%s, access=%s, specification=%s, %s, %s",
		 d->format, d->vdev, d->readonly ? "ro" : "rw", d->specification,
		 d->discard ? "discard" : "no-discard", d->trusted ? "trusted" : "untrusted");
	if (ok && d->cdrom)
		ok = add(out, size, &used, ", devtype=cdrom");
	if (ok && d->direct_io_safe)
		ok = add(out, size, &used, ", direct-io-safe");
	if (ok && d->backend[0])
		ok = add(out, size, &used, ", backend=%s", d->backend);
	if (ok && d->backendtype[0])
		ok = add(out, size, &used, ", backendtype=%s", d->backendtype);
	if (ok && d->script[0])
		ok = add(out, size, &used, ", script=%s", d->script);
	if (ok && d->grant_usage >= 0)
		ok = add(out, size, &used, ", grant_usage=%d", d->grant_usage);
	/* target= takes the rest of the spec, so it comes last. */
	if (ok && d->target[0])
		ok = add(out, size, &used, ", target=%s", d->target);
	return ok ? 0 : -1;
}
