/* From an xl.cfg to what xenkvmd needs to start the domain. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/disk-spec.h"
#include "src/dom-spec.h"
#include "src/vif-spec.h"
#include "src/xlcfg.h"

struct ctx {
	const struct xlcfg *cfg;
	char *err;
	size_t errlen;
};

static int bad(struct ctx *c, const struct xlcfg_setting *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s)
		snprintf(c->err, c->errlen, "%s:%d: %s", c->cfg->name, s->line, msg);
	else
		snprintf(c->err, c->errlen, "%s: %s", c->cfg->name, msg);
	return -1;
}

static int get_string(struct ctx *c, const char *key, char *out, size_t size, bool required)
{
	const struct xlcfg_setting *s = xlcfg_get(c->cfg, key);

	if (!s)
		return required ? bad(c, NULL, "'%s' is required", key) : 0;
	if (s->val.type != XLCFG_STRING)
		return bad(c, s, "'%s' must be a string", key);
	if (strlen(s->val.str) >= size)
		return bad(c, s, "'%s' is too long", key);
	strcpy(out, s->val.str);
	return 0;
}

static int get_uint(struct ctx *c, const char *key, unsigned min, unsigned max, unsigned *out)
{
	const struct xlcfg_setting *s = xlcfg_get(c->cfg, key);
	unsigned long v;
	char *end;

	if (!s)
		return 0;
	if (s->val.type != XLCFG_NUMBER)
		return bad(c, s, "'%s' must be a number", key);
	errno = 0;
	v = strtoul(s->val.str, &end, 0);
	if (errno || *end || v < min || v > max)
		return bad(c, s, "'%s' must be between %u and %u", key, min, max);
	*out = (unsigned)v;
	return 0;
}

static int get_action(struct ctx *c, const char *key, enum dom_action *out)
{
	char buf[32];
	const struct xlcfg_setting *s = xlcfg_get(c->cfg, key);

	if (!s)
		return 0;
	if (get_string(c, key, buf, sizeof(buf), false))
		return -1;
	if (dom_action_parse(buf, out))
		return bad(c, s, "'%s' must be destroy, restart, preserve or rename-restart", key);
	return 0;
}

/* cmdline wins; otherwise root= and extra= are joined as xl does. */
static int get_cmdline(struct ctx *c, struct dom_spec *d)
{
	char root[256] = "", extra[1024] = "";

	if (xlcfg_get(c->cfg, "cmdline"))
		return get_string(c, "cmdline", d->cmdline, sizeof(d->cmdline), false);
	if (get_string(c, "root", root, sizeof(root), false) ||
	    get_string(c, "extra", extra, sizeof(extra), false))
		return -1;
	snprintf(d->cmdline, sizeof(d->cmdline), "%s%s%s%s", root[0] ? "root=" : "", root,
		 root[0] && extra[0] ? " " : "", extra);
	return 0;
}

/* disk = [...] and vif = [...]: every entry must parse; errors carry the line. */
static int check_devices(struct ctx *c, const char *key, unsigned *count)
{
	const struct xlcfg_setting *s = xlcfg_get(c->cfg, key);
	char err[256];

	*count = 0;
	if (!s)
		return 0;
	if (s->val.type != XLCFG_LIST)
		return bad(c, s, "'%s' must be a list of strings", key);
	for (unsigned i = 0; i < s->val.n; i++) {
		const struct xlcfg_value *it = &s->val.items[i];
		struct disk_spec disk;
		struct vif_spec vif;
		int rc;

		if (it->type != XLCFG_STRING)
			return bad(c, s, "'%s' must be a list of strings", key);
		rc = key[0] == 'd' ? disk_spec_parse(it->str, &disk, err, sizeof(err))
				   : vif_spec_parse(it->str, &vif, err, sizeof(err));
		if (rc)
			return bad(c, s, "%s entry %u: %s", key, i + 1, err);
		(*count)++;
	}
	return 0;
}

static int fill(struct ctx *c, struct dom_spec *d)
{
	const struct xlcfg_setting *b = xlcfg_get(c->cfg, "builder");

	*d = (struct dom_spec){ .memory_mb = 128, .vcpus = 1, .on_poweroff = DOM_ACT_DESTROY,
				.on_reboot = DOM_ACT_RESTART, .on_crash = DOM_ACT_DESTROY };
	strcpy(d->type, b && b->val.type == XLCFG_STRING && !strcmp(b->val.str, "hvm") ? "hvm" : "pv");
	if (get_string(c, "name", d->name, sizeof(d->name), true) ||
	    get_string(c, "type", d->type, sizeof(d->type), false) ||
	    get_uint(c, "memory", 4, 1u << 20, &d->memory_mb) ||
	    get_uint(c, "vcpus", 1, 32, &d->vcpus) ||
	    get_string(c, "kernel", d->kernel, sizeof(d->kernel), false) ||
	    get_string(c, "ramdisk", d->ramdisk, sizeof(d->ramdisk), false) ||
	    get_cmdline(c, d) ||
	    get_action(c, "on_poweroff", &d->on_poweroff) ||
	    get_action(c, "on_reboot", &d->on_reboot) ||
	    get_action(c, "on_crash", &d->on_crash) ||
	    check_devices(c, "disk", &d->nr_disks) || check_devices(c, "vif", &d->nr_vifs))
		return -1;
	if (strcmp(d->type, "pv") && strcmp(d->type, "pvh") && strcmp(d->type, "hvm"))
		return bad(c, xlcfg_get(c->cfg, "type"), "type must be \"pv\", \"pvh\" or \"hvm\"");
	if (!d->kernel[0] && strcmp(d->type, "hvm"))
		return bad(c, NULL, "'kernel' is required for a %s guest", d->type);
	return 0;
}

int dom_spec_from_config(const char *cfg_name, const char *cfg_text,
			 const char *const *overrides, unsigned n_overrides,
			 struct dom_spec *spec, char *err, size_t errlen)
{
	struct xlcfg *cfg = xlcfg_parse(cfg_name, cfg_text, strlen(cfg_text), err, errlen);
	struct ctx c = { cfg, err, errlen };
	int rc = -1;

	if (!cfg)
		return -1;
	for (unsigned i = 0; i < n_overrides; i++)
		if (xlcfg_apply_override(cfg, overrides[i], err, errlen))
			goto out;
	rc = fill(&c, spec);
out:
	xlcfg_free(cfg);
	return rc;
}
