#include "devices/net-flow.h"

#define ETH_HLEN 14

/* FNV-1a: short, and mixes every byte into every bit well enough here. */
static uint32_t mix(uint32_t h, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint32_t with_ports(uint32_t h, uint8_t proto, const uint8_t *l4, size_t left)
{
	if ((proto == 6 || proto == 17) && left >= 4)
		h = mix(h, &proto, 1), h = mix(h, l4, 4);
	return h;
}

static uint32_t ipv4(const uint8_t *ip, size_t len)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4;
	uint32_t h = mix(2166136261u, ip + 12, 8);

	if (ihl < 20 || ihl > len || (ip[6] & 0x3f) || ip[7])
		return h;	/* fragments: the later ones have no ports, so none use them */
	return with_ports(h, ip[9], ip + ihl, len - ihl);
}

static uint32_t ipv6(const uint8_t *ip, size_t len)
{
	return with_ports(mix(2166136261u, ip + 8, 32), ip[6], ip + 40, len - 40);
}

uint32_t net_flow_hash(const uint8_t *frame, size_t len)
{
	size_t l3 = ETH_HLEN;
	uint16_t type;

	if (len < ETH_HLEN)
		return 0;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == 0x8100 && len >= ETH_HLEN + 4) {
		type = (uint16_t)(frame[16] << 8 | frame[17]);
		l3 += 4;
	}
	if (type == 0x0800 && len >= l3 + 20)
		return ipv4(frame + l3, len - l3);
	if (type == 0x86dd && len >= l3 + 40)
		return ipv6(frame + l3, len - l3);
	return 0;
}
