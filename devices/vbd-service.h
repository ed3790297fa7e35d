/*
 * The requests of one ring between the frontend and the I/O: takes
 * requests off the ring while a slot is free (at most depth in flight),
 * starts their I/O, answers each as it finishes, in whatever order, and
 * publishes the answers once per pass so the frontend gets one event per
 * batch. A flush starts only when everything taken before it has finished,
 * so it covers every write the frontend saw complete before issuing it.
 * While reads or writes are in flight the ring is looked at again as each
 * finishes, so the frontend is not asked for an event meanwhile (each one
 * costs it a hypercall). With hold_us set, answers finished while other
 * reads or writes are still in flight wait for them (the caller pushes
 * them at the latest hold_us later), so a guest request split into
 * several ring requests costs the frontend fewer events: on PVM hosts an
 * event is a trip through the guest's emulated ring 0.
 */
#ifndef XENKVM_VBD_SERVICE_H
#define XENKVM_VBD_SERVICE_H

#include "devices/vbd-io.h"
#include "devices/vbd-ring.h"

/*
 * What xentop shows of a vbd, counted by the service's thread and read by
 * others (vbd_stats_read): reads and writes finished and their sectors,
 * and how often requests waited on the ring for a free slot.
 */
struct vbd_stats {
	uint64_t rd_req, wr_req, oo_req, rd_sect, wr_sect;
};

struct vbd_service {
	struct vbd_ring ring;
	const struct vbd_disk *disk;
	struct dev_grants grants;
	struct vbd_io *io;
	unsigned depth, inflight;	/* in flight: started, not yet reaped */
	unsigned rw_inflight;		/* of which reads and writes */
	struct vbd_req *slots, *free;
	struct vbd_req *held;		/* a flush waiting for the I/O before it */
	bool draining;			/* take nothing more from the ring */
	unsigned max_inflight;		/* the most seen at once */
	unsigned hold_us;		/* 0: answers go out at the end of each pass */
	bool holding;			/* answers put on the ring, not yet pushed */
	struct vbd_stats stats;
};

/* 0, or -1 (out of memory). depth is capped at the ring's size. */
int vbd_service_init(struct vbd_service *s, void *ring, size_t bytes,
		     const struct vbd_disk *disk, const struct dev_grants *g,
		     struct vbd_io *io, unsigned depth);
void vbd_service_fini(struct vbd_service *s);
/*
 * Does what can be done without waiting: 1 when the frontend should be
 * notified, 0 when not, -1 when the ring broke in this pass (err says why;
 * what is in flight still finishes, nothing more is answered).
 */
int vbd_service_run(struct vbd_service *s, char *err, size_t errlen);
/* Pushes the answers held back (hold_us): 1 when the frontend should be notified. */
int vbd_service_push(struct vbd_service *s);
/* Nothing in flight and no flush waiting. */
bool vbd_service_idle(const struct vbd_service *s);
/* Adds s's counts to *sum; safe from any thread. */
void vbd_stats_read(const struct vbd_service *s, struct vbd_stats *sum);

#endif
