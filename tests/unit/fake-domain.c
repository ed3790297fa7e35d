#include <stdlib.h>
#include <string.h>
#include "tests/unit/fake-domain.h"

static struct fake_platform *plat(struct xk_domain *d)
{
	return d->plat;
}

static uint64_t f_now(struct xk_domain *d) { return plat(d)->now_ns; }
static uint64_t f_wall(struct xk_domain *d) { return plat(d)->wallclock_ns; }
static void f_kick(struct xk_vcpu *v) { plat(v->dom)->kicks[v->id]++; }
static int f_memory_changed(struct xk_domain *d) { plat(d)->memory_changes++; return 0; }
static void f_timer_changed(struct xk_vcpu *v) { plat(v->dom)->timer_changes[v->id]++; }

static int f_block(struct xk_vcpu *v, uint64_t deadline_ns,
		   bool (*wake)(struct xk_vcpu *v, void *arg), void *arg)
{
	struct fake_platform *p = plat(v->dom);

	p->block_calls++;
	if (wake(v, arg))
		return 0;
	if (p->on_block) {
		p->on_block(v);
		if (wake(v, arg))
			return 0;
	}
	p->now_ns += p->block_advance_ns;
	if (wake(v, arg))
		return 0;
	return -XEN_ETIMEDOUT;
	(void)deadline_ns;
}

static void f_shutdown(struct xk_domain *d, unsigned reason)
{
	plat(d)->shutdown_calls++;
	plat(d)->shutdown_reason = reason;
}

/* Append to a capture buffer, keeping it a string; what does not fit is cut. */
static void capture(char *buf, size_t size, size_t *len, const char *in, size_t n)
{
	if (n > size - *len - 1)
		n = size - *len - 1;
	memcpy(buf + *len, in, n);
	*len += n;
	buf[*len] = 0;
}

static void f_console(struct xk_domain *d, const char *buf, size_t len)
{
	struct fake_platform *p = plat(d);

	capture(p->console, sizeof(p->console), &p->console_len, buf, len);
}

static void f_hv_console(struct xk_domain *d, const char *buf, size_t len)
{
	struct fake_platform *p = plat(d);

	capture(p->hv_console, sizeof(p->hv_console), &p->hv_console_len, buf, len);
}

static int f_vcpu_up(struct xk_vcpu *v) { plat(v->dom)->vcpu_up_calls++; return 0; }

static void f_log(struct xk_domain *d, const char *msg)
{
	strncpy(plat(d)->last_log, msg, sizeof(plat(d)->last_log) - 1);
}

static uint64_t f_read_tsc(struct xk_vcpu *v) { return plat(v->dom)->tsc; }

/* The channel the last send, bind or close was about, for the tests to look at. */
static struct fake_platform *note_channel(struct xk_domain *d, uint32_t port, xen_domid_t dom,
					  uint32_t remote_port)
{
	struct fake_platform *p = plat(d);

	p->last_local_port = port;
	p->last_remote_dom = dom;
	p->last_remote_port = remote_port;
	return p;
}

static void f_remote_send(struct xk_domain *d, uint32_t port, xen_domid_t dom,
			  uint32_t remote_port)
{
	note_channel(d, port, dom, remote_port)->remote_sends++;
}

static long f_bind_foreign(struct xk_domain *d, uint32_t port, xen_domid_t dom,
			   uint32_t remote_port)
{
	struct fake_platform *p = note_channel(d, port, dom, remote_port);

	p->foreign_binds++;
	return p->foreign_bind_result;
}

static void f_foreign_closed(struct xk_domain *d, uint32_t port, xen_domid_t dom,
			     uint32_t remote_port)
{
	note_channel(d, port, dom, remote_port)->foreign_closes++;
}

/* Another domain's grants: gref N of domain 7 is page N of foreign_ram. */
static void *f_grant_get(struct xk_domain *d, xen_domid_t dom, uint32_t gref, bool writable,
			 int16_t *status)
{
	struct fake_platform *p = plat(d);

	if (dom != 7) {
		*status = -2;	/* GNTST_bad_domain */
		return NULL;
	}
	if (gref >= FAKE_FOREIGN_PAGES || (writable && p->foreign_readonly)) {
		*status = -8;	/* GNTST_permission_denied */
		return NULL;
	}
	p->foreign_held++;
	return p->foreign_ram + (size_t)gref * 4096;
}

static void f_grant_put(struct xk_domain *d, xen_domid_t dom, uint32_t gref, bool writable,
			void *page)
{
	(void)dom, (void)gref, (void)writable, (void)page;
	plat(d)->foreign_held--;
}

static int f_release(struct xk_domain *d, uint64_t gpfn, uint64_t count)
{
	struct fake_platform *p = plat(d);
	struct fake_domain *fd = (struct fake_domain *)d;

	if (p->busy_frame >= 0 && (uint64_t)p->busy_frame - gpfn < count)
		return -XEN_EBUSY;
	memset(fd->ram + gpfn * 4096, 0, count * 4096);
	p->releases++;
	return 0;
}

static void f_reservation_changed(struct xk_domain *d) { plat(d)->reservation_changes++; }
static void f_vcpus_changed(struct xk_domain *d) { plat(d)->vcpus_changes++; }

static void f_m2p_set(struct xk_domain *d, uint64_t mfn, uint64_t pfn)
{
	if (mfn - 512 < 64)
		plat(d)->m2p[mfn - 512] = pfn;
}

static const struct xk_platform_ops fake_ops = {
	.release_frames = f_release,
	.reservation_changed = f_reservation_changed,
	.vcpus_changed = f_vcpus_changed,
	.m2p_set = f_m2p_set,
	.read_tsc = f_read_tsc,
	.evtchn_remote_send = f_remote_send,
	.evtchn_bind_foreign = f_bind_foreign,
	.evtchn_foreign_closed = f_foreign_closed,
	.grant_foreign_get = f_grant_get,
	.grant_foreign_put = f_grant_put,
	.now_ns = f_now,
	.wallclock_ns = f_wall,
	.vcpu_kick = f_kick,
	.memory_changed = f_memory_changed,
	.vcpu_block = f_block,
	.timer_changed = f_timer_changed,
	.shutdown = f_shutdown,
	.console_out = f_console,
	.hv_console_out = f_hv_console,
	.vcpu_up = f_vcpu_up,
	.log = f_log,
};

struct fake_domain *fake_domain_new(unsigned nr_vcpus)
{
	struct fake_domain *fd = calloc(1, sizeof(*fd));

	memset(fd, 0, sizeof(*fd));
	fd->ram = aligned_alloc(4096, FAKE_RAM_SIZE);
	memset(fd->ram, 0, FAKE_RAM_SIZE);
	fd->p.now_ns = 1000000000ull;
	fd->p.busy_frame = -1;
	fd->p.wallclock_ns = 1700000000ull * 1000000000ull;
	gmem_init(&fd->d.mem);
	gmem_add(&fd->d.mem, 0, FAKE_RAM_SIZE, fd->ram, GMEM_RAM);
	fd->d.max_pages = FAKE_RAM_SIZE / XEN_PAGE_SIZE;
	fd->d.tsc_khz = 2000000;
	fd->p.tsc = 5000000000ull;
	fd->d.e820[0] = (struct xk_e820){ 0, FAKE_RAM_SIZE, 1 };
	fd->d.nr_e820 = 1;
	fd->xen_pages = aligned_alloc(4096, XK_XPAGE_COUNT * XEN_PAGE_SIZE);
	memset(fd->xen_pages, 0, XK_XPAGE_COUNT * XEN_PAGE_SIZE);
	xk_domain_init(&fd->d, 1, nr_vcpus, fd->xen_pages, &fake_ops, &fd->p);
	for (unsigned i = 0; i < nr_vcpus; i++)
		fd->d.vcpu[i].paging.efer = GP_EFER_LMA;
	return fd;
}

void fake_domain_free(struct fake_domain *fd)
{
	xk_domain_destroy(&fd->d);
	gmem_destroy(&fd->d.mem);
	free(fd->ram);
	free(fd->xen_pages);
	free(fd);
}

long fake_hypercall(struct fake_domain *fd, unsigned vcpu, unsigned nr,
		    uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t a[6] = { a0, a1, a2, 0, 0, 0 };

	return xk_hypercall(&fd->d.vcpu[vcpu], nr, a);
}
