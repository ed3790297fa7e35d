/*
 * The link between xenkvmd and one domain's xenkvm-vmm: a SOCK_SEQPACKET
 * socketpair. The VMM first sends a hello carrying its guest-RAM memfd (so
 * Dom0 can serve the xenstore ring in guest memory); after that each packet is
 * one uint32_t event-channel port: VMM -> Dom0 "the guest notified this port",
 * Dom0 -> VMM "raise this port in the guest".
 */
#ifndef XENKVM_DOM0_LINK_H
#define XENKVM_DOM0_LINK_H

#include <stdint.h>

#define DOM0_LINK_MAGIC 0x786b6c31u	/* "xkl1" */

struct dom0_link_hello {
	uint32_t magic;
	uint32_t domid;
	uint64_t ram_size;
	uint64_t store_pfn;
	uint32_t store_port;
	uint32_t console_port;
};

#endif
