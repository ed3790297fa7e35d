/* From an xl.cfg to what xenkvmd needs to start the domain. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "src/dom-spec.h"
#include "src/xlcfg-domain.h"
#include "src/xlcfg.h"

static int bad(const struct xlcfg *cfg, const char *key, char *err, size_t errlen,
	       const char *fmt, ...)
{
	const struct xlcfg_value *v = key ? xlcfg_get(cfg, key) : NULL;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v)
		snprintf(err, errlen, "%s:%d: %s", v->src, v->line, msg);
	else
		snprintf(err, errlen, "%s: %s", cfg->name, msg);
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

/* The registry knows the first four actions; the others need core dumps or soft reset. */
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
	_Static_assert(DOM_MAX_VCPUS == DOMAIN_CONFIG_MAX_VCPUS, "one vCPU limit");
	for (unsigned i = 0; i < DOM_MAX_VCPUS; i++) {
		const char *c = dc->cpus_each ? (i < dc->nr_cpus ? dc->cpus[i] : NULL)
					      : (dc->nr_cpus ? dc->cpus[0] : NULL);

		if (c && copy(cfg, "cpus", spec->cpus[i], sizeof(spec->cpus[i]), c, err, errlen))
			return -1;
	}
	if (!dc->kernel && dc->type != DOMAIN_HVM)
		return bad(cfg, "bootloader", err, errlen,
			   "'bootloader' is not supported by xenkvm yet: give 'kernel'");
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
