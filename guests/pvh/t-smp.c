/* Bring vCPU 1 up with VCPUOP_initialise + VCPUOP_up, see it run, take it down. */
#include "guest.h"
#include "xen-abi/abi-sched.h"

volatile uint32_t ap_alive;
static uint8_t ap_stack[4096] __attribute__((aligned(16)));

/* The AP says hello and parks: interrupts off, halted. */
#ifdef __x86_64__
__asm__(".text\nap_entry:\n\tmovl $1, ap_alive(%rip)\n1:\tcli\n\thlt\n\tjmp 1b\n");
#else
__asm__(".text\nap_entry:\n\tmovl $1, ap_alive\n1:\tcli\n\thlt\n\tjmp 1b\n");
#endif
void ap_entry(void);

static ulong read_cr(int n)
{
	ulong v = 0;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else if (n == 3)
		__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void fill_context(struct vcpu_hvm_context *c)
{
	memset(c, 0, sizeof(*c));
#ifdef __x86_64__
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
	c->mode = VCPU_HVM_MODE_64B;
	c->cpu_regs.x86_64.rip = (ulong)ap_entry;
	c->cpu_regs.x86_64.rsp = (ulong)(ap_stack + sizeof(ap_stack));
	c->cpu_regs.x86_64.rflags = 2;
	c->cpu_regs.x86_64.cr0 = read_cr(0);
	c->cpu_regs.x86_64.cr3 = read_cr(3);
	c->cpu_regs.x86_64.cr4 = read_cr(4);
	c->cpu_regs.x86_64.efer = ((uint64_t)hi << 32) | lo;
#else
	struct vcpu_hvm_x86_32 *r = &c->cpu_regs.x86_32;

	c->mode = VCPU_HVM_MODE_32B;
	r->eip = (ulong)ap_entry;
	r->esp = (ulong)(ap_stack + sizeof(ap_stack));
	r->eflags = 2;
	r->cr0 = (uint32_t)read_cr(0);
	r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
	r->cs_ar = 0xc9b;
	r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
	r->tr_ar = 0x8b;
	r->tr_limit = 0x67;
#endif
}

GUEST_TEST(test_smp)
{
	struct vcpu_hvm_context ctx;
	int spins = 0;

	fill_context(&ctx);
	ctx.mode = 7;
	check_rc("smp.initialise_bad_mode",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_initialise, 1, (ulong)&ctx), -XEN_EINVAL);
	fill_context(&ctx);
	check_rc("smp.initialise_bad_pointer",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_initialise, 1, 0xfffff000ul), -XEN_EFAULT);
	check_rc("smp.initialise", hypercall3(XEN_HC_vcpu_op, VCPUOP_initialise, 1, (ulong)&ctx), 0);
	check_rc("smp.initialise_twice",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_initialise, 1, (ulong)&ctx), -XEN_EEXIST);
	check_rc("smp.up", hypercall3(XEN_HC_vcpu_op, VCPUOP_up, 1, 0), 0);
	while (!ap_alive && spins++ < 100000)
		hypercall2(XEN_HC_sched_op, SCHEDOP_yield, 0);
	check("smp.ap_runs", ap_alive == 1, "vCPU 1 never ran its entry code");
	check_rc("smp.is_up", hypercall3(XEN_HC_vcpu_op, VCPUOP_is_up, 1, 0), 1);
	check_rc("smp.down", hypercall3(XEN_HC_vcpu_op, VCPUOP_down, 1, 0), 0);
	check_rc("smp.is_down", hypercall3(XEN_HC_vcpu_op, VCPUOP_is_up, 1, 0), 0);
	check_rc("smp.up_again", hypercall3(XEN_HC_vcpu_op, VCPUOP_up, 1, 0), 0);
}
