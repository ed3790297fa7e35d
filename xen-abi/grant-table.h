/* Grant tables, version 1: the granting side's table and its frames. */
#ifndef XENKVM_GRANT_TABLE_H
#define XENKVM_GRANT_TABLE_H

#include <stdbool.h>
#include <stdint.h>

struct xk_domain;
struct xk_vcpu;

#define XK_GRANT_INITIAL_FRAMES 1

#define XK_MAX_GRANT_MAPS 32	/* maptrack entries per domain */

/* A grant this domain mapped into its physmap (GNTTABOP_map_grant_ref). */
struct xk_grant_mapping {
	bool used;
	bool readonly;
	uint16_t dom;			/* the granting domain */
	uint32_t gref;
	uint64_t gpa;
	void *page;			/* host address of the granted page */
};

struct xk_grant_table {
	unsigned nr_frames;		/* frames in use (grows up to the max) */
	uint64_t frame_gfn[64];		/* where each frame is mapped, or ~0 */
	struct xk_grant_mapping map[XK_MAX_GRANT_MAPS];	/* index = grant handle */
};

void xk_grant_init(struct xk_domain *d);
/* Unmaps every grant the domain still has mapped. */
void xk_grant_destroy(struct xk_domain *d);
/* Host address of grant frame i (i < XK_MAX_GRANT_FRAMES). */
void *xk_grant_frame(struct xk_domain *d, unsigned i);
/* add_to_physmap of grant frame idx: returns idx (growing the table) or -errno. */
long xk_grant_frame_for_map(struct xk_domain *d, uint64_t idx);
void xk_grant_frame_mapped(struct xk_domain *d, unsigned idx, uint64_t gfn);

/*
 * For Dom0 backends: the page domain d granted to peer by gref, with
 * GTF_reading (or GTF_writing when writable) set while it is in use.
 * Returns the host page or NULL (bad ref, not granted to peer, read-only).
 * Every successful get needs one put with the same arguments.
 */
void *xk_grant_get_page(struct xk_domain *d, uint32_t gref, uint16_t peer, bool writable);
void xk_grant_put_page(struct xk_domain *d, uint32_t gref, bool writable);

/*
 * A page granted by dom (this domain or another, through the platform) for
 * our use; NULL with *status a GNTST_* code. Pair with one put. (grant-map.c)
 */
void *xk_grant_page_get(struct xk_domain *d, uint16_t dom, uint32_t gref, bool writable,
			int16_t *status);
void xk_grant_page_put(struct xk_domain *d, uint16_t dom, uint32_t gref, bool writable,
		       void *page);
/* GNTTABOP_map_grant_ref / unmap_grant_ref over count ops at arg. */
long xk_grant_map_refs(struct xk_vcpu *v, uint64_t arg, uint64_t count);
long xk_grant_unmap_refs(struct xk_vcpu *v, uint64_t arg, uint64_t count);
void xk_grant_unmap_all(struct xk_domain *d);

/*
 * The claim itself, over v1 entries at frames (nr_frames pages): the
 * granted frame number with the busy bit set, or -1. (grant-entry.c)
 */
int64_t xk_grant_claim(void *frames, unsigned nr_frames, uint32_t gref, uint16_t peer,
		       bool writable);
void xk_grant_release(void *frames, unsigned nr_frames, uint32_t gref, bool writable);

#endif
