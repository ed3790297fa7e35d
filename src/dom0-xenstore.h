#ifndef XENKVM_DOM0_XENSTORE_H
#define XENKVM_DOM0_XENSTORE_H

#include "src/dom0.h"

/* Start the embedded xenstored on RUNDIR/xenstored.sock. */
int dom0_xs_start(struct dom0 *z);
/* Write the toolstack's nodes for a new domain and fire @introduceDomain. */
int dom0_xs_domain_created(struct dom0 *z, const struct domain *d);
/* Write one node as Dom0; 0 or an errno value. */
int dom0_xs_write(struct dom0 *z, const char *path, const char *value);
/* Remove its nodes and fire @releaseDomain. */
void dom0_xs_domain_gone(struct dom0 *z, const struct domain *d);

#endif
