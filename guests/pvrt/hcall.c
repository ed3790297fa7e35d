/*
 * Hypercalls from the guest kernel. The ones that touch this vCPU's
 * privileged state (iret, stacks, segment bases, callbacks, trap table, GDT,
 * page tables) are done here in ring 0; the rest go to the VMM.
 */
#include "guests/pvrt/rt.h"
#include "xen-abi/abi-sched.h"

static long do_iret(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	struct xen_iret_context ctx;
	uint8_t *vi = (uint8_t *)c->vcpu_info;

	if (rt_copy_from_guest(&ctx, f->rsp, sizeof(ctx)))
		rt_crash("HYPERVISOR_iret frame unreadable", f);
	if ((ctx.cs & 3) == 3) {
		if (!c->cr3_user)
			rt_crash("HYPERVISOR_iret to user mode with no user page table", f);
		rt_set_mode(c, false);
	}
	pvrt_iret_regs(f, &ctx);
	pvrt_iret_iopl(rt_global(), c, &ctx);
	vi[VCPU_INFO_MASK] = !(ctx.rflags & RFLAGS_IF);
	return (long)ctx.rax;
}

/*
 * Load a selector into the user's %gs, as Xen does between two swapgs: the
 * user %gs base becomes the descriptor's. A selector the CPU refuses loads
 * the null selector instead.
 */
static long load_user_gs(struct pvrt_vcpu *c, uint16_t sel)
{
	uint64_t d = 0;

	sel |= 3;
	if ((sel & 0xfffc) && !(sel & 4) && (sel >> 3) < c->gdt_entries)
		d = rt_vcpu_gdt(c->id)[sel >> 3];
	else if (sel & 4)
		d = rt_ldt_descriptor(c, sel);
	else
		sel = 0;
	if (rt_load_gs(sel)) {	/* the null selector always loads */
		rt_load_gs(0);
		d = 0;
	}
	wrmsr(MSR_GS_BASE, c->self);	/* loading %gs replaced ours */
	c->gs_base_user = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
	if (!c->in_kernel)
		wrmsr(MSR_KERNEL_GS_BASE, c->gs_base_user);
	return 0;
}

static long set_segment_base(struct pvrt_vcpu *c, uint64_t which, uint64_t base)
{
	if (which != SEGBASE_GS_USER_SEL && !rt_canonical(base))
		return -XEN_EINVAL;
	switch (which) {
	case SEGBASE_FS:
		c->fs_base = base;
		wrmsr(MSR_FS_BASE, base);
		return 0;
	case SEGBASE_GS_USER:
		c->gs_base_user = base;
		return 0;
	case SEGBASE_GS_KERNEL:
		c->gs_base_kernel = base;
		wrmsr(MSR_KERNEL_GS_BASE, base);
		return 0;
	case SEGBASE_GS_USER_SEL:
		return load_user_gs(c, (uint16_t)base);
	}
	return -XEN_EINVAL;
}

static void set_idt_dpl(unsigned vec, unsigned dpl)
{
	uint8_t *gate = (uint8_t *)(PVRT_VA + PVRT_IDT_OFF) + vec * 16;

	gate[5] = (uint8_t)((gate[5] & ~0x60) | (dpl << 5));
}

static long set_trap_table(struct pvrt_vcpu *c, uint64_t table)
{
	struct xen_trap_info ti;

	if (!table) {
		memset(c->traps_tab, 0, sizeof(c->traps_tab));
		return 0;
	}
	for (;; table += sizeof(ti)) {
		if (rt_copy_from_guest(&ti, table, sizeof(ti)))
			return -XEN_EFAULT;
		if (!ti.address)
			return 0;
		c->traps_tab[ti.vector] = (struct pvrt_trap){
			.address = ti.address, .cs = ti.cs, .flags = ti.flags,
		};
		if (ti.vector == 3 || ti.vector == 4 || ti.vector == 128)
			set_idt_dpl(ti.vector, (ti.flags & XEN_TI_DPL_MASK) ? 3 : 0);
	}
}

static long set_callback(struct pvrt_vcpu *c, unsigned type, uint64_t addr, unsigned flags)
{
	uint32_t masks = flags & CALLBACKF_mask_events;

	switch (type) {
	case CALLBACKTYPE_event: c->event_cb = addr; return 0;
	case CALLBACKTYPE_failsafe: c->failsafe_cb = addr; c->failsafe_masks = masks; return 0;
	case CALLBACKTYPE_syscall: c->syscall_cb = addr; c->syscall_masks = masks; return 0;
	case CALLBACKTYPE_syscall32: c->syscall32_cb = addr; c->syscall32_masks = masks; return 0;
	case CALLBACKTYPE_sysenter: c->sysenter_cb = addr; c->sysenter_masks = masks; return 0;
	case CALLBACKTYPE_nmi: c->nmi_cb = addr; return 0;
	}
	/* Xen's answer for a type a 64-bit guest does not have (3 is 32-bit only). */
	return -XEN_ENOSYS;
}

/* Xen lets a guest unregister only its NMI callback; the rest stay. */
static long unset_callback(struct pvrt_vcpu *c, unsigned type)
{
	switch (type) {
	case CALLBACKTYPE_event: case CALLBACKTYPE_failsafe: case CALLBACKTYPE_syscall:
	case CALLBACKTYPE_syscall32: case CALLBACKTYPE_sysenter:
		return -XEN_EINVAL;
	case CALLBACKTYPE_nmi:
		return set_callback(c, type, 0, 0);
	}
	return -XEN_ENOSYS;
}

static long callback_op(struct pvrt_vcpu *c, uint64_t cmd, uint64_t arg)
{
	struct xen_callback_register r;

	if (rt_copy_from_guest(&r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (cmd == CALLBACKOP_register)
		return set_callback(c, r.type, r.address, r.flags);
	if (cmd == CALLBACKOP_unregister)
		return unset_callback(c, r.type);
	return -XEN_ENOSYS;
}

static long vm_assist(uint64_t cmd, uint64_t type)
{
	struct pvrt_global *g = rt_global();
	uint32_t known = (1u << VMASST_TYPE_writable_pagetables) |
			 (1u << VMASST_TYPE_runstate_update_flag) |
			 (1u << VMASST_TYPE_architectural_iopl);

	if (type == VMASST_TYPE_m2p_strict)
		type = 31;	/* kept in a spare bit of our 32-bit word */
	else if (type >= 31 || !(known & (1u << type)))
		return -XEN_EINVAL;
	if (cmd == VMASST_CMD_enable)
		g->vm_assist |= 1u << type;
	else if (cmd == VMASST_CMD_disable)
		g->vm_assist &= ~(1u << type);
	else
		return -XEN_ENOSYS;
	return 0;
}

/*
 * As Xen (since XSA-213): a multicall inside one is refused, and an iret
 * ends the multicall there, which then returns what the iret gave (the
 * guest's %rax from its frame): the guest may be in user mode by now.
 */
static long multicall(struct pvrt_vcpu *c, struct pvrt_frame *f, uint64_t list, uint64_t nr)
{
	struct xen_multicall_entry e;

	for (uint64_t i = 0; i < nr; i++, list += sizeof(e)) {
		if (rt_copy_from_guest(&e, list, sizeof(e)))
			return -XEN_EFAULT;
		if (e.op == XEN_HC_multicall)
			e.result = (uint64_t)-XEN_EINVAL;
		else
			e.result = (uint64_t)rt_hypercall(c, f, e.op, e.args);
		if (e.op == XEN_HC_iret) {
			rt_copy_to_guest(list + 8, &e.result, 8);	/* best effort, as Xen */
			return (long)e.result;
		}
		if (rt_copy_to_guest(list + 8, &e.result, 8))
			return -XEN_EFAULT;
	}
	return 0;
}

static long fpu_taskswitch(uint64_t set)
{
	uint64_t cr0;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = set ? cr0 | 8 : cr0 & ~8ull;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	return 0;
}

/* Debug registers are kept for the guest to read back; none is armed here. */
static long locked_mmu_op(struct pvrt_vcpu *c, uint64_t nr, const uint64_t a[6])
{
	long rc;

	rt_mmu_lock();
	if (nr == XEN_HC_mmu_update)
		rc = rt_mmu_update(c, a[0], a[1], a[2], a[3]);
	else if (nr == XEN_HC_mmuext_op)
		rc = rt_mmuext_op(c, a[0], a[1], a[2], a[3]);
	else
		rc = rt_update_va_mapping(c, a[0], a[1], a[2]);
	rt_mmu_unlock();
	return rc;
}

long rt_hypercall(struct pvrt_vcpu *c, struct pvrt_frame *f, uint64_t nr, const uint64_t a[6])
{
	if (nr == XEN_HC_vcpu_op && (uint32_t)a[0] == VCPUOP_initialise)
		rt_validate_context_l4s(c, a[2]);
	if (nr != XEN_HC_iret && !pvrt_runtime_hypercall(nr))
		return rt_forward(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	switch (nr) {
	case XEN_HC_iret: return do_iret(c, f);
	case XEN_HC_stack_switch:
		c->kernel_ss = a[0];
		c->kernel_sp = a[1];
		return 0;
	case XEN_HC_set_segment_base: return set_segment_base(c, a[0], a[1]);
	case XEN_HC_set_trap_table: return set_trap_table(c, a[0]);
	case XEN_HC_set_callbacks:
		c->event_cb = a[0];
		c->failsafe_cb = a[1];
		c->syscall_cb = a[2];
		return 0;
	case XEN_HC_callback_op: return callback_op(c, a[0], a[1]);
	case XEN_HC_fpu_taskswitch: return fpu_taskswitch(a[0]);
	case XEN_HC_vm_assist: return vm_assist(a[0], a[1]);
	case XEN_HC_multicall: return multicall(c, f, a[0], a[1]);
	case XEN_HC_mmu_update:
	case XEN_HC_mmuext_op:
	case XEN_HC_update_va_mapping:
		return locked_mmu_op(c, nr, a);
	case XEN_HC_set_gdt: return rt_set_gdt(c, a[0], a[1]);
	case XEN_HC_update_descriptor: return rt_update_descriptor(a[0], a[1]);
	case XEN_HC_set_debugreg: return rt_set_debugreg(c, a[0], a[1]);
	case XEN_HC_get_debugreg: return rt_get_debugreg(c, a[0]);
	}
	rt_crash("a runtime hypercall without a handler", f);
}
