/*
 * xl dump-core <Domain> <filename>: the domain's memory as a Xen core file
 * (xc_core ELF). xenkvmd writes it, as it holds the domain's RAM; a relative
 * name is taken from the directory xl runs in.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "src/xl/xl.h"

int xl_cmd_dump_core(int argc, char **argv)
{
	char cwd[PATH_MAX], path[PATH_MAX + 256];
	struct ctl_msg rep;
	int rc;

	if (argc != 3 || !argv[2][0]) {
		fprintf(stderr, "usage: xl dump-core <Domain> <filename>\n");
		return 2;
	}
	if (argv[2][0] != '/' && !getcwd(cwd, sizeof(cwd))) {
		perror("xl dump-core: getcwd");
		return 1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", argv[2][0] == '/' ? "" : cwd,
			     argv[2][0] == '/' ? "" : "/", argv[2]) >= sizeof(path)) {
		fprintf(stderr, "xl dump-core: file name too long: %s\n", argv[2]);
		return 1;
	}
	rc = xl_call(&rep, "dump-core", argv[1], path, NULL);
	if (rc)
		rc = rep.n ? xl_report(&rep, "dump-core") : 1;
	ctl_msg_free(&rep);
	return rc;
}
