/* HVM parameter permissions as Xen's hvm_allow_{get,set}_param, and console_io rules. */
#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-console.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/console.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(2); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(hvm_params, .init = setup, .fini = teardown);
TestSuite(console_rules, .init = setup, .fini = teardown);

#define ARG 0x1000

static long param(unsigned op, uint16_t dom, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { dom, 0, index, *value };
	long rc;

	memcpy(fake_gva(fd, ARG), &p, sizeof(p));
	rc = fake_hypercall(fd, 0, XEN_HC_hvm_op, op, ARG, 0);
	*value = ((struct xen_hvm_param *)fake_gva(fd, ARG))->value;
	return rc;
}

static long get(uint32_t index, uint64_t *v) { return param(HVMOP_get_param, XEN_DOMID_SELF, index, v); }
static long set(uint32_t index, uint64_t v) { return param(HVMOP_set_param, XEN_DOMID_SELF, index, &v); }

Test(hvm_params, guest_reads_only_what_xen_lets_it)
{
	uint64_t v = 0;

	fd->d.hvm.param[HVM_PARAM_IDENT_PT] = 0xfeffc000;
	fd->d.hvm.param[HVM_PARAM_CONSOLE_PFN] = 0x3ff;
	cr_assert_eq(get(HVM_PARAM_CONSOLE_PFN, &v), 0);
	cr_assert_eq(v, 0x3ff);
	v = 0;
	cr_assert_eq(get(HVM_PARAM_IDENT_PT, &v), -XEN_EPERM);
	cr_assert_eq(v, 0, "a refused value must not be written back");
	cr_assert_eq(get(HVM_PARAM_IOREQ_PFN, &v), -XEN_EPERM);
	cr_assert_eq(get(HVM_PARAM_PAE_ENABLED, &v), -XEN_EINVAL, "deprecated");
	cr_assert_eq(get(HVM_PARAM_ALTP2M, &v), 0);
	cr_assert_eq(get(HVM_NR_PARAMS, &v), -XEN_EINVAL);
	cr_assert_eq(param(HVMOP_get_param, 77, UINT32_MAX, &v), -XEN_EINVAL,
		     "index checked before the domain, as Xen does");
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_hvm_op, HVMOP_get_param, FAKE_RAM_SIZE - 8, 0),
		     -XEN_EFAULT);
}

Test(hvm_params, guest_sets_only_what_xen_lets_it)
{
	cr_assert_eq(set(HVM_PARAM_STORE_EVTCHN, 9), 0, "guest-settable on Xen");
	cr_assert_eq(fd->d.hvm.param[HVM_PARAM_STORE_EVTCHN], 9);
	cr_assert_eq(set(HVM_PARAM_CONSOLE_PFN, 1), -XEN_EPERM);
	cr_assert_eq(set(HVM_PARAM_ACPI_S_STATE, 0), -XEN_EPERM);
	cr_assert_eq(set(HVM_PARAM_IDENT_PT, 0x1000), -XEN_EPERM);
	cr_assert_eq(set(HVM_PARAM_NESTEDHVM, 1), -XEN_EINVAL, "deprecated");
	cr_assert_eq(set(HVM_PARAM_ALTP2M, 0), -XEN_EEXIST, "read-only");
	cr_assert_eq(set(HVM_PARAM_X87_FIP_WIDTH, 5), -XEN_EINVAL);
	cr_assert_eq(set(HVM_PARAM_X87_FIP_WIDTH, 4), 0);
	cr_assert_eq(fd->d.hvm.param[HVM_PARAM_X87_FIP_WIDTH], 4);
	cr_assert_eq(set(HVM_PARAM_VM_GENERATION_ID_ADDR, 0xfc000000), 0);
	cr_assert_eq(set(HVM_PARAM_TIMER_MODE, HVMPTM_one_missed_tick_pending + 1), -XEN_EINVAL);
	cr_assert_eq(set(HVM_PARAM_TIMER_MODE, HVMPTM_no_missed_ticks_pending), 0);
}

Test(hvm_params, emulation_we_lack_is_not_faked)
{
	cr_assert_eq(set(HVM_PARAM_VM86_TSS, 0x1000), -XEN_ENOSYS);
	cr_assert_eq(set(HVM_PARAM_ACPI_IOPORTS_LOCATION, 1), -XEN_ENOSYS);
	cr_assert_eq(fd->d.hvm.param[HVM_PARAM_VM86_TSS], 0);
	cr_assert(strstr(fd->p.last_log, "not supported") != NULL);
}

Test(hvm_params, upcall_vector_delivers_an_already_pending_upcall)
{
	struct xen_hvm_evtchn_upcall_vector u = { 1, 0xf0, { 0 } };

	*xk_upcall_pending(&fd->d.vcpu[1]) = 1;
	memcpy(fake_gva(fd, ARG), &u, sizeof(u));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_hvm_op, HVMOP_set_evtchn_upcall_vector, ARG, 0), 0);
	cr_assert_eq(xk_hvm_upcall_vector(&fd->d.vcpu[1]), 0xf0);
	cr_assert_eq(fd->p.kicks[1], 1);
	cr_assert_eq(fd->p.kicks[0], 0);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_hvm_op, HVMOP_set_evtchn_upcall_vector,
				    FAKE_RAM_SIZE - 4, 0), -XEN_EFAULT);
}

Test(console_rules, a_domu_gets_eperm_for_everything_but_write)
{
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_console_io, CONSOLEIO_read, 16, ARG), -XEN_EPERM);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_console_io, 42, 16, ARG), -XEN_EPERM);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_console_io, CONSOLEIO_write, 0, 0), 0);
	cr_assert_eq(fd->p.console_len, 0);
}

Test(console_rules, write_count_is_32_bits_and_copied_in_chunks)
{
	memset(fake_gva(fd, ARG), 'a', 1000);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_console_io, CONSOLEIO_write,
				    (1ull << 32) | 1000, ARG), 0);
	cr_assert_eq(fd->p.hv_console_len, 1000);
	cr_assert_eq(fd->p.console_len, 0, "the hypervisor's console, not the domain's");
}

static struct xencons_interface *ring_at(uint64_t pfn)
{
	int port = xk_evtchn_alloc_unbound_for(&fd->d, 0);

	fd->d.hvm.param[HVM_PARAM_CONSOLE_PFN] = pfn;
	fd->d.hvm.param[HVM_PARAM_CONSOLE_EVTCHN] = (uint64_t)port;
	return fake_gva(fd, pfn << 12);
}

Test(console_rules, empty_drain_does_not_notify)
{
	ring_at(0x20);
	xk_console_ring_drain(&fd->d);
	cr_assert_not(xk_evtchn_is_pending(&fd->d,
					   (uint32_t)fd->d.hvm.param[HVM_PARAM_CONSOLE_EVTCHN]));
}

Test(console_rules, ring_outside_ram_or_broken_input_is_left_alone)
{
	struct xencons_interface *r;

	fd->d.hvm.param[HVM_PARAM_CONSOLE_PFN] = FAKE_RAM_SIZE >> 12;
	xk_console_ring_drain(&fd->d);
	cr_assert_eq(xk_console_ring_input(&fd->d, "x", 1), 0);
	r = ring_at(0x20);
	r->in_cons = 5000;
	r->in_prod = 10;
	cr_assert_eq(xk_console_ring_input(&fd->d, "abc", 3), 0);
	cr_assert_eq(r->in_prod, 10);
	cr_assert(strstr(fd->p.last_log, "broken") != NULL);
}
