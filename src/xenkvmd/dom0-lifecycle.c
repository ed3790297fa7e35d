/* xenkvmd: creating domains (one xenkvm-vmm process each), destroying, reaping. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "src/xlcfg/dom-spec.h"
#include "src/xenkvmd/backend.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/dom0-console.h"
#include "src/xenkvmd/dom0-dumpcore.h"
#include "src/xenkvmd/dom0-idc.h"
#include "src/xenkvmd/dom0-sched.h"
#include "src/xenkvmd/dom0-vbd.h"
#include "src/xenkvmd/dom0-vif.h"
#include "src/xenkvmd/dom0-xenstore.h"

/* Exit statuses of xenkvm-vmm (see vmm/main.c and man/xenkvmd.8). */
#define VMM_EXIT_POWEROFF 0
#define VMM_EXIT_REBOOT   2
#define VMM_EXIT_CRASH    3
#define VMM_EXIT_WATCHDOG 4
#define VMM_EXIT_SUSPEND  5

/* The VMM finds its end of the xenkvmd link at this descriptor. */
#define LINK_FD 3
#define LINK_FD_STR "3"
/*
 * How long xl create waits for the VMM to say hello (KVM opened, memory
 * and the PV kernel laid out: well under a second, ASan builds included).
 */
#define VMM_HELLO_TIMEOUT_MS 30000

/* Drop a domain from the registry and from xenstore. */
static void forget(struct dom0 *z, struct domain *d)
{
	dom0_answer_create(d, "the domain was destroyed before it was built");
	backend_domain_gone(z, d);
	dom0_idc_domain_gone(z, d);
	dom0_sched_domain_gone(z, d);
	dom0_xs_domain_gone(z, d);
	dom0_link_unmap(d);
	dom0_bootload_gone(z, d);
	domains_remove(&z->doms, d);
}

static pid_t spawn_vmm(struct dom0 *z, struct domain *d, const struct dom_spec *s,
		       bool paused)
{
	char mem[16], maxmem[16], vcpus[16], domid[16], vmmlog[256], hvlog[256], uuid[37];
	char input[256];
	char cpuid[CPUID_RULES_MAX][80];
	const char *argv[30 + 2 * CPUID_RULES_MAX];
	int argc = 0, fd, link[2];
	pid_t pid;

	snprintf(mem, sizeof(mem), "%u", s->memory_mb);
	snprintf(vcpus, sizeof(vcpus), "%u", d->maxvcpus);
	snprintf(domid, sizeof(domid), "%u", d->domid);
	dom0_path(z, d->console_log, sizeof(d->console_log), "console/%u.log", d->domid);
	dom0_path(z, vmmlog, sizeof(vmmlog), "vmm/%u.log", d->domid);
	dom0_path(z, hvlog, sizeof(hvlog), "xenkvmd.log");
	/* xl console writes the guest's keyboard here (console/N.in, owner only). */
	dom0_path(z, input, sizeof(input), "console/%u.in", d->domid);
	unlink(input);
	if (mkfifo(input, 0600) < 0)
		dom0_log("domain %u: no console input: %s: %s", d->domid, input, strerror(errno));
	argv[argc++] = z->vmm_path;
	argv[argc++] = "--memory"; argv[argc++] = mem;
	if (s->maxmem_mb > s->memory_mb) {
		snprintf(maxmem, sizeof(maxmem), "%u", s->maxmem_mb);
		argv[argc++] = "--maxmem"; argv[argc++] = maxmem;
	}
	argv[argc++] = "--vcpus"; argv[argc++] = vcpus;
	argv[argc++] = "--domid"; argv[argc++] = domid;
	argv[argc++] = "--console-log"; argv[argc++] = d->console_log;
	/* console_io from the guest goes where Xen's would: xl dmesg */
	argv[argc++] = "--hv-log"; argv[argc++] = hvlog;
	if (access(input, F_OK) == 0) {
		argv[argc++] = "--console-input"; argv[argc++] = input;
	}
	argv[argc++] = "--dom0-fd"; argv[argc++] = LINK_FD_STR;
	argv[argc++] = "--type"; argv[argc++] = s->type;
	dom_uuid_format(d->uuid, uuid);
	argv[argc++] = "--uuid"; argv[argc++] = uuid;
	if (s->cmdline[0]) {
		argv[argc++] = "--cmdline"; argv[argc++] = s->cmdline;
	}
	if (s->ramdisk[0]) {
		argv[argc++] = "--module"; argv[argc++] = s->ramdisk;
	}
	for (unsigned i = 0; i < s->cpuid.n && i < CPUID_RULES_MAX; i++) {
		if (cpuid_rule_format(&s->cpuid.r[i], cpuid[i], sizeof(cpuid[i])))
			return -1;
		argv[argc++] = "--cpuid"; argv[argc++] = cpuid[i];
	}
	argv[argc++] = s->kernel;
	argv[argc] = NULL;

	fd = open(vmmlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, link) < 0) {
		close(fd);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(fd, 1);
		dup2(fd, 2);
		dup2(link[1], LINK_FD);	/* dup2 clears close-on-exec */
		/* Start stopped when asked: xl create -p; unpause sends SIGCONT. */
		if (paused)
			raise(SIGSTOP);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "xenkvmd: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	close(link[1]);
	if (pid < 0)
		close(link[0]);
	else
		d->link_fd = link[0];
	return pid;
}

/* The last line the domain's VMM wrote to its log (why it stopped), or "". */
static void vmm_last_words(struct dom0 *z, const struct domain *d, char *out, size_t size)
{
	char path[256], line[512];
	FILE *f;

	out[0] = 0;
	dom0_path(z, path, sizeof(path), "vmm/%u.log", d->domid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");

		if (n == 0)
			continue;
		if (n >= size)
			n = size - 1;	/* a long line is cut */
		memcpy(out, line, n);
		out[n] = 0;
	}
	fclose(f);
}

/* Its hello taken by the main loop, or waiting on the link to be (a peek). */
static bool vmm_said_hello(const struct domain *d)
{
	char byte;

	return d->ram || (d->link_fd >= 0 &&
			  recv(d->link_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0);
}

static void log_created(const struct domain *d, const char *cfg, bool paused)
{
	dom0_log("domain %u (%s) created from %s, vmm pid %d%s", d->domid, d->name,
		 cfg ? cfg : "?", (int)d->vmm_pid, paused ? ", paused" : "");
}

/*
 * xl create's answer, given once the domain is built (the VMM's hello),
 * as Xen's xl returns: ok with its domid and console log, or err.
 */
void dom0_answer_create(struct domain *d, const char *err)
{
	struct ctl_msg rep;

	if (d->create_reply_fd < 0)
		return;
	ctl_msg_init(&rep);
	if (err) {
		ctl_reply_error(&rep, "EIO", "%s: %s", d->create_cfg ? d->create_cfg : "?", err);
		dom0_log("domain %u (%s) not created: %s", d->domid, d->name, err);
	} else {
		ctl_reply_ok(&rep);
		ctl_msg_addf(&rep, "%u", d->domid);
		ctl_msg_addf(&rep, "%s", d->console_log);
		log_created(d, d->create_cfg, false);
	}
	dom0_send_reply(d->create_reply_fd, &rep);	/* a client gone meanwhile: nothing lost */
	ctl_msg_free(&rep);
	close(d->create_reply_fd);
	d->create_reply_fd = -1;
	free(d->create_cfg);
	d->create_cfg = NULL;
}

/* A VMM still building after the timeout is left to go on; xl hears so. */
void dom0_create_timeouts(struct dom0 *z)
{
	uint64_t now = dom_now_ns();

	for (struct domain *d = z->doms.head; d; d = d->next)
		if (d->create_reply_fd >= 0 && now >= d->create_deadline_ns)
			dom0_answer_create(d, NULL);
}

/* The current request's answer waits for the VMM's hello (or its end). */
static void defer_answer(struct dom0 *z, struct domain *d, const char *cfg_name)
{
	d->create_reply_fd = fcntl(z->client_fd, F_DUPFD_CLOEXEC, 0);
	d->create_cfg = strdup(cfg_name);
	if (d->create_reply_fd < 0 || !d->create_cfg) {
		if (d->create_reply_fd >= 0)
			close(d->create_reply_fd);
		d->create_reply_fd = -1;	/* answered at once, as for -p */
		return;
	}
	d->create_deadline_ns = dom_now_ns() + VMM_HELLO_TIMEOUT_MS * 1000000ull;
	z->reply_deferred = true;
}

static int start_domain(struct dom0 *z, struct domain *d, const struct dom_spec *s,
			bool paused)
{
	char err[256];

	d->memory_mb = s->memory_mb;
	d->target_kb = (uint64_t)s->memory_mb * 1024;
	d->max_kb = (uint64_t)(s->maxmem_mb > s->memory_mb ? s->maxmem_mb : s->memory_mb) * 1024;
	d->held_pages = 0;
	d->vcpus = s->vcpus;
	d->maxvcpus = s->maxvcpus > s->vcpus ? s->maxvcpus : s->vcpus;
	d->vcpus_up = 0;
	memset(d->vcpu_tid, 0, sizeof(d->vcpu_tid));
	/* Checked when created; a host that lost CPUs since gives a restart all. */
	if (dom0_spec_affinity(s, d->affinity, err, sizeof(err)))
		dom0_log("domain %u: %s; its vCPUs may run on any CPU", d->domid, err);
	d->on_poweroff = s->on_poweroff;
	d->on_reboot = s->on_reboot;
	d->on_crash = s->on_crash;
	d->on_watchdog = s->on_watchdog;
	d->spec = malloc(sizeof(*s));
	if (!d->spec)
		return -1;
	*d->spec = *s;
	d->vmm_pid = spawn_vmm(z, d, s, paused);
	if (d->vmm_pid < 0)
		return -1;
	d->state = paused ? DOM_PAUSED : DOM_RUNNING;
	return 0;
}

/* The domain's disks, vifs and channels get their backends as it starts, as libxl adds devices. */
static int attach_devices(struct dom0 *z, struct domain *d, char *err, size_t errlen)
{
	for (unsigned i = 0; i < d->spec->nr_disks; i++)
		if (dom0_vbd_attach(z, d, &d->spec->disks[i], err, errlen))
			return -1;
	for (unsigned i = 0; i < d->spec->nr_vifs; i++)
		if (dom0_vif_attach(z, d, &d->spec->vifs[i], err, errlen))
			return -1;
	for (unsigned i = 0; i < d->spec->nr_channels; i++)
		if (dom0_console_attach(z, d, i + 1, &d->spec->channels[i], err, errlen))
			return -1;
	return 0;
}

/* Xen restarts a domain as a new domain (new domid) with the same config. */
static void restart_domain(struct dom0 *z, struct domain *old, bool rename)
{
	struct dom_spec spec = *old->spec;
	struct domain *d;
	uint8_t uuid[16];
	char err[512];

	/* The new domain is the same machine: its uuid goes on, as with xl. */
	memcpy(uuid, old->uuid, sizeof(uuid));
	/*
	 * So do xl mem-set and mem-max, as libxl keeps them in the domain's
	 * configuration: a PV domain starts with its target and may grow to
	 * its maximum (Xen builds HVM and PVH ones with all of it anyway).
	 */
	if (!strcmp(spec.type, "pv") && old->target_kb >= 4096 && old->max_kb >= old->target_kb) {
		spec.memory_mb = (unsigned)(old->target_kb >> 10);
		spec.maxmem_mb = (unsigned)(old->max_kb >> 10);
	}
	if (rename) {
		/* The old one stays for inspection, under a new name and uuid. */
		char newname[DOM_NAME_MAX];

		snprintf(newname, sizeof(newname), "%.40s--%u", old->name, old->domid);
		domains_rename(&z->doms, old, newname);
		dom_uuid_generate(old->uuid);
		if (dom0_xs_domain_renamed(z, old, uuid))
			dom0_log("domain %u: could not rename its xenstore nodes", old->domid);
	} else {
		forget(z, old);
	}
	d = domains_add(&z->doms, spec.name);
	if (d)
		memcpy(d->uuid, uuid, sizeof(d->uuid));
	/* A reboot reads the boot menu again: it may name a new kernel now. */
	if (d && spec.bootloader && dom0_bootload(z, d, &spec, err, sizeof(err))) {
		dom0_log("restart of %s: %s", spec.name, err);
		dom0_bootload_gone(z, d);
		domains_remove(&z->doms, d);
		return;
	}
	if (!d || start_domain(z, d, &spec, false) < 0) {
		dom0_log("restart of %s failed: %s", spec.name, strerror(errno));
		if (d)
			domains_remove(&z->doms, d);
		return;
	}
	dom0_xs_domain_created(z, d);
	if (attach_devices(z, d, err, sizeof(err)))
		dom0_log("domain %u: %s", d->domid, err);
	dom0_log("domain %s restarted as domain %u", spec.name, d->domid);
}

int dom0_create(struct dom0 *z, const char *cfg_name, const char *cfg_text,
		const struct ctl_msg *req, unsigned first_override, bool paused,
		struct ctl_msg *rep)
{
	const char *overrides[CTL_MAX_FIELDS];
	unsigned nov = 0;
	struct dom_spec spec;
	struct domain *d;
	char err[512];
	struct cpumap aff[DOM_MAX_VCPUS];

	for (unsigned i = first_override; i < req->n; i++)
		overrides[nov++] = req->field[i];
	if (dom_spec_from_config(cfg_name, cfg_text, overrides, nov, &spec, err, sizeof(err))) {
		ctl_reply_error(rep, "EINVAL", "%s", err);
		return -1;
	}
	if (strcmp(spec.type, "pvh") && strcmp(spec.type, "pv")) {
		ctl_reply_error(rep, "EOPNOTSUPP", "%s: type \"%s\" guests are not supported "
				"yet (only pv and pvh)", cfg_name, spec.type);
		return -1;
	}
	/* PV secondary vCPUs need VCPUOP_initialise with a PV context: not yet. */
	/* Refuse rather than start a guest without the devices it was given. */
	for (unsigned i = 0; i < spec.nr_disks; i++) {
		if (dom0_vbd_check(&spec.disks[i], err, sizeof(err))) {
			ctl_reply_error(rep, "EINVAL", "%s: %s", cfg_name, err);
			return -1;
		}
	}
	if (dom0_spec_affinity(&spec, aff, err, sizeof(err))) {
		ctl_reply_error(rep, "EINVAL", "%s: %s", cfg_name, err);
		return -1;
	}
	if (!spec.bootloader && access(spec.kernel, R_OK)) {
		ctl_reply_error(rep, "ENOENT", "%s: kernel %s: %s", cfg_name, spec.kernel,
				strerror(errno));
		return -1;
	}
	if (spec.uuid_given && (d = domains_by_uuid(&z->doms, spec.uuid))) {
		char uuid[37];

		dom_uuid_format(spec.uuid, uuid);
		ctl_reply_error(rep, "EEXIST", "domain with uuid %s already exists (%s)", uuid,
				d->name);
		return -1;
	}
	d = domains_add(&z->doms, spec.name);
	if (!d) {
		ctl_reply_error(rep, errno == EEXIST ? "EEXIST" : "EINVAL",
				errno == EEXIST ? "domain with name \"%s\" already exists"
						: "bad domain name \"%s\"", spec.name);
		return -1;
	}
	if (spec.uuid_given)
		memcpy(d->uuid, spec.uuid, sizeof(d->uuid));
	if (spec.bootloader && dom0_bootload(z, d, &spec, err, sizeof(err))) {
		ctl_reply_error(rep, "EINVAL", "%s: %s", cfg_name, err);
		dom0_bootload_gone(z, d);
		domains_remove(&z->doms, d);
		return -1;
	}
	if (start_domain(z, d, &spec, paused) < 0) {
		ctl_reply_error(rep, "EIO", "cannot start the VMM: %s", strerror(errno));
		domains_remove(&z->doms, d);
		return -1;
	}
	if (dom0_xs_domain_created(z, d))
		dom0_log("domain %u: could not write its xenstore nodes", d->domid);
	if (attach_devices(z, d, err, sizeof(err))) {
		ctl_reply_error(rep, "EIO", "%s: %s", cfg_name, err);
		dom0_destroy(z, d);
		return -1;
	}
	/* A paused VMM stopped itself before it ran: it says hello on unpause. */
	if (!paused)
		defer_answer(z, d, cfg_name);
	if (!z->reply_deferred) {
		log_created(d, cfg_name, paused);
		ctl_reply_ok(rep);
		ctl_msg_addf(rep, "%u", d->domid);
		ctl_msg_addf(rep, "%s", d->console_log);
	}
	return 0;
}

int dom0_destroy(struct dom0 *z, struct domain *d)
{
	if (d->vmm_pid > 0) {
		int status;

		d->state = DOM_DYING;
		kill(d->vmm_pid, SIGKILL);
		kill(d->vmm_pid, SIGCONT);
		waitpid(d->vmm_pid, &status, 0);
	}
	dom0_log("domain %u (%s) destroyed", d->domid, d->name);
	forget(z, d);
	return 0;
}

static int reason_from_status(int wstatus)
{
	if (!WIFEXITED(wstatus))
		return DOM_SHUTDOWN_CRASH;
	switch (WEXITSTATUS(wstatus)) {
	case VMM_EXIT_POWEROFF: return DOM_SHUTDOWN_POWEROFF;
	case VMM_EXIT_REBOOT: return DOM_SHUTDOWN_REBOOT;
	case VMM_EXIT_WATCHDOG: return DOM_SHUTDOWN_WATCHDOG;
	case VMM_EXIT_SUSPEND: return DOM_SHUTDOWN_SUSPEND;
	default: return DOM_SHUTDOWN_CRASH;
	}
}

static void describe_exit(char *buf, size_t size, int wstatus)
{
	if (WIFSIGNALED(wstatus))
		snprintf(buf, size, "VMM killed by signal %d", WTERMSIG(wstatus));
	else
		snprintf(buf, size, "VMM exited with status %d", WEXITSTATUS(wstatus));
}

/*
 * What xl.cfg asked for this end. A guest that suspended itself is kept, as
 * xl keeps it for the save that asked (there is none here yet).
 */
static enum dom_action action_for(const struct domain *d, int reason)
{
	switch (reason) {
	case DOM_SHUTDOWN_CRASH: return d->on_crash;
	case DOM_SHUTDOWN_REBOOT: return d->on_reboot;
	case DOM_SHUTDOWN_WATCHDOG: return d->on_watchdog;
	case DOM_SHUTDOWN_SUSPEND: return DOM_ACT_PRESERVE;
	default: return d->on_poweroff;
	}
}

/* xl create learns why, and the domain goes: it never ran, so no on_crash. */
static void vmm_stopped_before_hello(struct dom0 *z, struct domain *d)
{
	char last[400], err[512];

	vmm_last_words(z, d, last, sizeof(last));
	snprintf(err, sizeof(err), "the domain's VMM stopped before the domain ran: %s",
		 last[0] ? last : "(it said nothing)");
	dom0_answer_create(d, err);
	d->vmm_pid = 0;
	forget(z, d);
}

void dom0_vmm_exited(struct dom0 *z, struct domain *d, int wstatus)
{
	int reason = reason_from_status(wstatus);
	enum dom_action act;
	char why[64], last[400];

	describe_exit(why, sizeof(why), wstatus);
	if (d->create_reply_fd >= 0 && !vmm_said_hello(d)) {
		vmm_stopped_before_hello(z, d);
		return;
	}
	dom0_answer_create(d, NULL);
	/* A VMM that ended itself over a crash said why last; a killed one did not. */
	last[0] = 0;
	if (WIFEXITED(wstatus) && reason == DOM_SHUTDOWN_CRASH)
		vmm_last_words(z, d, last, sizeof(last));
	d->vmm_pid = 0;
	backend_domain_gone(z, d);
	dom0_idc_domain_gone(z, d);
	d->shutdown_reason = reason;
	d->state = reason == DOM_SHUTDOWN_CRASH ? DOM_CRASHED : DOM_SHUTDOWN;
	act = action_for(d, reason);
	dom0_log("domain %u (%s) %s (%s%s%s); action %s", d->domid, d->name,
		 dom_state_name(d->state), why, last[0] ? ": " : "", last, dom_action_name(act));
	/* As Xen's xl: the core first (its RAM is still mapped here), then the rest. */
	if (act == DOM_ACT_COREDUMP_DESTROY || act == DOM_ACT_COREDUMP_RESTART) {
		dom0_dump_on_crash(z, d);
		act = act == DOM_ACT_COREDUMP_DESTROY ? DOM_ACT_DESTROY : DOM_ACT_RESTART;
	}
	/* A VMM that never said hello would fail the same way again, and again. */
	if (!vmm_said_hello(d) && (act == DOM_ACT_RESTART || act == DOM_ACT_RENAME_RESTART)) {
		dom0_log("domain %u (%s): not restarted: its VMM stopped before the "
			 "domain ran", d->domid, d->name);
		act = DOM_ACT_DESTROY;
	}
	switch (act) {
	case DOM_ACT_DESTROY:
	case DOM_ACT_COREDUMP_DESTROY:	/* dumped above */
		forget(z, d);
		break;
	case DOM_ACT_PRESERVE:
		break;
	case DOM_ACT_RESTART:
	case DOM_ACT_COREDUMP_RESTART:
		restart_domain(z, d, false);
		break;
	case DOM_ACT_RENAME_RESTART:
		restart_domain(z, d, true);
		break;
	}
}
