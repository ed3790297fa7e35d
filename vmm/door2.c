/*
 * Door 2: KVM's in-kernel Xen support (KVM_CAP_XEN_HVM) with its hypercall
 * intercept. Every VMCALL/VMMCALL a guest executes comes out of KVM_RUN as
 * KVM_EXIT_XEN with the arguments already taken from the registers of the
 * guest's mode; its result goes back through the same exit. Guests that
 * call the instruction directly (Linux 6.12 PVH/HVM, without a hypercall
 * page) can only run through this door. The hypercall page, where a guest
 * asks for one, gets the same instruction in Xen's stub layout.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vmm/host-cpuid.h"
#include "vmm/vmm.h"

#define STUB_SIZE 32

static long xen_caps(struct vmm *vm)
{
	return ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XEN_HVM);
}

bool door2_available(struct vmm *vm)
{
	long caps = xen_caps(vm);

	return caps > 0 && (caps & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL);
}

/* AMD's VMMCALL or Intel's VMCALL, as the CPU under the guest has it. */
static bool host_is_amd(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
	(void)a;
	/* "AuthenticAMD" and Hygon's "HygonGenuine" (EBX "Auth" / "Hygo") */
	return b == 0x68747541u || b == 0x6f677948u;
}

int door2_enable(struct vmm *vm)
{
	/*
	 * KVM turns its Xen support on only once an MSR is named. Our MSR
	 * filter still sends the guest's writes of it to us (hcall-page.c), so
	 * the hypercall page stays ours; the instructions are KVM's to catch.
	 */
	struct kvm_xen_hvm_config cfg = { .flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL,
					  .msr = XEN_HYPERCALL_PAGE_MSR };

	if (ioctl(vm->vm_fd, KVM_XEN_HVM_CONFIG, &cfg) < 0) {
		perror("xenkvm-vmm: KVM_XEN_HVM_CONFIG");
		return -1;
	}
	vm->vmmcall = host_is_amd();
	return 0;
}

/*
 * KVM answers SCHEDOP_yield itself, and SCHEDOP_poll too (as a yield, with
 * no checks and no wait) unless it runs the event channels, which it does
 * not here. So the page's sched_op stub keeps door 1's port I/O, which
 * reaches us; a guest that executes VMCALL for it directly gets KVM's answer.
 */
void door2_write_hypercall_page(const struct vmm *vm, uint8_t *page)
{
	vmm_write_hypercall_page(page);
	/* mov $nr,%eax; vmcall (0f 01 c1) or vmmcall (0f 01 d9); ret */
	for (uint32_t nr = 0; nr < XEN_PAGE_SIZE / STUB_SIZE; nr++) {
		uint8_t *s = page + nr * STUB_SIZE;

		if (nr == XEN_HC_sched_op)
			continue;
		memset(s, 0xcc, STUB_SIZE);
		s[0] = 0xb8;
		memcpy(s + 1, &nr, 4);
		s[5] = 0x0f;
		s[6] = 0x01;
		s[7] = vm->vmmcall ? 0xd9 : 0xc1;
		s[8] = 0xc3;
	}
}

void door2_handle_exit(struct vmm_vcpu *vc)
{
	struct kvm_xen_exit *x = &vc->run->xen;
	uint64_t a[6];

	if (x->type != KVM_EXIT_XEN_HCALL) {
		fprintf(stderr, "xenkvm-vmm: vCPU %u: KVM_EXIT_XEN of unknown type %u\n",
			vc->xv->id, x->type);
		return;
	}
	/* KVM took them from rdi.. or ebx.. as the guest's mode has them. */
	memcpy(a, x->u.hcall.params, sizeof(a));
	x->u.hcall.result = (uint64_t)vmm_hypercall(vc, (uint32_t)x->u.hcall.input, a);
}

const char *vmm_door_name(enum vmm_door door)
{
	switch (door) {
	case VMM_DOOR_PAGE: return "1 (hypercall page, port I/O)";
	case VMM_DOOR_IN_KERNEL: return "2 (VMCALL/VMMCALL through KVM's Xen support)";
	case VMM_DOOR_PV_RUNTIME: return "3 (the PV runtime)";
	default: return "auto";
	}
}
