/*
 * Core Xen guest ABI for x86: hypercall numbers, error codes, and the
 * shared_info / vcpu_info / vcpu_time_info pages, in both the 64-bit layout
 * and the 32-bit ("compat") layout that 32-bit guests see.
 *
 * Our own definitions, written from the facts of Xen's public headers; only
 * fixed-width types so the same header builds the VMM and -m32/-m64 guests.
 */
#ifndef XENKVM_ABI_CORE_H
#define XENKVM_ABI_CORE_H

#include <stdint.h>
#include <stddef.h>

#define XEN_ABI_ASSERT_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), "sizeof(" #type ")")
#define XEN_ABI_ASSERT_OFF(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field)

#define XEN_PAGE_SHIFT 12
#define XEN_PAGE_SIZE  4096u

typedef uint16_t xen_domid_t;
#define XEN_DOMID_FIRST_RESERVED 0x7ff0u
#define XEN_DOMID_SELF  0x7ff0u
#define XEN_DOMID_INVALID 0x7ff4u

/* Hypercall numbers. */
enum {
	XEN_HC_set_trap_table = 0,
	XEN_HC_mmu_update = 1,
	XEN_HC_set_gdt = 2,
	XEN_HC_stack_switch = 3,
	XEN_HC_set_callbacks = 4,
	XEN_HC_fpu_taskswitch = 5,
	XEN_HC_sched_op_compat = 6,
	XEN_HC_platform_op = 7,
	XEN_HC_set_debugreg = 8,
	XEN_HC_get_debugreg = 9,
	XEN_HC_update_descriptor = 10,
	XEN_HC_memory_op = 12,
	XEN_HC_multicall = 13,
	XEN_HC_update_va_mapping = 14,
	XEN_HC_set_timer_op = 15,
	XEN_HC_event_channel_op_compat = 16,
	XEN_HC_xen_version = 17,
	XEN_HC_console_io = 18,
	XEN_HC_physdev_op_compat = 19,
	XEN_HC_grant_table_op = 20,
	XEN_HC_vm_assist = 21,
	XEN_HC_update_va_mapping_otherdomain = 22,
	XEN_HC_iret = 23,
	XEN_HC_vcpu_op = 24,
	XEN_HC_set_segment_base = 25,
	XEN_HC_mmuext_op = 26,
	XEN_HC_xsm_op = 27,
	XEN_HC_nmi_op = 28,
	XEN_HC_sched_op = 29,
	XEN_HC_callback_op = 30,
	XEN_HC_xenoprof_op = 31,
	XEN_HC_event_channel_op = 32,
	XEN_HC_physdev_op = 33,
	XEN_HC_hvm_op = 34,
	XEN_HC_sysctl = 35,
	XEN_HC_domctl = 36,
	XEN_HC_kexec_op = 37,
	XEN_HC_tmem_op = 38,
	XEN_HC_argo_op = 39,
	XEN_HC_xenpmu_op = 40,
	XEN_HC_dm_op = 41,
	XEN_HC_hypfs_op = 42,
	XEN_HC_COUNT = 64, /* size of our dispatch table */
};

/* Xen's error codes (x86 values; returned negated). */
enum {
	XEN_EPERM = 1, XEN_ENOENT = 2, XEN_ESRCH = 3, XEN_EINTR = 4,
	XEN_EIO = 5, XEN_ENXIO = 6, XEN_E2BIG = 7, XEN_EBADF = 9,
	XEN_EAGAIN = 11, XEN_ENOMEM = 12, XEN_EACCES = 13, XEN_EFAULT = 14,
	XEN_EBUSY = 16, XEN_EEXIST = 17, XEN_EXDEV = 18, XEN_ENODEV = 19,
	XEN_EINVAL = 22, XEN_ENOSPC = 28, XEN_EROFS = 30, XEN_EDOM = 33,
	XEN_ERANGE = 34, XEN_ENOSYS = 38, XEN_ENOTEMPTY = 39,
	XEN_ENODATA = 61, XEN_ETIME = 62, XEN_EOVERFLOW = 75,
	XEN_ERESTART = 85, XEN_EOPNOTSUPP = 95, XEN_ETIMEDOUT = 110,
};

#define XEN_LEGACY_MAX_VCPUS 32

/* Per-vCPU time record (pvclock). Same layout for 32- and 64-bit guests. */
struct xen_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t   tsc_shift;
	uint8_t  flags;
	uint8_t  pad1[2];
};
XEN_ABI_ASSERT_SIZE(struct xen_vcpu_time_info, 32);
XEN_ABI_ASSERT_OFF(struct xen_vcpu_time_info, tsc_to_system_mul, 24);
#define XEN_PVCLOCK_TSC_STABLE_BIT (1u << 0)

/* vcpu_info, 64-bit layout. */
struct xen_vcpu_info64 {
	uint8_t  evtchn_upcall_pending;
	uint8_t  evtchn_upcall_mask;
	uint8_t  pad0[6];
	uint64_t evtchn_pending_sel;
	uint64_t cr2;
	uint64_t arch_pad;
	struct xen_vcpu_time_info time;
};
XEN_ABI_ASSERT_SIZE(struct xen_vcpu_info64, 64);
XEN_ABI_ASSERT_OFF(struct xen_vcpu_info64, evtchn_pending_sel, 8);
XEN_ABI_ASSERT_OFF(struct xen_vcpu_info64, time, 32);

/* vcpu_info, 32-bit (compat) layout. */
struct xen_vcpu_info32 {
	uint8_t  evtchn_upcall_pending;
	uint8_t  evtchn_upcall_mask;
	uint8_t  pad0[2];
	uint32_t evtchn_pending_sel;
	uint32_t cr2;
	uint32_t arch_pad[5];
	struct xen_vcpu_time_info time;
};
XEN_ABI_ASSERT_SIZE(struct xen_vcpu_info32, 64);
XEN_ABI_ASSERT_OFF(struct xen_vcpu_info32, evtchn_pending_sel, 4);
XEN_ABI_ASSERT_OFF(struct xen_vcpu_info32, time, 32);

/* shared_info, 64-bit layout: 4096 event channels (64 words of 64 bits). */
struct xen_shared_info64 {
	struct xen_vcpu_info64 vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[64];
	uint64_t evtchn_mask[64];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	struct {
		uint64_t max_pfn;
		uint64_t pfn_to_mfn_frame_list_list;
		uint64_t nmi_reason;
		uint64_t p2m_cr3;
		uint64_t p2m_vaddr;
		uint64_t p2m_generation;
	} arch;
};
XEN_ABI_ASSERT_OFF(struct xen_shared_info64, evtchn_pending, 2048);
XEN_ABI_ASSERT_OFF(struct xen_shared_info64, evtchn_mask, 2560);
XEN_ABI_ASSERT_OFF(struct xen_shared_info64, wc_version, 3072);
XEN_ABI_ASSERT_OFF(struct xen_shared_info64, wc_sec_hi, 3084);
XEN_ABI_ASSERT_OFF(struct xen_shared_info64, arch, 3088);

/* shared_info, 32-bit layout: 1024 event channels (32 words of 32 bits). */
struct xen_shared_info32 {
	struct xen_vcpu_info32 vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint32_t evtchn_pending[32];
	uint32_t evtchn_mask[32];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	struct {
		uint32_t max_pfn;
		uint32_t pfn_to_mfn_frame_list_list;
		uint32_t nmi_reason;
		uint32_t p2m_cr3;
		uint32_t p2m_vaddr;
		uint32_t p2m_generation;
		uint32_t wc_sec_hi;
	} arch;
};
XEN_ABI_ASSERT_OFF(struct xen_shared_info32, evtchn_pending, 2048);
XEN_ABI_ASSERT_OFF(struct xen_shared_info32, evtchn_mask, 2176);
XEN_ABI_ASSERT_OFF(struct xen_shared_info32, wc_version, 2304);
XEN_ABI_ASSERT_OFF(struct xen_shared_info32, arch, 2316);
XEN_ABI_ASSERT_OFF(struct xen_shared_info32, arch.wc_sec_hi, 2340);

/* CPUID leaves presented at 0x40000000 (and the 0x40000100 alias). */
#define XEN_CPUID_BASE          0x40000000u
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eu /* "nVMM" */

/* The MSR our CPUID leaf +2 names for installing the hypercall page. */
#define XEN_HYPERCALL_PAGE_MSR  0x40000000u

/* The I/O port the hypercall-page stubs trap through (see vmm/hcall-page.c). */
#define XENKVM_HCALL_PORT       0xe4u

#endif
