/*
 * `xl list -l` for xenkvmd: each domain's configuration as it is now (its
 * disks and vifs as attached) in libxl's layout, with its domid, indented
 * for its place in xl's array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "src/xlcfg/config-json.h"
#include "src/xlcfg/dom-spec.h"
#include "src/xenkvmd/dom0-config.h"
#include "src/xenkvmd/dom0-vbd.h"
#include "src/xenkvmd/dom0-vif.h"

struct live {
	struct dom0 *z;
	const struct domain *d;
};

static void live_disks(void *src, config_disk_fn fn, void *arg)
{
	struct live *l = src;

	dom0_vbd_each(l->z, l->d, fn, arg);
}

static void live_nics(void *src, config_nic_fn fn, void *arg)
{
	struct live *l = src;

	dom0_vif_each(l->z, l->d, fn, arg);
}

static struct config_view dom0_view(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return (struct config_view){
		.type = "pv", .name = "Domain-0",
		.vcpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN),
		.memory_mb = (uint64_t)si.totalram * si.mem_unit >> 20,
	};
}

char *dom0_config_json(struct dom0 *z, const struct domain *d)
{
	const struct dom_spec *s = d ? d->spec : NULL;
	struct live l = { z, d };
	struct config_view v = d ? (struct config_view){
		.type = s ? s->type : "pv", .name = d->name, .uuid = d->uuid,
		.vcpus = d->vcpus, .maxvcpus = d->maxvcpus, .memory_mb = d->memory_mb,
		.max_kb = d->max_kb, .target_kb = d->target_kb,
		.kernel = s ? s->kernel : NULL, .cmdline = s ? s->cmdline : NULL,
		.ramdisk = s ? s->ramdisk : NULL, .has_actions = true,
		.on_poweroff = d->on_poweroff, .on_reboot = d->on_reboot, .on_crash = d->on_crash,
		.on_watchdog = d->on_watchdog,
		.each_disk = live_disks, .each_nic = live_nics, .src = &l,
	} : dom0_view();
	char *config = config_json(&v, 8), *out = NULL;

	if (config && asprintf(&out, "    {\n        \"domid\": %u,\n        \"config\": %s\n    }",
			       d ? d->domid : 0, config + 8) < 0)
		out = NULL;
	free(config);
	return out;
}
