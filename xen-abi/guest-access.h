/*
 * Guest virtual addresses in hypercall arguments: walk the vCPU's page tables
 * (captured at the hypercall exit) and copy through the gmem accessor.
 */
#ifndef XENKVM_GUEST_ACCESS_H
#define XENKVM_GUEST_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xen-abi/gmem.h"

struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
};

#define GP_CR0_PG  (1ull << 31)
#define GP_CR0_WP  (1ull << 16)
#define GP_CR4_PSE (1ull << 4)
#define GP_CR4_PAE (1ull << 5)
#define GP_CR4_LA57 (1ull << 12)
#define GP_EFER_LMA (1ull << 10)

/* 0, or -XEN_EFAULT when the address is not mapped (or not writable). */
int guest_translate(struct gmem *gm, const struct guest_paging *pg,
		    uint64_t gva, bool write, uint64_t *gpa);
int guest_read(struct gmem *gm, const struct guest_paging *pg,
	       uint64_t gva, void *dst, size_t len);
int guest_write(struct gmem *gm, const struct guest_paging *pg,
		uint64_t gva, const void *src, size_t len);

#endif
