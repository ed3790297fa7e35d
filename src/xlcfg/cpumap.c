/* Host CPU sets in xl's notation (see cpumap.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/xlcfg/cpumap.h"

static void set(struct cpumap *m, unsigned cpu, bool on)
{
	if (on)
		m->w[cpu / 64] |= 1ull << (cpu % 64);
	else
		m->w[cpu / 64] &= ~(1ull << (cpu % 64));
}

bool cpumap_test(const struct cpumap *m, unsigned cpu)
{
	return cpu < CPUMAP_MAX_CPUS && (m->w[cpu / 64] >> (cpu % 64) & 1);
}

void cpumap_fill(struct cpumap *m, unsigned nr_cpus)
{
	memset(m, 0, sizeof(*m));
	for (unsigned c = 0; c < nr_cpus && c < CPUMAP_MAX_CPUS; c++)
		set(m, c, true);
}

/* A decimal CPU number at *p, moved past; -1 if none. */
static long number(const char **p)
{
	char *end;
	long v;

	if (**p < '0' || **p > '9')
		return -1;
	v = strtol(*p, &end, 10);
	*p = end;
	return v;
}

/* "N" or "N-M" at *p; 0 or -1. */
static int range(const char **p, long *lo, long *hi)
{
	*lo = *hi = number(p);
	if (*lo < 0)
		return -1;
	if (**p == '-') {
		(*p)++;
		*hi = number(p);
	}
	return *hi < *lo ? -1 : 0;
}

static int one_token(const char *tok, unsigned nr_cpus, struct cpumap *m, char *err,
		     size_t errlen)
{
	bool remove = tok[0] == '^';
	const char *p = tok + remove;
	long lo, hi;

	if (!strcmp(p, "all")) {
		for (unsigned c = 0; c < nr_cpus; c++)
			set(m, c, !remove);
		return 0;
	}
	if (!strncmp(p, "nodes:", 6)) {
		snprintf(err, errlen, "'%s': NUMA node sets are not supported; name CPUs", tok);
		return -1;
	}
	if (range(&p, &lo, &hi) || *p) {
		snprintf(err, errlen, "'%s' is not a CPU, a range N-M or all", tok);
		return -1;
	}
	if (hi >= CPUMAP_MAX_CPUS) {
		snprintf(err, errlen, "CPU %ld is past the %u CPUs xenkvm can pin to", hi,
			 CPUMAP_MAX_CPUS);
		return -1;
	}
	if (hi >= (long)nr_cpus) {
		snprintf(err, errlen, "CPU %ld is not in this host (it has CPUs 0-%u)", hi,
			 nr_cpus - 1);
		return -1;
	}
	for (long c = lo; c <= hi; c++)
		set(m, (unsigned)c, !remove);
	return 0;
}

static bool empty(const struct cpumap *m)
{
	for (size_t i = 0; i < sizeof(m->w) / sizeof(m->w[0]); i++)
		if (m->w[i])
			return false;
	return true;
}

int cpumap_parse(const char *s, unsigned nr_cpus, struct cpumap *m, char *err, size_t errlen)
{
	char buf[256], *save = NULL;

	memset(m, 0, sizeof(*m));
	if (nr_cpus > CPUMAP_MAX_CPUS)
		nr_cpus = CPUMAP_MAX_CPUS;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "CPU list too long");
		return -1;
	}
	strcpy(buf, s);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (one_token(tok, nr_cpus, m, err, errlen))
			return -1;
	if (empty(m)) {
		snprintf(err, errlen, "'%s' leaves no CPU to run on", s);
		return -1;
	}
	return 0;
}

void cpumap_format(const struct cpumap *m, unsigned nr_cpus, char *out, size_t size)
{
	struct cpumap all;
	size_t used = 0;

	cpumap_fill(&all, nr_cpus);
	if (!memcmp(&all, m, sizeof(all))) {
		snprintf(out, size, "all");
		return;
	}
	out[0] = 0;
	for (unsigned c = 0; c < CPUMAP_MAX_CPUS && used < size; c++) {
		unsigned end = c;
		int n;

		if (!cpumap_test(m, c))
			continue;
		while (end + 1 < CPUMAP_MAX_CPUS && cpumap_test(m, end + 1))
			end++;
		n = end > c ? snprintf(out + used, size - used, "%s%u-%u", used ? "," : "", c, end)
			    : snprintf(out + used, size - used, "%s%u", used ? "," : "", c);
		if (n < 0)
			break;
		used += (size_t)n;
		c = end;
	}
}
