/*
 * A domain's configuration as `xl list -l` prints it: libxl's JSON layout
 * (domid, then config with c_info, b_info, disks, nics and the on_*
 * actions), indented for its place in xl's array. Scripts that read Xen's
 * output with jq find the same keys here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "src/dom-spec.h"
#include "src/dom0-config.h"
#include "src/dom0-vbd.h"
#include "src/dom0-vif.h"

/* s as a JSON string: quotes, backslashes and control characters escaped. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* One "key": "value" member at indent; first says whether a comma goes before. */
static void member_str(FILE *f, int indent, bool *first, const char *key, const char *val)
{
	fprintf(f, "%s\n%*s\"%s\": ", *first ? "" : ",", indent, "", key);
	json_string(f, val);
	*first = false;
}

static void member_num(FILE *f, int indent, bool *first, const char *key, unsigned long long v)
{
	fprintf(f, "%s\n%*s\"%s\": %llu", *first ? "" : ",", indent, "", key, v);
	*first = false;
}

struct list_out {
	FILE *f;
	bool first;
};

static void open_item(struct list_out *o)
{
	fprintf(o->f, "%s\n%*s{", o->first ? "" : ",", 16, "");
	o->first = false;
}

static void disk_json(void *arg, const struct disk_spec *ds)
{
	struct list_out *o = arg;
	bool first = true;

	open_item(o);
	member_str(o->f, 20, &first, "pdev_path", ds->target);
	member_str(o->f, 20, &first, "vdev", ds->vdev);
	member_str(o->f, 20, &first, "format", ds->format[0] ? ds->format : "raw");
	member_num(o->f, 20, &first, "readwrite", !ds->readonly);
	if (ds->cdrom)
		member_num(o->f, 20, &first, "is_cdrom", 1);
	fprintf(o->f, "\n%*s}", 16, "");
}

static void nic_json(void *arg, uint32_t devid, const char *mac, const struct vif_spec *vs)
{
	struct list_out *o = arg;
	bool first = true;

	open_item(o);
	member_num(o->f, 20, &first, "devid", devid);
	member_str(o->f, 20, &first, "mac", mac);
	if (vs->bridge[0])
		member_str(o->f, 20, &first, "bridge", vs->bridge);
	if (vs->ip[0])
		member_str(o->f, 20, &first, "ip", vs->ip);
	if (vs->script[0])
		member_str(o->f, 20, &first, "script", vs->script);
	member_str(o->f, 20, &first, "nictype", "vif");
	fprintf(o->f, "\n%*s}", 16, "");
}

static void devices_json(FILE *f, struct dom0 *z, const struct domain *d)
{
	struct list_out o = { f, true };

	fprintf(f, ",\n%*s\"disks\": [", 12, "");
	dom0_vbd_each(z, d, disk_json, &o);
	fprintf(f, "%s]", o.first ? "" : "\n            ");
	o.first = true;
	fprintf(f, ",\n%*s\"nics\": [", 12, "");
	dom0_vif_each(z, d, nic_json, &o);
	fprintf(f, "%s]", o.first ? "" : "\n            ");
}

static void domu_json(FILE *f, struct dom0 *z, const struct domain *d)
{
	const struct dom_spec *s = d->spec;
	char uuid[37];
	bool first = true;

	dom_uuid_format(d->uuid, uuid);
	fprintf(f, "\n%*s\"c_info\": {", 12, "");
	member_str(f, 16, &first, "type", s ? s->type : "pv");
	member_str(f, 16, &first, "name", d->name);
	member_str(f, 16, &first, "uuid", uuid);
	fprintf(f, "\n%*s},\n%*s\"b_info\": {", 12, "", 12, "");
	first = true;
	member_num(f, 16, &first, "max_vcpus", d->vcpus);
	member_num(f, 16, &first, "max_memkb", (unsigned long long)d->memory_mb * 1024);
	member_num(f, 16, &first, "target_memkb", (unsigned long long)d->memory_mb * 1024);
	if (s && s->kernel[0])
		member_str(f, 16, &first, "kernel", s->kernel);
	if (s && s->cmdline[0])
		member_str(f, 16, &first, "cmdline", s->cmdline);
	if (s && s->ramdisk[0])
		member_str(f, 16, &first, "ramdisk", s->ramdisk);
	fprintf(f, "\n%*s}", 12, "");
	devices_json(f, z, d);
	first = false;
	member_str(f, 12, &first, "on_poweroff", dom_action_name(d->on_poweroff));
	member_str(f, 12, &first, "on_reboot", dom_action_name(d->on_reboot));
	member_str(f, 12, &first, "on_crash", dom_action_name(d->on_crash));
}

static void dom0_json(FILE *f)
{
	struct sysinfo si;
	bool first = true;

	sysinfo(&si);
	fprintf(f, "\n%*s\"c_info\": {", 12, "");
	member_str(f, 16, &first, "type", "pv");
	member_str(f, 16, &first, "name", "Domain-0");
	fprintf(f, "\n%*s},\n%*s\"b_info\": {", 12, "", 12, "");
	first = true;
	member_num(f, 16, &first, "max_vcpus", (unsigned long long)sysconf(_SC_NPROCESSORS_ONLN));
	member_num(f, 16, &first, "max_memkb", (unsigned long long)si.totalram * si.mem_unit >> 10);
	member_num(f, 16, &first, "target_memkb",
		   (unsigned long long)si.totalram * si.mem_unit >> 10);
	fprintf(f, "\n%*s}", 12, "");
}

char *dom0_config_json(struct dom0 *z, const struct domain *d)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	fprintf(f, "    {\n        \"domid\": %u,\n        \"config\": {", d ? d->domid : 0);
	if (d)
		domu_json(f, z, d);
	else
		dom0_json(f);
	fprintf(f, "\n        }\n    }");
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}
