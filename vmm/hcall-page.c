/*
 * Door 1: the hypercall page. The guest writes the page's address to the MSR
 * our CPUID leaf names; we fill it with stubs that trap by port I/O, and each
 * trap dispatches one hypercall with the arguments in the registers. (With
 * door 2 the same MSR gets VMCALL/VMMCALL stubs instead: door2.c.)
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vmm/pv.h"
#include "vmm/vmm.h"
#include "xen-abi/hypercalls.h"

#define STUB_SIZE 32

void vmm_write_hypercall_page(uint8_t *page)
{
	/* Same bytes work in 32- and 64-bit mode: mov $nr,%eax; out %eax,$port; ret */
	memset(page, 0xcc, XEN_PAGE_SIZE);
	for (unsigned nr = 0; nr < XEN_PAGE_SIZE / STUB_SIZE; nr++) {
		uint8_t *s = page + nr * STUB_SIZE;

		s[0] = 0xb8;
		memcpy(s + 1, &nr, 4);
		s[5] = 0xe7;
		s[6] = XENKVM_HCALL_PORT;
		s[7] = 0xc3;
	}
}

/*
 * A 64-bit PV guest's hypercall page, as Xen's builder fills the page that
 * XEN_ELFNOTE_HYPERCALL_PAGE names: each stub keeps %rcx and %r11 (which
 * syscall clobbers) around "mov $nr,%eax; syscall"; the iret stub leaves
 * %rcx, %r11 and %rax on the stack for HYPERVISOR_iret and does not return.
 */
void vmm_write_pv_hypercall_page(uint8_t *page)
{
	static const uint8_t call[] = { 0x51, 0x41, 0x53, 0xb8, 0, 0, 0, 0, 0x0f, 0x05,
					0x41, 0x5b, 0x59, 0xc3 };
	static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, XEN_HC_iret, 0, 0, 0,
					0x0f, 0x05 };

	memset(page, 0xcc, XEN_PAGE_SIZE);
	for (uint32_t nr = 0; nr < XEN_PAGE_SIZE / STUB_SIZE; nr++) {
		uint8_t *s = page + nr * STUB_SIZE;

		if (nr == XEN_HC_iret) {
			memcpy(s, iret, sizeof(iret));
			continue;
		}
		memcpy(s, call, sizeof(call));
		memcpy(s + 4, &nr, 4);
	}
}

int vmm_setup_msr_exits(struct vmm *vm)
{
	static uint8_t deny = 0;
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args = { KVM_MSR_EXIT_REASON_FILTER },
	};
	struct kvm_msr_filter filter = {
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
		.ranges = { {
			.flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
			.nmsrs = 1,
			.base = XEN_HYPERCALL_PAGE_MSR,
			.bitmap = &deny,
		} },
	};

	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0 ||
	    ioctl(vm->vm_fd, KVM_X86_SET_MSR_FILTER, &filter) < 0) {
		perror("xenkvm-vmm: MSR filter");
		return -1;
	}
	return 0;
}

static bool guest_in_64bit_mode(const struct kvm_sregs *s)
{
	return (s->efer & GP_EFER_LMA) && s->cs.l;
}

bool vmm_handle_wrmsr(struct vmm_vcpu *vc)
{
	struct kvm_run *run = vc->run;
	struct xk_domain *d = &vc->vm->dom;
	uint64_t gpa = run->msr.data & ~(uint64_t)(XEN_PAGE_SIZE - 1);
	unsigned idx = run->msr.data & (XEN_PAGE_SIZE - 1);
	uint8_t *page;

	if (run->msr.index != XEN_HYPERCALL_PAGE_MSR)
		return false;
	page = gmem_is_ram(&d->mem, gpa, XEN_PAGE_SIZE) ? gmem_ptr(&d->mem, gpa) : NULL;
	/* We offer one hypercall page (CPUID leaf +2 EAX): index 0 only. */
	if (!page || idx != 0) {
		run->msr.error = 1;
		return true;
	}
	if (vc->vm->door == VMM_DOOR_IN_KERNEL)
		door2_write_hypercall_page(vc->vm, page);
	else
		vmm_write_hypercall_page(page);
	/* Xen latches the shared_info layout from the guest's mode here. */
	xk_latch_shinfo_layout(d, !guest_in_64bit_mode(&run->s.regs.sregs));
	run->msr.error = 0;
	return true;
}

bool vmm_handle_rdmsr(struct vmm_vcpu *vc)
{
	/* The hypercall-page MSR is write-only on Xen: reads fault. */
	if (vc->run->msr.index != XEN_HYPERCALL_PAGE_MSR)
		return false;
	vc->run->msr.error = 1;
	return true;
}

static void capture_state(struct xk_vcpu *v, const struct kvm_sregs *s)
{
	v->compat = !guest_in_64bit_mode(s);
	v->cpl = s->ss.dpl;
	v->paging.cr0 = s->cr0;
	v->paging.cr3 = s->cr3;
	v->paging.cr4 = s->cr4;
	v->paging.efer = s->efer;
}

long vmm_hypercall(struct vmm_vcpu *vc, uint32_t nr, const uint64_t a[6])
{
	long rc;

	capture_state(vc->xv, &vc->run->s.regs.sregs);
	rc = xk_hypercall(vc->xv, nr, a);
	if (vc->vm->opt.pv)
		pvrt_after_hypercall(vc->vm, nr);
	return rc;
}

void vmm_handle_hcall_port(struct vmm_vcpu *vc)
{
	struct kvm_regs *r = &vc->run->s.regs.regs;
	uint64_t a[6];

	if (!guest_in_64bit_mode(&vc->run->s.regs.sregs)) {
		a[0] = r->rbx; a[1] = r->rcx; a[2] = r->rdx;
		a[3] = r->rsi; a[4] = r->rdi; a[5] = r->rbp;
	} else {
		a[0] = r->rdi; a[1] = r->rsi; a[2] = r->rdx;
		a[3] = r->r10; a[4] = r->r8; a[5] = r->r9;
	}
	r->rax = (uint64_t)vmm_hypercall(vc, (uint32_t)r->rax, a);
	vc->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}
