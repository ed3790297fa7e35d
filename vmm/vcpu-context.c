/* VCPUOP_initialise: a secondary vCPU's first registers, from Xen's context. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vmm/vmm.h"
#include "xen-abi/abi-sched.h"

#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define CR0_PG (1ull << 31)

/* Xen's 12-bit segment attributes: type, s, dpl, p, avl, l, db, g. */
static struct kvm_segment segment(uint32_t base, uint32_t limit, uint16_t ar, uint16_t sel)
{
	return (struct kvm_segment){
		.base = base, .limit = limit, .selector = sel,
		.type = ar & 0xf, .s = (ar >> 4) & 1, .dpl = (ar >> 5) & 3,
		.present = (ar >> 7) & 1, .avl = (ar >> 8) & 1, .l = (ar >> 9) & 1,
		.db = (ar >> 10) & 1, .g = (ar >> 11) & 1,
	};
}

static void from_32(const struct vcpu_hvm_x86_32 *c, struct kvm_regs *r, struct kvm_sregs *s)
{
	*r = (struct kvm_regs){ .rax = c->eax, .rcx = c->ecx, .rdx = c->edx, .rbx = c->ebx,
				.rsp = c->esp, .rbp = c->ebp, .rsi = c->esi, .rdi = c->edi,
				.rip = c->eip, .rflags = c->eflags | 2 };
	s->cs = segment(c->cs_base, c->cs_limit, c->cs_ar, 0x8);
	s->ds = segment(c->ds_base, c->ds_limit, c->ds_ar, 0x10);
	s->es = segment(c->es_base, c->es_limit, c->es_ar, 0x10);
	s->ss = segment(c->ss_base, c->ss_limit, c->ss_ar, 0x10);
	s->fs = s->gs = s->ds;
	if (c->tr_ar)
		s->tr = segment(c->tr_base, c->tr_limit, c->tr_ar, 0x18);
	s->cr0 = c->cr0;
	s->cr3 = c->cr3;
	s->cr4 = c->cr4;
	s->efer = c->efer;
}

static void from_64(const struct vcpu_hvm_x86_64 *c, struct kvm_regs *r, struct kvm_sregs *s)
{
	*r = (struct kvm_regs){ .rax = c->rax, .rcx = c->rcx, .rdx = c->rdx, .rbx = c->rbx,
				.rsp = c->rsp, .rbp = c->rbp, .rsi = c->rsi, .rdi = c->rdi,
				.rip = c->rip, .rflags = c->rflags | 2 };
	/* Long mode with flat segments, as Xen sets them for this mode. */
	s->cs = segment(0, 0xffffffff, 0xa9b, 0x8);
	s->ds = s->es = s->fs = s->gs = s->ss = segment(0, 0xffffffff, 0xc93, 0x10);
	s->cr0 = c->cr0;
	s->cr3 = c->cr3;
	s->cr4 = c->cr4;
	s->efer = c->efer;
}

int vmm_vcpu_initialise(struct xk_vcpu *v, const struct vcpu_hvm_context *ctx)
{
	struct vmm_vcpu *vc = v->plat;
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vc->fd, KVM_GET_SREGS, &s) < 0)
		return -XEN_EINVAL;
	if (ctx->mode == VCPU_HVM_MODE_64B)
		from_64(&ctx->cpu_regs.x86_64, &r, &s);
	else
		from_32(&ctx->cpu_regs.x86_32, &r, &s);
	/* Long mode is active exactly when paging is on with LME set. */
	if ((s.efer & EFER_LME) && (s.cr0 & CR0_PG))
		s.efer |= EFER_LMA;
	else
		s.efer &= ~EFER_LMA;
	if (ioctl(vc->fd, KVM_SET_SREGS, &s) < 0 || ioctl(vc->fd, KVM_SET_REGS, &r) < 0) {
		xk_log(v->dom, "vcpu %u: the context given to VCPUOP_initialise is invalid", v->id);
		return -XEN_EINVAL;
	}
	return 0;
}
