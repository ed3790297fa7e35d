/*
 * xenkvmd runs in a directory of its own, while a user's relative paths
 * mean xl's: xl resolves them before sending (as Xen's xl, which opens
 * the files itself, sees them).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/xlcfg/disk-spec.h"
#include "src/xl/xl.h"

/* A quoted xl.cfg string for s, escaping what the parser would read specially. */
static void quote(char *out, size_t size, const char *s)
{
	size_t n = 0;

	out[n++] = '"';
	for (; *s && n + 3 < size; s++) {
		if (*s == '"' || *s == '\\')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n++] = '"';
	out[n] = 0;
}

static int file_overrides(const struct dom_spec *spec, const char *cwd, struct ctl_msg *extra)
{
	const char *keys[2] = { "kernel", "ramdisk" };
	const char *vals[2] = { spec->kernel, spec->ramdisk };
	char path[1200], q[2500], kv[2520];

	for (int i = 0; i < 2; i++) {
		if (!vals[i][0] || vals[i][0] == '/')
			continue;
		snprintf(path, sizeof(path), "%s/%s", cwd, vals[i]);
		quote(q, sizeof(q), path);
		snprintf(kv, sizeof(kv), "%s=%s", keys[i], q);
		if (ctl_msg_add(extra, kv, strlen(kv)))
			return -1;
	}
	return 0;
}

/* One disk= entry with its target resolved; changed says whether it was relative. */
static int resolved_entry(const struct disk_spec *ds, const char *cwd, char *out, size_t size,
			  bool *changed)
{
	struct disk_spec d = *ds;
	char text[2048];

	if (disk_spec_resolve(&d, cwd) || disk_spec_format(&d, text, sizeof(text))) {
		fprintf(stderr, "xl: disk %s: target path too long\n", ds->vdev);
		return -1;
	}
	*changed |= strcmp(d.target, ds->target) != 0;
	quote(out, size, text);
	return 0;
}

/* The whole disk= list again, sent only when a target was relative. */
static int disk_override(const struct dom_spec *spec, const char *cwd, struct ctl_msg *extra)
{
	char *list = NULL, entry[4200];
	size_t len = 0;
	bool changed = false;
	int rc = 0;
	FILE *f = open_memstream(&list, &len);

	if (!f)
		return -1;
	fputs("disk=[", f);
	for (unsigned i = 0; i < spec->nr_disks && rc == 0; i++) {
		rc = resolved_entry(&spec->disks[i], cwd, entry, sizeof(entry), &changed);
		fprintf(f, "%s%s", i ? ", " : "", entry);
	}
	fputs("]", f);
	if (fclose(f))
		rc = -1;
	if (rc == 0 && changed)
		rc = ctl_msg_add(extra, list, len);
	free(list);
	return rc;
}

int xl_path_overrides(const struct dom_spec *spec, struct ctl_msg *extra)
{
	char cwd[512];

	ctl_msg_init(extra);
	if (!getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "xl: getcwd: %s\n", strerror(errno));
		return -1;
	}
	if (file_overrides(spec, cwd, extra) || disk_override(spec, cwd, extra)) {
		ctl_msg_free(extra);
		return -1;
	}
	return 0;
}

char *xl_disk_spec_here(const char *spec)
{
	struct disk_spec d;
	char err[256], cwd[512], text[2048];

	/* What does not parse goes as written: xenkvmd says what is wrong with it. */
	if (disk_spec_parse(spec, &d, err, sizeof(err)) || !d.target[0] || d.target[0] == '/' ||
	    d.script[0] || !getcwd(cwd, sizeof(cwd)) || disk_spec_resolve(&d, cwd) ||
	    disk_spec_format(&d, text, sizeof(text)))
		return strdup(spec);
	return strdup(text);
}
