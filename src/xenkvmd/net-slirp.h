/* The user-mode endpoint of a vif (network=user): libslirp inside xenkvmd. */
#ifndef XENKVM_NET_SLIRP_H
#define XENKVM_NET_SLIRP_H

#include <stddef.h>
#include <stdint.h>
#include "devices/net-endpoint.h"
#include "src/xlcfg/vif-spec.h"

struct slirp_net_cfg {
	uint32_t guest;			/* the address DHCP gives, host byte order */
	const char *hostname;		/* DHCP's host name for the guest, or NULL */
	const struct vif_hostfwd *fwds;
	unsigned nr_fwds;
	/* Reports of a misbehaving guest, from the queue thread. */
	void (*log)(void *arg, const char *msg);
	void *log_arg;
	unsigned mtu;			/* vif mtu=; 0: slirp's own (1500) */
};

/* A new user-mode network with its host forwards listening; NULL with a
 * message in err (a forward's port taken, ...). */
struct net_endpoint *slirp_endpoint(const struct slirp_net_cfg *c, char *err, size_t errlen);
/* One line for the log: the network, the guest's address, the forwards. */
void slirp_describe(const struct slirp_net_cfg *c, char *out, size_t size);

#endif
