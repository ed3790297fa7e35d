/*
 * The 64-bit PV guest ABI: start_info, trap tables, the PV MMU hypercalls,
 * callbacks and the iret frame (Xen's public xen.h, arch-x86/xen-x86_64.h,
 * callback.h). Usable from freestanding guest code and from the VMM.
 */
#ifndef XENKVM_ABI_PV_H
#define XENKVM_ABI_PV_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/* Xen's reserved selectors: GDT page 14 onwards belongs to the hypervisor. */
#define XEN_FIRST_RESERVED_GDT_PAGE  14
#define XEN_FIRST_RESERVED_GDT_ENTRY (XEN_FIRST_RESERVED_GDT_PAGE * 4096 / 8)
#define XEN_FLAT_RING3_CS32 0xe023
#define XEN_FLAT_RING3_DS32 0xe02b
#define XEN_FLAT_RING3_CS64 0xe033
#define XEN_FLAT_RING3_SS64 0xe02b
#define XEN_FLAT_KERNEL_CS  XEN_FLAT_RING3_CS64
#define XEN_FLAT_KERNEL_SS  XEN_FLAT_RING3_SS64
#define XEN_FLAT_USER_CS32  XEN_FLAT_RING3_CS32

#define XEN_HYPERVISOR_VIRT_START 0xffff800000000000ull
#define XEN_HYPERVISOR_VIRT_END   0xffff880000000000ull
#define XEN_MACH2PHYS_VIRT_START  0xffff800000000000ull
#define XEN_MACH2PHYS_VIRT_END    0xffff804000000000ull

/* mmu_update: the low two bits of ptr say what to do. */
#define MMU_NORMAL_PT_UPDATE        0
#define MMU_MACHPHYS_UPDATE         1
#define MMU_PT_UPDATE_PRESERVE_AD   2
#define MMU_PT_UPDATE_NO_TRANSLATE  3

#define MMUEXT_PIN_L1_TABLE      0
#define MMUEXT_PIN_L2_TABLE      1
#define MMUEXT_PIN_L3_TABLE      2
#define MMUEXT_PIN_L4_TABLE      3
#define MMUEXT_UNPIN_TABLE       4
#define MMUEXT_NEW_BASEPTR       5
#define MMUEXT_TLB_FLUSH_LOCAL   6
#define MMUEXT_INVLPG_LOCAL      7
#define MMUEXT_TLB_FLUSH_MULTI   8
#define MMUEXT_INVLPG_MULTI      9
#define MMUEXT_TLB_FLUSH_ALL    10
#define MMUEXT_INVLPG_ALL       11
#define MMUEXT_FLUSH_CACHE      12
#define MMUEXT_SET_LDT          13
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE       16
#define MMUEXT_COPY_PAGE        17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER       19
#define MMUEXT_UNMARK_SUPER     20

#define UVMF_TLB_FLUSH      1
#define UVMF_INVLPG         2
#define UVMF_FLUSHTYPE_MASK 3
#define UVMF_ALL            4

#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

#define CALLBACKTYPE_event     0
#define CALLBACKTYPE_failsafe  1
#define CALLBACKTYPE_syscall   2
#define CALLBACKTYPE_sysenter_deprecated 3	/* 32-bit guests only */
#define CALLBACKTYPE_nmi       4
#define CALLBACKTYPE_sysenter  5
#define CALLBACKTYPE_syscall32 7
#define CALLBACKF_mask_events  1
#define CALLBACKOP_register    0
#define CALLBACKOP_unregister  1

#define VGCF_i387_valid                (1u << 0)
#define VGCF_in_kernel                 (1u << 2)
#define VGCF_failsafe_disables_events  (1u << 3)
#define VGCF_syscall_disables_events   (1u << 4)
#define VGCF_online                    (1u << 5)
#define VGCF_in_syscall                (1u << 8)

/* trap_info.flags: bits 0-1 the gate DPL, bit 2 masks events on entry. */
#define XEN_TI_DPL_MASK  3
#define XEN_TI_MASK_EVENTS 4

#define VMASST_CMD_enable  0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments        0
#define VMASST_TYPE_4gb_segments_notify 1
#define VMASST_TYPE_writable_pagetables 2
#define VMASST_TYPE_pae_extended_cr3    3
#define VMASST_TYPE_architectural_iopl  4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict          32

#define SIF_PRIVILEGED    (1u << 0)
#define SIF_INITDOMAIN    (1u << 1)
#define SIF_MULTIBOOT_MOD (1u << 2)
#define SIF_MOD_START_PFN (1u << 3)

#define XENMEM_machphys_mfn_list 5
#define XENMEM_machphys_mapping  12

/* "ud2; .ascii \"xen\"": the forced-emulation prefix, then cpuid (0f a2). */
#define XEN_EMULATE_PREFIX_LEN 5

#ifndef __ASSEMBLER__
struct xen_trap_info {
	uint8_t vector;
	uint8_t flags;
	uint16_t cs;
	uint32_t pad;
	uint64_t address;
};

struct xen_mmu_update {
	uint64_t ptr;
	uint64_t val;
};

struct xen_mmuext_op {
	uint32_t cmd;
	uint32_t pad;
	uint64_t arg1;		/* mfn or linear_addr */
	uint64_t arg2;		/* nr_ents, vcpumask pointer or src_mfn */
};

struct xen_multicall_entry {
	uint64_t op;
	uint64_t result;
	uint64_t args[6];
};

struct xen_callback_register {
	uint16_t type;
	uint16_t flags;
	uint32_t pad;
	uint64_t address;
};

struct xen_iret_context {
	uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

struct xen_machphys_mapping {
	uint64_t v_start, v_end, max_mfn;
};

struct xen_start_info {
	char magic[32];			/* "xen-3.0-x86_64" */
	uint64_t nr_pages;
	uint64_t shared_info;		/* machine address */
	uint32_t flags;
	uint32_t pad0;
	uint64_t store_mfn;
	uint32_t store_evtchn;
	uint32_t pad1;
	uint64_t console_mfn;
	uint32_t console_evtchn;
	uint32_t pad2;
	uint64_t pt_base;		/* virtual address of the L4 */
	uint64_t nr_pt_frames;
	uint64_t mfn_list;		/* virtual address of the p2m */
	uint64_t mod_start;
	uint64_t mod_len;
	char cmd_line[1024];
	uint64_t first_p2m_pfn;
	uint64_t nr_p2m_frames;
};

/* x86_64 guest registers as VCPUOP_initialise passes them. */
struct xen_cpu_user_regs64 {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint32_t error_code, entry_vector;
	uint64_t rip;
	uint16_t cs, pad0;
	uint8_t saved_upcall_mask, pad1[3];
	uint64_t rflags, rsp;
	uint16_t ss, pad2[3];
	uint16_t es, pad3[3];
	uint16_t ds, pad4[3];
	uint16_t fs, pad5[3];
	uint16_t gs, pad6[3];
};

/* A 64-bit PV vCPU's first state (VCPUOP_initialise). */
struct xen_vcpu_guest_context64 {
	uint8_t fpu_ctxt[512];
	uint64_t flags;			/* VGCF_* */
	struct xen_cpu_user_regs64 user_regs;
	struct xen_trap_info trap_ctxt[256];
	uint64_t ldt_base, ldt_ents;
	uint64_t gdt_frames[16], gdt_ents;
	uint64_t kernel_ss, kernel_sp;
	uint64_t ctrlreg[8];		/* [3]: kernel L4, [1]: user L4 (cr3 form) */
	uint64_t debugreg[8];
	uint64_t event_callback_eip;
	uint64_t failsafe_callback_eip;
	uint64_t syscall_callback_eip;
	uint64_t vm_assist;
	uint64_t fs_base, gs_base_kernel, gs_base_user;
};

_Static_assert(sizeof(struct xen_cpu_user_regs64) == 200, "cpu_user_regs");
_Static_assert(__builtin_offsetof(struct xen_cpu_user_regs64, rip) == 128, "rip");
_Static_assert(__builtin_offsetof(struct xen_cpu_user_regs64, rflags) == 144, "rflags");
_Static_assert(__builtin_offsetof(struct xen_cpu_user_regs64, ss) == 160, "ss");
_Static_assert(sizeof(struct xen_vcpu_guest_context64) == 5168, "vcpu_guest_context");
_Static_assert(__builtin_offsetof(struct xen_vcpu_guest_context64, user_regs) == 520, "regs");
_Static_assert(__builtin_offsetof(struct xen_vcpu_guest_context64, trap_ctxt) == 720, "traps");
_Static_assert(__builtin_offsetof(struct xen_vcpu_guest_context64, gdt_frames) == 4832, "gdt");
_Static_assert(__builtin_offsetof(struct xen_vcpu_guest_context64, kernel_ss) == 4968, "kss");
_Static_assert(__builtin_offsetof(struct xen_vcpu_guest_context64, ctrlreg) == 4984, "cr");
_Static_assert(__builtin_offsetof(struct xen_vcpu_guest_context64, event_callback_eip) == 5112,
	       "callbacks");
_Static_assert(__builtin_offsetof(struct xen_vcpu_guest_context64, fs_base) == 5144, "fs_base");
_Static_assert(sizeof(struct xen_trap_info) == 16, "trap_info");
_Static_assert(sizeof(struct xen_mmuext_op) == 24, "mmuext_op");
_Static_assert(sizeof(struct xen_multicall_entry) == 64, "multicall_entry");
_Static_assert(sizeof(struct xen_callback_register) == 16, "callback_register");
_Static_assert(sizeof(struct xen_iret_context) == 72, "iret_context");
_Static_assert(__builtin_offsetof(struct xen_start_info, store_mfn) == 56, "store_mfn");
_Static_assert(__builtin_offsetof(struct xen_start_info, console_mfn) == 72, "console");
_Static_assert(__builtin_offsetof(struct xen_start_info, pt_base) == 88, "pt_base");
_Static_assert(__builtin_offsetof(struct xen_start_info, cmd_line) == 128, "cmd_line");
_Static_assert(sizeof(struct xen_start_info) == 1168, "start_info");
#endif

#endif
