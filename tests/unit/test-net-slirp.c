/*
 * The user-mode endpoint as a guest sees it, without a guest: frames a
 * netfront would send go in, and what comes out is checked. DHCP gives the
 * configured address with the gateway and DNS server, UDP reaches a socket
 * on the host's loopback and its answer comes back, a host forward
 * delivers to the guest, a forward on a taken port is refused, and garbage
 * frames change nothing.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "devices/net-csum.h"
#include "src/xenkvmd/net-slirp.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define GUEST_PORT 40000

static const uint8_t guest_mac[6] = { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 };
static uint8_t host_mac[6];
static char logged[512];
static const struct vif_tx_meta plain;	/* a finished frame */

static void log_msg(void *arg, const char *msg)
{
	(void)arg;
	snprintf(logged, sizeof(logged), "%s", msg);
}

static struct net_endpoint *open_ep(uint32_t guest, const struct vif_hostfwd *f, unsigned n)
{
	struct slirp_net_cfg c = { guest, "g1", f, n, log_msg, NULL, 0 };
	char err[256];
	struct net_endpoint *e = slirp_endpoint(&c, err, sizeof(err));

	cr_assert_not_null(e, "%s", err);
	return e;
}

/* One round of the queue thread's loop, without rings. */
static void pump(struct net_endpoint *e, int ms)
{
	struct net_poll p = { .timeout_ms = -1 };

	e->ops->poll_prepare(e, &p, true);
	net_poll_limit(&p, ms);
	if (poll(p.fds, p.n, p.timeout_ms) < 0)
		for (unsigned i = 0; i < p.n; i++)
			p.fds[i].revents = 0;
	e->ops->poll_done(e, &p);
	net_poll_free(&p);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16), put16(p + 2, v & 0xffff);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Ethernet + IPv4 + UDP around payload, checksums filled in; its length. */
static size_t udp_frame(uint8_t *f, const uint8_t dst_mac[6], uint32_t src, unsigned sport,
			uint32_t dst, unsigned dport, const void *payload, size_t len)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint32_t sum = 0;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45, ip[8] = 64, ip[9] = 17;
	put16(ip + 2, (unsigned)(20 + 8 + len));
	put32(ip + 12, src);
	put32(ip + 16, dst);
	for (int i = 0; i < 20; i += 2)
		sum += get16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, ~sum & 0xffff);
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (unsigned)(8 + len));
	memcpy(udp + 8, payload, len);
	cr_assert(net_fill_csum(f, 14 + 28 + len));
	return 14 + 28 + len;
}

/* The UDP payload of a frame to the guest's port, or NULL. */
static const uint8_t *udp_to(const uint8_t *f, ssize_t len, unsigned dport, size_t *plen)
{
	if (len < 42 || get16(f + 12) != 0x0800 || f[14 + 9] != 17 ||
	    get16(f + 14 + 20 + 2) != dport)
		return NULL;
	*plen = get16(f + 14 + 20 + 4) - 8;
	return f + 42;
}

/* Answers slirp's ARP request for the guest's address, as the guest would. */
static void answer_arp(struct net_endpoint *e, const uint8_t *f, ssize_t len)
{
	const uint8_t *arp = f + 14;
	uint8_t r[42];

	if (len < 42 || get16(f + 12) != 0x0806 || get16(arp + 6) != 1)
		return;
	memcpy(r, f + 6, 6);
	memcpy(r + 6, guest_mac, 6);
	memcpy(r + 12, f + 12, 2 + 6);		/* ethertype, hw and protocol types and sizes */
	put16(r + 14 + 6, 2);			/* a reply */
	memcpy(r + 14 + 8, guest_mac, 6);
	memcpy(r + 14 + 14, arp + 24, 4);	/* the address asked about */
	memcpy(r + 14 + 18, arp + 8, 10);	/* to the asker */
	cr_assert_eq(e->ops->send(e, r, sizeof(r), &plain), 0);
}

/* Pumps until a UDP frame to dport comes out (2 s at most); its payload. */
static const uint8_t *wait_udp(struct net_endpoint *e, uint8_t *buf, unsigned dport,
			       size_t *plen)
{
	struct vif_rx_meta m;

	for (int i = 0; i < 200; i++) {
		ssize_t len;

		while ((len = e->ops->recv(e, buf, 65536, &m)) >= 0) {
			const uint8_t *p = udp_to(buf, len, dport, plen);
			answer_arp(e, buf, len);
			if (p) {
				cr_assert(m.data_validated && !m.csum_blank);
				return p;
			}
		}
		pump(e, 10);
	}
	return NULL;
}

/* DISCOVER as udhcpc sends it; the OFFER's options are checked by the caller. */
static const uint8_t *dhcp_offer(struct net_endpoint *e, uint8_t *buf, size_t *plen)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t bootp[300] = { 1, 1, 6, 0 }, frame[400];
	size_t len;
	const uint8_t *offer;

	put32(bootp + 4, 0x12345678);
	put16(bootp + 10, 0x8000);
	memcpy(bootp + 28, guest_mac, 6);
	put32(bootp + 236, 0x63825363);
	bootp[240] = 53, bootp[241] = 1, bootp[242] = 1, bootp[243] = 255;
	len = udp_frame(frame, bcast, 0, 68, 0xffffffff, 67, bootp, sizeof(bootp));
	cr_assert_eq(e->ops->send(e, frame, len, &plain), 0);
	offer = wait_udp(e, buf, 68, plen);
	cr_assert_not_null(offer, "no DHCP offer");
	memcpy(host_mac, buf + 6, 6);
	return offer;
}

/* Option code's first four bytes in a BOOTP reply, or 0. */
static uint32_t dhcp_option(const uint8_t *bootp, size_t len, uint8_t code)
{
	for (size_t i = 240; i + 1 < len && bootp[i] != 255;) {
		if (bootp[i] == 0) {
			i++;
			continue;
		}
		if (bootp[i] == code && bootp[i + 1] >= 4 && i + 6 <= len)
			return get32(bootp + i + 2);
		i += 2u + bootp[i + 1];
	}
	return 0;
}

static int udp_socket(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	cr_assert(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	return s;
}

Test(net_slirp, dhcp_gives_the_address_gateway_and_dns)
{
	static uint8_t buf[65536];
	struct net_endpoint *e = open_ep(IP4(10, 0, 2, 42), NULL, 0);
	size_t len;
	const uint8_t *offer = dhcp_offer(e, buf, &len);

	cr_assert_gt(len, 240);
	cr_assert_eq(offer[0], 2, "a BOOTREPLY");
	cr_assert_eq(get32(offer + 16), IP4(10, 0, 2, 42), "yiaddr");
	cr_assert_eq(dhcp_option(offer, len, 1), IP4(255, 255, 255, 0), "netmask");
	cr_assert_eq(dhcp_option(offer, len, 3), IP4(10, 0, 2, 2), "router");
	cr_assert_eq(dhcp_option(offer, len, 6), IP4(10, 0, 2, 3), "DNS server");
	e->ops->destroy(e);
}

/* The guest sends "ping" from GUEST_PORT to the host's socket s; *from is its sender. */
static void ping_host(struct net_endpoint *e, int s, uint16_t port, struct sockaddr_in *from,
		      socklen_t *flen)
{
	uint8_t frame[200], got[64];
	size_t len = udp_frame(frame, host_mac, VIF_USER_GUEST, GUEST_PORT, VIF_USER_HOST, port,
			       "ping", 4);
	ssize_t n = -1;

	cr_assert_eq(e->ops->send(e, frame, len, &plain), 0);
	for (int i = 0; i < 200 && n < 0; i++) {
		pump(e, 10);
		n = recvfrom(s, got, sizeof(got), MSG_DONTWAIT, (struct sockaddr *)from, flen);
	}
	cr_assert_eq(n, 4, "the guest's datagram did not reach 127.0.0.1:%u", port);
	cr_assert(!memcmp(got, "ping", 4));
}

Test(net_slirp, udp_to_the_host_and_back)
{
	static uint8_t buf[65536];
	struct net_endpoint *e = open_ep(VIF_USER_GUEST, NULL, 0);
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	uint16_t port;
	int s = udp_socket(&port);
	size_t len;
	const uint8_t *p;

	dhcp_offer(e, buf, &len);
	ping_host(e, s, port, &from, &flen);
	cr_assert_eq(sendto(s, "pong!", 5, 0, (struct sockaddr *)&from, flen), 5);
	p = wait_udp(e, buf, GUEST_PORT, &len);
	cr_assert_not_null(p, "no answer for the guest");
	cr_assert_eq(len, 5);
	cr_assert(!memcmp(p, "pong!", 5));
	cr_assert_eq(get32(buf + 14 + 12), VIF_USER_HOST, "from the gateway's address");
	cr_assert_eq(get32(buf + 14 + 16), VIF_USER_GUEST);
	close(s);
	e->ops->destroy(e);
}

/* A datagram of 4000 bytes from the host: whole in one frame with mtu=9000, as fragments else. */
static size_t biggest_frame_back(unsigned mtu)
{
	static uint8_t buf[65536], big[4000];
	struct slirp_net_cfg c = { VIF_USER_GUEST, "g1", NULL, 0, log_msg, NULL, mtu };
	char err[256];
	struct net_endpoint *e = slirp_endpoint(&c, err, sizeof(err));
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	uint16_t port;
	int s = udp_socket(&port);
	size_t len, most = 0;

	cr_assert_not_null(e, "%s", err);
	dhcp_offer(e, buf, &len);
	ping_host(e, s, port, &from, &flen);
	cr_assert_eq(sendto(s, big, sizeof(big), 0, (struct sockaddr *)&from, flen), 4000);
	for (int i = 0; i < 50; i++) {
		struct vif_rx_meta m;
		ssize_t l;

		while ((l = e->ops->recv(e, buf, sizeof(buf), &m)) >= 0)
			if ((size_t)l > most)
				most = (size_t)l;
		pump(e, 10);
	}
	close(s);
	e->ops->destroy(e);
	return most;
}

Test(net_slirp, mtu_sets_the_largest_frame_to_the_guest)
{
	cr_assert_eq(biggest_frame_back(9000), 14 + 20 + 8 + 4000u, "one frame with mtu=9000");
	cr_assert_eq(biggest_frame_back(0), 14 + 1500u, "fragments of the default 1500");
}

Test(net_slirp, host_forward_reaches_the_guest)
{
	static uint8_t buf[65536];
	struct vif_hostfwd f = { .udp = true, .host_addr = IP4(127, 0, 0, 1), .guest_port = 7000 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint16_t port;
	int s = udp_socket(&port);
	struct net_endpoint *e;
	size_t len;
	const uint8_t *p;

	close(s);	/* a free port for the forward */
	f.host_port = port;
	e = open_ep(VIF_USER_GUEST, &f, 1);
	dhcp_offer(e, buf, &len);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	to.sin_port = htons(port);
	cr_assert_eq(sendto(s, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to)), 5);
	p = wait_udp(e, buf, 7000, &len);
	cr_assert_not_null(p, "nothing came through the forward");
	cr_assert_eq(len, 5);
	cr_assert(!memcmp(p, "hello", 5));
	cr_assert_eq(get32(buf + 14 + 16), VIF_USER_GUEST);
	close(s);
	e->ops->destroy(e);
}

Test(net_slirp, forward_on_a_taken_port_is_refused)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct vif_hostfwd f = { .host_addr = IP4(127, 0, 0, 1), .guest_port = 22 };
	struct slirp_net_cfg c = { VIF_USER_GUEST, NULL, &f, 1, log_msg, NULL, 0 };
	char err[256], want[256];

	cr_assert(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(s, 1) == 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &alen), 0);
	f.host_port = ntohs(a.sin_port);
	cr_assert_null(slirp_endpoint(&c, err, sizeof(err)));
	snprintf(want, sizeof(want), "cannot forward tcp 127.0.0.1:%u to the guest's "
		 "10.0.2.15:22: Address already in use", f.host_port);
	cr_assert_str_eq(err, want);
	close(s);
}

Test(net_slirp, garbage_from_the_guest_is_dropped)
{
	static uint8_t buf[65536], junk[65536];
	struct net_endpoint *e = open_ep(VIF_USER_GUEST, NULL, 0);
	struct vif_rx_meta m;
	size_t len;
	unsigned seed = 1;

	for (size_t n = 0; n < 2000; n++) {
		size_t flen = n < 100 ? n : 14 + (size_t)rand_r(&seed) % 1600;
		for (size_t i = 0; i < flen; i++)
			junk[i] = (uint8_t)rand_r(&seed);
		if (n & 1)	/* IPv4 or IPv6 with random headers */
			put16(junk + 12, n & 2 ? 0x0800 : 0x86dd);
		e->ops->send(e, junk, flen, &plain);
		if (n % 100 == 0)
			pump(e, 0);
	}
	cr_assert_eq(e->ops->send(e, junk, sizeof(junk) + 1, &plain), -1, "over VIF_MAX_FRAME");
	while (e->ops->recv(e, buf, sizeof(buf), &m) >= 0)
		;
	dhcp_offer(e, buf, &len);	/* still serving */
	e->ops->destroy(e);
}

Test(net_slirp, describe)
{
	struct vif_hostfwd f[2] = {
		{ .host_addr = IP4(127, 0, 0, 1), .host_port = 2222, .guest_port = 22 },
		{ .udp = true, .host_port = 53, .guest_addr = IP4(10, 0, 2, 20), .guest_port = 5353 },
	};
	struct slirp_net_cfg c = { VIF_USER_GUEST, NULL, f, 2, log_msg, NULL, 0 };
	char out[512];

	slirp_describe(&c, out, sizeof(out));
	cr_assert(strstr(out, "user-mode network 10.0.2.0/24 (libslirp "), "%s", out);
	cr_assert(strstr(out, "guest 10.0.2.15; forwarding tcp 127.0.0.1:2222 to the guest's "
			 "10.0.2.15:22, udp 0.0.0.0:53 to the guest's 10.0.2.20:5353"), "%s", out);
}
