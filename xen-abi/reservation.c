/*
 * A domain's memory reservation: the RAM frames it holds, the ones a balloon
 * driver gave back (decrease_reservation) and takes again (populate_physmap,
 * increase_reservation). A frame given back loses its backing on the host
 * (ops->release_frames) and reads as zeros when it comes back.
 *
 * A PV guest's machine frames are the VMM's RAM frames: populate_physmap
 * gives it the frame at the guest frame it names when that one is free
 * (machine frames equal guest frames as at boot), else the lowest free one,
 * and says so in the M2P. Xen runs long lists in preemptible pieces; here a
 * list runs to its end in one call, bounded by the domain's RAM.
 */
#include <stdlib.h>
#include "xen-abi/abi-memory.h"
#include "xen-abi/hypercalls.h"
#include "xen-abi/reservation.h"

/* Xen lets an unprivileged domain allocate at most 2 MiB extents. */
#define MAX_EXTENT_ORDER 9

/* memory_op "op" above Xen's, for saying a guest's misstep once. */
enum { NOTE_OUTSIDE_RAM = 51 };

struct resv {
	uint64_t list;		/* guest address of the extent list */
	uint64_t nr;
	unsigned order;
	uint32_t flags;
	uint16_t domid;
	bool compat;		/* 32-bit list entries */
};

static bool is_absent(const struct xk_domain *d, uint64_t f)
{
	return d->absent[f / 64] >> (f % 64) & 1;
}

static void set_absent(struct xk_domain *d, uint64_t f, bool absent)
{
	if (absent)
		d->absent[f / 64] |= 1ull << (f % 64);
	else
		d->absent[f / 64] &= ~(1ull << (f % 64));
}

int xk_reservation_init(struct xk_domain *d)
{
	d->ram_frames = gmem_ram_end(&d->mem) / XEN_PAGE_SIZE;
	d->absent = calloc((d->ram_frames + 63) / 64 + 1, sizeof(uint64_t));
	if (!d->absent)
		return -XEN_ENOMEM;
	d->tot_pages = 0;
	for (uint64_t f = 0; f < d->ram_frames; f++)
		d->tot_pages += gmem_is_ram(&d->mem, f * XEN_PAGE_SIZE, XEN_PAGE_SIZE);
	return 0;
}

void xk_reservation_hold_first(struct xk_domain *d, uint64_t frames)
{
	pthread_mutex_lock(&d->lock);
	for (uint64_t f = frames; f < d->ram_frames; f++) {
		if (!is_absent(d, f) && gmem_is_ram(&d->mem, f * XEN_PAGE_SIZE, XEN_PAGE_SIZE)) {
			set_absent(d, f, true);
			d->tot_pages--;
		}
	}
	pthread_mutex_unlock(&d->lock);
}

void xk_reservation_destroy(struct xk_domain *d)
{
	free(d->absent);
	d->absent = NULL;
}

bool xk_frame_held(struct xk_domain *d, uint64_t gpfn)
{
	bool held;

	pthread_mutex_lock(&d->lock);
	held = gpfn < d->ram_frames && !is_absent(d, gpfn) &&
	       gmem_is_plain_ram(&d->mem, gpfn * XEN_PAGE_SIZE, XEN_PAGE_SIZE);
	pthread_mutex_unlock(&d->lock);
	return held;
}

static int read_resv(struct xk_vcpu *v, uint64_t arg, struct resv *r)
{
	if (v->compat) {
		struct xen_memory_reservation32 x;

		if (xk_copy_from_guest(v, &x, arg, sizeof(x)))
			return -XEN_EFAULT;
		*r = (struct resv){ x.extent_start, x.nr_extents, x.extent_order, x.mem_flags,
				    x.domid, true };
	} else {
		struct xen_memory_reservation64 x;

		if (xk_copy_from_guest(v, &x, arg, sizeof(x)))
			return -XEN_EFAULT;
		*r = (struct resv){ x.extent_start, x.nr_extents, x.extent_order, x.mem_flags,
				    x.domid, false };
	}
	return 0;
}

static int read_extent(struct xk_vcpu *v, const struct resv *r, uint64_t i, uint64_t *frame)
{
	uint32_t f32;

	if (!r->compat)
		return xk_copy_from_guest(v, frame, r->list + i * 8, 8);
	if (xk_copy_from_guest(v, &f32, r->list + i * 4, 4))
		return -XEN_EFAULT;
	*frame = f32;
	return 0;
}

static int write_extent(struct xk_vcpu *v, const struct resv *r, uint64_t i, uint64_t frame)
{
	uint32_t f32 = (uint32_t)frame;

	if (!r->compat)
		return xk_copy_to_guest(v, r->list + i * 8, &frame, 8);
	return xk_copy_to_guest(v, r->list + i * 4, &f32, 4);
}

/* [first, first + n) is RAM of this domain with no Xen or foreign page over it. */
static bool plain_ram(struct xk_domain *d, uint64_t first, uint64_t n)
{
	return first < d->ram_frames && n <= d->ram_frames - first &&
	       gmem_is_plain_ram(&d->mem, first * XEN_PAGE_SIZE, n * XEN_PAGE_SIZE);
}

static uint64_t count_absent(const struct xk_domain *d, uint64_t first, uint64_t n)
{
	uint64_t c = 0;

	for (uint64_t f = first; f < first + n; f++)
		c += is_absent(d, f);
	return c;
}

static int release(struct xk_domain *d, uint64_t first, uint64_t n)
{
	int rc = d->ops->release_frames(d, first, n);

	if (rc)
		return rc;
	for (uint64_t f = first; f < first + n; f++)
		set_absent(d, f, true);
	return 0;
}

/* One extent given back: every frame of it held, none a Xen page. */
static bool give_back(struct xk_domain *d, uint64_t first, uint64_t n)
{
	if (!plain_ram(d, first, n) || count_absent(d, first, n) || release(d, first, n))
		return false;
	d->tot_pages -= n;
	return true;
}

static bool is_self(const struct xk_domain *d, uint16_t domid)
{
	return domid == XEN_DOMID_SELF || domid == d->domid;
}

/* Xen answers a list it cannot start with the index it was to start at. */
static long checked_start(struct xk_vcpu *v, uint64_t arg, uint64_t start, struct resv *r)
{
	long rc = read_resv(v, arg, r);

	if (rc)
		return rc;
	if (!is_self(v->dom, r->domid))
		return -XEN_ESRCH;
	if (start >= r->nr || r->order > MAX_EXTENT_ORDER)
		return (long)start;
	return -1;
}

long xk_mem_decrease_reservation(struct xk_vcpu *v, uint64_t arg, uint64_t start)
{
	struct xk_domain *d = v->dom;
	uint64_t n, i, frame;
	struct resv r;
	long rc = checked_start(v, arg, start, &r);

	if (rc != -1)
		return rc;
	if (!d->ops->release_frames)
		return xk_log_unimplemented(d, XEN_HC_memory_op, XENMEM_decrease_reservation);
	n = 1ull << r.order;
	pthread_mutex_lock(&d->lock);
	for (i = start; i < r.nr; i++) {
		if (read_extent(v, &r, i, &frame) || (frame & (n - 1)) || !give_back(d, frame, n))
			break;
	}
	pthread_mutex_unlock(&d->lock);
	if (i != start && d->ops->reservation_changed)
		d->ops->reservation_changed(d);
	return (long)i;
}

/*
 * The lowest aligned run of n absent frames from *from below limit, or
 * UINT64_MAX; *from moves past it, so one list is one pass over RAM.
 */
static uint64_t find_absent_run(struct xk_domain *d, uint64_t n, uint64_t limit,
				uint64_t *from)
{
	for (uint64_t f = (*from + n - 1) & ~(n - 1); f + n <= limit; f += n) {
		if (count_absent(d, f, n) == n && plain_ram(d, f, n)) {
			*from = f + n;
			return f;
		}
	}
	*from = limit;
	return UINT64_MAX;
}

/* Frames below 2^address_bits only, when the guest asks so (PV: machine frames). */
static uint64_t frame_limit(const struct xk_domain *d, uint32_t flags)
{
	unsigned bits = flags & XENMEMF_address_bits_mask;

	if (!bits || bits >= 63 + XEN_PAGE_SHIFT)
		return d->ram_frames;
	if (bits <= XEN_PAGE_SHIFT)
		return 0;
	return 1ull << (bits - XEN_PAGE_SHIFT) < d->ram_frames ? 1ull << (bits - XEN_PAGE_SHIFT)
							       : d->ram_frames;
}

/*
 * Where one extent of n frames goes: HVM the frames at gpfn; PV (machine
 * frames) the run at gpfn if it is all free, else the lowest free run,
 * which increase_reservation always takes. UINT64_MAX: nowhere.
 */
static uint64_t place_extent(struct xk_domain *d, const struct resv *r, uint64_t gpfn,
			     bool increase, uint64_t *from)
{
	uint64_t n = 1ull << r->order, limit = frame_limit(d, r->flags);

	if (d->pv) {
		if (!increase && gpfn + n <= limit && plain_ram(d, gpfn, n) &&
		    count_absent(d, gpfn, n) == n)
			return gpfn;
		return find_absent_run(d, n, limit, from);
	}
	if (plain_ram(d, gpfn, n))
		return gpfn;
	if (gpfn <= XK_MAX_GPFN && xk_log_once(d, XEN_HC_memory_op, NOTE_OUTSIDE_RAM))
		xk_log(d, "populate_physmap at frame %#llx: outside the RAM the domain was "
		       "built with, which is all xenkvm can give it", (unsigned long long)gpfn);
	return UINT64_MAX;
}

/* PV: the M2P says which guest frames the machine frames now hold. */
static void note_m2p(struct xk_domain *d, uint64_t frame, uint64_t gpfn, uint64_t n)
{
	if (!d->pv || !d->ops->m2p_set)
		return;
	for (uint64_t j = 0; j < n; j++)
		d->ops->m2p_set(d, frame + j, gpfn + j);
}

/* Back the extent at frame: held frames (HVM) are replaced by zeroed ones. */
static bool take_extent(struct xk_domain *d, uint64_t frame, uint64_t n)
{
	uint64_t fresh = count_absent(d, frame, n);

	if (fresh != n && release(d, frame, n))
		return false;
	for (uint64_t f = frame; f < frame + n; f++)
		set_absent(d, f, false);
	d->tot_pages += fresh;
	return true;
}

/* One NUMA node (0): a request for another is only refused when exact. */
static bool node_ok(uint32_t flags)
{
	unsigned node = (flags & XENMEMF_node_mask) >> 8;

	return !(flags & XENMEMF_exact_node_request) || node <= 1;
}

long xk_mem_populate(struct xk_vcpu *v, uint64_t arg, uint64_t start, bool increase)
{
	unsigned cmd = increase ? XENMEM_increase_reservation : XENMEM_populate_physmap;
	struct xk_domain *d = v->dom;
	uint64_t n, i, gpfn = 0, frame, from = 0;
	struct resv r;
	long rc = checked_start(v, arg, start, &r);

	if (rc != -1)
		return rc;
	/* HVM: Xen would allocate frames the guest has no address for. */
	if ((increase && !d->pv) || r.flags & XENMEMF_populate_on_demand ||
	    !d->ops->release_frames)
		return xk_log_unimplemented(d, XEN_HC_memory_op, cmd);
	if (!node_ok(r.flags))
		return (long)start;
	n = 1ull << r.order;
	pthread_mutex_lock(&d->lock);
	for (i = start; i < r.nr; i++) {
		if (d->tot_pages + n > d->max_pages)
			break;
		if (!increase && (read_extent(v, &r, i, &gpfn) || (gpfn & (n - 1))))
			break;
		frame = place_extent(d, &r, gpfn, increase, &from);
		if (frame == UINT64_MAX)
			break;
		/* The guest learns the frame first: a list it cannot be told in stays as it was. */
		if ((d->pv && write_extent(v, &r, i, frame)) || !take_extent(d, frame, n))
			break;
		if (!increase)
			note_m2p(d, frame, gpfn, n);
	}
	pthread_mutex_unlock(&d->lock);
	if (i != start && d->ops->reservation_changed)
		d->ops->reservation_changed(d);
	return (long)i;
}

uint64_t xk_current_pages(struct xk_domain *d)
{
	uint64_t n;

	pthread_mutex_lock(&d->lock);
	n = d->tot_pages;
	pthread_mutex_unlock(&d->lock);
	return n;
}

uint64_t xk_max_pages(struct xk_domain *d)
{
	uint64_t n;

	pthread_mutex_lock(&d->lock);
	n = d->max_pages;
	pthread_mutex_unlock(&d->lock);
	return n;
}

void xk_set_max_pages(struct xk_domain *d, uint64_t pages)
{
	pthread_mutex_lock(&d->lock);
	d->max_pages = pages;
	pthread_mutex_unlock(&d->lock);
}
