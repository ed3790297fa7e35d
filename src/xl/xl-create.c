/* xl create [-c] [-p] [-n] [-q] [-F] [-e] [-f FILE] [FILE] [key=value...] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/xlcfg/config-json.h"
#include "src/xlcfg/dom-spec.h"
#include "src/xl/xl.h"

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (cap - *len < 4096) {
			char *nb = cap < (1u << 20) ? realloc(buf, cap + 65536) : NULL;
			if (!nb) {
				free(buf);
				fclose(f);
				errno = EFBIG;
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		size_t n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[*len] = 0;
	return buf;
}

static void usage(void)
{
	fprintf(stderr, "usage: xl create [-c] [-p] [-n] [-q] [-F] [-e] [-f FILE] [FILE] "
		"[key=value...]\n");
}

static void spec_disks(void *src, config_disk_fn fn, void *arg)
{
	const struct dom_spec *s = src;

	for (unsigned i = 0; i < s->nr_disks; i++)
		fn(arg, &s->disks[i]);
}

static void spec_nics(void *src, config_nic_fn fn, void *arg)
{
	const struct dom_spec *s = src;

	for (unsigned i = 0; i < s->nr_vifs; i++) {
		const struct vif_spec *v = &s->vifs[i];
		char mac[18] = "";

		if (v->mac_given)
			vif_format_mac(v->mac, mac);
		fn(arg, v->devid >= 0 ? (uint32_t)v->devid : i, mac, v);
	}
}

/* -n: the configuration xl would create, in libxl's JSON; nothing is created. */
static int dry_run(const struct dom_spec *s)
{
	struct config_view v = {
		.type = s->type, .name = s->name, .uuid = s->uuid_given ? s->uuid : NULL,
		.vcpus = s->vcpus, .maxvcpus = s->maxvcpus, .memory_mb = s->memory_mb,
		.max_kb = (uint64_t)s->maxmem_mb * 1024, .kernel = s->kernel,
		.cmdline = s->cmdline, .ramdisk = s->ramdisk, .has_actions = true,
		.on_poweroff = s->on_poweroff, .on_reboot = s->on_reboot, .on_crash = s->on_crash,
		.on_watchdog = s->on_watchdog,
		.each_disk = spec_disks, .each_nic = spec_nics, .src = (void *)s,
	};
	char *json = config_json(&v, 0);

	if (!json) {
		fprintf(stderr, "xl create: out of memory\n");
		return 1;
	}
	printf("%s\n", json);
	free(json);
	return 0;
}

/* -F: xl stays until no domain of that name is left (restarts keep it). */
static int wait_for_death(const char *name)
{
	for (;;) {
		struct ctl_msg rep;
		int gone = xl_call(&rep, "list", name, NULL) != 0;

		ctl_msg_free(&rep);
		if (gone)
			return 0;
		sleep(1);
	}
}

int xl_cmd_create(int argc, char **argv)
{
	const char *cfg = NULL;
	int console = 0, paused = 0, dry = 0, quiet = 0, foreground = 0, c, rc;
	struct ctl_msg req, rep, req_extra;
	struct dom_spec spec;
	char err[512], *text;
	size_t len;

	while ((c = getopt(argc, argv, "cpf:qeFnV")) != -1) {
		switch (c) {
		case 'c': console = 1; break;
		case 'p': paused = 1; break;
		case 'f': cfg = optarg; break;
		case 'n': dry = 1; break;
		case 'q': quiet = 1; break;
		case 'F': foreground = 1; break;
		case 'e': break;	/* xenkvmd, not xl, sees to the domain's death anyway */
		case 'V':
			fprintf(stderr, "xl create: -V: xenkvm domains have no VNC console\n");
			return 2;
		default: usage(); return 2;
		}
	}
	if (!cfg && optind < argc && !strchr(argv[optind], '='))
		cfg = argv[optind++];
	if (!cfg) {
		usage();
		return 2;
	}
	text = read_file(cfg, &len);
	if (!text) {
		fprintf(stderr, "Failed to read config file: %s: %s\n", cfg, strerror(errno));
		return 1;
	}
	if (!quiet)
		fprintf(stderr, "Parsing config from %s\n", cfg);
	if (dom_spec_from_config(cfg, text, (const char *const *)argv + optind,
				 (unsigned)(argc - optind), &spec, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		free(text);
		return 1;
	}
	fputs(spec.warnings, stderr);
	if (dry) {
		free(text);
		return dry_run(&spec);
	}
	ctl_msg_init(&req);
	if (xl_path_overrides(&spec, &req_extra) < 0) {
		free(text);
		return 1;
	}
	ctl_msg_addf(&req, "create");
	ctl_msg_addf(&req, "%s", cfg);
	ctl_msg_add(&req, text, len);
	ctl_msg_addf(&req, "%d", paused);
	for (int i = optind; i < argc; i++)
		ctl_msg_addf(&req, "%s", argv[i]);
	for (unsigned i = 0; i < req_extra.n; i++)
		ctl_msg_add(&req, req_extra.field[i], req_extra.len[i]);
	ctl_msg_free(&req_extra);
	free(text);
	rc = xl_call_msg(&req, &rep);
	ctl_msg_free(&req);
	if (rc) {
		rc = rep.n ? xl_report(&rep, "create") : 1;
		ctl_msg_free(&rep);
		return rc;
	}
	if (console && rep.n >= 3)
		rc = xl_console_attach(rep.field[2], rep.field[1]);
	ctl_msg_free(&rep);
	if (!rc && foreground)
		rc = wait_for_death(spec.name);
	return rc;
}
