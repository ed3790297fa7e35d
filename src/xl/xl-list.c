/* xl list, vm-list, domid, domname, uptime: read-only views of the registry. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/xl/xl.h"


/* Fetch records for one domain (or all, when id is NULL). */
static int fetch(struct ctl_msg *rep, const char *id, const char *verb)
{
	int rc = id ? xl_call(rep, "list", id, NULL) : xl_call(rep, "list", NULL);

	if (rc)
		return rep->n ? xl_report(rep, verb) : 1;
	return 0;
}

/* Each record of the domains named in argv[first..] (all when none are). */
typedef int (*record_fn)(char **f, void *arg);

/* Calls fn for every record, in order; 1 if a domain was unknown or fn failed. */
static int each_record(int argc, char **argv, int first, const char *verb, record_fn fn,
		       void *arg)
{
	struct ctl_msg rep;
	int rc = 0;

	for (int i = first; i == first || i < argc; i++) {
		if (fetch(&rep, i < argc ? argv[i] : NULL, verb)) {
			rc = 1;
			continue;
		}
		for (unsigned r = 1; r < rep.n; r++) {
			char *f[F_COUNT];

			if (xl_split(rep.field[r], f, F_COUNT) == F_COUNT)
				rc |= fn(f, arg);
		}
		ctl_msg_free(&rep);
	}
	return rc;
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

struct list_out {
	bool longfmt;	/* -l: libxl's JSON */
	bool verbose;	/* -v: uuids and shutdown reasons too */
	bool first;	/* nothing printed yet */
};

static int list_one(char **f, void *arg)
{
	struct list_out *o = arg;
	int reason = atoi(f[F_REASON]);

	if (o->longfmt)
		return print_long(f[F_DOMID], &o->first);
	if (o->first)
		printf("Name                                        ID   Mem VCPUs\tState\tTime(s)%s\n",
		       o->verbose ? "   UUID                            Reason-Code\tSecurity Label"
				  : "");
	o->first = false;
	printf("%-40s %5s %5s %5s     %s  %8.1f", f[F_NAME], f[F_DOMID], f[F_MEM], f[F_VCPUS],
	       f[F_STATE], atof(f[F_CPU]));
	/* No security modules here: every domain's label is "-". */
	if (o->verbose && reason >= 0)
		printf(" %s %8x %16s", f[F_UUID], (unsigned)reason, "-");
	else if (o->verbose)
		printf(" %s %8s %16s", f[F_UUID], "-", "-");
	printf("\n");
	return 0;
}

int xl_cmd_list(int argc, char **argv)
{
	struct list_out o = { .first = true };
	int c, rc;

	while ((c = getopt(argc, argv, "lv")) != -1) {
		if (c == 'l') {
			o.longfmt = true;
		} else if (c == 'v') {
			o.verbose = true;
		} else {
			fprintf(stderr, "usage: xl list [-l] [-v] [Domain...]\n");
			return 2;
		}
	}
	if (o.longfmt)
		printf("[\n");
	rc = each_record(argc, argv, optind, "list", list_one, &o);
	if (o.longfmt)
		printf("%s]\n", o.first ? "" : "\n");
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

static int uptime_one(char **f, void *arg)
{
	const int *short_mode = arg;
	char up[64];

	format_uptime(atof(f[F_UP]), *short_mode, up, sizeof(up));
	if (*short_mode)
		printf("up %s, %s (%s)\n", up, f[F_NAME], f[F_DOMID]);
	else
		printf("%-33s %4s %s\n", f[F_NAME], f[F_DOMID], up);
	return 0;
}

int xl_cmd_uptime(int argc, char **argv)
{
	int short_mode = 0, c;

	while ((c = getopt(argc, argv, "s")) != -1) {
		if (c != 's') {
			fprintf(stderr, "usage: xl uptime [-s] [Domain...]\n");
			return 2;
		}
		short_mode = 1;
	}
	if (!short_mode)
		printf("Name                                ID Uptime\n");
	return each_record(argc, argv, optind, "uptime", uptime_one, &short_mode);
}

/* xl vm-list: the guests (not Domain-0) by uuid, id and name. */
static int vm_one(char **f, void *arg)
{
	(void)arg;
	if (strcmp(f[F_DOMID], "0"))
		printf("%-36s %5s    %s\n", f[F_UUID], f[F_DOMID], f[F_NAME]);
	return 0;
}

int xl_cmd_vm_list(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: xl vm-list\n");
		return 2;
	}
	printf("UUID                                  ID    name\n");
	return each_record(argc, argv, 1, "vm-list", vm_one, NULL);
}
