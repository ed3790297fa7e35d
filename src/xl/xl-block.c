/* xl block-attach, block-detach, block-list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "src/xl/xl.h"

int xl_cmd_block_attach(int argc, char **argv)
{
	char spec[2048] = "", *here;
	struct ctl_msg rep;
	size_t used = 0;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: xl block-attach <Domain> <disk-spec-component(s)>...\n");
		return 2;
	}
	/* Like xl, the components may come as separate arguments. */
	for (int i = 2; i < argc; i++) {
		int n = snprintf(spec + used, sizeof(spec) - used, "%s%s", i > 2 ? "," : "",
				 argv[i]);
		if (n < 0 || (size_t)n >= sizeof(spec) - used) {
			fprintf(stderr, "xl block-attach: disk specification too long\n");
			return 1;
		}
		used += (size_t)n;
	}
	here = xl_disk_spec_here(spec);
	if (!here) {
		fprintf(stderr, "xl block-attach: out of memory\n");
		return 1;
	}
	rc = xl_call(&rep, "block-attach", argv[1], here, NULL);
	free(here);
	if (rc)
		rc = rep.n ? xl_report(&rep, "block-attach") : 1;
	ctl_msg_free(&rep);
	return rc;
}

static int still_listed(const char *domain, const char *dev)
{
	struct ctl_msg rep;
	int found = 0;

	if (xl_call(&rep, "block-list", domain, NULL)) {
		ctl_msg_free(&rep);
		return 0;
	}
	for (unsigned i = 1; i < rep.n; i++) {
		char vdev[64], name[64];
		if (sscanf(rep.field[i], "%63s %*s %*s %*s %*s %*s %*s %63s", vdev, name) == 2 &&
		    (!strcmp(vdev, dev) || !strcmp(name, dev)))
			found = 1;
	}
	ctl_msg_free(&rep);
	return found;
}

/* As libxl does: ask the frontend, wait up to 10 s, then force. */
int xl_cmd_block_detach(int argc, char **argv)
{
	int force = 0, c, rc;
	struct ctl_msg rep;

	while ((c = getopt(argc, argv, "f")) != -1) {
		if (c != 'f') {
			fprintf(stderr, "usage: xl block-detach [-f] <Domain> <DevId>\n");
			return 2;
		}
		force = 1;
	}
	if (optind + 2 != argc) {
		fprintf(stderr, "usage: xl block-detach [-f] <Domain> <DevId>\n");
		return 2;
	}
	rc = xl_call(&rep, "block-detach", argv[optind], argv[optind + 1],
		     force ? "force" : "wait", NULL);
	if (rc) {
		rc = rep.n ? xl_report(&rep, "block-detach") : 1;
		ctl_msg_free(&rep);
		return rc;
	}
	ctl_msg_free(&rep);
	for (int i = 0; i < 100 && still_listed(argv[optind], argv[optind + 1]); i++)
		usleep(100000);
	if (still_listed(argv[optind], argv[optind + 1])) {
		fprintf(stderr, "xl block-detach: the guest did not release %s within 10 s; "
			"removing it anyway\n", argv[optind + 1]);
		rc = xl_call(&rep, "block-detach", argv[optind], argv[optind + 1], "force", NULL);
		ctl_msg_free(&rep);
	}
	return rc ? 1 : 0;
}

int xl_cmd_block_list(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: xl block-list <Domain(s)>\n");
		return 2;
	}
	printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state",
	       "evt-ch", "ring-ref", "BE-path");
	for (int d = 1; d < argc; d++) {
		struct ctl_msg rep;

		if (xl_call(&rep, "block-list", argv[d], NULL)) {
			status = rep.n ? xl_report(&rep, "block-list") : 1;
			ctl_msg_free(&rep);
			continue;
		}
		for (unsigned i = 1; i < rep.n; i++) {
			unsigned vdev, be, handle;
			int state, evtch, ref;
			char path[256];

			if (sscanf(rep.field[i], "%u %u %u %d %d %d %255s", &vdev, &be, &handle,
				   &state, &evtch, &ref, path) == 7)
				printf("%-5u %-3u %-6u %-5d %-6d %-8d %-30s\n", vdev, be, handle,
				       state, evtch, ref, path);
		}
		ctl_msg_free(&rep);
	}
	return status;
}
