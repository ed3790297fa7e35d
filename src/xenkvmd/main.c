/* xenkvmd: Dom0. Owns the domain registry and answers xl on its control socket. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/xenkvmd/dom0-idc.h"
#include "src/xenkvmd/dom0-server.h"
#include "src/xenkvmd/dom0-xenstore.h"
#include "src/xenstored/xs-server.h"
#include "src/common/rundir.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: xenkvmd [--rundir DIR] [--vmm PATH] [--foreground]\n"
		   "  --rundir DIR   socket, logs and consoles (default $XENKVM_RUNDIR or %s)\n"
		   "  --vmm PATH     the xenkvm-vmm binary (default: beside xenkvmd)\n"
		   "  --foreground   do not detach\n", XENKVM_DEFAULT_RUNDIR);
}

static int make_dirs(struct dom0 *z)
{
	static const char *const subdirs[] = { "", "console", "vmm" };
	char path[256];

	for (unsigned i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		dom0_path(z, path, sizeof(path), "%s", subdirs[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			fprintf(stderr, "xenkvmd: cannot create %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int open_log(struct dom0 *z)
{
	char path[256];
	FILE *f;

	dom0_path(z, path, sizeof(path), "xenkvmd.log");
	f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "xenkvmd: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	dom0_log_to(f);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "vmm", required_argument, NULL, 'v' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct dom0 z = { .listen_fd = -1, .sig_fd = -1 };
	int foreground = 0, c;

	snprintf(z.rundir, sizeof(z.rundir), "%s", xenkvm_rundir());
	if (sibling_program("xenkvm-vmm", z.vmm_path, sizeof(z.vmm_path)))
		snprintf(z.vmm_path, sizeof(z.vmm_path), "xenkvm-vmm");
	while ((c = getopt_long(argc, argv, "r:v:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'r': snprintf(z.rundir, sizeof(z.rundir), "%s", optarg); break;
		case 'v': snprintf(z.vmm_path, sizeof(z.vmm_path), "%s", optarg); break;
		case 'f': foreground = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	domains_init(&z.doms);
	if (make_dirs(&z) || open_log(&z) || dom0_signals(&z) || dom0_listen(&z) ||
	    dom0_xs_start(&z))
		return 1;
	if (!foreground && daemon(1, 0) < 0) {
		fprintf(stderr, "xenkvmd: daemon: %s\n", strerror(errno));
		return 1;
	}
	dom0_log("xenkvmd started (pid %d), rundir %s, vmm %s", (int)getpid(),
		 z.rundir, z.vmm_path);
	dom0_run(&z);
	for (struct domain *d = z.doms.head, *next; d; d = next) {
		next = d->next;
		dom0_destroy(&z, d);
	}
	dom0_idc_free(&z);
	xsd_destroy(z.xs);
	dom0_log("xenkvmd stopped");
	return 0;
}
