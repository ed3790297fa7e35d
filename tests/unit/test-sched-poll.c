/* SCHEDOP_poll wake rules, shutdown, vCPU down and runstate, as Xen has them. */
#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-sched.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(2); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(poll_rules, .init = setup, .fini = teardown);
TestSuite(shutdown_rules, .init = setup, .fini = teardown);

#define ARG 0x1000
#define PORTS 0x2000

static long poll(unsigned nr_ports, uint64_t timeout)
{
	struct sched_poll64 p = { PORTS, nr_ports, 0, timeout };

	memcpy(fake_gva(fd, ARG), &p, sizeof(p));
	return fake_hypercall(fd, 0, XEN_HC_sched_op, SCHEDOP_poll, ARG, 0);
}

static uint32_t new_port(void)
{
	int port = xk_evtchn_alloc_unbound_for(&fd->d, 0);

	cr_assert_gt(port, 0);
	return (uint32_t)port;
}

static uint32_t *ports(void) { return fake_gva(fd, PORTS); }

Test(poll_rules, ports_are_read_in_order_and_a_pending_one_ends_the_poll)
{
	uint32_t a = new_port();

	xk_evtchn_raise(&fd->d, a);
	ports()[0] = a;
	ports()[1] = 99999;	/* never looked at: the poll ended at port a */
	cr_assert_eq(poll(2, 0), 0);
	cr_assert_eq(fd->p.block_calls, 0, "returned without sleeping");
	ports()[0] = 99999;
	ports()[1] = a;
	cr_assert_eq(poll(2, 0), -XEN_EINVAL, "a bad port before any pending one");
	cr_assert_eq(fd->d.vcpu[0].polling, false);
}

Test(poll_rules, a_port_list_running_off_ram_faults_only_when_reached)
{
	uint32_t a = new_port();
	struct sched_poll64 p = { FAKE_RAM_SIZE - 4, 2, 0, 0 };

	*(uint32_t *)fake_gva(fd, FAKE_RAM_SIZE - 4) = a;
	xk_evtchn_raise(&fd->d, a);
	memcpy(fake_gva(fd, ARG), &p, sizeof(p));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_sched_op, SCHEDOP_poll, ARG, 0), 0);
	*(uint32_t *)fake_gva(fd, FAKE_RAM_SIZE - 4) = new_port();
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_sched_op, SCHEDOP_poll, ARG, 0), -XEN_EFAULT);
}

static uint32_t other_port;
static void raise_other_port(struct xk_vcpu *v) { xk_evtchn_raise(v->dom, other_port); }
static void raise_upcall(struct xk_vcpu *v) { *xk_upcall_pending(v) = 1; }

Test(poll_rules, single_port_poll_ignores_other_ports)
{
	uint32_t a = new_port();
	struct xen_shared_info64 *s = fd->d.shared_info;

	other_port = new_port();
	s->evtchn_mask[0] = ~0ull;	/* no upcall: only the poll rules count */
	ports()[0] = a;
	fd->p.on_block = raise_other_port;
	fd->p.block_advance_ns = 1000;
	cr_assert_eq(poll(1, fd->p.now_ns + 500), 0);
	cr_assert(xk_evtchn_is_pending(&fd->d, other_port));
	cr_assert_eq(fd->p.now_ns, 1000001000ull, "slept to the timeout");
}

Test(poll_rules, zero_port_poll_wakes_on_any_new_pending_port)
{
	struct xen_shared_info64 *s = fd->d.shared_info;

	other_port = new_port();
	s->evtchn_mask[0] = ~0ull;
	fd->p.on_block = raise_other_port;
	fd->p.block_advance_ns = 1000;
	cr_assert_eq(poll(0, 0), 0);
	cr_assert_eq(fd->p.now_ns, 1000000000ull, "woken by the event, before any time passed");
}

Test(poll_rules, a_new_upcall_ends_the_poll_but_an_old_one_does_not)
{
	uint32_t a = new_port();

	ports()[0] = a;
	fd->p.on_block = raise_upcall;
	fd->p.block_advance_ns = 1000;
	cr_assert_eq(poll(1, 0), 0);
	cr_assert_eq(fd->p.now_ns, 1000000000ull, "woken by the upcall");
	/* Already pending at entry (interrupts off in the guest): sleeps on. */
	cr_assert_eq(poll(1, fd->p.now_ns + 10), 0);
	cr_assert_eq(fd->p.now_ns, 1000001000ull);
}

Test(poll_rules, compat_layout_and_limits)
{
	struct sched_poll32 p = { PORTS, 1, 0, 0 };

	fd->d.vcpu[0].compat = true;
	fd->d.shinfo32 = true;
	ports()[0] = 1024;	/* beyond the 32-bit layout's 1024 ports */
	memcpy(fake_gva(fd, ARG), &p, sizeof(p));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_sched_op, SCHEDOP_poll, ARG, 0), -XEN_EINVAL);
	p.nr_ports = 129;
	memcpy(fake_gva(fd, ARG), &p, sizeof(p));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_sched_op, SCHEDOP_poll, ARG, 0), -XEN_EINVAL);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_sched_op, SCHEDOP_poll, FAKE_RAM_SIZE - 8, 0),
		     -XEN_EFAULT);
}

static long sched_u32(unsigned cmd, uint32_t val)
{
	memcpy(fake_gva(fd, ARG), &val, 4);
	return fake_hypercall(fd, 0, XEN_HC_sched_op, cmd, ARG, 0);
}

Test(shutdown_rules, only_the_first_shutdown_counts)
{
	cr_assert_eq(sched_u32(SCHEDOP_shutdown, SHUTDOWN_crash), 0);
	cr_assert_eq(sched_u32(SCHEDOP_shutdown, SHUTDOWN_poweroff), 0);
	cr_assert_eq(fd->p.shutdown_calls, 1);
	cr_assert_eq(fd->d.shutdown_reason, SHUTDOWN_crash);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_sched_op, SCHEDOP_shutdown, FAKE_RAM_SIZE, 0),
		     -XEN_EFAULT);
}

static long vcpu_op(unsigned vcpu, unsigned cmd, uint64_t arg)
{
	return fake_hypercall(fd, 0, XEN_HC_vcpu_op, cmd, vcpu, arg);
}

Test(shutdown_rules, downing_the_last_online_vcpu_powers_off)
{
	fd->d.vcpu[1].online = fd->d.vcpu[1].initialised = true;
	cr_assert_eq(xk_vcpus_online(&fd->d), 3);
	cr_assert_eq(vcpu_op(1, VCPUOP_down, 0), 0);
	cr_assert_eq(fd->d.vcpu[1].online, false);
	cr_assert_eq(xk_vcpus_online(&fd->d), 1);
	cr_assert_eq(fd->p.vcpus_changes, 1, "xenkvmd hears of it (xl list)");
	cr_assert_eq(vcpu_op(1, VCPUOP_up, 0), 0, "up again, where it went down");
	cr_assert_eq(xk_vcpus_online(&fd->d), 3);
	cr_assert_eq(fd->p.vcpus_changes, 2);
	cr_assert_eq(vcpu_op(1, VCPUOP_down, 0), 0);
	cr_assert_eq(fd->p.kicks[1], 2, "the vCPU thread must notice, each time");
	cr_assert_eq(fd->p.shutdown_calls, 0);
	cr_assert_eq(vcpu_op(0, VCPUOP_down, 0), 0);
	cr_assert_eq(fd->p.shutdown_calls, 1);
	cr_assert_eq(fd->p.shutdown_reason, SHUTDOWN_poweroff);
}

Test(shutdown_rules, runstate_info_in_either_layout)
{
	struct vcpu_runstate_info64 *r = fake_gva(fd, 0x3000);
	uint8_t *packed = fake_gva(fd, 0x4000);
	uint64_t t;

	memset(r, 0xff, sizeof(*r));
	cr_assert_eq(vcpu_op(1, VCPUOP_get_runstate_info, 0x3000), 0);
	cr_assert_eq(r->state, RUNSTATE_offline);
	cr_assert_eq(r->state_entry_time, fd->p.now_ns);
	cr_assert_eq(vcpu_op(0, VCPUOP_get_runstate_info, 0x3000), 0);
	cr_assert_eq(r->state, RUNSTATE_running);
	cr_assert_eq(r->time[RUNSTATE_running], fd->p.now_ns);
	cr_assert_eq(r->time[RUNSTATE_offline], 0);
	fd->d.vcpu[0].compat = true;
	memset(packed, 0xee, 64);
	cr_assert_eq(vcpu_op(0, VCPUOP_get_runstate_info, 0x4000), 0);
	memcpy(&t, packed + 4, 8);
	cr_assert_eq(t, fd->p.now_ns, "32-bit layout packs the u64s at offset 4");
	cr_assert_eq(packed[44], 0xee, "wrote past the 44-byte 32-bit record");
	cr_assert_eq(vcpu_op(0, VCPUOP_get_runstate_info, FAKE_RAM_SIZE - 8), -XEN_EFAULT);
	cr_assert_eq(vcpu_op(7, VCPUOP_get_runstate_info, 0x3000), -XEN_ENOENT);
}
