/* xl console: follow a domain's console log; Ctrl-] detaches. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "src/xl/xl.h"

#define CTRL_RBRACKET 0x1d
#define REPLAY_BYTES 65536

static struct termios saved_tio;
static int tio_saved;

static void raw_stdin(void)
{
	struct termios t;

	if (!isatty(0) || tcgetattr(0, &saved_tio))
		return;
	t = saved_tio;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;
	if (tcsetattr(0, TCSANOW, &t) == 0)
		tio_saved = 1;
}

static void restore_stdin(void)
{
	if (tio_saved)
		tcsetattr(0, TCSANOW, &saved_tio);
	tio_saved = 0;
}

static int domain_alive(const char *domain)
{
	struct ctl_msg rep;
	int alive = xl_call(&rep, "list", domain, NULL) == 0 && rep.n >= 2;

	ctl_msg_free(&rep);
	return alive;
}

/* Copy whatever the log gained since the last call. */
static void pump(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) < 0)
			return;
}

/* console/N.log's sibling console/N.in: the FIFO xenkvmd made for input. */
static int open_input(const char *log_path)
{
	char path[512];
	size_t n = strlen(log_path);

	if (n < 4 || n >= sizeof(path) || strcmp(log_path + n - 4, ".log"))
		return -1;
	memcpy(path, log_path, n - 4);
	strcpy(path + n - 4, ".in");
	return open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
}

/*
 * Keystrokes to the guest; false when the user detached (Ctrl-]). The FIFO
 * opens only once the VMM holds it, which may be just after `xl create -c`
 * attached, so it is opened when the first keys come.
 */
static bool forward_input(const char *log_path, int *in_fd, int *warned)
{
	char buf[256];
	ssize_t n = read(0, buf, sizeof(buf));

	if (n <= 0)
		return false;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == CTRL_RBRACKET)
			return false;
	if (*in_fd < 0)
		*in_fd = open_input(log_path);
	if (*in_fd >= 0 && write(*in_fd, buf, (size_t)n) == n)
		return true;
	if (!(*warned)++) {
		restore_stdin();
		fprintf(stderr, "\r\nxl console: this domain takes no console input; "
			"Ctrl-] detaches\r\n");
		raw_stdin();
	}
	return true;
}

int xl_console_attach(const char *log_path, const char *domain)
{
	int fd = -1, warned = 0, ticks = 0, in_fd = -1;
	off_t end;

	/* The log may not exist for a moment after create. */
	for (int i = 0; i < 50 && fd < 0; i++) {
		fd = open(log_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			usleep(20000);
	}
	if (fd < 0) {
		fprintf(stderr, "xl console: cannot open %s\n", log_path);
		return 1;
	}
	end = lseek(fd, 0, SEEK_END);
	lseek(fd, end > REPLAY_BYTES ? end - REPLAY_BYTES : 0, SEEK_SET);
	raw_stdin();
	for (;;) {
		struct pollfd p = { .fd = 0, .events = POLLIN };

		pump(fd);
		if (poll(&p, 1, 100) > 0 && !forward_input(log_path, &in_fd, &warned))
			break;
		/* Stop following once the domain is gone, after a last read. */
		if (++ticks % 10 == 0 && !domain_alive(domain)) {
			pump(fd);
			break;
		}
	}
	restore_stdin();
	close(fd);
	if (in_fd >= 0)
		close(in_fd);
	return 0;
}

/*
 * A secondary console's pty, both ways, until Ctrl-] or until its backend
 * goes (the pty hangs up).
 */
static int attach_pty(const char *tty)
{
	int fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	char buf[4096];

	if (fd < 0) {
		fprintf(stderr, "xl console: cannot open %s: %s\n", tty, strerror(errno));
		return 1;
	}
	raw_stdin();
	for (;;) {
		struct pollfd p[2] = { { 0, POLLIN, 0 }, { fd, POLLIN, 0 } };
		ssize_t n;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0 || write(1, buf, (size_t)n) != n)
				break;
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0 || memchr(buf, CTRL_RBRACKET, (size_t)n) ||
			    write(fd, buf, (size_t)n) != n)
				break;
		}
	}
	restore_stdin();
	close(fd);
	return 0;
}

/*
 * xl's -t and -n: console 0 is the PV console (there is no emulated serial
 * port); 1, 2... are the domain's channels (their number in *n).
 */
static int console_options(int argc, char **argv, unsigned *n)
{
	int c;
	char *end;

	optind = 1;
	while ((c = getopt(argc, argv, "t:n:")) != -1) {
		if (c == 't' && strcmp(optarg, "pv") && strcmp(optarg, "serial")) {
			fprintf(stderr, "xl console: console type must be pv or serial, not "
				"\"%s\"\n", optarg);
			return -1;
		} else if (c == 't' && !strcmp(optarg, "serial")) {
			fprintf(stderr, "xl console: xenkvm domains have no serial console; "
				"the pv console is their only one\n");
			return -1;
		} else if (c == 'n') {
			*n = (unsigned)strtoul(optarg, &end, 10);
			if (!*optarg || *end || *n > 64) {
				fprintf(stderr, "xl console: console number \"%s\" is not 0..64\n",
					optarg);
				return -1;
			}
		} else if (c != 't' && c != 'n') {
			return -1;
		}
	}
	return optind + 1 == argc ? 0 : -1;
}

int xl_cmd_console(int argc, char **argv)
{
	struct ctl_msg rep;
	char *f[F_COUNT], tty[128];
	unsigned n = 0;
	int rc;

	if (argc < 2 || console_options(argc, argv, &n)) {
		fprintf(stderr, "usage: xl console [-t <pv|serial>] [-n <number>] <Domain>\n");
		return 2;
	}
	if (n > 0)
		return xl_console_tty(argv[argc - 1], n, tty, sizeof(tty)) ? 1 : attach_pty(tty);
	if (xl_call(&rep, "list", argv[argc - 1], NULL))
		return rep.n ? xl_report(&rep, "console") : 1;
	if (rep.n < 2 || xl_split(rep.field[1], f, F_COUNT) != F_COUNT || !f[F_CONSOLE][0]) {
		fprintf(stderr, "xl console: domain %s has no console\n", argv[argc - 1]);
		ctl_msg_free(&rep);
		return 1;
	}
	rc = xl_console_attach(f[F_CONSOLE], argv[argc - 1]);
	ctl_msg_free(&rep);
	return rc;
}
