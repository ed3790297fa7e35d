/*
 * TCP segment trains (GSO) a frontend sends: checking the headers of one
 * before it goes anywhere, and cutting it into MSS-sized segments for a
 * host side that takes only finished frames (user-mode networking).
 */
#ifndef XENKVM_NET_GSO_H
#define XENKVM_NET_GSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux's smallest MSS (tcp_min_snd_mss); anything less is refused, so a
 * hostile frontend cannot ask for 64 Ki one-byte segments. */
#define NET_GSO_MIN_MSS 48

/* Where a segment train's headers are, as offsets into the frame. */
struct net_gso_hdrs {
	uint16_t l3;		/* IPv4 or IPv6 header */
	uint16_t l4;		/* TCP header: where the partial checksum starts */
	uint16_t hdr_len;	/* Ethernet + IP + TCP headers: what each segment repeats */
	bool ipv6;
};

/*
 * Checks a train of gso_type (NETIF_GSO_TYPE_TCPV4/6) and MSS mss: an
 * Ethernet frame (one VLAN tag allowed) with IPv4 (no options limit, no
 * fragment) or IPv6 (no extension headers) carrying TCP, the IP length
 * covering exactly the rest of the frame, some payload. NULL and *h filled
 * in, or why not.
 */
const char *net_gso_parse(const uint8_t *frame, size_t len, uint8_t gso_type, uint16_t mss,
			  struct net_gso_hdrs *h);

/* Writes the TCP pseudo-header sum (over the whole train) into the TCP
 * checksum field, as a host kernel expects of a frame whose checksum it is
 * to finish (virtio-net's NEEDS_CSUM). */
void net_gso_pseudo_csum(uint8_t *frame, size_t len, const struct net_gso_hdrs *h);

/*
 * Cuts a train net_gso_parse accepted into segments of at most mss payload
 * bytes, each with its own IP length, IPv4 id and header checksum, TCP
 * sequence number, flags (FIN and PSH on the last only, CWR on the first
 * only) and TCP checksum, and hands each to emit. The segments emitted, or
 * -1 when emit failed (the rest are not cut).
 */
int net_gso_segment(const uint8_t *frame, size_t len, const struct net_gso_hdrs *h,
		    uint16_t mss, int (*emit)(void *arg, const uint8_t *seg, size_t len),
		    void *arg);

#endif
