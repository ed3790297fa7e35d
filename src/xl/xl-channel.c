/* xl channel-list, and the pty behind a secondary console (xl console -n N). */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "src/xl/xl.h"

enum { C_DEVID, C_STATE, C_EVTCH, C_RING, C_NAME, C_CONN, C_WHERE, C_COUNT };

int xl_cmd_channel_list(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: xl channel-list <Domain(s)>\n");
		return 2;
	}
	printf("%-5s %-3s %-5s %-6s %-8s %-24s %-10s %s\n", "Idx", "BE", "state", "evt-ch",
	       "ring-ref", "name", "connection", "path/tty");
	for (int i = 1; i < argc; i++) {
		struct ctl_msg rep;

		if (xl_call(&rep, "channel-list", argv[i], NULL)) {
			rc = xl_report(&rep, "channel-list");
			continue;
		}
		for (unsigned r = 1; r < rep.n; r++) {
			char *f[C_COUNT];

			if (xl_split(rep.field[r], f, C_COUNT) == C_COUNT)
				printf("%-5s %-3s %-5s %-6s %-8s %-24s %-10s %s\n", f[C_DEVID], "0",
				       f[C_STATE], f[C_EVTCH], f[C_RING], f[C_NAME], f[C_CONN],
				       f[C_WHERE]);
		}
		ctl_msg_free(&rep);
	}
	return rc;
}

/* The pty of console n (1, 2...) of domain into tty; 0, or 1 after saying why. */
int xl_console_tty(const char *domain, unsigned n, char *tty, size_t size)
{
	struct ctl_msg rep;
	int rc = 1;

	if (xl_call(&rep, "channel-list", domain, NULL))
		return rep.n ? xl_report(&rep, "console") : 1;
	for (unsigned r = 1; r < rep.n && rc; r++) {
		char *f[C_COUNT];

		if (xl_split(rep.field[r], f, C_COUNT) != C_COUNT || (unsigned)atoi(f[C_DEVID]) != n)
			continue;
		if (!strcmp(f[C_CONN], "pty")) {
			snprintf(tty, size, "%s", f[C_WHERE]);
			rc = 0;
		} else {
			fprintf(stderr, "xl console: console %u of domain %s is channel %s, a socket: "
				"connect to %s\n", n, domain, f[C_NAME], f[C_WHERE]);
			rc = 2;
		}
	}
	ctl_msg_free(&rep);
	if (rc == 1)
		fprintf(stderr, "xl console: domain %s has no console %u\n", domain, n);
	return rc ? 1 : 0;
}
