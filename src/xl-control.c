/* xl destroy, pause, unpause, rename, shutdown, reboot. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "src/xl.h"

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

/* shutdown/reboot [-w] Domain: -w waits until the domain is gone or shut down. */
static int shutdown_like(int argc, char **argv, const char *verb)
{
	int wait = 0, c;
	struct ctl_msg rep;
	int rc;

	while ((c = getopt(argc, argv, "wF")) != -1) {
		if (c == 'w')
			wait = 1;
		else if (c != 'F') {
			fprintf(stderr, "usage: xl %s [-w] <Domain>\n", verb);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: xl %s [-w] <Domain>\n", verb);
		return 2;
	}
	rc = xl_call(&rep, verb, argv[optind], NULL);
	if (rc) {
		rc = rep.n ? xl_report(&rep, verb) : 1;
		ctl_msg_free(&rep);
		return rc;
	}
	ctl_msg_free(&rep);
	while (wait) {
		/* Done once the domain no longer runs (destroyed, or shut down and kept). */
		if (xl_call(&rep, "list", argv[optind], NULL)) {
			ctl_msg_free(&rep);
			break;
		}
		wait = rep.n >= 2 && strstr(rep.field[1], "\tr-----\t") != NULL;
		ctl_msg_free(&rep);
		if (wait)
			usleep(100 * 1000);
	}
	return 0;
}

int xl_cmd_shutdown(int argc, char **argv) { return shutdown_like(argc, argv, "shutdown"); }
int xl_cmd_reboot(int argc, char **argv) { return shutdown_like(argc, argv, "reboot"); }
