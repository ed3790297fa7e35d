/* xenkvmd's end of each domain's VMM link (protocol: src/common/link-proto.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "src/common/fd-passing.h"
#include "src/common/link-proto.h"
#include "src/xenkvmd/dom0.h"
#include "src/xenkvmd/dom0-grant.h"
#include "src/xenkvmd/dom0-idc.h"
#include "src/xenkvmd/backend.h"
#include "src/xenstored/xs-server.h"
#include "xen-abi/domain.h"

int dom0_link_sendmsg(int link_fd, const struct link_msg *m, const int *fds, unsigned nfds)
{
	if (nfds > LINK_MAX_FDS)
		return -1;
	return send_with_fds(link_fd, m, sizeof(*m), fds, nfds, MSG_DONTWAIT);
}

int dom0_link_send(int link_fd, uint32_t type, uint32_t port, uint32_t cookie, int pass_fd)
{
	struct link_msg m = { .type = type, .port = port, .cookie = cookie };

	return dom0_link_sendmsg(link_fd, &m, &pass_fd, pass_fd >= 0 ? 1 : 0);
}

/* The store ring's doorbell: ask the VMM to raise the guest's store port. */
static void notify_guest(void *arg)
{
	struct domain *d = arg;

	dom0_link_send(d->link_fd, LINK_RAISE, d->store_port, 0, -1);
}

static void *map_fd(int fd, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static bool hello_ok(const struct domain *d, const struct link_hello *h, const int fds[2])
{
	return fds[0] >= 0 && fds[1] >= 0 && h->magic == LINK_MAGIC &&
	       h->domid == d->domid && h->store_pfn < h->ram_size / 4096 &&
	       h->ram_size <= (1ull << 40) && h->xen_pages == XK_XPAGE_COUNT;
}

static int receive_hello(struct dom0 *z, struct domain *d)
{
	struct link_hello h;
	int fds[2] = { -1, -1 };
	char cbuf[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	if (recvmsg(d->link_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT) != sizeof(h))
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(fds)))
		memcpy(fds, CMSG_DATA(c), sizeof(fds));
	/* The VMM is ours, but a bad hello must still not take Dom0 down. */
	if (!hello_ok(d, &h, fds)) {
		dom0_log("domain %u: malformed hello from its VMM", d->domid);
		goto fail;
	}
	d->ram_size = h.ram_size;
	d->xen_pages_size = h.xen_pages * 4096;
	d->ram = map_fd(fds[0], h.ram_size);
	d->xen_pages = map_fd(fds[1], h.xen_pages * 4096);
	if (!d->ram || !d->xen_pages) {
		dom0_log("domain %u: cannot map its memory: %s", d->domid, strerror(errno));
		goto fail;
	}
	d->ram_fd = fds[0];
	close(fds[1]);
	d->store_port = h.store_port;
	if (xsd_attach_ring(z->xs, d->domid, (struct xs_ring_page *)((char *)d->ram + h.store_pfn * 4096),
			    notify_guest, d)) {
		dom0_log("domain %u: cannot attach its xenstore ring", d->domid);
		return -1;
	}
	dom0_log("domain %u: xenstore ring at pfn %#llx, port %u", d->domid,
		 (unsigned long long)h.store_pfn, h.store_port);
	dom0_answer_create(d, NULL);
	return 0;
fail:
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return -1;
}

static void handle(struct dom0 *z, struct domain *d, const struct link_msg *m)
{
	switch (m->type) {
	case LINK_NOTIFY:
		if (m->port == d->store_port)
			xsd_ring_kick(z->xs, d->domid);
		break;
	case LINK_BIND_REPLY:
		backend_bind_reply(z, d, m->port, m->cookie, m->status);
		break;
	case LINK_IDC_BIND:
		dom0_idc_bind(z, d, m);
		break;
	case LINK_IDC_PEER_REPLY:
		dom0_idc_peer_reply(z, d, m);
		break;
	case LINK_IDC_CLOSE:
		dom0_idc_close(z, d, m);
		break;
	case LINK_GRANT_GET:
		dom0_idc_grant_get(z, d, m);
		break;
	case LINK_GRANT_PUT:
		dom0_idc_grant_put(z, d, m);
		break;
	case LINK_VCPUS:
		/* Bits past its vCPUs would be the VMM's mistake: dropped. */
		if (d->maxvcpus < 64)
			d->vcpus_up = m->arg & ((1ull << d->maxvcpus) - 1);
		else
			d->vcpus_up = m->arg;
		break;
	case LINK_VCPU_THREAD:
		dom0_vcpu_thread(d, m->port, m->arg);
		break;
	case LINK_MEMORY:
		/* Never more than the RAM it was built with, whatever the VMM says. */
		d->held_pages = m->arg < d->ram_size / 4096 ? m->arg : d->ram_size / 4096;
		break;
	default:
		dom0_log("domain %u: VMM sent link message type %u; ignored", d->domid,
			 m->type);
	}
}

void dom0_link_readable(struct dom0 *z, struct domain *d)
{
	struct link_msg m;
	ssize_t n;

	if (!d->ram) {
		char byte;
		/* The end of the link before any hello: the reaper tells why. */
		bool ended = recv(d->link_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;

		if (receive_hello(z, d) < 0) {
			dom0_link_close(d);
			if (!ended)
				dom0_answer_create(d, "its VMM's hello could not be used "
						   "(see xl dmesg)");
		}
		return;
	}
	n = recv(d->link_fd, &m, sizeof(m), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		dom0_link_close(d);
		return;
	}
	if (n == sizeof(m))
		handle(z, d, &m);
}

void dom0_link_close(struct domain *d)
{
	if (d->link_fd >= 0)
		close(d->link_fd);
	d->link_fd = -1;
}

void dom0_link_unmap(struct domain *d)
{
	dom0_link_close(d);
	dom0_gnt_forget(d);
	if (d->ram)
		munmap(d->ram, d->ram_size);
	if (d->xen_pages)
		munmap(d->xen_pages, d->xen_pages_size);
	if (d->ram_fd >= 0)
		close(d->ram_fd);
	d->ram = d->xen_pages = NULL;
	d->ram_fd = -1;
}
