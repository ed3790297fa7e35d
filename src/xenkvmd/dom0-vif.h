/*
 * xenkvmd's network backend: for each vif of a domain, the toolstack's
 * xenstore nodes, the backend half of the xenbus handshake with the guest's
 * netfront, a TAP device (vifD.N, on the configured bridge) and one thread
 * moving packets (devices/vif-queue.c).
 */
#ifndef XENKVM_DOM0_VIF_H
#define XENKVM_DOM0_VIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "src/common/ctl-proto.h"
#include "src/xenkvmd/dom0.h"
#include "src/xlcfg/vif-spec.h"

/* Adds a vif (its config's, or network-attach); devid -1 takes the next free. */
int dom0_vif_attach(struct dom0 *z, struct domain *d, const struct vif_spec *vs,
		    char *err, size_t errlen);
/* By devid or MAC: asks the frontend to close (force: at once). */
int dom0_vif_detach(struct dom0 *z, struct domain *d, const char *which, bool force,
		    char *err, size_t errlen);
/* xl network-list rows: "idx be mac handle state evtch tx-ref rx-ref be-path". */
void dom0_vif_list(struct dom0 *z, struct domain *d, struct ctl_msg *rep);
/* Calls fn for each vif the domain has now (its devid, the mac in use). */
void dom0_vif_each(struct dom0 *z, const struct domain *d,
		   void (*fn)(void *arg, uint32_t devid, const char *mac,
			      const struct vif_spec *vs), void *arg);
struct vif_stats;
/* Adds the domain's vifs' counts to *sum (xentop's); how many vifs it has. */
unsigned dom0_vif_stats(struct dom0 *z, const struct domain *d, struct vif_stats *sum);


#endif
