#include <string.h>
#include "devices/net-csum.h"
#include "devices/net-gso.h"
#include "devices/netif.h"

#define ETH_HLEN 14
#define IPPROTO_TCP_ 6
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80
#define GSO_MAX_FRAME 65536

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The IP header at l3 is the rest of the frame; sets h->l4. */
static const char *parse_ipv4(const uint8_t *f, size_t len, struct net_gso_hdrs *h)
{
	const uint8_t *ip = f + h->l3;
	size_t ihl;

	if (len - h->l3 < 20 || ip[0] >> 4 != 4)
		return "no IPv4 header";
	ihl = (size_t)(ip[0] & 15) * 4;
	if (ihl < 20 || h->l3 + ihl > len)
		return "the IPv4 header length is beyond the frame";
	if (be16(ip + 2) != len - h->l3)
		return "the IPv4 total length disagrees with the frame";
	if ((ip[6] & 0x3f) || ip[7])
		return "an IPv4 fragment";
	if (ip[9] != IPPROTO_TCP_)
		return "not TCP";
	h->l4 = (uint16_t)(h->l3 + ihl);
	return NULL;
}

static const char *parse_ipv6(const uint8_t *f, size_t len, struct net_gso_hdrs *h)
{
	const uint8_t *ip = f + h->l3;

	if (len - h->l3 < 40 || ip[0] >> 4 != 6)
		return "no IPv6 header";
	if (be16(ip + 4) != len - h->l3 - 40)
		return "the IPv6 payload length disagrees with the frame";
	if (ip[6] != IPPROTO_TCP_)
		return "not TCP right after the IPv6 header";
	h->l4 = (uint16_t)(h->l3 + 40);
	return NULL;
}

static const char *parse_tcp(const uint8_t *f, size_t len, struct net_gso_hdrs *h)
{
	size_t doff;

	if (len - h->l4 < 20)
		return "the TCP header is beyond the frame";
	doff = (size_t)(f[h->l4 + 12] >> 4) * 4;
	if (doff < 20 || h->l4 + doff > len)
		return "the TCP header length is beyond the frame";
	if (h->l4 + doff == len)
		return "no TCP payload";
	h->hdr_len = (uint16_t)(h->l4 + doff);
	return NULL;
}

const char *net_gso_parse(const uint8_t *frame, size_t len, uint8_t gso_type, uint16_t mss,
			  struct net_gso_hdrs *h)
{
	uint16_t type;
	const char *why;

	*h = (struct net_gso_hdrs){ .l3 = ETH_HLEN, .ipv6 = gso_type == NETIF_GSO_TYPE_TCPV6 };
	if (gso_type != NETIF_GSO_TYPE_TCPV4 && gso_type != NETIF_GSO_TYPE_TCPV6)
		return "a GSO type other than TCPv4 and TCPv6";
	if (mss < NET_GSO_MIN_MSS)
		return "a GSO size below Linux's smallest MSS";
	if (len < ETH_HLEN || len > GSO_MAX_FRAME)
		return "a frame shorter than its Ethernet header or over 64 KiB";
	type = be16(frame + 12);
	if (type == 0x8100 && len >= ETH_HLEN + 4) {	/* one VLAN tag */
		type = be16(frame + 16);
		h->l3 += 4;
	}
	if (type != (h->ipv6 ? 0x86dd : 0x0800))
		return "a frame whose Ethernet type is not the GSO type's IP version";
	why = h->ipv6 ? parse_ipv6(frame, len, h) : parse_ipv4(frame, len, h);
	return why ? why : parse_tcp(frame, len, h);
}

/* The pseudo-header's sum for a TCP segment of tcp_len bytes. */
static uint32_t pseudo_sum(const uint8_t *frame, const struct net_gso_hdrs *h, size_t tcp_len)
{
	uint32_t acc = h->ipv6 ? net_csum_add(frame + h->l3 + 8, 32, 0)
			       : net_csum_add(frame + h->l3 + 12, 8, 0);

	return acc + IPPROTO_TCP_ + (uint32_t)tcp_len;
}

void net_gso_pseudo_csum(uint8_t *frame, size_t len, const struct net_gso_hdrs *h)
{
	/* fold() inverts; the field holds the sum itself. */
	uint16_t sum = (uint16_t)~net_csum_fold(pseudo_sum(frame, h, len - h->l4));

	put_be16(frame + h->l4 + 16, sum);
}

/* Segment seg (headers copied, payload in place) of a train cut at off. */
static void fix_segment(uint8_t *seg, size_t seg_len, const struct net_gso_hdrs *h,
			unsigned i, size_t off, bool last)
{
	uint8_t *ip = seg + h->l3, *tcp = seg + h->l4;
	uint32_t seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
		       (uint32_t)tcp[6] << 8 | tcp[7];

	if (h->ipv6) {
		put_be16(ip + 4, (uint16_t)(seg_len - h->l3 - 40));
	} else {
		put_be16(ip + 2, (uint16_t)(seg_len - h->l3));
		put_be16(ip + 4, (uint16_t)(be16(ip + 4) + i));
		put_be16(ip + 10, 0);
		put_be16(ip + 10, net_csum_fold(net_csum_add(ip, (size_t)(h->l4 - h->l3), 0)));
	}
	seq += (uint32_t)off;
	tcp[4] = (uint8_t)(seq >> 24), tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8), tcp[7] = (uint8_t)seq;
	if (!last)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (i)
		tcp[13] &= (uint8_t)~TCP_CWR;
	net_fill_csum(seg, seg_len);
}

int net_gso_segment(const uint8_t *frame, size_t len, const struct net_gso_hdrs *h,
		    uint16_t mss, int (*emit)(void *arg, const uint8_t *seg, size_t len),
		    void *arg)
{
	static __thread uint8_t seg[GSO_MAX_FRAME];
	size_t payload = len - h->hdr_len, off = 0;
	unsigned i = 0;

	if (mss == 0)
		return -1;
	for (; off < payload; off += mss, i++) {
		size_t chunk = payload - off < mss ? payload - off : mss;

		memcpy(seg, frame, h->hdr_len);
		memcpy(seg + h->hdr_len, frame + h->hdr_len + off, chunk);
		fix_segment(seg, h->hdr_len + chunk, h, i, off, off + chunk == payload);
		if (emit(arg, seg, h->hdr_len + chunk) != 0)
			return -1;
	}
	return (int)i;
}
