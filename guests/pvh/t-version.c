/* xen_version from inside the guest, and the Xen CPUID leaves. */
#include "guest.h"
#include "xen-abi/abi-version.h"

uint32_t guest_xen_cpuid_base(void);

/*
 * xen_version by the instruction itself, as Linux 6.12 PVH guests make
 * their hypercalls (no hypercall page): only door 2 catches it, so the
 * check runs when the test asks (cmdline "vmcall").
 */
static long direct_hypercall2(unsigned nr, ulong a1, ulong a2)
{
	uint32_t r[4];
	long rc;

	cpuid(0, 0, r);
	/* AMD and Hygon have VMMCALL, Intel VMCALL. */
	if (r[1] == 0x68747541u || r[1] == 0x6f677948u) {
#ifdef __x86_64__
		__asm__ volatile("vmmcall" : "=a"(rc) : "a"(nr), "D"(a1), "S"(a2) : "memory");
#else
		__asm__ volatile("vmmcall" : "=a"(rc) : "a"(nr), "b"(a1), "c"(a2) : "memory");
#endif
	} else {
#ifdef __x86_64__
		__asm__ volatile("vmcall" : "=a"(rc) : "a"(nr), "D"(a1), "S"(a2) : "memory");
#else
		__asm__ volatile("vmcall" : "=a"(rc) : "a"(nr), "b"(a1), "c"(a2) : "memory");
#endif
	}
	return rc;
}

GUEST_TEST(test_direct_hypercall)
{
	char buf[64];

	if (!guest_cmdline_has("vmcall"))
		return;
	check_rc("version.direct_vmcall", direct_hypercall2(XEN_HC_xen_version, XENVER_version, 0),
		 (4 << 16) | 17);
	memset(buf, 0, sizeof(buf));
	check_rc("version.direct_vmcall_extraversion",
		 direct_hypercall2(XEN_HC_xen_version, XENVER_extraversion, (ulong)buf), 0);
	check("version.direct_vmcall_text", !strcmp(buf, ".0-xenkvm"), "got '%s'", buf);
}

GUEST_TEST(test_version)
{
	char buf[1024];
	struct xen_feature_info fi = { 0, 0 };
	uint32_t r[4];
	ulong pp[2] = { 1, 0x5a5a5a5a };

	check_rc("version.version", hypercall2(XEN_HC_xen_version, XENVER_version, 0),
		 (4 << 16) | 17);
	memset(buf, 'x', sizeof(buf));
	check_rc("version.extraversion", hypercall2(XEN_HC_xen_version, XENVER_extraversion,
						    (ulong)buf), 0);
	check("version.extraversion_text", !strcmp(buf, ".0-xenkvm") && buf[16] == 'x',
	      "got '%s'", buf);
	check_rc("version.capabilities",
		 hypercall2(XEN_HC_xen_version, XENVER_capabilities, (ulong)buf), 0);
	check("version.capabilities_text",
	      strstr(buf, sizeof(long) == 8 ? "hvm-3.0-x86_64" : "hvm-3.0-x86_32") != NULL,
	      "got '%s'", buf);
	check_rc("version.get_features",
		 hypercall2(XEN_HC_xen_version, XENVER_get_features, (ulong)&fi), 0);
	check("version.feature_callback_vector", fi.submap & (1u << XENFEAT_hvm_callback_vector),
	      "submap %x", fi.submap);
	check_rc("version.pagesize", hypercall2(XEN_HC_xen_version, XENVER_pagesize, 0), 4096);
	check_rc("version.changeset", hypercall2(XEN_HC_xen_version, XENVER_changeset,
						 (ulong)buf), 0);
	check_rc("version.platform_parameters",
		 hypercall2(XEN_HC_xen_version, XENVER_platform_parameters, (ulong)pp), 0);
	check("version.platform_parameters_width", pp[0] == 0 && pp[1] == 0x5a5a5a5a,
	      "virt_start %lx next %lx", pp[0], pp[1]);
	check_rc("version.guest_handle",
		 hypercall2(XEN_HC_xen_version, XENVER_guest_handle, (ulong)buf), 0);
	check_rc("version.commandline_refused",
		 hypercall2(XEN_HC_xen_version, XENVER_commandline, (ulong)buf), -XEN_EPERM);
	check_rc("version.bad_pointer",
		 hypercall2(XEN_HC_xen_version, XENVER_extraversion, 0xfffff000ul), -XEN_EFAULT);
	check_rc("version.unknown_subop", hypercall2(XEN_HC_xen_version, 77, 0), -XEN_ENOSYS);

	cpuid(guest_xen_cpuid_base() + 1, 0, r);
	check("cpuid.version_leaf", r[0] == ((4u << 16) | 17), "eax %x", r[0]);
	cpuid(guest_xen_cpuid_base() + 4, 0, r);
	check("cpuid.hvm_leaf_vcpu_domid", (r[0] & 0x18) == 0x18 && r[1] == 0 && r[2] != 0,
	      "eax %x ebx %x ecx %x", r[0], r[1], r[2]);
}
