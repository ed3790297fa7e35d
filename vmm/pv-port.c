/* Requests from the PV runtime that need the VMM: CPUID, crashes, logging. */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>
#include "vmm/pv.h"
#include "xen-abi/abi-sched.h"

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

/* What Xen shows a PV guest: no features a ring-3 kernel cannot use. */
static void pv_cpuid_policy(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)sub;
	switch (leaf) {
	case 1:
		r[2] &= ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) |
			  (1u << 7) | (1u << 8) | (1u << 15) | (1u << 17) | (1u << 21) |
			  (1u << 24) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 29));
		r[3] &= ~((1u << 3) | (1u << 7) | (1u << 9) | (1u << 12) | (1u << 13) |
			  (1u << 14) | (1u << 18) | (1u << 21) | (1u << 22) | (1u << 29) |
			  (1u << 31));
		break;
	case 7:
		if (sub == 0) {
			r[0] = 0;
			r[1] &= (1u << 3) | (1u << 8) | (1u << 9) | (1u << 18) | (1u << 19) |
				(1u << 29);
		} else {
			r[1] = 0;
		}
		r[2] = r[3] = 0;
		break;
	case 5: case 6: case 0xa: case 0xb: case 0xd: case 0xf: case 0x10: case 0x12:
	case 0x14: case 0x1f:
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	case 0x80000001:
		r[2] &= (1u << 0) | (1u << 5) | (1u << 6) | (1u << 8);
		r[3] &= ~((1u << 26) | (1u << 27));
		break;
	}
}

static void emulate_cpuid(struct vmm_vcpu *vc, uint64_t frame_va)
{
	struct pvrt_frame *f = rt_ptr(vc->vm, frame_va, sizeof(*f));
	uint32_t leaf, sub, r[4] = { 0 };

	if (!f)
		return;
	leaf = (uint32_t)f->rax;
	sub = (uint32_t)f->rcx;
	if (!vmm_cpuid_lookup(vc, leaf, sub, r) && (leaf & 0xffff0000u) != 0x40000000u)
		__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
	pv_cpuid_policy(leaf, sub, r);
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
