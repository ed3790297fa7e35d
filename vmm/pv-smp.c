/*
 * Secondary vCPUs of a PV domain: VCPUOP_initialise's vcpu_guest_context
 * becomes the runtime's per-vCPU state and first frame, and VCPUOP_up enters
 * the runtime on that vCPU, which loads its GDT and page tables and irets
 * into the guest (pvrt_boot).
 */
#include <string.h>
#include "vmm/pv.h"
#include "xen-abi/abi-pv.h"


static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* An L4 the runtime has validated (the guest's own tables, in use elsewhere). */
static bool usable_l4(struct vmm *vm, uint64_t cr3)
{
	uint64_t mfn = cr3 >> 12;

	return mfn < pvrt_global(vm)->ram_frames && pvrt_levels(vm)[mfn] == 4;
}

static bool in_guest_space(uint64_t va)
{
	return canonical(va) && (va < XEN_HYPERVISOR_VIRT_START || va >= XEN_HYPERVISOR_VIRT_END);
}

/* What set_debugreg would refuse (a new vCPU's CR4.DE is clear: no I/O breakpoints). */
static bool debugregs_ok(const uint64_t dr[8])
{
	for (unsigned i = 0; i < 4; i++)
		if (!in_guest_space(dr[i]) || ((dr[7] >> (16 + 4 * i)) & 3) == 2)
			return false;
	return !(dr[6] >> 32) && !(dr[7] >> 32);
}

static int check_context(struct vmm *vm, const struct xen_vcpu_guest_context64 *x)
{
	const char *why = NULL;

	if (!(x->flags & VGCF_in_kernel))
		why = "starting in guest user mode is not supported";
	else if (x->ldt_ents > PVRT_LDT_MAX_ENTS || (x->ldt_ents && ((x->ldt_base & 0xfff) ||
		 !in_guest_space(x->ldt_base))))
		why = "bad LDT base or size";
	else if (!debugregs_ok(x->debugreg))
		why = "a debug register Xen would refuse";
	else if (x->gdt_ents > XEN_FIRST_RESERVED_GDT_ENTRY)
		why = "too many GDT entries";
	else if (!usable_l4(vm, x->ctrlreg[3]) || (x->ctrlreg[1] && !usable_l4(vm, x->ctrlreg[1])))
		why = "page-table base is not a validated L4";
	else if (!canonical(x->user_regs.rip) || !canonical(x->user_regs.rsp) ||
		 !canonical(x->kernel_sp))
		why = "non-canonical address";
	for (unsigned i = 0; !why && i * 512 < x->gdt_ents; i++)
		if (x->gdt_frames[i] >= pvrt_global(vm)->ram_frames)
			why = "GDT frame outside RAM";
	if (!why)
		return 0;
	xk_log(&vm->dom, "VCPUOP_initialise refused: %s", why);
	return -XEN_EINVAL;
}

static void load_start_frame(struct pvrt_vcpu *c, const struct xen_cpu_user_regs64 *r)
{
	c->start = (struct pvrt_frame){
		.r15 = r->r15, .r14 = r->r14, .r13 = r->r13, .r12 = r->r12, .rbp = r->rbp,
		.rbx = r->rbx, .r11 = r->r11, .r10 = r->r10, .r9 = r->r9, .r8 = r->r8,
		.rax = r->rax, .rcx = r->rcx, .rdx = r->rdx, .rsi = r->rsi, .rdi = r->rdi,
		.rip = r->rip, .cs = XEN_FLAT_KERNEL_CS, .ss = XEN_FLAT_KERNEL_SS, .rsp = r->rsp,
		/* The guest kernel runs in ring 3 with interrupts on; IOPL is Xen's business. */
		.rflags = (r->rflags & ~(RFLAGS_IOPL | RFLAGS_VM)) | RFLAGS_IF | 2,
	};
}

static void load_traps(struct pvrt_vcpu *c, const struct xen_trap_info *t)
{
	/* As on Xen, entry i is vector i's handler. */
	for (unsigned i = 0; i < 256; i++)
		c->traps_tab[i] = (struct pvrt_trap){ .address = t[i].address, .cs = t[i].cs,
						      .flags = t[i].flags };
}

int pvrt_vcpu_initialise(struct xk_vcpu *v, const struct xen_vcpu_guest_context64 *x)
{
	struct vmm *vm = vmm_of(v->dom);
	struct pvrt_vcpu *c = pvrt_state(vm, v->id);
	int rc = check_context(vm, x);

	if (rc)
		return rc;
	load_start_frame(c, &x->user_regs);
	load_traps(c, x->trap_ctxt);
	/* Xen takes the vCPU's virtual IOPL from the context's flags (Linux asks for 1). */
	v->iopl = (uint8_t)((x->user_regs.rflags & RFLAGS_IOPL) >> 12);
	c->iopl = v->iopl;
	c->kernel_ss = x->kernel_ss;
	c->kernel_sp = x->kernel_sp;
	c->event_cb = x->event_callback_eip;
	c->failsafe_cb = x->failsafe_callback_eip;
	c->syscall_cb = x->syscall_callback_eip;
	c->fs_base = x->fs_base;
	c->gs_base_kernel = x->gs_base_kernel;
	c->gs_base_user = x->gs_base_user;
	c->cr3_kernel = x->ctrlreg[3] & ~0xfffull;
	c->cr3_user = x->ctrlreg[1] & ~0xfffull;
	memcpy(c->debugreg, x->debugreg, sizeof(c->debugreg));
	memcpy(c->gdt_frames, x->gdt_frames, sizeof(c->gdt_frames));
	c->gdt_entries = 0;
	c->boot_gdt_entries = (uint32_t)x->gdt_ents;	/* pvrt_boot loads it */
	c->ldt_ents = 0;
	c->ldt_base = x->ldt_base;
	c->boot_ldt_ents = (uint32_t)x->ldt_ents;	/* and this */
	pvrt_sync_vcpu_info(vm, v->id);
	/* A PV vCPU starts with event delivery masked, as vCPU 0 did. */
	*xk_upcall_mask(v) = 1;
	return 0;
}
