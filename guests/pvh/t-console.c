/* console_io and the primary console ring. */
#include "guest.h"
#include "xen-abi/abi-console.h"
#include "xen-abi/abi-hvm.h"

/* Every line of this run goes through gsnprintf: check it first. */
static void formatting(void)
{
	char out[96];
	int n = gsnprintf(out, sizeof(out), "%05d|%x|%llu|%s|%c|%ld|%lx|%u|%3d|%p|%4d", -42, 0xbeefu,
			  18446744073709551615ull, "ok", 'z', -7l, 0xabcul, 4000000000u, 5,
			  (void *)0x1000, -3);
	const char *want = "-0042|beef|18446744073709551615|ok|z|-7|abc|4000000000|  5|0x1000|  -3";

	check("console.format", !strcmp(out, want) && n == (int)strlen(want),
	      "got '%s' (%d)", out, n);
	n = gsnprintf(out, 8, "%s", "truncated text");
	check("console.format_truncates", n == 14 && !strcmp(out, "truncat"), "got '%s' (%d)",
	      out, n);
}

GUEST_TEST(test_console)
{
	static const char line[] = "console-ring: hello from domU\n";
	static const char hv_line[] = "console_io: a line for the hypervisor's log\n";
	char buf[16];
	uint64_t pfn = 0, port = 0;
	volatile struct xencons_interface *r;
	uint32_t prod;
	unsigned spins = 0;

	formatting();
	check_rc("console.write", hypercall3(XEN_HC_console_io, CONSOLEIO_write, 0, (ulong)buf), 0);
	/* Xen's log, not this console: t-xl-domains looks for it in xl dmesg. */
	check_rc("console.write_hv_log", hypercall3(XEN_HC_console_io, CONSOLEIO_write,
						    sizeof(hv_line) - 1, (ulong)hv_line), 0);
	check_rc("console.read_refused",
		 hypercall3(XEN_HC_console_io, CONSOLEIO_read, sizeof(buf), (ulong)buf), -XEN_EPERM);
	check_rc("console.write_bad_pointer",
		 hypercall3(XEN_HC_console_io, CONSOLEIO_write, 16, 0xfffff000ul), -XEN_EFAULT);

	hvm_param(HVMOP_get_param, HVM_PARAM_CONSOLE_PFN, &pfn);
	hvm_param(HVMOP_get_param, HVM_PARAM_CONSOLE_EVTCHN, &port);
	if (!check("console.ring_params", pfn && port, "pfn %llx port %llu",
		   (unsigned long long)pfn, (unsigned long long)port))
		return;
	r = (volatile struct xencons_interface *)(ulong)(pfn << 12);
	prod = r->out_prod;
	for (unsigned i = 0; i < sizeof(line) - 1; i++)
		r->out[(prod + i) % XENCONS_OUT_SIZE] = line[i];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r->out_prod = prod + sizeof(line) - 1;
	check_rc("console.ring_notify", evtchn_send((uint32_t)port), 0);
	while (r->out_cons != r->out_prod && spins++ < 1000)
		hypercall2(XEN_HC_sched_op, 0, 0);
	check("console.ring_consumed", r->out_cons == r->out_prod, "cons %u prod %u",
	      r->out_cons, r->out_prod);
}
