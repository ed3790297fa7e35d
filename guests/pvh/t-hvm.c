/* hvm_op: parameters and the per-vCPU upcall vector. */
#include "guest.h"
#include "xen-abi/abi-hvm.h"

GUEST_TEST(test_hvm)
{
	struct xen_hvm_evtchn_upcall_vector uv = { 0, 0x0f, { 0 } };
	struct xen_hvm_param p = { .domid = 999, .index = HVM_PARAM_TIMER_MODE };
	uint64_t v = 0, via;

	check_rc("hvm.get_timer_mode", hvm_param(HVMOP_get_param, HVM_PARAM_TIMER_MODE, &v), 0);
	check("hvm.timer_mode_default", v == HVMPTM_delay_for_missed_ticks, "mode %llu",
	      (unsigned long long)v);
	v = HVMPTM_no_missed_ticks_pending;
	check_rc("hvm.set_timer_mode", hvm_param(HVMOP_set_param, HVM_PARAM_TIMER_MODE, &v), 0);
	v = 0;
	hvm_param(HVMOP_get_param, HVM_PARAM_TIMER_MODE, &v);
	check("hvm.timer_mode_kept", v == HVMPTM_no_missed_ticks_pending, "mode %llu",
	      (unsigned long long)v);
	v = 7;
	check_rc("hvm.bad_timer_mode", hvm_param(HVMOP_set_param, HVM_PARAM_TIMER_MODE, &v),
		 -XEN_EINVAL);

	via = (2ull << HVM_PARAM_CALLBACK_TYPE_SHIFT) | 0xf3;
	check_rc("hvm.callback_vector", hvm_param(HVMOP_set_param, HVM_PARAM_CALLBACK_IRQ, &via), 0);
	v = 0;
	hvm_param(HVMOP_get_param, HVM_PARAM_CALLBACK_IRQ, &v);
	check("hvm.callback_vector_readback", v == via, "via %llx", (unsigned long long)v);
	v = (2ull << HVM_PARAM_CALLBACK_TYPE_SHIFT) | 0x05;
	check_rc("hvm.callback_low_vector", hvm_param(HVMOP_set_param, HVM_PARAM_CALLBACK_IRQ, &v),
		 -XEN_EINVAL);
	v = 5;	/* GSI 5: no emulated IOAPIC here */
	check_rc("hvm.callback_gsi_refused",
		 hvm_param(HVMOP_set_param, HVM_PARAM_CALLBACK_IRQ, &v), -XEN_EOPNOTSUPP);

	v = 0;
	check_rc("hvm.get_console_pfn", hvm_param(HVMOP_get_param, HVM_PARAM_CONSOLE_PFN, &v), 0);
	check("hvm.console_pfn_set", v != 0, "pfn 0");
	v = 0;
	hvm_param(HVMOP_get_param, HVM_PARAM_STORE_EVTCHN, &v);
	check("hvm.store_evtchn_set", v != 0, "port 0");
	v = 1;
	check_rc("hvm.console_pfn_readonly",
		 hvm_param(HVMOP_set_param, HVM_PARAM_CONSOLE_PFN, &v), -XEN_EPERM);
	check_rc("hvm.bad_index", hvm_param(HVMOP_get_param, 1000, &v), -XEN_EINVAL);
	check_rc("hvm.bad_domain", hypercall2(XEN_HC_hvm_op, HVMOP_get_param, (ulong)&p),
		 -XEN_ESRCH);
	check_rc("hvm.bad_pointer", hypercall2(XEN_HC_hvm_op, HVMOP_get_param, 0xfffff000ul),
		 -XEN_EFAULT);

	check_rc("hvm.upcall_vector_low",
		 hypercall2(XEN_HC_hvm_op, HVMOP_set_evtchn_upcall_vector, (ulong)&uv), -XEN_EINVAL);
	uv.vector = 0xf4;
	uv.vcpu = 99;
	check_rc("hvm.upcall_vector_bad_vcpu",
		 hypercall2(XEN_HC_hvm_op, HVMOP_set_evtchn_upcall_vector, (ulong)&uv), -XEN_ENOENT);
	check_rc("hvm.unknown_op", hypercall2(XEN_HC_hvm_op, 99, 0), -XEN_ENOSYS);
}
