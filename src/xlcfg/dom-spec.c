/* From an xl.cfg to what xenkvmd needs to start the domain. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "src/xlcfg/dom-spec.h"
#include "src/xlcfg/xlcfg-domain.h"
#include "src/xlcfg/xlcfg.h"

/* "file:line" of key's setting, or the file's name when it has none. */
static void where(const struct xlcfg *cfg, const char *key, char *out, size_t size)
{
	const struct xlcfg_value *v = key ? xlcfg_get(cfg, key) : NULL;

	if (v)
		snprintf(out, size, "%s:%d", v->src, v->line);
	else
		snprintf(out, size, "%s", cfg->name);
}

static int bad(const struct xlcfg *cfg, const char *key, char *err, size_t errlen,
	       const char *fmt, ...)
{
	char msg[256], at[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where(cfg, key, at, sizeof(at));
	snprintf(err, errlen, "%s: %s", at, msg);
	return -1;
}

static int copy(const struct xlcfg *cfg, const char *key, char *dst, size_t size,
		const char *src, char *err, size_t errlen)
{
	if (!src)
		src = "";
	if (strlen(src) >= size)
		return bad(cfg, key, err, errlen, "'%s' is longer than %zu bytes", key, size - 1);
	strcpy(dst, src);
	return 0;
}

/* "file:line: warning: ..." for key, after the others xl create shows. */
static void warn(const struct xlcfg *cfg, const char *key, struct dom_spec *spec,
		 const char *fmt, ...)
{
	size_t used = strlen(spec->warnings);
	char msg[256], at[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where(cfg, key, at, sizeof(at));
	snprintf(spec->warnings + used, sizeof(spec->warnings) - used, "%s: warning: %s\n", at,
		 msg);
}

/* The registry knows every action but soft-reset, which is refused. */
static int action(const struct xlcfg *cfg, const char *key, enum cfg_action a,
		  enum dom_action *out, char *err, size_t errlen)
{
	if (dom_action_parse(cfg_action_name(a), out))
		return bad(cfg, key, err, errlen, "%s='%s' is not supported by xenkvm yet",
			   key, cfg_action_name(a));
	return 0;
}

/* Settings xenkvm keeps but does not act on: xl create shows them. */
static void join_warnings(const struct domain_config *dc, struct dom_spec *spec)
{
	size_t used = 0;

	for (unsigned i = 0; i < dc->nr_warnings; i++) {
		int n = snprintf(spec->warnings + used, sizeof(spec->warnings) - used, "%s\n",
				 dc->warnings[i]);
		if (n < 0 || (size_t)n >= sizeof(spec->warnings) - used)
			break;
		used += (size_t)n;
	}
}

/* Xen's pygrub, done by xenkvmd (dom0-boot.c): the one bootloader taken. */
static int boot_loader(const struct xlcfg *cfg, const struct domain_config *dc,
		       struct dom_spec *spec, char *err, size_t errlen)
{
	const char *b = dc->bootloader, *base = b && strrchr(b, '/') ? strrchr(b, '/') + 1 : b;

	if (!b)
		return 0;
	if (strcmp(base, "pygrub"))
		return bad(cfg, "bootloader", err, errlen, "'bootloader' %s is not supported by "
			   "xenkvm: with \"pygrub\" it reads the guest's GRUB menu itself", b);
	if (dc->type != DOMAIN_PV)
		return bad(cfg, "bootloader", err, errlen, "'bootloader' is for pv guests");
	if (!dc->nr_disks || dc->disks[0].cdrom || !dc->disks[0].target[0])
		return bad(cfg, "bootloader", err, errlen, "'bootloader' reads the guest's first "
			   "disk, and there is none");
	for (unsigned i = 0; i < dc->nr_bootloader_args; i++) {
		const char *a = dc->bootloader_args[i];

		if (!strncmp(a, "--entry=", 8) && strlen(a + 8) < sizeof(spec->boot_entry))
			strcpy(spec->boot_entry, a + 8);
		else if (strcmp(a, "-q") && strcmp(a, "--quiet"))
			return bad(cfg, "bootloader_args", err, errlen,
				   "bootloader_args '%s' is not supported (--entry=N or "
				   "--entry=TITLE is)", a);
	}
	spec->bootloader = true;
	if (dc->kernel)
		warn(cfg, "kernel", spec, "'kernel' is not used: 'bootloader' picks the kernel");
	return copy(cfg, "extra", spec->boot_extra, sizeof(spec->boot_extra), dc->cmdline, err,
		    errlen);
}

static int get_channels(const struct xlcfg *cfg, const struct domain_config *dc,
			struct dom_spec *spec, char *err, size_t errlen)
{
	_Static_assert(DOM_SPEC_MAX_CHANNELS == DOMAIN_CONFIG_MAX_CHANNELS, "one limit");
	for (unsigned i = 0; i < dc->nr_channels; i++) {
		char why[200];

		if (channel_spec_parse(dc->channel[i], &spec->channels[i], why, sizeof(why)))
			return bad(cfg, "channel", err, errlen, "%s", why);
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(spec->channels[j].name, spec->channels[i].name))
				return bad(cfg, "channel", err, errlen, "two channels named %s",
					   spec->channels[i].name);
	}
	spec->nr_channels = dc->nr_channels;
	return 0;
}

static int distill(const struct xlcfg *cfg, const struct domain_config *dc,
		   struct dom_spec *spec, char *err, size_t errlen)
{
	*spec = (struct dom_spec){ .memory_mb = (unsigned)dc->memory_mb,
				   .maxmem_mb = (unsigned)dc->maxmem_mb, .vcpus = dc->vcpus,
				   .maxvcpus = dc->maxvcpus,
				   .nr_disks = dc->nr_disks, .nr_vifs = dc->nr_vifs };
	strcpy(spec->type, domain_type_name(dc->type));
	memcpy(spec->uuid, dc->uuid, sizeof(spec->uuid));
	spec->uuid_given = dc->uuid_given;
	spec->cpuid = dc->cpuid;
	join_warnings(dc, spec);
	if (dc->nr_disks > DOM_SPEC_MAX_DISKS)
		return bad(cfg, "disk", err, errlen, "%u disks given; xenkvm takes at most %u",
			   dc->nr_disks, DOM_SPEC_MAX_DISKS);
	for (unsigned i = 0; i < dc->nr_disks; i++)
		spec->disks[i] = dc->disks[i];
	if (dc->nr_vifs > DOM_SPEC_MAX_VIFS)
		return bad(cfg, "vif", err, errlen, "%u vifs given; xenkvm takes at most %u",
			   dc->nr_vifs, DOM_SPEC_MAX_VIFS);
	for (unsigned i = 0; i < dc->nr_vifs; i++)
		spec->vifs[i] = dc->vifs[i];
	if (get_channels(cfg, dc, spec, err, errlen))
		return -1;
	_Static_assert(DOM_MAX_VCPUS == DOMAIN_CONFIG_MAX_VCPUS, "one vCPU limit");
	for (unsigned i = 0; i < DOM_MAX_VCPUS; i++) {
		const char *c = dc->cpus_each ? (i < dc->nr_cpus ? dc->cpus[i] : NULL)
					      : (dc->nr_cpus ? dc->cpus[0] : NULL);

		if (c && copy(cfg, "cpus", spec->cpus[i], sizeof(spec->cpus[i]), c, err, errlen))
			return -1;
	}
	if (boot_loader(cfg, dc, spec, err, errlen))
		return -1;
	return copy(cfg, "name", spec->name, sizeof(spec->name), dc->name, err, errlen) ||
	       copy(cfg, "kernel", spec->kernel, sizeof(spec->kernel), dc->kernel, err, errlen) ||
	       copy(cfg, "ramdisk", spec->ramdisk, sizeof(spec->ramdisk), dc->ramdisk, err,
		    errlen) ||
	       copy(cfg, "cmdline", spec->cmdline, sizeof(spec->cmdline), dc->cmdline, err,
		    errlen) ||
	       action(cfg, "on_poweroff", dc->on_poweroff, &spec->on_poweroff, err, errlen) ||
	       action(cfg, "on_reboot", dc->on_reboot, &spec->on_reboot, err, errlen) ||
	       action(cfg, "on_crash", dc->on_crash, &spec->on_crash, err, errlen) ||
	       action(cfg, "on_watchdog", dc->on_watchdog, &spec->on_watchdog, err, errlen) ?
		       -1 : 0;
}

int dom_spec_from_config(const char *cfg_name, const char *cfg_text,
			 const char *const *overrides, unsigned n_overrides,
			 struct dom_spec *spec, char *err, size_t errlen)
{
	struct xlcfg *cfg = xlcfg_parse_string(cfg_name, cfg_text, strlen(cfg_text), err, errlen);
	struct domain_config dc;
	int rc = -1;

	if (!cfg)
		return -1;
	for (unsigned i = 0; i < n_overrides; i++)
		if (xlcfg_apply_override(cfg, overrides[i], err, errlen))
			goto out;
	if (domain_config_from_xlcfg(cfg, &dc, err, errlen))
		goto out;
	rc = distill(cfg, &dc, spec, err, errlen);
	domain_config_free(&dc);
out:
	xlcfg_free(cfg);
	return rc;
}
