/*
 * Channels and grants between DomUs: this VMM's side of xenkvmd's broker.
 * A channel's two ends each get a pair of eventfds from xenkvmd: sends on
 * the local port signal the first (the doorbell, vmm-link.c), the peer's
 * sends fire the second, which a thread here turns into a pending port.
 * Granted pages of other domains are mapped from their RAM memfd after
 * xenkvmd checked and claimed the grant in the granter's table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vmm/vmm.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/evtchn.h"

static uint64_t epoll_key(uint32_t port, int fd)
{
	return (uint64_t)(uint32_t)fd << 32 | port;
}

static int inbound_add(struct vmm *vm, uint32_t port, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = epoll_key(port, fd) };
	int rc = -XEN_ENOSPC;

	pthread_mutex_lock(&vm->doorbell_lock);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS && rc; i++) {
		if (vm->inbound[i].fd >= 0)
			continue;
		if (epoll_ctl(vm->inbound_epoll, EPOLL_CTL_ADD, fd, &ev) < 0)
			break;
		vm->inbound[i] = (struct vmm_port_fd){ port, fd };
		rc = 0;
	}
	pthread_mutex_unlock(&vm->doorbell_lock);
	return rc;
}

static void inbound_drop(struct vmm *vm, uint32_t port)
{
	pthread_mutex_lock(&vm->doorbell_lock);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS; i++) {
		if (vm->inbound[i].fd < 0 || vm->inbound[i].port != port)
			continue;
		epoll_ctl(vm->inbound_epoll, EPOLL_CTL_DEL, vm->inbound[i].fd, NULL);
		close(vm->inbound[i].fd);
		vm->inbound[i].fd = -1;
	}
	pthread_mutex_unlock(&vm->doorbell_lock);
}

/* Consume a fired eventfd if it is still registered for port (it may just have gone). */
static bool consume(struct vmm *vm, uint64_t key)
{
	uint32_t port = (uint32_t)key;
	int fd = (int)(key >> 32);
	bool ok = false;
	uint64_t n;

	pthread_mutex_lock(&vm->doorbell_lock);
	for (unsigned i = 0; i < VMM_MAX_DOORBELLS && !ok; i++)
		ok = vm->inbound[i].fd == fd && vm->inbound[i].port == port;
	if (ok && read(fd, &n, sizeof(n)) != sizeof(n))
		ok = false;
	pthread_mutex_unlock(&vm->doorbell_lock);
	return ok;
}

static void *inbound_thread(void *arg)
{
	struct vmm *vm = arg;
	struct epoll_event ev[16];

	for (;;) {
		int n = epoll_wait(vm->inbound_epoll, ev, 16, -1);

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++)
			if (consume(vm, ev[i].data.u64))
				xk_evtchn_raise(&vm->dom, (uint32_t)ev[i].data.u64);
	}
	return NULL;
}

int vmm_idc_start(struct vmm *vm)
{
	pthread_t t;

	vm->inbound_epoll = epoll_create1(EPOLL_CLOEXEC);
	if (vm->inbound_epoll < 0 || pthread_create(&t, NULL, inbound_thread, vm))
		return -1;
	pthread_detach(t);
	return 0;
}

/* Both eventfds of a channel end in place; takes them (closed on failure). */
static int attach(struct vmm *vm, uint32_t port, int fds[LINK_MAX_FDS])
{
	int rc = -XEN_EINVAL;

	if (fds[0] >= 0 && fds[1] >= 0 && (rc = vmm_doorbell_add(vm, port, fds[0])) == 0) {
		fds[0] = -1;
		rc = inbound_add(vm, port, fds[1]);
		if (rc == 0)
			fds[1] = -1;
		else
			vmm_doorbell_drop(vm, port);
	}
	vmm_close_link_fds(fds);
	return rc;
}

static void send_close(struct vmm *vm, uint32_t port, uint32_t remote_dom, uint32_t remote_port)
{
	struct link_msg m = { .type = LINK_IDC_CLOSE, .port = port,
				   .remote_dom = remote_dom, .remote_port = remote_port };

	vmm_link_send(vm, &m);
}

long vmm_idc_bind(struct xk_domain *d, uint32_t port, xen_domid_t remote_dom,
		  uint32_t remote_port)
{
	struct vmm *vm = vmm_of(d);
	struct link_msg req = { .type = LINK_IDC_BIND, .port = port,
				     .remote_dom = remote_dom, .remote_port = remote_port };
	struct link_msg rep;
	int fds[LINK_MAX_FDS];
	int rc = vmm_link_call(vm, &req, &rep, fds);

	if (rc)
		return rc;
	if (rep.status) {
		vmm_close_link_fds(fds);
		return rep.status;
	}
	rc = attach(vm, port, fds);
	if (rc)
		send_close(vm, port, remote_dom, remote_port);
	return rc;
}

void vmm_idc_closed(struct xk_domain *d, uint32_t port, xen_domid_t remote_dom,
		    uint32_t remote_port)
{
	struct vmm *vm = vmm_of(d);

	vmm_doorbell_drop(vm, port);
	inbound_drop(vm, port);
	if (remote_dom != 0)
		send_close(vm, port, remote_dom, remote_port);
}

void vmm_idc_peer(struct vmm *vm, const struct link_msg *m, int fds[LINK_MAX_FDS])
{
	struct link_msg r = { .type = LINK_IDC_PEER_REPLY, .port = m->port,
				   .cookie = m->cookie };
	int rc = -XEN_EINVAL;

	if (m->remote_dom != 0 && m->remote_dom < XEN_DOMID_FIRST_RESERVED)
		rc = xk_evtchn_bind_remote(&vm->dom, m->port, (uint16_t)m->remote_dom,
					   m->remote_port);
	if (rc == 0 && (rc = attach(vm, m->port, fds)) != 0)
		xk_evtchn_unbind_remote(&vm->dom, m->port, (uint16_t)m->remote_dom);
	r.status = rc;
	vmm_link_send(vm, &r);
}

void vmm_idc_unbind(struct vmm *vm, uint32_t port, uint32_t remote_dom)
{
	if (remote_dom >= XEN_DOMID_FIRST_RESERVED ||
	    xk_evtchn_unbind_remote(&vm->dom, port, (uint16_t)remote_dom) < 0)
		return;
	vmm_doorbell_drop(vm, port);
	inbound_drop(vm, port);
}

void vmm_idc_orphan_reply(struct vmm *vm, const struct link_msg *m)
{
	send_close(vm, m->port, m->remote_dom, m->remote_port);
}

static void send_put(struct vmm *vm, xen_domid_t dom, uint32_t gref, bool writable)
{
	struct link_msg m = { .type = LINK_GRANT_PUT, .port = writable ? LINK_GRANT_WRITABLE : 0,
				   .remote_dom = dom, .arg = gref };

	vmm_link_send(vm, &m);
}

void *vmm_grant_foreign_get(struct xk_domain *d, xen_domid_t dom, uint32_t gref,
			    bool writable, int16_t *status)
{
	struct vmm *vm = vmm_of(d);
	struct link_msg req = { .type = LINK_GRANT_GET, .port = writable ? LINK_GRANT_WRITABLE : 0,
				     .remote_dom = dom, .arg = gref };
	struct link_msg rep;
	int fds[LINK_MAX_FDS];
	int rc = vmm_link_call(vm, &req, &rep, fds);
	void *page = MAP_FAILED;

	if (rc) {
		*status = rc == -XEN_ESRCH ? GNTST_bad_domain : GNTST_general_error;
		return NULL;
	}
	if (rep.status) {
		vmm_close_link_fds(fds);
		*status = (int16_t)rep.status;
		return NULL;
	}
	if (fds[0] >= 0)
		page = mmap(NULL, XEN_PAGE_SIZE, PROT_READ | (writable ? PROT_WRITE : 0),
			    MAP_SHARED, fds[0], (off_t)(rep.arg * XEN_PAGE_SIZE));
	vmm_close_link_fds(fds);
	if (page == MAP_FAILED) {
		send_put(vm, dom, gref, writable);
		*status = GNTST_general_error;
		return NULL;
	}
	return page;
}

void vmm_grant_foreign_put(struct xk_domain *d, xen_domid_t dom, uint32_t gref,
			   bool writable, void *page)
{
	munmap(page, XEN_PAGE_SIZE);
	send_put(vmm_of(d), dom, gref, writable);
}
