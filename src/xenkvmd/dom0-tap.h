/* The host side of a vif: a TAP device named as Xen names it (vifD.N),
 * brought up and added to a bridge, as Xen's vif-bridge script does. */
#ifndef XENKVM_DOM0_TAP_H
#define XENKVM_DOM0_TAP_H

#include <stddef.h>
#include "devices/net-endpoint.h"

/*
 * A non-blocking TAP fd for ifname (IFNAMSIZ), up; -1 with a message in err
 * and errno saying why (EPERM, EACCES: no CAP_NET_ADMIN). Every frame read
 * or written carries a struct virtio_net_hdr in front.
 */
int tap_create(const char *ifname, char *err, size_t errlen);
/* The TAP's MTU (vif mtu=), as Xen's hotplug scripts set the vif's; 0 or -1 (err). */
int tap_set_mtu(const char *ifname, unsigned mtu, char *err, size_t errlen);
/* What the host may hand us unfinished: TUN_F_CSUM, TUN_F_TSO4, ... */
int tap_set_offload(int fd, unsigned flags);
/* Adds ifname to bridge; 0 or -1 with a message. */
int tap_join_bridge(const char *ifname, const char *bridge, char *err, size_t errlen);
/* Runs script with Xen's hotplug environment (vif, bridge, XENBUS_PATH) and
 * "online"; 0 when it exits 0, -1 with a message otherwise. */
int tap_run_script(const char *script, const char *ifname, const char *bridge,
		   const char *xenbus_path, char *err, size_t errlen);

/* The vif endpoint over a TAP fd from tap_create (net-tap.c); it closes
 * fd when destroyed. NULL when out of memory (fd is left open). */
struct net_endpoint *tap_endpoint(int fd);

#endif
