/* Filling in the TCP/UDP checksum a frontend left blank (NETTXF_csum_blank). */
#ifndef XENKVM_NET_CSUM_H
#define XENKVM_NET_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ethernet frame with IPv4 or IPv6 carrying TCP or UDP: computes the
 * transport checksum from scratch. false if the frame is not one of those
 * or is truncated (it is left as it was). */
bool net_fill_csum(uint8_t *frame, size_t len);

/* The Internet checksum's parts: big-endian 16-bit words of p added to acc
 * (an odd last byte padded with zero), and the sum folded and inverted. */
uint32_t net_csum_add(const uint8_t *p, size_t len, uint32_t acc);
uint16_t net_csum_fold(uint32_t acc);

#endif
