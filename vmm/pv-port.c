/* Requests from the PV runtime that need the VMM: CPUID, crashes, logging. */
#include <stdio.h>
#include <string.h>
#include "vmm/pv.h"
#include "xen-abi/abi-sched.h"
#include "xen-abi/xstate.h"

static void *rt_ptr(struct vmm *vm, uint64_t va, size_t len)
{
	if (va < PVRT_VA || va - PVRT_VA > PVRT_SIZE - len)
		return NULL;
	return vm->pvrt + (va - PVRT_VA);
}

struct pvrt_fast_frame *pvrt_fast_frame_at(struct vmm *vm, uint64_t va)
{
	return rt_ptr(vm, va, sizeof(struct pvrt_fast_frame));
}

/*
 * CPUID for the PV guest (the "ud2; xen; cpuid" prefix): the vCPU's policy
 * with its dynamic bits. As on Xen, the guest kernel sees OSXSAVE whenever
 * XSAVE is offered (Linux checks both before it enables XSAVE), its user
 * mode sees the guest's own CR4.OSXSAVE.
 */
static void emulate_cpuid(struct vmm_vcpu *vc, uint64_t frame_va)
{
	struct pvrt_frame *f = rt_ptr(vc->vm, frame_va, sizeof(*f));
	const struct pvrt_vcpu *c = pvrt_state(vc->vm, vc->xv->id);
	uint32_t leaf, sub, r[4] = { 0 };
	bool osxsave;

	if (!f)
		return;
	leaf = (uint32_t)f->rax;
	sub = (uint32_t)f->rcx;
	vmm_cpuid_lookup(vc, leaf, sub, r);
	osxsave = c->in_kernel || (c->cr4_shadow & X86_CR4_OSXSAVE);
	if (vc->vm->cpu_policy)
		cpu_policy_dynamic(vc->vm->cpu_policy, leaf, sub, r, c->xcr0, osxsave);
	f->rax = r[0];
	f->rbx = r[1];
	f->rcx = r[2];
	f->rdx = r[3];
}

static void runtime_crash(struct vmm_vcpu *vc, uint64_t why_va, uint64_t frame_va)
{
	const char *why = rt_ptr(vc->vm, why_va, 1);
	struct pvrt_frame *f = rt_ptr(vc->vm, frame_va, sizeof(*f));
	char msg[128] = "?";

	if (why)
		snprintf(msg, sizeof(msg), "%.*s", (int)(PVRT_SIZE - (why_va - PVRT_VA)), why);
	fprintf(stderr, "xenkvm-vmm: vcpu %u: PV guest crashed: %s\n", vc->xv->id, msg);
	if (f)
		fprintf(stderr, "xenkvm-vmm:   vector %llu error %#llx rip %#llx cs %#llx "
			"rsp %#llx rflags %#llx rax %#llx\n",
			(unsigned long long)f->vector, (unsigned long long)f->error,
			(unsigned long long)f->rip, (unsigned long long)f->cs,
			(unsigned long long)f->rsp, (unsigned long long)f->rflags,
			(unsigned long long)f->rax);
	xk_domain_shutdown(&vc->vm->dom, SHUTDOWN_crash);
}

void pvrt_handle_port(struct vmm_vcpu *vc)
{
	struct kvm_regs *r = &vc->run->s.regs.regs;

	switch (r->rax) {
	case PVRT_OP_FAST:
		pvrt_fast_path(vc, r->rdi);
		break;
	case PVRT_OP_CPUID:
		emulate_cpuid(vc, r->rdi);
		break;
	case PVRT_OP_CRASH:
		runtime_crash(vc, r->rdi, r->rsi);
		break;
	case PVRT_OP_XCR0:
		/* The runtime checked the value against the policy already. */
		r->rax = pvrt_set_xcr0(vc, pvrt_state(vc->vm, vc->xv->id)->xcr0) ? 1 : 0;
		vc->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		break;
	case PVRT_OP_TRACE: {
		struct pvrt_frame *f = rt_ptr(vc->vm, r->rdi, sizeof(*f));
		if (f)
			fprintf(stderr, "trace: vcpu %u trap %llu error %#llx rip %#llx cr2 %#llx "
				"rsp %#llx rax %#llx\n", vc->xv->id, (unsigned long long)f->vector,
				(unsigned long long)f->error, (unsigned long long)f->rip,
				(unsigned long long)r->rsi, (unsigned long long)f->rsp, (unsigned long long)f->rax);
		if (f && f->vector == PVRT_VEC_SYSCALL)
			vmm_trace_stack(vc, f->rsp);
		break;
	}
	case PVRT_OP_LOG: {
		const char *s = rt_ptr(vc->vm, r->rdi, 1);
		if (s)
			fprintf(stderr, "xenkvm-vmm: pvrt: %.120s\n", s);
		break;
	}
	}
}
