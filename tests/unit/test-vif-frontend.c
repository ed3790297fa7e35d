/*
 * What a netfront writes for its queues, read as the backend reads it: one
 * queue flat in its directory, several in queue-N/, one event channel or a
 * split pair, and missing or out-of-range keys refused with their name.
 * Also which queue a frame from the host goes to (flows stay together).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "devices/net-flow.h"
#include "src/xenkvmd/vif-frontend.h"
#include "tests/unit/net-frames.h"

static const char *const *keys;	/* "key=value" pairs, NULL-ended */

static long long fake_read(void *arg, const char *key, long long def)
{
	size_t n = strlen(key);

	(void)arg;
	for (const char *const *k = keys; *k; k++)
		if (!strncmp(*k, key, n) && (*k)[n] == '=')
			return (*k)[n + 1] == 'x' ? -1 : atoll(*k + n + 1);
	return def;
}

static int read_keys(const char *const *kv, struct vif_fe_keys *k, char *err, size_t errlen)
{
	keys = kv;
	memset(k, 0xff, sizeof(*k));
	return vif_fe_read_keys(fake_read, NULL, k, err, errlen);
}

Test(vif_frontend, one_queue_flat)
{
	const char *kv[] = { "tx-ring-ref=8", "rx-ring-ref=9", "event-channel=5", NULL };
	struct vif_fe_keys k;
	char err[200];

	cr_assert_eq(read_keys(kv, &k, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.nr_queues, 1);
	cr_assert_eq(k.q[0].tx_ref, 8);
	cr_assert_eq(k.q[0].rx_ref, 9);
	cr_assert_eq(k.q[0].tx_port, 5);
	cr_assert_eq(k.q[0].rx_port, 5);
}

Test(vif_frontend, two_queues_split_channels)
{
	const char *kv[] = { "multi-queue-num-queues=2",
		"queue-0/tx-ring-ref=10", "queue-0/rx-ring-ref=11",
		"queue-0/event-channel-tx=5", "queue-0/event-channel-rx=6",
		"queue-1/tx-ring-ref=12", "queue-1/rx-ring-ref=13", "queue-1/event-channel=7",
		"tx-ring-ref=99", NULL };
	struct vif_fe_keys k;
	char err[200];

	cr_assert_eq(read_keys(kv, &k, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.nr_queues, 2);
	cr_assert_eq(k.q[0].tx_ref, 10);
	cr_assert_eq(k.q[0].tx_port, 5);
	cr_assert_eq(k.q[0].rx_port, 6);
	cr_assert_eq(k.q[1].rx_ref, 13);
	cr_assert_eq(k.q[1].tx_port, 7);
	cr_assert_eq(k.q[1].rx_port, 7);
}

Test(vif_frontend, one_of_a_split_pair_falls_back_to_event_channel)
{
	const char *kv[] = { "tx-ring-ref=8", "rx-ring-ref=9", "event-channel-tx=5",
			     "event-channel=4", NULL };
	struct vif_fe_keys k;
	char err[200];

	cr_assert_eq(read_keys(kv, &k, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(k.q[0].tx_port, 4);
	cr_assert_eq(k.q[0].rx_port, 4);
}

static void refused(const char *const *kv, const char *want)
{
	struct vif_fe_keys k;
	char err[200] = "";

	cr_assert_eq(read_keys(kv, &k, err, sizeof(err)), -1, "accepted, wanted '%s'", want);
	cr_assert(strstr(err, want), "'%s' does not say '%s'", err, want);
}

Test(vif_frontend, bad_keys_refused_by_name)
{
	refused((const char *[]){ "multi-queue-num-queues=0", NULL }, "multi-queue-num-queues is 0");
	refused((const char *[]){ "multi-queue-num-queues=5", NULL }, "not 1..4");
	refused((const char *[]){ "multi-queue-num-queues=x", NULL }, "is -1");
	refused((const char *[]){ "rx-ring-ref=9", "event-channel=5", NULL }, "tx-ring-ref");
	refused((const char *[]){ "tx-ring-ref=x", "rx-ring-ref=9", NULL }, "tx-ring-ref");
	refused((const char *[]){ "tx-ring-ref=8", "rx-ring-ref=9", NULL }, "event-channel");
	refused((const char *[]){ "tx-ring-ref=8", "rx-ring-ref=9", "event-channel=0", NULL },
		"event-channel");
	refused((const char *[]){ "multi-queue-num-queues=2", "queue-0/tx-ring-ref=1",
				  "queue-0/rx-ring-ref=2", "queue-0/event-channel=3",
				  "queue-1/tx-ring-ref=4", "queue-1/event-channel=5", NULL },
		"queue-1/rx-ring-ref");
}

Test(net_flow, a_flow_hashes_alike_and_flows_spread)
{
	static uint8_t f[2048];
	unsigned seen[2] = { 0 };

	for (unsigned port = 40000; port < 40064; port++) {
		size_t len = net_frame_tcp(f, port & 1, false, 100, TCPF_ACK);
		uint32_t h;

		f[(port & 1 ? 54 : 34)] = (uint8_t)(port >> 8);
		f[(port & 1 ? 54 : 34) + 1] = (uint8_t)port;
		h = net_flow_hash(f, len);
		f[len - 1] ^= 0xff;		/* other data, same flow */
		cr_assert_eq(net_flow_hash(f, len), h);
		seen[h % 2]++;
	}
	cr_assert_gt(seen[0], 8, "queue 0 got %u of 64 flows", seen[0]);
	cr_assert_gt(seen[1], 8, "queue 1 got %u of 64 flows", seen[1]);
}

Test(net_flow, fragments_and_others_stay_put)
{
	static uint8_t f[2048];
	size_t len = net_frame_tcp(f, false, false, 100, TCPF_ACK);
	uint32_t whole = net_flow_hash(f, len), first, later;

	f[20] |= 0x20;			/* more fragments */
	first = net_flow_hash(f, len);
	f[20] &= (uint8_t)~0x20;
	f[21] = 10;			/* a later fragment: no ports in it */
	later = net_flow_hash(f, len);
	cr_assert_eq(first, later, "fragments of one datagram on one queue");
	cr_assert_neq(whole, first);
	f[12] = 0x08, f[13] = 0x06;	/* ARP */
	cr_assert_eq(net_flow_hash(f, len), 0);
	f[12] = 0x08, f[13] = 0x00;
	for (size_t n = 0; n < 60; n++) {	/* truncations: no read past n (ASan) */
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, f, n);
		net_flow_hash(copy, n);
		free(copy);
	}
	cr_assert_eq(net_flow_hash(f, 10), 0);
}
