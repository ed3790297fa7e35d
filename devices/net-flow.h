/* Which queue of a multi-queue vif a frame from the host side goes to. */
#ifndef XENKVM_NET_FLOW_H
#define XENKVM_NET_FLOW_H

#include <stddef.h>
#include <stdint.h>

/*
 * A hash of the frame's flow: IPv4 or IPv6 addresses, and the TCP or UDP
 * ports when the frame carries them whole (not a later fragment). Frames
 * of one flow hash alike, so they stay in order on one queue; anything
 * else (ARP, truncated frames) hashes to 0.
 */
uint32_t net_flow_hash(const uint8_t *frame, size_t len);

#endif
