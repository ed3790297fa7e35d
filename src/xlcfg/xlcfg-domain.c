/* From xl.cfg settings to struct domain_config (see xlcfg-domain.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/xlcfg/cpumap.h"
#include "src/common/dom-names.h"
#include "src/xlcfg/xlcfg-domain.h"

#define MAX_WARNINGS 64

struct reader {
	const struct xlcfg *cfg;
	struct domain_config *dc;
	char *err;
	size_t errlen;
};

/* Settings read below; anything else in the file gets a warning. */
static const char *const handled[] = {
	"name", "uuid", "type", "builder", "memory", "maxmem", "vcpus", "maxvcpus",
	"kernel", "ramdisk", "cmdline", "root", "extra", "bootloader",
	"bootloader_args", "on_poweroff", "on_reboot", "on_crash", "on_watchdog",
	"disk", "vif", "serial", "channel", "cpus", "cpuid",
};

/* xl settings xenkvm knows of but does not act on (yet). */
static const char *const ignored[] = {
	"acpi", "altp2m", "apic", "bios", "boot", "cap", "claim_mode",
	"cpu_weight", "cpus_soft", "device_model_args", "device_model_override",
	"device_model_version", "driver_domain", "dtdev", "e820_host", "firmware",
	"gfx_passthru", "hap", "iomem", "ioports", "irqs", "keymap", "localtime",
	"max_event_channels", "max_grant_frames", "max_maptrack_frames", "nestedhvm",
	"nographic", "nomigrate", "on_soft_reset", "p9", "pae", "passthrough", "pci",
	"pool", "rdm", "rtc_timeoffset", "sdl", "seclabel", "shadow_memory", "soundhw",
	"stdvga", "tsc_mode", "usb", "usbctrl", "usbdev", "usbdevice", "vfb", "vga",
	"videoram", "viridian", "vkb", "vnc", "vncdisplay", "vnclisten", "vncpasswd",
	"vncunused", "vnuma", "vpmu", "vtpm", "vuart", "xen_platform_pci",
};

static const char *const action_names[] = {
	[CFG_ACT_DESTROY] = "destroy",
	[CFG_ACT_RESTART] = "restart",
	[CFG_ACT_PRESERVE] = "preserve",
	[CFG_ACT_RENAME_RESTART] = "rename-restart",
	[CFG_ACT_COREDUMP_DESTROY] = "coredump-destroy",
	[CFG_ACT_COREDUMP_RESTART] = "coredump-restart",
	[CFG_ACT_SOFT_RESET] = "soft-reset",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *cfg_action_name(enum cfg_action a)
{
	return (unsigned)a < COUNT(action_names) ? action_names[a] : "?";
}

int cfg_action_parse(const char *s, enum cfg_action *a)
{
	for (unsigned i = 0; i < COUNT(action_names); i++)
		if (!strcmp(s, action_names[i])) {
			*a = (enum cfg_action)i;
			return 0;
		}
	return -1;
}

const char *domain_type_name(enum domain_type t)
{
	return t == DOMAIN_HVM ? "hvm" : t == DOMAIN_PVH ? "pvh" : "pv";
}

static bool in(const char *key, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(key, names[i]))
			return true;
	return false;
}

/* "file:line: msg" for where v was set, or "file: msg" with no v. */
static int bad(struct reader *r, const struct xlcfg_value *v, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v)
		snprintf(r->err, r->errlen, "%s:%d: %s", v->src, v->line, msg);
	else
		snprintf(r->err, r->errlen, "%s: %s", r->cfg->name, msg);
	return -1;
}

static void warn(struct reader *r, const struct xlcfg_value *v, const char *fmt, ...)
{
	struct domain_config *dc = r->dc;
	char msg[384], *w, **ws;
	va_list ap;

	if (dc->nr_warnings == MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ws = realloc(dc->warnings, (dc->nr_warnings + 1) * sizeof(*ws));
	if (!ws)
		return;
	dc->warnings = ws;
	if (asprintf(&w, "%s:%d: warning: %s", v->src, v->line, msg) >= 0)
		dc->warnings[dc->nr_warnings++] = w;
}

/* A single value (xl takes numbers and strings alike where it wants one). */
static const struct xlcfg_value *atom(struct reader *r, const char *key, int *rc)
{
	const struct xlcfg_value *v = xlcfg_get(r->cfg, key);

	*rc = 0;
	if (v && v->type == XLCFG_LIST) {
		*rc = bad(r, v, "'%s' should be a single value, not a list", key);
		return NULL;
	}
	return v;
}

static int get_string(struct reader *r, const char *key, char **out)
{
	int rc;
	const struct xlcfg_value *v = atom(r, key, &rc);

	if (!v)
		return rc;
	free(*out);
	*out = strdup(v->str);
	return *out ? 0 : bad(r, v, "out of memory");
}

/* As xl: strtol base 0, so 0x10 and 010 are 16 and 8. */
static int get_number(struct reader *r, const char *key, unsigned long min,
		      unsigned long max, unsigned long *out)
{
	int rc;
	const struct xlcfg_value *v = atom(r, key, &rc);
	unsigned long n;
	char *end;

	if (!v)
		return rc;
	errno = 0;
	n = strtoul(v->str, &end, 0);
	if (errno || !isdigit((unsigned char)v->str[0]) || *end)
		return bad(r, v, "'%s' must be a number, not '%s'", key, v->str);
	if (n < min || n > max)
		return bad(r, v, "'%s' must be between %lu and %lu, not %s", key,
			   min, max, v->str);
	*out = n;
	return 0;
}

static int get_uint(struct reader *r, const char *key, unsigned min, unsigned max,
		    unsigned *out)
{
	unsigned long n = *out;
	int rc = get_number(r, key, min, max, &n);

	*out = (unsigned)n;
	return rc;
}

static int get_action(struct reader *r, const char *key, enum cfg_action *out)
{
	int rc;
	const struct xlcfg_value *v = atom(r, key, &rc);

	if (!v)
		return rc;
	if (cfg_action_parse(v->str, out))
		return bad(r, v, "'%s' must be destroy, restart, preserve, "
			   "rename-restart, coredump-destroy, coredump-restart or "
			   "soft-reset, not '%s'", key, v->str);
	return 0;
}

static int get_name(struct reader *r)
{
	const struct xlcfg_value *v = xlcfg_get(r->cfg, "name");

	if (!v)
		return bad(r, NULL, "'name' is required");
	if (get_string(r, "name", &r->dc->name))
		return -1;
	if (!r->dc->name[0] || strlen(r->dc->name) > DOMAIN_CONFIG_NAME_MAX)
		return bad(r, v, "'name' must be 1 to %d characters long",
			   DOMAIN_CONFIG_NAME_MAX);
	/* The length is fine by now: what the registry refuses are control characters. */
	if (!dom_name_valid(r->dc->name))
		return bad(r, v, "'name' must not contain control characters");
	return 0;
}

static int get_uuid(struct reader *r)
{
	int rc;
	const struct xlcfg_value *v = atom(r, "uuid", &rc);

	if (!v)
		return rc;
	if (dom_uuid_parse(v->str, r->dc->uuid))
		return bad(r, v, "'uuid' must be 32 hex digits such as "
			   "4dea22b3-1d52-d8f3-2516-782e98a23fa0, not '%s'", v->str);
	r->dc->uuid_given = true;
	return 0;
}

/* type= wins over the older builder= ("generic" or "hvm"), as in xl. */
static int get_type(struct reader *r)
{
	int rc;
	const struct xlcfg_value *t = atom(r, "type", &rc), *b;

	if (rc)
		return -1;
	b = atom(r, "builder", &rc);
	if (rc)
		return -1;
	if (t && b)
		warn(r, b, "both 'type' and 'builder' are set; 'builder' is ignored");
	if (t) {
		if (!strcmp(t->str, "pv")) r->dc->type = DOMAIN_PV;
		else if (!strcmp(t->str, "pvh")) r->dc->type = DOMAIN_PVH;
		else if (!strcmp(t->str, "hvm")) r->dc->type = DOMAIN_HVM;
		else return bad(r, t, "'type' must be pv, pvh or hvm, not '%s'", t->str);
	} else if (b) {
		if (!strcmp(b->str, "hvm")) r->dc->type = DOMAIN_HVM;
		else if (!strcmp(b->str, "generic")) r->dc->type = DOMAIN_PV;
		else return bad(r, b, "'builder' must be generic or hvm, not '%s'", b->str);
	}
	return 0;
}

static int get_memory_and_vcpus(struct reader *r)
{
	struct domain_config *dc = r->dc;
	const struct xlcfg_value *maxmem = xlcfg_get(r->cfg, "maxmem");
	const struct xlcfg_value *maxvcpus = xlcfg_get(r->cfg, "maxvcpus");

	if (get_number(r, "memory", 4, 1ul << 22, &dc->memory_mb) ||
	    get_uint(r, "vcpus", 1, DOMAIN_CONFIG_MAX_VCPUS, &dc->vcpus))
		return -1;
	dc->maxmem_mb = dc->memory_mb;
	dc->maxvcpus = dc->vcpus;
	if (get_number(r, "maxmem", 4, 1ul << 22, &dc->maxmem_mb) ||
	    get_uint(r, "maxvcpus", 1, DOMAIN_CONFIG_MAX_VCPUS, &dc->maxvcpus))
		return -1;
	if (dc->maxmem_mb < dc->memory_mb)
		return bad(r, maxmem, "'maxmem' (%lu) must not be less than 'memory' (%lu)",
			   dc->maxmem_mb, dc->memory_mb);
	if (dc->maxvcpus < dc->vcpus)
		return bad(r, maxvcpus, "'maxvcpus' (%u) must not be less than 'vcpus' (%u)",
			   dc->maxvcpus, dc->vcpus);
	/* Memory beyond what it starts with is a balloon's to take: PV guests' here. */
	if (dc->maxmem_mb > dc->memory_mb && dc->type != DOMAIN_PV) {
		warn(r, maxmem, "'maxmem' above 'memory' is supported by xenkvm for pv guests "
		     "only; the domain has %lu MiB", dc->memory_mb);
		dc->maxmem_mb = dc->memory_mb;
	}
	/* vCPUs past 'vcpus' come online through xenstore, which only PV guests follow here. */
	if (dc->maxvcpus > dc->vcpus && dc->type != DOMAIN_PV) {
		warn(r, maxvcpus, "'maxvcpus' above 'vcpus' is supported by xenkvm for pv guests "
		     "only; the domain has %u vCPUs", dc->vcpus);
		dc->maxvcpus = dc->vcpus;
	}
	return 0;
}

/* cmdline wins; otherwise "root=<root> <extra>", as xl builds it. */
static int get_cmdline(struct reader *r)
{
	struct domain_config *dc = r->dc;
	const struct xlcfg_value *cmd = xlcfg_get(r->cfg, "cmdline");
	char *root = NULL, *extra = NULL;
	int rc;

	if (cmd) {
		if (xlcfg_get(r->cfg, "root") || xlcfg_get(r->cfg, "extra"))
			warn(r, cmd, "'cmdline' is set, so 'root' and 'extra' are ignored");
		return get_string(r, "cmdline", &dc->cmdline);
	}
	rc = get_string(r, "root", &root) || get_string(r, "extra", &extra) ? -1 : 0;
	if (!rc && asprintf(&dc->cmdline, "%s%s%s%s", root ? "root=" : "", root ? root : "",
			    root && extra ? " " : "", extra ? extra : "") < 0) {
		dc->cmdline = NULL;
		rc = bad(r, NULL, "out of memory");
	}
	free(root);
	free(extra);
	return rc;
}

/* A list of single values (or, as xl allows, one value) -> strings. */
static int get_strings(struct reader *r, const char *key, char **out, unsigned *n,
		       unsigned max)
{
	const struct xlcfg_value *v = xlcfg_get(r->cfg, key);
	const struct xlcfg_value *items = v;
	unsigned count = 1;

	if (!v)
		return 0;
	if (v->type == XLCFG_LIST)
		items = v->items, count = v->n;
	if (count > max)
		return bad(r, v, "'%s' has more than %u entries", key, max);
	for (unsigned i = 0; i < count; i++) {
		if (items[i].type == XLCFG_LIST)
			return bad(r, &items[i], "'%s' entry %u should be a string, not a list",
				   key, i + 1);
		out[i] = strdup(items[i].str);
		if (!out[i])
			return bad(r, v, "out of memory");
		(*n)++;
	}
	return 0;
}

static int get_serial(struct reader *r)
{
	return get_strings(r, "serial", r->dc->serial, &r->dc->nr_serials,
			   DOMAIN_CONFIG_MAX_SERIALS);
}

static int get_channels(struct reader *r)
{
	return get_strings(r, "channel", r->dc->channel, &r->dc->nr_channels,
			   DOMAIN_CONFIG_MAX_CHANNELS);
}

/* Checked for form here; against the host's CPUs where the domain starts. */
static int get_cpus(struct reader *r)
{
	struct domain_config *dc = r->dc;
	const struct xlcfg_value *v = xlcfg_get(r->cfg, "cpus");
	struct cpumap m;
	char why[200];

	if (get_strings(r, "cpus", dc->cpus, &dc->nr_cpus, DOMAIN_CONFIG_MAX_VCPUS))
		return -1;
	dc->cpus_each = v && v->type == XLCFG_LIST;
	for (unsigned i = 0; i < dc->nr_cpus; i++)
		if (cpumap_parse(dc->cpus[i], CPUMAP_MAX_CPUS, &m, why, sizeof(why)))
			return bad(r, v, "'cpus': %s", why);
	return 0;
}

/* The list form, or the older string form split at blanks as xl does. */
/*
 * cpuid=: a string is libxl's "host,name=value,..." form, a list holds
 * Xend-style "leaf[,subleaf]:reg=bits" strings, as libxl reads them.
 */
static int get_cpuid(struct reader *r)
{
	const struct xlcfg_value *v = xlcfg_get(r->cfg, "cpuid");
	char msg[256];

	if (!v)
		return 0;
	if (v->type != XLCFG_LIST) {
		if (cpuid_rules_parse_libxl(v->str, &r->dc->cpuid, msg, sizeof(msg)))
			return bad(r, v, "%s", msg);
		return 0;
	}
	for (unsigned i = 0; i < v->n; i++) {
		const struct xlcfg_value *it = &v->items[i];

		if (it->type == XLCFG_LIST)
			return bad(r, it, "'cpuid' list entries must be strings");
		if (cpuid_rules_parse_xend(it->str, &r->dc->cpuid, msg, sizeof(msg)))
			return bad(r, it, "%s", msg);
	}
	return 0;
}

static int get_bootloader_args(struct reader *r)
{
	struct domain_config *dc = r->dc;
	const struct xlcfg_value *v = xlcfg_get(r->cfg, "bootloader_args");
	unsigned max;
	char *copy, *tok, *save;

	if (!v)
		return 0;
	if (v->type == XLCFG_LIST) {
		dc->bootloader_args = calloc(v->n + 1, sizeof(char *));
		return dc->bootloader_args ? get_strings(r, "bootloader_args", dc->bootloader_args,
							 &dc->nr_bootloader_args, v->n)
					   : bad(r, v, "out of memory");
	}
	warn(r, v, "'bootloader_args' as a string is deprecated; use a list");
	max = (unsigned)strlen(v->str) / 2 + 1;
	dc->bootloader_args = calloc(max + 1, sizeof(char *));
	copy = strdup(v->str);
	if (!dc->bootloader_args || !copy) {
		free(copy);
		return bad(r, v, "out of memory");
	}
	for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
		if ((dc->bootloader_args[dc->nr_bootloader_args] = strdup(tok)))
			dc->nr_bootloader_args++;
	free(copy);
	return 0;
}

static int check_boot(struct reader *r)
{
	struct domain_config *dc = r->dc;

	if (dc->type == DOMAIN_HVM || dc->kernel || dc->bootloader)
		return 0;
	return bad(r, NULL, "'kernel' (or 'bootloader') is required for a %s guest",
		   domain_type_name(dc->type));
}

/* Each string of list 'key' (disk, vif), with where it was set, to a parser. */
static int each_entry(struct reader *r, const char *key, unsigned *n,
		      int (*parse)(struct reader *r, const char *spec, unsigned i,
				   const struct xlcfg_value *at))
{
	const struct xlcfg_value *v = xlcfg_get(r->cfg, key);

	if (!v)
		return 0;
	if (v->type != XLCFG_LIST)
		return bad(r, v, "'%s' should be a list, such as %s = [ '...', '...' ]",
			   key, key);
	for (unsigned i = 0; i < v->n; i++) {
		const struct xlcfg_value *it = &v->items[i];

		if (it->type == XLCFG_LIST)
			return bad(r, it, "%s entry %u should be a string, not a list",
				   key, i + 1);
		if (parse(r, it->str, i, it))
			return -1;
		(*n)++;
	}
	return 0;
}

static int parse_disk(struct reader *r, const char *spec, unsigned i,
		      const struct xlcfg_value *at)
{
	struct disk_spec *d = &r->dc->disks[i];
	char err[256];

	if (disk_spec_parse(spec, d, err, sizeof(err)))
		return bad(r, at, "disk entry %u ('%s'): %s", i + 1, spec, err);
	for (unsigned j = 0; j < i; j++)
		if (r->dc->disks[j].devnum == d->devnum)
			return bad(r, at, "disk entry %u: vdev '%s' is the same device as "
				   "entry %u's '%s'", i + 1, d->vdev, j + 1, r->dc->disks[j].vdev);
	return 0;
}

static bool devid_used(const struct domain_config *dc, unsigned upto, int devid)
{
	for (unsigned j = 0; j < upto; j++)
		if (dc->vifs[j].devid == devid)
			return true;
	return false;
}

static int parse_vif(struct reader *r, const char *spec, unsigned i,
		      const struct xlcfg_value *at)
{
	struct vif_spec *v = &r->dc->vifs[i];
	char err[256];

	if (vif_spec_parse(spec, v, err, sizeof(err)))
		return bad(r, at, "vif entry %u ('%s'): %s", i + 1, spec, err);
	if (v->devid >= 0 && devid_used(r->dc, i, v->devid))
		return bad(r, at, "vif entry %u: devid %d is already used", i + 1, v->devid);
	return 0;
}

/* As xl: a vif without mac= gets a random Xen-OUI one, without devid= the next free. */
static void complete_vifs(struct domain_config *dc)
{
	for (unsigned i = 0; i < dc->nr_vifs; i++) {
		struct vif_spec *v = &dc->vifs[i];

		if (!v->mac_given)
			vif_random_mac(v->mac);
		if (v->devid < 0) {
			int id = 0;

			while (devid_used(dc, dc->nr_vifs, id))
				id++;
			v->devid = id;
		}
	}
}

static unsigned list_len(const struct reader *r, const char *key)
{
	const struct xlcfg_value *v = xlcfg_get(r->cfg, key);

	return v && v->type == XLCFG_LIST ? v->n : 0;
}

static int get_devices(struct reader *r)
{
	struct domain_config *dc = r->dc;
	unsigned nd = list_len(r, "disk"), nv = list_len(r, "vif");

	dc->disks = calloc(nd ? nd : 1, sizeof(*dc->disks));
	dc->vifs = calloc(nv ? nv : 1, sizeof(*dc->vifs));
	if (!dc->disks || !dc->vifs)
		return bad(r, NULL, "out of memory");
	if (each_entry(r, "disk", &dc->nr_disks, parse_disk) ||
	    each_entry(r, "vif", &dc->nr_vifs, parse_vif))
		return -1;
	complete_vifs(dc);
	return 0;
}

/* The file's other settings: warned about, left in the xlcfg. */
static void warn_unhandled(struct reader *r)
{
	for (unsigned i = 0; i < r->cfg->n; i++) {
		const struct xlcfg_setting *s = &r->cfg->s[i];

		if (in(s->key, handled, COUNT(handled)))
			continue;
		if (in(s->key, ignored, COUNT(ignored)))
			warn(r, &s->val, "'%s' is not supported by xenkvm; ignored", s->key);
		else
			warn(r, &s->val, "unknown setting '%s'; ignored", s->key);
	}
}

static int read_all(struct reader *r)
{
	struct domain_config *dc = r->dc;

	if (get_name(r) || get_uuid(r) || get_type(r) || get_memory_and_vcpus(r) ||
	    get_string(r, "kernel", &dc->kernel) || get_string(r, "ramdisk", &dc->ramdisk) ||
	    get_cmdline(r) || get_string(r, "bootloader", &dc->bootloader) ||
	    get_bootloader_args(r) ||
	    get_action(r, "on_poweroff", &dc->on_poweroff) ||
	    get_action(r, "on_reboot", &dc->on_reboot) ||
	    get_action(r, "on_crash", &dc->on_crash) ||
	    get_action(r, "on_watchdog", &dc->on_watchdog) ||
	    get_serial(r) || get_channels(r) || get_cpus(r) || get_cpuid(r) || get_devices(r) || check_boot(r))
		return -1;
	warn_unhandled(r);
	return 0;
}

int domain_config_from_xlcfg(const struct xlcfg *cfg, struct domain_config *dc,
			     char *err, size_t errlen)
{
	struct reader r = { cfg, dc, err, errlen };

	*dc = (struct domain_config){
		.type = DOMAIN_PV, .memory_mb = 128, .vcpus = 1,
		.on_poweroff = CFG_ACT_DESTROY, .on_reboot = CFG_ACT_RESTART,
		.on_crash = CFG_ACT_DESTROY, .on_watchdog = CFG_ACT_DESTROY,
	};
	if (read_all(&r)) {
		domain_config_free(dc);
		return -1;
	}
	return 0;
}

static void free_strings(char **v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(v[i]);
}

void domain_config_free(struct domain_config *dc)
{
	free(dc->name);
	free(dc->kernel);
	free(dc->ramdisk);
	free(dc->cmdline);
	free(dc->bootloader);
	if (dc->bootloader_args)
		free_strings(dc->bootloader_args, dc->nr_bootloader_args);
	free(dc->bootloader_args);
	free(dc->disks);
	free(dc->vifs);
	free_strings(dc->serial, dc->nr_serials);
	free_strings(dc->channel, dc->nr_channels);
	free_strings(dc->cpus, dc->nr_cpus);
	if (dc->warnings)
		free_strings(dc->warnings, dc->nr_warnings);
	free(dc->warnings);
	memset(dc, 0, sizeof(*dc));
}
