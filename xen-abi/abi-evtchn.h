/* event_channel_op: commands and argument structures (same in 32 and 64 bit). */
#ifndef XENKVM_ABI_EVTCHN_H
#define XENKVM_ABI_EVTCHN_H

#include "xen-abi/abi-core.h"
#include "xen-abi/abi-evtchn-virq.h"

enum {
	EVTCHNOP_bind_interdomain = 0,
	EVTCHNOP_bind_virq = 1,
	EVTCHNOP_bind_pirq = 2,
	EVTCHNOP_close = 3,
	EVTCHNOP_send = 4,
	EVTCHNOP_status = 5,
	EVTCHNOP_alloc_unbound = 6,
	EVTCHNOP_bind_ipi = 7,
	EVTCHNOP_bind_vcpu = 8,
	EVTCHNOP_unmask = 9,
	EVTCHNOP_reset = 10,
	EVTCHNOP_init_control = 11,
	EVTCHNOP_expand_array = 12,
	EVTCHNOP_set_priority = 13,
	EVTCHNOP_reset_cont = 14,
};

/* Port states as EVTCHNOP_status reports them. */
enum {
	EVTCHNSTAT_closed = 0,
	EVTCHNSTAT_unbound = 1,
	EVTCHNSTAT_interdomain = 2,
	EVTCHNSTAT_pirq = 3,
	EVTCHNSTAT_virq = 4,
	EVTCHNSTAT_ipi = 5,
};

/* EVTCHNOP_init_control: the FIFO ABI's per-vCPU control block. */
struct evtchn_init_control {
	uint64_t control_gfn;
	uint32_t offset;
	uint32_t vcpu;
	uint8_t link_bits;	/* out */
	uint8_t pad[7];
};
XEN_ABI_ASSERT_SIZE(struct evtchn_init_control, 24);
/* ready, a reserved word, and the head of each of the 16 priority queues */
#define EVTCHN_FIFO_CONTROL_BLOCK_SIZE (4 + 4 + 16 * 4)

struct evtchn_alloc_unbound {
	uint16_t dom, remote_dom;
	uint32_t port;
};
XEN_ABI_ASSERT_SIZE(struct evtchn_alloc_unbound, 8);

struct evtchn_bind_interdomain {
	uint16_t remote_dom, pad;
	uint32_t remote_port;
	uint32_t local_port;
};
XEN_ABI_ASSERT_SIZE(struct evtchn_bind_interdomain, 12);

struct evtchn_bind_virq {
	uint32_t virq, vcpu, port;
};

struct evtchn_bind_ipi {
	uint32_t vcpu, port;
};

struct evtchn_bind_vcpu {
	uint32_t port, vcpu;
};

struct evtchn_status {
	uint16_t dom, pad;
	uint32_t port;
	uint32_t status;
	uint32_t vcpu;
	union {
		struct { uint16_t dom; } unbound;
		struct { uint16_t dom, pad; uint32_t port; } interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};
XEN_ABI_ASSERT_SIZE(struct evtchn_status, 24);
XEN_ABI_ASSERT_OFF(struct evtchn_status, u, 16);

#endif
