/* xenkvmd's broker for channels and grants between DomUs, driven over real link sockets. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "src/xenkvmd/dom0-grant.h"
#include "src/xenkvmd/dom0-idc.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/domain.h"

static struct dom0 z;
static struct domain *a, *b;
static int vmm_end[3];	/* the VMM side of each domain's link, by domid */

static struct domain *add(const char *name, int *vmm)
{
	struct domain *d = domains_add(&z.doms, name);
	int sv[2];

	cr_assert_not_null(d);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	d->link_fd = sv[0];
	*vmm = sv[1];
	d->ram_size = 64 * XEN_PAGE_SIZE;
	d->ram_fd = memfd_create("test-ram", MFD_CLOEXEC);
	cr_assert_eq(ftruncate(d->ram_fd, (off_t)d->ram_size), 0);
	d->ram = mmap(NULL, d->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, d->ram_fd, 0);
	d->xen_pages_size = (uint64_t)XK_XPAGE_COUNT * XEN_PAGE_SIZE;
	d->xen_pages = calloc(1, d->xen_pages_size);
	d->vmm_pid = 4242;
	return d;
}

static void setup(void)
{
	memset(&z, 0, sizeof(z));
	domains_init(&z.doms);
	a = add("a", &vmm_end[1]);
	b = add("b", &vmm_end[2]);
	cr_assert_eq(a->domid, 1);
	cr_assert_eq(b->domid, 2);
}

static void teardown(void)
{
	dom0_idc_free(&z);
	for (struct domain *d = z.doms.head; d; d = d->next) {
		dom0_gnt_forget(d);
		close(d->link_fd);
		munmap(d->ram, d->ram_size);
		close(d->ram_fd);
		free(d->xen_pages);
		d->ram = d->xen_pages = NULL;
	}
	close(vmm_end[1]);
	close(vmm_end[2]);
	domains_clear(&z.doms);
}

TestSuite(dom0_idc, .init = setup, .fini = teardown);

/* The next message a VMM got, with its descriptors (-1 where none). */
static struct link_msg got(unsigned domid, int fds[LINK_MAX_FDS])
{
	struct link_msg m = { 0 };
	char cbuf[CMSG_SPACE(sizeof(int) * LINK_MAX_FDS)];
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	fds[0] = fds[1] = -1;
	cr_assert_eq(recvmsg(vmm_end[domid], &msg, MSG_DONTWAIT), (ssize_t)sizeof(m),
		     "domain %u got no message", domid);
	c = CMSG_FIRSTHDR(&msg);
	if (c)
		memcpy(fds, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0));
	return m;
}

static bool nothing_for(unsigned domid)
{
	char buf[64];

	return recv(vmm_end[domid], buf, sizeof(buf), MSG_DONTWAIT) < 0;
}

static void close_fds(int fds[LINK_MAX_FDS])
{
	for (int i = 0; i < LINK_MAX_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* b binds a's port 3 from its port 5; a's VMM agrees. */
static void connect_pair(int a_fds[2], int b_fds[2])
{
	struct link_msg req = { .type = LINK_IDC_BIND, .port = 5, .cookie = 77,
				     .remote_dom = 1, .remote_port = 3 };
	struct link_msg m;

	dom0_idc_bind(&z, b, &req);
	m = got(1, a_fds);
	cr_assert_eq(m.type, LINK_IDC_PEER);
	cr_assert_eq(m.port, 3);
	cr_assert_eq(m.remote_dom, 2);
	cr_assert_eq(m.remote_port, 5);
	cr_assert(a_fds[0] >= 0 && a_fds[1] >= 0, "two eventfds for the peer");
	dom0_idc_peer_reply(&z, a, &(struct link_msg){ .type = LINK_IDC_PEER_REPLY,
							   .port = 3, .cookie = m.cookie });
	m = got(2, b_fds);
	cr_assert_eq(m.type, LINK_IDC_BIND_REPLY);
	cr_assert_eq(m.status, 0);
	cr_assert_eq(m.cookie, 77);
	cr_assert_eq(m.port, 5);
	cr_assert(b_fds[0] >= 0 && b_fds[1] >= 0, "two eventfds for the binder");
}

Test(dom0_idc, bind_pairs_both_ends_with_crossed_eventfds)
{
	int af[2], bf[2];
	uint64_t v = 1;

	connect_pair(af, bf);
	cr_assert_eq(dom0_idc_channels(&z), 1);
	/* b's doorbell is a's inbound, and the other way round. */
	cr_assert_eq(write(bf[0], &v, 8), 8);
	cr_assert_eq(read(af[1], &v, 8), 8);
	cr_assert_eq(v, 1);
	cr_assert_eq(write(af[0], &v, 8), 8);
	cr_assert_eq(read(bf[1], &v, 8), 8);
	close_fds(af);
	close_fds(bf);
}

Test(dom0_idc, close_unbinds_the_other_end_once)
{
	int af[2], bf[2], fds[2];
	struct link_msg close_msg = { .type = LINK_IDC_CLOSE, .port = 5, .remote_dom = 1,
					   .remote_port = 3 };
	struct link_msg m;

	connect_pair(af, bf);
	dom0_idc_close(&z, b, &close_msg);
	m = got(1, fds);
	cr_assert_eq(m.type, LINK_UNBIND);
	cr_assert_eq(m.port, 3);
	cr_assert_eq(m.remote_dom, 2);
	cr_assert_eq(dom0_idc_channels(&z), 0);
	dom0_idc_close(&z, b, &close_msg);
	cr_assert(nothing_for(1), "a second close of the same channel is ignored");
	close_fds(af);
	close_fds(bf);
}

static int bind_status(struct domain *from, uint32_t remote_dom)
{
	int fds[2];
	struct link_msg m;

	dom0_idc_bind(&z, from, &(struct link_msg){ .type = LINK_IDC_BIND, .port = 6,
							.cookie = 5, .remote_dom = remote_dom,
							.remote_port = 1 });
	m = got(from->domid, fds);
	cr_assert_eq(m.type, LINK_IDC_BIND_REPLY);
	cr_assert_eq(fds[0], -1, "no eventfds with a refusal");
	return m.status;
}

Test(dom0_idc, binds_to_nobody_are_refused_as_xen_does)
{
	int fds[2];
	struct link_msg m;

	cr_assert_eq(bind_status(b, 0), -XEN_EINVAL, "Dom0 has no unbound ports for guests");
	cr_assert_eq(bind_status(b, 9), -XEN_ESRCH, "no such domain");
	cr_assert_eq(bind_status(b, 2), -XEN_ESRCH, "itself goes the loopback way, not here");
	a->vmm_pid = 0;
	cr_assert_eq(bind_status(b, 1), -XEN_ESRCH, "a domain without a VMM");
	a->vmm_pid = 4242;
	/* The peer's VMM refuses (its port is not unbound for b). */
	dom0_idc_bind(&z, b, &(struct link_msg){ .type = LINK_IDC_BIND, .port = 6,
						     .cookie = 5, .remote_dom = 1, .remote_port = 9 });
	m = got(1, fds);
	close_fds(fds);
	dom0_idc_peer_reply(&z, a, &(struct link_msg){ .type = LINK_IDC_PEER_REPLY,
							   .port = 9, .status = -XEN_EINVAL,
							   .cookie = m.cookie });
	m = got(2, fds);
	cr_assert_eq(m.status, -XEN_EINVAL);
	cr_assert_eq(dom0_idc_channels(&z), 0);
	/* A forged answer (wrong port for the cookie) changes nothing. */
	dom0_idc_peer_reply(&z, a, &(struct link_msg){ .type = LINK_IDC_PEER_REPLY,
							   .port = 9, .cookie = m.cookie });
	cr_assert(nothing_for(2));
}

Test(dom0_idc, a_dead_domains_peers_are_unbound_and_waiters_answered)
{
	int af[2], bf[2], fds[2];
	struct link_msg m;

	connect_pair(af, bf);
	dom0_idc_domain_gone(&z, a);
	m = got(2, fds);
	cr_assert_eq(m.type, LINK_UNBIND);
	cr_assert_eq(m.port, 5);
	cr_assert_eq(m.remote_dom, 1);
	cr_assert_eq(dom0_idc_channels(&z), 0);
	/* A bind waiting on a peer that dies is answered -ESRCH. */
	dom0_idc_bind(&z, b, &(struct link_msg){ .type = LINK_IDC_BIND, .port = 7,
						     .cookie = 8, .remote_dom = 1, .remote_port = 4 });
	m = got(1, fds);
	close_fds(fds);
	dom0_idc_domain_gone(&z, a);
	m = got(2, fds);
	cr_assert_eq(m.type, LINK_IDC_BIND_REPLY);
	cr_assert_eq(m.cookie, 8);
	cr_assert_eq(m.status, -XEN_ESRCH);
	close_fds(af);
	close_fds(bf);
}

static struct grant_entry_v1 *table_of(struct domain *d)
{
	return (struct grant_entry_v1 *)((char *)d->xen_pages + XK_XPAGE_GRANT_FIRST * XEN_PAGE_SIZE);
}

static struct link_msg grant_get(uint64_t gref, uint32_t from_dom, bool writable, int *fd)
{
	int fds[2];
	struct link_msg m;

	dom0_idc_grant_get(&z, b, &(struct link_msg){
		.type = LINK_GRANT_GET, .port = writable ? LINK_GRANT_WRITABLE : 0, .cookie = 3,
		.remote_dom = from_dom, .arg = gref });
	m = got(2, fds);
	cr_assert_eq(m.type, LINK_GRANT_GET_REPLY);
	*fd = fds[0];
	return m;
}

Test(dom0_idc, grants_are_claimed_for_the_grantee_and_given_back)
{
	struct grant_entry_v1 *t = table_of(a);
	struct link_msg m;
	int fd;

	t[8] = (struct grant_entry_v1){ GTF_permit_access, 2, 3 };
	t[9] = (struct grant_entry_v1){ GTF_permit_access, 5, 4 };	/* for someone else */
	t[10] = (struct grant_entry_v1){ GTF_permit_access, 2, 1000 };	/* outside a's RAM */
	m = grant_get(8, 1, true, &fd);
	cr_assert_eq(m.status, GNTST_okay);
	cr_assert_eq(m.arg, 3, "the granted frame");
	cr_assert_geq(fd, 0, "the granter's RAM comes along");
	close(fd);
	cr_assert(t[8].flags & GTF_writing, "in use while b holds it");
	cr_assert_eq(grant_get(9, 1, false, &fd).status, GNTST_permission_denied);
	cr_assert_eq(grant_get(10, 1, false, &fd).status, GNTST_permission_denied);
	cr_assert_eq(grant_get(1u << 30, 1, false, &fd).status, GNTST_bad_gntref);
	cr_assert_eq(grant_get(8, 7, false, &fd).status, GNTST_bad_domain);
	cr_assert_eq(grant_get(8, 2, false, &fd).status, GNTST_bad_domain, "its own: not here");
	dom0_idc_grant_put(&z, b, &(struct link_msg){ .type = LINK_GRANT_PUT,
							  .port = LINK_GRANT_WRITABLE,
							  .remote_dom = 1, .arg = 8 });
	cr_assert_not(t[8].flags & GTF_writing);
	/* Held when the grantee dies: released for it. */
	cr_assert_eq(grant_get(8, 1, false, &fd).status, GNTST_okay);
	close(fd);
	cr_assert(t[8].flags & GTF_reading);
	dom0_idc_domain_gone(&z, b);
	cr_assert_not(t[8].flags & GTF_reading);
}
