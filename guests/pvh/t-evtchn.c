/* Event channels end to end: delivery through the upcall vector, masking, VIRQ_TIMER. */
#include "guest.h"
#include "xen-abi/abi-sched.h"
#include "xen-abi/abi-evtchn-virq.h"

#define SPINS 2000

static void loopback(void)
{
	struct evtchn_status_info st;
	long p1 = evtchn_alloc_unbound(XEN_DOMID_SELF, XEN_DOMID_SELF), p2;

	if (!check("evtchn.alloc_unbound", p1 > 0, "rc %ld", p1))
		return;
	evtchn_status((uint32_t)p1, &st);
	check("evtchn.status_unbound", st.status == EVTCHNSTAT_unbound, "status %u", st.status);
	p2 = evtchn_bind_interdomain(XEN_DOMID_SELF, (uint32_t)p1);
	if (!check("evtchn.bind_interdomain", p2 > 0 && p2 != p1, "rc %ld", p2))
		return;
	evtchn_status((uint32_t)p2, &st);
	check("evtchn.status_interdomain", st.status == EVTCHNSTAT_interdomain &&
	      st.remote_port == (uint32_t)p1, "status %u remote %u", st.status, st.remote_port);
	check_rc("evtchn.send", evtchn_send((uint32_t)p2), 0);
	check("evtchn.upcall_delivered", wait_for_port((uint32_t)p1, SPINS), "port %ld not seen", p1);

	mask_port((uint32_t)p1, true);
	evtchn_send((uint32_t)p2);
	check("evtchn.masked_not_delivered", !wait_for_port((uint32_t)p1, 50) &&
	      port_pending((uint32_t)p1), "masked port delivered or not pending");
	check_rc("evtchn.unmask", evtchn_unmask((uint32_t)p1), 0);
	check("evtchn.unmask_delivers", wait_for_port((uint32_t)p1, SPINS), "not delivered");

	check_rc("evtchn.bind_vcpu_interdomain", evtchn_bind_vcpu((uint32_t)p1, 0), 0);
	check_rc("evtchn.close", evtchn_close((uint32_t)p2), 0);
	evtchn_status((uint32_t)p1, &st);
	check("evtchn.peer_unbound_after_close", st.status == EVTCHNSTAT_unbound,
	      "status %u", st.status);
	check_rc("evtchn.close_peer", evtchn_close((uint32_t)p1), 0);
	check("evtchn.send_closed_fails", evtchn_send((uint32_t)p2) < 0, "send accepted");
}

static void ipi(void)
{
	long p = evtchn_bind_ipi(0);

	if (!check("evtchn.bind_ipi", p > 0, "rc %ld", p))
		return;
	evtchn_send((uint32_t)p);
	check("evtchn.ipi_delivered", wait_for_port((uint32_t)p, SPINS), "not delivered");
	check_rc("evtchn.bind_vcpu_ipi", evtchn_bind_vcpu((uint32_t)p, 0), -XEN_EINVAL);
	evtchn_close((uint32_t)p);
}

/* Arm a singleshot timer and wait for VIRQ_TIMER; returns lateness in ns or -1. */
static long long timer_lateness(uint32_t port, uint64_t delay_ns)
{
	struct { uint64_t timeout; uint32_t flags; uint32_t pad; } ss;
	uint64_t deadline;
	long rc;
	int tries = 0;

	/* A preempted host thread may let the deadline pass first: -ETIME, rightly. */
	do {
		deadline = guest_now_ns() + delay_ns;
		ss.timeout = deadline;
		ss.flags = VCPU_SSHOTTMR_future;
		rc = hypercall3(XEN_HC_vcpu_op, VCPUOP_set_singleshot_timer, 0, (ulong)&ss);
	} while (rc == -XEN_ETIME && ++tries < 5);
	if (rc)
		return -1;
	for (int i = 0; i < 200000; i++) {
		irq_wait();
		if (port_seen(port)) {
			uint64_t now = guest_now_ns();
			return now < deadline ? -(long long)(deadline - now) : (long long)(now - deadline);
		}
	}
	return -1;
}

static void timer(void)
{
	long p = evtchn_bind_virq(VIRQ_TIMER, 0);
	long long late, best = -1;
	uint64_t deadline;
	bool seen = false;

	if (!check("evtchn.bind_virq_timer", p > 0, "rc %ld", p))
		return;
	check_rc("evtchn.bind_virq_twice", evtchn_bind_virq(VIRQ_TIMER, 0), -XEN_EEXIST);
	/* Best of five, so one preemption of the host thread does not decide it. */
	for (int i = 0; i < 5; i++) {
		late = timer_lateness((uint32_t)p, 2000000);
		check("evtchn.timer_fired_not_early", late >= 0, "lateness %lld ns", late);
		if (late >= 0 && (best < 0 || late < best))
			best = late;
	}
	check("evtchn.timer_within_1ms", best >= 0 && best < 1000000, "best lateness %lld ns", best);
	gprintf("guest: VIRQ_TIMER handled %lld ns after its deadline (best of 5)\n", best);

	/* set_timer_op, and SCHEDOP_block woken by the timer's event. */
	deadline = guest_now_ns() + 1000000;
	check_rc("evtchn.set_timer_op", hypercall2(XEN_HC_set_timer_op, (ulong)deadline,
						   (ulong)(deadline >> 32)), 0);
	check_rc("sched.block", hypercall2(XEN_HC_sched_op, SCHEDOP_block, 0), 0);
	check("sched.block_woken_by_timer", guest_now_ns() >= deadline, "woke %llu ns early",
	      (unsigned long long)(deadline - guest_now_ns()));
	for (int i = 0; i < 200000 && !seen; i++) {
		seen = port_seen((uint32_t)p);
		if (!seen)
			irq_wait();
	}
	check("evtchn.set_timer_op_fired", seen, "no VIRQ_TIMER after block");
	evtchn_close((uint32_t)p);
}

static void hostile(void)
{
	check_rc("evtchn.send_port_5000", evtchn_send(5000), -XEN_EINVAL);
	check_rc("evtchn.close_port_huge", evtchn_close(0xfffffff0u), -XEN_EINVAL);
	check_rc("evtchn.unmask_port_huge", evtchn_unmask(0x80000000u), -XEN_EINVAL);
	check_rc("evtchn.bind_virq_bad_virq", evtchn_bind_virq(1000, 0), -XEN_EINVAL);
	check_rc("evtchn.bind_virq_bad_vcpu", evtchn_bind_virq(VIRQ_TIMER, 99), -XEN_ENOENT);
	check_rc("evtchn.bind_ipi_bad_vcpu", evtchn_bind_ipi(99), -XEN_ENOENT);
	check_rc("evtchn.bind_interdomain_other_domain", evtchn_bind_interdomain(555, 1),
		 -XEN_ESRCH);
	check_rc("evtchn.bind_interdomain_not_unbound",
		 evtchn_bind_interdomain(XEN_DOMID_SELF, 4000), -XEN_EINVAL);
	check_rc("evtchn.bad_pointer",
		 hypercall2(XEN_HC_event_channel_op, 4, 0xfffff000ul), -XEN_EFAULT);
	check_rc("evtchn.init_control_fifo",
		 hypercall2(XEN_HC_event_channel_op, 11, (ulong)SCRATCH_PAGE(9)), -XEN_ENOSYS);
}

/* Port 0 exists but is reserved: never sendable, closable or rebindable. */
static void port_zero(void)
{
	struct evtchn_status_info st = { .status = 99 };

	check_rc("evtchn.send_port_0", evtchn_send(0), -XEN_EINVAL);
	check_rc("evtchn.close_port_0", evtchn_close(0), -XEN_EINVAL);
	check_rc("evtchn.bind_vcpu_port_0", evtchn_bind_vcpu(0, 0), -XEN_EINVAL);
	check_rc("evtchn.status_port_0", evtchn_status(0, &st), 0);
	check("evtchn.port_0_closed", st.status == EVTCHNSTAT_closed, "status %u", st.status);
}

/*
 * EVTCHNOP_reset closes every port, the console and store ports included, so
 * it runs last here and not at all when the guest stays up to use xenstore
 * ("idle"). t-console has already used the console ring (link order).
 */
static void reset(void)
{
	struct evtchn_status_info st;
	uint16_t other = 999;
	long ipi, unbound, again;

	check_rc("evtchn.reset_other_domain",
		 hypercall2(XEN_HC_event_channel_op, 10, (ulong)&other), -XEN_ESRCH);
	if (guest_cmdline_has("idle"))
		return;
	ipi = evtchn_bind_ipi(0);
	unbound = evtchn_alloc_unbound(XEN_DOMID_SELF, XEN_DOMID_SELF);
	if (!check("evtchn.reset_ports", ipi > 0 && unbound > 0, "ipi %ld unbound %ld",
		   ipi, unbound))
		return;
	check_rc("evtchn.reset_self", evtchn_reset_self(), 0);
	evtchn_status((uint32_t)ipi, &st);
	check("evtchn.reset_closed_ipi", st.status == EVTCHNSTAT_closed, "status %u", st.status);
	evtchn_status((uint32_t)unbound, &st);
	check("evtchn.reset_closed_unbound", st.status == EVTCHNSTAT_closed, "status %u",
	      st.status);
	again = evtchn_bind_ipi(0);
	check("evtchn.bind_after_reset", again > 0, "rc %ld", again);
	if (again > 0)
		evtchn_close((uint32_t)again);
}

GUEST_TEST(test_evtchn)
{
	events_init();
	loopback();
	ipi();
	timer();
	hostile();
	port_zero();
	reset();
}
