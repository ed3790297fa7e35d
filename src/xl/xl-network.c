/* xl network-attach, network-detach, network-list. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "src/xl/xl.h"

int xl_cmd_network_attach(int argc, char **argv)
{
	char spec[2048] = "";
	struct ctl_msg rep;
	size_t used = 0;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: xl network-attach <Domain> <vif-spec-component(s)>...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		int n = snprintf(spec + used, sizeof(spec) - used, "%s%s", i > 2 ? "," : "",
				 argv[i]);
		if (n < 0 || (size_t)n >= sizeof(spec) - used) {
			fprintf(stderr, "xl network-attach: vif specification too long\n");
			return 1;
		}
		used += (size_t)n;
	}
	rc = xl_call(&rep, "network-attach", argv[1], spec, NULL);
	if (rc)
		rc = rep.n ? xl_report(&rep, "network-attach") : 1;
	ctl_msg_free(&rep);
	return rc;
}

static int still_listed(const char *domain, const char *dev)
{
	struct ctl_msg rep;
	int found = 0;

	if (xl_call(&rep, "network-list", domain, NULL)) {
		ctl_msg_free(&rep);
		return 0;
	}
	for (unsigned i = 1; i < rep.n; i++) {
		char idx[16], mac[32];
		if (sscanf(rep.field[i], "%15s %*s %31s", idx, mac) == 2 &&
		    (!strcmp(idx, dev) || !strcasecmp(mac, dev)))
			found = 1;
	}
	ctl_msg_free(&rep);
	return found;
}

int xl_cmd_network_detach(int argc, char **argv)
{
	struct ctl_msg rep;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: xl network-detach <Domain> <DevId|mac>\n");
		return 2;
	}
	rc = xl_call(&rep, "network-detach", argv[1], argv[2], "wait", NULL);
	if (rc) {
		rc = rep.n ? xl_report(&rep, "network-detach") : 1;
		ctl_msg_free(&rep);
		return rc;
	}
	ctl_msg_free(&rep);
	for (int i = 0; i < 100 && still_listed(argv[1], argv[2]); i++)
		usleep(100000);
	if (still_listed(argv[1], argv[2])) {
		fprintf(stderr, "xl network-detach: the guest did not release %s within 10 s; "
			"removing it anyway\n", argv[2]);
		rc = xl_call(&rep, "network-detach", argv[1], argv[2], "force", NULL);
		ctl_msg_free(&rep);
	}
	return rc ? 1 : 0;
}

int xl_cmd_network_list(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: xl network-list <Domain(s)>\n");
		return 2;
	}
	printf("Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path\n");
	for (int d = 1; d < argc; d++) {
		struct ctl_msg rep;

		if (xl_call(&rep, "network-list", argv[d], NULL)) {
			status = rep.n ? xl_report(&rep, "network-list") : 1;
			ctl_msg_free(&rep);
			continue;
		}
		for (unsigned i = 1; i < rep.n; i++) {
			unsigned idx, be, handle;
			int state, evtch, tx, rx;
			char mac[32], path[256];

			if (sscanf(rep.field[i], "%u %u %31s %u %d %d %d %d %255s", &idx, &be, mac,
				   &handle, &state, &evtch, &tx, &rx, path) == 9)
				printf("%-3u %-2u %-17s %-6u %-5d %-6d %5d/%-5d     %-30s\n", idx, be,
				       mac, handle, state, evtch, tx, rx, path);
		}
		ctl_msg_free(&rep);
	}
	return status;
}
