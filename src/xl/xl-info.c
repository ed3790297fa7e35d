/* xl info and xl dmesg. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "src/xl/xl.h"

int xl_cmd_info(int argc, char **argv)
{
	struct ctl_msg rep;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: xl info\n");
		return 2;
	}
	if (xl_call(&rep, "info", NULL))
		return rep.n ? xl_report(&rep, "info") : 1;
	for (unsigned i = 1; i < rep.n; i++) {
		char *f[2];
		if (xl_split(rep.field[i], f, 2) == 2)
			printf("%-23s: %s\n", f[0], f[1]);
	}
	ctl_msg_free(&rep);
	return 0;
}

int xl_cmd_dmesg(int argc, char **argv)
{
	struct ctl_msg rep;
	bool clear = argc == 2 && !strcmp(argv[1], "-c");

	if (argc > 2 || (argc == 2 && !clear)) {
		fprintf(stderr, "usage: xl dmesg [-c]\n");
		return 2;
	}
	if (xl_call(&rep, "dmesg", clear ? "clear" : NULL, NULL))
		return rep.n ? xl_report(&rep, "dmesg") : 1;
	if (rep.n >= 2)
		fwrite(rep.field[1], 1, rep.len[1], stdout);
	ctl_msg_free(&rep);
	return 0;
}
