#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "src/xenkvmd/dom0-grant.h"
#include "xen-abi/abi-core.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/domain.h"
#include "xen-abi/grant-table.h"

#define GREFS (XK_MAX_GRANT_FRAMES * GRANT_ENTRIES_PER_FRAME)

/*
 * How many of Dom0's users hold each of a domain's grants (backends, the
 * broker for other DomUs), read-only and writable apart: the entry's
 * GTF_reading or GTF_writing goes only with the last of them, as Xen's pin
 * counts do, so a granter cannot end access while a mapping remains.
 * Backend threads claim concurrently, hence the lock.
 */
struct dom0_pins {
	pthread_mutex_t lock;
	uint16_t count[2][GREFS];	/* [writable][gref] */
};

static pthread_mutex_t pins_alloc_lock = PTHREAD_MUTEX_INITIALIZER;

static struct dom0_pins *pins_of(struct domain *d)
{
	pthread_mutex_lock(&pins_alloc_lock);
	if (!d->pins) {
		d->pins = calloc(1, sizeof(*d->pins));
		if (d->pins)
			pthread_mutex_init(&d->pins->lock, NULL);
	}
	pthread_mutex_unlock(&pins_alloc_lock);
	return d->pins;
}

void dom0_gnt_forget(struct domain *d)
{
	if (!d->pins)
		return;
	pthread_mutex_destroy(&d->pins->lock);
	free(d->pins);
	d->pins = NULL;
}

static void *grant_frames(struct domain *d)
{
	return (char *)d->xen_pages + (size_t)XK_XPAGE_GRANT_FIRST * XEN_PAGE_SIZE;
}

/*
 * The VMM keeps every grant frame in the memfd; unused ones read as invalid.
 * Each claim checks the entry again (type, grantee, read-only), pinned or not.
 */
int64_t dom0_gnt_claim_for(struct domain *d, uint32_t gref, uint16_t peer, bool writable)
{
	struct dom0_pins *p = d->xen_pages && d->ram && gref < GREFS ? pins_of(d) : NULL;
	uint16_t *count;
	int64_t frame;

	if (!p)
		return -1;
	count = &p->count[writable][gref];
	pthread_mutex_lock(&p->lock);
	frame = *count == UINT16_MAX ? -1 :
		xk_grant_claim(grant_frames(d), XK_MAX_GRANT_FRAMES, gref, peer, writable);
	if (frame >= 0 && (uint64_t)frame >= d->ram_size / XEN_PAGE_SIZE) {
		if (!*count)
			xk_grant_release(grant_frames(d), XK_MAX_GRANT_FRAMES, gref, writable);
		frame = -1;
	}
	if (frame >= 0)
		(*count)++;
	pthread_mutex_unlock(&p->lock);
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
	struct dom0_pins *p = d->pins;

	if (!d->xen_pages || !p || gref >= GREFS)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->count[writable][gref] && --p->count[writable][gref] == 0)
		xk_grant_release(grant_frames(d), XK_MAX_GRANT_FRAMES, gref, writable);
	pthread_mutex_unlock(&p->lock);
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
