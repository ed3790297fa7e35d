/* xenkvmd's end of each domain's VMM link (see dom0-link.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "src/dom0-link.h"
#include "src/dom0.h"
#include "src/xs-server.h"

/* The store ring's doorbell: ask the VMM to raise the guest's store port. */
static void notify_guest(void *arg)
{
	struct domain *d = arg;
	uint32_t port = d->store_port;

	if (d->link_fd >= 0)
		send(d->link_fd, &port, sizeof(port), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static int receive_hello(struct dom0 *z, struct domain *d)
{
	struct dom0_link_hello h;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd = -1;
	void *ram;

	if (recvmsg(d->link_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT) != sizeof(h))
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	/* The VMM is ours, but a bad hello must still not take Dom0 down. */
	if (fd < 0 || h.magic != DOM0_LINK_MAGIC || h.domid != d->domid ||
	    h.store_pfn >= h.ram_size / 4096 || h.ram_size > (1ull << 40)) {
		dom0_log(z, "domain %u: malformed hello from its VMM", d->domid);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ram = mmap(NULL, h.ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (ram == MAP_FAILED) {
		dom0_log(z, "domain %u: cannot map its memory: %s", d->domid, strerror(errno));
		return -1;
	}
	d->ram = ram;
	d->ram_size = h.ram_size;
	d->store_port = h.store_port;
	if (xsd_attach_ring(z->xs, d->domid, (struct xs_ring_page *)((char *)ram + h.store_pfn * 4096),
			    notify_guest, d)) {
		dom0_log(z, "domain %u: cannot attach its xenstore ring", d->domid);
		return -1;
	}
	dom0_log(z, "domain %u: xenstore ring at pfn %#llx, port %u", d->domid,
		 (unsigned long long)h.store_pfn, h.store_port);
	return 0;
}

void dom0_link_readable(struct dom0 *z, struct domain *d)
{
	uint32_t port;
	ssize_t n;

	if (!d->ram) {
		if (receive_hello(z, d) < 0)
			dom0_link_close(d);
		return;
	}
	n = recv(d->link_fd, &port, sizeof(port), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		dom0_link_close(d);
		return;
	}
	if (n == sizeof(port) && port == d->store_port)
		xsd_ring_kick(z->xs, d->domid);
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
	if (d->ram)
		munmap(d->ram, d->ram_size);
	d->ram = NULL;
}
