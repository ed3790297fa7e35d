/*
 * The link between xenkvmd and one domain's xenkvm-vmm: a SOCK_SEQPACKET
 * socketpair. The VMM first sends a hello carrying its guest-RAM and
 * Xen-pages memfds (Dom0 serves the xenstore ring in guest memory and reads
 * the grant table); after that each packet is one struct dom0_link_msg.
 */
#ifndef XENKVM_DOM0_LINK_H
#define XENKVM_DOM0_LINK_H

#include <stdint.h>

#define DOM0_LINK_MAGIC 0x786b6c32u	/* "xkl2" */

struct dom0_link_hello {
	uint32_t magic;
	uint32_t domid;
	uint64_t ram_size;	/* guest frame N is at offset N * 4096 of the RAM memfd */
	uint64_t xen_pages;	/* pages in the Xen-pages memfd */
	uint64_t store_pfn;
	uint32_t store_port;
	uint32_t console_port;
};

enum dom0_link_type {
	/* VMM -> Dom0: the guest sent on port (a channel whose remote is Dom0). */
	LINK_NOTIFY = 1,
	/* Dom0 -> VMM: make port pending in the guest. */
	LINK_RAISE = 2,
	/*
	 * Dom0 -> VMM: bind the guest's unbound port (allocated for remote
	 * domain 0) to Dom0, as EVTCHNOP_bind_interdomain does. An eventfd may
	 * come with it (SCM_RIGHTS): the VMM then signals sends on the port
	 * there instead of with LINK_NOTIFY. Answered by LINK_BIND_REPLY with
	 * the same port and cookie, status 0 or a negative Xen errno.
	 */
	LINK_BIND = 3,
	LINK_BIND_REPLY = 4,
	/* Dom0 -> VMM: Dom0 closed its end; the guest's port becomes unbound. */
	LINK_UNBIND = 5,
};

struct dom0_link_msg {
	uint32_t type;
	uint32_t port;
	int32_t status;
	uint32_t cookie;
};

#endif
