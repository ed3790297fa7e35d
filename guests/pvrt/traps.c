/*
 * Exceptions, events and system calls from the guest, turned into Xen's
 * bounce frames on the guest kernel stack, as a PV kernel expects them.
 */
#include "guests/pvrt/rt.h"

void pvrt_trap(struct pvrt_frame *f);
void pvrt_syscall(struct pvrt_frame *f);

void rt_set_mode(struct pvrt_vcpu *c, bool kernel)
{
	if (c->in_kernel == (uint32_t)kernel)
		return;
	/*
	 * User mode may have changed its %gs base behind the kernel's back (a
	 * segment load from the GDT or LDT, whose selector %gs still holds):
	 * keep what it had, as Xen does.
	 */
	if (kernel && (read_gs_selector() & ~3))
		c->gs_base_user = rdmsr(MSR_KERNEL_GS_BASE);
	c->in_kernel = kernel;
	write_cr3(kernel ? c->cr3_kernel : c->cr3_user);
	/* The guest's active %gs base waits in KERNEL_GS_BASE while we run. */
	wrmsr(MSR_KERNEL_GS_BASE, kernel ? c->gs_base_kernel : c->gs_base_user);
	wrmsr(MSR_LSTAR, rt_global()->lstar[kernel]);
	wrmsr(MSR_CSTAR, rt_global()->cstar[kernel]);
}

static bool has_error_code(uint64_t vec)
{
	return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21;
}

/* Xen's bounce frame (pvrt_bounce_words); from guest user mode on the registered kernel stack. */
void rt_bounce(struct pvrt_vcpu *c, struct pvrt_frame *f, uint64_t eip, bool mask,
	       bool has_error, uint64_t error)
{
	uint8_t *vi = (uint8_t *)c->vcpu_info;
	uint64_t fr[8], sp, cs = f->cs;
	uint8_t saved_mask = vi[VCPU_INFO_MASK];
	unsigned n;

	if (!c->in_kernel) {
		rt_set_mode(c, true);
		sp = c->kernel_sp;
	} else {
		sp = f->rsp;
		cs &= ~3ull;	/* tells the guest it interrupted kernel mode */
	}
	sp &= ~15ull;
	if (mask)
		vi[VCPU_INFO_MASK] = 1;
	n = pvrt_bounce_words(fr, f, cs, saved_mask, has_error, error, pvrt_bounce_iopl(rt_global(), c));
	sp -= n * 8;
	if (rt_copy_to_guest(sp, fr, n * 8))
		rt_crash("guest kernel stack not writable for a bounce frame", f);
	if (!eip)
		rt_crash("no guest handler registered for a bounce", f);
	pvrt_enter_callback(f, eip, sp);
}

void rt_deliver_events(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	volatile uint8_t *vi = (uint8_t *)c->vcpu_info;

	if (vi[VCPU_INFO_PENDING] && !vi[VCPU_INFO_MASK] && c->event_cb) {
		c->events++;
		rt_bounce(c, f, c->event_cb, true, false, 0);
	}
}

/* "ud2; .ascii \"xen\"; cpuid": the PV way to ask for emulated CPUID. */
static bool emulate_forced_cpuid(struct pvrt_frame *f)
{
	static const uint8_t want[7] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
	uint8_t insn[7];

	if (rt_copy_from_guest(insn, f->rip, sizeof(insn)))
		return false;
	for (unsigned i = 0; i < sizeof(insn); i++)
		if (insn[i] != want[i])
			return false;
	rt_vmm_op(PVRT_OP_CPUID, (uint64_t)f, 0);
	f->rip += sizeof(insn);
	return true;
}

static void guest_exception(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	struct pvrt_trap *t = &c->traps_tab[f->vector & 0xff];

	if (!t->address)
		rt_crash("guest exception with no handler in its trap table", f);
	if (f->vector == 14) {
		*vcpu_info_cr2(c) = read_cr2();
		/* The kernel runs in ring 3; Xen reports its faults as supervisor ones. */
		if (c->in_kernel)
			f->error &= ~PFEC_USER;
	}
	if (rt_global()->trace_traps == 1)
		rt_vmm_op(PVRT_OP_TRACE, (uint64_t)f, f->vector == 14 ? read_cr2() : 0);
	rt_bounce(c, f, t->address, t->flags & XEN_TI_MASK_EVENTS,
		  has_error_code(f->vector), f->error);
}

/*
 * "int $N" from the guest. It reaches us as #GP((N << 3) | 2) where the gate
 * stops it (VMX, SVM) or as #UD at the instruction (PVM). Xen delivers it
 * through the guest's trap table when that entry's DPL lets the guest's mode
 * in (kernel mode: DPL 1 or more; user mode: 3), with %rip past the
 * instruction and no error code; otherwise the guest gets that #GP.
 */
static bool soft_interrupt(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	struct pvrt_trap *t;
	uint8_t insn[2];

	if (rt_copy_from_guest(insn, f->rip, sizeof(insn)) || insn[0] != 0xcd)
		return false;
	/* The IDT bit, not the vector in the error code: QEMU's TCG puts N * 16 there. */
	if (f->vector == 13 && (f->error & 3) != 2)
		return false;
	t = &c->traps_tab[insn[1]];
	if (t->address && (t->flags & XEN_TI_DPL_MASK) >= (c->in_kernel ? 1u : 3u)) {
		f->rip += sizeof(insn);
		rt_bounce(c, f, t->address, t->flags & XEN_TI_MASK_EVENTS, false, 0);
		return true;
	}
	f->vector = 13;
	f->error = (uint64_t)insn[1] << 3 | 2;
	guest_exception(c, f);
	return true;
}

static void ring0_fault(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	if (c->fixup) {
		f->rip = c->fixup;
		c->fixup = 0;
		return;
	}
	rt_crash("fault inside the PV runtime", f);
}

static bool locked_ptwr(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	uint64_t cr2 = read_cr2();
	bool done;

	rt_mmu_lock();
	done = rt_ptwr(c, f, cr2);
	rt_mmu_unlock();
	return done;
}

/*
 * sysenter: to the guest's sysenter callback, as Xen bounces it (the
 * kernel knows where its vDSO's sysenter returns); with none registered,
 * #GP(0) at rip 0, as Xen gives it.
 */
static void user_sysenter(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	if (!c->sysenter_cb) {
		f->vector = 13;
		f->error = 0;
		guest_exception(c, f);
		return;
	}
	rt_bounce(c, f, c->sysenter_cb, c->sysenter_masks, false, 0);
}

void pvrt_trap(struct pvrt_frame *f)
{
	struct pvrt_vcpu *c = this_vcpu();

	if (!(f->cs & 3)) {
		ring0_fault(c, f);
		return;
	}
	/* PVM: the trampoline page is not visible to ring 3; its fault is the entry. */
	if (f->vector == 14 && f->rip == PVRT_TRAMPOLINE_VA)
		f->vector = PVRT_VEC_SYSCALL;
	if (f->vector == PVRT_VEC_SYSCALL) {
		f->rip = f->rcx;
		f->rflags = f->r11;
		if (rt_global()->trace_traps > 2)
			rt_vmm_op(PVRT_OP_TRACE, (uint64_t)f, 0);
		pvrt_syscall(f);
		return;
	}
	if (f->vector == PVRT_VEC_SYSENTER) {
		user_sysenter(c, f);
		rt_deliver_events(c, f);
		return;
	}
	c->traps++;
	if (rt_global()->trace_traps > 1)
		rt_vmm_op(PVRT_OP_TRACE, (uint64_t)f, f->vector == 14 ? read_cr2() : 0);
	if (f->vector == 1)
		rt_sync_dr6(c);
	if (f->vector == PVRT_VEC_EVENT)
		;	/* delivered below, if the guest takes events now */
	else if (f->vector == 6 && emulate_forced_cpuid(f))
		;
	else if ((f->vector == 13 || f->vector == 6) && soft_interrupt(c, f))
		;
	else if (f->vector == 13 && rt_emulate_privileged(c, f))
		;
	else if (f->vector == 14 && locked_ptwr(c, f))
		;
	else
		guest_exception(c, f);
	rt_deliver_events(c, f);
}

static void user_syscall(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	bool mask;
	uint64_t cb = pvrt_user_syscall_cb(c, f->cs, &mask);

	if (!cb) {
		/* No callback: the guest gets #UD at the syscall instruction. */
		f->rip -= 2;
		f->vector = 6;
		guest_exception(c, f);
		return;
	}
	rt_bounce(c, f, cb, mask, false, 0);
	f->rflags &= ~RFLAGS_DF;
}

void pvrt_syscall(struct pvrt_frame *f)
{
	struct pvrt_vcpu *c = this_vcpu();
	uint64_t a[6];

	if (!c->in_kernel) {
		user_syscall(c, f);
	} else {
		c->hypercalls++;
		a[0] = f->rdi; a[1] = f->rsi; a[2] = f->rdx;
		a[3] = f->r10; a[4] = f->r8; a[5] = f->r9;
		f->rax = (uint64_t)rt_hypercall(c, f, f->rax, a);
	}
	rt_deliver_events(c, f);
}

/* First entry: the VMM filled c->start with the guest's initial registers. */
void pvrt_boot(struct pvrt_frame *f);
void pvrt_boot(struct pvrt_frame *f)
{
	struct pvrt_vcpu *c = this_vcpu();

	*f = c->start;
	c->in_kernel = 1;
	rt_load_debugregs(c);
	/* A secondary vCPU's GDT comes from VCPUOP_initialise; the VMM checked the frames. */
	if (c->boot_gdt_entries && rt_load_gdt(c, c->gdt_frames, c->boot_gdt_entries))
		rt_crash("VCPUOP_initialise GDT refused", f);
	c->boot_gdt_entries = 0;
	rt_install_l4_slots(c->cr3_kernel);
	write_cr3(c->cr3_kernel);
	/* Checked by the VMM: rt_set_ldt takes it; its pages are read now, as at MMUEXT_SET_LDT. */
	if (c->boot_ldt_ents)
		rt_set_ldt(c, c->ldt_base, c->boot_ldt_ents);
	c->boot_ldt_ents = 0;
	wrmsr(MSR_KERNEL_GS_BASE, c->gs_base_kernel);
	wrmsr(MSR_FS_BASE, c->fs_base);
}
