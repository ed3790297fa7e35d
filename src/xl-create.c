/* xl create [-c] [-p] [-f FILE] [FILE] [key=value...] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/dom-spec.h"
#include "src/xl.h"

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
	fprintf(stderr, "usage: xl create [-c] [-p] [-f FILE] [FILE] [key=value...]\n");
}

int xl_cmd_create(int argc, char **argv)
{
	const char *cfg = NULL;
	int console = 0, paused = 0, c, rc;
	struct ctl_msg req, rep, req_extra;
	struct dom_spec spec;
	char err[512], *text;
	size_t len;

	while ((c = getopt(argc, argv, "cpf:qeFnV")) != -1) {
		switch (c) {
		case 'c': console = 1; break;
		case 'p': paused = 1; break;
		case 'f': cfg = optarg; break;
		case 'q': case 'e': case 'F': case 'V': break;
		case 'n':
			fprintf(stderr, "xl create: dry run (-n) is not supported\n");
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
	fprintf(stderr, "Parsing config from %s\n", cfg);
	if (dom_spec_from_config(cfg, text, (const char *const *)argv + optind,
				 (unsigned)(argc - optind), &spec, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		free(text);
		return 1;
	}
	fputs(spec.warnings, stderr);
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
	return rc;
}
