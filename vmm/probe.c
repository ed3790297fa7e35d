/* xenkvm-vmm --probe: what this host's KVM offers and what guests can run. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "vmm/vmm.h"

struct cap {
	long id;
	const char *name;
};

static const struct cap caps[] = {
	{ KVM_CAP_SYNC_REGS, "SYNC_REGS" },
	{ KVM_CAP_X86_USER_SPACE_MSR, "X86_USER_SPACE_MSR" },
	{ KVM_CAP_X86_MSR_FILTER, "X86_MSR_FILTER" },
	{ KVM_CAP_IRQCHIP, "IRQCHIP" },
	{ KVM_CAP_SPLIT_IRQCHIP, "SPLIT_IRQCHIP" },
	{ KVM_CAP_IRQFD, "IRQFD" },
	{ KVM_CAP_IOEVENTFD, "IOEVENTFD" },
	{ KVM_CAP_SIGNAL_MSI, "SIGNAL_MSI" },
	{ KVM_CAP_READONLY_MEM, "READONLY_MEM" },
	{ KVM_CAP_GET_TSC_KHZ, "GET_TSC_KHZ" },
	{ KVM_CAP_XEN_HVM, "XEN_HVM" },
};

int vmm_pvh_door(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	long xen;

	if (kvm < 0)
		return 0;
	xen = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_XEN_HVM);
	close(kvm);
	return xen > 0 && (xen & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL) ? 2 : 1;
}

int vmm_probe(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	long xen;
	bool door1;

	if (kvm < 0) {
		printf("kvm: /dev/kvm not available: no guest can run here\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		printf("cap %-20s %s\n", caps[i].name,
		       ioctl(kvm, KVM_CHECK_EXTENSION, caps[i].id) > 0 ? "yes" : "no");
	xen = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_XEN_HVM);
	door1 = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) > 0 &&
		ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR) > 0;
	printf("host: %s\n", kvm_host_is_pvm() ?
	       "PVM (kvm_pvm): guest ring 3 runs natively, guest ring 0 is emulated" :
	       "hardware virtualization (VMX/SVM) or another KVM flavour");
	printf("in-kernel Xen support: %s\n", xen > 0 ?
	       (xen & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL ? "yes, with hypercall intercept" :
		"yes, without hypercall intercept") : "no");
	printf("guest PVH/HVM via the hypercall page: %s\n", door1 ? "yes" :
	       "no (needs SYNC_REGS and X86_USER_SPACE_MSR)");
	printf("door a PVH guest uses here: %s\n",
	       xen > 0 && (xen & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL) ?
	       "2 (VMCALL/VMMCALL through KVM's Xen support; --door 1 for the hypercall page)" :
	       door1 ? "1 (the hypercall page)" : "none");
	printf("guest using VMCALL/VMMCALL directly (Linux without hypercall page, "
	       "Xen pv-shim 4.17.5+): %s\n",
	       xen > 0 && (xen & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL) ? "yes" :
	       "no: those instructions never reach userspace without KVM_CAP_XEN_HVM");
	printf("guest 64-bit PV: yes (the PV runtime in ring 0%s)\n", kvm_host_is_pvm() ?
	       ", emulated here" : "");
	close(kvm);
	return 0;
}
