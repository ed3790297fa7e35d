#include <string.h>
#include "xen-abi/abi-core.h"
#include "xen-abi/gmem.h"

void gmem_init(struct gmem *gm)
{
	memset(gm, 0, sizeof(*gm));
	pthread_rwlock_init(&gm->lock, NULL);
}

void gmem_destroy(struct gmem *gm)
{
	pthread_rwlock_destroy(&gm->lock);
}

int gmem_add(struct gmem *gm, uint64_t gpa, uint64_t size, void *host,
	     enum gmem_kind kind)
{
	int rc = 0;

	if (size == 0 || gpa + size < gpa || (gpa | size) & (XEN_PAGE_SIZE - 1))
		return -XEN_EINVAL;
	pthread_rwlock_wrlock(&gm->lock);
	if (gm->nr == GMEM_MAX_REGIONS) {
		rc = -XEN_ENOSPC;
	} else {
		gm->r[gm->nr++] = (struct gmem_region){ gpa, size, host, kind };
		gm->generation++;
	}
	pthread_rwlock_unlock(&gm->lock);
	return rc;
}

int gmem_remove_host(struct gmem *gm, const void *host)
{
	int rc = -XEN_ENOENT;

	pthread_rwlock_wrlock(&gm->lock);
	for (unsigned i = 0; i < gm->nr; i++) {
		if (gm->r[i].kind == GMEM_RAM || gm->r[i].host != host)
			continue;
		memmove(&gm->r[i], &gm->r[i + 1], (gm->nr - i - 1) * sizeof(gm->r[0]));
		gm->nr--;
		gm->generation++;
		rc = 0;
		break;
	}
	pthread_rwlock_unlock(&gm->lock);
	return rc;
}

/* Caller holds the lock. Searches newest first so overlays win. */
static const struct gmem_region *find(const struct gmem *gm, uint64_t gpa)
{
	for (unsigned i = gm->nr; i-- > 0;) {
		const struct gmem_region *r = &gm->r[i];
		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

static void *lookup(struct gmem *gm, uint64_t gpa, bool for_write)
{
	const struct gmem_region *r;
	void *p = NULL;

	pthread_rwlock_rdlock(&gm->lock);
	r = find(gm, gpa);
	if (r && !(for_write && r->kind == GMEM_FOREIGN_RO))
		p = r->host + (gpa - r->gpa);
	pthread_rwlock_unlock(&gm->lock);
	return p;
}

void *gmem_ptr(struct gmem *gm, uint64_t gpa)
{
	return lookup(gm, gpa, true);
}

static int copy(struct gmem *gm, uint64_t gpa, void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf;

	while (len) {
		size_t chunk = XEN_PAGE_SIZE - (gpa & (XEN_PAGE_SIZE - 1));
		uint8_t *p = lookup(gm, gpa, to_guest);

		if (chunk > len)
			chunk = len;
		if (!p)
			return -XEN_EFAULT;
		if (to_guest)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		gpa += chunk;
		b += chunk;
		len -= chunk;
	}
	return 0;
}

int gmem_read(struct gmem *gm, uint64_t gpa, void *dst, size_t len)
{
	return copy(gm, gpa, dst, len, false);
}

int gmem_write(struct gmem *gm, uint64_t gpa, const void *src, size_t len)
{
	return copy(gm, gpa, (void *)src, len, true);
}

uint64_t gmem_ram_end(struct gmem *gm)
{
	uint64_t end = 0;

	pthread_rwlock_rdlock(&gm->lock);
	for (unsigned i = 0; i < gm->nr; i++)
		if (gm->r[i].kind == GMEM_RAM && gm->r[i].gpa + gm->r[i].size > end)
			end = gm->r[i].gpa + gm->r[i].size;
	pthread_rwlock_unlock(&gm->lock);
	return end;
}

bool gmem_is_ram(struct gmem *gm, uint64_t gpa, uint64_t len)
{
	bool ok = false;

	if (gpa + len < gpa)
		return false;
	pthread_rwlock_rdlock(&gm->lock);
	for (unsigned i = 0; i < gm->nr && !ok; i++) {
		const struct gmem_region *r = &gm->r[i];
		ok = r->kind == GMEM_RAM && gpa >= r->gpa && gpa + len <= r->gpa + r->size;
	}
	pthread_rwlock_unlock(&gm->lock);
	return ok;
}

bool gmem_is_plain_ram(struct gmem *gm, uint64_t gpa, uint64_t len)
{
	bool ok = gpa + len >= gpa && !(gpa & (XEN_PAGE_SIZE - 1));

	pthread_rwlock_rdlock(&gm->lock);
	for (uint64_t a = gpa; ok && a < gpa + len; a += XEN_PAGE_SIZE) {
		const struct gmem_region *r = find(gm, a);

		ok = r && r->kind == GMEM_RAM;
	}
	pthread_rwlock_unlock(&gm->lock);
	return ok;
}
