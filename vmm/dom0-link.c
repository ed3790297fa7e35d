/* The VMM's end of the xenkvmd link (see src/dom0-link.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "src/dom0-link.h"
#include "vmm/vmm.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/evtchn.h"

static int send_hello(struct vmm *vm)
{
	struct dom0_link_hello h = {
		.magic = DOM0_LINK_MAGIC,
		.domid = vm->dom.domid,
		.ram_size = vm->ram_size,
		.store_pfn = vm->dom.hvm.param[HVM_PARAM_STORE_PFN],
		.store_port = vm->store_port,
		.console_port = vm->console_port,
	};
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &vm->ram_fd, sizeof(int));
	return sendmsg(vm->dom0_fd, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(h) ? 0 : -1;
}

/* Dom0 raises ports in this guest: one uint32_t per packet. */
static void *link_thread(void *arg)
{
	struct vmm *vm = arg;
	uint32_t port;
	ssize_t n;

	while ((n = recv(vm->dom0_fd, &port, sizeof(port), 0)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(port))
			break;
		if (xk_evtchn_raise(&vm->dom, port) < 0)
			xk_log(&vm->dom, "Dom0 raised port %u, which is not bound", port);
	}
	/* Dom0 went away: the domain goes on, without its store connection. */
	xk_log(&vm->dom, "link to xenkvmd closed");
	return NULL;
}

int vmm_dom0_link_start(struct vmm *vm)
{
	pthread_t t;

	if (vm->dom0_fd < 0)
		return 0;
	if (send_hello(vm) < 0) {
		fprintf(stderr, "xenkvm-vmm: cannot greet xenkvmd: %s\n", strerror(errno));
		return -1;
	}
	if (pthread_create(&t, NULL, link_thread, vm))
		return -1;
	pthread_detach(t);
	return 0;
}

void vmm_dom0_notify(struct vmm *vm, uint32_t port)
{
	if (vm->dom0_fd >= 0)
		send(vm->dom0_fd, &port, sizeof(port), MSG_NOSIGNAL | MSG_DONTWAIT);
}
