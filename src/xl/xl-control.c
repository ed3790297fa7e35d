/* xl destroy, pause, unpause, rename, sysrq, shutdown, reboot. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/xl/xl.h"

/* xl VERB <Domain> [ARG]: one request, its error reported as xl does. */
static int simple(int argc, char **argv, const char *verb, const char *usage)
{
	struct ctl_msg rep;
	int rc, want = strchr(usage, ' ') ? 3 : 2;

	if (argc != want) {
		fprintf(stderr, "usage: xl %s %s\n", verb, usage);
		return 2;
	}
	rc = xl_call(&rep, verb, argv[1], want == 3 ? argv[2] : NULL, NULL);
	if (rc)
		rc = rep.n ? xl_report(&rep, verb) : 1;
	ctl_msg_free(&rep);
	return rc;
}

int xl_cmd_destroy(int argc, char **argv) { return simple(argc, argv, "destroy", "<Domain>"); }
int xl_cmd_pause(int argc, char **argv) { return simple(argc, argv, "pause", "<Domain>"); }
int xl_cmd_unpause(int argc, char **argv) { return simple(argc, argv, "unpause", "<Domain>"); }
int xl_cmd_rename(int argc, char **argv)
{
	return simple(argc, argv, "rename", "<Domain> <NewDomainName>");
}

int xl_cmd_sysrq(int argc, char **argv)
{
	return simple(argc, argv, "sysrq", "<Domain> <letter>");
}

/* The domid of a domain named or numbered so, or -1 (reported). */
static long domid_of(const char *id, const char *verb)
{
	struct ctl_msg rep;
	long domid = -1;

	if (xl_call(&rep, "list", id, NULL))
		xl_report(&rep, verb);
	else if (rep.n >= 2)
		domid = strtol(rep.field[1], NULL, 10);
	ctl_msg_free(&rep);
	return domid;
}

/* Every domain but Domain-0, by domid; how many (at most max). */
static unsigned all_domids(long *out, unsigned max)
{
	struct ctl_msg rep;
	unsigned n = 0;

	if (xl_call(&rep, "list", NULL) == 0)
		for (unsigned r = 1; r < rep.n && n < max; r++) {
			long id = strtol(rep.field[r], NULL, 10);

			if (id > 0)
				out[n++] = id;
		}
	ctl_msg_free(&rep);
	return n;
}

/* Whether domid is still there and running (a restarted domain has another). */
static bool still_running(long domid)
{
	struct ctl_msg rep;
	char id[24];
	bool running;

	snprintf(id, sizeof(id), "%ld", domid);
	running = xl_call(&rep, "list", id, NULL) == 0 && rep.n >= 2 &&
		  strstr(rep.field[1], "\tr-----\t") != NULL;
	ctl_msg_free(&rep);
	return running;
}

/*
 * shutdown/reboot [-a] [-w] [-F] Domain: -a every domain, -w waits until
 * each has shut down or gone (its domid: a reboot brings the name back
 * under a new one). -F (Xen's ACPI fallback for HVM) has nothing to do.
 */
static int shutdown_like(int argc, char **argv, const char *verb)
{
	long domids[256];
	unsigned n = 0;
	int all = 0, wait = 0, c, rc = 0;

	while ((c = getopt(argc, argv, "awF")) != -1) {
		if (c == 'a')
			all = 1;
		else if (c == 'w')
			wait = 1;
		else if (c != 'F')
			goto usage;
	}
	if (optind + (all ? 0 : 1) != argc)
		goto usage;
	if (all)
		n = all_domids(domids, sizeof(domids) / sizeof(domids[0]));
	else if ((domids[0] = domid_of(argv[optind], verb)) < 0)
		return 1;
	else
		n = 1;
	for (unsigned i = 0; i < n; i++) {
		struct ctl_msg rep;
		char id[24];

		snprintf(id, sizeof(id), "%ld", domids[i]);
		if (xl_call(&rep, verb, id, NULL)) {
			rc = rep.n ? xl_report(&rep, verb) : 1;
			domids[i] = -1;		/* nothing to wait for */
		}
		ctl_msg_free(&rep);
	}
	for (unsigned i = 0; wait && i < n; i++)
		while (domids[i] >= 0 && still_running(domids[i]))
			usleep(100 * 1000);
	return rc;
usage:
	fprintf(stderr, "usage: xl %s [-a] [-w] [-F] <Domain>\n", verb);
	return 2;
}

int xl_cmd_shutdown(int argc, char **argv) { return shutdown_like(argc, argv, "shutdown"); }
int xl_cmd_reboot(int argc, char **argv) { return shutdown_like(argc, argv, "reboot"); }
