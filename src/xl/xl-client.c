/* xl's side of the control socket; starts xenkvmd when none is running. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "src/common/rundir.h"
#include "src/xl/xl.h"

static int try_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int start_daemon(void)
{
	char prog[512];
	pid_t pid;
	int status;

	if (sibling_program("xenkvmd", prog, sizeof(prog)))
		snprintf(prog, sizeof(prog), "xenkvmd");
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl(prog, prog, "--rundir", xenkvm_rundir(), (char *)NULL);
		fprintf(stderr, "xl: cannot start %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	/* xenkvmd detaches once its socket is listening. */
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

static int connect_daemon(void)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/xenkvmd.sock", xenkvm_rundir());
	fd = try_connect(path);
	if (fd >= 0)
		return fd;
	if (start_daemon() < 0) {
		fprintf(stderr, "xl: no xenkvmd at %s and could not start one\n", path);
		return -1;
	}
	for (int i = 0; i < 100 && fd < 0; i++) {
		struct timespec ts = { 0, 20 * 1000000 };
		fd = try_connect(path);
		if (fd < 0)
			nanosleep(&ts, NULL);
	}
	if (fd < 0)
		fprintf(stderr, "xl: xenkvmd did not come up at %s\n", path);
	return fd;
}

static int handshake(int fd)
{
	struct ctl_msg req, rep;
	int rc = -1;

	ctl_msg_init(&req);
	ctl_msg_init(&rep);
	ctl_msg_addf(&req, "hello");
	ctl_msg_addf(&req, CTL_VERSION);
	if (ctl_send(fd, &req) == 0 && ctl_recv(fd, &rep) == 0) {
		if (rep.n >= 1 && !strcmp(rep.field[0], "ok"))
			rc = 0;
		else
			xl_report(&rep, "hello");
	}
	ctl_msg_free(&req);
	ctl_msg_free(&rep);
	return rc;
}

int xl_call_msg(const struct ctl_msg *req, struct ctl_msg *rep)
{
	int fd = connect_daemon();
	int rc = -1;

	ctl_msg_init(rep);
	if (fd < 0)
		return -1;
	if (handshake(fd) == 0 && ctl_send(fd, req) == 0 && ctl_recv(fd, rep) == 0)
		rc = (rep->n >= 1 && !strcmp(rep->field[0], "ok")) ? 0 : 1;
	else if (rep->n == 0)
		fprintf(stderr, "xl: lost the connection to xenkvmd\n");
	close(fd);
	return rc;
}

int xl_call(struct ctl_msg *rep, const char *verb, ...)
{
	struct ctl_msg req;
	const char *arg;
	va_list ap;
	int rc;

	ctl_msg_init(&req);
	ctl_msg_addf(&req, "%s", verb);
	va_start(ap, verb);
	while ((arg = va_arg(ap, const char *)))
		ctl_msg_addf(&req, "%s", arg);
	va_end(ap);
	rc = xl_call_msg(&req, rep);
	ctl_msg_free(&req);
	return rc;
}

int xl_report(const struct ctl_msg *rep, const char *what)
{
	if (rep->n >= 3 && !strcmp(rep->field[0], "error"))
		fprintf(stderr, "xl %s: %s (%s)\n", what, rep->field[2], rep->field[1]);
	else if (rep->n >= 1 && strcmp(rep->field[0], "ok"))
		fprintf(stderr, "xl %s: malformed reply from xenkvmd\n", what);
	return 1;
}

unsigned xl_split(char *rec, char **f, unsigned max)
{
	unsigned n = 0;

	while (n < max) {
		f[n++] = rec;
		rec = strchr(rec, '\t');
		if (!rec)
			break;
		*rec++ = 0;
	}
	return n;
}
