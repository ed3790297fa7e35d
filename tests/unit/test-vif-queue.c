/*
 * Two queues of one vif, each on its thread, over one fake endpoint:
 * frames from the host land on the queue their flow hashes to (queue 0
 * reads them all and hands the others over), and what the frontend sends
 * on queue 1 reaches the endpoint; over a real slirp, an answer to what
 * either queue sent comes back.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "devices/net-flow.h"
#include "devices/vif-queue.h"
#include "src/xenkvmd/net-slirp.h"
#include "tests/unit/net-frames.h"

#define NFRAMES 24
#define BUFS 32

struct fake_ep {
	struct net_endpoint ep;
	pthread_mutex_t lock;
	uint8_t frames[NFRAMES][256];
	size_t len[NFRAMES];
	unsigned next, sent;
	int ready_fd;		/* readable while frames wait */
};

static struct fake_ep fe;
static uint8_t pages[2 * BUFS + 2][4096];
static union { struct netif_tx_sring s; uint8_t b[4096]; } txp[2];
static union { struct netif_rx_sring s; uint8_t b[4096]; } rxp[2];
static struct vif_queue qs[2];
static struct vif_queue *const list[2] = { &qs[0], &qs[1] };

static int ep_send(struct net_endpoint *e, const void *f, size_t len, const struct vif_tx_meta *m)
{
	(void)e, (void)f, (void)len, (void)m;
	__atomic_fetch_add(&fe.sent, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static ssize_t ep_recv(struct net_endpoint *e, void *buf, size_t size, struct vif_rx_meta *m)
{
	ssize_t len = -1;

	(void)e, (void)size, (void)m;
	pthread_mutex_lock(&fe.lock);
	if (fe.next < NFRAMES) {
		len = (ssize_t)fe.len[fe.next];
		memcpy(buf, fe.frames[fe.next++], (size_t)len);
	}
	pthread_mutex_unlock(&fe.lock);
	return len;
}

static void ep_prepare(struct net_endpoint *e, struct net_poll *p, bool want_rx)
{
	(void)e;
	if (want_rx && fe.next < NFRAMES)
		net_poll_add(p, fe.ready_fd, POLLIN);
}

static void ep_done(struct net_endpoint *e, const struct net_poll *p)
{
	(void)e, (void)p;
}

static int ep_offloads(struct net_endpoint *e, unsigned o)
{
	(void)e, (void)o;
	return 0;
}

static void ep_destroy(struct net_endpoint *e)
{
	(void)e;
}

static const struct net_endpoint_ops ops = { ep_send, ep_recv, ep_prepare, ep_done,
					     ep_offloads, ep_destroy };

static void *get(void *arg, uint32_t gref, bool writable)
{
	(void)arg, (void)writable;
	return gref < sizeof(pages) / 4096 ? pages[gref] : NULL;
}

static void put(void *arg, uint32_t gref, bool writable)
{
	(void)arg, (void)gref, (void)writable;
}

static void notify(void *arg, bool tx, bool rx)
{
	(void)arg, (void)tx, (void)rx;
}

static void broken(void *arg, const char *why)
{
	(void)arg;
	cr_log_error("rings broke: %s", why);
}

static void setup_queue(unsigned i)
{
	struct vif_queue *q = &qs[i];

	vif_rings_init(&q->rings, &txp[i], &rxp[i]);
	for (unsigned b = 0; b < BUFS; b++)
		rxp[i].s.ring[b].req = (struct netif_rx_request){ (uint16_t)b, 0, i * BUFS + b };
	rxp[i].s.req_prod = BUFS;
	txp[i].s.req_event = rxp[i].s.rsp_event = 1;
	q->grants = (struct dev_grants){ get, put, NULL };
	q->ep = &fe.ep;
	q->queues = list;
	q->nr_queues = 2;
	q->index = i;
	q->notify = notify;
	q->broken = broken;
	q->log = broken;
	q->t.kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

/* Waits up to 5 s for cond. */
static bool eventually(bool (*cond)(void))
{
	for (int i = 0; i < 500; i++) {
		if (cond())
			return true;
		usleep(10000);
	}
	return cond();
}

static bool all_delivered(void)
{
	return __atomic_load_n(&rxp[0].s.rsp_prod, __ATOMIC_ACQUIRE) +
	       __atomic_load_n(&rxp[1].s.rsp_prod, __ATOMIC_ACQUIRE) == NFRAMES;
}

static bool one_sent(void)
{
	return __atomic_load_n(&fe.sent, __ATOMIC_ACQUIRE) == 1;
}

/* Which queue's buffer (page) holds frame n, by its payload's first byte. */
static int queue_holding(unsigned n)
{
	for (unsigned i = 0; i < 2; i++)
		for (uint32_t r = 0; r < rxp[i].s.rsp_prod; r++) {
			struct netif_rx_response rsp = rxp[i].s.ring[r].rsp;

			if (pages[i * BUFS + rsp.id][54 + 32] == n)
				return (int)i;
		}
	return -1;
}

Test(vif_queue, flows_spread_over_two_queues_and_both_send)
{
	unsigned want[2] = { 0 };

	memset(&fe, 0, sizeof(fe));
	fe.ep.ops = &ops;
	pthread_mutex_init(&fe.lock, NULL);
	for (unsigned n = 0; n < NFRAMES; n++) {
		fe.len[n] = net_frame_tcp(fe.frames[n], true, false, 4, TCPF_ACK);
		fe.frames[n][54 + 1] = (uint8_t)n;		/* source port: a flow each */
		fe.frames[n][54 + 32] = (uint8_t)n;	/* payload: which one */
		want[net_flow_hash(fe.frames[n], fe.len[n]) % 2]++;
	}
	fe.ready_fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	setup_queue(0);
	setup_queue(1);
	cr_assert(want[0] && want[1], "the test's flows all hash to one queue");
	cr_assert_eq(vif_queue_start(&qs[1]), 0);
	cr_assert_eq(vif_queue_start(&qs[0]), 0);
	cr_assert(eventually(all_delivered), "%u + %u of %u frames delivered",
		  rxp[0].s.rsp_prod, rxp[1].s.rsp_prod, NFRAMES);
	cr_assert_eq(rxp[0].s.rsp_prod, want[0]);
	cr_assert_eq(rxp[1].s.rsp_prod, want[1]);
	for (unsigned n = 0; n < NFRAMES; n++)
		cr_assert_eq(queue_holding(n),
			     (int)(net_flow_hash(fe.frames[n], fe.len[n]) % 2), "frame %u", n);
	/* The frontend sends a frame on queue 1. */
	fe.len[0] = net_frame_tcp(pages[2 * BUFS], false, false, 10, TCPF_ACK);
	txp[1].s.ring[0].req = (struct netif_tx_request){ 2 * BUFS, 0, 0, 7, (uint16_t)fe.len[0] };
	__atomic_store_n(&txp[1].s.req_prod, 1, __ATOMIC_RELEASE);
	cr_assert_eq(write(qs[1].t.kick_fd, &(uint64_t){ 1 }, 8), 8);
	cr_assert(eventually(one_sent), "queue 1's frame did not reach the endpoint");
	vif_queue_stop(&qs[0]);
	vif_queue_stop(&qs[1]);
	for (int i = 0; i < 2; i++)
		close(qs[i].t.kick_fd);
	close(fe.ready_fd);
}

static void log_quiet(void *arg, const char *msg)
{
	(void)arg, (void)msg;
}

static size_t arp_request(uint8_t *f)
{
	static const uint8_t head[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x16, 0x3e, 1, 2, 3,
		0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1, 0, 0x16, 0x3e, 1, 2, 3, 10, 0, 2, 15,
		0, 0, 0, 0, 0, 0, 10, 0, 2, 2 };

	memcpy(f, head, sizeof(head));
	return sizeof(head);
}

static bool q0_got_one(void)
{
	return __atomic_load_n(&rxp[0].s.rsp_prod, __ATOMIC_ACQUIRE) >= 1;
}

/* An ARP request sent on queue `sender` of a real slirp: the answer comes
 * back on queue 0 (ARP has no flow), whichever thread fed slirp. */
static void arp_through_slirp(int sender)
{
	struct slirp_net_cfg c = { 0x0a00020f, "g", NULL, 0, log_quiet, NULL, 0 };
	char err[200];
	struct net_endpoint *ep = slirp_endpoint(&c, err, sizeof(err));
	size_t len;

	cr_assert_not_null(ep, "%s", err);
	memset(txp, 0, sizeof(txp));
	memset(rxp, 0, sizeof(rxp));
	setup_queue(0);
	setup_queue(1);
	qs[0].ep = qs[1].ep = ep;
	len = arp_request(pages[2 * BUFS]);
	txp[sender].s.ring[0].req = (struct netif_tx_request){ 2 * BUFS, 0, 0, 1, (uint16_t)len };
	__atomic_store_n(&txp[sender].s.req_prod, 1, __ATOMIC_RELEASE);
	cr_assert_eq(vif_queue_start(&qs[1]), 0);
	cr_assert_eq(vif_queue_start(&qs[0]), 0);
	cr_assert(eventually(q0_got_one), "no ARP reply on queue 0 for a request on queue %d",
		  sender);
	cr_assert_eq(pages[rxp[0].s.ring[0].rsp.id][12], 0x08);
	cr_assert_eq(pages[rxp[0].s.ring[0].rsp.id][13], 0x06);
	vif_queue_stop(&qs[0]);
	vif_queue_stop(&qs[1]);
	for (int i = 0; i < 2; i++)
		close(qs[i].t.kick_fd);
	ep->ops->destroy(ep);
}

Test(vif_queue, slirp_answers_a_request_from_queue_0)
{
	arp_through_slirp(0);
}

Test(vif_queue, slirp_answers_a_request_from_queue_1)
{
	arp_through_slirp(1);
}
