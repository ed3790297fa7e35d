/*
 * xenkvmd's answer to xl top: what xentop shows of each domain - CPU
 * seconds, memory, vCPUs, its vifs' traffic and its vbds' requests - for
 * xl to turn into rates between two calls.
 */
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>
#include "devices/vbd-service.h"
#include "devices/vif-ring.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/verbs.h"
#include "src/xenkvmd/dom0-vbd.h"
#include "src/xenkvmd/dom0-vif.h"

/* xentop's state letters: dying, shutdown, blocked, crashed, paused, running. */
static void xentop_flags(const struct domain *d, char out[7])
{
	char f[7];

	dom_state_flags(d, f);	/* xl list's order: r b p s c d */
	snprintf(out, 7, "%c%c%c%c%c%c", f[5], f[3], f[1], f[4], f[2], f[0]);
}

/*
 * One record per domain: name, flags, CPU seconds, memory KiB, maximum KiB
 * (0: none), vCPUs, vifs, KiB sent, KiB received, vbds, requests that
 * waited, reads, writes, sectors read, sectors written.
 */
static void add_record(struct dom0 *z, struct ctl_msg *rep, const struct domain *d)
{
	struct vbd_stats b = { 0 };
	struct vif_stats n = { 0 };
	unsigned vbds = dom0_vbd_stats(z, d, &b), vifs = dom0_vif_stats(z, d, &n);
	double cpu = d->vmm_pid > 0 ? dom0_cpu_seconds(d->vmm_pid) : 0.0;
	char flags[7];

	xentop_flags(d, flags);
	ctl_msg_addf(rep, "%s\t%s\t%.1f\t%llu\t%llu\t%u\t%u\t%llu\t%llu\t%u\t%llu\t%llu\t%llu\t"
		     "%llu\t%llu", d->name, flags, cpu,
		     (unsigned long long)dom_current_kb(d), (unsigned long long)d->max_kb,
		     dom_vcpus_online(d), vifs, (unsigned long long)n.tx_bytes >> 10,
		     (unsigned long long)n.rx_bytes >> 10, vbds, (unsigned long long)b.oo_req,
		     (unsigned long long)b.rd_req, (unsigned long long)b.wr_req,
		     (unsigned long long)b.rd_sect, (unsigned long long)b.wr_sect);
}

/* top: first "host\t<memory KiB>\t<CPUs>", then Domain-0 (the host) and each domain. */
void verb_top(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct sysinfo si;
	struct domain dom0 = { .domid = 0, .state = DOM_RUNNING, .shutdown_reason = -1 };

	(void)req;
	sysinfo(&si);
	ctl_reply_ok(rep);
	ctl_msg_addf(rep, "host\t%llu\t%ld", (unsigned long long)si.totalram * si.mem_unit >> 10,
		     sysconf(_SC_NPROCESSORS_ONLN));
	snprintf(dom0.name, sizeof(dom0.name), "Domain-0");
	dom0.memory_mb = (unsigned)((uint64_t)si.totalram * si.mem_unit >> 20);
	dom0.vcpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	dom0.vmm_pid = getpid();
	add_record(z, rep, &dom0);
	for (struct domain *d = z->doms.head; d; d = d->next)
		add_record(z, rep, d);
}
