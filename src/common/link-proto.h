/*
 * The link between xenkvmd and one domain's xenkvm-vmm: a SOCK_SEQPACKET
 * socketpair. Its Dom0 end is src/xenkvmd/dom0-link.c (dom0_link_*), its VMM
 * end vmm/vmm-link.c (vmm_link_*). The VMM first sends a hello carrying its guest-RAM and
 * Xen-pages memfds (Dom0 serves the xenstore ring in guest memory and reads
 * the grant table); after that each packet is one struct link_msg.
 */
#ifndef XENKVM_LINK_PROTO_H
#define XENKVM_LINK_PROTO_H

#include <stdint.h>
#include "src/common/fd-passing.h"

#define LINK_MAGIC 0x786b6c33u	/* "xkl3" */

struct link_hello {
	uint32_t magic;
	uint32_t domid;
	uint64_t ram_size;	/* guest frame N is at offset N * 4096 of the RAM memfd */
	uint64_t xen_pages;	/* pages in the Xen-pages memfd */
	uint64_t store_pfn;
	uint32_t store_port;
	uint32_t console_port;
};

enum link_type {
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
	/*
	 * Dom0 -> VMM: the remote end (Dom0, or the DomU remote_dom) closed; the
	 * guest's port becomes unbound (still for that domain).
	 */
	LINK_UNBIND = 5,
	/*
	 * VMM -> Dom0: the guest asks EVTCHNOP_bind_interdomain to DomU
	 * remote_dom's port remote_port; port is the local port reserved for it.
	 * Dom0 asks the peer's VMM (LINK_IDC_PEER) and answers LINK_IDC_BIND_REPLY
	 * (same cookie), with status 0 or a negative Xen errno and, on success,
	 * two eventfds: [0] to signal sends on port, [1] signalled by the peer's
	 * sends (raise port when it fires).
	 */
	LINK_IDC_BIND = 6,
	LINK_IDC_BIND_REPLY = 7,
	/*
	 * Dom0 -> VMM: bind the guest's port (unbound for remote_dom) to
	 * (remote_dom, remote_port), with the two eventfds as above. Answered by
	 * LINK_IDC_PEER_REPLY with the same port and cookie.
	 */
	LINK_IDC_PEER = 8,
	LINK_IDC_PEER_REPLY = 9,
	/* VMM -> Dom0: the guest closed port, bound to (remote_dom, remote_port). */
	LINK_IDC_CLOSE = 10,
	/*
	 * VMM -> Dom0: the guest wants the page DomU remote_dom granted it as
	 * gref 'arg' (port bit 0: writable). Dom0 claims the entry in the
	 * granter's table and answers LINK_GRANT_GET_REPLY (same cookie): status
	 * a GNTST_* code; on success arg is the frame and the granter's RAM memfd
	 * comes along. Every successful get is ended by one LINK_GRANT_PUT with
	 * the same remote_dom, arg and port.
	 */
	LINK_GRANT_GET = 11,
	LINK_GRANT_GET_REPLY = 12,
	LINK_GRANT_PUT = 13,
	/*
	 * VMM -> Dom0: the guest now holds arg frames of RAM (its balloon gave
	 * some back or took them again).
	 */
	LINK_MEMORY = 14,
	/* Dom0 -> VMM: the guest may hold at most arg frames (xl mem-set/-max). */
	LINK_MAX_PAGES = 15,
	/* VMM -> Dom0: arg is the mask of the guest's vCPUs that are up. */
	LINK_VCPUS = 16,
	/* VMM -> Dom0: vCPU 'port' runs on the VMM's thread arg (a Linux tid). */
	LINK_VCPU_THREAD = 17,
};

#define LINK_GRANT_WRITABLE 1u

struct link_msg {
	uint32_t type;
	uint32_t port;
	int32_t status;
	uint32_t cookie;
	uint32_t remote_dom;
	uint32_t remote_port;
	uint64_t arg;
};

/* Most descriptors one message carries. */
#define LINK_MAX_FDS 2
_Static_assert(LINK_MAX_FDS <= FD_PASSING_MAX, "send_with_fds carries them");

#endif
