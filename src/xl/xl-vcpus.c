/* xl vcpu-set, vcpu-pin and vcpu-list: a domain's vCPUs. */
#include <stdio.h>
#include <string.h>
#include "src/xl/xl.h"

/* One request whose words are argv[1..]; its error reported as xl does. */
static int call_with_args(int argc, char **argv, const char *verb)
{
	struct ctl_msg req = { 0 }, rep;
	int rc;

	ctl_msg_addf(&req, "%s", verb);
	for (int i = 1; i < argc; i++)
		ctl_msg_addf(&req, "%s", argv[i]);
	rc = xl_call_msg(&req, &rep);
	if (rc)
		rc = rep.n ? xl_report(&rep, verb) : 1;
	ctl_msg_free(&req);
	ctl_msg_free(&rep);
	return rc;
}

int xl_cmd_vcpu_set(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: xl vcpu-set <Domain> <vCPUs>\n");
		return 2;
	}
	return call_with_args(argc, argv, "vcpu-set");
}

int xl_cmd_vcpu_pin(int argc, char **argv)
{
	/* -f (force) only matters to Xen's cpupools, of which there is one here. */
	if (argc > 1 && (!strcmp(argv[1], "-f") || !strcmp(argv[1], "--force")))
		argc--, argv++;
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: xl vcpu-pin [-f|--force] <Domain> <VCPU|all> "
			"<Hard affinity|-|all> [Soft affinity|-|all]\n");
		return 2;
	}
	return call_with_args(argc, argv, "vcpu-pin");
}

enum { V_DOMID, V_NAME, V_VCPU, V_CPU, V_STATE, V_TIME, V_AFFINITY, V_COUNT };

int xl_cmd_vcpu_list(int argc, char **argv)
{
	struct ctl_msg rep;
	int rc = 0;

	printf("Name                                ID  VCPU   CPU State   Time(s) "
	       "Affinity (Hard / Soft)\n");
	for (int i = 1; i == 1 || i < argc; i++) {
		if (xl_call(&rep, "vcpu-list", i < argc ? argv[i] : NULL, NULL)) {
			rc = rep.n ? xl_report(&rep, "vcpu-list") : 1;
			continue;
		}
		for (unsigned r = 1; r < rep.n; r++) {
			char *f[V_COUNT];

			if (xl_split(rep.field[r], f, V_COUNT) == V_COUNT)
				printf("%-32s %5s %5s %5s   %s  %8s  %s / all\n", f[V_NAME],
				       f[V_DOMID], f[V_VCPU], f[V_CPU], f[V_STATE], f[V_TIME],
				       f[V_AFFINITY]);
		}
		ctl_msg_free(&rep);
	}
	return rc;
}
