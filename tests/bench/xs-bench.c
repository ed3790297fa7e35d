/* xenstored round trips per second over its Unix socket, against a bare
 * Unix-socket echo round trip of the same size measured in the same run.
 *   cc -O2 -I. -D_GNU_SOURCE tests/bench/xs-bench.c -o build/xs-bench
 *   build/xenstored --socket /tmp/xs.sock &
 *   build/xs-bench /tmp/xs.sock [seconds]
 * Prints one line per measurement and "ratio read=R write=W"; exits 1 if a
 * ratio is under 0.5. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "src/xenstored/xs-wire.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror(path);
		exit(2);
	}
	return fd;
}

static int full_io(int fd, void *buf, size_t len, int writing)
{
	char *p = buf;

	while (len) {
		ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* One request, one whole reply. */
static int round_trip(int fd, const void *req, size_t len, char *reply)
{
	struct xs_msg_hdr h;

	if (full_io(fd, (void *)req, len, 1) || full_io(fd, &h, sizeof(h), 0) ||
	    h.len > XS_PAYLOAD_MAX || full_io(fd, reply, h.len, 0))
		return -1;
	return h.type;
}

static size_t build(char *buf, uint32_t type, const char *payload, size_t plen)
{
	struct xs_msg_hdr h = { type, 1, 0, plen };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, plen);
	return sizeof(h) + plen;
}

static double rate(int fd, const char *req, size_t len, uint32_t want,
		   double secs)
{
	char reply[XS_PAYLOAD_MAX];
	double t0 = now(), t;
	long n = 0;

	do {
		for (int i = 0; i < 100; i++, n++)
			if (round_trip(fd, req, len, reply) != (int)want) {
				fprintf(stderr, "unexpected reply\n");
				exit(2);
			}
		t = now();
	} while (t - t0 < secs);
	return n / (t - t0);
}

/* The baseline: a process that reads a message and writes it straight back,
 * so the only difference left is xenstored's work. */
static pid_t start_echo(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 1)) {
		perror("echo");
		exit(2);
	}
	pid = fork();
	if (pid == 0) {
		struct xs_msg_hdr h;
		char buf[XS_PAYLOAD_MAX];
		int fd = accept(lfd, NULL, NULL);

		while (!full_io(fd, &h, sizeof(h), 0) && h.len <= sizeof(buf) &&
		       !full_io(fd, buf, h.len, 0) &&
		       !full_io(fd, &h, sizeof(h), 1) &&
		       !full_io(fd, buf, h.len, 1))
			;
		_exit(0);
	}
	close(lfd);
	return pid;
}

int main(int argc, char **argv)
{
	const char *xs = argc > 1 ? argv[1] : "/var/run/xenstored/socket";
	double secs = argc > 2 ? atof(argv[2]) : 2.0;
	char echo_path[108], req[256];
	double echo_r, echo_w, rd, wr;
	size_t rlen, wlen;
	pid_t echo;
	int fd, efd;

	snprintf(echo_path, sizeof(echo_path), "/tmp/xs-bench-echo.%d",
		 (int)getpid());
	echo = start_echo(echo_path);
	efd = connect_to(echo_path);
	fd = connect_to(xs);

	wlen = build(req, XS_WRITE, "/bench/key\0value-0123456789", 27);
	if (round_trip(fd, req, wlen, (char[XS_PAYLOAD_MAX]){ 0 }) != XS_WRITE) {
		fprintf(stderr, "xenstored refused the write\n");
		return 2;
	}
	echo_w = rate(efd, req, wlen, XS_WRITE, secs);
	wr = rate(fd, req, wlen, XS_WRITE, secs);
	rlen = build(req, XS_READ, "/bench/key", 11);
	echo_r = rate(efd, req, rlen, XS_READ, secs);
	rd = rate(fd, req, rlen, XS_READ, secs);

	printf("echo  write-sized %.0f rt/s\n", echo_w);
	printf("xs    XS_WRITE    %.0f rt/s\n", wr);
	printf("echo  read-sized  %.0f rt/s\n", echo_r);
	printf("xs    XS_READ     %.0f rt/s\n", rd);
	printf("ratio read=%.2f write=%.2f\n", rd / echo_r, wr / echo_w);
	close(efd);
	waitpid(echo, NULL, 0);
	unlink(echo_path);
	return rd / echo_r >= 0.5 && wr / echo_w >= 0.5 ? 0 : 1;
}
