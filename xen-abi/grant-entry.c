/*
 * The granting side's v1 entries as a mapper sees them: claim an entry
 * (set GTF_reading or GTF_writing while the frame is in use) and release it.
 * Shared by the VMM (GNTTABOP_copy) and xenkvmd's backends, which both see
 * the table as plain memory the guest writes concurrently.
 */
#include "xen-abi/abi-grant.h"
#include "xen-abi/grant-table.h"

static uint32_t *entry_word(void *frames, unsigned nr_frames, uint32_t gref)
{
	if (gref / GRANT_ENTRIES_PER_FRAME >= nr_frames)
		return NULL;
	/* flags in the low half, domid in the high half */
	return (uint32_t *)((struct grant_entry_v1 *)frames + gref);
}

int64_t xk_grant_claim(void *frames, unsigned nr_frames, uint32_t gref, uint16_t peer,
		       bool writable)
{
	uint32_t *w = entry_word(frames, nr_frames, gref), old, new;
	uint16_t busy = writable ? GTF_writing : GTF_reading;

	if (!w)
		return -1;
	/* Set the busy bit only if type, peer and permission still hold. */
	old = __atomic_load_n(w, __ATOMIC_ACQUIRE);
	do {
		uint16_t flags = (uint16_t)old, domid = (uint16_t)(old >> 16);

		if ((flags & GTF_type_mask) != GTF_permit_access || domid != peer ||
		    (writable && (flags & GTF_readonly)) || (flags & GTF_sub_page))
			return -1;
		new = old | busy;
	} while (!__atomic_compare_exchange_n(w, &old, new, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	/* The frame is read after the claim: the guest may not change it while busy. */
	return __atomic_load_n(&((struct grant_entry_v1 *)w)->frame, __ATOMIC_ACQUIRE);
}

void xk_grant_release(void *frames, unsigned nr_frames, uint32_t gref, bool writable)
{
	uint32_t *w = entry_word(frames, nr_frames, gref);

	if (w)
		__atomic_fetch_and(w, ~(uint32_t)(writable ? GTF_writing : GTF_reading),
				   __ATOMIC_RELEASE);
}
