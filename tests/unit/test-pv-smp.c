/* VCPUOP_initialise for a 64-bit PV vCPU: Xen's context into the runtime's state, bad ones refused. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "tests/unit/fake-domain.h"
#include "vmm/pv.h"
#include "xen-abi/abi-pv.h"

static struct vmm vm;
static uint8_t vcpu_info[2][64];
static struct xen_vcpu_guest_context64 ctx;

#define L4_FRAME 0x40
#define GDT_FRAME 0x41

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	vm.pvrt = calloc(1, PVRT_SIZE);
	vm.opt.vcpus = 2;
	vm.dom.plat = &vm;
	vm.dom.nr_vcpus = 2;
	for (unsigned i = 0; i < 2; i++) {
		vm.dom.vcpu[i].dom = &vm.dom;
		vm.dom.vcpu[i].id = i;
		vm.dom.vcpu[i].vcpu_info = vcpu_info[i];
	}
	pvrt_global(&vm)->ram_frames = 0x1000;
	pvrt_levels(&vm)[L4_FRAME] = 4;	/* an L4 the runtime validated */
	memset(&ctx, 0, sizeof(ctx));
	ctx.flags = VGCF_in_kernel;
	ctx.user_regs.rip = 0xffffffff81000000ull;
	ctx.user_regs.rsp = 0xffffc90000004000ull;
	ctx.user_regs.rflags = 0x1000;	/* IOPL 1, as Linux passes it */
	ctx.user_regs.rdi = 77;
	ctx.kernel_sp = 0xffffc90000004000ull;
	ctx.ctrlreg[3] = (uint64_t)L4_FRAME << 12;
	ctx.gdt_frames[0] = GDT_FRAME;
	ctx.gdt_ents = 16;
	ctx.event_callback_eip = 0xffffffff81001000ull;
	ctx.gs_base_kernel = 0xffff888000100000ull;
	ctx.trap_ctxt[14] = (struct xen_trap_info){ .vector = 14, .address = 0xffffffff81002000ull };
}

static void teardown(void)
{
	free(vm.pvrt);
}

TestSuite(pv_smp, .init = setup, .fini = teardown);

Test(pv_smp, context_becomes_the_runtime_state_and_first_frame)
{
	struct pvrt_vcpu *c = pvrt_state(&vm, 1);

	cr_assert_eq(pvrt_vcpu_initialise(&vm.dom.vcpu[1], &ctx), 0);
	cr_assert_eq(c->start.rip, ctx.user_regs.rip);
	cr_assert_eq(c->start.rsp, ctx.user_regs.rsp);
	cr_assert_eq(c->start.rdi, 77);
	cr_assert_eq(c->start.cs, XEN_FLAT_KERNEL_CS, "a ring-3 kernel, whatever the guest said");
	cr_assert_eq(c->start.rflags & RFLAGS_IOPL, 0, "IOPL is Xen's business");
	cr_assert(c->start.rflags & RFLAGS_IF);
	cr_assert_eq(c->cr3_kernel, (uint64_t)L4_FRAME << 12);
	cr_assert_eq(c->cr3_user, 0);
	cr_assert_eq(c->boot_gdt_entries, 16, "the GDT is loaded at first entry");
	cr_assert_eq(c->gdt_frames[0], GDT_FRAME);
	cr_assert_eq(c->event_cb, ctx.event_callback_eip);
	cr_assert_eq(c->gs_base_kernel, ctx.gs_base_kernel);
	cr_assert_eq(c->traps_tab[14].address, 0xffffffff81002000ull, "entry i is vector i");
	cr_assert_eq(c->traps_tab[13].address, 0);
	cr_assert_eq(vcpu_info[1][1], 1, "starts with events masked");
	cr_assert_eq(c->vcpu_info, PVRT_DMAP_VA + PVRT_XPAGES_GPA + 64, "its shared_info slot");
}

Test(pv_smp, bad_contexts_are_refused)
{
	struct xen_vcpu_guest_context64 good = ctx;
	struct xk_vcpu *v = &vm.dom.vcpu[1];

	ctx.flags = 0;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "user mode start");
	ctx = good, ctx.ldt_ents = 1, ctx.ldt_base = 0x10800;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "an LDT not page aligned");
	ctx = good, ctx.ldt_ents = 8193, ctx.ldt_base = 0x10000;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "an LDT over 8192 entries");
	ctx = good, ctx.ldt_ents = 1, ctx.ldt_base = 0xffff828000000000ull;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "an LDT in Xen's space");
	ctx = good, ctx.debugreg[0] = 0xffff828000000000ull;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "a breakpoint in Xen's space");
	ctx = good, ctx.debugreg[7] = 0x20401;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "an I/O breakpoint, CR4.DE clear");
	ctx = good, ctx.gdt_ents = XEN_FIRST_RESERVED_GDT_ENTRY + 1;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "into Xen's GDT entries");
	ctx = good, ctx.ctrlreg[3] = (uint64_t)(L4_FRAME + 1) << 12;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "an L4 never validated");
	ctx = good, ctx.ctrlreg[3] = 0x123456789000ull;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "an L4 outside RAM");
	ctx = good, ctx.ctrlreg[1] = (uint64_t)GDT_FRAME << 12;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "a user L4 never validated");
	ctx = good, ctx.user_regs.rip = 0x0000800000000000ull;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "non-canonical rip");
	ctx = good, ctx.gdt_frames[0] = 0x1000;
	cr_assert_eq(pvrt_vcpu_initialise(v, &ctx), -XEN_EINVAL, "GDT frame outside RAM");
	cr_assert_eq(pvrt_state(&vm, 1)->start.rip, 0, "nothing loaded from a refused context");
}

Test(pv_smp, an_ldt_is_loaded_at_first_entry)
{
	struct pvrt_vcpu *c = pvrt_state(&vm, 1);

	ctx.ldt_ents = 8192;
	ctx.ldt_base = 0x7f0000000000ull;
	cr_assert_eq(pvrt_vcpu_initialise(&vm.dom.vcpu[1], &ctx), 0);
	cr_assert_eq(c->boot_ldt_ents, 8192);
	cr_assert_eq(c->ldt_base, 0x7f0000000000ull);
	cr_assert_eq(c->ldt_ents, 0, "set by the runtime when it loads it");
}
