#include <string.h>
#include "devices/net-csum.h"
#include "tests/unit/net-frames.h"

static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static size_t ip_header(uint8_t *ip, bool ipv6, size_t l4_len)
{
	if (ipv6) {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		be16(ip + 4, (unsigned)l4_len);
		ip[6] = 6, ip[7] = 64;
		ip[8] = 0xfe, ip[9] = 0x80, ip[23] = 1;		/* fe80::1 */
		ip[24] = 0xfe, ip[25] = 0x80, ip[39] = 2;	/* fe80::2 */
		return 40;
	}
	memset(ip, 0, 20);
	ip[0] = 0x45;
	be16(ip + 2, (unsigned)(20 + l4_len));
	be16(ip + 4, 0x1234);
	ip[6] = 0x40;	/* don't fragment */
	ip[8] = 64, ip[9] = 6;
	ip[12] = 10, ip[13] = 9, ip[15] = 2;
	ip[16] = 10, ip[17] = 9, ip[19] = 1;
	be16(ip + 10, net_csum_fold(net_csum_add(ip, 20, 0)));
	return 20;
}

size_t net_frame_tcp(uint8_t *buf, bool ipv6, bool vlan, size_t payload, uint8_t flags)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 0, 0x16, 0x3e, 0, 0, 2 };
	size_t l3 = vlan ? 18 : 14, l4, len;
	uint8_t *tcp;

	memcpy(buf, macs, 12);
	if (vlan) {
		be16(buf + 12, 0x8100);
		be16(buf + 14, 7);
	}
	be16(buf + l3 - 2, ipv6 ? 0x86dd : 0x0800);
	l4 = l3 + ip_header(buf + l3, ipv6, 32 + payload);
	tcp = buf + l4;
	memset(tcp, 0, 32);
	be16(tcp, 40000), be16(tcp + 2, 5001);
	tcp[7] = 0xe8, tcp[6] = 0x03;	/* seq 1000 */
	tcp[12] = 8 << 4, tcp[13] = flags;
	be16(tcp + 14, 65535);
	tcp[20] = 1, tcp[21] = 1, tcp[22] = 8, tcp[23] = 10;	/* NOP NOP timestamps */
	len = l4 + 32 + payload;
	for (size_t i = 0; i < payload; i++)
		buf[l4 + 32 + i] = (uint8_t)i;
	net_fill_csum(buf, len);
	return len;
}

/* Written apart from devices/net-csum.c, so the tests do not check it
 * against itself: the one's-complement sum of 16-bit words. */
static uint32_t words(const uint8_t *p, size_t len)
{
	uint32_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	return acc;
}

static bool sums_to_ones(uint32_t acc)
{
	while (acc > 0xffff)
		acc = (acc >> 16) + (acc & 0xffff);
	return acc == 0xffff;
}

bool net_frame_csum_ok(const uint8_t *frame, size_t len)
{
	size_t l3 = frame[12] == 0x81 ? 18 : 14, l4, tcp_len;
	const uint8_t *ip = frame + l3;
	uint32_t pseudo;

	if (ip[0] >> 4 == 6) {
		l4 = l3 + 40;
		pseudo = words(ip + 8, 32);
	} else {
		l4 = l3 + (size_t)(ip[0] & 15) * 4;
		pseudo = words(ip + 12, 8);
	}
	tcp_len = len - l4;
	return sums_to_ones(pseudo + 6 + (uint32_t)tcp_len + words(frame + l4, tcp_len));
}

bool net_frame_ip_csum_ok(const uint8_t *ip)
{
	return sums_to_ones(words(ip, (size_t)(ip[0] & 15) * 4));
}
