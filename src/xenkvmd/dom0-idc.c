/* xenkvmd's broker for channels and grants between DomUs (see dom0-idc.h). */
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "src/xenkvmd/dom0-grant.h"
#include "src/xenkvmd/dom0-idc.h"
#include "xen-abi/abi-evtchn.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/domain.h"

struct idc_end {
	uint32_t dom, port;
};

/* b bound a's port (a allocated it unbound for b). */
struct idc_chan {
	struct idc_chan *next;
	struct idc_end a, b;
};

/* b asked to bind a's port; a's VMM has not answered yet. */
struct idc_pending {
	struct idc_pending *next;
	uint32_t cookie;	/* ours, towards a */
	uint32_t b_cookie;	/* b's, for its answer */
	struct idc_end a, b;
	int b_to_a, a_to_b;	/* eventfds: b's sends, a's sends */
};

struct idc_claim {
	struct idc_claim *next;
	uint32_t grantee, granter, gref;
	bool writable;
};

struct dom0_idc {
	struct idc_chan *chans;
	struct idc_pending *pending;
	struct idc_claim *claims;
	uint32_t next_cookie;
};

static struct dom0_idc *idc(struct dom0 *z)
{
	if (!z->idc)
		z->idc = calloc(1, sizeof(*z->idc));
	return z->idc;
}

static bool same(struct idc_end e, uint32_t dom, uint32_t port)
{
	return e.dom == dom && e.port == port;
}

static void bind_reply(struct domain *d, const struct link_msg *req, int status,
		       const int *fds, unsigned nfds)
{
	struct link_msg r = { .type = LINK_IDC_BIND_REPLY, .port = req->port,
				   .status = status, .cookie = req->cookie,
				   .remote_dom = req->remote_dom, .remote_port = req->remote_port };

	dom0_link_sendmsg(d->link_fd, &r, fds, nfds);
}

static void send_unbind(struct domain *d, uint32_t port, uint32_t remote_dom)
{
	struct link_msg m = { .type = LINK_UNBIND, .port = port, .remote_dom = remote_dom };

	if (d)
		dom0_link_sendmsg(d->link_fd, &m, NULL, 0);
}

/* A live peer whose VMM can be asked: Xen's -ESRCH otherwise. */
static struct domain *live_peer(struct dom0 *z, struct domain *self, uint32_t domid)
{
	struct domain *p = domains_by_id(&z->doms, domid);

	if (!p || p == self || p->link_fd < 0 || !p->ram || p->vmm_pid == 0)
		return NULL;
	return p;
}

static void free_pending(struct idc_pending *p)
{
	close(p->b_to_a);
	close(p->a_to_b);
	free(p);
}

void dom0_idc_bind(struct dom0 *z, struct domain *d, const struct link_msg *m)
{
	struct dom0_idc *x = idc(z);
	struct domain *peer;
	struct idc_pending *p;
	struct link_msg ask = { .type = LINK_IDC_PEER, .remote_dom = d->domid,
				     .remote_port = m->port };
	int fds[2];

	/* Dom0 keeps no unbound ports of its own for guests to bind. */
	if (m->remote_dom == 0) {
		bind_reply(d, m, -XEN_EINVAL, NULL, 0);
		return;
	}
	peer = live_peer(z, d, m->remote_dom);
	p = x && peer ? calloc(1, sizeof(*p)) : NULL;
	if (!p) {
		bind_reply(d, m, peer ? -XEN_ENOMEM : -XEN_ESRCH, NULL, 0);
		return;
	}
	*p = (struct idc_pending){ .cookie = ++x->next_cookie, .b_cookie = m->cookie,
				   .a = { peer->domid, m->remote_port }, .b = { d->domid, m->port },
				   .b_to_a = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
				   .a_to_b = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) };
	/* The peer signals its sends on a_to_b and is woken by b_to_a. */
	fds[0] = p->a_to_b;
	fds[1] = p->b_to_a;
	ask.port = p->a.port;
	ask.cookie = p->cookie;
	if (p->b_to_a < 0 || p->a_to_b < 0 || dom0_link_sendmsg(peer->link_fd, &ask, fds, 2) < 0) {
		bind_reply(d, m, -XEN_ESRCH, NULL, 0);
		free_pending(p);
		return;
	}
	p->next = x->pending;
	x->pending = p;
}

static struct idc_pending *take_pending(struct dom0_idc *x, uint32_t cookie, uint32_t dom,
					uint32_t port)
{
	for (struct idc_pending **pp = &x->pending; *pp; pp = &(*pp)->next) {
		struct idc_pending *p = *pp;

		if (p->cookie == cookie && same(p->a, dom, port)) {
			*pp = p->next;
			return p;
		}
	}
	return NULL;
}

static bool add_chan(struct dom0_idc *x, struct idc_end a, struct idc_end b)
{
	struct idc_chan *c = calloc(1, sizeof(*c));

	if (!c)
		return false;
	*c = (struct idc_chan){ x->chans, a, b };
	x->chans = c;
	return true;
}

void dom0_idc_peer_reply(struct dom0 *z, struct domain *d, const struct link_msg *m)
{
	struct dom0_idc *x = idc(z);
	struct idc_pending *p = x ? take_pending(x, m->cookie, d->domid, m->port) : NULL;
	struct domain *b;
	struct link_msg req;
	int fds[2];

	if (!p) {
		dom0_log("domain %u: answer to an unknown channel request", d->domid);
		return;
	}
	b = domains_by_id(&z->doms, p->b.dom);
	req = (struct link_msg){ .port = p->b.port, .cookie = p->b_cookie,
				      .remote_dom = p->a.dom, .remote_port = p->a.port };
	fds[0] = p->b_to_a;
	fds[1] = p->a_to_b;
	if (m->status != 0) {
		if (b)
			bind_reply(b, &req, m->status, NULL, 0);
	} else if (b && b->link_fd >= 0 && add_chan(x, p->a, p->b)) {
		bind_reply(b, &req, 0, fds, 2);
		dom0_log("channel: domain %u port %u <-> domain %u port %u", p->a.dom,
			 p->a.port, p->b.dom, p->b.port);
	} else {
		/* The binder went away (or no memory): the peer's port unbinds again. */
		send_unbind(d, p->a.port, p->b.dom);
	}
	free_pending(p);
}

void dom0_idc_close(struct dom0 *z, struct domain *d, const struct link_msg *m)
{
	struct dom0_idc *x = idc(z);

	for (struct idc_chan **cp = x ? &x->chans : NULL; cp && *cp; cp = &(*cp)->next) {
		struct idc_chan *c = *cp;
		struct idc_end other;

		if (same(c->a, d->domid, m->port) && same(c->b, m->remote_dom, m->remote_port))
			other = c->b;
		else if (same(c->b, d->domid, m->port) && same(c->a, m->remote_dom, m->remote_port))
			other = c->a;
		else
			continue;
		send_unbind(domains_by_id(&z->doms, other.dom), other.port, d->domid);
		*cp = c->next;
		free(c);
		return;
	}
}

static void grant_reply(struct domain *d, const struct link_msg *req, int status,
			uint64_t frame, int fd)
{
	struct link_msg r = { .type = LINK_GRANT_GET_REPLY, .port = req->port,
				   .status = status, .cookie = req->cookie,
				   .remote_dom = req->remote_dom, .arg = frame };

	dom0_link_sendmsg(d->link_fd, &r, &fd, fd >= 0 ? 1 : 0);
}

void dom0_idc_grant_get(struct dom0 *z, struct domain *d, const struct link_msg *m)
{
	struct dom0_idc *x = idc(z);
	bool writable = m->port & LINK_GRANT_WRITABLE;
	struct domain *g = domains_by_id(&z->doms, m->remote_dom);
	struct idc_claim *c;
	int64_t frame;

	if (!g || g == d || !g->xen_pages || g->ram_fd < 0) {
		grant_reply(d, m, GNTST_bad_domain, 0, -1);
		return;
	}
	if (m->arg >= (uint64_t)XK_MAX_GRANT_FRAMES * (XEN_PAGE_SIZE / 8)) {
		grant_reply(d, m, GNTST_bad_gntref, 0, -1);
		return;
	}
	c = x ? calloc(1, sizeof(*c)) : NULL;
	frame = c ? dom0_gnt_claim_for(g, (uint32_t)m->arg, (uint16_t)d->domid, writable) : -1;
	if (frame < 0) {
		free(c);
		grant_reply(d, m, c ? GNTST_permission_denied : GNTST_general_error, 0, -1);
		return;
	}
	*c = (struct idc_claim){ x->claims, d->domid, g->domid, (uint32_t)m->arg, writable };
	x->claims = c;
	grant_reply(d, m, GNTST_okay, (uint64_t)frame, g->ram_fd);
}

static void release(struct dom0 *z, struct idc_claim *c)
{
	struct domain *g = domains_by_id(&z->doms, c->granter);

	if (g)
		dom0_gnt_put(g, c->gref, c->writable);
	free(c);
}

void dom0_idc_grant_put(struct dom0 *z, struct domain *d, const struct link_msg *m)
{
	struct dom0_idc *x = idc(z);

	for (struct idc_claim **cp = x ? &x->claims : NULL; cp && *cp; cp = &(*cp)->next) {
		struct idc_claim *c = *cp;

		if (c->grantee == d->domid && c->granter == m->remote_dom && c->gref == m->arg &&
		    c->writable == !!(m->port & LINK_GRANT_WRITABLE)) {
			*cp = c->next;
			release(z, c);
			return;
		}
	}
	dom0_log("domain %u: gave back grant %llu of domain %u it did not hold", d->domid,
		 (unsigned long long)m->arg, m->remote_dom);
}

static void drop_chans_of(struct dom0 *z, struct dom0_idc *x, uint32_t dom)
{
	for (struct idc_chan **cp = &x->chans; *cp;) {
		struct idc_chan *c = *cp;

		if (c->a.dom != dom && c->b.dom != dom) {
			cp = &c->next;
			continue;
		}
		if (c->a.dom == dom)
			send_unbind(domains_by_id(&z->doms, c->b.dom), c->b.port, dom);
		else
			send_unbind(domains_by_id(&z->doms, c->a.dom), c->a.port, dom);
		*cp = c->next;
		free(c);
	}
}

static void drop_pending_on(struct dom0 *z, struct dom0_idc *x, uint32_t dom)
{
	for (struct idc_pending **pp = &x->pending; *pp;) {
		struct idc_pending *p = *pp;
		struct domain *b = domains_by_id(&z->doms, p->b.dom);
		struct link_msg req = { .port = p->b.port, .cookie = p->b_cookie,
					     .remote_dom = p->a.dom, .remote_port = p->a.port };

		/* A binder that died is handled when the peer answers. */
		if (p->a.dom != dom) {
			pp = &p->next;
			continue;
		}
		if (b)
			bind_reply(b, &req, -XEN_ESRCH, NULL, 0);
		*pp = p->next;
		free_pending(p);
	}
}

static void drop_claims_of(struct dom0 *z, struct dom0_idc *x, uint32_t dom)
{
	for (struct idc_claim **cp = &x->claims; *cp;) {
		struct idc_claim *c = *cp;

		if (c->grantee != dom && c->granter != dom) {
			cp = &c->next;
			continue;
		}
		*cp = c->next;
		release(z, c);
	}
}

void dom0_idc_domain_gone(struct dom0 *z, struct domain *d)
{
	struct dom0_idc *x = z->idc;

	if (!x)
		return;
	drop_chans_of(z, x, d->domid);
	drop_pending_on(z, x, d->domid);
	drop_claims_of(z, x, d->domid);
}

void dom0_idc_free(struct dom0 *z)
{
	struct dom0_idc *x = z->idc;

	if (!x)
		return;
	while (x->chans) {
		struct idc_chan *c = x->chans;
		x->chans = c->next;
		free(c);
	}
	while (x->pending) {
		struct idc_pending *p = x->pending;
		x->pending = p->next;
		free_pending(p);
	}
	while (x->claims) {
		struct idc_claim *c = x->claims;
		x->claims = c->next;
		free(c);
	}
	free(x);
	z->idc = NULL;
}

unsigned dom0_idc_channels(const struct dom0 *z)
{
	unsigned n = 0;

	for (const struct idc_chan *c = z->idc ? z->idc->chans : NULL; c; c = c->next)
		n++;
	return n;
}
