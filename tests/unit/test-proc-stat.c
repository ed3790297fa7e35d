/* /proc/<pid>/stat as xl list, vcpu-list and top read it. */
#include <criterion/criterion.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "src/xenkvmd/proc-stat.h"

Test(proc_stat, this_thread_under_a_name_that_looks_like_fields)
{
	struct proc_stat st;
	char path[64];
	long cpus = sysconf(_SC_NPROCESSORS_CONF);

	/* A name is the guest's or anyone's: ") S 1 2" must not shift the fields. */
	cr_assert_eq(prctl(PR_SET_NAME, "x) S 1 2 3", 0, 0, 0), 0);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/stat", (long)syscall(SYS_gettid));
	cr_assert(proc_stat_read(path, &st));
	cr_assert_eq(st.state, 'R', "it is running as it reads");
	cr_assert(st.processor >= 0 && st.processor < cpus, "processor %d", st.processor);
	cr_assert_geq(st.cpu_seconds, 0);
}

Test(proc_stat, what_is_not_a_stat_line)
{
	struct proc_stat st;
	char path[] = "/tmp/proc-stat-XXXXXX";
	int fd = mkstemp(path);

	cr_assert_not(proc_stat_read("/proc/self/task/0/stat", &st));
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "12 (short) R 1 2\n", 17), 17);
	close(fd);
	cr_assert_not(proc_stat_read(path, &st), "too few fields");
	unlink(path);
}
