/*
 * The PV runtime's hot paths, done natively here. Ring 0 is emulated an
 * instruction at a time on PVM hosts (about 1 us each) while one exit to the
 * VMM costs about 12 us, so anything longer than a dozen instructions is
 * cheaper in the VMM. The runtime's common entry asks first (PVRT_OP_FAST,
 * with its saved frame); what is not done here goes on to the runtime's C,
 * which keeps every other case. The semantics are the runtime's
 * (guests/pvrt/traps.c, hcall.c): Xen's bounce frames, HYPERVISOR_iret,
 * event delivery, and the hypercalls the runtime would only forward.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vmm/pv.h"
#include "xen-abi/abi-pv.h"
#include "xen-abi/hypercalls.h"

#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define VEC_PF 14

/* One trip through the fast path: what the runtime must do on its way out. */
struct fast {
	struct vmm_vcpu *vc;
	struct pvrt_vcpu *c;
	struct pvrt_frame *f;
	uint64_t new_cr3;	/* 0: unchanged */
	bool mode_changed;
	bool from_ring3;	/* the doorbell: the guest kernel must stay where it is */
};

static uint8_t *vinfo(struct fast *x)
{
	return gmem_ptr(&x->vc->vm->dom.mem, x->c->vcpu_info - PVRT_DMAP_VA);
}

static struct guest_paging paging(struct fast *x, uint64_t cr3)
{
	const struct kvm_sregs *s = &x->vc->run->s.regs.sregs;

	return (struct guest_paging){ .cr0 = s->cr0, .cr3 = cr3, .cr4 = s->cr4, .efer = s->efer };
}

/* The guest may not hand us addresses in the hypervisor's part of the space. */
static bool guest_range_ok(uint64_t va, size_t len)
{
	return va + len >= va &&
	       (va + len <= XEN_HYPERVISOR_VIRT_START || va >= XEN_HYPERVISOR_VIRT_END);
}

static bool kernel_write(struct fast *x, uint64_t va, const void *buf, size_t len)
{
	struct guest_paging pg = paging(x, x->c->cr3_kernel);

	return guest_range_ok(va, len) && guest_write(&x->vc->vm->dom.mem, &pg, va, buf, len) == 0;
}

static bool kernel_read(struct fast *x, uint64_t va, void *buf, size_t len)
{
	struct guest_paging pg = paging(x, x->c->cr3_kernel);

	return guest_range_ok(va, len) && guest_read(&x->vc->vm->dom.mem, &pg, va, buf, len) == 0;
}

/*
 * The guest's user %gs base as the CPU has it (see rt_set_mode): a
 * selector load changes it behind the kernel's back, so with the null
 * selector in %gs (64-bit programs) the kept one stands and costs no ioctl.
 */
static void save_user_gs_base(struct fast *x)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {
		.h = { .nmsrs = 1 }, .e = { .index = MSR_KERNEL_GS_BASE },
	};

	if (!(x->vc->run->s.regs.sregs.gs.selector & ~3))
		return;
	if (ioctl(x->vc->fd, KVM_GET_MSRS, &m) == 1)
		x->c->gs_base_user = m.e.data;
}

static void set_mode(struct fast *x, bool kernel)
{
	if (x->c->in_kernel == (uint32_t)kernel)
		return;
	if (kernel)
		save_user_gs_base(x);
	x->c->in_kernel = kernel;
	x->new_cr3 = kernel ? x->c->cr3_kernel : x->c->cr3_user;
	x->mode_changed = true;
}

/*
 * Xen's bounce frame (see rt_bounce): rcx, r11, [error], rip,
 * cs | saved_upcall_mask << 32, rflags, rsp, ss, on the kernel stack.
 * False (nothing changed) if the stack cannot take it: the runtime decides.
 */
static bool bounce(struct fast *x, uint64_t eip, bool mask, bool has_error, uint64_t error)
{
	struct pvrt_frame *f = x->f;
	uint8_t *vi = vinfo(x);
	uint64_t fr[8], sp, cs = f->cs;
	uint8_t saved_mask;
	unsigned n;

	if (!vi || !eip)
		return false;
	saved_mask = vi[1];
	if (x->c->in_kernel) {
		sp = f->rsp;
		cs &= ~3ull;	/* tells the guest it interrupted kernel mode */
	} else {
		sp = x->c->kernel_sp;
	}
	sp &= ~15ull;
	n = pvrt_bounce_words(fr, f, cs, saved_mask, has_error, error,
			      pvrt_bounce_iopl(pvrt_global(x->vc->vm), x->c));
	sp -= n * 8;
	if (!kernel_write(x, sp, fr, n * 8))
		return false;
	set_mode(x, true);
	if (mask)
		vi[1] = 1;
	pvrt_enter_callback(f, eip, sp);
	return true;
}

/* An event upcall if one is pending and the guest takes them (rt_deliver_events). */
static void deliver_events(struct fast *x)
{
	uint8_t *vi = vinfo(x);

	if (vi && __atomic_load_n(&vi[0], __ATOMIC_ACQUIRE) && !vi[1] && x->c->event_cb &&
	    bounce(x, x->c->event_cb, true, false, 0))
		x->c->events++;
}

static bool user_syscall(struct fast *x)
{
	bool mask;
	uint64_t cb = pvrt_user_syscall_cb(x->c, x->f->cs, &mask);

	/* No callback: the runtime raises #UD at the syscall instruction. */
	if (!cb || !bounce(x, cb, mask, false, 0))
		return false;
	x->f->rflags &= ~RFLAGS_DF;
	return true;
}

static bool do_iret(struct fast *x)
{
	struct pvrt_frame *f = x->f;
	struct xen_iret_context ctx;
	uint8_t *vi = vinfo(x);

	if (!vi || !kernel_read(x, f->rsp, &ctx, sizeof(ctx)))
		return false;
	/* From the doorbell only a return within guest kernel mode, on its segments. */
	if (x->from_ring3 && ((ctx.cs & 3) == 3 || (ctx.cs | 3) != f->cs || (ctx.ss | 3) != f->ss))
		return false;
	if ((ctx.cs & 3) == 3) {
		if (!x->c->cr3_user)
			return false;	/* the runtime says why the guest dies */
		set_mode(x, false);
	}
	pvrt_iret_regs(f, &ctx);
	pvrt_iret_iopl(pvrt_global(x->vc->vm), x->c, &ctx);
	vi[1] = !(ctx.rflags & RFLAGS_IF);
	f->rax = ctx.rax;
	return true;
}

/* Called as the runtime's rt_forward would reach the dispatcher. */
static void forward(struct fast *x)
{
	struct pvrt_frame *f = x->f;
	struct xk_vcpu *v = x->vc->xv;
	const struct kvm_sregs *s = &x->vc->run->s.regs.sregs;
	uint64_t a[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	uint32_t nr = (uint32_t)f->rax;

	v->compat = false;
	v->cpl = 0;
	v->paging = (struct guest_paging){ s->cr0, s->cr3, s->cr4, s->efer };
	x->c->hypercalls++;
	f->rax = (uint64_t)xk_hypercall(v, nr, a);
	pvrt_after_hypercall(x->vc->vm, nr);
}

static bool syscall_entry(struct fast *x)
{
	struct pvrt_frame *f = x->f;

	f->rip = f->rcx;
	f->rflags = f->r11;
	if (!x->c->in_kernel)
		return user_syscall(x);
	if (f->rax == XEN_HC_iret)
		return x->c->hypercalls++, do_iret(x);
	if (pvrt_runtime_first(f->rax, f->rdi))
		return false;
	forward(x);
	return true;
}

/* A fault in guest user mode: Xen bounces it to the kernel's handler. */
static bool user_page_fault(struct fast *x)
{
	struct pvrt_trap *t = &x->c->traps_tab[VEC_PF];
	uint8_t *vi = vinfo(x);

	if (x->c->in_kernel || !t->address || !vi)
		return false;
	/* arch.cr2 in the vcpu_info, as the runtime's guest_exception writes it */
	memcpy(vi + 16, &x->vc->run->s.regs.sregs.cr2, 8);
	x->c->traps++;
	return bounce(x, t->address, t->flags & XEN_TI_MASK_EVENTS, true, x->f->error);
}

static bool dispatch(struct fast *x)
{
	struct pvrt_frame *f = x->f;
	uint64_t rip = f->rip, rflags = f->rflags, rsp = f->rsp, rcx = f->rcx, r11 = f->r11;
	bool syscall = f->vector == PVRT_VEC_SYSCALL ||
		       (f->vector == VEC_PF && f->rip == PVRT_TRAMPOLINE_VA);
	bool done;

	if (syscall)
		done = syscall_entry(x);
	else if (f->vector == PVRT_VEC_EVENT)
		done = (x->c->traps++, true);
	else if (f->vector == VEC_PF)
		done = user_page_fault(x);
	else
		done = false;
	if (!done) {
		/* Leave the frame as it came for the runtime (syscall_entry moved rip). */
		f->rip = rip, f->rflags = rflags, f->rsp = rsp, f->rcx = rcx, f->r11 = r11;
		return false;
	}
	deliver_events(x);
	return true;
}

static bool fast_wanted(struct vmm *vm)
{
	static int wanted = -1;

	if (wanted < 0) {
		const char *e = getenv("XENKVM_PV_FAST");
		wanted = !(e && e[0] == '0') && !pvrt_global(vm)->trace_traps;
	}
	return wanted;
}

/* The runtime's frame for this trap: the stub's saves, the CPU's frame, the rest live. */
static struct pvrt_frame trap_frame(const struct kvm_regs *r, const struct pvrt_fast_frame *m)
{
	return (struct pvrt_frame){
		.r15 = r->r15, .r14 = r->r14, .r13 = r->r13, .r12 = r->r12, .rbp = r->rbp,
		.rbx = r->rbx, .r11 = r->r11, .r10 = r->r10, .r9 = r->r9, .r8 = r->r8,
		.rax = m->rax, .rcx = r->rcx, .rdx = m->rdx, .rsi = r->rsi, .rdi = m->rdi,
		.vector = m->vector, .error = m->error, .rip = m->rip, .cs = m->cs,
		.rflags = m->rflags, .rsp = m->rsp, .ss = m->ss,
	};
}

/* Back into the stub's saves and the CPU's frame; the stub's own rip and rsp stay. */
static void put_trap_frame(struct kvm_regs *r, struct pvrt_fast_frame *m,
			   const struct pvrt_frame *f)
{
	r->r15 = f->r15, r->r14 = f->r14, r->r13 = f->r13, r->r12 = f->r12, r->rbp = f->rbp;
	r->rbx = f->rbx, r->r11 = f->r11, r->r10 = f->r10, r->r9 = f->r9, r->r8 = f->r8;
	r->rcx = f->rcx, r->rsi = f->rsi;
	m->rax = f->rax, m->rdx = f->rdx, m->rdi = f->rdi;
	m->rip = f->rip, m->cs = f->cs, m->rflags = f->rflags, m->rsp = f->rsp, m->ss = f->ss;
}

void pvrt_fast_path(struct vmm_vcpu *vc, uint64_t frame_va)
{
	struct kvm_regs *r = &vc->run->s.regs.regs;
	struct pvrt_fast_frame *m = pvrt_fast_frame_at(vc->vm, frame_va);
	struct pvrt_frame f;
	struct fast x = { .vc = vc, .c = pvrt_state(vc->vm, vc->xv->id), .f = &f };
	struct { struct kvm_msrs h; struct kvm_msr_entry e[3]; } msr = { .h = { .nmsrs = 3 } };

	vc->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	r->rax = 0;
	if (!m || !(m->cs & 3) || !fast_wanted(vc->vm))
		return;
	f = trap_frame(r, m);
	if (!dispatch(&x))
		return;
	put_trap_frame(r, m, &f);
	/* The guest's active %gs base waits in KERNEL_GS_BASE while the runtime runs. */
	if (x.mode_changed) {
		msr.e[0] = (struct kvm_msr_entry){ .index = MSR_KERNEL_GS_BASE,
						   .data = x.c->in_kernel ? x.c->gs_base_kernel
									  : x.c->gs_base_user };
		msr.e[1] = (struct kvm_msr_entry){ .index = MSR_LSTAR,
						   .data = pvrt_global(vc->vm)->lstar[x.c->in_kernel] };
		msr.e[2] = (struct kvm_msr_entry){ .index = MSR_CSTAR,
						   .data = pvrt_global(vc->vm)->cstar[x.c->in_kernel] };
		ioctl(vc->fd, KVM_SET_MSRS, &msr);
	}
	r->rax = 1;
	r->rdx = x.new_cr3;
}

/* The frame the runtime would have built for a syscall reaching LSTAR. */
static struct pvrt_frame syscall_frame(const struct kvm_regs *r, const struct kvm_sregs *s)
{
	return (struct pvrt_frame){
		.r15 = r->r15, .r14 = r->r14, .r13 = r->r13, .r12 = r->r12, .rbp = r->rbp,
		.rbx = r->rbx, .r11 = r->r11, .r10 = r->r10, .r9 = r->r9, .r8 = r->r8,
		.rax = r->rax, .rcx = r->rcx, .rdx = r->rdx, .rsi = r->rsi, .rdi = r->rdi,
		.vector = PVRT_VEC_SYSCALL, .rip = r->rip, .cs = s->cs.selector,
		.rflags = r->rflags, .rsp = r->rsp, .ss = s->ss.selector,
	};
}

static void load_regs(struct kvm_regs *r, const struct pvrt_frame *f)
{
	r->r15 = f->r15, r->r14 = f->r14, r->r13 = f->r13, r->r12 = f->r12, r->rbp = f->rbp;
	r->rbx = f->rbx, r->r11 = f->r11, r->r10 = f->r10, r->r9 = f->r9, r->r8 = f->r8;
	r->rax = f->rax, r->rcx = f->rcx, r->rdx = f->rdx, r->rsi = f->rsi, r->rdi = f->rdi;
	r->rip = f->rip, r->rflags = f->rflags, r->rsp = f->rsp;
}

/*
 * The store at LSTAR's page reached us (PVRT_DOORBELL_GPA): a hypercall
 * from the guest kernel, or a syscall from guest user mode, with the vCPU
 * still in ring 3. Done here when the guest stays in kernel mode: changing
 * %cr3 or segments from here means KVM_SET_SREGS, which resets KVM's MMU
 * context (about 250 us measured on PVM), while the runtime's ring-0 entry
 * (PVRT_OP_FAST) switches page tables with one mov to %cr3. So a user
 * syscall, or an iret to user mode, goes on to the runtime's trampoline.
 */
void pvrt_fast_syscall(struct vmm_vcpu *vc)
{
	struct kvm_regs *r = &vc->run->s.regs.regs;
	struct kvm_sregs *s = &vc->run->s.regs.sregs;
	struct pvrt_frame f = syscall_frame(r, s);
	struct fast x = { .vc = vc, .c = pvrt_state(vc->vm, vc->xv->id), .f = &f,
			  .from_ring3 = true };

	vc->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	if (!fast_wanted(vc->vm) || !x.c->in_kernel || s->cs.selector != XEN_FLAT_KERNEL_CS ||
	    s->ss.selector != XEN_FLAT_KERNEL_SS || !syscall_entry(&x)) {
		r->rip = PVRT_TRAMPOLINE_VA;	/* faults into the runtime's syscall entry */
		return;
	}
	deliver_events(&x);	/* from kernel mode: stays in kernel mode */
	load_regs(r, &f);
}
