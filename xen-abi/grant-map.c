/*
 * Grants as the mapping side uses them: a page granted by this domain or by
 * another (through the platform's broker), and GNTTABOP_map_grant_ref /
 * unmap_grant_ref, which lay such a page over the guest's physmap.
 */
#include <string.h>
#include "xen-abi/abi-grant.h"
#include "xen-abi/grant-table.h"
#include "xen-abi/hypercalls.h"

static bool is_self(struct xk_domain *d, uint16_t domid)
{
	return domid == XEN_DOMID_SELF || domid == d->domid;
}

void *xk_grant_page_get(struct xk_domain *d, uint16_t dom, uint32_t gref, bool writable,
			int16_t *status)
{
	void *page;

	if (is_self(d, dom)) {
		page = xk_grant_get_page(d, gref, d->domid, writable);
		*status = page ? GNTST_okay : GNTST_bad_gntref;
		return page;
	}
	if (!d->ops->grant_foreign_get) {
		*status = GNTST_bad_domain;
		return NULL;
	}
	*status = GNTST_general_error;
	page = d->ops->grant_foreign_get(d, dom, gref, writable, status);
	if (page)
		*status = GNTST_okay;
	return page;
}

void xk_grant_page_put(struct xk_domain *d, uint16_t dom, uint32_t gref, bool writable,
		       void *page)
{
	if (is_self(d, dom))
		xk_grant_put_page(d, gref, writable);
	else
		d->ops->grant_foreign_put(d, dom, gref, writable, page);
}

static int free_handle(struct xk_domain *d)
{
	for (int h = 0; h < XK_MAX_GRANT_MAPS; h++)
		if (!d->grant.map[h].used)
			return h;
	return -1;
}

/* Xen's answer for a map request, before anything is touched. */
static int16_t check_map_request(struct xk_domain *d, const struct gnttab_map_grant_ref *op)
{
	if (d->pv) {
		/* PV maps edit the caller's page tables; not implemented yet. */
		if (xk_log_once(d, XEN_HC_grant_table_op, GNTTABOP_map_grant_ref))
			xk_log(d, "GNTTABOP_map_grant_ref from a PV guest is not supported");
		return GNTST_general_error;
	}
	if (!(op->flags & GNTMAP_host_map) || (op->flags & GNTMAP_contains_pte))
		return GNTST_general_error;
	if (op->host_addr >> XEN_PAGE_SHIFT >= (1ull << 40) >> XEN_PAGE_SHIFT)
		return GNTST_bad_virt_addr;
	return GNTST_okay;
}

static int16_t map_one(struct xk_domain *d, struct gnttab_map_grant_ref *op)
{
	bool ro = op->flags & GNTMAP_readonly;
	uint64_t gpa = op->host_addr & ~(uint64_t)(XEN_PAGE_SIZE - 1);
	struct xk_grant_mapping *m;
	int16_t st = check_map_request(d, op);
	int h;
	void *page;

	if (st != GNTST_okay)
		return st;
	pthread_mutex_lock(&d->lock);
	h = free_handle(d);
	if (h >= 0)
		d->grant.map[h].used = true;	/* reserved while the broker answers */
	pthread_mutex_unlock(&d->lock);
	if (h < 0)
		return GNTST_no_device_space;
	m = &d->grant.map[h];
	page = xk_grant_page_get(d, op->dom, op->ref, !ro, &st);
	if (page && gmem_add(&d->mem, gpa, XEN_PAGE_SIZE, page,
			     ro ? GMEM_FOREIGN_RO : GMEM_FOREIGN) < 0) {
		xk_grant_page_put(d, op->dom, op->ref, !ro, page);
		page = NULL;
		st = GNTST_no_device_space;
	}
	if (!page) {
		m->used = false;
		return st;
	}
	pthread_mutex_lock(&d->lock);
	*m = (struct xk_grant_mapping){ true, ro, is_self(d, op->dom) ? d->domid : op->dom,
					op->ref, gpa, page };
	pthread_mutex_unlock(&d->lock);
	d->ops->memory_changed(d);
	op->handle = (uint32_t)h;
	op->dev_bus_addr = 0;
	return GNTST_okay;
}

/* m was taken out of the table already; undo what map_one did. */
static void drop_mapping(struct xk_domain *d, const struct xk_grant_mapping *m)
{
	gmem_remove_host(&d->mem, m->page);
	d->ops->memory_changed(d);
	xk_grant_page_put(d, m->dom, m->gref, !m->readonly, m->page);
}

/* Take handle h out of the table (if it matches host_addr); false if it cannot. */
static int16_t take_mapping(struct xk_domain *d, uint32_t h, uint64_t host_addr,
			    struct xk_grant_mapping *out)
{
	struct xk_grant_mapping *m;
	int16_t st = GNTST_okay;

	if (h >= XK_MAX_GRANT_MAPS)
		return GNTST_bad_handle;
	pthread_mutex_lock(&d->lock);
	m = &d->grant.map[h];
	if (!m->used || !m->page)
		st = GNTST_bad_handle;
	/* host_addr 0 means "wherever it is"; otherwise it must match. */
	else if (host_addr && (host_addr & ~(uint64_t)(XEN_PAGE_SIZE - 1)) != m->gpa)
		st = GNTST_general_error;
	if (st == GNTST_okay) {
		*out = *m;
		memset(m, 0, sizeof(*m));
	}
	pthread_mutex_unlock(&d->lock);
	return st;
}

static int16_t unmap_one(struct xk_domain *d, const struct gnttab_unmap_grant_ref *op)
{
	struct xk_grant_mapping m;
	int16_t st = take_mapping(d, op->handle, op->host_addr, &m);

	if (st == GNTST_okay)
		drop_mapping(d, &m);
	return st;
}

long xk_grant_map_refs(struct xk_vcpu *v, uint64_t arg, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = arg + i * sizeof(struct gnttab_map_grant_ref);
		struct gnttab_map_grant_ref op;

		if (xk_copy_from_guest(v, &op, at, sizeof(op)))
			return -XEN_EFAULT;
		op.status = map_one(v->dom, &op);
		if (xk_copy_to_guest(v, at, &op, sizeof(op)))
			return -XEN_EFAULT;
	}
	return 0;
}

long xk_grant_unmap_refs(struct xk_vcpu *v, uint64_t arg, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = arg + i * sizeof(struct gnttab_unmap_grant_ref);
		struct gnttab_unmap_grant_ref op;

		if (xk_copy_from_guest(v, &op, at, sizeof(op)))
			return -XEN_EFAULT;
		op.status = unmap_one(v->dom, &op);
		if (xk_copy_to_guest(v, at, &op, sizeof(op)))
			return -XEN_EFAULT;
	}
	return 0;
}

void xk_grant_unmap_all(struct xk_domain *d)
{
	struct xk_grant_mapping m;

	for (uint32_t h = 0; h < XK_MAX_GRANT_MAPS; h++)
		if (take_mapping(d, h, 0, &m) == GNTST_okay)
			drop_mapping(d, &m);
}
