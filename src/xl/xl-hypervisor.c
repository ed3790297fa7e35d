/*
 * xl verbs that speak to Xen itself: debug-keys, set-parameters and the
 * cpupool-* family. There is no Xen under xenkvm: Linux runs each domain's
 * VMM on any of the host's CPUs. So cpupool-list shows what Xen shows with
 * no pools configured (one pool, Pool-0, every CPU, every domain), and the
 * rest say in one line why they have nothing to act on, and fail.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "src/xl/xl.h"
#include "src/xlcfg/cpumap.h"

#define POOL0 "Pool-0"

int xl_cmd_debug_keys(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: xl debug-keys <Keys>\n");
		return 2;
	}
	fprintf(stderr, "xl debug-keys: there is no Xen hypervisor console here to send '%s' "
		"to: xenkvm runs the domains on Linux KVM (a guest's magic SysRq: xl sysrq; "
		"xenkvmd's log: xl dmesg)\n", argv[1]);
	return 1;
}

int xl_cmd_set_parameters(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: xl set-parameters <Params>\n");
		return 2;
	}
	fprintf(stderr, "xl set-parameters: there are no Xen hypervisor parameters here to set "
		"'%s' in: xenkvm runs the domains on Linux KVM, which the host kernel's own "
		"settings govern\n", argv[1]);
	return 1;
}

/* The CPUs Linux has online, as Xen's pool would hold them; nr: how many it may have. */
static void host_cpus(struct cpumap *m, unsigned *nr)
{
	char line[4096], why[200];
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	bool ok = false;

	*nr = conf < 1 ? 1 : conf > CPUMAP_MAX_CPUS ? CPUMAP_MAX_CPUS : (unsigned)conf;
	if (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		ok = cpumap_parse(line, *nr, m, why, sizeof(why)) == 0;
	}
	if (f)
		fclose(f);
	if (!ok)
		cpumap_fill(m, *nr);	/* no sysfs: every CPU there is */
}

static bool is_pool0(const char *pool)
{
	return !strcmp(pool, POOL0) || !strcmp(pool, "0");
}

/* xl cpupool-list [-c|--cpus] [<CPU Pool>], in Xen's layout. */
int xl_cmd_cpupool_list(int argc, char **argv)
{
	const char *pool = NULL;
	bool list_cpus = false;
	struct cpumap cpus;
	struct ctl_msg rep;
	unsigned nr, n = 0, domains;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--cpus"))
			list_cpus = true;
		else if (argv[i][0] != '-' && !pool)
			pool = argv[i];
		else {
			fprintf(stderr, "usage: xl cpupool-list [-c|--cpus] [<CPU Pool>]\n");
			return 2;
		}
	}
	if (pool && !is_pool0(pool)) {
		fprintf(stderr, "Pool '%s' does not exist\n", pool);
		return 1;
	}
	host_cpus(&cpus, &nr);
	if (xl_call(&rep, "list", NULL)) {
		int rc = rep.n ? xl_report(&rep, "cpupool-list") : 1;

		ctl_msg_free(&rep);
		return rc;
	}
	domains = rep.n - 1;	/* Domain-0 among them, as in Xen's count */
	ctl_msg_free(&rep);
	printf("%-19s", "Name");
	printf(list_cpus ? "CPU list\n" : "CPUs   Sched     Active   Domain count\n");
	printf("%-19s", POOL0);
	for (unsigned c = 0; c < nr; c++) {
		if (!cpumap_test(&cpus, c))
			continue;
		if (list_cpus)
			printf("%s%u", n ? "," : "", c);
		n++;
	}
	/* The scheduler is Linux's, as xl info's xen_scheduler says. */
	if (!list_cpus)
		printf("%3u %9s       y       %4u", n, "kvm", domains);
	printf("\n");
	return 0;
}

/*
 * cpupool-create, -destroy, -rename, -cpu-add, -cpu-remove, -migrate and
 * -numa-split: argv[0] is the verb.
 */
int xl_cmd_cpupool_unsupported(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "xl %s: CPU pools are not supported by xenkvm: Linux schedules every "
		"domain's VMM on the host's CPUs, which make the one pool, " POOL0 " (to keep a "
		"domain to some CPUs: cpus= in xl.cfg, or xl vcpu-pin)\n", argv[0]);
	return 1;
}
