#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-evtchn.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(2); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(evtchn2l, .init = setup, .fini = teardown);

#define ARG 0x1000

static long op(unsigned cmd, const void *in, size_t len)
{
	memcpy(fake_gva(fd, ARG), in, len);
	return fake_hypercall(fd, 0, XEN_HC_event_channel_op, cmd, ARG, 0);
}

static long alloc_unbound(uint16_t remote)
{
	struct evtchn_alloc_unbound a = { XEN_DOMID_SELF, remote, 0 };
	long rc = op(EVTCHNOP_alloc_unbound, &a, sizeof(a));
	return rc ? rc : ((struct evtchn_alloc_unbound *)fake_gva(fd, ARG))->port;
}

static long bind_loopback(uint32_t remote_port)
{
	struct evtchn_bind_interdomain b = { XEN_DOMID_SELF, 0, remote_port, 0 };
	long rc = op(EVTCHNOP_bind_interdomain, &b, sizeof(b));
	return rc ? rc : ((struct evtchn_bind_interdomain *)fake_gva(fd, ARG))->local_port;
}

static long port_op(unsigned cmd, uint32_t port)
{
	return op(cmd, &port, sizeof(port));
}

static struct xen_shared_info64 *si64(void) { return fd->d.shared_info; }

static void clear_upcall(unsigned vcpu)
{
	si64()->vcpu_info[vcpu].evtchn_upcall_pending = 0;
	si64()->vcpu_info[vcpu].evtchn_pending_sel = 0;
}

Test(evtchn2l, loopback_send_sets_pending_selector_upcall_and_kicks)
{
	long p1 = alloc_unbound(XEN_DOMID_SELF), p2;

	cr_assert_gt(p1, 0);
	p2 = bind_loopback((uint32_t)p1);
	cr_assert_gt(p2, 0);
	cr_assert_neq(p1, p2);
	clear_upcall(0);
	memset(si64()->evtchn_pending, 0, sizeof(si64()->evtchn_pending));
	unsigned kicks = fd->p.kicks[0];
	cr_assert_eq(port_op(EVTCHNOP_send, (uint32_t)p2), 0);
	cr_assert(si64()->evtchn_pending[p1 / 64] & (1ull << (p1 % 64)));
	cr_assert(si64()->vcpu_info[0].evtchn_pending_sel & (1ull << (p1 / 64)));
	cr_assert_eq(si64()->vcpu_info[0].evtchn_upcall_pending, 1);
	cr_assert_eq(fd->p.kicks[0], kicks + 1);
	/* Already pending: no second kick. */
	cr_assert_eq(port_op(EVTCHNOP_send, (uint32_t)p2), 0);
	cr_assert_eq(fd->p.kicks[0], kicks + 1);
}

Test(evtchn2l, masked_port_waits_for_unmask)
{
	long p1 = alloc_unbound(XEN_DOMID_SELF), p2 = bind_loopback((uint32_t)p1);

	clear_upcall(0);
	memset(si64()->evtchn_pending, 0, sizeof(si64()->evtchn_pending));
	si64()->evtchn_mask[p1 / 64] |= 1ull << (p1 % 64);
	port_op(EVTCHNOP_send, (uint32_t)p2);
	cr_assert(si64()->evtchn_pending[p1 / 64] & (1ull << (p1 % 64)));
	cr_assert_eq(si64()->vcpu_info[0].evtchn_upcall_pending, 0);
	cr_assert_eq(port_op(EVTCHNOP_unmask, (uint32_t)p1), 0);
	cr_assert_eq(si64()->evtchn_mask[p1 / 64] & (1ull << (p1 % 64)), 0);
	cr_assert_eq(si64()->vcpu_info[0].evtchn_upcall_pending, 1);
}

Test(evtchn2l, close_unbinds_the_peer)
{
	long p1 = alloc_unbound(XEN_DOMID_SELF), p2 = bind_loopback((uint32_t)p1);
	struct evtchn_status s = { .dom = XEN_DOMID_SELF, .port = (uint32_t)p1 };

	cr_assert_eq(port_op(EVTCHNOP_close, (uint32_t)p2), 0);
	cr_assert_not(xk_evtchn_is_pending(&fd->d, (uint32_t)p2), "closed port still pending");
	cr_assert_eq(op(EVTCHNOP_status, &s, sizeof(s)), 0);
	cr_assert_eq(((struct evtchn_status *)fake_gva(fd, ARG))->status, EVTCHNSTAT_unbound);
	cr_assert_eq(port_op(EVTCHNOP_close, (uint32_t)p2), -XEN_EINVAL);
	cr_assert_eq(port_op(EVTCHNOP_send, (uint32_t)p2), -XEN_EINVAL);
	/* An unbound port swallows sends, as on Xen. */
	cr_assert_eq(port_op(EVTCHNOP_send, (uint32_t)p1), 0);
}

Test(evtchn2l, virq_timer_on_vcpu1_kicks_vcpu1)
{
	struct evtchn_bind_virq b = { VIRQ_TIMER, 1, 0 };
	uint32_t port;

	cr_assert_eq(op(EVTCHNOP_bind_virq, &b, sizeof(b)), 0);
	port = ((struct evtchn_bind_virq *)fake_gva(fd, ARG))->port;
	cr_assert_eq(op(EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_EEXIST);
	clear_upcall(1);
	xk_evtchn_send_virq(&fd->d.vcpu[1], VIRQ_TIMER);
	cr_assert_eq(fd->p.kicks[1], 1);
	cr_assert_eq(fd->p.kicks[0], 0);
	cr_assert(xk_evtchn_is_pending(&fd->d, port));
	cr_assert_eq(port_op(EVTCHNOP_send, port), -XEN_EINVAL, "sending on a VIRQ port");
	struct evtchn_bind_vcpu bv = { port, 0 };
	cr_assert_eq(op(EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), -XEN_EINVAL,
		     "per-vCPU VIRQs cannot move");
}

Test(evtchn2l, global_virq_only_on_vcpu0_and_movable)
{
	struct evtchn_bind_virq b = { VIRQ_CONSOLE, 1, 0 };
	struct evtchn_bind_vcpu bv;

	cr_assert_eq(op(EVTCHNOP_bind_virq, &b, sizeof(b)), -XEN_EINVAL);
	b.vcpu = 0;
	cr_assert_eq(op(EVTCHNOP_bind_virq, &b, sizeof(b)), 0);
	bv = (struct evtchn_bind_vcpu){ ((struct evtchn_bind_virq *)fake_gva(fd, ARG))->port, 1 };
	cr_assert_eq(op(EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), 0);
	clear_upcall(1);
	xk_evtchn_send_global_virq(&fd->d, VIRQ_CONSOLE);
	cr_assert_eq(fd->p.kicks[1], 1, "delivery follows bind_vcpu");
}

Test(evtchn2l, ipi_and_status)
{
	struct evtchn_bind_ipi b = { 1, 0 };
	struct evtchn_status s;
	uint32_t port;

	cr_assert_eq(op(EVTCHNOP_bind_ipi, &b, sizeof(b)), 0);
	port = ((struct evtchn_bind_ipi *)fake_gva(fd, ARG))->port;
	cr_assert_eq(port_op(EVTCHNOP_send, port), 0);
	cr_assert_eq(fd->p.kicks[1], 1);
	s = (struct evtchn_status){ .dom = XEN_DOMID_SELF, .port = port };
	cr_assert_eq(op(EVTCHNOP_status, &s, sizeof(s)), 0);
	s = *(struct evtchn_status *)fake_gva(fd, ARG);
	cr_assert_eq(s.status, EVTCHNSTAT_ipi);
	cr_assert_eq(s.vcpu, 1);
}

Test(evtchn2l, toolstack_port_sends_to_remote)
{
	int port = xk_evtchn_alloc_unbound_for(&fd->d, 0);

	cr_assert_gt(port, 0);
	cr_assert_eq(port_op(EVTCHNOP_send, (uint32_t)port), 0);
	cr_assert_eq(fd->p.remote_sends, 1);
	cr_assert_eq(fd->p.last_remote_dom, 0);
	cr_assert_eq(xk_evtchn_raise(&fd->d, (uint32_t)port), 0);
	cr_assert(xk_evtchn_is_pending(&fd->d, (uint32_t)port));
}

static uint32_t port_status(uint32_t port)
{
	struct evtchn_status st = { .dom = XEN_DOMID_SELF, .port = port };

	cr_assert_eq(op(EVTCHNOP_status, &st, sizeof(st)), 0);
	return ((struct evtchn_status *)fake_gva(fd, ARG))->status;
}

/* Dom0's backend binding the port a frontend left for it (LINK_BIND). */
Test(evtchn2l, dom0_binds_only_a_port_left_unbound_for_it)
{
	long for0 = alloc_unbound(0), for7 = alloc_unbound(7);

	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, (uint32_t)for7, 0, (uint32_t)for7), -XEN_EINVAL,
		     "left for another domain");
	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, 0, 0, 0), -XEN_EINVAL, "port 0");
	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, 99999, 0, 99999), -XEN_EINVAL, "past the table");
	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, 300, 0, 300), -XEN_EINVAL, "closed port");
	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, (uint32_t)for0, 0, (uint32_t)for0), 0);
	cr_assert_eq(port_status((uint32_t)for0), EVTCHNSTAT_interdomain);
	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, (uint32_t)for0, 0, (uint32_t)for0), -XEN_EINVAL,
		     "bound already");
	cr_assert_eq(port_op(EVTCHNOP_send, (uint32_t)for0), 0);
	cr_assert_eq(fd->p.remote_sends, 1, "sends now reach Dom0");
	cr_assert_eq(xk_evtchn_unbind_remote(&fd->d, (uint32_t)for7, 0), -XEN_EINVAL);
	cr_assert_eq(xk_evtchn_unbind_remote(&fd->d, (uint32_t)for0, 0), 0);
	cr_assert_eq(port_status((uint32_t)for0), EVTCHNSTAT_unbound, "waits for a new bind");
	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, (uint32_t)for0, 0, (uint32_t)for0), 0, "and can get one");
}

Test(evtchn2l, reset_closes_everything)
{
	long p1 = alloc_unbound(XEN_DOMID_SELF);
	uint16_t dom = XEN_DOMID_SELF;

	cr_assert_eq(op(EVTCHNOP_reset, &dom, sizeof(dom)), 0);
	cr_assert_eq(port_op(EVTCHNOP_close, (uint32_t)p1), -XEN_EINVAL);
	dom = 7;
	cr_assert_eq(op(EVTCHNOP_reset, &dom, sizeof(dom)), -XEN_ESRCH);
}

Test(evtchn2l, compat_layout_uses_32bit_words_and_1024_ports)
{
	struct xen_shared_info32 *s = fd->d.shared_info;
	long p1, p2;

	fd->d.shinfo32 = true;
	p1 = alloc_unbound(XEN_DOMID_SELF);
	p2 = bind_loopback((uint32_t)p1);
	memset(s->evtchn_pending, 0, sizeof(s->evtchn_pending));
	s->vcpu_info[0].evtchn_upcall_pending = 0;
	s->vcpu_info[0].evtchn_pending_sel = 0;
	port_op(EVTCHNOP_send, (uint32_t)p2);
	cr_assert(s->evtchn_pending[p1 / 32] & (1u << (p1 % 32)));
	cr_assert(s->vcpu_info[0].evtchn_pending_sel & (1u << (p1 / 32)));
	cr_assert_eq(port_op(EVTCHNOP_unmask, 1024), -XEN_EINVAL);
}

Test(evtchn2l, hostile_arguments)
{
	struct evtchn_bind_virq bv = { 999, 0, 0 };
	struct evtchn_bind_ipi bi = { 77, 0 };
	struct evtchn_bind_interdomain bd = { 9, 0, 1, 0 };
	struct evtchn_alloc_unbound au = { 9, 0, 0 };

	cr_assert_eq(port_op(EVTCHNOP_send, 0), -XEN_EINVAL);
	struct evtchn_status st0 = { .dom = XEN_DOMID_SELF, .port = 0, .status = 99 };
	cr_assert_eq(op(EVTCHNOP_status, &st0, sizeof(st0)), 0, "port 0 is valid (reserved)");
	cr_assert_eq(((struct evtchn_status *)fake_gva(fd, ARG))->status, EVTCHNSTAT_closed);
	cr_assert_eq(port_op(EVTCHNOP_close, 4096), -XEN_EINVAL);
	cr_assert_eq(port_op(EVTCHNOP_unmask, 0xffffffffu), -XEN_EINVAL);
	cr_assert_eq(op(EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EINVAL);
	bv = (struct evtchn_bind_virq){ VIRQ_TIMER, 5, 0 };
	cr_assert_eq(op(EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_ENOENT);
	cr_assert_eq(op(EVTCHNOP_bind_ipi, &bi, sizeof(bi)), -XEN_ENOENT);
	struct evtchn_bind_vcpu bad_both = { 0, 9 };
	cr_assert_eq(op(EVTCHNOP_bind_vcpu, &bad_both, sizeof(bad_both)), -XEN_ENOENT,
		     "bad vCPU is reported before a bad port, as Xen does");
	fd->p.foreign_bind_result = -XEN_ESRCH;	/* the broker knows no such domain */
	cr_assert_eq(op(EVTCHNOP_bind_interdomain, &bd, sizeof(bd)), -XEN_ESRCH);
	bd.remote_dom = XEN_DOMID_SELF;
	bd.remote_port = 3000;
	cr_assert_eq(op(EVTCHNOP_bind_interdomain, &bd, sizeof(bd)), -XEN_EINVAL);
	cr_assert_eq(op(EVTCHNOP_alloc_unbound, &au, sizeof(au)), -XEN_ESRCH);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_event_channel_op, EVTCHNOP_send,
				    FAKE_RAM_SIZE + 4096, 0), -XEN_EFAULT);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_event_channel_op, EVTCHNOP_init_control,
				    ARG, 0), -XEN_ENOSYS);
}

Test(evtchn2l, ports_run_out_cleanly)
{
	long p = 0;
	int n = 0;

	while ((p = alloc_unbound(XEN_DOMID_SELF)) > 0)
		n++;
	cr_assert_eq(p, -XEN_ENOSPC);
	cr_assert_eq(n, 4095);
}

static long bind_foreign(uint16_t dom, uint32_t remote_port)
{
	struct evtchn_bind_interdomain b = { dom, 0, remote_port, 0 };
	long rc = op(EVTCHNOP_bind_interdomain, &b, sizeof(b));
	return rc ? rc : ((struct evtchn_bind_interdomain *)fake_gva(fd, ARG))->local_port;
}

/* EVTCHNOP_bind_interdomain to another DomU goes to the broker with a reserved port. */
Test(evtchn2l, bind_to_another_domu_through_the_broker)
{
	long p = bind_foreign(7, 33);
	struct evtchn_status st = { .dom = XEN_DOMID_SELF };

	cr_assert_gt(p, 0);
	cr_assert_eq(fd->p.foreign_binds, 1);
	cr_assert_eq(fd->p.last_local_port, (uint32_t)p, "the port the guest gets");
	cr_assert_eq(fd->p.last_remote_dom, 7);
	cr_assert_eq(fd->p.last_remote_port, 33);
	st.port = (uint32_t)p;
	cr_assert_eq(op(EVTCHNOP_status, &st, sizeof(st)), 0);
	st = *(struct evtchn_status *)fake_gva(fd, ARG);
	cr_assert_eq(st.status, EVTCHNSTAT_interdomain);
	cr_assert_eq(st.u.interdomain.dom, 7);
	cr_assert_eq(st.u.interdomain.port, 33);
	cr_assert(xk_evtchn_is_pending(&fd->d, (uint32_t)p), "starts pending, as on Xen");
	cr_assert_eq(port_op(EVTCHNOP_send, (uint32_t)p), 0);
	cr_assert_eq(fd->p.remote_sends, 1);
	cr_assert_eq(fd->p.last_local_port, (uint32_t)p);
	cr_assert_eq(fd->p.last_remote_port, 33);
	cr_assert_eq(port_op(EVTCHNOP_close, (uint32_t)p), 0);
	cr_assert_eq(fd->p.foreign_closes, 1, "the peer hears of the close");
	cr_assert_eq(fd->p.last_remote_dom, 7);
	cr_assert_eq(fd->p.last_remote_port, 33);
}

Test(evtchn2l, broker_refusal_frees_the_reserved_port)
{
	long first, again;

	fd->p.foreign_bind_result = -XEN_EINVAL;
	first = bind_foreign(7, 33);
	cr_assert_eq(first, -XEN_EINVAL);
	fd->p.foreign_bind_result = -XEN_ESRCH;
	cr_assert_eq(bind_foreign(9, 1), -XEN_ESRCH);
	again = alloc_unbound(7);
	cr_assert_eq(again, 1, "no port leaked: the first one is free again");
	cr_assert_eq(fd->p.foreign_closes, 0, "nothing was bound, nothing to undo");
}

/* Another DomU binding the port we left unbound for it (LINK_IDC_PEER). */
Test(evtchn2l, another_domu_binds_our_unbound_port)
{
	long p = alloc_unbound(7);
	struct evtchn_status st = { .dom = XEN_DOMID_SELF };

	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, (uint32_t)p, 8, 40), -XEN_EINVAL,
		     "left for domain 7, not 8");
	cr_assert_eq(xk_evtchn_bind_remote(&fd->d, (uint32_t)p, 7, 40), 0);
	st.port = (uint32_t)p;
	cr_assert_eq(op(EVTCHNOP_status, &st, sizeof(st)), 0);
	st = *(struct evtchn_status *)fake_gva(fd, ARG);
	cr_assert_eq(st.status, EVTCHNSTAT_interdomain);
	cr_assert_eq(st.u.interdomain.port, 40);
	cr_assert_eq(port_op(EVTCHNOP_send, (uint32_t)p), 0);
	cr_assert_eq(fd->p.last_remote_dom, 7);
	cr_assert_eq(fd->p.last_remote_port, 40);
	cr_assert_eq(xk_evtchn_unbind_remote(&fd->d, (uint32_t)p, 7), 0);
	cr_assert_eq(port_status((uint32_t)p), EVTCHNSTAT_unbound);
}

/* The FIFO ABI is not offered, but its arguments get Xen's checks (XSA-188). */
static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
	struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };

	return op(EVTCHNOP_init_control, &ic, sizeof(ic));
}

Test(evtchn2l, fifo_init_control_checks_its_arguments_as_xen)
{
	cr_assert_eq(init_control(2, 0, 2), -XEN_ENOENT, "no vCPU 2");
	cr_assert_eq(init_control(2, 4096 - 72 + 8, 0), -XEN_EINVAL, "control block past the page");
	cr_assert_eq(init_control(2, 12, 0), -XEN_EINVAL, "not 8-byte aligned");
	cr_assert_eq(init_control((uint64_t)-2, 0, 0), -XEN_EINVAL, "XSA-188's bad frame");
	cr_assert_eq(init_control(FAKE_RAM_SIZE / 4096, 0, 0), -XEN_EINVAL, "past RAM");
	cr_assert_eq(init_control(2, 4096 - 72, 0), -XEN_ENOSYS, "good: FIFO not offered");
}

Test(evtchn2l, fifo_ops_before_init_control_are_refused_as_xen)
{
	uint64_t gfn = 3;
	uint32_t prio[2] = { 1, 0 };

	cr_assert_eq(op(EVTCHNOP_expand_array, &gfn, sizeof(gfn)), -XEN_EOPNOTSUPP);
	cr_assert_eq(op(EVTCHNOP_set_priority, prio, sizeof(prio)), -XEN_ENOSYS);
}
