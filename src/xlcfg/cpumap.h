/*
 * Sets of host CPUs as xl writes them: "all", "3", "0-3,6", "^1" (all but),
 * "0-7,^2-3". For vCPU affinity (xl.cfg cpus=, xl vcpu-pin).
 */
#ifndef XENKVM_CPUMAP_H
#define XENKVM_CPUMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPUMAP_MAX_CPUS 1024

struct cpumap {
	uint64_t w[CPUMAP_MAX_CPUS / 64];
};

/*
 * Parse s over a host of nr_cpus CPUs; 0, or -1 with a message in err (a
 * CPU the host does not have, a bad range, an empty set).
 */
int cpumap_parse(const char *s, unsigned nr_cpus, struct cpumap *m, char *err, size_t errlen);
/* "all" when m holds every one of nr_cpus, else ranges ("0-3,6"). */
void cpumap_format(const struct cpumap *m, unsigned nr_cpus, char *out, size_t size);
void cpumap_fill(struct cpumap *m, unsigned nr_cpus);
bool cpumap_test(const struct cpumap *m, unsigned cpu);

#endif
