#include <sys/mman.h>
#include "src/dom0-grant.h"
#include "xen-abi/abi-core.h"
#include "xen-abi/domain.h"
#include "xen-abi/grant-table.h"

static void *grant_frames(struct domain *d)
{
	return (char *)d->xen_pages + (size_t)XK_XPAGE_GRANT_FIRST * XEN_PAGE_SIZE;
}

/* The VMM keeps every grant frame in the memfd; unused ones read as invalid. */
int64_t dom0_gnt_claim_for(struct domain *d, uint32_t gref, uint16_t peer, bool writable)
{
	int64_t frame;

	if (!d->xen_pages || !d->ram)
		return -1;
	frame = xk_grant_claim(grant_frames(d), XK_MAX_GRANT_FRAMES, gref, peer, writable);
	if (frame >= 0 && (uint64_t)frame >= d->ram_size / XEN_PAGE_SIZE) {
		xk_grant_release(grant_frames(d), XK_MAX_GRANT_FRAMES, gref, writable);
		return -1;
	}
	return frame;
}

static int64_t claim(struct domain *d, uint32_t gref, bool writable)
{
	return dom0_gnt_claim_for(d, gref, 0, writable);
}

void *dom0_gnt_get(struct domain *d, uint32_t gref, bool writable)
{
	int64_t frame = claim(d, gref, writable);

	return frame < 0 ? NULL : (char *)d->ram + (uint64_t)frame * XEN_PAGE_SIZE;
}

void dom0_gnt_put(struct domain *d, uint32_t gref, bool writable)
{
	if (d->xen_pages)
		xk_grant_release(grant_frames(d), XK_MAX_GRANT_FRAMES, gref, writable);
}

void *dom0_gnt_map_ring(struct domain *d, const uint32_t *grefs, unsigned n)
{
	size_t len = (size_t)n * XEN_PAGE_SIZE;
	char *ring;
	unsigned i;

	if (d->ram_fd < 0 || n == 0)
		return NULL;
	ring = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring == MAP_FAILED)
		return NULL;
	for (i = 0; i < n; i++) {
		int64_t frame = claim(d, grefs[i], true);

		if (frame < 0 || mmap(ring + (size_t)i * XEN_PAGE_SIZE, XEN_PAGE_SIZE,
				      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, d->ram_fd,
				      (off_t)frame * XEN_PAGE_SIZE) == MAP_FAILED) {
			if (frame >= 0)
				dom0_gnt_put(d, grefs[i], true);
			break;
		}
	}
	if (i == n)
		return ring;
	while (i--)
		dom0_gnt_put(d, grefs[i], true);
	munmap(ring, len);
	return NULL;
}

void dom0_gnt_unmap_ring(struct domain *d, void *ring, const uint32_t *grefs, unsigned n)
{
	munmap(ring, (size_t)n * XEN_PAGE_SIZE);
	for (unsigned i = 0; i < n; i++)
		dom0_gnt_put(d, grefs[i], true);
}
