/* xenkvmd: one function per control verb. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "src/xlcfg/cpumap.h"
#include "src/xlcfg/dom-spec.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/verbs.h"
#include "src/xenkvmd/dom0-config.h"
#include "src/xenkvmd/dom0-xenstore.h"
#include "src/xenkvmd/proc-stat.h"
#include "vmm/host-cpuid.h"
#include "vmm/probe.h"

void ctl_reply_error(struct ctl_msg *rep, const char *err, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctl_msg_free(rep);
	ctl_msg_addf(rep, "error");
	ctl_msg_addf(rep, "%s", err);
	ctl_msg_addf(rep, "%s", buf);
}

void ctl_reply_ok(struct ctl_msg *rep)
{
	ctl_msg_free(rep);
	ctl_msg_addf(rep, "ok");
}

/* Domain-0 is not in the registry: requests name it by id or name. */
static bool names_dom0(const char *id)
{
	return !strcmp(id, "0") || !strcmp(id, "Domain-0");
}

struct domain *dom0_want_domain(struct dom0 *z, const struct ctl_msg *req,
				 struct ctl_msg *rep)
{
	const char *id = ctl_arg(req, 1);
	struct domain *d = id ? domains_lookup(&z->doms, id) : NULL;

	if (!id)
		ctl_reply_error(rep, "EINVAL", "missing domain argument");
	else if (!id[0] || (!d && !strcmp(id, "0")))
		ctl_reply_error(rep, "EPERM", "operation not permitted on Domain-0");
	else if (!d)
		ctl_reply_error(rep, "ESRCH", "invalid domain identifier: %s", id);
	return d;
}

double dom0_cpu_seconds(pid_t pid)
{
	struct proc_stat st;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return proc_stat_read(path, &st) ? st.cpu_seconds : 0;
}

/*
 * One tab-separated record per domain: domid, name, uuid, memory MiB, vCPUs
 * online, state flags, CPU seconds, uptime seconds, shutdown reason, console
 * log, vCPUs in all, and which are online (a hex mask).
 */
static void add_domain_record(struct ctl_msg *rep, const struct domain *d, pid_t cpu_pid)
{
	char flags[7], uuid[37];
	double up = (double)(dom_now_ns() - d->start_ns) / 1e9;

	dom_state_flags(d, flags);
	dom_uuid_format(d->uuid, uuid);
	uint64_t mask = d->vcpus_up ? d->vcpus_up
				    : d->vcpus >= 64 ? ~0ull : (1ull << d->vcpus) - 1;

	ctl_msg_addf(rep, "%u\t%s\t%s\t%llu\t%u\t%s\t%.1f\t%.1f\t%d\t%s\t%u\t%llx", d->domid,
		     d->name, uuid, (unsigned long long)dom_current_kb(d) >> 10,
		     dom_vcpus_online(d), flags, cpu_pid > 0 ? dom0_cpu_seconds(cpu_pid) : 0.0, up,
		     d->shutdown_reason, d->console_log, d->maxvcpus > d->vcpus ? d->maxvcpus
										 : d->vcpus,
		     (unsigned long long)mask);
}

static void add_dom0_record(struct ctl_msg *rep)
{
	struct sysinfo si;
	struct domain dom0 = { .domid = 0, .state = DOM_RUNNING, .shutdown_reason = -1 };

	snprintf(dom0.name, sizeof(dom0.name), "Domain-0");
	sysinfo(&si);
	dom0.memory_mb = (unsigned)((uint64_t)si.totalram * si.mem_unit >> 20);
	dom0.vcpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	dom0.start_ns = dom_now_ns() - (uint64_t)si.uptime * 1000000000ull;
	add_domain_record(rep, &dom0, getpid());
}

void verb_list(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	const char *only = ctl_arg(req, 1);

	ctl_reply_ok(rep);
	if (!only || names_dom0(only))
		add_dom0_record(rep);
	if (only && names_dom0(only))
		return;
	for (struct domain *d = z->doms.head; d; d = d->next) {
		if (only && d != domains_lookup(&z->doms, only))
			continue;
		add_domain_record(rep, d, d->vmm_pid);
	}
	if (only && rep->n == 1)
		ctl_reply_error(rep, "ESRCH", "invalid domain identifier: %s", only);
}

void verb_destroy(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct domain *d = dom0_want_domain(z, req, rep);

	if (!d)
		return;
	dom0_destroy(z, d);
	ctl_reply_ok(rep);
}

static void pause_or_unpause(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep,
		     bool pause)
{
	struct domain *d = dom0_want_domain(z, req, rep);

	if (!d)
		return;
	if (!d->vmm_pid || (d->state != DOM_RUNNING && d->state != DOM_PAUSED)) {
		ctl_reply_error(rep, "EINVAL", "domain %u is %s", d->domid,
				dom_state_name(d->state));
		return;
	}
	/* The whole VMM stops: vCPUs, its timers, its device threads. */
	if (kill(d->vmm_pid, pause ? SIGSTOP : SIGCONT) < 0) {
		ctl_reply_error(rep, "EIO", "cannot signal the VMM: %s", strerror(errno));
		return;
	}
	d->state = pause ? DOM_PAUSED : DOM_RUNNING;
	dom0_log("domain %u (%s) %s", d->domid, d->name, pause ? "paused" : "unpaused");
	ctl_reply_ok(rep);
}

/* config <domain>: its configuration as xl list -l shows it (JSON). */
void verb_config(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	const char *id = ctl_arg(req, 1);
	struct domain *d = NULL;
	char *json;

	if (!id || !names_dom0(id)) {
		d = dom0_want_domain(z, req, rep);
		if (!d)
			return;
	}
	json = dom0_config_json(z, d);
	if (!json) {
		ctl_reply_error(rep, "ENOMEM", "out of memory");
		return;
	}
	ctl_reply_ok(rep);
	ctl_msg_add(rep, json, strlen(json));
	free(json);
}

/* rename <domain> <new name>: the registry, xenstore and a later restart follow. */
void verb_rename(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct domain *d = dom0_want_domain(z, req, rep);
	const char *name = ctl_arg(req, 2);
	char old[DOM_NAME_MAX];

	if (!d)
		return;
	snprintf(old, sizeof(old), "%s", d->name);
	if (!name || domains_rename(&z->doms, d, name)) {
		if (name && errno == EEXIST)
			ctl_reply_error(rep, "EEXIST", "domain with name \"%s\" already exists",
					name);
		else
			ctl_reply_error(rep, "EINVAL", "bad domain name \"%s\"", name ? name : "");
		return;
	}
	if (d->spec)
		snprintf(d->spec->name, sizeof(d->spec->name), "%s", d->name);
	if (dom0_xs_domain_renamed(z, d, d->uuid))
		dom0_log("domain %u: could not rename its xenstore nodes", d->domid);
	dom0_log("domain %u (%s) renamed %s", d->domid, old, d->name);
	ctl_reply_ok(rep);
}

static void ask_guest(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep,
			bool reboot)
{
	struct domain *d = dom0_want_domain(z, req, rep);
	char path[96];

	if (!d)
		return;
	/* A request to the guest through xenstore, as Xen's toolstack makes it. */
	if (!d->ram || d->state != DOM_RUNNING) {
		ctl_reply_error(rep, "EOPNOTSUPP", "PV control interface not available for "
				"domain %u", d->domid);
		return;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", d->domid);
	if (dom0_xs_write(z, path, reboot ? "reboot" : "poweroff")) {
		ctl_reply_error(rep, "EIO", "cannot write %s", path);
		return;
	}
	dom0_log("domain %u (%s): asked to %s", d->domid, d->name,
		 reboot ? "reboot" : "power off");
	ctl_reply_ok(rep);
}

/* sysrq <domain> <key>: control/sysrq, which Linux's xenbus driver acts on. */
void verb_sysrq(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct domain *d = dom0_want_domain(z, req, rep);
	const char *key = ctl_arg(req, 2);
	char path[96];

	if (!d)
		return;
	if (!key || strlen(key) != 1 || key[0] <= ' ' || key[0] > '~') {
		ctl_reply_error(rep, "EINVAL", "a sysrq key is one letter, not \"%s\"",
				key ? key : "");
		return;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/control/sysrq", d->domid);
	if (dom0_xs_write(z, path, key)) {
		ctl_reply_error(rep, "EIO", "cannot write %s", path);
		return;
	}
	dom0_log("domain %u (%s): sysrq %s", d->domid, d->name, key);
	ctl_reply_ok(rep);
}

/* How many CPUs a sysfs CPU list file names ("0-3,8"), or 0. */
static unsigned cpus_listed(const char *path)
{
	char buf[512], err[64];
	struct cpumap m;
	unsigned n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	if (cpumap_parse(buf, CPUMAP_MAX_CPUS, &m, err, sizeof(err)))
		return 0;
	for (unsigned c = 0; c < CPUMAP_MAX_CPUS; c++)
		n += cpumap_test(&m, c);
	return n;
}

/* The host's CPU topology and speed, in xl info's fields for Xen's. */
static void add_cpu_info(struct ctl_msg *rep)
{
	unsigned threads = cpus_listed("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list");
	unsigned package = cpus_listed("/sys/devices/system/cpu/cpu0/topology/core_siblings_list");
	long nodes = 0;
	double mhz = 0;
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && !mhz && fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) != 1)
			mhz = 0;
	if (f)
		fclose(f);
	while (nodes < 1024) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%ld", nodes);
		if (access(path, F_OK))
			break;
		nodes++;
	}
	ctl_msg_addf(rep, "max_cpu_id\t%ld", sysconf(_SC_NPROCESSORS_CONF) - 1);
	ctl_msg_addf(rep, "nr_nodes\t%ld", nodes ? nodes : 1);
	ctl_msg_addf(rep, "cores_per_socket\t%u", threads ? package / threads : 1);
	ctl_msg_addf(rep, "threads_per_core\t%u", threads ? threads : 1);
	ctl_msg_addf(rep, "cpu_mhz\t%.3f", mhz);
}

/*
 * hw_caps as Xen prints it (the host's first eight featureset words), and
 * the features a new PV and HVM guest gets under the default policy.
 */
static void add_cpu_policy_info(struct ctl_msg *rep)
{
	struct cpuid_table *host = calloc(1, sizeof(*host)), *pol = calloc(1, sizeof(*pol));
	static const enum cpu_guest_type types[2] = { CPU_GUEST_PV, CPU_GUEST_HVM };
	static const char *const keys[2] = { "pv_cpu_features", "hvm_cpu_features" };
	char names[2048], err[256];
	uint32_t w[8];
	bool from_kvm;

	if (!host || !pol || vmm_host_cpuid(host, &from_kvm))
		goto out;
	for (unsigned i = 0; i < 8; i++) {
		const struct cpu_feature_word *fw = &cpu_feature_words[i];
		const uint32_t *r = cpuid_table_find(host, fw->leaf, fw->subleaf);

		w[i] = r ? r[fw->reg] : 0;
	}
	ctl_msg_addf(rep, "hw_caps\t%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x",
		     w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
	for (unsigned i = 0; i < 2; i++) {
		if (cpu_policy_compute(host, types[i], NULL, pol, err, sizeof(err)))
			continue;
		cpu_policy_feature_names(pol, names, sizeof(names));
		ctl_msg_addf(rep, "%s\t%s%s", keys[i], names,
			     from_kvm ? "" : " (from the host's CPUID: no /dev/kvm)");
	}
out:
	free(host);
	free(pol);
}

/* How each guest type's hypercalls reach xenkvm on this host (docs/design.md). */
static void add_doors(struct ctl_msg *rep)
{
	static const char *const pvh[] = {
		"none (no /dev/kvm)", "1 (hypercall page)",
		"2 (VMCALL/VMMCALL through KVM's Xen support)",
	};

	ctl_msg_addf(rep, "hypercall_doors\tpv: 3 (PV runtime), pvh: %s", pvh[vmm_pvh_door()]);
}

void verb_info(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	struct utsname u;
	struct sysinfo si;
	unsigned long used = 0;

	(void)req;
	uname(&u);
	sysinfo(&si);
	for (struct domain *d = z->doms.head; d; d = d->next)
		used += dom_current_kb(d) >> 10;
	ctl_reply_ok(rep);
	ctl_msg_addf(rep, "host\t%s", u.nodename);
	ctl_msg_addf(rep, "release\t%s", u.release);
	ctl_msg_addf(rep, "version\t%s", u.version);
	ctl_msg_addf(rep, "machine\t%s", u.machine);
	ctl_msg_addf(rep, "nr_cpus\t%ld", sysconf(_SC_NPROCESSORS_ONLN));
	add_cpu_info(rep);
	add_cpu_policy_info(rep);
	ctl_msg_addf(rep, "total_memory\t%llu",
		     (unsigned long long)si.totalram * si.mem_unit >> 20);
	ctl_msg_addf(rep, "free_memory\t%llu",
		     (unsigned long long)si.freeram * si.mem_unit >> 20);
	ctl_msg_addf(rep, "domu_memory\t%lu", used);
	ctl_msg_addf(rep, "xen_major\t4");
	ctl_msg_addf(rep, "xen_minor\t17");
	ctl_msg_addf(rep, "xen_extra\t.0-xenkvm");
	ctl_msg_addf(rep, "xen_version\t4.17.0-xenkvm");
	ctl_msg_addf(rep, "xen_caps\txen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64");
	ctl_msg_addf(rep, "xen_scheduler\tkvm");
	add_doors(rep);
	ctl_msg_addf(rep, "xen_pagesize\t4096");
	ctl_msg_addf(rep, "xen_commandline\t");
	ctl_msg_addf(rep, "xenkvmd_rundir\t%s", z->rundir);
}

/*
 * dmesg [clear]: the log since the last clear (xl dmesg -c), at most its
 * last 64 KiB. Clearing hides what was shown; the file keeps it all.
 */
void verb_dmesg(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	char path[256], *buf;
	long n, from;
	FILE *f;

	dom0_path(z, path, sizeof(path), "xenkvmd.log");
	f = fopen(path, "r");
	if (!f) {
		ctl_reply_error(rep, "ENOENT", "no daemon log at %s", path);
		return;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	from = z->dmesg_mark <= n ? z->dmesg_mark : 0;	/* a log cut short starts over */
	if (n - from > 65536)
		from = n - 65536;
	fseek(f, from, SEEK_SET);
	n -= from;
	if (ctl_arg(req, 1) && !strcmp(ctl_arg(req, 1), "clear"))
		z->dmesg_mark = from + n;
	buf = malloc((size_t)n + 1);
	n = buf ? (long)fread(buf, 1, (size_t)n, f) : 0;
	fclose(f);
	ctl_reply_ok(rep);
	ctl_msg_add(rep, buf ? buf : "", (size_t)n);
	free(buf);
}

void verb_create(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	/* create <cfg-name> <cfg-text> <paused 0|1> [key=value overrides...] */
	if (req->n < 4) {
		ctl_reply_error(rep, "EINVAL", "create needs a config name, text and flags");
		return;
	}
	dom0_create(z, req->field[1], req->field[2], req, 4, !strcmp(req->field[3], "1"), rep);
}

void verb_pause(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	pause_or_unpause(z, req, rep, true);
}

void verb_unpause(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	pause_or_unpause(z, req, rep, false);
}

void verb_shutdown(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	ask_guest(z, req, rep, false);
}

void verb_reboot(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	ask_guest(z, req, rep, true);
}
