/* The JSON layout of libxl's domain configuration (see config-json.h). */
#include <stdio.h>
#include <stdlib.h>
#include "src/xlcfg/config-json.h"

void json_string(FILE *f, const char *s)
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

/* Members of one object at one indent; the first goes without a comma. */
struct obj {
	FILE *f;
	int indent;
	bool first;
};

static void key(struct obj *o, const char *k)
{
	fprintf(o->f, "%s\n%*s\"%s\": ", o->first ? "" : ",", o->indent, "", k);
	o->first = false;
}

static void member_str(struct obj *o, const char *k, const char *val)
{
	if (!val || !val[0])
		return;
	key(o, k);
	json_string(o->f, val);
}

static void member_num(struct obj *o, const char *k, unsigned long long v)
{
	key(o, k);
	fprintf(o->f, "%llu", v);
}

/* An array's elements: objects one level in. */
struct items {
	FILE *f;
	int indent;		/* of the elements' braces */
	bool first;
};

static struct obj open_item(struct items *it)
{
	fprintf(it->f, "%s\n%*s{", it->first ? "" : ",", it->indent, "");
	it->first = false;
	return (struct obj){ it->f, it->indent + 4, true };
}

static void close_item(struct items *it)
{
	fprintf(it->f, "\n%*s}", it->indent, "");
}

static void disk_item(void *arg, const struct disk_spec *ds)
{
	struct items *it = arg;
	struct obj o = open_item(it);

	member_str(&o, "pdev_path", ds->target);
	member_str(&o, "vdev", ds->vdev);
	member_str(&o, "format", ds->format[0] ? ds->format : "raw");
	member_num(&o, "readwrite", !ds->readonly);
	if (ds->cdrom)
		member_num(&o, "is_cdrom", 1);
	close_item(it);
}

static void nic_item(void *arg, uint32_t devid, const char *mac, const struct vif_spec *vs)
{
	struct items *it = arg;
	struct obj o = open_item(it);

	member_num(&o, "devid", devid);
	member_str(&o, "mac", mac);
	member_str(&o, "bridge", vs->bridge);
	member_str(&o, "ip", vs->ip);
	member_str(&o, "script", vs->script);
	member_str(&o, "nictype", "vif");
	close_item(it);
}

static struct items open_array(struct obj *o, const char *k)
{
	key(o, k);
	fputc('[', o->f);
	return (struct items){ o->f, o->indent + 4, true };
}

static void close_array(struct obj *o, const struct items *it)
{
	if (it->first)
		fputc(']', o->f);
	else
		fprintf(o->f, "\n%*s]", o->indent, "");
}

static void devices(struct obj *o, const struct config_view *v)
{
	struct items it = open_array(o, "disks");

	if (v->each_disk)
		v->each_disk(v->src, disk_item, &it);
	close_array(o, &it);
	it = open_array(o, "nics");
	if (v->each_nic)
		v->each_nic(v->src, nic_item, &it);
	close_array(o, &it);
}

static void info(struct obj *o, const struct config_view *v)
{
	struct obj c = { o->f, o->indent + 4, true };

	key(o, "c_info");
	fputc('{', o->f);
	member_str(&c, "type", v->type);
	member_str(&c, "name", v->name);
	if (v->uuid) {
		char uuid[37];

		dom_uuid_format(v->uuid, uuid);
		member_str(&c, "uuid", uuid);
	}
	fprintf(o->f, "\n%*s}", o->indent, "");
	key(o, "b_info");
	fputc('{', o->f);
	c.first = true;
	member_num(&c, "max_vcpus", v->maxvcpus > v->vcpus ? v->maxvcpus : v->vcpus);
	/* libxl lists the vCPUs to be online (a bitmap, as its set bits) when not all are. */
	if (v->maxvcpus > v->vcpus) {
		key(&c, "avail_vcpus");
		fputc('[', o->f);
		for (unsigned i = 0; i < v->vcpus; i++)
			fprintf(o->f, "%s%u", i ? ", " : "", i);
		fputc(']', o->f);
	}
	member_num(&c, "max_memkb", v->max_kb ? v->max_kb : v->memory_mb * 1024);
	member_num(&c, "target_memkb", v->target_kb ? v->target_kb : v->memory_mb * 1024);
	member_str(&c, "kernel", v->kernel);
	member_str(&c, "cmdline", v->cmdline);
	member_str(&c, "ramdisk", v->ramdisk);
	fprintf(o->f, "\n%*s}", o->indent, "");
}

char *config_json(const struct config_view *v, int indent)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct obj o = { f, indent + 4, true };

	if (!f)
		return NULL;
	fprintf(f, "%*s{", indent, "");
	info(&o, v);
	if (v->has_actions) {
		devices(&o, v);
		member_str(&o, "on_poweroff", dom_action_name(v->on_poweroff));
		member_str(&o, "on_reboot", dom_action_name(v->on_reboot));
		member_str(&o, "on_crash", dom_action_name(v->on_crash));
		member_str(&o, "on_watchdog", dom_action_name(v->on_watchdog));
	}
	fprintf(f, "\n%*s}", indent, "");
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}
