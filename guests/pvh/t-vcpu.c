/* vcpu_op: vcpu_info and runstate registration, up/down state, timer arguments. */
#include "guest.h"
#include "xen-abi/abi-sched.h"

GUEST_TEST(test_vcpu)
{
	struct vcpu_register_vcpu_info ri = { PFN(SCRATCH_PAGE(10)), 4090, 0 };
	volatile struct xen_vcpu_time_info *t;
	struct { uint64_t timeout; uint32_t flags; uint32_t pad; } ss;
	uint64_t period = 100000, t0, t1;
	uint8_t runstate[48];
	ulong rs_ptr = (ulong)runstate;

	check_rc("vcpu.is_up_0", hypercall3(XEN_HC_vcpu_op, VCPUOP_is_up, 0, 0), 1);
	check_rc("vcpu.is_up_1", hypercall3(XEN_HC_vcpu_op, VCPUOP_is_up, 1, 0), 1);	/* t-smp ran */
	check_rc("vcpu.bad_vcpu", hypercall3(XEN_HC_vcpu_op, VCPUOP_is_up, 99, 0), -XEN_ENOENT);


	check_rc("vcpu.vcpu_info_crosses_page",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0, (ulong)&ri), -XEN_EINVAL);
	ri.mfn = 0xffffff;
	ri.offset = 0;
	check_rc("vcpu.vcpu_info_outside_ram",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0, (ulong)&ri), -XEN_EINVAL);
	ri.mfn = PFN(SCRATCH_PAGE(10));
	ri.offset = 128;
	check_rc("vcpu.register_vcpu_info",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0, (ulong)&ri), 0);
	t = (volatile struct xen_vcpu_time_info *)((uint8_t *)SCRATCH_PAGE(10) + 128 + 32);
	check("vcpu.vcpu_info_time_moved", t->tsc_to_system_mul && !(t->version & 1),
	      "mul %u version %u", t->tsc_to_system_mul, t->version);
	t0 = pvclock_ns(t);
	for (volatile int i = 0; i < 2000; i++)
		;
	t1 = pvclock_ns(t);
	check("vcpu.pvclock_advances", t1 > t0 && t1 - t0 < 1000000000ull, "t0 %llu t1 %llu",
	      (unsigned long long)t0, (unsigned long long)t1);
	check_rc("vcpu.register_twice",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0, (ulong)&ri), -XEN_EINVAL);

	check_rc("vcpu.register_runstate",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_register_runstate_memory_area, 0, (ulong)&rs_ptr), 0);
	check("vcpu.runstate_running", runstate[0] == 0 && (runstate[4] | runstate[8]) != 0,
	      "state %u", runstate[0]);

	ss.timeout = 1;
	ss.flags = VCPU_SSHOTTMR_future;
	check_rc("vcpu.singleshot_past_future_flag",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_set_singleshot_timer, 0, (ulong)&ss), -XEN_ETIME);
	check_rc("vcpu.singleshot_other_vcpu",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_set_singleshot_timer, 1, (ulong)&ss), -XEN_EINVAL);
	check_rc("vcpu.periodic_too_short",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_set_periodic_timer, 0, (ulong)&period), -XEN_EINVAL);
	check_rc("vcpu.stop_singleshot",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0), 0);
	check_rc("vcpu.unknown_op", hypercall3(XEN_HC_vcpu_op, 77, 0, 0), -XEN_ENOSYS);
}
