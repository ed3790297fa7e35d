/*
 * xenkvmd's block backend: for each disk of a domain, the toolstack's
 * xenstore nodes, the backend half of the xenbus handshake with the
 * guest's blkfront, and one I/O thread per ring (devices/vbd-queue.c).
 */
#ifndef XENKVM_DOM0_VBD_H
#define XENKVM_DOM0_VBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "src/common/ctl-proto.h"
#include "src/xlcfg/disk-spec.h"
#include "src/xenkvmd/dom0.h"

/* Can this disk be served? 0, or -1 with a message (before a domain starts). */
int dom0_vbd_check(const struct disk_spec *ds, char *err, size_t errlen);
/* Adds a disk to a domain (its config's, or block-attach). 0 or -1 with err. */
int dom0_vbd_attach(struct dom0 *z, struct domain *d, const struct disk_spec *ds,
		    char *err, size_t errlen);
/* Asks the frontend to let go (xenbus Closing); force drops it at once. */
int dom0_vbd_detach(struct dom0 *z, struct domain *d, const char *vdev, bool force,
		    char *err, size_t errlen);
/* xl block-list rows: "vdev be handle state evtch ring-ref be-path" each. */
void dom0_vbd_list(struct dom0 *z, struct domain *d, struct ctl_msg *rep);
/* Calls fn for each disk the domain has now, in the order they came. */
void dom0_vbd_each(struct dom0 *z, const struct domain *d,
		   void (*fn)(void *arg, const struct disk_spec *ds), void *arg);
struct vbd_stats;
/* Adds the domain's disks' counts to *sum (xentop's); how many disks it has. */
unsigned dom0_vbd_stats(struct dom0 *z, const struct domain *d, struct vbd_stats *sum);


#endif
