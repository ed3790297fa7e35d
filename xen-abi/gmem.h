/*
 * Guest physical memory as seen by the hypercall handlers: a small table of
 * regions (RAM and Xen-owned pages overlaid on top of it). Every access from
 * a guest-supplied address goes through here and is bounds-checked.
 */
#ifndef XENKVM_GMEM_H
#define XENKVM_GMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#define GMEM_MAX_REGIONS 64

/* FOREIGN: a page another domain granted, mapped here (GNTTABOP_map_grant_ref). */
enum gmem_kind { GMEM_RAM, GMEM_XEN_PAGE, GMEM_FOREIGN, GMEM_FOREIGN_RO };

struct gmem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
	enum gmem_kind kind;
};

struct gmem {
	pthread_rwlock_t lock;
	unsigned nr;
	struct gmem_region r[GMEM_MAX_REGIONS];
	uint64_t generation;	/* bumped on every layout change */
};

void gmem_init(struct gmem *gm);
void gmem_destroy(struct gmem *gm);
/* Later regions shadow earlier ones where they overlap. */
int gmem_add(struct gmem *gm, uint64_t gpa, uint64_t size, void *host,
	     enum gmem_kind kind);
/* Remove the overlay (Xen page or foreign page) that maps host page 'host', if any. */
int gmem_remove_host(struct gmem *gm, const void *host);
/*
 * Host address of guest physical 'gpa' (the page it lies in is mapped and
 * writable: not a read-only foreign page), or NULL.
 */
void *gmem_ptr(struct gmem *gm, uint64_t gpa);
/*
 * Copy helpers; return 0 or -XEN_EFAULT (also for writes to a read-only
 * foreign page). May cross page and region boundaries.
 */
int gmem_read(struct gmem *gm, uint64_t gpa, void *dst, size_t len);
int gmem_write(struct gmem *gm, uint64_t gpa, const void *src, size_t len);
/* Highest RAM gpa + 1. */
uint64_t gmem_ram_end(struct gmem *gm);
/* Is [gpa, gpa+len) wholly inside RAM (not only overlays)? */
bool gmem_is_ram(struct gmem *gm, uint64_t gpa, uint64_t len);
/* ... and no overlay over any page of it either? */
bool gmem_is_plain_ram(struct gmem *gm, uint64_t gpa, uint64_t len);

#endif
