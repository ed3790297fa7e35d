/*
 * unix-chat PATH REPLY [SECONDS]: connects to the Unix socket at PATH
 * (retrying while it is not there yet), prints the first line read from it,
 * answers REPLY and a newline, and exits 0; 1 when nothing came within
 * SECONDS (default 300). The tests' stand-in for a program on a channel.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int connect_to(const char *path, time_t deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	while (time(NULL) < deadline) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		usleep(100000);
	}
	return -1;
}

int main(int argc, char **argv)
{
	time_t deadline = time(NULL) + (argc > 3 ? atoi(argv[3]) : 300);
	char line[1024];
	size_t n = 0;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: unix-chat PATH REPLY [SECONDS]\n");
		return 2;
	}
	fd = connect_to(argv[1], deadline);
	if (fd < 0) {
		fprintf(stderr, "unix-chat: cannot connect to %s\n", argv[1]);
		return 1;
	}
	while (n < sizeof(line) - 1 && time(NULL) < deadline) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 1000) <= 0)
			continue;
		if (read(fd, line + n, 1) != 1)
			break;
		if (line[n++] == '\n')
			break;
	}
	line[n] = 0;
	if (!n || line[n - 1] != '\n') {
		fprintf(stderr, "unix-chat: no line from %s (got \"%s\")\n", argv[1], line);
		return 1;
	}
	fputs(line, stdout);
	fflush(stdout);
	if (dprintf(fd, "%s\n", argv[2]) < 0)
		return 1;
	/* Let the reply reach the guest before the connection goes. */
	sleep(2);
	close(fd);
	return 0;
}
