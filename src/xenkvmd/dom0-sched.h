/*
 * xl sched-credit / sched-credit2 (dom0-sched.c): a domain's weight and cap
 * are its VMM's, set through a cgroup of its own under the cpu controller
 * (cgroup v2's cpu.weight and cpu.max, or v1's cpu.shares and CFS quota).
 */
#ifndef XENKVM_DOM0_SCHED_H
#define XENKVM_DOM0_SCHED_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct dom0;
struct domain;

/* Xen's credit and credit2 weight: 1 to 65535, 256 by default. */
#define SCHED_WEIGHT_DEFAULT 256u
#define SCHED_WEIGHT_MAX 65535u
/* CFS period the cap is a share of (cpu.max, cpu.cfs_period_us), in us. */
#define SCHED_PERIOD_US 100000u

/* A domain's weight as xl shows it (0 in the registry: never set). */
unsigned sched_weight_of(const struct domain *d);

/* cgroup v2 cpu.weight for Xen's weight: 256 is 100 (the default), within 1-10000. */
unsigned sched_cpu_weight(unsigned weight);
/* cgroup v1 cpu.shares: 256 is 1024 (the default). */
unsigned long sched_cpu_shares(unsigned weight);
/* cgroup v2 cpu.max for a cap in percent of one CPU: "max 100000" when 0. */
void sched_cpu_max(unsigned cap, char *out, size_t size);
/* cgroup v1 cpu.cfs_quota_us for a cap: -1 (none) when 0. */
long long sched_cfs_quota(unsigned cap);

/* A decimal number, maybe negative, as xl sends it; 0, or -1 if not one. */
int sched_parse_number(const char *s, long long *v);
/* Xen's ranges: weight 1-65535, cap 0 to 100 per vCPU; 0, or -1 with libxl's words. */
int sched_check_weight(long long weight, char *err, size_t errlen);
int sched_check_cap(long long cap, unsigned nr_vcpus, char *err, size_t errlen);

/* Where the cpu controller is mounted: v2 (unified) and v1; "" where none. */
struct sched_mounts {
	char v2[256];		/* a cgroup2 mount (controllers not checked) */
	char v1[256];		/* a cgroup (v1) mount with the cpu controller */
};
/* From the text of /proc/self/mountinfo. */
void sched_find_mounts(FILE *mountinfo, struct sched_mounts *m);

/* The controller the groups are made under: cgroup version 2 or 1, and its mount. */
struct sched_controller {
	int version;
	char mount[256];
};
/*
 * Process pid (all its threads) into the group <mount>/<base>/<leaf>, made
 * as needed (in v2 each parent hands down the cpu controller), with this
 * weight and cap. dir gets the group's path once it exists, so that a
 * failed write still leaves it to be removed. 0, or -1 with err.
 */
int sched_cgroup_put(const struct sched_controller *c, const char *base, const char *leaf,
		     pid_t pid, unsigned weight, unsigned cap, char *dir, size_t dirlen,
		     char *err, size_t errlen);

/* The domain is gone (its VMM reaped): its cgroup is removed. */
void dom0_sched_domain_gone(struct dom0 *z, struct domain *d);

#endif
