/*
 * The segment-train checks and the software segmenter: trains a netfront
 * sends come out as the segments the host's kernel would cut (lengths, ids,
 * sequence numbers, flags, checksums recomputed independently), and
 * hostile headers are refused without reading past the frame.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "devices/net-gso.h"
#include "devices/netif.h"
#include "tests/unit/net-frames.h"

static uint8_t frame[65536 + 64];
static uint8_t segs[64][2048];
static size_t seg_len[64];
static unsigned nsegs;
static int fail_at = -1;

static int collect(void *arg, const uint8_t *seg, size_t len)
{
	(void)arg;
	if ((int)nsegs == fail_at || nsegs == 64 || len > sizeof(segs[0]))
		return -1;
	memcpy(segs[nsegs], seg, len);
	seg_len[nsegs++] = len;
	return 0;
}

static void setup(void)
{
	nsegs = 0;
	fail_at = -1;
}

TestSuite(net_gso, .init = setup);

static uint32_t seq_of(const uint8_t *tcp)
{
	return (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/* Cuts a train and checks every segment against the original. */
static void cut_and_check(bool ipv6, bool vlan, size_t payload, uint16_t mss, uint8_t flags)
{
	size_t len = net_frame_tcp(frame, ipv6, vlan, payload, flags);
	struct net_gso_hdrs h;
	size_t off = 0, want = (payload + mss - 1) / mss;
	const char *why = net_gso_parse(frame, len, ipv6 ? NETIF_GSO_TYPE_TCPV6
							 : NETIF_GSO_TYPE_TCPV4, mss, &h);

	cr_assert_null(why, "%s", why);
	cr_assert_eq(h.l3, vlan ? 18 : 14);
	cr_assert_eq(h.l4, h.l3 + (ipv6 ? 40 : 20));
	cr_assert_eq(h.hdr_len, h.l4 + 32);
	cr_assert_eq(net_gso_segment(frame, len, &h, mss, collect, NULL), (int)want);
	cr_assert_eq(nsegs, want);
	for (unsigned i = 0; i < nsegs; i++) {
		const uint8_t *s = segs[i], *ip = s + h.l3, *tcp = s + h.l4;
		size_t chunk = payload - off < mss ? payload - off : mss;
		bool last = i + 1 == nsegs;

		cr_assert_eq(seg_len[i], h.hdr_len + chunk, "segment %u", i);
		cr_assert(net_frame_csum_ok(s, seg_len[i]), "segment %u's TCP checksum", i);
		if (ipv6) {
			cr_assert_eq(be16(ip + 4), seg_len[i] - h.l3 - 40);
		} else {
			cr_assert_eq(be16(ip + 2), seg_len[i] - h.l3);
			cr_assert_eq(be16(ip + 4), 0x1234 + i, "IPv4 id");
			cr_assert(net_frame_ip_csum_ok(ip), "segment %u's IPv4 checksum", i);
		}
		cr_assert_eq(seq_of(tcp), 1000 + off);
		cr_assert_eq(tcp[13] & (TCPF_FIN | TCPF_PSH), last ? flags & (TCPF_FIN | TCPF_PSH) : 0);
		cr_assert_eq(tcp[13] & TCPF_CWR, i == 0 ? flags & TCPF_CWR : 0);
		cr_assert_eq(tcp[13] & TCPF_ACK, TCPF_ACK);
		cr_assert_eq(memcmp(s + h.hdr_len, frame + h.hdr_len + off, chunk), 0);
		off += chunk;
	}
}

Test(net_gso, ipv4_train)
{
	cut_and_check(false, false, 4000, 1448, TCPF_ACK | TCPF_PSH | TCPF_CWR);
}

Test(net_gso, ipv6_train)
{
	cut_and_check(true, false, 5000, 1428, TCPF_ACK | TCPF_PSH | TCPF_FIN);
}

Test(net_gso, vlan_tagged_and_exact_multiple)
{
	cut_and_check(false, true, 3 * 1000, 1000, TCPF_ACK);
}

Test(net_gso, largest_train)
{
	size_t payload = 65535 - 14 - 20 - 32;	/* a slot size says at most 65535 */

	cut_and_check(false, false, payload, 1460, TCPF_ACK | TCPF_PSH);
	cr_assert_eq(nsegs, 45);
}

Test(net_gso, emit_failure_stops)
{
	size_t len = net_frame_tcp(frame, false, false, 4000, TCPF_ACK);
	struct net_gso_hdrs h;

	cr_assert_null(net_gso_parse(frame, len, NETIF_GSO_TYPE_TCPV4, 1000, &h));
	fail_at = 1;
	cr_assert_eq(net_gso_segment(frame, len, &h, 1000, collect, NULL), -1);
	cr_assert_eq(nsegs, 1);
}

/* The partial checksum a host kernel finishes: the pseudo-header's sum in
 * the field, so that summing the TCP bytes alone gives the checksum. */
Test(net_gso, pseudo_header_sum)
{
	for (int v6 = 0; v6 < 2; v6++) {
		size_t len = net_frame_tcp(frame, v6, false, 3000, TCPF_ACK);
		uint8_t want[2];
		struct net_gso_hdrs h;
		uint32_t acc = 0;

		cr_assert_null(net_gso_parse(frame, len, v6 ? 2 : 1, 1000, &h));
		memcpy(want, frame + h.l4 + 16, 2);
		net_gso_pseudo_csum(frame, len, &h);
		for (size_t i = h.l4; i < len; i++)
			acc += (i - h.l4) & 1 ? frame[i] : (uint32_t)frame[i] << 8;
		while (acc > 0xffff)
			acc = (acc >> 16) + (acc & 0xffff);
		cr_assert_eq((uint16_t)~acc, be16(want), "v6 %d: %#x vs %#x", v6, (uint16_t)~acc,
			     be16(want));
	}
}

static const char *parse(size_t len, uint8_t type, uint16_t mss)
{
	struct net_gso_hdrs h;

	return net_gso_parse(frame, len, type, mss, &h);
}

Test(net_gso, hostile_sizes_and_types)
{
	size_t len = net_frame_tcp(frame, false, false, 3000, TCPF_ACK);

	cr_assert_null(parse(len, NETIF_GSO_TYPE_TCPV4, NET_GSO_MIN_MSS));
	cr_assert_not_null(parse(len, NETIF_GSO_TYPE_TCPV4, 0));
	cr_assert_not_null(parse(len, NETIF_GSO_TYPE_TCPV4, NET_GSO_MIN_MSS - 1));
	cr_assert_not_null(parse(len, 0, 1448));
	cr_assert_not_null(parse(len, 3, 1448));
	cr_assert_not_null(parse(len, NETIF_GSO_TYPE_TCPV6, 1448), "IPv4 as a TCPv6 train");
	cr_assert_not_null(parse(len - 1, NETIF_GSO_TYPE_TCPV4, 1448), "IP length too long");
	cr_assert_not_null(parse(len + 1, NETIF_GSO_TYPE_TCPV4, 1448), "IP length too short");
	cr_assert_not_null(parse(65537, NETIF_GSO_TYPE_TCPV4, 1448), "over 64 KiB");
}

Test(net_gso, hostile_headers)
{
	struct { size_t at; uint8_t value; const char *what; } cases[] = {
		{ 14, 0x4f, "an IPv4 header of 60 bytes taking the TCP header's" },
		{ 14, 0x44, "an IPv4 header length under 20" },
		{ 14, 0x65, "IP version 6 under an IPv4 type" },
		{ 20, 0x20, "more fragments" },
		{ 21, 0x01, "a fragment offset" },
		{ 23, 17, "UDP" },
		{ 46, 0xf0, "a TCP header of 60 bytes" },
		{ 46, 0x40, "a TCP header length under 20" },
	};
	size_t len = net_frame_tcp(frame, false, false, 10, TCPF_ACK);

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t keep = frame[cases[i].at];

		frame[cases[i].at] = cases[i].value;
		cr_assert_not_null(parse(len, NETIF_GSO_TYPE_TCPV4, 1448), "%s", cases[i].what);
		frame[cases[i].at] = keep;
	}
	len = net_frame_tcp(frame, false, false, 0, TCPF_ACK);
	cr_assert_not_null(parse(len, NETIF_GSO_TYPE_TCPV4, 1448), "no payload");
	len = net_frame_tcp(frame, true, false, 100, TCPF_ACK);
	frame[14 + 6] = 0;	/* a hop-by-hop header first */
	cr_assert_not_null(parse(len, NETIF_GSO_TYPE_TCPV6, 1448), "IPv6 extension header");
}

/* Every truncation of good trains, and random bytes: refused or parsed
 * inside the frame, never read past it (ASan watches the heap copies). */
Test(net_gso, truncations_and_noise)
{
	for (int v6 = 0; v6 < 2; v6++) {
		size_t full = net_frame_tcp(frame, v6, v6, 200, TCPF_ACK);

		for (size_t len = 0; len <= full; len++) {
			uint8_t *copy = malloc(len ? len : 1);
			struct net_gso_hdrs h;

			memcpy(copy, frame, len);
			if (!net_gso_parse(copy, len, v6 ? 2 : 1, 64, &h)) {
				cr_assert_eq(len, full, "a train cut to %zu bytes accepted", len);
				cr_assert_lt(h.hdr_len, len);
			}
			free(copy);
		}
	}
	srand(7);
	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)rand() % 200;
		uint8_t *copy = malloc(len ? len : 1);
		struct net_gso_hdrs h;

		for (size_t i = 0; i < len; i++)
			copy[i] = (uint8_t)rand();
		if (len > 14)
			copy[12] = 0x08, copy[13] = 0;
		if (!net_gso_parse(copy, len, 1, 64, &h)) {
			cr_assert_lt(h.hdr_len, len);
			nsegs = 0;
			net_gso_segment(copy, len, &h, 64, collect, NULL);
		}
		free(copy);
	}
}
