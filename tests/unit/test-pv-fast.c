/*
 * The PV fast path (vmm/pv-fast.c) against Xen's PV ABI: a kernel hypercall
 * through the doorbell, HYPERVISOR_iret, the bounce frames of a user syscall,
 * a user page fault and an event upcall, and what it leaves to the runtime.
 * A vCPU with no KVM behind it: its kvm_run is plain memory and the guest
 * kernel's page tables are built in fake RAM.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "vmm/pv.h"
#include "xen-abi/abi-pv.h"
#include "xen-abi/guest-access.h"
#include "xen-abi/hypercalls.h"

#define RAM_SIZE (4u << 20)
#define L4_FRAME 0x10
#define USER_L4_FRAME 0x11
#define VINFO_GPA 0x3000
#define STACK_VA 0xffffc90000010000ull	/* top of two mapped pages */
#define STACK_GPA 0x200000
#define FRAME_OFF (PVRT_SIZE - 0x1000)	/* where the entry stub's saves sit */
#define SYSCALL_CB 0xffffffff81000100ull
#define EVENT_CB 0xffffffff81000200ull
#define PF_HANDLER 0xffffffff81000300ull

static struct vmm vm;
static uint8_t *ram, *xen_pages;
static struct kvm_run *run;
static struct vmm_vcpu *vc;
static struct pvrt_vcpu *c;
static unsigned next_table = 0x20;

static uint64_t *table(uint64_t frame)
{
	return (uint64_t *)(ram + frame * 4096);
}

/* 4 KiB mapping va -> gpa under the kernel's L4, tables taken as needed. */
static void map_page(uint64_t va, uint64_t gpa)
{
	uint64_t frame = L4_FRAME;

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &table(frame)[(va >> shift) & 511];

		if (!(*e & 1))
			*e = ((uint64_t)next_table++ << 12) | 7;
		frame = *e >> 12;
	}
	table(frame)[(va >> 12) & 511] = gpa | 7;
}

static uint8_t *vinfo(void)
{
	return ram + VINFO_GPA;
}

static uint64_t stack_word(uint64_t va)
{
	uint64_t w;

	memcpy(&w, ram + STACK_GPA + (va - (STACK_VA - 0x2000)), 8);
	return w;
}

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	next_table = 0x20;
	ram = aligned_alloc(4096, RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	xen_pages = aligned_alloc(4096, XK_XPAGE_COUNT * XEN_PAGE_SIZE);
	memset(xen_pages, 0, XK_XPAGE_COUNT * XEN_PAGE_SIZE);
	vm.pvrt = calloc(1, PVRT_SIZE);
	vm.opt.vcpus = 1;
	gmem_init(&vm.dom.mem);
	gmem_add(&vm.dom.mem, 0, RAM_SIZE, ram, GMEM_RAM);
	cr_assert_eq(xk_domain_init(&vm.dom, 1, 1, xen_pages, &vmm_platform_ops, &vm), 0);
	map_page(STACK_VA - 0x2000, STACK_GPA);
	map_page(STACK_VA - 0x1000, STACK_GPA + 0x1000);

	run = calloc(1, sizeof(*run));
	run->s.regs.sregs.cr0 = GP_CR0_PG | 1;
	run->s.regs.sregs.cr4 = GP_CR4_PAE;
	run->s.regs.sregs.efer = GP_EFER_LMA | (1 << 8);
	run->s.regs.sregs.cr3 = (uint64_t)L4_FRAME << 12;
	vc = &vm.vcpu[0];
	*vc = (struct vmm_vcpu){ .vm = &vm, .xv = &vm.dom.vcpu[0], .fd = -1, .run = run };

	c = pvrt_state(&vm, 0);
	c->in_kernel = 1;
	c->cr3_kernel = (uint64_t)L4_FRAME << 12;
	c->cr3_user = (uint64_t)USER_L4_FRAME << 12;
	c->kernel_sp = STACK_VA;
	c->vcpu_info = PVRT_DMAP_VA + VINFO_GPA;
	c->syscall_cb = SYSCALL_CB;
	c->event_cb = EVENT_CB;
	c->traps_tab[14] = (struct pvrt_trap){ .address = PF_HANDLER, .flags = XEN_TI_MASK_EVENTS };
	vinfo()[1] = 0;	/* events unmasked */
}

static void teardown(void)
{
	xk_domain_destroy(&vm.dom);
	gmem_destroy(&vm.dom.mem);
	free(run);
	free(vm.pvrt);
	free(xen_pages);
	free(ram);
}

TestSuite(pv_fast, .init = setup, .fini = teardown);

/* The vCPU as it exits at the doorbell: the guest's `syscall` from ring 3. */
static void doorbell_regs(uint64_t nr, uint64_t rsp)
{
	struct kvm_regs *r = &run->s.regs.regs;

	*r = (struct kvm_regs){ .rax = nr, .rcx = 0xffffffff81234567ull, .r11 = 0x246,
				.rsp = rsp, .rip = 0xffff800000001000ull, .rflags = 0x2 };
	run->s.regs.sregs.cs.selector = XEN_FLAT_KERNEL_CS;
	run->s.regs.sregs.ss.selector = XEN_FLAT_KERNEL_SS;
}

Test(pv_fast, doorbell_does_a_forwarded_hypercall_and_returns_after_the_syscall)
{
	struct kvm_regs *r = &run->s.regs.regs;
	uint64_t a[6] = { 0 };
	long version = xk_hypercall(&vm.dom.vcpu[0], XEN_HC_xen_version, a);

	doorbell_regs(XEN_HC_xen_version, STACK_VA - 64);
	r->rdi = 0;	/* XENVER_version */
	pvrt_fast_syscall(vc);
	cr_assert_eq(r->rax, (uint64_t)version);
	cr_assert_eq(r->rip, 0xffffffff81234567ull, "back where the syscall left (rcx)");
	cr_assert_eq(r->rflags, 0x246, "with the flags it saved (r11)");
	cr_assert_eq(r->rsp, STACK_VA - 64);
	cr_assert_eq(c->hypercalls, 1);
}

Test(pv_fast, doorbell_leaves_user_syscalls_and_runtime_hypercalls_to_the_runtime)
{
	struct kvm_regs *r = &run->s.regs.regs;

	doorbell_regs(XEN_HC_mmu_update, STACK_VA - 64);
	pvrt_fast_syscall(vc);
	cr_assert_eq(r->rip, PVRT_TRAMPOLINE_VA, "mmu_update is the runtime's");
	cr_assert_eq(r->rax, XEN_HC_mmu_update, "untouched");

	doorbell_regs(XEN_HC_vcpu_op, STACK_VA - 64);
	r->rdi = VCPUOP_initialise;
	pvrt_fast_syscall(vc);
	cr_assert_eq(r->rip, PVRT_TRAMPOLINE_VA, "the runtime validates the context's L4s first");
	doorbell_regs(XEN_HC_vcpu_op, STACK_VA - 64);
	r->rdi = VCPUOP_set_singleshot_timer;
	r->rsi = 5;	/* no such vCPU: answered here all the same */
	pvrt_fast_syscall(vc);
	cr_assert_eq(r->rip, 0xffffffff81234567ull, "other vcpu_ops are done here");

	c->in_kernel = 0;
	doorbell_regs(39, 0x7ffffff000ull);	/* a user process's syscall */
	pvrt_fast_syscall(vc);
	cr_assert_eq(r->rip, PVRT_TRAMPOLINE_VA, "it needs a page-table switch in ring 0");
	cr_assert_eq(r->rax, 39);
	cr_assert_eq(c->in_kernel, 0);
}

static void put_iret_context(uint64_t sp, const struct xen_iret_context *ctx)
{
	memcpy(ram + STACK_GPA + (sp - (STACK_VA - 0x2000)), ctx, sizeof(*ctx));
}

Test(pv_fast, doorbell_iret_within_the_kernel_restores_the_context)
{
	struct kvm_regs *r = &run->s.regs.regs;
	uint64_t sp = STACK_VA - 0x100;
	struct xen_iret_context ctx = {
		.rax = 99, .r11 = 0x11, .rcx = 0x22, .rip = 0xffffffff81005555ull,
		.cs = XEN_FLAT_KERNEL_CS & ~3, .rflags = 0x202, .rsp = STACK_VA - 0x40,
		.ss = XEN_FLAT_KERNEL_SS & ~3 };

	vinfo()[1] = 1;
	put_iret_context(sp, &ctx);
	doorbell_regs(XEN_HC_iret, sp);
	pvrt_fast_syscall(vc);
	cr_assert_eq(r->rip, ctx.rip);
	cr_assert_eq(r->rsp, ctx.rsp);
	cr_assert_eq(r->rax, 99);
	cr_assert_eq(r->r11, 0x11, "not a syscall return: r11 and rcx come back");
	cr_assert_eq(r->rcx, 0x22);
	cr_assert_eq(vinfo()[1], 0, "IF set in the context unmasks events");
}

Test(pv_fast, doorbell_leaves_an_iret_to_user_mode_to_the_runtime)
{
	struct kvm_regs *r = &run->s.regs.regs;
	uint64_t sp = STACK_VA - 0x100;
	struct xen_iret_context ctx = { .rip = 0x400000, .cs = XEN_FLAT_RING3_CS64,
					.rflags = 0x202, .rsp = 0x7ffffff000ull,
					.ss = XEN_FLAT_RING3_SS64 };

	put_iret_context(sp, &ctx);
	doorbell_regs(XEN_HC_iret, sp);
	pvrt_fast_syscall(vc);
	cr_assert_eq(r->rip, PVRT_TRAMPOLINE_VA);
	cr_assert_eq(c->in_kernel, 1, "still in kernel mode");
}

/* What the runtime's entry stub saved for a trap taken in ring 3. */
static struct pvrt_fast_frame *trap(uint64_t vector, uint64_t rip, uint64_t rsp)
{
	struct pvrt_fast_frame *m = (void *)(vm.pvrt + FRAME_OFF);

	*m = (struct pvrt_fast_frame){ .vector = vector, .rip = rip, .cs = XEN_FLAT_RING3_CS64,
				       .rflags = 0x246, .rsp = rsp, .ss = XEN_FLAT_RING3_SS64 };
	return m;
}

static void fast_path(void)
{
	pvrt_fast_path(vc, PVRT_VA + FRAME_OFF);
}

Test(pv_fast, a_user_syscall_bounces_to_the_kernel_on_its_stack)
{
	struct kvm_regs *r = &run->s.regs.regs;
	struct pvrt_fast_frame *m = trap(PVRT_VEC_SYSCALL, PVRT_TRAMPOLINE_VA, 0x7ffffff000ull);
	uint64_t sp = STACK_VA - 7 * 8;

	c->in_kernel = 0;
	c->syscall_masks = 0;
	r->rcx = 0x401000;		/* the user's return address */
	r->r11 = 0x646;			/* its flags, DF set */
	fast_path();
	cr_assert_eq(r->rax, 1, "done here");
	cr_assert_eq(r->rdx, c->cr3_kernel, "the runtime loads the kernel's page tables");
	cr_assert_eq(c->in_kernel, 1);
	cr_assert_eq(m->rip, SYSCALL_CB);
	cr_assert_eq(m->cs, XEN_FLAT_KERNEL_CS);
	cr_assert_eq(m->rsp, sp, "kernel_sp less Xen's seven-word frame");
	cr_assert_eq(m->rflags & RFLAGS_DF, 0, "DF cleared for the kernel");
	/* rcx, r11, rip, cs | mask << 32, rflags, rsp, ss */
	cr_assert_eq(stack_word(sp), 0x401000);
	cr_assert_eq(stack_word(sp + 8), 0x646);
	cr_assert_eq(stack_word(sp + 16), 0x401000);
	cr_assert_eq(stack_word(sp + 24), XEN_FLAT_RING3_CS64, "events were unmasked");
	cr_assert_eq(stack_word(sp + 40), 0x7ffffff000ull);
	cr_assert_eq(stack_word(sp + 48), XEN_FLAT_RING3_SS64);
}

/* A 32-bit process's syscall goes to the syscall32 callback, with its own mask flag. */
Test(pv_fast, a_compat_syscall_takes_the_syscall32_callback_and_its_mask)
{
	struct kvm_regs *r = &run->s.regs.regs;
	struct pvrt_fast_frame *m = trap(PVRT_VEC_SYSCALL, PVRT_TRAMPOLINE_VA, 0xffffd000ull);

	m->cs = XEN_FLAT_USER_CS32;
	c->in_kernel = 0;
	c->syscall_masks = 0;
	c->syscall32_cb = SYSCALL_CB + 0x40;
	c->syscall32_masks = 1;
	r->rcx = 0x8049000;
	r->r11 = 0x246;
	fast_path();
	cr_assert_eq(r->rax, 1);
	cr_assert_eq(m->rip, SYSCALL_CB + 0x40);
	cr_assert_eq(vinfo()[1], 1, "CALLBACKF_mask_events of syscall32, not of syscall");
}

Test(pv_fast, a_user_page_fault_bounces_with_its_error_code_and_cr2)
{
	struct kvm_regs *r = &run->s.regs.regs;
	struct pvrt_fast_frame *m = trap(14, 0x401234, 0x7ffffff000ull);
	uint64_t sp = STACK_VA - 8 * 8, cr2;

	c->in_kernel = 0;
	m->error = 6;
	run->s.regs.sregs.cr2 = 0x600010;
	fast_path();
	cr_assert_eq(r->rax, 1);
	cr_assert_eq(m->rip, PF_HANDLER);
	cr_assert_eq(m->rsp, sp);
	cr_assert_eq(stack_word(sp + 16), 6, "the error code after rcx and r11");
	cr_assert_eq(stack_word(sp + 24), 0x401234);
	memcpy(&cr2, vinfo() + 16, 8);
	cr_assert_eq(cr2, 0x600010, "arch.cr2 in the vcpu_info");
	cr_assert_eq(vinfo()[1], 1, "the trap table asked for events masked");
	cr_assert_eq(c->traps, 1);
}

Test(pv_fast, a_pending_event_is_delivered_on_the_kernel_stack_it_interrupted)
{
	struct kvm_regs *r = &run->s.regs.regs;
	uint64_t ksp = STACK_VA - 0x300, sp = (ksp & ~15ull) - 7 * 8;
	struct pvrt_fast_frame *m = trap(PVRT_VEC_EVENT, 0xffffffff81009999ull, ksp);

	vinfo()[0] = 1;	/* evtchn_upcall_pending */
	fast_path();
	cr_assert_eq(r->rax, 1);
	cr_assert_eq(r->rdx, 0, "no page-table switch within kernel mode");
	cr_assert_eq(m->rip, EVENT_CB);
	cr_assert_eq(m->rsp, sp);
	cr_assert_eq(stack_word(sp + 16), 0xffffffff81009999ull);
	cr_assert_eq(stack_word(sp + 24), XEN_FLAT_RING3_CS64 & ~3ull,
		     "RPL 0 tells the kernel it interrupted itself");
	cr_assert_eq(vinfo()[1], 1, "events masked for the callback");
	cr_assert_eq(c->events, 1);
}

Test(pv_fast, a_masked_event_waits)
{
	struct kvm_regs *r = &run->s.regs.regs;
	struct pvrt_fast_frame *m = trap(PVRT_VEC_EVENT, 0xffffffff81009999ull, STACK_VA - 0x300);

	vinfo()[0] = 1;
	vinfo()[1] = 1;
	fast_path();
	cr_assert_eq(r->rax, 1);
	cr_assert_eq(m->rip, 0xffffffff81009999ull, "back where it was");
	cr_assert_eq(c->events, 0);
}

Test(pv_fast, a_kernel_stack_it_cannot_write_is_left_to_the_runtime)
{
	struct kvm_regs *r = &run->s.regs.regs;
	struct pvrt_fast_frame *m = trap(PVRT_VEC_SYSCALL, PVRT_TRAMPOLINE_VA, 0x7ffffff000ull);

	c->in_kernel = 0;
	c->kernel_sp = 0xffffc90000100000ull;	/* not mapped */
	r->rcx = 0x401000;
	fast_path();
	cr_assert_eq(r->rax, 0, "the runtime decides (it kills the guest as Xen would)");
	cr_assert_eq(m->rip, PVRT_TRAMPOLINE_VA, "the frame as it came");
	cr_assert_eq(c->in_kernel, 0);

	c->kernel_sp = XEN_HYPERVISOR_VIRT_START + 0x1000;	/* Xen's part of the space */
	fast_path();
	cr_assert_eq(r->rax, 0);
}

Test(pv_fast, a_trap_from_ring_0_is_never_taken)
{
	struct kvm_regs *r = &run->s.regs.regs;
	struct pvrt_fast_frame *m = trap(PVRT_VEC_EVENT, 0xffff828000001000ull, 0);

	m->cs = 0x8;	/* the runtime's own code */
	vinfo()[0] = 1;
	fast_path();
	cr_assert_eq(r->rax, 0);
	cr_assert_eq(c->events, 0);
}
