#include <string.h>
#include "devices/net-csum.h"

#define ETH_HLEN 14
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

uint32_t net_csum_add(const uint8_t *p, size_t len, uint32_t acc)
{
	for (; len > 1; p += 2, len -= 2)
		acc += (uint32_t)p[0] << 8 | p[1];
	if (len)
		acc += (uint32_t)p[0] << 8;
	return acc;
}

uint16_t net_csum_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* The transport header at l4 (len bytes to the end), over a pseudo-header sum. */
static bool fill(uint8_t *l4, size_t len, uint8_t proto, uint32_t pseudo)
{
	size_t off = proto == IPPROTO_TCP_ ? 16 : 6;
	uint16_t c;

	if ((proto != IPPROTO_TCP_ && proto != IPPROTO_UDP_) || len < off + 2 ||
	    (proto == IPPROTO_TCP_ && len < 20))
		return false;
	l4[off] = l4[off + 1] = 0;
	c = net_csum_fold(net_csum_add(l4, len, pseudo + proto + (uint32_t)len));
	if (proto == IPPROTO_UDP_ && c == 0)
		c = 0xffff;
	l4[off] = (uint8_t)(c >> 8);
	l4[off + 1] = (uint8_t)c;
	return true;
}

static bool ipv4(uint8_t *ip, size_t len)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4, total;

	if (len < 20 || ihl < 20 || ihl > len)
		return false;
	total = (size_t)ip[2] << 8 | ip[3];
	if (total < ihl || total > len || (ip[6] & 0x3f) || ip[7])
		return false;	/* fragments carry no whole transport segment */
	return fill(ip + ihl, total - ihl, ip[9], net_csum_add(ip + 12, 8, 0));
}

static bool ipv6(uint8_t *ip, size_t len)
{
	size_t payload;

	if (len < 40)
		return false;
	payload = (size_t)ip[4] << 8 | ip[5];
	if (payload > len - 40)
		return false;
	/* Extension headers are left alone: Linux sends none with csum_blank. */
	return fill(ip + 40, payload, ip[6], net_csum_add(ip + 8, 32, 0));
}

bool net_fill_csum(uint8_t *frame, size_t len)
{
	size_t l3 = ETH_HLEN;
	uint16_t type;

	if (len < ETH_HLEN)
		return false;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == 0x8100 && len >= ETH_HLEN + 4) {	/* one VLAN tag */
		type = (uint16_t)(frame[16] << 8 | frame[17]);
		l3 += 4;
	}
	if (type == 0x0800)
		return ipv4(frame + l3, len - l3);
	if (type == 0x86dd)
		return ipv6(frame + l3, len - l3);
	return false;
}
