/*
 * xenkvmd: a domain's vCPUs. xl vcpu-set picks how many a PV guest keeps
 * online; each vCPU is a thread of its VMM, which says which (LINK_VCPU_THREAD),
 * so its affinity (cpus=, xl vcpu-pin) is the thread's and vcpu-list shows
 * where and how long it ran, from /proc.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/xlcfg/dom-spec.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/verbs.h"
#include "src/xenkvmd/dom0-xenstore.h"
#include "src/xenkvmd/proc-stat.h"

static unsigned host_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n < 1 ? 1 : n > CPUMAP_MAX_CPUS ? CPUMAP_MAX_CPUS : (unsigned)n;
}

int dom0_spec_affinity(const struct dom_spec *s, struct cpumap out[DOM_MAX_VCPUS], char *err,
		       size_t errlen)
{
	char why[200];

	for (unsigned i = 0; i < DOM_MAX_VCPUS; i++) {
		cpumap_fill(&out[i], host_cpus());
		if (s->cpus[i][0] && cpumap_parse(s->cpus[i], host_cpus(), &out[i], why,
						  sizeof(why))) {
			snprintf(err, errlen, "cpus: %s", why);
			for (unsigned j = 0; j < DOM_MAX_VCPUS; j++)
				cpumap_fill(&out[j], host_cpus());
			return -1;
		}
	}
	return 0;
}

static int apply(const struct domain *d, unsigned v)
{
	cpu_set_t set;

	if (!d->vcpu_tid[v])
		return 0;	/* taken when its thread starts */
	CPU_ZERO(&set);
	for (unsigned c = 0; c < CPU_SETSIZE && c < CPUMAP_MAX_CPUS; c++)
		if (cpumap_test(&d->affinity[v], c))
			CPU_SET(c, &set);
	return sched_setaffinity(d->vcpu_tid[v], sizeof(set), &set);
}

void dom0_vcpu_thread(struct domain *d, uint32_t vcpu, uint64_t tid)
{
	char path[64];

	/* Only a thread of this domain's own VMM is ever pinned. */
	snprintf(path, sizeof(path), "/proc/%d/task/%llu", (int)d->vmm_pid,
		 (unsigned long long)tid);
	if (vcpu >= d->maxvcpus || tid == 0 || tid > 0x7fffffff || d->vmm_pid <= 0 ||
	    access(path, F_OK)) {
		dom0_log("domain %u: VMM named thread %llu for vCPU %u; not one of its own",
			 d->domid, (unsigned long long)tid, vcpu);
		return;
	}
	d->vcpu_tid[vcpu] = (pid_t)tid;
	if (apply(d, vcpu))
		dom0_log("domain %u: vCPU %u affinity: %s", d->domid, vcpu, strerror(errno));
}

/*
 * A PV guest brings vCPUs online and takes them offline as its
 * cpu/N/availability nodes say (Linux watches them), as libxl sets them.
 */
void verb_vcpu_set(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct domain *d = dom0_want_domain(z, req, rep);
	uint64_t n;

	if (!d)
		return;
	if (dom0_parse_number(ctl_arg(req, 2), &n) || n == 0) {
		ctl_reply_error(rep, "EINVAL", "invalid number of vCPUs: %s",
				ctl_arg(req, 2) ? ctl_arg(req, 2) : "(none)");
		return;
	}
	if (n > d->maxvcpus) {
		ctl_reply_error(rep, "EINVAL", "domain %u has %u vCPUs (maxvcpus); %llu requested",
				d->domid, d->maxvcpus, (unsigned long long)n);
		return;
	}
	if (d->link_fd < 0) {
		ctl_reply_error(rep, "EINVAL", "domain %u (%s) is not running", d->domid, d->name);
		return;
	}
	d->vcpus = (unsigned)n;
	if (dom0_xs_vcpus_available(z, d)) {
		ctl_reply_error(rep, "EIO", "domain %u: cannot write cpu/N/availability", d->domid);
		return;
	}
	dom0_log("domain %u: %u of %u vCPUs to be online", d->domid, d->vcpus, d->maxvcpus);
	ctl_reply_ok(rep);
}

/*
 * xl vcpu-pin <Domain> <vCPU|all> <hard|-|all> [<soft|-|all>]: the hard
 * affinity is the threads'; Linux has no soft affinity to give, so only
 * "-" or "all" are taken for it.
 */
void verb_vcpu_pin(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct domain *d = dom0_want_domain(z, req, rep);
	const char *which = ctl_arg(req, 2), *hard = ctl_arg(req, 3), *soft = ctl_arg(req, 4);
	unsigned first = 0, last;
	uint64_t v = 0;
	struct cpumap m;
	char why[200];

	if (!d)
		return;
	last = d->maxvcpus - 1;
	if (!which || !hard || (strcmp(which, "all") &&
				(dom0_parse_number(which, &v) || v >= d->maxvcpus))) {
		ctl_reply_error(rep, "EINVAL", "invalid vCPU: %s (domain %u has vCPUs 0-%u)",
				which ? which : "(none)", d->domid, d->maxvcpus - 1);
		return;
	}
	if (soft && strcmp(soft, "-") && strcmp(soft, "all")) {
		ctl_reply_error(rep, "EOPNOTSUPP", "soft affinity is not supported: Linux "
				"schedules the vCPU threads; give - or all for it");
		return;
	}
	if (strcmp(which, "all"))
		first = last = (unsigned)v;
	if (!strcmp(hard, "-")) {
		ctl_reply_ok(rep);
		return;
	}
	if (cpumap_parse(hard, host_cpus(), &m, why, sizeof(why))) {
		ctl_reply_error(rep, "EINVAL", "hard affinity: %s", why);
		return;
	}
	for (unsigned i = first; i <= last; i++) {
		d->affinity[i] = m;
		if (apply(d, i)) {
			ctl_reply_error(rep, "EIO", "vCPU %u: %s", i, strerror(errno));
			return;
		}
	}
	dom0_log("domain %u: vCPU %s pinned to %s", d->domid, which, hard);
	ctl_reply_ok(rep);
}

/* Where a vCPU thread last ran, its state and CPU seconds; false if gone. */
static bool thread_stat(pid_t pid, pid_t tid, struct proc_stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	return proc_stat_read(path, st);
}

/* One record per vCPU: domid, name, vCPU, CPU, state, seconds, hard affinity. */
static void vcpu_records(struct ctl_msg *rep, const struct domain *d)
{
	char aff[256], cpu[16], secs[32];
	struct proc_stat st = { 0 };

	for (unsigned i = 0; i < d->maxvcpus; i++) {
		bool up = d->vcpus_up ? (i < 64 && (d->vcpus_up >> i & 1)) : i < d->vcpus;
		bool seen = d->vcpu_tid[i] && thread_stat(d->vmm_pid, d->vcpu_tid[i], &st);
		const char *flags = !up || d->state != DOM_RUNNING ? "--p"
				    : seen && st.state == 'R' ? "r--" : "-b-";

		cpumap_format(&d->affinity[i], host_cpus(), aff, sizeof(aff));
		snprintf(cpu, sizeof(cpu), seen && up ? "%d" : "-", st.processor);
		snprintf(secs, sizeof(secs), seen ? "%.1f" : "-", st.cpu_seconds);
		ctl_msg_addf(rep, "%u\t%s\t%u\t%s\t%s\t%s\t%s", d->domid, d->name, i, cpu, flags,
			     secs, aff);
	}
}

/* Domain-0 is the host: a vCPU per host CPU, each on its own CPU. */
static void dom0_vcpu_records(struct ctl_msg *rep)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	for (long i = 0; i < n; i++)
		ctl_msg_addf(rep, "0\tDomain-0\t%ld\t%ld\tr--\t-\tall", i, i);
}

void verb_vcpu_list(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	const char *only = ctl_arg(req, 1);
	struct domain *d = NULL;

	if (only && strcmp(only, "0") && strcmp(only, "Domain-0") &&
	    !(d = domains_lookup(&z->doms, only))) {
		ctl_reply_error(rep, "ESRCH", "invalid domain identifier: %s", only);
		return;
	}
	ctl_reply_ok(rep);
	if (!only || !d)
		dom0_vcpu_records(rep);
	for (struct domain *e = z->doms.head; e && (!only || d); e = e->next)
		if (!only || e == d)
			vcpu_records(rep, e);
}
