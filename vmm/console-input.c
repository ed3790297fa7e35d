/*
 * Console input: bytes written to a FIFO (made by xenkvmd, written by
 * `xl console`) go into the guest's console ring. A full ring is retried,
 * not dropped; the FIFO is opened read-write so writers may come and go.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "vmm/vmm.h"
#include "xen-abi/console.h"

struct input {
	struct vmm *vm;
	int fd;
};

static struct input input;

static void feed(struct vmm *vm, const char *buf, size_t len)
{
	while (len && !vm->exiting) {
		size_t n = xk_console_ring_input(&vm->dom, buf, len);

		buf += n;
		len -= n;
		if (len)
			usleep(10000);	/* the guest has not read its ring yet */
	}
}

static void *input_thread(void *arg)
{
	struct input *in = arg;
	char buf[256];
	ssize_t n;

	while (!in->vm->exiting) {
		n = read(in->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		feed(in->vm, buf, (size_t)n);
	}
	return NULL;
}

int vmm_console_input_start(struct vmm *vm, const char *path)
{
	pthread_t t;

	input.vm = vm;
	input.fd = open(path, O_RDWR | O_CLOEXEC);
	if (input.fd < 0) {
		fprintf(stderr, "xenkvm-vmm: console input %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (pthread_create(&t, NULL, input_thread, &input)) {
		close(input.fd);
		return -1;
	}
	pthread_detach(t);
	return 0;
}
