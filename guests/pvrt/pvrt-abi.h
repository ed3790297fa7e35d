/*
 * The contract between the PV runtime (ring 0 inside a PV domain's VM) and
 * the VMM that loads it: where things live, and the per-vCPU state both read.
 *
 * Guest-physical: RAM at 0, the domain's Xen pages at PVRT_XPAGES_GPA, the
 * runtime region at PVRT_GPA, the M2P at PVRT_M2P_GPA. Virtual, in the L4
 * slots Xen reserves for itself and so copied into every guest L4: the M2P
 * (slot 256, read-only to the guest), the runtime (slot 261) and a direct map
 * of guest-physical memory (slot 262), both supervisor-only.
 */
#ifndef XENKVM_PVRT_ABI_H
#define XENKVM_PVRT_ABI_H

#include "xen-abi/abi-pv.h"

#define PVRT_MAX_RAM        0xc0000000ull	/* 3 GiB */
#define PVRT_XPAGES_GPA     0xf0000000ull
#define PVRT_GPA            0xf1000000ull
#define PVRT_SIZE           0x00600000ull
#define PVRT_M2P_GPA        (PVRT_GPA + PVRT_SIZE)
#define PVRT_M2P_SIZE       0x00800000ull	/* 1M frames: all of 4 GiB */
#define PVRT_MAX_FRAMES     0x100000ull

#define PVRT_VA             0xffff828000000000ull
#define PVRT_DMAP_VA        0xffff830000000000ull
/*
 * The M2P sits one slot above Xen's usual 0xffff800000000000: PVM hosts do
 * not let native ring-3 code reach L4 slot 256 (measured: every other slot
 * works), and Linux finds it wherever XENMEM_machphys_mapping says.
 */
#define PVRT_M2P_VA         0xffff808000000000ull
#define PVRT_L4_SLOT_TRAMP  256
#define PVRT_L4_SLOT_M2P    257
#define PVRT_L4_SLOT_SYSCALL 258
#define PVRT_L4_SLOT_RT     261
#define PVRT_L4_SLOT_DMAP   262
#define PVRT_NR_L4_SLOTS    5	/* the runtime's slots, in pvrt_global.rt_l4e order */

/*
 * Where LSTAR and CSTAR point: a user-executable page whose one instruction
 * stores to the next page, which is guest-physical space with no memory
 * behind it. The store exits to the VMM as MMIO straight from ring 3, with
 * no exception delivered through the (emulated) ring 0: the VMM does the
 * guest's hypercall there (vmm/pv-fast.c), or sends the vCPU on to
 * PVRT_TRAMPOLINE_VA and the runtime's entry.
 */
#define PVRT_SYSCALL_VA     0xffff810000000000ull

#define PVRT_DOORBELL_VA    (PVRT_SYSCALL_VA + 0x1000)
#define PVRT_DOORBELL_GPA   0xf0f00000ull


/* Offsets inside the runtime region. */
#define PVRT_IMAGE_OFF      0x000000	/* the runtime's own code and data */
#define PVRT_IMAGE_MAX      0x100000
#define PVRT_IDT_OFF        0x100000
#define PVRT_PT_OFF         0x102000	/* runtime page tables, 16 pages */
#define PVRT_SYSCALL_PAGE_OFF 0x118000	/* the page at PVRT_SYSCALL_VA */
#define PVRT_BITMAP_PT_OFF  0x120000	/* a byte a frame: the level it was validated as */
#define PVRT_VCPU_OFF       0x200000
#define PVRT_VCPU_SIZE      0x020000
#define PVRT_MAX_VCPUS      16
#define PVRT_VCPU_GDT       0x00000	/* 16 pages: guest's 14, then Xen's */
#define PVRT_VCPU_STATE     0x10000
#define PVRT_VCPU_TSS       0x12000	/* the state before it is over 4 KiB */
#define PVRT_VCPU_DB_STACK_TOP 0x13000	/* #DB's own stack (IST 1), above the TSS */
#define PVRT_VCPU_STACK_TOP 0x20000
/*
 * Each vCPU's copy of its guest's LDT (MMUEXT_SET_LDT), which the CPU
 * reads through LDTR: 8192 entries at most, as Xen allows.
 */
#define PVRT_LDT_OFF        0x400000
#define PVRT_LDT_SIZE       0x10000
#define PVRT_LDT_MAX_ENTS   8192
#define PVRT_LDT_FRAMES     (PVRT_LDT_SIZE / 4096)

/* Runtime-private selectors in Xen's reserved GDT area. */
#define PVRT_GDT_FRAMES 14	/* the guest may supply 14 pages: 7168 entries */
#define PVRT_CS0   0xe008
#define PVRT_DS0   0xe010
#define PVRT_TSS   0xe040
#define PVRT_LDT   0xe050	/* where Xen keeps its LDT descriptor too */

/* Vectors the runtime owns beyond the exceptions. */
#define PVRT_VEC_EVENT   0xf3
#define PVRT_VEC_SYSCALL 0xf4	/* the syscall trampoline's int $0xf4 */
#define PVRT_VEC_SYSENTER 0xf5	/* never an IDT vector: marks sysenter's frame */
/*
 * syscall does not leave ring 3 on every host (PVM keeps CPL 3 and jumps to
 * LSTAR), so LSTAR points at a user-executable trampoline page, in the M2P's
 * slot just past the M2P, whose "int $0xf4" enters ring 0 through the IDT
 * with %rcx/%r11 still holding the syscall's return state.
 */
#define PVRT_TRAMPOLINE_VA 0xffff800000000000ull

/* Port the runtime uses for its own requests to the VMM (not hypercalls). */
#define PVRT_PORT 0xe5
#define PVRT_OP_CPUID  1	/* rdi = frame VA: emulate cpuid on frame regs */
#define PVRT_OP_CRASH  2	/* rdi = reason string VA, rsi = frame VA */
#define PVRT_OP_LOG    3	/* rdi = string VA */
#define PVRT_OP_TRACE  4	/* rdi = frame VA, rsi = cr2: a trap bounced to the guest */
#define PVRT_OP_XCR0   6	/* load this vCPU's pvrt_vcpu.xcr0 (KVM_SET_XCRS) */
/*
 * A trap from the guest, before the runtime saved anything but rdi, rdx and
 * rax: rdi = VA of struct pvrt_fast_frame. The VMM does it if it can
 * (vmm/pv-fast.c), other registers through its own copy of them. Answers
 * rax = 1 (done; load %cr3 from rdx if not 0) or 0 (the runtime's C does it).
 */
#define PVRT_OP_FAST   5

/* Offsets used by the assembly entry code. */
#define PVRT_STATE_SELF      0
#define PVRT_STATE_STACK_TOP 8
#define PVRT_STATE_SCRATCH   16

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>
#include "xen-abi/abi-core.h"
#include "xen-abi/abi-sched.h"

#define RFLAGS_TF   (1ull << 8)
#define RFLAGS_IF   (1ull << 9)
#define RFLAGS_DF   (1ull << 10)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_NT   (1ull << 14)
#define RFLAGS_RF   (1ull << 16)
#define RFLAGS_VM   (1ull << 17)
#define RFLAGS_AC   (1ull << 18)

#define PFEC_USER   (1ull << 2)	/* page-fault error code: from user mode */

/* Saved guest registers, lowest address first (entry.S builds this). */
struct pvrt_frame {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct pvrt_frame) == 22 * 8, "frame");
_Static_assert(PVRT_BITMAP_PT_OFF + (PVRT_MAX_RAM >> 12) <= PVRT_VCPU_OFF,
	       "a level byte for every frame of the largest PV domain");
_Static_assert(PVRT_VCPU_OFF + PVRT_MAX_VCPUS * PVRT_VCPU_SIZE <= PVRT_LDT_OFF &&
	       PVRT_LDT_OFF + PVRT_MAX_VCPUS * PVRT_LDT_SIZE <= PVRT_SIZE,
	       "vCPU areas, then LDT copies, inside the runtime region");
_Static_assert(PVRT_LDT_SIZE == PVRT_LDT_MAX_ENTS * 8, "a whole LDT per vCPU");

/* What the entry stub hands the VMM for PVRT_OP_FAST (entry.S's pushes, then the CPU's). */
struct pvrt_fast_frame {
	uint64_t rdi, rdx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct pvrt_trap {
	uint64_t address;
	uint16_t cs;
	uint8_t flags;
	uint8_t pad[5];
};

struct pvrt_vcpu {
	uint64_t self;			/* VA of this struct (at %gs:0 in ring 0) */
	uint64_t stack_top;
	uint64_t scratch_rsp;		/* guest %rsp while entering from syscall */
	uint64_t fixup;			/* ring-0 fault resumes here when set */
	uint32_t id;
	uint32_t in_kernel;		/* guest kernel mode (else guest user mode) */
	uint64_t kernel_ss, kernel_sp;
	uint64_t gs_base_kernel, gs_base_user, fs_base;
	uint64_t cr3_kernel, cr3_user;	/* machine addresses of the L4s */
	uint64_t event_cb, failsafe_cb, syscall_cb, syscall32_cb, sysenter_cb, nmi_cb;
	uint32_t syscall_masks, failsafe_masks, sysenter_masks, syscall32_masks;
	uint32_t iopl, pad1;		/* virtual IOPL: set_iopl (the VMM copies it in) or iret */
	uint64_t vcpu_info;		/* direct-map VA of this vCPU's vcpu_info */
	uint64_t cr4_shadow;		/* what the guest reads back from %cr4 */
	uint64_t xcr0;			/* the guest's XCR0 (XSETBV), as loaded */
	uint64_t debugreg[8];		/* set_debugreg values (4, 5 unused) */
	uint64_t dr7_emul;		/* enable bits of DR7's I/O breakpoints (not in the CPU) */
	uint64_t gdt_frames[PVRT_GDT_FRAMES];
	uint32_t gdt_entries;
	uint32_t boot_gdt_entries;	/* secondary vCPUs: gdt_frames to load at first entry */
	/* MMUEXT_SET_LDT: the guest's linear base and entries, the frames copied */
	uint64_t ldt_base;
	uint32_t ldt_ents;
	uint32_t boot_ldt_ents;		/* secondary vCPUs: ldt_base's LDT to load at first entry */
	uint64_t ldt_frames[PVRT_LDT_FRAMES];
	/* PHYSDEVOP_set_iobitmap: a guest kernel address, ports it covers (VMM copies) */
	uint64_t iobmp;
	uint32_t iobmp_limit, pad3;
	/* First entry into the guest (vCPU 0 at boot, others after VCPUOP_up). */
	struct pvrt_frame start;
	uint64_t hypercalls, traps, events;	/* counters for diagnostics */
	struct pvrt_trap traps_tab[256];
};
/* A state that ran into the TSS zeroed its rsp0 (a secondary vCPU's first trap triple-faulted). */
_Static_assert(sizeof(struct pvrt_vcpu) <= PVRT_VCPU_TSS - PVRT_VCPU_STATE, "vCPU state overlaps TSS");

/* The runtime image starts with this: entry points the VMM wires up. */
#define PVRT_MAGIC 0x3154525650ull
struct pvrt_header {
	uint64_t magic;
	uint64_t start;
	uint64_t exc[22];
	uint64_t exc128;
	uint64_t event;
	uint64_t syscall_gate;
	uint64_t syscall_native, syscall32_native;
	uint64_t sysenter_native;
};

/* Global state the VMM fills before the first vCPU runs. */
struct pvrt_global {
	uint64_t ram_frames;		/* guest RAM frames: 0 .. ram_frames-1 */
	uint64_t xpages_first, xpages_count;	/* Xen pages the guest may map */
	uint64_t rt_l4e[PVRT_NR_L4_SLOTS];	/* for the slots in pvrt_l4_slot[] */
	uint32_t nr_vcpus;
	uint32_t vm_assist;
	uint32_t trace_traps;		/* report each bounced trap (PVRT_OP_TRACE) */
	uint64_t tsc_khz;
	uint32_t mmu_lock;		/* runtime: page-table work, one vCPU at a time */
	/* LSTAR and CSTAR while the guest is in user mode [0] or kernel mode [1] */
	uint64_t lstar[2], cstar[2];
	uint64_t xcr0_max;		/* XCR0 bits the policy allows; 0: no XSAVE */
};
#define PVRT_GLOBAL_OFF (PVRT_IDT_OFF + 0x1000)

/*
 * Xen's semantics that the runtime (ring 0) and the VMM's fast path
 * (vmm/pv-fast.c) both carry out, kept in one place.
 */

/*
 * VMASST_TYPE_architectural_iopl: the guest kernel's virtual CPL is 0 (not
 * 1), HYPERVISOR_iret sets the virtual IOPL from the flags it is given, and
 * bounce frames show it. The IOPL bits a bounce frame carries:
 */
static inline uint64_t pvrt_bounce_iopl(const struct pvrt_global *g, const struct pvrt_vcpu *c)
{
	return (g->vm_assist & (1u << VMASST_TYPE_architectural_iopl)) ? (uint64_t)c->iopl << 12 : 0;
}

/* HYPERVISOR_iret's part in it. */
static inline void pvrt_iret_iopl(const struct pvrt_global *g, struct pvrt_vcpu *c,
				  const struct xen_iret_context *ctx)
{
	if (g->vm_assist & (1u << VMASST_TYPE_architectural_iopl))
		c->iopl = (uint32_t)((ctx->rflags & RFLAGS_IOPL) >> 12);
}

/*
 * The words of Xen's bounce frame for f, lowest address first: rcx, r11,
 * [error], rip, cs | saved_upcall_mask << 32, rflags (IF = events were
 * unmasked; IOPL = iopl_bits), rsp, ss. Returns how many (7 or 8).
 */
static inline unsigned pvrt_bounce_words(uint64_t fr[8], const struct pvrt_frame *f,
					 uint64_t cs, uint8_t saved_mask, bool has_error,
					 uint64_t error, uint64_t iopl_bits)
{
	unsigned n = 0;

	fr[n++] = f->rcx;
	fr[n++] = f->r11;
	if (has_error)
		fr[n++] = error;
	fr[n++] = f->rip;
	fr[n++] = (cs & 0xffff) | ((uint64_t)saved_mask << 32);
	fr[n++] = (f->rflags & ~(RFLAGS_IF | RFLAGS_IOPL)) | (saved_mask ? 0 : RFLAGS_IF) | iopl_bits;
	fr[n++] = f->rsp;
	fr[n++] = f->ss;
	return n;
}

/*
 * The hypercalls the runtime does itself in ring 0 (besides iret); the VMM
 * does the rest. One list for both, so neither can take what the other does.
 */
static inline bool pvrt_runtime_hypercall(uint64_t nr)
{
	switch (nr) {
	case XEN_HC_stack_switch: case XEN_HC_set_segment_base: case XEN_HC_set_trap_table:
	case XEN_HC_set_callbacks: case XEN_HC_callback_op: case XEN_HC_fpu_taskswitch:
	case XEN_HC_vm_assist: case XEN_HC_multicall: case XEN_HC_mmu_update:
	case XEN_HC_mmuext_op: case XEN_HC_update_va_mapping: case XEN_HC_set_gdt:
	case XEN_HC_update_descriptor: case XEN_HC_set_debugreg: case XEN_HC_get_debugreg:
		return true;
	}
	return false;
}

/*
 * VCPUOP_initialise goes through the runtime too: Xen validates the
 * context's page-table bases as L4s then (XSA-296), which only the runtime
 * can do before the VMM takes the context.
 */
static inline bool pvrt_runtime_first(uint64_t nr, uint64_t a0)
{
	return pvrt_runtime_hypercall(nr) ||
	       (nr == XEN_HC_vcpu_op && (uint32_t)a0 == VCPUOP_initialise);
}

/*
 * Where LSTAR and CSTAR point, by the guest's mode (the VMM fills
 * pvrt_global's lstar[] and cstar[] with these). On PVM, where syscall keeps
 * CPL 3: a user syscall always changes page tables, which needs ring 0, so
 * in user mode they send it straight to the runtime's trampoline; in kernel
 * mode, to the doorbell. Where syscall really enters ring 0 (VMX, SVM): the
 * runtime's own entries, in both modes.
 */
static inline void pvrt_syscall_targets(const struct pvrt_header *h, bool pvm,
					uint64_t lstar[2], uint64_t cstar[2])
{
	lstar[0] = pvm ? PVRT_TRAMPOLINE_VA : h->syscall_native;
	lstar[1] = pvm ? PVRT_SYSCALL_VA : h->syscall_native;
	cstar[0] = pvm ? PVRT_TRAMPOLINE_VA : h->syscall32_native;
	cstar[1] = pvm ? PVRT_SYSCALL_VA : h->syscall32_native;
}

/* The callback a user-mode syscall from code segment cs goes to (0: none), and its mask flag. */
static inline uint64_t pvrt_user_syscall_cb(const struct pvrt_vcpu *c, uint64_t cs, bool *mask)
{
	bool compat = cs == XEN_FLAT_USER_CS32;

	*mask = compat ? c->syscall32_masks : c->syscall_masks;
	return compat ? c->syscall32_cb : c->syscall_cb;
}

/* Into the guest kernel's callback at eip, its bounce frame at sp. */
static inline void pvrt_enter_callback(struct pvrt_frame *f, uint64_t eip, uint64_t sp)
{
	f->rip = eip;
	f->cs = XEN_FLAT_KERNEL_CS;
	f->ss = XEN_FLAT_KERNEL_SS;
	f->rsp = sp;
	f->rflags &= ~(RFLAGS_AC | RFLAGS_VM | RFLAGS_RF | RFLAGS_NT | RFLAGS_TF);
	f->rflags |= RFLAGS_IF;
}

/* HYPERVISOR_iret's registers (the caller switches modes and event masks). */
static inline void pvrt_iret_regs(struct pvrt_frame *f, const struct xen_iret_context *ctx)
{
	f->rip = ctx->rip;
	f->cs = ctx->cs | 3;
	f->rflags = (ctx->rflags & ~(RFLAGS_IOPL | RFLAGS_VM)) | RFLAGS_IF;
	f->rsp = ctx->rsp;
	f->ss = ctx->ss | 3;
	if (!(ctx->flags & VGCF_in_syscall)) {
		f->r11 = ctx->r11;
		f->rcx = ctx->rcx;
	}
}

static const unsigned pvrt_l4_slot[PVRT_NR_L4_SLOTS] = {
	PVRT_L4_SLOT_TRAMP, PVRT_L4_SLOT_M2P, PVRT_L4_SLOT_RT, PVRT_L4_SLOT_DMAP,
	PVRT_L4_SLOT_SYSCALL,
};
#endif

#endif
