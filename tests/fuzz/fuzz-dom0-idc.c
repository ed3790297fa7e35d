/*
 * libFuzzer target over xenkvmd's broker between DomUs (src/xenkvmd/dom0-idc.c and
 * the grant claims of src/xenkvmd/dom0-grant.c): two domains whose grant tables and
 * link messages come from the input, as a guest could steer its VMM's
 * requests. No message may crash Dom0 or leak a descriptor (the lowest free
 * one is the same after every run), and once both domains are gone no
 * grant entry may be left marked in use.
 * Build: make fuzz; run: build/fuzz-dom0-idc -max_total_time=600 DIR.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "src/common/fd-passing.h"
#include "src/xenkvmd/dom0-grant.h"
#include "src/xenkvmd/dom0-idc.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/domain.h"

#define RAM_PAGES 8
#define GREFS 16

/* xenkvmd's log; the broker's lines are of no interest here. */
void dom0_log(const char *fmt, ...)
{
	(void)fmt;
}

/* dom0-link.c's sender, without the rest of that file (xenstore, backends). */
int dom0_link_sendmsg(int link_fd, const struct link_msg *m, const int *fds, unsigned nfds)
{
	return send_with_fds(link_fd, m, sizeof(*m), fds, nfds, MSG_DONTWAIT);
}

static struct grant_entry_v1 *table(struct domain *d)
{
	return (struct grant_entry_v1 *)((uint8_t *)d->xen_pages +
					 XK_XPAGE_GRANT_FIRST * XEN_PAGE_SIZE);
}

static struct domain *add(struct dom0 *z, int *vmm_end)
{
	struct domain *d = domains_add(&z->doms, z->doms.head ? "b" : "a");
	int sv[2];

	if (!d || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		abort();
	d->link_fd = sv[0];
	*vmm_end = sv[1];
	d->ram_size = RAM_PAGES * XEN_PAGE_SIZE;
	d->ram_fd = memfd_create("fuzz-ram", MFD_CLOEXEC);
	if (d->ram_fd < 0 || ftruncate(d->ram_fd, (off_t)d->ram_size))
		abort();
	d->ram = mmap(NULL, d->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, d->ram_fd, 0);
	d->xen_pages_size = (uint64_t)XK_XPAGE_COUNT * XEN_PAGE_SIZE;
	d->xen_pages = calloc(1, d->xen_pages_size);
	if (d->ram == MAP_FAILED || !d->xen_pages)
		abort();
	d->vmm_pid = 4242;
	return d;
}

/* Whatever the VMMs were sent, descriptors closed. */
static void drain(int fd)
{
	struct link_msg m;
	char cbuf[CMSG_SPACE(sizeof(int) * LINK_MAX_FDS)];

	for (;;) {
		struct iovec iov = { &m, sizeof(m) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				      .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c;

		if (recvmsg(fd, &msg, MSG_DONTWAIT) <= 0)
			return;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			int *fds = (int *)CMSG_DATA(c);
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < n; i++)
				close(fds[i]);
		}
	}
}

static void deliver(struct dom0 *z, struct domain *d, struct link_msg *m)
{
	m->remote_dom %= 4;	/* 0..3: Dom0, the two, one that does not exist */
	switch (m->type % 5) {
	case 0: m->type = LINK_IDC_BIND; dom0_idc_bind(z, d, m); break;
	case 1: m->type = LINK_IDC_PEER_REPLY; dom0_idc_peer_reply(z, d, m); break;
	case 2: m->type = LINK_IDC_CLOSE; dom0_idc_close(z, d, m); break;
	case 3: m->type = LINK_GRANT_GET; m->arg %= GREFS + 2; dom0_idc_grant_get(z, d, m); break;
	case 4: m->type = LINK_GRANT_PUT; m->arg %= GREFS + 2; dom0_idc_grant_put(z, d, m); break;
	}
}

static void teardown(struct dom0 *z, int vmm_end[2])
{
	struct domain *d;

	for (d = z->doms.head; d; d = d->next)
		dom0_idc_domain_gone(z, d);
	for (d = z->doms.head; d; d = d->next)
		for (unsigned g = 0; g < GREFS; g++)
			if (table(d)[g].flags & (GTF_reading | GTF_writing))
				abort();	/* a claim outlived both domains */
	dom0_idc_free(z);
	for (d = z->doms.head; d; d = d->next) {
		dom0_gnt_forget(d);
		close(d->link_fd);
		munmap(d->ram, d->ram_size);
		close(d->ram_fd);
		free(d->xen_pages);
	}
	for (int i = 0; i < 2; i++) {
		drain(vmm_end[i]);
		close(vmm_end[i]);
	}
	domains_clear(&z->doms);
}

static int first_free_fd = -1;

static int lowest_free_fd(void)
{
	int fd = dup(2);

	if (fd >= 0)
		close(fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dom0 z;
	struct domain *dom[2];
	int vmm_end[2];
	size_t off = 0;

	if (first_free_fd < 0)
		first_free_fd = lowest_free_fd();
	memset(&z, 0, sizeof(z));
	domains_init(&z.doms);
	dom[0] = add(&z, &vmm_end[0]);
	dom[1] = add(&z, &vmm_end[1]);
	/* Each domain's first grants, as its guest wrote them (frames kept small). */
	for (int i = 0; i < 2; i++) {
		size_t n = sizeof(struct grant_entry_v1) * GREFS;

		if (size - off < n)
			break;
		memcpy(table(dom[i]), data + off, n);
		for (unsigned g = 0; g < GREFS; g++) {
			table(dom[i])[g].flags &= ~(GTF_reading | GTF_writing);
			table(dom[i])[g].domid %= 4;
			table(dom[i])[g].frame %= RAM_PAGES + 1;
		}
		off += n;
	}
	while (size - off >= 1 + sizeof(struct link_msg)) {
		struct link_msg m;
		struct domain *from = dom[data[off] & 1];

		memcpy(&m, data + off + 1, sizeof(m));
		off += 1 + sizeof(m);
		deliver(&z, from, &m);
		drain(vmm_end[0]);
		drain(vmm_end[1]);
	}
	teardown(&z, vmm_end);
	/* Every descriptor the broker made (eventfds, passed RAM) is closed again. */
	if (lowest_free_fd() != first_free_fd)
		abort();
	return 0;
}
