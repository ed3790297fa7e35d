/* sched_op: yield, poll with and without timeout, shutdown argument checks. */
#include "guest.h"
#include "xen-abi/abi-sched.h"

#ifdef __x86_64__
typedef struct sched_poll64 poll_t;
#else
typedef struct sched_poll32 poll_t;
#endif

static long poll(uint32_t *ports, unsigned n, uint64_t timeout)
{
	poll_t p;

	memset(&p, 0, sizeof(p));
	p.ports = (ulong)ports;
	p.nr_ports = n;
#ifdef __x86_64__
	p.timeout = timeout;
#else
	p.timeout_lo = (uint32_t)timeout;
	p.timeout_hi = (uint32_t)(timeout >> 32);
#endif
	return hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (ulong)&p);
}

GUEST_TEST(test_sched)
{
	struct sched_remote_shutdown rs = { .domain_id = XEN_DOMID_SELF, .reason = 0 };
	uint32_t ports[1], bad = 5000, reason = 42;
	uint64_t t0, t1;
	long p1, p2;

	check_rc("sched.yield", hypercall2(XEN_HC_sched_op, SCHEDOP_yield, 0), 0);
	map_shared_info();
	p1 = evtchn_alloc_unbound(XEN_DOMID_SELF, XEN_DOMID_SELF);
	p2 = p1 > 0 ? evtchn_bind_interdomain(XEN_DOMID_SELF, (uint32_t)p1) : -1;
	if (!check("sched.ports", p1 > 0 && p2 > 0, "alloc %ld bind %ld", p1, p2))
		return;
	mask_port((uint32_t)p1, true);	/* poll wants no upcall */
	ports[0] = (uint32_t)p1;
	t0 = guest_now_ns();
	check_rc("sched.poll_timeout", poll(ports, 1, t0 + 3000000), 0);
	t1 = guest_now_ns();
	check("sched.poll_waited", t1 - t0 >= 3000000 && t1 - t0 < 1000000000ull,
	      "waited %llu ns", (unsigned long long)(t1 - t0));
	evtchn_send((uint32_t)p2);
	t0 = guest_now_ns();
	check_rc("sched.poll_pending", poll(ports, 1, t0 + 2000000000ull), 0);
	t1 = guest_now_ns();
	check("sched.poll_returns_early", t1 - t0 < 500000000ull, "took %llu ns",
	      (unsigned long long)(t1 - t0));
	check_rc("sched.poll_bad_port", poll(&bad, 1, 0), -XEN_EINVAL);
	check_rc("sched.poll_too_many", poll(ports, 129, 0), -XEN_EINVAL);
	check_rc("sched.poll_bad_pointer", poll((uint32_t *)0xfffff000ul, 1, 0), -XEN_EFAULT);
	check_rc("sched.shutdown_bad_reason",
		 hypercall2(XEN_HC_sched_op, SCHEDOP_shutdown, (ulong)&reason), -XEN_EINVAL);
	/* DOMID_SELF names no domain for remote_shutdown: Xen looks up the id. */
	check_rc("sched.remote_shutdown_self",
		 hypercall2(XEN_HC_sched_op, SCHEDOP_remote_shutdown, (ulong)&rs), -XEN_ESRCH);
	rs.domain_id = 999;
	check_rc("sched.remote_shutdown_other",
		 hypercall2(XEN_HC_sched_op, SCHEDOP_remote_shutdown, (ulong)&rs), -XEN_ESRCH);
	check_rc("sched.unknown_op", hypercall2(XEN_HC_sched_op, 99, 0), -XEN_ENOSYS);
	/* Accepted now; main's final shutdown_code (the failure count) replaces it. */
	reason = 0x55;
	check_rc("sched.shutdown_code", hypercall2(XEN_HC_sched_op, SCHEDOP_shutdown_code,
						    (ulong)&reason), 0);
	mask_port((uint32_t)p1, false);
	evtchn_close((uint32_t)p1);
	evtchn_close((uint32_t)p2);
}
