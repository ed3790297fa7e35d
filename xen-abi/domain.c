#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "xen-abi/domain.h"
#include "xen-abi/reservation.h"
#include "xen-abi/time.h"

int xk_domain_init(struct xk_domain *d, xen_domid_t domid, unsigned nr_vcpus,
		   void *xen_pages, const struct xk_platform_ops *ops, void *plat)
{
	void *shared_info_page = xen_pages;

	if (nr_vcpus == 0 || nr_vcpus > XK_MAX_VCPUS || !xen_pages)
		return -XEN_EINVAL;
	d->xen_pages = xen_pages;
	d->domid = domid;
	d->nr_vcpus = nr_vcpus;
	d->shared_info = shared_info_page;
	d->shared_info_gfn = XK_GFN_NONE;
	d->ops = ops;
	d->plat = plat;
	pthread_mutex_init(&d->lock, NULL);
	if (xk_reservation_init(d))
		return -XEN_ENOMEM;
	memset(shared_info_page, 0, XEN_PAGE_SIZE);
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct xk_vcpu *v = &d->vcpu[i];
		v->dom = d;
		v->id = i;
		v->online = (i == 0);
		v->initialised = (i == 0);
		v->vcpu_info = &((struct xen_shared_info64 *)shared_info_page)->vcpu_info[i];
		/* Xen starts every vCPU with event delivery masked. */
		*xk_upcall_mask(v) = 1;
	}
	xk_evtchn_init(d);
	xk_grant_init(d);
	xk_hvm_params_init(d);
	return 0;
}

void xk_domain_destroy(struct xk_domain *d)
{
	xk_grant_destroy(d);
	xk_reservation_destroy(d);
	pthread_mutex_destroy(&d->lock);
}

struct xen_vcpu_time_info *xk_vcpu_time(struct xk_vcpu *v)
{
	/* 'time' sits at offset 32 in both layouts. */
	return &((struct xen_vcpu_info64 *)v->vcpu_info)->time;
}

int xk_copy_from_guest(struct xk_vcpu *v, void *dst, uint64_t gva, size_t len)
{
	return guest_read(&v->dom->mem, &v->paging, gva, dst, len);
}

int xk_copy_to_guest(struct xk_vcpu *v, uint64_t gva, const void *src, size_t len)
{
	return guest_write(&v->dom->mem, &v->paging, gva, src, len);
}

void xk_log(struct xk_domain *d, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (d->ops && d->ops->log)
		d->ops->log(d, buf);
	else
		fprintf(stderr, "xenkvm: dom%u: %s\n", d->domid, buf);
}

bool xk_log_once(struct xk_domain *d, unsigned family, unsigned op)
{
	/* Ops above 62 share the last bit: they are all unknown to Xen too. */
	uint64_t m = 1ull << (op < 63 ? op : 63);

	if (family >= XEN_HC_COUNT)
		family = XEN_HC_COUNT - 1;
	return !(__atomic_fetch_or(&d->unimplemented_seen[family], m, __ATOMIC_RELAXED) & m);
}

long xk_log_unimplemented(struct xk_domain *d, unsigned family, unsigned op)
{
	if (xk_log_once(d, family, op))
		xk_log(d, "hypercall %u op %u not implemented: -ENOSYS", family, op);
	return -XEN_ENOSYS;
}

void xk_latch_shinfo_layout(struct xk_domain *d, bool compat)
{
	d->shinfo32 = compat;
	/* The wallclock fields move with the layout: rewrite them, as Xen does. */
	xk_time_update_wallclock(d);
}
