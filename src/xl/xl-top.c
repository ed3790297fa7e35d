/*
 * xl top: xentop's table of every domain - CPU seconds and share, memory,
 * vCPUs, network and disk counts - redrawn every few seconds, or printed
 * as it comes with -b (batch), -i times. CPU(%) is over the last interval
 * (0 the first time, as in xentop).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "src/xl/xl.h"

enum { T_NAME, T_FLAGS, T_CPU, T_MEM, T_MAXMEM, T_VCPUS, T_NETS, T_TX, T_RX, T_VBDS, T_OO,
       T_RD, T_WR, T_RSECT, T_WSECT, T_COUNT };

#define MAX_SEEN 256

struct seen {
	char name[64];
	double cpu;
};

struct top {
	bool batch;
	double delay;
	long iterations;	/* < 0: until interrupted */
	struct seen last[MAX_SEEN];
	unsigned nlast;
	double last_time;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Share of one CPU since the last table, from the CPU seconds then. */
static double cpu_share(const struct top *t, const char *name, double cpu, double elapsed)
{
	for (unsigned i = 0; i < t->nlast; i++)
		if (!strcmp(t->last[i].name, name) && elapsed > 0 && cpu >= t->last[i].cpu)
			return (cpu - t->last[i].cpu) / elapsed * 100.0;
	return 0;
}

static void print_row(char **f, double share, double host_kb)
{
	unsigned long long mem = strtoull(f[T_MEM], NULL, 10), max = strtoull(f[T_MAXMEM], NULL, 10);
	char maxs[24] = "no limit", maxp[16] = "n/a";

	if (max) {
		snprintf(maxs, sizeof(maxs), "%llu", max);
		snprintf(maxp, sizeof(maxp), "%.1f", max / host_kb * 100.0);
	}
	printf("%10.10s %6s %10.0f %6.1f %10llu %6.1f %10s %9s %5s %4s %8s %8s %4s %8s %8s %8s "
	       "%10s %10s %4d\n", f[T_NAME], f[T_FLAGS], atof(f[T_CPU]), share, mem,
	       mem / host_kb * 100.0, maxs, maxp, f[T_VCPUS], f[T_NETS], f[T_TX], f[T_RX],
	       f[T_VBDS], f[T_OO], f[T_RD], f[T_WR], f[T_RSECT], f[T_WSECT], 0);
}

static int one_table(struct top *t)
{
	struct ctl_msg rep;
	double when = now(), elapsed = t->nlast ? when - t->last_time : 0, host_kb;
	struct seen next[MAX_SEEN];
	unsigned n = 0;
	char *h[3];

	if (xl_call(&rep, "top", NULL))
		return rep.n ? xl_report(&rep, "top") : 1;
	if (rep.n < 2 || xl_split(rep.field[1], h, 3) != 3 || (host_kb = atof(h[1])) <= 0) {
		fprintf(stderr, "xl top: malformed reply from xenkvmd\n");
		ctl_msg_free(&rep);
		return 1;
	}
	if (!t->batch)
		printf("\033[H\033[2J");
	printf("      NAME  STATE   CPU(sec) CPU(%%)     MEM(k) MEM(%%)  MAXMEM(k) MAXMEM(%%) "
	       "VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  "
	       "VBD_WSECT SSID\n");
	for (unsigned r = 2; r < rep.n; r++) {
		char *f[T_COUNT];
		double cpu;

		if (xl_split(rep.field[r], f, T_COUNT) != T_COUNT)
			continue;
		cpu = atof(f[T_CPU]);
		print_row(f, cpu_share(t, f[T_NAME], cpu, elapsed), host_kb);
		if (n < MAX_SEEN) {
			snprintf(next[n].name, sizeof(next[n].name), "%s", f[T_NAME]);
			next[n++].cpu = cpu;
		}
	}
	fflush(stdout);
	memcpy(t->last, next, n * sizeof(next[0]));
	t->nlast = n;
	t->last_time = when;
	ctl_msg_free(&rep);
	return 0;
}

static int options(int argc, char **argv, struct top *t)
{
	int c;
	char *end;

	*t = (struct top){ .delay = 3, .iterations = -1 };
	while ((c = getopt(argc, argv, "bd:i:")) != -1) {
		if (c == 'b') {
			t->batch = true;
		} else if (c == 'd') {
			t->delay = strtod(optarg, &end);
			if (*end || !(t->delay > 0))
				return -1;
		} else if (c == 'i') {
			t->iterations = strtol(optarg, &end, 10);
			if (*end || t->iterations < 1)
				return -1;
		} else {
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

int xl_cmd_top(int argc, char **argv)
{
	struct top t;

	if (options(argc, argv, &t)) {
		fprintf(stderr, "usage: xl top [-b] [-d SECONDS] [-i ITERATIONS]\n");
		return 2;
	}
	for (long i = 0; t.iterations < 0 || i < t.iterations; i++) {
		struct timespec ts = { (time_t)t.delay, (long)((t.delay - (time_t)t.delay) * 1e9) };

		if (i)
			nanosleep(&ts, NULL);
		if (one_table(&t))
			return 1;
	}
	return 0;
}
