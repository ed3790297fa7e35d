/* xl sched-credit: Xen's weight and cap as cgroup values, their checks, and xl's options. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "src/xenkvmd/dom0-sched.h"
#include "src/xl/xl.h"

Test(sched, weight_maps_proportionally_with_xen_default_at_cgroup_default)
{
	cr_assert_eq(sched_cpu_weight(256), 100);
	cr_assert_eq(sched_cpu_weight(128), 50);
	cr_assert_eq(sched_cpu_weight(512), 200);
	cr_assert_eq(sched_cpu_weight(1024), 400);
	cr_assert_eq(sched_cpu_weight(1), 1);		/* 0.39 rounds to the least v2 takes */
	cr_assert_eq(sched_cpu_weight(3), 1);
	cr_assert_eq(sched_cpu_weight(25600), 10000);
	cr_assert_eq(sched_cpu_weight(65535), 10000);	/* v2's most */
	cr_assert_eq(sched_cpu_shares(256), 1024);
	cr_assert_eq(sched_cpu_shares(128), 512);
	cr_assert_eq(sched_cpu_shares(1), 4);
	cr_assert_eq(sched_cpu_shares(65535), 262140);
}

Test(sched, cap_is_a_share_of_each_period)
{
	char buf[64];

	sched_cpu_max(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "max 100000");
	sched_cpu_max(50, buf, sizeof(buf));
	cr_assert_str_eq(buf, "50000 100000");
	sched_cpu_max(1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1000 100000");
	sched_cpu_max(250, buf, sizeof(buf));
	cr_assert_str_eq(buf, "250000 100000");	/* more than one CPU's worth */
	cr_assert_eq(sched_cfs_quota(0), -1);
	cr_assert_eq(sched_cfs_quota(50), 50000);
	cr_assert_eq(sched_cfs_quota(3200), 3200000);
}

Test(sched, numbers_and_libxl_range_errors)
{
	long long v;
	char err[200];
	const char *bad[] = { "", "-", "12x", "1.5", " 5", "+5", "0x10", "99999999999999999999",
			      NULL };

	cr_assert_eq(sched_parse_number("128", &v), 0);
	cr_assert_eq(v, 128);
	cr_assert_eq(sched_parse_number("-1", &v), 0);
	cr_assert_eq(v, -1);
	for (unsigned i = 0; bad[i]; i++)
		cr_assert_eq(sched_parse_number(bad[i], &v), -1, "'%s' taken", bad[i]);
	cr_assert_eq(sched_parse_number(NULL, &v), -1);

	cr_assert_eq(sched_check_weight(1, err, sizeof(err)), 0);
	cr_assert_eq(sched_check_weight(65535, err, sizeof(err)), 0);
	cr_assert_eq(sched_check_weight(0, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "Cpu weight out of range, valid values are within range from 1 "
			 "to 65535");
	cr_assert_eq(sched_check_weight(65536, err, sizeof(err)), -1);
	cr_assert_eq(sched_check_cap(0, 2, err, sizeof(err)), 0);
	cr_assert_eq(sched_check_cap(200, 2, err, sizeof(err)), 0);
	cr_assert_eq(sched_check_cap(201, 2, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "Cpu cap out of range, valid range is from 0 to 200 for specified "
			 "number of vcpus");
	cr_assert_eq(sched_check_cap(-1, 4, err, sizeof(err)), -1);
}

static struct sched_mounts mounts_of(const char *text)
{
	struct sched_mounts m;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	sched_find_mounts(f, &m);
	fclose(f);
	return m;
}

Test(sched, cpu_controller_mounts_from_mountinfo)
{
	/* This kind of host: v1 controllers each apart, an empty v2 beside them. */
	struct sched_mounts m = mounts_of(
		"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
		"33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
		"31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");

	cr_assert_str_eq(m.v1, "/sys/fs/cgroup/cpu");
	cr_assert_str_eq(m.v2, "/sys/fs/cgroup/unified");
	/* cpu and cpuacct together, optional fields before the separator. */
	m = mounts_of("25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup "
		      "cgroup rw,cpu,cpuacct\n");
	cr_assert_str_eq(m.v1, "/sys/fs/cgroup/cpu,cpuacct");
	cr_assert_str_eq(m.v2, "");
	/* Unified only; a mount point with a space in it comes escaped. */
	m = mounts_of("27 22 0:24 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
		      "99 27 0:50 / /mnt/my\\040cg rw - cgroup cgroup rw,cpu\n");
	cr_assert_str_eq(m.v2, "/sys/fs/cgroup");
	cr_assert_str_eq(m.v1, "/mnt/my cg");
	/* Nothing of use, and lines that are not mountinfo's. */
	m = mounts_of("junk\n1 2 3 4 - cgroup\n33 30 0:30 / /c rw - cgroup cgroup rw,cpuset\n");
	cr_assert_str_eq(m.v1, "");
	cr_assert_str_eq(m.v2, "");
}

/* xl sched-credit[2] ARGS...: the options parsed, rc its status. */
static int parse(bool credit2, struct xl_sched_opts *o, char *err, const char *args)
{
	static char buf[256];
	char *argv[16];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s %s", credit2 ? "sched-credit2" : "sched-credit", args);
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && argc < 15;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	return xl_sched_parse(argc, argv, credit2, o, err, 512);
}

Test(sched, xl_options_as_xen_xl_takes_them)
{
	struct xl_sched_opts o;
	char err[512];

	cr_assert_eq(parse(false, &o, err, "-d busy -w 128 -c 50"), 0, "%s", err);
	cr_assert_str_eq(o.dom, "busy");
	cr_assert_str_eq(o.weight, "128");
	cr_assert_str_eq(o.cap, "50");
	cr_assert_eq(parse(true, &o, err, "--domain=3 --cap=0"), 0, "%s", err);
	cr_assert_str_eq(o.dom, "3");
	cr_assert_null(o.weight);
	cr_assert_str_eq(o.cap, "0");
	cr_assert_eq(parse(false, &o, err, ""), 0);
	cr_assert_null(o.dom);
	cr_assert_eq(parse(false, &o, err, "-p Pool-0"), 0, "%s", err);
	cr_assert_eq(parse(true, &o, err, "-p 0"), 0, "%s", err);

	cr_assert_eq(parse(false, &o, err, "-w 5"), 1);
	cr_assert_str_eq(err, "Must specify a domain.");
	cr_assert_eq(parse(false, &o, err, "-p Pool-0 -d x"), 1);
	cr_assert_str_eq(err, "Specifying a cpupool or schedparam is not allowed with domain "
			 "options.");
	cr_assert_eq(parse(true, &o, err, "-p Pool-0 -w 3"), 1);
	cr_assert_str_eq(err, "Specifying a cpupool is not allowed with other options.");
	cr_assert_eq(parse(false, &o, err, "-r 100"), 1);
	cr_assert_str_eq(err, "Must specify schedparam to set schedule parameter values.");
	cr_assert_eq(parse(false, &o, err, "-p Pool-1"), 1);
	cr_assert(strstr(err, "unknown cpupool 'Pool-1'"), "%s", err);
	cr_assert_eq(parse(false, &o, err, "-s -t 10"), 1);
	cr_assert(strstr(err, "do not apply here"), "%s", err);
	cr_assert_eq(parse(true, &o, err, "-s"), 1);
	cr_assert(strstr(err, "credit2 scheduler's pool-wide parameters (rate limit)"), "%s", err);
	cr_assert_eq(parse(true, &o, err, "-t 10"), 2);	/* credit2 has no time slice */
	cr_assert_eq(parse(false, &o, err, "-d"), 2);
	cr_assert_eq(parse(false, &o, err, "-d x extra"), 2);
	cr_assert(strstr(err, "unexpected argument 'extra'"), "%s", err);
	cr_assert_eq(parse(false, &o, err, "-h"), 0);
	cr_assert(o.help);
}

/*
 * A directory standing in for a cgroup mount: cgroupfs makes a group's
 * files at mkdir, so here they are made beforehand, empty.
 */
static char root[64];

static void touch(const char *rel)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fclose(f);
}

static void make_dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(mkdir(path, 0755), 0, "%s", path);
}

static void holds(const char *rel, const char *want)
{
	char path[256], got[128] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	cr_assert(f, "%s", path);
	cr_assert(fgets(got, sizeof(got), f) || !want[0]);
	fclose(f);
	cr_assert_str_eq(got, want, "%s", rel);
}

static void mock_group(const char *const *files)
{
	snprintf(root, sizeof(root), "/tmp/sched-cg.XXXXXX");
	cr_assert(mkdtemp(root));
	make_dir("xk");
	make_dir("xk/dom7");
	for (unsigned i = 0; files[i]; i++)
		touch(files[i]);
}

static void unmock(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

Test(sched, cgroup_v2_files)
{
	static const char *const files[] = { "cgroup.subtree_control", "xk/cgroup.subtree_control",
					     "xk/dom7/cpu.weight", "xk/dom7/cpu.max",
					     "xk/dom7/cgroup.procs", NULL };
	struct sched_controller c = { .version = 2 };
	char dir[256] = "", err[512], want[300];

	mock_group(files);
	snprintf(c.mount, sizeof(c.mount), "%s", root);
	cr_assert_eq(sched_cgroup_put(&c, "xk", "dom7", 1234, 128, 50, dir, sizeof(dir), err,
				      sizeof(err)), 0, "%s", err);
	snprintf(want, sizeof(want), "%s/xk/dom7", root);
	cr_assert_str_eq(dir, want);
	holds("cgroup.subtree_control", "+cpu");	/* each parent hands cpu down */
	holds("xk/cgroup.subtree_control", "+cpu");
	holds("xk/dom7/cpu.weight", "50");
	holds("xk/dom7/cpu.max", "50000 100000");
	holds("xk/dom7/cgroup.procs", "1234");
	unmock();
}

Test(sched, cgroup_v1_files)
{
	static const char *const files[] = { "xk/dom7/cpu.shares", "xk/dom7/cpu.cfs_period_us",
					     "xk/dom7/cpu.cfs_quota_us", "xk/dom7/cgroup.procs",
					     NULL };
	struct sched_controller c = { .version = 1 };
	char dir[256] = "", err[512];

	mock_group(files);
	snprintf(c.mount, sizeof(c.mount), "%s", root);
	cr_assert_eq(sched_cgroup_put(&c, "xk", "dom7", 99, 2048, 0, dir, sizeof(dir), err,
				      sizeof(err)), 0, "%s", err);
	holds("xk/dom7/cpu.shares", "8192");
	holds("xk/dom7/cpu.cfs_period_us", "100000");
	holds("xk/dom7/cpu.cfs_quota_us", "-1");
	holds("xk/dom7/cgroup.procs", "99");
	unmock();
}

/* A file the controller lacks: the error names it, and the group is still told. */
Test(sched, cgroup_write_error_names_the_file)
{
	static const char *const files[] = { "cgroup.subtree_control",
					     "xk/cgroup.subtree_control", NULL };
	struct sched_controller c = { .version = 2 };
	char dir[256] = "", err[512];

	mock_group(files);
	snprintf(c.mount, sizeof(c.mount), "%s", root);
	cr_assert_eq(sched_cgroup_put(&c, "xk", "dom7", 1, 256, 0, dir, sizeof(dir), err,
				      sizeof(err)), -1);
	cr_assert(strstr(err, "cannot write \"100\" to ") && strstr(err, "/xk/dom7/cpu.weight: "
								     "No such file or directory"),
		  "%s", err);
	cr_assert(strstr(dir, "/xk/dom7"), "%s", dir);
	/* A path too long for the registry's field is refused before anything is made. */
	cr_assert_eq(sched_cgroup_put(&c, "xk", "dom7", 1, 256, 0, dir, 8, err, sizeof(err)), -1);
	cr_assert(strstr(err, "is too long"), "%s", err);
	unmock();
}
