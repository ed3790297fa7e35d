/* The VMM's end of the xenkvmd link (see src/common/link-proto.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "src/common/fd-passing.h"
#include "vmm/vmm.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/evtchn.h"
#include "xen-abi/reservation.h"

#define CALL_TIMEOUT_S 10

static int send_hello(struct vmm *vm)
{
	struct link_hello h = {
		.magic = LINK_MAGIC,
		.domid = vm->dom.domid,
		.ram_size = vm->ram_size,
		.xen_pages = XK_XPAGE_COUNT,
		.store_pfn = vm->dom.hvm.param[HVM_PARAM_STORE_PFN],
		.store_port = vm->store_port,
		.console_port = vm->console_port,
	};
	int fds[2] = { vm->ram_fd, vm->xen_fd };

	return send_with_fds(vm->dom0_fd, &h, sizeof(h), fds, 2, 0);
}

int vmm_link_send(struct vmm *vm, const struct link_msg *m)
{
	if (vm->dom0_fd < 0)
		return -1;
	return send(vm->dom0_fd, m, sizeof(*m), MSG_NOSIGNAL | MSG_DONTWAIT) == sizeof(*m) ? 0
											  : -1;
}

/*
 * Signal the eventfd Dom0 gave for sends on port, if any. Under the lock so
 * a concurrent drop cannot close (and the number be reused) mid-write.
 */
static bool ring_doorbell(struct vmm *vm, uint32_t port)
{
	uint64_t one = 1;
	bool found = false;

	pthread_mutex_lock(&vm->doorbell_lock);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS && !found; i++) {
		if (vm->doorbell[i].fd < 0 || vm->doorbell[i].port != port)
			continue;
		found = true;
		if (write(vm->doorbell[i].fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			xk_log(&vm->dom, "port %u: doorbell: %s", port, strerror(errno));
	}
	pthread_mutex_unlock(&vm->doorbell_lock);
	return found;
}

void vmm_doorbell_drop(struct vmm *vm, uint32_t port)
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

int vmm_doorbell_add(struct vmm *vm, uint32_t port, int fd)
{
	int rc = -XEN_ENOSPC;

	vmm_doorbell_drop(vm, port);
	pthread_mutex_lock(&vm->doorbell_lock);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS && rc; i++) {
		if (vm->doorbell[i].fd < 0) {
			vm->doorbell[i] = (struct vmm_port_fd){ port, fd };
			rc = 0;
		}
	}
	pthread_mutex_unlock(&vm->doorbell_lock);
	return rc;
}

static void reply(struct vmm *vm, const struct link_msg *m, int status)
{
	struct link_msg r = { .type = LINK_BIND_REPLY, .port = m->port, .status = status,
				   .cookie = m->cookie };

	vmm_link_send(vm, &r);
}

void vmm_close_link_fds(int fds[LINK_MAX_FDS])
{
	for (unsigned i = 0; i < LINK_MAX_FDS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* A Dom0 backend binds the guest's port, with an optional doorbell eventfd. */
static void bind_port(struct vmm *vm, const struct link_msg *m, int fds[LINK_MAX_FDS])
{
	int rc = xk_evtchn_bind_remote(&vm->dom, m->port, 0, m->port);

	if (!rc && fds[0] >= 0) {
		rc = vmm_doorbell_add(vm, m->port, fds[0]);
		if (!rc)
			fds[0] = -1;
		else
			xk_evtchn_unbind_remote(&vm->dom, m->port, 0);
	}
	reply(vm, m, rc);
}

/* An answer to vmm_link_call: hand it to the waiting vCPU. */
static bool complete_call(struct vmm *vm, const struct link_msg *m,
			  int fds[LINK_MAX_FDS])
{
	bool found = false;

	pthread_mutex_lock(&vm->call_lock);
	for (unsigned i = 0; i < XK_MAX_VCPUS && !found; i++) {
		struct vmm_link_waiter *w = &vm->waiter[i];

		if (!w->active || w->done || w->cookie != m->cookie)
			continue;
		w->reply = *m;
		memcpy(w->fds, fds, sizeof(w->fds));
		memset(fds, -1, sizeof(int) * LINK_MAX_FDS);
		w->done = found = true;
	}
	pthread_cond_broadcast(&vm->call_cond);
	pthread_mutex_unlock(&vm->call_lock);
	return found;
}

static void handle(struct vmm *vm, const struct link_msg *m, int fds[LINK_MAX_FDS])
{
	switch (m->type) {
	case LINK_RAISE:
		if (xk_evtchn_raise(&vm->dom, m->port) < 0 &&
		    xk_log_once(&vm->dom, XEN_HC_event_channel_op, 60))
			xk_log(&vm->dom, "Dom0 raised port %u, which is not bound", m->port);
		break;
	case LINK_BIND:
		bind_port(vm, m, fds);
		break;
	case LINK_UNBIND:
		vmm_idc_unbind(vm, m->port, m->remote_dom);
		break;
	case LINK_IDC_PEER:
		vmm_idc_peer(vm, m, fds);
		break;
	case LINK_IDC_BIND_REPLY:
		if (!complete_call(vm, m, fds) && m->status == 0)
			vmm_idc_orphan_reply(vm, m);
		break;
	case LINK_GRANT_GET_REPLY:
		if (!complete_call(vm, m, fds) && m->status == 0) {
			/* Its caller gave up waiting: give the claim back. */
			struct link_msg put = { .type = LINK_GRANT_PUT, .port = m->port,
						     .remote_dom = m->remote_dom, .arg = m->arg };
			vmm_link_send(vm, &put);
		}
		break;
	case LINK_MAX_PAGES:
		xk_set_max_pages(&vm->dom, m->arg);
		break;
	default:
		xk_log(&vm->dom, "Dom0 sent link message type %u; ignored", m->type);
	}
	vmm_close_link_fds(fds);
}

static ssize_t receive(struct vmm *vm, struct link_msg *m, int fds[LINK_MAX_FDS])
{
	char cbuf[CMSG_SPACE(sizeof(int) * LINK_MAX_FDS)];
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(vm->dom0_fd, &msg, MSG_CMSG_CLOEXEC);

	memset(fds, -1, sizeof(int) * LINK_MAX_FDS);
	if (n <= 0)
		return n;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < nfd; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (i < LINK_MAX_FDS && fds[i] < 0)
				fds[i] = fd;
			else
				close(fd);
		}
	}
	return n;
}

static void *link_thread(void *arg)
{
	struct vmm *vm = arg;
	struct link_msg m;
	int fds[LINK_MAX_FDS];
	ssize_t n;

	while ((n = receive(vm, &m, fds)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(m)) {
			vmm_close_link_fds(fds);
			break;
		}
		handle(vm, &m, fds);
	}
	/* Dom0 went away: the domain goes on, without its store connection. */
	xk_log(&vm->dom, "link to xenkvmd closed");
	return NULL;
}

static struct vmm_link_waiter *claim_waiter(struct vmm *vm, uint32_t *cookie)
{
	struct vmm_link_waiter *w = NULL;

	pthread_mutex_lock(&vm->call_lock);
	for (unsigned i = 0; i < XK_MAX_VCPUS && !w; i++) {
		if (!vm->waiter[i].active) {
			w = &vm->waiter[i];
			*cookie = ++vm->next_cookie;
			*w = (struct vmm_link_waiter){ .active = true, .cookie = *cookie };
			memset(w->fds, -1, sizeof(w->fds));
		}
	}
	pthread_mutex_unlock(&vm->call_lock);
	return w;
}

int vmm_link_call(struct vmm *vm, struct link_msg *req, struct link_msg *reply_out,
		  int fds[LINK_MAX_FDS])
{
	struct vmm_link_waiter *w;
	struct timespec until;
	int rc = 0;

	memset(fds, -1, sizeof(int) * LINK_MAX_FDS);
	if (vm->dom0_fd < 0)
		return -XEN_ESRCH;
	w = claim_waiter(vm, &req->cookie);
	if (!w)
		return -XEN_EBUSY;
	if (vmm_link_send(vm, req) < 0) {
		pthread_mutex_lock(&vm->call_lock);
		w->active = false;
		pthread_mutex_unlock(&vm->call_lock);
		return -XEN_ESRCH;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CALL_TIMEOUT_S;
	pthread_mutex_lock(&vm->call_lock);
	while (!w->done && rc == 0)
		rc = pthread_cond_timedwait(&vm->call_cond, &vm->call_lock, &until);
	if (w->done) {
		*reply_out = w->reply;
		memcpy(fds, w->fds, sizeof(w->fds));
		rc = 0;
	} else {
		rc = -XEN_ETIMEDOUT;
	}
	w->active = false;
	pthread_mutex_unlock(&vm->call_lock);
	return rc;
}

int vmm_link_start(struct vmm *vm)
{
	pthread_t t;

	pthread_mutex_init(&vm->doorbell_lock, NULL);
	pthread_mutex_init(&vm->call_lock, NULL);
	pthread_cond_init(&vm->call_cond, NULL);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS; i++)
		vm->doorbell[i].fd = vm->inbound[i].fd = -1;
	vm->inbound_epoll = -1;
	if (vm->dom0_fd < 0)
		return 0;
	if (send_hello(vm) < 0) {
		fprintf(stderr, "xenkvm-vmm: cannot greet xenkvmd: %s\n", strerror(errno));
		return -1;
	}
	if (vmm_idc_start(vm) < 0 || pthread_create(&t, NULL, link_thread, vm))
		return -1;
	pthread_detach(t);
	return 0;
}

void vmm_port_notify(struct vmm *vm, uint32_t port, uint32_t remote_dom)
{
	struct link_msg m = { .type = LINK_NOTIFY, .port = port };

	/* Without a doorbell, only Dom0 hears of sends (its xenstore ring). */
	if (!ring_doorbell(vm, port) && remote_dom == 0)
		vmm_link_send(vm, &m);
}

/* xenkvmd shows which vCPUs are up (xl list, vcpu-list). */
void vmm_vcpus_changed(struct xk_domain *d)
{
	struct link_msg m = { .type = LINK_VCPUS, .arg = xk_vcpus_online(d) };

	vmm_link_send(vmm_of(d), &m);
}

/* xenkvmd shows what the domain holds (xl list). */
void vmm_reservation_changed(struct xk_domain *d)
{
	struct link_msg m = { .type = LINK_MEMORY, .arg = xk_current_pages(d) };

	vmm_link_send(vmm_of(d), &m);
}

/* xenkvmd pins each vCPU's thread and shows where it runs (xl vcpu-list). */
void vmm_report_vcpu_thread(struct vmm *vm, unsigned id)
{
	struct link_msg m = { .type = LINK_VCPU_THREAD, .port = id,
				   .arg = (uint64_t)syscall(SYS_gettid) };

	vmm_link_send(vm, &m);
}
