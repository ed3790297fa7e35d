/*
 * Dom0's grant mappings of a domain's pages, as a Xen backend gets them
 * from GNTTABOP_map_grant_ref: only frames the domain granted to Dom0 in
 * its own grant table, with the entry marked in use until the last holder
 * releases it.
 */
#ifndef XENKVM_DOM0_GRANT_H
#define XENKVM_DOM0_GRANT_H

#include <stdbool.h>
#include <stdint.h>
#include "src/xenkvmd/domains.h"

/* The granted page in Dom0's view of the domain's RAM, or NULL. */
void *dom0_gnt_get(struct domain *d, uint32_t gref, bool writable);
void dom0_gnt_put(struct domain *d, uint32_t gref, bool writable);

/* n granted pages (a multi-page ring), writable, mapped side by side; NULL if any is bad. */
void *dom0_gnt_map_ring(struct domain *d, const uint32_t *grefs, unsigned n);
void dom0_gnt_unmap_ring(struct domain *d, void *ring, const uint32_t *grefs, unsigned n);

/*
 * Claim d's grant gref for peer (another DomU): the granted frame (inside
 * d's RAM), or -1. Released with dom0_gnt_put.
 */
int64_t dom0_gnt_claim_for(struct domain *d, uint32_t gref, uint16_t peer, bool writable);
/* The domain's memory is going: its counts go too (its backends are gone). */
void dom0_gnt_forget(struct domain *d);

#endif
