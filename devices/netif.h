/*
 * The PV network protocol (Xen's io/netif.h, x86-64 layout): the transmit
 * and receive rings a frontend shares with its backend.
 */
#ifndef XENKVM_NETIF_H
#define XENKVM_NETIF_H

#include <stddef.h>
#include <stdint.h>
#include "xen-abi/abi-core.h"

/* netif_tx_request.flags */
#define NETTXF_csum_blank	(1u << 0)	/* checksum to be filled in */
#define NETTXF_data_validated	(1u << 1)
#define NETTXF_more_data	(1u << 2)	/* the packet goes on in the next slot */
#define NETTXF_extra_info	(1u << 3)	/* the next slot is a netif_extra_info */

/* netif_rx_response.flags */
#define NETRXF_data_validated	(1u << 0)
#define NETRXF_csum_blank	(1u << 1)
#define NETRXF_more_data	(1u << 2)
#define NETRXF_extra_info	(1u << 3)

#define NETIF_RSP_DROPPED	(-2)
#define NETIF_RSP_ERROR		(-1)
#define NETIF_RSP_OKAY		0
#define NETIF_RSP_NULL		1	/* the answer to an extra-info slot */

#define NETIF_EXTRA_TYPE_GSO	1
#define NETIF_EXTRA_TYPE_MAX	6	/* types are 1..5: GSO, multicast add/del, hash, XDP */
#define NETIF_GSO_TYPE_TCPV4	1
#define NETIF_GSO_TYPE_TCPV6	2
#define NETIF_EXTRA_FLAG_MORE	(1u << 0)

/* Slots one packet may take (netback's XEN_NETBK_LEGACY_SLOTS_MAX). */
#define NETIF_MAX_TX_SLOTS	18

struct netif_tx_request {
	uint32_t gref;
	uint16_t offset;
	uint16_t flags;
	uint16_t id;
	uint16_t size;		/* first slot: the whole packet; others: this slot */
};
XEN_ABI_ASSERT_SIZE(struct netif_tx_request, 12);

struct netif_extra_info {
	uint8_t type;
	uint8_t flags;
	uint16_t gso_size;	/* type GSO: the MSS */
	uint8_t gso_type;
	uint8_t pad;
	uint16_t gso_features;
};
XEN_ABI_ASSERT_SIZE(struct netif_extra_info, 8);
_Static_assert(offsetof(struct netif_extra_info, gso_size) == 2, "gso.size at 2");
_Static_assert(offsetof(struct netif_extra_info, gso_type) == 4, "gso.type at 4");
_Static_assert(offsetof(struct netif_extra_info, gso_features) == 6, "gso.features at 6");

struct netif_tx_response {
	uint16_t id;
	int16_t status;
};
XEN_ABI_ASSERT_SIZE(struct netif_tx_response, 4);

struct netif_rx_request {
	uint16_t id;
	uint16_t pad;
	uint32_t gref;
};
XEN_ABI_ASSERT_SIZE(struct netif_rx_request, 8);

struct netif_rx_response {
	uint16_t id;
	uint16_t offset;
	uint16_t flags;
	int16_t status;		/* bytes, or NETIF_RSP_* when negative */
};
XEN_ABI_ASSERT_SIZE(struct netif_rx_response, 8);

union netif_tx_entry {
	struct netif_tx_request req;
	struct netif_extra_info extra;
	struct netif_tx_response rsp;
};
XEN_ABI_ASSERT_SIZE(union netif_tx_entry, 12);

union netif_rx_entry {
	struct netif_rx_request req;
	struct netif_rx_response rsp;
};
XEN_ABI_ASSERT_SIZE(union netif_rx_entry, 8);

/* io/ring.h's header, then the entries at offset 64. */
struct netif_tx_sring {
	uint32_t req_prod, req_event, rsp_prod, rsp_event;
	uint8_t pad[48];
	union netif_tx_entry ring[];
};
struct netif_rx_sring {
	uint32_t req_prod, req_event, rsp_prod, rsp_event;
	uint8_t pad[48];
	union netif_rx_entry ring[];
};
_Static_assert(offsetof(struct netif_tx_sring, ring) == 64, "tx entries at 64");
_Static_assert(offsetof(struct netif_rx_sring, ring) == 64, "rx entries at 64");

/* Entries in a one-page ring of entry_size: the largest power of two that fits. */
static inline unsigned netif_ring_size(size_t entry_size)
{
	size_t n = (XEN_PAGE_SIZE - 64) / entry_size;
	unsigned p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

#endif
