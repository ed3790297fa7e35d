/*
 * xl sched-credit and sched-credit2: a domain's weight and cap, with Xen's
 * options and table. Linux, not a Xen scheduler, runs the domains' VMMs, so
 * both verbs set and show the same two numbers (xenkvmd turns them into the
 * VMM's cgroup cpu weight and quota); the pool-wide parameters of Xen's
 * schedulers (-s: time slice, rate limit, migration delay) have nothing to
 * act on and are refused saying so.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "src/xl/xl.h"

#define POOL0 "Pool-0"

static const char *verb_name(bool credit2)
{
	return credit2 ? "sched-credit2" : "sched-credit";
}

static void usage(FILE *f, bool credit2)
{
	fprintf(f, "usage: xl %s [-d <Domain> [-w WEIGHT] [-c CAP]] [-p CPUPOOL]%s\n"
		"  -d DOMAIN, --domain=DOMAIN   domain to show or change\n"
		"  -w WEIGHT, --weight=WEIGHT   its weight, 1 to 65535 (default 256)\n"
		"  -c CAP, --cap=CAP            its cap, percent of one CPU (0: none)\n"
		"  -p CPUPOOL, --cpupool=CPUPOOL  only that pool (there is one, " POOL0 ")\n"
		"  -s, --schedparam             pool-wide parameters: none apply here\n",
		verb_name(credit2), credit2 ? " [-s [-r RLIMIT]]" : " [-s [-t TSLICE] [-r RLIMIT] "
		"[-m DELAY]]");
}

/* The one pool, by name or id, as libxl takes a cpupool qualifier. */
static bool is_pool0(const char *pool)
{
	return !strcmp(pool, POOL0) || !strcmp(pool, "0");
}

int xl_sched_parse(int argc, char **argv, bool credit2, struct xl_sched_opts *o, char *err,
		   size_t errlen)
{
	static const struct option longopts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "weight", required_argument, NULL, 'w' },
		{ "cap", required_argument, NULL, 'c' },
		{ "schedparam", no_argument, NULL, 's' },
		{ "tslice_ms", required_argument, NULL, 't' },
		{ "ratelimit_us", required_argument, NULL, 'r' },
		{ "migration_delay_us", required_argument, NULL, 'm' },
		{ "cpupool", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *shortopts = credit2 ? "d:w:c:p:r:sh" : "d:w:c:p:t:r:m:sh";
	bool pool_values = false;
	int c;

	*o = (struct xl_sched_opts){ 0 };
	err[0] = 0;
	optind = 0;	/* glibc: start over (the unit tests parse many times) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dom = optarg; break;
		case 'w': o->weight = optarg; break;
		case 'c': o->cap = optarg; break;
		case 'p': o->pool = optarg; break;
		case 's': o->schedparam = true; break;
		case 't': case 'r': case 'm': pool_values = true; break;
		case 'h': o->help = true; return 0;
		default:
			snprintf(err, errlen, "xl %s: unknown option or missing value: %s",
				 verb_name(credit2), argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "xl %s: unexpected argument '%s'", verb_name(credit2),
			 argv[optind]);
		return 2;
	}
	/* Xen's xl's checks and words, in its order. */
	if (!credit2 && (o->pool || o->schedparam) && (o->dom || o->weight || o->cap)) {
		snprintf(err, errlen, "Specifying a cpupool or schedparam is not allowed with "
			 "domain options.");
		return 1;
	}
	if (credit2 && o->pool && (o->dom || o->weight || o->cap)) {
		snprintf(err, errlen, "Specifying a cpupool is not allowed with other options.");
		return 1;
	}
	if (!o->dom && (o->weight || o->cap)) {
		snprintf(err, errlen, "Must specify a domain.");
		return 1;
	}
	if (!credit2 && !o->schedparam && pool_values) {
		snprintf(err, errlen, "Must specify schedparam to set schedule parameter values.");
		return 1;
	}
	if (o->pool && !is_pool0(o->pool)) {
		snprintf(err, errlen, "unknown cpupool '%s' (xenkvm has one pool, " POOL0 ")",
			 o->pool);
		return 1;
	}
	if (o->schedparam) {
		snprintf(err, errlen, "xl %s -s: the %s scheduler's pool-wide parameters (%s) do "
			 "not apply here: Linux schedules the domains' VMMs; each domain's weight "
			 "(-w) and cap (-c) do", verb_name(credit2), credit2 ? "credit2" : "credit",
			 credit2 ? "rate limit" : "time slice, rate limit, migration delay");
		return 1;
	}
	return 0;
}

enum { S_DOMID, S_NAME, S_WEIGHT, S_CAP, S_COUNT };

static void print_header(void)
{
	printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
}

/* The records of a reply as Xen's table rows. */
static void print_rows(struct ctl_msg *rep)
{
	for (unsigned r = 1; r < rep->n; r++) {
		char *f[S_COUNT];

		if (xl_split(rep->field[r], f, S_COUNT) == S_COUNT)
			printf("%-33s %4s %6s %4s\n", f[S_NAME], f[S_DOMID], f[S_WEIGHT], f[S_CAP]);
	}
}

static int sched_main(int argc, char **argv, bool credit2)
{
	struct xl_sched_opts o;
	struct ctl_msg rep;
	char err[512];
	int rc = xl_sched_parse(argc, argv, credit2, &o, err, sizeof(err));

	if (o.help) {
		usage(stdout, credit2);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "%s\n", err);
		if (rc == 2)
			usage(stderr, credit2);
		return rc;
	}
	if (o.weight || o.cap) {
		rc = xl_call(&rep, "sched-credit", o.dom, o.weight ? o.weight : "-",
			     o.cap ? o.cap : "-", NULL);
		if (rc)
			rc = rep.n ? xl_report(&rep, verb_name(credit2)) : 1;
		ctl_msg_free(&rep);
		return rc;
	}
	if (xl_call(&rep, "sched-credit", o.dom, NULL)) {
		rc = rep.n ? xl_report(&rep, verb_name(credit2)) : 1;
		ctl_msg_free(&rep);
		return rc;
	}
	/* Xen names the pool before listing its domains; its parameters: none here. */
	if (!o.dom)
		printf("Cpupool " POOL0 ": [sched params unavailable]\n");
	print_header();
	print_rows(&rep);
	ctl_msg_free(&rep);
	return 0;
}

int xl_cmd_sched_credit(int argc, char **argv)
{
	return sched_main(argc, argv, false);
}

int xl_cmd_sched_credit2(int argc, char **argv)
{
	return sched_main(argc, argv, true);
}
