/*
 * Event channels and grants between DomUs, brokered by xenkvmd (the
 * messages are in src/common/link-proto.h). xenkvmd pairs the two ends of a channel
 * with two eventfds it hands to both VMMs, remembers each channel so that
 * a close or a death unbinds the other end, and claims grants in the
 * granter's table for the grantee, releasing them when the grantee is gone.
 */
#ifndef XENKVM_DOM0_IDC_H
#define XENKVM_DOM0_IDC_H

#include "src/xenkvmd/dom0.h"
#include "src/common/link-proto.h"

void dom0_idc_bind(struct dom0 *z, struct domain *d, const struct link_msg *m);
void dom0_idc_peer_reply(struct dom0 *z, struct domain *d, const struct link_msg *m);
void dom0_idc_close(struct dom0 *z, struct domain *d, const struct link_msg *m);
void dom0_idc_grant_get(struct dom0 *z, struct domain *d, const struct link_msg *m);
void dom0_idc_grant_put(struct dom0 *z, struct domain *d, const struct link_msg *m);
/* d's VMM is gone: unbind its peers, release what it held, fail what waits on it. */
void dom0_idc_domain_gone(struct dom0 *z, struct domain *d);
void dom0_idc_free(struct dom0 *z);

/* Channels between DomUs open now (for tests and xl). */
unsigned dom0_idc_channels(const struct dom0 *z);

#endif
