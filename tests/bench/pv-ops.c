/*
 * Per-operation costs a Linux guest pays: getpid (one system call) and
 * fork+exec+wait of a trivial program. Static, so the same binary runs in
 * the PV guest's initramfs and on the host as the baseline.
 * usage: pv-ops getpid N | pv-ops forkexec N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void forkexec(const char *self)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execl(self, self, "exit", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
		fprintf(stderr, "pv-ops: fork/exec failed\n");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 0;
	double t0;

	if (argc > 1 && !strcmp(argv[1], "exit"))
		return 0;
	if (argc != 3 || n <= 0) {
		fprintf(stderr, "usage: pv-ops getpid|forkexec N\n");
		return 2;
	}
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (!strcmp(argv[1], "getpid"))
			syscall(SYS_getpid);	/* not cached by libc */
		else
			forkexec("/proc/self/exe");
	}
	printf("bench: %s_ns %.0f\n", argv[1], (now_ns() - t0) / n);
	return 0;
}
