/*
 * Privileged instructions a PV kernel executes in ring 3 and Xen emulates
 * for it (they #GP here): the segment-base MSRs, and reads of MSRs that
 * carry no host state. Anything else is the guest's #GP to handle.
 */
#include "guests/pvrt/rt.h"

static bool write_msr(struct pvrt_vcpu *c, uint32_t msr, uint64_t v)
{
	switch (msr) {
	case MSR_FS_BASE:
		c->fs_base = v;
		wrmsr(MSR_FS_BASE, v);
		return true;
	case MSR_GS_BASE:
		/* The active base: the kernel's in kernel mode. */
		if (c->in_kernel)
			c->gs_base_kernel = v;
		else
			c->gs_base_user = v;
		wrmsr(MSR_KERNEL_GS_BASE, v);
		return true;
	case MSR_KERNEL_GS_BASE:
		if (c->in_kernel)
			c->gs_base_user = v;
		else
			c->gs_base_kernel = v;
		return true;
	}
	return false;
}

static bool read_msr(struct pvrt_vcpu *c, uint32_t msr, uint64_t *v)
{
	switch (msr) {
	case MSR_FS_BASE:
		*v = c->fs_base;
		return true;
	case MSR_GS_BASE:
		*v = c->in_kernel ? c->gs_base_kernel : c->gs_base_user;
		return true;
	case MSR_KERNEL_GS_BASE:
		*v = c->in_kernel ? c->gs_base_user : c->gs_base_kernel;
		return true;
	}
	return false;
}

bool rt_emulate_privileged(struct pvrt_vcpu *c, struct pvrt_frame *f)
{
	uint8_t insn[2];
	uint64_t v;

	if (!c->in_kernel || f->error || rt_copy_from_guest(insn, f->rip, 2))
		return false;
	/* cli/sti from the guest kernel: Xen turns them into the event mask. */
	if (insn[0] == 0xfa || insn[0] == 0xfb) {
		((volatile uint8_t *)c->vcpu_info)[1] = insn[0] == 0xfa;
		f->rip += 1;
		return true;
	}
	if (insn[0] != 0x0f)
		return false;
	if (insn[1] == 0x30) {
		v = (f->rdx << 32) | (uint32_t)f->rax;
		if (!write_msr(c, (uint32_t)f->rcx, v))
			return false;
	} else if (insn[1] == 0x32) {
		if (!read_msr(c, (uint32_t)f->rcx, &v))
			return false;
		f->rax = (uint32_t)v;
		f->rdx = v >> 32;
	} else {
		return false;
	}
	f->rip += 2;
	return true;
}
