#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-console.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/console.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(2); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(hvm_op, .init = setup, .fini = teardown);
TestSuite(console, .init = setup, .fini = teardown);
TestSuite(guest_access, .init = setup, .fini = teardown);

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

Test(hvm_op, callback_vector_sets_upcall_vector_and_latches_layout)
{
	uint64_t v = (2ull << 56) | 0xf3;

	fd->d.vcpu[0].compat = true;
	cr_assert_eq(param(HVMOP_set_param, XEN_DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v), 0);
	cr_assert_eq(xk_hvm_upcall_vector(&fd->d.vcpu[1]), 0xf3);
	cr_assert(fd->d.shinfo32);
	fd->d.vcpu[1].upcall_vector = 0xe0;
	cr_assert_eq(xk_hvm_upcall_vector(&fd->d.vcpu[1]), 0xe0, "per-vCPU vector wins");
	v = 9;
	cr_assert_eq(param(HVMOP_set_param, XEN_DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v),
		     -XEN_EOPNOTSUPP);
	v = (2ull << 56) | 0x08;
	cr_assert_eq(param(HVMOP_set_param, XEN_DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, &v),
		     -XEN_EINVAL);
}

Test(hvm_op, toolstack_params_are_read_only)
{
	uint64_t v = 0;

	fd->d.hvm.param[HVM_PARAM_STORE_PFN] = 0x123;
	cr_assert_eq(param(HVMOP_get_param, XEN_DOMID_SELF, HVM_PARAM_STORE_PFN, &v), 0);
	cr_assert_eq(v, 0x123);
	v = 5;
	cr_assert_eq(param(HVMOP_set_param, XEN_DOMID_SELF, HVM_PARAM_STORE_PFN, &v), -XEN_EPERM);
	cr_assert_eq(fd->d.hvm.param[HVM_PARAM_STORE_PFN], 0x123);
	cr_assert_eq(param(HVMOP_get_param, XEN_DOMID_SELF, 39, &v), -XEN_EINVAL);
	cr_assert_eq(param(HVMOP_get_param, 4, HVM_PARAM_STORE_PFN, &v), -XEN_ESRCH);
	v = 4;
	cr_assert_eq(param(HVMOP_set_param, XEN_DOMID_SELF, HVM_PARAM_TIMER_MODE, &v), -XEN_EINVAL);
}

Test(hvm_op, upcall_vector_op)
{
	struct xen_hvm_evtchn_upcall_vector u = { 1, 0xf0, { 0 } };

	memcpy(fake_gva(fd, ARG), &u, sizeof(u));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_hvm_op, HVMOP_set_evtchn_upcall_vector, ARG, 0), 0);
	cr_assert_eq(fd->d.vcpu[1].upcall_vector, 0xf0);
	u.vcpu = 2;
	memcpy(fake_gva(fd, ARG), &u, sizeof(u));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_hvm_op, HVMOP_set_evtchn_upcall_vector, ARG, 0),
		     -XEN_ENOENT);
}

Test(console, write_passes_bytes_and_read_is_refused)
{
	memcpy(fake_gva(fd, ARG), "hello, dom0", 11);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_console_io, CONSOLEIO_write, 11, ARG), 0);
	cr_assert_str_eq(fd->p.hv_console, "hello, dom0", "the hypervisor's console");
	cr_assert_str_eq(fd->p.console, "", "not the domain's");
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_console_io, CONSOLEIO_write, 16,
				    FAKE_RAM_SIZE - 8), -XEN_EFAULT);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_console_io, CONSOLEIO_read, 16, ARG), -XEN_EPERM);
}

static struct xencons_interface *setup_ring(void)
{
	int port = xk_evtchn_alloc_unbound_for(&fd->d, 0);

	fd->d.hvm.param[HVM_PARAM_CONSOLE_PFN] = 0x20;
	fd->d.hvm.param[HVM_PARAM_CONSOLE_EVTCHN] = (uint64_t)port;
	return fake_gva(fd, 0x20000);
}

Test(console, ring_drains_across_the_wrap)
{
	struct xencons_interface *r = setup_ring();

	r->out_cons = r->out_prod = 0xfffffffe;	/* indices wrap around 2^32 */
	for (int i = 0; i < 5; i++)
		r->out[(r->out_prod + i) % XENCONS_OUT_SIZE] = "ring!"[i];
	r->out_prod += 5;
	xk_console_ring_drain(&fd->d);
	cr_assert_str_eq(fd->p.console, "ring!");
	cr_assert_eq(r->out_cons, r->out_prod);
	cr_assert(xk_evtchn_is_pending(&fd->d, (uint32_t)fd->d.hvm.param[HVM_PARAM_CONSOLE_EVTCHN]));
}

Test(console, hostile_ring_indices_are_ignored)
{
	struct xencons_interface *r = setup_ring();

	r->out_cons = 0;
	r->out_prod = 100000;
	xk_console_ring_drain(&fd->d);
	cr_assert_eq(fd->p.console_len, 0);
	cr_assert_eq(r->out_cons, 0);
	cr_assert(strstr(fd->p.last_log, "broken") != NULL);
}

Test(console, input_fills_in_ring)
{
	struct xencons_interface *r = setup_ring();
	char big[2000];

	memset(big, 'x', sizeof(big));
	cr_assert_eq(xk_console_ring_input(&fd->d, "ls\n", 3), 3);
	cr_assert_eq(r->in_prod, 3);
	cr_assert_eq(xk_console_ring_input(&fd->d, big, sizeof(big)), XENCONS_IN_SIZE - 3,
		     "never overruns the consumer");
}

/* Page walk: a 4-level map built in fake RAM. */
Test(guest_access, long_mode_walk_with_large_and_small_pages)
{
	uint64_t *pml4 = fake_gva(fd, 0x10000), *pdpt = fake_gva(fd, 0x11000);
	uint64_t *pd = fake_gva(fd, 0x12000), *pt = fake_gva(fd, 0x13000);
	struct guest_paging pg = { GP_CR0_PG | GP_CR0_WP, 0x10000, GP_CR4_PAE, GP_EFER_LMA };
	uint64_t gpa;

	pml4[0] = 0x11000 | 3;
	pdpt[0] = 0x12000 | 3;
	pd[0] = 0x200000 | 0x83;		/* 2 MiB page, writable */
	pd[1] = 0x13000 | 3;
	pt[5] = 0x7000 | 1;			/* read-only 4 KiB page */
	cr_assert_eq(guest_translate(&fd->d.mem, &pg, 0x1234, false, &gpa), 0);
	cr_assert_eq(gpa, 0x201234);
	cr_assert_eq(guest_translate(&fd->d.mem, &pg, 0x205008, false, &gpa), 0);
	cr_assert_eq(gpa, 0x7008);
	cr_assert_eq(guest_translate(&fd->d.mem, &pg, 0x205008, true, &gpa), -XEN_EFAULT,
		     "write to a read-only page with CR0.WP");
	cr_assert_eq(guest_translate(&fd->d.mem, &pg, 0x40000000, false, &gpa), -XEN_EFAULT);
	pml4[1] = 0x7fffffff000ull | 1;		/* table outside RAM */
	cr_assert_eq(guest_translate(&fd->d.mem, &pg, 1ull << 39, false, &gpa), -XEN_EFAULT);
}

Test(guest_access, protected_mode_non_pae_walk)
{
	uint32_t *pd = fake_gva(fd, 0x10000), *pt = fake_gva(fd, 0x11000);
	struct guest_paging pg = { GP_CR0_PG, 0x10000, GP_CR4_PSE, 0 };
	uint64_t gpa;

	pd[1] = 0x00400000 | 0x83;	/* 4 MiB page */
	pd[2] = 0x11000 | 3;
	pt[3] = 0x9000 | 3;
	cr_assert_eq(guest_translate(&fd->d.mem, &pg, 0x00412345, false, &gpa), 0);
	cr_assert_eq(gpa, 0x00412345);
	cr_assert_eq(guest_translate(&fd->d.mem, &pg, 0x00803abc, true, &gpa), 0);
	cr_assert_eq(gpa, 0x9abc);
	cr_assert_eq(guest_translate(&fd->d.mem, &pg, 0x00c00000, false, &gpa), -XEN_EFAULT);
}

Test(guest_access, copies_cross_pages_and_stop_at_ram_end)
{
	uint8_t buf[32];

	memset(fake_gva(fd, 0x1ff0), 0x5a, 32);
	cr_assert_eq(xk_copy_from_guest(&fd->d.vcpu[0], buf, 0x1ff0, 32), 0);
	cr_assert_eq(buf[31], 0x5a);
	cr_assert_eq(xk_copy_from_guest(&fd->d.vcpu[0], buf, FAKE_RAM_SIZE - 16, 32), -XEN_EFAULT);
	cr_assert_eq(gmem_read(&fd->d.mem, UINT64_MAX - 8, buf, 32), -XEN_EFAULT);
	cr_assert_eq(gmem_add(&fd->d.mem, 0x1001, 4096, buf, GMEM_XEN_PAGE), -XEN_EINVAL);
}
