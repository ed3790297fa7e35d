#ifndef XENKVM_DOM0_XENSTORE_H
#define XENKVM_DOM0_XENSTORE_H

#include "src/xenkvmd/dom0.h"
#include "src/xenstored/xs-node.h"

/* Start the embedded xenstored on RUNDIR/xenstored.sock. */
int dom0_xs_start(struct dom0 *z);
/* cpu/N/availability for each of its vCPUs: online below d->vcpus, else offline. */
int dom0_xs_vcpus_available(struct dom0 *z, const struct domain *d);
/* Write the toolstack's nodes for a new domain and fire @introduceDomain. */
int dom0_xs_domain_created(struct dom0 *z, const struct domain *d);
/* Write "base/rel" = the formatted value as Dom0; 0 or an errno value. */
int dom0_xs_put(struct dom0 *z, const char *base, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Write one node as Dom0; 0 or an errno value. */
int dom0_xs_write(struct dom0 *z, const char *path, const char *value);
/* Read a node as Dom0 into buf (nul-terminated); 0, or -1 if absent or too long. */
int dom0_xs_read(struct dom0 *z, const char *path, char *buf, size_t size);
int dom0_xs_set_perms(struct dom0 *z, const char *path, const struct xs_perm *p, uint32_t n);
void dom0_xs_rm(struct dom0 *z, const char *path);
/* Remove its nodes and fire @releaseDomain. */
void dom0_xs_domain_gone(struct dom0 *z, const struct domain *d);
/* Its name or uuid changed (old_uuid: what it had): the nodes that say so follow. */
int dom0_xs_domain_renamed(struct dom0 *z, const struct domain *d, const uint8_t old_uuid[16]);

#endif
