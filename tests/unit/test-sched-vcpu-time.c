#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-evtchn.h"
#include "xen-abi/abi-sched.h"
#include "xen-abi/abi-evtchn-virq.h"
#include "xen-abi/time.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(2); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(sched_op, .init = setup, .fini = teardown);
TestSuite(vcpu_op, .init = setup, .fini = teardown);
TestSuite(xen_time, .init = setup, .fini = teardown);

#define ARG 0x1000

static long sched(unsigned cmd, const void *in, size_t len)
{
	memcpy(fake_gva(fd, ARG), in, len);
	return fake_hypercall(fd, 0, XEN_HC_sched_op, cmd, ARG, 0);
}

Test(sched_op, shutdown_records_reason_and_code)
{
	uint32_t code = 7, reason = SHUTDOWN_reboot;

	cr_assert_eq(sched(SCHEDOP_shutdown_code, &code, 4), 0);
	cr_assert_eq(sched(SCHEDOP_shutdown, &reason, 4), 0);
	cr_assert_eq(fd->p.shutdown_calls, 1);
	cr_assert_eq(fd->p.shutdown_reason, SHUTDOWN_reboot);
	cr_assert_eq(fd->d.shutdown_code, 7);
	reason = 6;
	cr_assert_eq(sched(SCHEDOP_shutdown, &reason, 4), -XEN_EINVAL);
}

Test(sched_op, poll_times_out_or_returns_on_pending)
{
	uint32_t *ports = fake_gva(fd, 0x2000);
	struct sched_poll64 p = { 0x2000, 0, 1, fd->p.now_ns + 5000 };
	int port = xk_evtchn_alloc_unbound_for(&fd->d, 0);

	ports[0] = (uint32_t)port;
	fd->p.block_advance_ns = 10000;
	cr_assert_eq(sched(SCHEDOP_poll, &p, sizeof(p)), 0);
	cr_assert_eq(fd->p.block_calls, 1);
	xk_evtchn_raise(&fd->d, (uint32_t)port);
	cr_assert_eq(sched(SCHEDOP_poll, &p, sizeof(p)), 0);
	p.nr_ports = 129;
	cr_assert_eq(sched(SCHEDOP_poll, &p, sizeof(p)), -XEN_EINVAL);
	p.nr_ports = 1;
	ports[0] = 4096;
	cr_assert_eq(sched(SCHEDOP_poll, &p, sizeof(p)), -XEN_EINVAL);
	p.ports = FAKE_RAM_SIZE;
	cr_assert_eq(sched(SCHEDOP_poll, &p, sizeof(p)), -XEN_EFAULT);
}

Test(sched_op, new_pending_port_wakes_a_poller_even_when_masked)
{
	int port = xk_evtchn_alloc_unbound_for(&fd->d, 0);
	struct xen_shared_info64 *s = fd->d.shared_info;

	s->evtchn_mask[0] = ~0ull;
	fd->d.vcpu[1].polling = true;
	xk_evtchn_raise(&fd->d, (uint32_t)port);
	cr_assert_eq(fd->p.kicks[1], 1, "the polling vCPU was not woken");
	cr_assert_eq(fd->p.kicks[0], 0, "masked: no upcall for vCPU 0");
}

Test(sched_op, block_unmasks_and_waits_for_events)
{
	fd->p.block_advance_ns = 1;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_sched_op, SCHEDOP_block, 0, 0), 0);
	cr_assert_eq(*xk_upcall_mask(&fd->d.vcpu[0]), 0);
	cr_assert_eq(fd->p.block_calls, 1);
}

Test(sched_op, remote_shutdown_is_refused)
{
	struct sched_remote_shutdown r = { 0, 0, 0 };

	r.domain_id = fd->d.domid;
	cr_assert_eq(sched(SCHEDOP_remote_shutdown, &r, sizeof(r)), -XEN_EPERM);
	r.domain_id = 42;
	cr_assert_eq(sched(SCHEDOP_remote_shutdown, &r, sizeof(r)), -XEN_ESRCH);
	r.domain_id = XEN_DOMID_SELF;	/* looked up literally by Xen: no such domain */
	cr_assert_eq(sched(SCHEDOP_remote_shutdown, &r, sizeof(r)), -XEN_ESRCH);
	cr_assert_eq(fd->p.shutdown_calls, 0);
}

static long vcpu_op(unsigned vcpu, unsigned cmd, const void *in, size_t len)
{
	if (in)
		memcpy(fake_gva(fd, ARG), in, len);
	return fake_hypercall(fd, 0, XEN_HC_vcpu_op, cmd, vcpu, ARG);
}

Test(vcpu_op, register_vcpu_info_moves_and_copies)
{
	struct vcpu_register_vcpu_info r = { 3, 64, 0 };
	struct xen_vcpu_info64 *old = fd->d.vcpu[0].vcpu_info;

	old->evtchn_upcall_mask = 1;
	cr_assert_eq(vcpu_op(0, VCPUOP_register_vcpu_info, &r, sizeof(r)), 0);
	cr_assert_eq(fd->d.vcpu[0].vcpu_info, fd->ram + 0x3000 + 64);
	cr_assert_eq(((struct xen_vcpu_info64 *)(fd->ram + 0x3040))->evtchn_upcall_mask, 1);
	cr_assert_eq(((struct xen_vcpu_info64 *)(fd->ram + 0x3040))->evtchn_pending_sel, ~0ull,
		     "guest told to rescan");
	cr_assert_neq(((struct xen_vcpu_info64 *)(fd->ram + 0x3040))->time.tsc_to_system_mul, 0);
	/* Xen's map_guest_area: a second registration is -EBUSY. */
	cr_assert_eq(vcpu_op(0, VCPUOP_register_vcpu_info, &r, sizeof(r)), -XEN_EBUSY);
	r.offset = 4090;
	cr_assert_eq(vcpu_op(1, VCPUOP_register_vcpu_info, &r, sizeof(r)), -XEN_ENXIO,
		     "crosses a page");
	r.offset = 4096;
	cr_assert_eq(vcpu_op(1, VCPUOP_register_vcpu_info, &r, sizeof(r)), -XEN_EINVAL,
		     "offset leaves the frame");
	r.offset = 68;
	cr_assert_eq(vcpu_op(1, VCPUOP_register_vcpu_info, &r, sizeof(r)), -XEN_ENXIO, "unaligned");
	r.offset = 64;	/* on top of vCPU 0's new area: allowed, and must not corrupt */
	cr_assert_eq(vcpu_op(1, VCPUOP_register_vcpu_info, &r, sizeof(r)), 0);
}

Test(vcpu_op, register_vcpu_info_hostile_frames)
{
	struct vcpu_register_vcpu_info r = { FAKE_RAM_SIZE / 4096, 0, 0 };
	void *before = fd->d.vcpu[1].vcpu_info;

	cr_assert_eq(vcpu_op(1, VCPUOP_register_vcpu_info, &r, sizeof(r)), -XEN_EINVAL, "not RAM");
	r.mfn = 1ull << 52;
	cr_assert_eq(vcpu_op(1, VCPUOP_register_vcpu_info, &r, sizeof(r)), -XEN_EINVAL, "overflows");
	r.mfn = UINT64_MAX >> 12;
	r.offset = 4095;
	cr_assert_eq(vcpu_op(1, VCPUOP_register_vcpu_info, &r, sizeof(r)), -XEN_EINVAL, "~0");
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 1,
				    FAKE_RAM_SIZE - 8), -XEN_EFAULT);
	cr_assert_eq(fd->d.vcpu[1].vcpu_info, before, "nothing moved");
	cr_assert_eq(fd->d.vcpu[1].vcpu_info_gpa, 0);
}

Test(vcpu_op, register_vcpu_info_wants_8_byte_alignment_in_both_layouts)
{
	struct vcpu_register_vcpu_info r = { 3, 68, 0 };

	fd->d.shinfo32 = true;
	cr_assert_eq(vcpu_op(0, VCPUOP_register_vcpu_info, &r, sizeof(r)), -XEN_ENXIO);
	r.offset = 72;
	cr_assert_eq(vcpu_op(0, VCPUOP_register_vcpu_info, &r, sizeof(r)), 0);
}

Test(vcpu_op, up_down_and_bad_vcpu)
{
	cr_assert_eq(vcpu_op(0, VCPUOP_is_up, NULL, 0), 1);
	cr_assert_eq(vcpu_op(1, VCPUOP_is_up, NULL, 0), 0);
	cr_assert_eq(vcpu_op(1, VCPUOP_up, NULL, 0), -XEN_EINVAL, "never initialised");
	cr_assert_eq(vcpu_op(2, VCPUOP_is_up, NULL, 0), -XEN_ENOENT);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_vcpu_op, VCPUOP_is_up, 1ull << 40, 0),
		     -XEN_ENOENT);
}

Test(vcpu_op, singleshot_and_periodic_timers)
{
	struct { uint64_t t; uint32_t flags; } ss = { fd->p.now_ns + 1000, VCPU_SSHOTTMR_future };
	uint64_t period = 10000000;
	struct xk_vcpu *v = &fd->d.vcpu[0];

	cr_assert_eq(vcpu_op(1, VCPUOP_set_singleshot_timer, &ss, 12), -XEN_EINVAL);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_vcpu_op, VCPUOP_set_singleshot_timer, 1,
				    FAKE_RAM_SIZE), -XEN_EINVAL, "vCPU checked before the pointer");
	cr_assert_eq(vcpu_op(1, VCPUOP_stop_singleshot_timer, NULL, 0), -XEN_EINVAL);
	cr_assert_eq(vcpu_op(0, VCPUOP_set_singleshot_timer, &ss, 12), 0);
	cr_assert_eq(fd->p.timer_changes[0], 1);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), ss.t);
	v->timer.periodic_last_ns = fd->p.now_ns - 1;	/* a tick just came: none due now */
	cr_assert_eq(vcpu_op(0, VCPUOP_set_periodic_timer, &period, 8), 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), ss.t, "earliest of the two");
	period = 1000;
	cr_assert_eq(vcpu_op(0, VCPUOP_set_periodic_timer, &period, 8), -XEN_EINVAL);
	period = 1ull << 62;
	cr_assert_eq(vcpu_op(0, VCPUOP_set_periodic_timer, &period, 8), -XEN_EINVAL);
	vcpu_op(0, VCPUOP_stop_singleshot_timer, NULL, 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), fd->p.now_ns - 1 + 10000000);
	vcpu_op(0, VCPUOP_stop_periodic_timer, NULL, 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), 0);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_vcpu_op, VCPUOP_set_periodic_timer, 0,
				    FAKE_RAM_SIZE - 4), -XEN_EFAULT);
}

/* Xen 4.17.5 and 4.18+ ignore VCPU_SSHOTTMR_future: a past deadline fires at once. */
Test(vcpu_op, singleshot_in_the_past_fires_at_once_even_with_future_flag)
{
	struct { uint64_t t; uint32_t flags; } ss = { 5, VCPU_SSHOTTMR_future };
	struct xk_vcpu *v = &fd->d.vcpu[0];

	fd->p.now_ns = 1000;
	cr_assert_eq(vcpu_op(0, VCPUOP_set_singleshot_timer, &ss, 12), 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), 5);
	ss.t = 0;
	cr_assert_eq(vcpu_op(0, VCPUOP_set_singleshot_timer, &ss, 12), 0);
	cr_assert(xk_vcpu_timer_next_deadline(v) != 0, "0 is a past deadline, not a cancel");
}

static uint32_t bind_timer_virq(unsigned vcpu)
{
	struct evtchn_bind_virq b = { VIRQ_TIMER, vcpu, 0 };

	memcpy(fake_gva(fd, ARG), &b, sizeof(b));
	cr_assert_eq(fake_hypercall(fd, vcpu, XEN_HC_event_channel_op, EVTCHNOP_bind_virq, ARG, 0), 0);
	return ((struct evtchn_bind_virq *)fake_gva(fd, ARG))->port;
}

static void clear_port(uint32_t port)
{
	struct xen_shared_info64 *s = fd->d.shared_info;

	s->evtchn_pending[port / 64] &= ~(1ull << (port % 64));
}

Test(xen_time, periodic_timer_follows_xens_rule)
{
	struct xk_vcpu *v = &fd->d.vcpu[0];
	uint32_t port = bind_timer_virq(0);
	uint64_t period = 1000000;

	fd->p.now_ns = 500000;	/* younger than one period: no tick at once */
	cr_assert_eq(vcpu_op(0, VCPUOP_set_periodic_timer, &period, 8), 0);
	cr_assert_not(xk_evtchn_is_pending(&fd->d, port));
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), 1000000);
	xk_vcpu_timer_expire(v, 999999);
	cr_assert_not(xk_evtchn_is_pending(&fd->d, port), "fired early");
	xk_vcpu_timer_expire(v, 3700000);	/* late: one tick, no burst */
	cr_assert(xk_evtchn_is_pending(&fd->d, port));
	cr_assert_eq(v->timer.periodic_next_ns, 4700000, "re-armed a period after now");
	clear_port(port);
	/* Restarting long after the last tick ticks at once. */
	fd->p.now_ns = 9000000;
	cr_assert_eq(vcpu_op(0, VCPUOP_set_periodic_timer, &period, 8), 0);
	cr_assert(xk_evtchn_is_pending(&fd->d, port), "no tick at set_periodic");
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), 10000000);
}

Test(xen_time, periodic_timer_of_another_vcpu)
{
	uint64_t period = 2000000;

	fd->p.now_ns = 100;
	cr_assert_eq(vcpu_op(1, VCPUOP_set_periodic_timer, &period, 8), 0, "allowed, as on Xen");
	cr_assert_eq(fd->p.timer_changes[1], 1);
	cr_assert_eq(xk_vcpu_timer_next_deadline(&fd->d.vcpu[1]), 2000000);
	cr_assert_eq(xk_vcpu_timer_next_deadline(&fd->d.vcpu[0]), 0);
}

Test(xen_time, singleshot_expiry_raises_virq_timer_once)
{
	struct xk_vcpu *v = &fd->d.vcpu[0];
	uint32_t port = bind_timer_virq(0);

	fd->p.now_ns = 1000;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_set_timer_op, 9000, 0, 0), 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), 9000);
	xk_vcpu_timer_expire(v, 8999);
	cr_assert_not(xk_evtchn_is_pending(&fd->d, port));
	xk_vcpu_timer_expire(v, 9000);
	cr_assert(xk_evtchn_is_pending(&fd->d, port));
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), 0, "singleshot disarms");
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_set_timer_op, 9000, 0, 0), 0);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_set_timer_op, 0, 0, 0), 0);
	cr_assert_eq(v->timer.singleshot_deadline_ns, 0, "0 cancels");
}

/* Xen's workaround for wrapped jiffies: negative or > 2^50 ns ahead -> now + 100 ms. */
Test(xen_time, set_timer_op_huge_deadlines_become_100ms)
{
	struct xk_vcpu *v = &fd->d.vcpu[0];

	fd->p.now_ns = 5000000000ull;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_set_timer_op, 1ull << 63, 0, 0), 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), fd->p.now_ns + 100000000);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_set_timer_op,
				    fd->p.now_ns + (1ull << 50), 0, 0), 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), fd->p.now_ns + 100000000);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_set_timer_op,
				    fd->p.now_ns + (1ull << 50) - 1, 0, 0), 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), fd->p.now_ns + (1ull << 50) - 1);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_set_timer_op, 7, 0, 0), 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), 7, "a past deadline stays: fires at once");
}

Test(xen_time, set_timer_op_32bit_guest_passes_two_halves)
{
	struct xk_vcpu *v = &fd->d.vcpu[0];

	v->compat = true;
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_set_timer_op, 0xffffffff00000005ull, 0x12, 0), 0);
	cr_assert_eq(xk_vcpu_timer_next_deadline(v), 0x1200000005ull, "upper register bits ignored");
}

Test(xen_time, pvclock_scale_matches_the_reference)
{
	static const uint64_t freqs[] = { 1000000, 999999999, 1000000000, 2100000000,
					  3700000000ull, 25000000 };

	for (size_t i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
		uint32_t mul;
		int8_t shift;
		uint64_t tsc = freqs[i] * 3, ns;	/* three seconds of TSC */

		xk_time_scale(freqs[i], &mul, &shift);
		tsc = shift < 0 ? tsc >> -shift : tsc << shift;
		ns = (uint64_t)(((unsigned __int128)tsc * mul) >> 32);
		cr_assert(ns > 2999990000ull && ns < 3000010000ull, "%llu Hz: %llu ns",
			  (unsigned long long)freqs[i], (unsigned long long)ns);
	}
}

Test(xen_time, records_use_the_version_protocol)
{
	struct xen_vcpu_time_info *t = xk_vcpu_time(&fd->d.vcpu[0]);
	struct xen_shared_info64 *s = fd->d.shared_info;
	uint32_t v0 = t->version;

	xk_time_update_vcpu(&fd->d.vcpu[0]);
	cr_assert_eq(t->version, v0 + 2);
	cr_assert_eq(t->system_time, fd->p.now_ns);
	cr_assert_eq(t->tsc_timestamp, fd->p.tsc);
	cr_assert_eq(t->flags, XEN_PVCLOCK_TSC_STABLE_BIT);
	xk_time_update_wallclock(&fd->d);
	cr_assert_eq(s->wc_version % 2, 0);
	cr_assert_eq((uint64_t)s->wc_sec + ((uint64_t)s->wc_sec_hi << 32),
		     (fd->p.wallclock_ns - fd->p.now_ns) / 1000000000ull);
}
