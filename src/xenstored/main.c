/* build/xenstored: the store daemon on its own, in the foreground. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "src/xenstored/xs-server.h"

static volatile int stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: xenstored [--socket PATH]\n"
			"  PATH defaults to $XENSTORED_PATH, else "
			"/var/run/xenstored/socket\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *path = xsd_default_socket_path();
	struct sigaction sa = { .sa_handler = on_signal };
	struct xsd *d;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			path = argv[++i];
		else
			return usage();
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = xsd_create();
	if (!d) {
		fprintf(stderr, "xenstored: out of memory\n");
		return 1;
	}
	err = xsd_listen(d, path);
	if (err) {
		fprintf(stderr, "xenstored: %s: %s\n", path, strerror(err));
		xsd_destroy(d);
		return 1;
	}
	err = xsd_run(d, &stop);
	if (err)
		fprintf(stderr, "xenstored: poll: %s\n", strerror(err));
	xsd_destroy(d);
	return err ? 1 : 0;
}
