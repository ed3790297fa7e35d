/*
 * Two test guests talking to each other as Xen DomUs do (cmdline "idc-grant
 * peer=N" and "idc-map peer=N"): the granter offers an unbound event channel
 * and two grants (one read-only) through its xenstore data/ directory; the
 * toolstack (the test script) passes them to the mapper's data/, which binds
 * the channel, maps and copies the grants, and both sides exchange events
 * and writes through the shared page. Hostile variants are checked on the way.
 * "idc-map-die" stops after its first send and waits to be killed.
 */
#include "guest.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/abi-memory.h"
#include "xen-abi/abi-sched.h"

#ifdef __x86_64__
typedef struct xen_add_to_physmap64 atp_t;
#else
typedef struct xen_add_to_physmap32 atp_t;
#endif

#define GREF_RW 8
#define GREF_RO 9
#define WAIT_MS 60000
#define A_TO_B "granted by A"
#define B_TO_A "B was here"
#define A_REPLY "A saw it"

static uint16_t self_id;

static unsigned number(const char *p)
{
	unsigned n = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (unsigned)(*p - '0');
	return n;
}

static unsigned cmdline_number(const char *key)
{
	const char *p = strstr(guest_cmdline(), key);

	return p ? number(p + strlen(key)) : 0;
}

static void put_str(volatile char *dst, const char *s)
{
	memcpy((char *)dst, s, strlen(s) + 1);
}

/* Sleep on one (masked) port until it is pending or ms pass; clears it. */
static bool wait_port(uint32_t port, unsigned ms)
{
	uint64_t until = guest_now_ns() + (uint64_t)ms * 1000000;
	uint32_t ports[1] = { port };

	while (!port_pending(port) && guest_now_ns() < until) {
		if (sizeof(long) == 8) {
			struct { ulong ports; uint32_t nr, pad; uint64_t timeout; } p =
				{ (ulong)ports, 1, 0, until };
			hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (ulong)&p);
		} else {
			struct { uint32_t ports, nr, lo, hi; } p =
				{ (uint32_t)(ulong)ports, 1, (uint32_t)until, (uint32_t)(until >> 32) };
			hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (ulong)&p);
		}
	}
	if (!port_pending(port))
		return false;
	clear_port(port);
	return true;
}

static void nap(unsigned ms)
{
	long idle = evtchn_alloc_unbound(XEN_DOMID_SELF, XEN_DOMID_SELF);

	mask_port((uint32_t)idle, true);
	wait_port((uint32_t)idle, ms);
	evtchn_close((uint32_t)idle);
}

static struct grant_entry_v1 *setup_grant_table(void)
{
	atp_t a = { .domid = XEN_DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
		    .gpfn = PFN(SCRATCH_PAGE(14)) };

	check_rc("idc.grant_table", hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (ulong)&a),
		 0);
	return SCRATCH_PAGE(14);
}

static void grant_side(uint16_t peer)
{
	struct grant_entry_v1 *table = setup_grant_table();
	char *rw = SCRATCH_PAGE(2), *ro = SCRATCH_PAGE(3), buf[32];
	struct evtchn_status_info st;
	long port;

	memset(rw, 0, 4096);
	put_str(rw, A_TO_B);
	memset(ro, 0x3c, 4096);
	table[GREF_RW] = (struct grant_entry_v1){ GTF_permit_access, peer, (uint32_t)PFN(rw) };
	table[GREF_RO] = (struct grant_entry_v1){ GTF_permit_access | GTF_readonly, peer,
						   (uint32_t)PFN(ro) };
	port = evtchn_alloc_unbound(XEN_DOMID_SELF, peer);
	check("idc.alloc_unbound", port > 0, "rc %ld", port);
	mask_port((uint32_t)port, true);
	gsnprintf(buf, sizeof(buf), "%ld", port);
	check("idc.offer_port", xs_write_str("data/idc-port", buf), "xenstore write");
	gsnprintf(buf, sizeof(buf), "%u", GREF_RW);
	check("idc.offer_gref", xs_write_str("data/idc-gref", buf), "xenstore write");
	gprintf("idc: offered port %ld and grant %u to domain %u\n", port, GREF_RW, peer);

	check("idc.event_from_peer", wait_port((uint32_t)port, WAIT_MS), "no event in %u ms",
	      WAIT_MS);
	check("idc.peer_wrote_shared_page", !strcmp(rw, B_TO_A), "page holds '%.16s'", rw);
	put_str(rw + 2048, A_REPLY);
	check_rc("idc.send_to_peer", evtchn_send((uint32_t)port), 0);

	/* The peer unmaps and closes: our port waits for a new bind, as on Xen. */
	for (unsigned i = 0; i < WAIT_MS / 100; i++) {
		if (evtchn_status((uint32_t)port, &st) == 0 && st.status == EVTCHNSTAT_unbound)
			break;
		nap(100);
	}
	check("idc.unbound_after_peer_close",
	      evtchn_status((uint32_t)port, &st) == 0 && st.status == EVTCHNSTAT_unbound &&
	      st.remote_dom == peer, "status %u dom %u", st.status, st.remote_dom);
	check("idc.grants_released",
	      !(table[GREF_RW].flags & (GTF_reading | GTF_writing)) &&
	      !(table[GREF_RO].flags & (GTF_reading | GTF_writing)),
	      "flags %#x %#x", table[GREF_RW].flags, table[GREF_RO].flags);
}

static int16_t map(void *at, uint32_t flags, uint32_t ref, uint16_t dom, uint32_t *handle)
{
	struct gnttab_map_grant_ref m = { .host_addr = (ulong)at, .flags = flags, .ref = ref,
					  .dom = dom };
	long rc = hypercall3(XEN_HC_grant_table_op, GNTTABOP_map_grant_ref, (ulong)&m, 1);

	*handle = m.handle;
	return rc ? (int16_t)-100 : m.status;
}

static int16_t unmap(void *at, uint32_t handle)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = (ulong)at, .handle = handle };
	long rc = hypercall3(XEN_HC_grant_table_op, GNTTABOP_unmap_grant_ref, (ulong)&u, 1);

	return rc ? (int16_t)-100 : u.status;
}

/* Wait for the toolstack to pass the granter's offer into our data/. */
static unsigned read_offer(const char *node)
{
	char buf[32];

	for (unsigned i = 0; i < WAIT_MS / 100; i++) {
		if (xs_read_str(node, buf, sizeof(buf)) && buf[0])
			return number(buf);
		nap(100);
	}
	return 0;
}

static void hostile_requests(uint16_t peer)
{
	uint32_t h;

	check_rc("idc.bind_bad_port", evtchn_bind_interdomain(peer, 4000), -XEN_EINVAL);
	check_rc("idc.bind_no_such_domain", evtchn_bind_interdomain(777, 1), -XEN_ESRCH);
	check_rc("idc.map_bad_gref", map(SCRATCH_PAGE(6), GNTMAP_host_map, 99999, peer, &h),
		 GNTST_bad_gntref);
	check_rc("idc.map_not_granted", map(SCRATCH_PAGE(6), GNTMAP_host_map, 5, peer, &h),
		 GNTST_permission_denied);
	check_rc("idc.map_no_such_domain", map(SCRATCH_PAGE(6), GNTMAP_host_map, GREF_RW, 777, &h),
		 GNTST_bad_domain);
	check_rc("idc.map_ro_grant_writable", map(SCRATCH_PAGE(6), GNTMAP_host_map, GREF_RO, peer,
						  &h), GNTST_permission_denied);
	check_rc("idc.unmap_bad_handle", unmap(SCRATCH_PAGE(6), 4000), GNTST_bad_handle);
}

static void map_side(uint16_t peer)
{
	volatile char *page = SCRATCH_PAGE(6);
	char *local = SCRATCH_PAGE(7);
	unsigned remote_port = read_offer("data/peer-port"), gref = read_offer("data/peer-gref");
	struct evtchn_status_info st;
	uint32_t h, hro;
	long port;

	check("idc.offer_received", remote_port && gref == GREF_RW, "port %u gref %u", remote_port,
	      gref);
	hostile_requests(peer);
	port = evtchn_bind_interdomain(peer, remote_port);
	check("idc.bind_interdomain", port > 0, "rc %ld", port);
	mask_port((uint32_t)port, true);
	check("idc.bound_to_peer",
	      evtchn_status((uint32_t)port, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
	      st.remote_dom == peer && st.remote_port == remote_port,
	      "status %u dom %u port %u", st.status, st.remote_dom, st.remote_port);
	clear_port((uint32_t)port);

	memset((void *)page, 0xee, 4096);
	check_rc("idc.map_grant", map((void *)page, GNTMAP_host_map, gref, peer, &h), GNTST_okay);
	check("idc.mapped_page_is_peers", !strcmp((const char *)page, A_TO_B),
	      "page holds '%.16s'", (const char *)page);
	put_str((char *)page, B_TO_A);
	check_rc("idc.send", evtchn_send((uint32_t)port), 0);
	if (guest_cmdline_has("idc-map-die")) {
		/* The test kills this domain now: the granter must see its port unbound. */
		gprintf("idc: waiting to be killed\n");
		for (;;)
			nap(1000);
	}
	check("idc.event_back", wait_port((uint32_t)port, WAIT_MS), "no event in %u ms", WAIT_MS);
	check("idc.peer_reply_in_page", !strcmp((const char *)page + 2048, A_REPLY),
	      "page holds '%.16s'", (const char *)page + 2048);

	check_rc("idc.map_readonly", map(SCRATCH_PAGE(8), GNTMAP_host_map | GNTMAP_readonly,
					 GREF_RO, peer, &hro), GNTST_okay);
	*(volatile uint8_t *)SCRATCH_PAGE(8) = 0x11;	/* dropped: the grant is read-only */
	check("idc.readonly_write_dropped", *(volatile uint8_t *)SCRATCH_PAGE(8) == 0x3c,
	      "byte %#x", *(volatile uint8_t *)SCRATCH_PAGE(8));
	check_rc("idc.unmap_readonly", unmap(SCRATCH_PAGE(8), hro), GNTST_okay);
	memset(local, 0, 64);
	check_rc("idc.copy_from_peer",
		 grant_copy(GREF_RO, 0, PFN(local), 0, 64, GNTCOPY_source_gref, peer), GNTST_okay);
	check("idc.copied_bytes", local[0] == 0x3c && local[63] == 0x3c && local[64] == 0,
	      "bytes %#x %#x", local[0], local[63]);

	check_rc("idc.unmap", unmap((void *)page, h), GNTST_okay);
	check("idc.own_ram_back", page[0] == (char)0xee && page[4095] == (char)0xee,
	      "byte %#x", page[0]);
	check_rc("idc.unmap_twice", unmap((void *)page, h), GNTST_bad_handle);
	check_rc("idc.close", evtchn_close((uint32_t)port), 0);
}

void guest_idc(void)
{
	uint32_t r[4];
	unsigned peer = cmdline_number("peer=");

	cpuid(guest_xen_cpuid_base() + 4, 0, r);
	self_id = (uint16_t)r[2];
	map_shared_info();
	if (!check("idc.setup", peer && peer != self_id && xs_ring_init(), "peer %u", peer))
		return;
	gprintf("idc: domain %u, peer %u\n", self_id, peer);
	if (guest_cmdline_has("idc-grant"))
		grant_side((uint16_t)peer);
	else
		map_side((uint16_t)peer);
}
