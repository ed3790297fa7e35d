#include "xen-abi/abi-memory.h"
#include "xen-abi/abi-pv.h"
#include "xen-abi/grant-table.h"
#include "xen-abi/hypercalls.h"
#include "xen-abi/reservation.h"

static bool is_self(struct xk_domain *d, uint16_t domid)
{
	return domid == XEN_DOMID_SELF || domid == d->domid;
}

/* Put one Xen-owned page at gpfn, removing it from wherever it was. */
static long map_xen_page(struct xk_domain *d, void *page, uint64_t gpfn)
{
	long rc;

	gmem_remove_host(&d->mem, page);
	rc = gmem_add(&d->mem, gpfn << XEN_PAGE_SHIFT, XEN_PAGE_SIZE, page, GMEM_XEN_PAGE);
	if (rc)
		return rc;
	return d->ops->memory_changed(d) ? -XEN_ENOMEM : 0;
}

static long add_to_physmap(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	uint16_t domid;
	uint32_t space;
	uint64_t idx, gpfn;
	long rc;

	if (v->compat) {
		struct xen_add_to_physmap32 x;
		if (xk_copy_from_guest(v, &x, arg, sizeof(x)))
			return -XEN_EFAULT;
		domid = x.domid, space = x.space, idx = x.idx, gpfn = x.gpfn;
	} else {
		struct xen_add_to_physmap64 x;
		if (xk_copy_from_guest(v, &x, arg, sizeof(x)))
			return -XEN_EFAULT;
		domid = x.domid, space = x.space, idx = x.idx, gpfn = x.gpfn;
	}
	if (!is_self(d, domid))
		return -XEN_ESRCH;
	if (gpfn > XK_MAX_GPFN)
		return -XEN_EINVAL;
	pthread_mutex_lock(&d->lock);
	switch (space) {
	case XENMAPSPACE_shared_info:
		if (idx != 0) {
			rc = -XEN_EINVAL;
			break;
		}
		rc = map_xen_page(d, d->shared_info, gpfn);
		if (!rc) {
			d->shared_info_gfn = gpfn;
			xk_latch_shinfo_layout(d, v->compat);
		}
		break;
	case XENMAPSPACE_grant_table:
		rc = xk_grant_frame_for_map(d, idx);
		if (rc >= 0)
			rc = map_xen_page(d, xk_grant_frame(d, (unsigned)rc), gpfn);
		if (!rc)
			xk_grant_frame_mapped(d, (unsigned)idx, gpfn);
		break;
	default:
		/* gmfn moves, foreign and device mappings have no meaning here yet. */
		rc = -XEN_EOPNOTSUPP;
		break;
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static long memory_map(struct xk_vcpu *v, uint64_t arg)
{
	struct xk_domain *d = v->dom;
	struct xen_e820_entry e[XK_MAX_E820];
	uint64_t buffer;
	uint32_t n;

	if (v->compat) {
		struct xen_memory_map32 m;
		if (xk_copy_from_guest(v, &m, arg, sizeof(m)))
			return -XEN_EFAULT;
		n = m.nr_entries, buffer = m.buffer;
	} else {
		struct xen_memory_map64 m;
		if (xk_copy_from_guest(v, &m, arg, sizeof(m)))
			return -XEN_EFAULT;
		n = m.nr_entries, buffer = m.buffer;
	}
	if (!d->nr_e820)
		return -XEN_ENOSYS;
	/* Xen hands back as many entries as fit. */
	if (n > d->nr_e820)
		n = d->nr_e820;
	for (uint32_t i = 0; i < n; i++)
		e[i] = (struct xen_e820_entry){ d->e820[i].addr, d->e820[i].size, d->e820[i].type };
	if (xk_copy_to_guest(v, buffer, e, n * sizeof(e[0])) ||
	    xk_copy_to_guest(v, arg, &n, sizeof(n)))
		return -XEN_EFAULT;
	return 0;
}

static long reservation(struct xk_vcpu *v, uint64_t arg, bool current)
{
	uint16_t domid;

	if (xk_copy_from_guest(v, &domid, arg, sizeof(domid)))
		return -XEN_EFAULT;
	if (!is_self(v->dom, domid))
		return -XEN_ESRCH;
	return (long)(current ? xk_current_pages(v->dom) : xk_max_pages(v->dom));
}

/* PV only: where the read-only M2P is mapped in every guest address space. */
static long machphys_mapping(struct xk_vcpu *v, uint64_t arg)
{
	struct xen_machphys_mapping m;

	if (!v->dom->pv)
		return -XEN_ENOSYS;
	m.v_start = v->dom->m2p_va;
	m.v_end = m.v_start + v->dom->m2p_entries * 8;
	m.max_mfn = v->dom->m2p_entries - 1;
	return xk_copy_to_guest(v, arg, &m, sizeof(m)) ? -XEN_EFAULT : 0;
}

long xk_hc_memory_op(struct xk_vcpu *v, const uint64_t a[6])
{
	/* The low bits carry the command; the rest is a continuation offset. */
	unsigned cmd = (unsigned)a[0] & XENMEM_CMD_MASK;
	uint64_t start = a[0] >> XENMEM_EXTENT_SHIFT;

	switch (cmd) {
	case XENMEM_decrease_reservation:
		return xk_mem_decrease_reservation(v, a[1], start);
	case XENMEM_increase_reservation:
		return xk_mem_populate(v, a[1], start, true);
	case XENMEM_populate_physmap:
		return xk_mem_populate(v, a[1], start, false);
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, a[1]);
	case XENMEM_memory_map:
		return memory_map(v, a[1]);
	case XENMEM_current_reservation:
		return reservation(v, a[1], true);
	case XENMEM_maximum_reservation:
		return reservation(v, a[1], false);
	case XENMEM_machphys_mapping:
		return machphys_mapping(v, a[1]);
	case XENMEM_maximum_ram_page:
		return (long)(gmem_ram_end(&v->dom->mem) >> XEN_PAGE_SHIFT) - 1;
	default:
		return xk_log_unimplemented(v->dom, XEN_HC_memory_op, cmd);
	}
}
