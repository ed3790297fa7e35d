/*
 * A minimal xenstore client over the shared ring (HVM_PARAM_STORE_PFN/EVTCHN),
 * enough for a guest to honour control/shutdown as a PV-aware guest does.
 */
#include "guest.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/abi-sched.h"

enum { XS_READ = 2, XS_WATCH = 4, XS_WRITE = 11, XS_ERROR = 16, XS_WATCH_EVENT = 15 };

struct xs_hdr {
	uint32_t type, req_id, tx_id, len;
};

struct xs_ring {
	char req[1024];
	char rsp[1024];
	uint32_t req_cons, req_prod;
	uint32_t rsp_cons, rsp_prod;
};

static volatile struct xs_ring *ring;
static uint32_t port;

/* Sleep until Dom0 signals the store port (masked: no upcall, just poll). */
static void wait_store(void)
{
	struct { ulong ports; uint32_t nr; uint32_t pad; uint64_t timeout; } p64;
	struct { uint32_t ports, nr, lo, hi; } p32;
	uint32_t ports[1] = { port };

	if (sizeof(long) == 8) {
		p64 = (typeof(p64)){ (ulong)ports, 1, 0, 0 };
		hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (ulong)&p64);
	} else {
		p32 = (typeof(p32)){ (uint32_t)(ulong)ports, 1, 0, 0 };
		hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (ulong)&p32);
	}
}

static void clear_store_event(void)
{
	ulong *pending = (ulong *)((char *)map_shared_info() + 2048);

	__atomic_fetch_and(&pending[port / (8 * sizeof(ulong))],
			   ~(1ul << (port % (8 * sizeof(ulong)))), __ATOMIC_SEQ_CST);
}

bool xs_ring_init(void)
{
	uint64_t pfn = 0, evtchn = 0;

	hvm_param(HVMOP_get_param, HVM_PARAM_STORE_PFN, &pfn);
	hvm_param(HVMOP_get_param, HVM_PARAM_STORE_EVTCHN, &evtchn);
	if (!pfn || !evtchn)
		return false;
	ring = (volatile struct xs_ring *)(ulong)(pfn << 12);
	port = (uint32_t)evtchn;
	mask_port(port, true);
	return true;
}

static void put(const void *data, uint32_t len)
{
	const char *p = data;

	for (uint32_t i = 0; i < len; i++) {
		while (ring->req_prod - ring->req_cons >= sizeof(ring->req)) {
			evtchn_send(port);
			clear_store_event();
			wait_store();
		}
		ring->req[ring->req_prod % sizeof(ring->req)] = p[i];
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		ring->req_prod++;
	}
}

static void get(void *data, uint32_t len)
{
	char *p = data;

	for (uint32_t i = 0; i < len; i++) {
		while (ring->rsp_prod == ring->rsp_cons) {
			clear_store_event();
			if (ring->rsp_prod == ring->rsp_cons)
				wait_store();
		}
		p[i] = ring->rsp[ring->rsp_cons % sizeof(ring->rsp)];
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		ring->rsp_cons++;
	}
	evtchn_send(port);
}

static void request(uint32_t type, const char *a, const char *b)
{
	struct xs_hdr h = { type, 1, 0, (uint32_t)(strlen(a) + 1 + (b ? strlen(b) : 0)) };

	if (type == XS_WATCH)
		h.len++;	/* path NUL token NUL */
	put(&h, sizeof(h));
	put(a, (uint32_t)strlen(a) + 1);
	if (b)
		put(b, (uint32_t)strlen(b) + (type == XS_WATCH ? 1 : 0));
	evtchn_send(port);
}

/* Next message; the payload (NUL-terminated, truncated to size) into buf. */
static uint32_t receive(char *buf, uint32_t size)
{
	struct xs_hdr h;
	char c;

	get(&h, sizeof(h));
	for (uint32_t i = 0; i < h.len; i++) {
		get(&c, 1);
		if (i + 1 < size)
			buf[i] = c;
	}
	buf[h.len < size ? h.len : size - 1] = 0;
	return h.type;
}

/* Wait for the reply to our one outstanding request, noting watch events. */
static uint32_t reply(char *buf, uint32_t size, bool *event)
{
	uint32_t type;

	while ((type = receive(buf, size)) == XS_WATCH_EVENT)
		*event = true;
	return type;
}

bool xs_read_str(const char *path, char *buf, uint32_t size)
{
	bool event = false;

	request(XS_READ, path, NULL);
	return reply(buf, size, &event) == XS_READ;
}

bool xs_write_str(const char *path, const char *value)
{
	char buf[64];
	bool event = false;

	request(XS_WRITE, path, value);
	return reply(buf, sizeof(buf), &event) == XS_WRITE;
}

/* Watch control/shutdown; act on "poweroff" or "reboot" like a PV guest. */
__attribute__((noreturn)) void xs_serve_shutdown_requests(void)
{
	char buf[128];
	bool event = false;

	request(XS_WATCH, "control/shutdown", "xk");
	reply(buf, sizeof(buf), &event);
	gprintf("guest: watching control/shutdown\n");
	for (;;) {
		if (!event)
			event = receive(buf, sizeof(buf)) == XS_WATCH_EVENT;
		if (!event)
			continue;
		event = false;
		request(XS_READ, "control/shutdown", NULL);
		if (reply(buf, sizeof(buf), &event) != XS_READ)
			continue;
		if (strcmp(buf, "poweroff") && strcmp(buf, "reboot"))
			continue;
		bool reboot = !strcmp(buf, "reboot");

		gprintf("guest: control/shutdown says %s\n", buf);
		/* Acknowledge by clearing the node, as Linux does. */
		request(XS_WRITE, "control/shutdown", "");
		reply(buf, sizeof(buf), &event);
		guest_shutdown(reboot ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
	}
}
