#include <string.h>
#include "xen-abi/abi-grant.h"
#include "xen-abi/grant-table.h"
#include "xen-abi/hypercalls.h"

_Static_assert(sizeof(((struct xk_grant_table *)0)->frame_gfn) / sizeof(uint64_t) ==
	       XK_MAX_GRANT_FRAMES, "one gfn slot per grant frame");

#define MAX_OPS_PER_CALL 4096	/* bounds the work one hypercall can ask for */

void xk_grant_init(struct xk_domain *d)
{
	d->grant.nr_frames = XK_GRANT_INITIAL_FRAMES;
	memset(d->grant.frame_gfn, 0xff, sizeof(d->grant.frame_gfn));
}

void xk_grant_destroy(struct xk_domain *d)
{
	xk_grant_unmap_all(d);
}

void *xk_grant_frame(struct xk_domain *d, unsigned i)
{
	return d->xen_pages + (size_t)(XK_XPAGE_GRANT_FIRST + i) * XEN_PAGE_SIZE;
}

long xk_grant_frame_for_map(struct xk_domain *d, uint64_t idx)
{
	if (idx & (1ull << 31))
		return -XEN_EINVAL;	/* status frames exist only in v2 */
	if (idx >= XK_MAX_GRANT_FRAMES)
		return -XEN_EINVAL;
	if (idx >= d->grant.nr_frames)
		d->grant.nr_frames = (unsigned)idx + 1;
	return (long)idx;
}

void xk_grant_frame_mapped(struct xk_domain *d, unsigned idx, uint64_t gfn)
{
	d->grant.frame_gfn[idx] = gfn;
}

void *xk_grant_get_page(struct xk_domain *d, uint32_t gref, uint16_t peer, bool writable)
{
	int64_t frame = xk_grant_claim(xk_grant_frame(d, 0), d->grant.nr_frames, gref, peer,
				       writable);
	uint64_t gpa = (uint64_t)frame << XEN_PAGE_SHIFT;

	if (frame < 0)
		return NULL;
	if (gmem_is_ram(&d->mem, gpa, XEN_PAGE_SIZE))
		return gmem_ptr(&d->mem, gpa);
	xk_grant_put_page(d, gref, writable);
	return NULL;
}

void xk_grant_put_page(struct xk_domain *d, uint32_t gref, bool writable)
{
	xk_grant_release(xk_grant_frame(d, 0), d->grant.nr_frames, gref, writable);
}

static bool is_self(struct xk_domain *d, uint16_t domid)
{
	return domid == XEN_DOMID_SELF || domid == d->domid;
}

static long setup_table(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct gnttab_setup_table64 op;
	uint64_t list;

	if (v->compat) {
		struct gnttab_setup_table32 c;
		if (xk_copy_from_guest(v, &c, arg, sizeof(c)))
			return -XEN_EFAULT;
		op = (struct gnttab_setup_table64){ .dom = c.dom, .nr_frames = c.nr_frames };
		list = c.frame_list;
	} else {
		if (xk_copy_from_guest(v, &op, arg, sizeof(op)))
			return -XEN_EFAULT;
		list = op.frame_list;
	}
	if (!is_self(d, op.dom)) {
		op.status = GNTST_bad_domain;
	} else if (op.nr_frames > XK_MAX_GRANT_FRAMES) {
		op.status = GNTST_general_error;
	} else {
		op.status = GNTST_okay;
		if (op.nr_frames > d->grant.nr_frames)
			d->grant.nr_frames = op.nr_frames;
		/*
		 * Translated guests get the frames' gfns (~0 where not mapped yet);
		 * PV guests the machine frames, which they map themselves.
		 */
		for (uint32_t i = 0; i < op.nr_frames; i++) {
			uint64_t gfn = d->pv ? d->xpages_mfn + XK_XPAGE_GRANT_FIRST + i
					     : d->grant.frame_gfn[i];
			if (xk_copy_to_guest(v, list + i * (v->compat ? 4 : 8), &gfn,
					     v->compat ? 4 : 8))
				return -XEN_EFAULT;
		}
	}
	/* status sits at offset 8 in both layouts */
	return xk_copy_to_guest(v, arg + 8, &op.status, sizeof(op.status)) ? -XEN_EFAULT : 0;
}

static long query_size(struct xk_vcpu *v, uint64_t arg)
{
	struct gnttab_query_size q;

	if (xk_copy_from_guest(v, &q, arg, sizeof(q)))
		return -XEN_EFAULT;
	if (!is_self(v->dom, q.dom)) {
		q.status = GNTST_bad_domain;
	} else {
		q.nr_frames = v->dom->grant.nr_frames;
		q.max_nr_frames = XK_MAX_GRANT_FRAMES;
		q.status = GNTST_okay;
	}
	return xk_copy_to_guest(v, arg, &q, sizeof(q)) ? -XEN_EFAULT : 0;
}

static long set_version(struct xk_vcpu *v, uint64_t arg)
{
	uint32_t version;

	if (xk_copy_from_guest(v, &version, arg, sizeof(version)))
		return -XEN_EFAULT;
	if (version != 1 && version != 2)
		return -XEN_EINVAL;
	if (version == 2)
		return -XEN_ENOSYS;	/* as Xen with grant v2 disabled */
	return 0;
}

static long get_version(struct xk_vcpu *v, uint64_t arg)
{
	struct gnttab_get_version g;

	if (xk_copy_from_guest(v, &g, arg, sizeof(g)))
		return -XEN_EFAULT;
	if (!is_self(v->dom, g.dom))
		return -XEN_ESRCH;
	g.version = 1;
	return xk_copy_to_guest(v, arg, &g, sizeof(g)) ? -XEN_EFAULT : 0;
}

struct copy_side {
	uint64_t ref_or_gmfn;
	uint16_t domid, offset;
	bool is_gref;
	void *page;
};

static int16_t acquire(struct xk_domain *d, struct copy_side *s, bool dest)
{
	int16_t st;

	if (s->is_gref) {
		if (s->ref_or_gmfn > UINT32_MAX)
			return GNTST_bad_gntref;
		s->page = xk_grant_page_get(d, s->domid, (uint32_t)s->ref_or_gmfn, dest, &st);
		return st;
	}
	/* Only a privileged domain may name another domain's frames. */
	if (!is_self(d, s->domid))
		return GNTST_permission_denied;
	if (s->ref_or_gmfn >= (1ull << 40) ||
	    !gmem_is_ram(&d->mem, s->ref_or_gmfn << XEN_PAGE_SHIFT, XEN_PAGE_SIZE))
		return GNTST_bad_page;
	s->page = gmem_ptr(&d->mem, s->ref_or_gmfn << XEN_PAGE_SHIFT);
	return GNTST_okay;
}

static void release(struct xk_domain *d, struct copy_side *s, bool dest)
{
	if (s->is_gref && s->page)
		xk_grant_page_put(d, s->domid, (uint32_t)s->ref_or_gmfn, dest, s->page);
}

static int16_t do_copy(struct xk_domain *d, struct copy_side *src, struct copy_side *dst,
		       uint16_t len)
{
	int16_t st;

	if ((uint32_t)src->offset + len > XEN_PAGE_SIZE ||
	    (uint32_t)dst->offset + len > XEN_PAGE_SIZE)
		return GNTST_bad_copy_arg;
	st = acquire(d, src, false);
	if (st != GNTST_okay)
		return st;
	st = acquire(d, dst, true);
	if (st == GNTST_okay)
		memmove((uint8_t *)dst->page + dst->offset, (uint8_t *)src->page + src->offset, len);
	release(d, dst, true);
	release(d, src, false);
	return st;
}

static long copy_one(struct xk_vcpu *v, uint64_t at)
{
	struct copy_side s = { 0 }, t = { 0 };
	uint16_t len, flags;
	int16_t st;
	uint64_t status_at;

	if (v->compat) {
		struct gnttab_copy32 c;
		if (xk_copy_from_guest(v, &c, at, sizeof(c)))
			return -XEN_EFAULT;
		s = (struct copy_side){ .ref_or_gmfn = c.source.ref_or_gmfn, .domid = c.source.domid, .offset = c.source.offset };
		t = (struct copy_side){ .ref_or_gmfn = c.dest.ref_or_gmfn, .domid = c.dest.domid, .offset = c.dest.offset };
		len = c.len, flags = c.flags;
		status_at = at + offsetof(struct gnttab_copy32, status);
	} else {
		struct gnttab_copy64 c;
		if (xk_copy_from_guest(v, &c, at, sizeof(c)))
			return -XEN_EFAULT;
		s = (struct copy_side){ .ref_or_gmfn = c.source.ref_or_gmfn, .domid = c.source.domid, .offset = c.source.offset };
		t = (struct copy_side){ .ref_or_gmfn = c.dest.ref_or_gmfn, .domid = c.dest.domid, .offset = c.dest.offset };
		len = c.len, flags = c.flags;
		status_at = at + offsetof(struct gnttab_copy64, status);
	}
	s.is_gref = flags & GNTCOPY_source_gref;
	t.is_gref = flags & GNTCOPY_dest_gref;
	st = do_copy(v->dom, &s, &t, len);
	return xk_copy_to_guest(v, status_at, &st, sizeof(st)) ? -XEN_EFAULT : 0;
}

long xk_hc_grant_table_op(struct xk_vcpu *v, const uint64_t a[6])
{
	uint64_t arg = a[1], count = a[2];
	size_t copy_size = v->compat ? sizeof(struct gnttab_copy32) : sizeof(struct gnttab_copy64);
	long rc = 0;

	if (count > MAX_OPS_PER_CALL)
		return -XEN_EINVAL;
	switch (a[0]) {
	case GNTTABOP_setup_table:
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
		/* These take exactly one op. */
		if (count != 1)
			return -XEN_EINVAL;
		break;
	}
	switch (a[0]) {
	case GNTTABOP_setup_table:
		return setup_table(v, arg);
	case GNTTABOP_query_size:
		return query_size(v, arg);
	case GNTTABOP_set_version:
		return set_version(v, arg);
	case GNTTABOP_get_version:
		return get_version(v, arg);
	case GNTTABOP_copy:
		for (uint64_t i = 0; i < count && !rc; i++)
			rc = copy_one(v, arg + i * copy_size);
		return rc;
	case GNTTABOP_map_grant_ref:
		return xk_grant_map_refs(v, arg, count);
	case GNTTABOP_unmap_grant_ref:
		return xk_grant_unmap_refs(v, arg, count);
	default:
		return xk_log_unimplemented(v->dom, XEN_HC_grant_table_op, (unsigned)a[0]);
	}
}
