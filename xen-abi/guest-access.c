#include "xen-abi/abi-core.h"
#include "xen-abi/guest-access.h"

#define PTE_P  (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

static int read_entry(struct gmem *gm, uint64_t gpa, unsigned size, uint64_t *e)
{
	uint32_t v32;

	*e = 0;
	if (size == 4) {
		if (gmem_read(gm, gpa, &v32, 4))
			return -XEN_EFAULT;
		*e = v32;
		return 0;
	}
	return gmem_read(gm, gpa, e, 8) ? -XEN_EFAULT : 0;
}

/* 32-bit non-PAE: two levels of 1024 four-byte entries, optional 4 MiB pages. */
static int walk32(struct gmem *gm, const struct guest_paging *pg, uint32_t va,
		  bool *writable, uint64_t *gpa)
{
	uint64_t pde, pte;

	if (read_entry(gm, (pg->cr3 & 0xfffff000u) + ((va >> 22) << 2), 4, &pde) ||
	    !(pde & PTE_P))
		return -XEN_EFAULT;
	*writable = pde & PTE_RW;
	if ((pde & PTE_PS) && (pg->cr4 & GP_CR4_PSE)) {
		*gpa = (pde & 0xffc00000u) | (va & 0x3fffff);
		return 0;
	}
	if (read_entry(gm, (pde & 0xfffff000u) + (((va >> 12) & 0x3ff) << 2), 4, &pte) ||
	    !(pte & PTE_P))
		return -XEN_EFAULT;
	*writable = *writable && (pte & PTE_RW);
	*gpa = (pte & 0xfffff000u) | (va & 0xfff);
	return 0;
}

/* PAE and long mode: 8-byte entries, 9 bits per level, large pages at L2/L3. */
static int walk64(struct gmem *gm, const struct guest_paging *pg, uint64_t va,
		  bool *writable, uint64_t *gpa)
{
	int levels;
	uint64_t table, e = 0;

	if (pg->efer & GP_EFER_LMA) {
		levels = (pg->cr4 & GP_CR4_LA57) ? 5 : 4;
		table = pg->cr3 & ADDR_MASK;
	} else {
		/* PAE: CR3 points at four PDPTEs, indexed by va[31:30]. */
		va &= 0xffffffffu;
		if (read_entry(gm, (pg->cr3 & 0xffffffe0u) + ((va >> 30) << 3), 8, &e) ||
		    !(e & PTE_P))
			return -XEN_EFAULT;
		levels = 2;
		table = e & ADDR_MASK;
	}
	*writable = true;
	for (int lvl = levels; lvl >= 1; lvl--) {
		unsigned shift = 12 + 9 * (lvl - 1);
		uint64_t idx = (va >> shift) & 0x1ff;

		if (read_entry(gm, table + idx * 8, 8, &e) || !(e & PTE_P))
			return -XEN_EFAULT;
		*writable = *writable && (e & PTE_RW);
		if (lvl == 1 || ((lvl == 2 || lvl == 3) && (e & PTE_PS))) {
			uint64_t page_mask = (1ull << shift) - 1;
			*gpa = ((e & ADDR_MASK) & ~page_mask) | (va & page_mask);
			return 0;
		}
		table = e & ADDR_MASK;
	}
	return -XEN_EFAULT;
}

int guest_translate(struct gmem *gm, const struct guest_paging *pg,
		    uint64_t gva, bool write, uint64_t *gpa)
{
	bool writable = true;
	int rc;

	if (!(pg->cr0 & GP_CR0_PG)) {
		*gpa = (pg->efer & GP_EFER_LMA) ? gva : (gva & 0xffffffffu);
		return 0;
	}
	if (pg->cr4 & GP_CR4_PAE)
		rc = walk64(gm, pg, gva, &writable, gpa);
	else
		rc = walk32(gm, pg, (uint32_t)gva, &writable, gpa);
	if (rc)
		return rc;
	if (write && !writable && (pg->cr0 & GP_CR0_WP))
		return -XEN_EFAULT;
	return 0;
}

static int copy(struct gmem *gm, const struct guest_paging *pg, uint64_t gva,
		void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf;

	while (len) {
		size_t chunk = XEN_PAGE_SIZE - (gva & (XEN_PAGE_SIZE - 1));
		uint64_t gpa;
		int rc;

		if (chunk > len)
			chunk = len;
		rc = guest_translate(gm, pg, gva, to_guest, &gpa);
		if (rc)
			return rc;
		rc = to_guest ? gmem_write(gm, gpa, b, chunk) : gmem_read(gm, gpa, b, chunk);
		if (rc)
			return rc;
		gva += chunk;
		b += chunk;
		len -= chunk;
	}
	return 0;
}

int guest_read(struct gmem *gm, const struct guest_paging *pg,
	       uint64_t gva, void *dst, size_t len)
{
	return copy(gm, pg, gva, dst, len, false);
}

int guest_write(struct gmem *gm, const struct guest_paging *pg,
		uint64_t gva, const void *src, size_t len)
{
	return copy(gm, pg, gva, (void *)src, len, true);
}
