/* xl list, domid, domname, uptime, vcpu-list: read-only views of the registry. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/xl.h"


/* Fetch records for one domain (or all, when id is NULL). */
static int fetch(struct ctl_msg *rep, const char *id, const char *verb)
{
	int rc = id ? xl_call(rep, "list", id, NULL) : xl_call(rep, "list", NULL);

	if (rc)
		return rep->n ? xl_report(rep, verb) : 1;
	return 0;
}

/* One element of xl list -l's array: xenkvmd writes it in libxl's layout. */
static int print_long(const char *domid, bool *first)
{
	struct ctl_msg rep;
	int rc = xl_call(&rep, "config", domid, NULL);

	if (rc)
		rc = rep.n ? xl_report(&rep, "list") : 1;
	else if (rep.n > 1)
		printf("%s%s", *first ? "" : ",\n", rep.field[1]), *first = false;
	ctl_msg_free(&rep);
	return rc;
}

int xl_cmd_list(int argc, char **argv)
{
	struct ctl_msg rep;
	int longfmt = 0, c, rc = 0;
	bool first = true;

	while ((c = getopt(argc, argv, "lv")) != -1) {
		if (c == 'l' || c == 'v') {
			longfmt = 1;
		} else {
			fprintf(stderr, "usage: xl list [-l] [Domain...]\n");
			return 2;
		}
	}
	if (longfmt)
		printf("[\n");
	for (int i = optind; i == optind || i < argc; i++) {
		const char *id = i < argc ? argv[i] : NULL;

		if (fetch(&rep, id, "list")) {
			rc = 1;
			continue;
		}
		if (!longfmt && i == optind)
			printf("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
		for (unsigned r = 1; r < rep.n; r++) {
			char *f[F_COUNT];
			if (xl_split(rep.field[r], f, F_COUNT) != F_COUNT)
				continue;
			if (longfmt)
				rc |= print_long(f[F_DOMID], &first);
			else
				printf("%-40s %5s %5s %5s     %s  %8.1f\n", f[F_NAME], f[F_DOMID],
				       f[F_MEM], f[F_VCPUS], f[F_STATE], atof(f[F_CPU]));
		}
		ctl_msg_free(&rep);
	}
	if (longfmt)
		printf("%s]\n", first ? "" : "\n");
	return rc;
}

static int one_field(const char *id, unsigned field, const char *verb)
{
	struct ctl_msg rep;
	char *f[F_COUNT];

	if (fetch(&rep, id, verb))
		return 1;
	if (rep.n < 2 || xl_split(rep.field[1], f, F_COUNT) != F_COUNT) {
		fprintf(stderr, "xl %s: malformed reply\n", verb);
		ctl_msg_free(&rep);
		return 1;
	}
	printf("%s\n", f[field]);
	ctl_msg_free(&rep);
	return 0;
}

int xl_cmd_domid(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: xl domid <DomainName>\n");
		return 2;
	}
	return one_field(argv[1], F_DOMID, "domid");
}

int xl_cmd_domname(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: xl domname <DomainId>\n");
		return 2;
	}
	return one_field(argv[1], F_NAME, "domname");
}

static void format_uptime(double secs, int short_mode, char *out, size_t size)
{
	unsigned long s = (unsigned long)secs;
	unsigned long days = s / 86400, hours = s / 3600 % 24, mins = s / 60 % 60;

	if (short_mode && days)
		snprintf(out, size, "%lu days, %2lu:%02lu", days, hours, mins);
	else if (short_mode)
		snprintf(out, size, "%2lu:%02lu", hours, mins);
	else if (days)
		snprintf(out, size, "%lu days, %2lu:%02lu:%02lu", days, hours, mins, s % 60);
	else
		snprintf(out, size, "%2lu:%02lu:%02lu", hours, mins, s % 60);
}

int xl_cmd_uptime(int argc, char **argv)
{
	struct ctl_msg rep;
	int short_mode = 0, c;

	while ((c = getopt(argc, argv, "s")) != -1) {
		if (c != 's') {
			fprintf(stderr, "usage: xl uptime [-s] [Domain...]\n");
			return 2;
		}
		short_mode = 1;
	}
	if (fetch(&rep, optind < argc ? argv[optind] : NULL, "uptime"))
		return 1;
	if (!short_mode)
		printf("Name                                ID Uptime\n");
	for (unsigned r = 1; r < rep.n; r++) {
		char *f[F_COUNT], up[64];
		if (xl_split(rep.field[r], f, F_COUNT) != F_COUNT)
			continue;
		format_uptime(atof(f[F_UP]), short_mode, up, sizeof(up));
		if (short_mode)
			printf("up %s, %s (%s)\n", up, f[F_NAME], f[F_DOMID]);
		else
			printf("%-33s %4s %s\n", f[F_NAME], f[F_DOMID], up);
	}
	ctl_msg_free(&rep);
	return 0;
}

int xl_cmd_vcpu_list(int argc, char **argv)
{
	struct ctl_msg rep;

	if (fetch(&rep, argc > 1 ? argv[1] : NULL, "vcpu-list"))
		return 1;
	printf("Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n");
	for (unsigned r = 1; r < rep.n; r++) {
		char *f[F_COUNT];
		unsigned long long up;
		unsigned n;
		if (xl_split(rep.field[r], f, F_COUNT) != F_COUNT)
			continue;
		n = (unsigned)strtoul(f[F_MAXVCPUS], NULL, 10);
		up = strtoull(f[F_VCPUS_UP], NULL, 16);
		/* Per-vCPU placement and times are not tracked yet: shown as "-". */
		for (unsigned v = 0; v < n; v++) {
			bool on = v < 64 && (up >> v & 1);

			printf("%-32s %5s %5u   %3s   %s  %8s  all / all\n", f[F_NAME],
			       f[F_DOMID], v, "-", on && f[F_STATE][0] == 'r' ? "r--" : "--p", "-");
		}
	}
	ctl_msg_free(&rep);
	return 0;
}
