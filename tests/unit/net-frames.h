/* Frames for the network tests: Ethernet, IPv4 or IPv6, TCP, a payload. */
#ifndef XENKVM_TEST_NET_FRAMES_H
#define XENKVM_TEST_NET_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCPF_FIN 0x01
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_CWR 0x80

/*
 * A TCP frame into buf: optional VLAN tag, IPv4 (id 0x1234) or IPv6, TCP
 * with 12 bytes of options (doff 8), sequence number 1000, flags, and
 * payload bytes counting up from 0. Checksums are filled in. Its length.
 */
size_t net_frame_tcp(uint8_t *buf, bool ipv6, bool vlan, size_t payload, uint8_t flags);
/* The TCP checksum of a frame is right (recomputed and compared). */
bool net_frame_csum_ok(const uint8_t *frame, size_t len);
/* The IPv4 header checksum at ip is right. */
bool net_frame_ip_csum_ok(const uint8_t *ip);

#endif
