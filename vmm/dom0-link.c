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
		.xen_pages = XK_XPAGE_COUNT,
		.store_pfn = vm->dom.hvm.param[HVM_PARAM_STORE_PFN],
		.store_port = vm->store_port,
		.console_port = vm->console_port,
	};
	int fds[2] = { vm->ram_fd, vm->xen_fd };
	char cbuf[CMSG_SPACE(sizeof(fds))] = { 0 };
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	return sendmsg(vm->dom0_fd, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(h) ? 0 : -1;
}

/* Where sends on a Dom0-bound port go: an eventfd Dom0 gave, if any. */
static int doorbell_fd(struct vmm *vm, uint32_t port)
{
	int fd = -1;

	pthread_mutex_lock(&vm->doorbell_lock);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS; i++)
		if (vm->doorbell[i].fd >= 0 && vm->doorbell[i].port == port)
			fd = vm->doorbell[i].fd;
	pthread_mutex_unlock(&vm->doorbell_lock);
	return fd;
}

static void drop_doorbell(struct vmm *vm, uint32_t port)
{
	pthread_mutex_lock(&vm->doorbell_lock);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS; i++) {
		if (vm->doorbell[i].fd >= 0 && vm->doorbell[i].port == port) {
			close(vm->doorbell[i].fd);
			vm->doorbell[i].fd = -1;
		}
	}
	pthread_mutex_unlock(&vm->doorbell_lock);
}

static int add_doorbell(struct vmm *vm, uint32_t port, int fd)
{
	int rc = -XEN_ENOSPC;

	drop_doorbell(vm, port);
	pthread_mutex_lock(&vm->doorbell_lock);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS && rc; i++) {
		if (vm->doorbell[i].fd < 0) {
			vm->doorbell[i].fd = fd;
			vm->doorbell[i].port = port;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&vm->doorbell_lock);
	return rc;
}

static void reply(struct vmm *vm, const struct dom0_link_msg *m, int status)
{
	struct dom0_link_msg r = { LINK_BIND_REPLY, m->port, status, m->cookie };

	send(vm->dom0_fd, &r, sizeof(r), MSG_NOSIGNAL);
}

static void bind_port(struct vmm *vm, const struct dom0_link_msg *m, int fd)
{
	int rc = xk_evtchn_bind_remote(&vm->dom, m->port, 0);

	if (!rc && fd >= 0) {
		rc = add_doorbell(vm, m->port, fd);
		if (!rc)
			fd = -1;
		else
			xk_evtchn_unbind_remote(&vm->dom, m->port, 0);
	}
	if (fd >= 0)
		close(fd);
	reply(vm, m, rc);
}

static void handle(struct vmm *vm, const struct dom0_link_msg *m, int fd)
{
	switch (m->type) {
	case LINK_RAISE:
		if (xk_evtchn_raise(&vm->dom, m->port) < 0 &&
		    xk_log_once(&vm->dom, XEN_HC_event_channel_op, 60))
			xk_log(&vm->dom, "Dom0 raised port %u, which is not bound", m->port);
		break;
	case LINK_BIND:
		bind_port(vm, m, fd);
		return;
	case LINK_UNBIND:
		drop_doorbell(vm, m->port);
		xk_evtchn_unbind_remote(&vm->dom, m->port, 0);
		break;
	default:
		xk_log(&vm->dom, "Dom0 sent link message type %u; ignored", m->type);
	}
	if (fd >= 0)
		close(fd);
}

static ssize_t receive(struct vmm *vm, struct dom0_link_msg *m, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(vm->dom0_fd, &msg, MSG_CMSG_CLOEXEC);

	*fd = -1;
	if (n > 0 && (c = CMSG_FIRSTHDR(&msg)) && c->cmsg_level == SOL_SOCKET &&
	    c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

static void *link_thread(void *arg)
{
	struct vmm *vm = arg;
	struct dom0_link_msg m;
	ssize_t n;
	int fd;

	while ((n = receive(vm, &m, &fd)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(m)) {
			if (fd >= 0)
				close(fd);
			break;
		}
		handle(vm, &m, fd);
	}
	/* Dom0 went away: the domain goes on, without its store connection. */
	xk_log(&vm->dom, "link to xenkvmd closed");
	return NULL;
}

int vmm_dom0_link_start(struct vmm *vm)
{
	pthread_t t;

	pthread_mutex_init(&vm->doorbell_lock, NULL);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS; i++)
		vm->doorbell[i].fd = -1;
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
	struct dom0_link_msg m = { LINK_NOTIFY, port, 0, 0 };
	uint64_t one = 1;
	int fd = doorbell_fd(vm, port);

	if (fd >= 0) {
		if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			xk_log(&vm->dom, "port %u: Dom0's doorbell: %s", port, strerror(errno));
		return;
	}
	if (vm->dom0_fd >= 0)
		send(vm->dom0_fd, &m, sizeof(m), MSG_NOSIGNAL | MSG_DONTWAIT);
}
