/*
 * xenkvmd: xl sched-credit and sched-credit2. Linux schedules each domain's
 * VMM, so Xen's per-domain weight and cap become the VMM's: the first time
 * either is set, the VMM (all its threads) moves into a cgroup of its own,
 * <cpu controller mount>/xenkvm/dom<ID>, whose cpu.weight and cpu.max
 * (cgroup v2) or cpu.shares and CFS quota (v1) say them. A xenkvmd with a
 * run directory other than the default keeps its domains under
 * xenkvm-<its pid> instead, so that two daemons never share a group.
 * The group goes when the domain does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "src/common/rundir.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/dom0-sched.h"
#include "src/xenkvmd/verbs.h"

unsigned sched_weight_of(const struct domain *d)
{
	return d->sched_weight ? d->sched_weight : SCHED_WEIGHT_DEFAULT;
}

/*
 * Proportional, rounded, 256 -> 100: cgroup v2's default is Xen's default.
 * v2 stops at 10000, so Xen weights from 25600 up all weigh the same.
 */
unsigned sched_cpu_weight(unsigned weight)
{
	unsigned long long w = ((unsigned long long)weight * 100 + 128) / 256;

	return w < 1 ? 1 : w > 10000 ? 10000 : (unsigned)w;
}

/* 256 -> 1024, v1's default; 1-65535 lands within v1's 2-262144. */
unsigned long sched_cpu_shares(unsigned weight)
{
	unsigned long s = (unsigned long)weight * 1024 / 256;

	return s < 2 ? 2 : s > 262144 ? 262144 : s;
}

/* Xen's cap is a percentage of one CPU: that share of each period. */
void sched_cpu_max(unsigned cap, char *out, size_t size)
{
	if (cap == 0)
		snprintf(out, size, "max %u", SCHED_PERIOD_US);
	else
		snprintf(out, size, "%llu %u", (unsigned long long)cap * SCHED_PERIOD_US / 100,
			 SCHED_PERIOD_US);
}

long long sched_cfs_quota(unsigned cap)
{
	return cap == 0 ? -1 : (long long)cap * SCHED_PERIOD_US / 100;
}

int sched_parse_number(const char *s, long long *v)
{
	const char *p = s;
	long long n = 0;

	if (!s)
		return -1;
	if (*p == '-')
		p++;
	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > 1000000000000ll)
			return -1;	/* a number that long is out of any range anyway */
		n = n * 10 + (*p - '0');
	}
	*v = s[0] == '-' ? -n : n;
	return 0;
}

/* libxl's own words for these, so scripts that look for them find them. */
int sched_check_weight(long long weight, char *err, size_t errlen)
{
	if (weight >= 1 && weight <= SCHED_WEIGHT_MAX)
		return 0;
	snprintf(err, errlen, "Cpu weight out of range, valid values are within range "
		 "from 1 to %u", SCHED_WEIGHT_MAX);
	return -1;
}

int sched_check_cap(long long cap, unsigned nr_vcpus, char *err, size_t errlen)
{
	if (cap >= 0 && cap <= (long long)nr_vcpus * 100)
		return 0;
	snprintf(err, errlen, "Cpu cap out of range, valid range is from 0 to %u for "
		 "specified number of vcpus", nr_vcpus * 100);
	return -1;
}

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape(const char *in, char *out, size_t size)
{
	size_t n = 0;

	while (*in && n + 1 < size) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' &&
		    in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
			out[n++] = (char)((in[1] - '0') << 6 | (in[2] - '0') << 3 | (in[3] - '0'));
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = 0;
}

/* Whether the comma-separated list has the item (cpu, not cpuset or cpuacct). */
static bool has_item(const char *list, const char *item)
{
	size_t len = strlen(item);

	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',') {
		if (!strncmp(p, item, len) && (p[len] == ',' || p[len] == 0))
			return true;
	}
	return false;
}

/*
 * A line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE
 * SOURCE SUPEROPTIONS". The first cgroup2 and the first v1 hierarchy with
 * the cpu controller are taken.
 */
void sched_find_mounts(FILE *mountinfo, struct sched_mounts *m)
{
	char line[4096];

	m->v2[0] = m->v1[0] = 0;
	while (mountinfo && fgets(line, sizeof(line), mountinfo)) {
		char *field[6], *save = NULL, *dash, *fstype, *source, *super;
		unsigned n = 0;

		dash = strstr(line, " - ");
		if (!dash)
			continue;
		*dash = 0;
		for (char *t = strtok_r(line, " ", &save); t && n < 6; t = strtok_r(NULL, " ", &save))
			field[n++] = t;
		fstype = strtok_r(dash + 3, " \n", &save);
		source = fstype ? strtok_r(NULL, " \n", &save) : NULL;
		super = source ? strtok_r(NULL, " \n", &save) : NULL;
		if (n < 5 || !super)
			continue;
		if (!strcmp(fstype, "cgroup2") && !m->v2[0])
			unescape(field[4], m->v2, sizeof(m->v2));
		else if (!strcmp(fstype, "cgroup") && !m->v1[0] && has_item(super, "cpu"))
			unescape(field[4], m->v1, sizeof(m->v1));
	}
}

static bool v2_has_cpu(const char *mount)
{
	char path[300], buf[512];
	FILE *f;
	bool yes = false;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t && !yes;
		     t = strtok_r(NULL, " \n", &save))
			yes = !strcmp(t, "cpu");
	}
	fclose(f);
	return yes;
}

/* v2 where it has the cpu controller, else v1's cpu hierarchy; -1 with err if neither. */
static int find_controller(struct sched_controller *c, char *err, size_t errlen)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	struct sched_mounts m;

	sched_find_mounts(f, &m);
	if (f)
		fclose(f);
	if (m.v2[0] && v2_has_cpu(m.v2)) {
		c->version = 2;
		snprintf(c->mount, sizeof(c->mount), "%s", m.v2);
		return 0;
	}
	if (m.v1[0]) {
		c->version = 1;
		snprintf(c->mount, sizeof(c->mount), "%s", m.v1);
		return 0;
	}
	snprintf(err, errlen, "no cgroup cpu controller on this host (neither cgroup v2 "
		 "with cpu in cgroup.controllers%s%s nor a v1 cpu hierarchy in "
		 "/proc/self/mountinfo): weight and cap cannot be applied",
		 m.v2[0] ? " at " : "", m.v2);
	return -1;
}

static int write_file(const char *dir, const char *name, const char *value, char *err,
		      size_t errlen)
{
	char path[400];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		rc = -1;
	if (rc)
		snprintf(err, errlen, "cannot write \"%s\" to %s: %s", value, path,
			 strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A group's directory, made if need be; in v2 its parent hands down the cpu controller. */
static int make_group(const struct sched_controller *c, const char *parent, const char *dir,
		      char *err, size_t errlen)
{
	if (c->version == 2 && write_file(parent, "cgroup.subtree_control", "+cpu", err, errlen))
		return -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create the cgroup %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int set_limits(const struct sched_controller *c, const char *dir, unsigned weight,
		      unsigned cap, char *err, size_t errlen)
{
	char v[64];

	if (c->version == 2) {
		snprintf(v, sizeof(v), "%u", sched_cpu_weight(weight));
		if (write_file(dir, "cpu.weight", v, err, errlen))
			return -1;
		sched_cpu_max(cap, v, sizeof(v));
		return write_file(dir, "cpu.max", v, err, errlen);
	}
	snprintf(v, sizeof(v), "%lu", sched_cpu_shares(weight));
	if (write_file(dir, "cpu.shares", v, err, errlen))
		return -1;
	snprintf(v, sizeof(v), "%u", SCHED_PERIOD_US);
	if (write_file(dir, "cpu.cfs_period_us", v, err, errlen))
		return -1;
	snprintf(v, sizeof(v), "%lld", sched_cfs_quota(cap));
	return write_file(dir, "cpu.cfs_quota_us", v, err, errlen);
}

/* xenkvm for the system's daemon, xenkvm-<pid> for any other. */
static void base_name(const struct dom0 *z, char *out, size_t size)
{
	if (!strcmp(z->rundir, XENKVM_DEFAULT_RUNDIR))
		snprintf(out, size, "xenkvm");
	else
		snprintf(out, size, "xenkvm-%d", (int)getpid());
}

int sched_cgroup_put(const struct sched_controller *c, const char *base, const char *leaf,
		     pid_t pid, unsigned weight, unsigned cap, char *dir, size_t dirlen,
		     char *err, size_t errlen)
{
	char parent[512], group[512], pidtext[16];

	if ((size_t)snprintf(parent, sizeof(parent), "%s/%s", c->mount, base) >= sizeof(parent) ||
	    (size_t)snprintf(group, sizeof(group), "%s/%s", parent, leaf) >= dirlen) {
		snprintf(err, errlen, "the cgroup path %s/%s/%s is too long", c->mount, base, leaf);
		return -1;
	}
	snprintf(pidtext, sizeof(pidtext), "%d", (int)pid);
	if (make_group(c, c->mount, parent, err, errlen) || make_group(c, parent, group, err, errlen))
		return -1;
	/* Told now, so that the group is removed later even if a write fails. */
	snprintf(dir, dirlen, "%s", group);
	if (set_limits(c, group, weight, cap, err, errlen) ||
	    write_file(group, "cgroup.procs", pidtext, err, errlen))
		return -1;
	return 0;
}

/* The domain's VMM in its group with this weight and cap; 0, or -1 with err. */
static int apply(struct dom0 *z, struct domain *d, unsigned weight, unsigned cap, char *err,
		 size_t errlen)
{
	struct sched_controller c;
	char base[32], leaf[32];

	if (find_controller(&c, err, errlen))
		return -1;
	base_name(z, base, sizeof(base));
	snprintf(leaf, sizeof(leaf), "dom%u", d->domid);
	if (sched_cgroup_put(&c, base, leaf, d->vmm_pid, weight, cap, d->sched_cgroup,
			     sizeof(d->sched_cgroup), err, errlen))
		return -1;
	dom0_log("domain %u: weight %u, cap %u: VMM %d in cgroup v%d %s", d->domid, weight, cap,
		 (int)d->vmm_pid, c.version, d->sched_cgroup);
	return 0;
}

/* One record: domid, name, weight, cap. */
static void add_record(struct ctl_msg *rep, const struct domain *d)
{
	ctl_msg_addf(rep, "%u\t%s\t%u\t%u", d->domid, d->name, sched_weight_of(d), d->sched_cap);
}

static bool names_dom0(const char *id)
{
	return !strcmp(id, "0") || !strcmp(id, "Domain-0");
}

/* Domain-0 is the host: Xen's defaults, and nothing xenkvm sets. */
static void add_dom0_record(struct ctl_msg *rep)
{
	ctl_msg_addf(rep, "0\tDomain-0\t%u\t0", SCHED_WEIGHT_DEFAULT);
}

/* A weight or cap word: "-" keeps the current one. */
static int take_value(const char *word, const char *what, long long *v, char *err,
		      size_t errlen)
{
	if (!strcmp(word, "-"))
		return 0;
	if (sched_parse_number(word, v)) {
		snprintf(err, errlen, "invalid %s: '%s' (a whole number)", what, word);
		return -1;
	}
	return 1;
}

static void set_params(struct dom0 *z, struct domain *d, const char *w, const char *c,
		       struct ctl_msg *rep)
{
	long long weight = sched_weight_of(d), cap = d->sched_cap;
	char err[512];
	int given_w = 0, given_c = 0;

	if ((given_w = take_value(w, "weight", &weight, err, sizeof(err))) < 0 ||
	    (given_c = take_value(c, "cap", &cap, err, sizeof(err))) < 0) {
		ctl_reply_error(rep, "EINVAL", "%s", err);
		return;
	}
	if ((given_w && sched_check_weight(weight, err, sizeof(err))) ||
	    (given_c && sched_check_cap(cap, d->maxvcpus, err, sizeof(err)))) {
		ctl_reply_error(rep, "EINVAL", "%s", err);
		return;
	}
	if (d->vmm_pid <= 0) {
		ctl_reply_error(rep, "EINVAL", "domain %u (%s) is %s: its VMM is gone", d->domid,
				d->name, dom_state_name(d->state));
		return;
	}
	if (apply(z, d, (unsigned)weight, (unsigned)cap, err, sizeof(err))) {
		dom0_log("domain %u: weight and cap not applied: %s", d->domid, err);
		ctl_reply_error(rep, strstr(err, "no cgroup cpu controller") ? "EOPNOTSUPP" : "EIO",
				"domain %u: %s", d->domid, err);
		return;
	}
	d->sched_weight = (unsigned)weight;
	d->sched_cap = (unsigned)cap;
	ctl_reply_ok(rep);
	add_record(rep, d);
}

/*
 * sched-credit                      every domain's weight and cap
 * sched-credit <dom>                that domain's
 * sched-credit <dom> <weight|-> <cap|->   set them
 * (sched-credit2 asks the same: one Linux scheduler stands for both.)
 */
void verb_sched_credit(struct dom0 *z, const struct ctl_msg *req, struct ctl_msg *rep)
{
	const char *id = ctl_arg(req, 1), *w = ctl_arg(req, 2), *c = ctl_arg(req, 3);
	struct domain *d;

	if (!id) {
		ctl_reply_ok(rep);
		add_dom0_record(rep);
		for (d = z->doms.head; d; d = d->next)
			add_record(rep, d);
		return;
	}
	if (names_dom0(id) && !w) {
		ctl_reply_ok(rep);
		add_dom0_record(rep);
		return;
	}
	if (names_dom0(id)) {
		ctl_reply_error(rep, "EPERM", "operation not permitted on Domain-0: it is the "
				"host, whose scheduling xenkvm leaves alone");
		return;
	}
	d = dom0_want_domain(z, req, rep);
	if (!d)
		return;
	if (!w) {
		ctl_reply_ok(rep);
		add_record(rep, d);
		return;
	}
	if (!c) {
		ctl_reply_error(rep, "EINVAL", "sched-credit: a weight and a cap (or -) are needed");
		return;
	}
	set_params(z, d, w, c, rep);
}

/*
 * A group can be removed only once no task is in it; a killed VMM's last
 * threads may take a moment to leave it after it is reaped.
 */
static int remove_group(const char *dir)
{
	struct timespec ts = { 0, 10 * 1000000 };

	for (int i = 0; i < 50; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		nanosleep(&ts, NULL);
	}
	return -1;
}

void dom0_sched_domain_gone(struct dom0 *z, struct domain *d)
{
	char parent[sizeof(d->sched_cgroup)], *slash;

	(void)z;
	if (!d->sched_cgroup[0])
		return;
	if (remove_group(d->sched_cgroup))
		dom0_log("domain %u: cannot remove its cgroup %s: %s", d->domid, d->sched_cgroup,
			 strerror(errno));
	/* This daemon's own xenkvm-<pid> goes with its last domain. */
	snprintf(parent, sizeof(parent), "%s", d->sched_cgroup);
	slash = strrchr(parent, '/');
	if (slash) {
		*slash = 0;
		slash = strrchr(parent, '/');
		if (slash && !strncmp(slash + 1, "xenkvm-", 7))
			rmdir(parent);	/* fails while other domains are in it */
	}
	d->sched_cgroup[0] = 0;
}
