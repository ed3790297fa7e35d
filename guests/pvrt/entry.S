/*
 * Ring-0 entry and exit of the PV runtime. Every way into ring 0 (exception,
 * event interrupt, syscall) builds a struct pvrt_frame on this vCPU's stack,
 * calls C, and leaves by one iretq back to the guest in ring 3. The guest's
 * %gs base lives in MSR_KERNEL_GS_BASE while we run (swapgs on the way in
 * and out); ours points at struct pvrt_vcpu.
 */
#include "guests/pvrt/pvrt-abi.h"

.macro SAVE_REGS
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro RESTORE_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
.endm

	.section .text.entry, "ax"
	.code64

/* At the runtime's first byte: what the VMM needs to build the IDT and MSRs. */
	.globl pvrt_header
pvrt_header:
	.quad 0x3154525650 /* "PVRT1" */
	.quad pvrt_start
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21
	.quad pvrt_exc_\v
	.endr
	.quad pvrt_exc_128
	.quad pvrt_exc_0xf3
	.quad pvrt_exc_0xf4
	.quad pvrt_syscall_native
	.quad pvrt_syscall32_native
	.quad pvrt_sysenter_native

/* First entry of a vCPU: the VMM sets %rsp to the stack top, %gs to ours. */
	.globl pvrt_start
pvrt_start:
	subq $(22 * 8), %rsp
	movq %rsp, %rdi
	call pvrt_boot
	jmp pvrt_exit

/* Exceptions from ring 3 (the guest) or ring 0 (a runtime access that faulted). */
.macro EXC vec, has_error
	.globl pvrt_exc_\vec
pvrt_exc_\vec:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vec
	jmp pvrt_common
.endm

EXC 0, 0
EXC 2, 0
EXC 3, 0
EXC 4, 0
EXC 5, 0
EXC 6, 0
EXC 7, 0
EXC 8, 1
EXC 9, 0
EXC 10, 1
EXC 11, 1
EXC 12, 1
EXC 13, 1
EXC 14, 1
EXC 15, 0
EXC 16, 0
EXC 17, 1
EXC 18, 0
EXC 19, 0
EXC 20, 0
EXC 21, 1
EXC 128, 0
EXC 0xf3, 0
EXC 0xf4, 0

/*
 * #DB comes on its own stack (IST 1): mov ss or pop ss just before syscall
 * holds a data breakpoint over to the first instruction of the syscall
 * entry, in ring 0 but still on the guest's stack and %gs (XSA-260). Any
 * #DB in ring 0 is a guest watchpoint hit by an access there: DR6 keeps it
 * for the guest (rt_sync_dr6) and we go on. One from the guest moves to
 * this vCPU's stack, empty while the guest runs, and goes the common way.
 */
	.globl pvrt_exc_1
pvrt_exc_1:
	testb $3, 8(%rsp)		/* CS */
	jnz 1f
	iretq
1:	swapgs
	movq %rax, %gs:PVRT_STATE_SCRATCH
	movq %rsp, %rax
	movq %gs:PVRT_STATE_STACK_TOP, %rsp
	pushq 32(%rax)			/* ss */
	pushq 24(%rax)			/* rsp */
	pushq 16(%rax)			/* rflags */
	pushq 8(%rax)			/* cs */
	pushq (%rax)			/* rip */
	movq %gs:PVRT_STATE_SCRATCH, %rax
	swapgs
	pushq $0
	pushq $1
	jmp pvrt_common

pvrt_common:
	testb $3, 24(%rsp)		/* saved CS: from the guest? */
	jz 1f
	swapgs
	/*
	 * A trap from the guest goes to the VMM first (PVRT_OP_FAST), with only
	 * the three registers this path uses saved: every ring-0 instruction is
	 * emulated, and natively the VMM does most traps for less.
	 */
	pushq %rax
	pushq %rdx
	pushq %rdi
	movq %rsp, %rdi
	movl $PVRT_OP_FAST, %eax
	outl %eax, $PVRT_PORT
	testl %eax, %eax
	jz 4f
	testq %rdx, %rdx
	jz 5f
	movq %rdx, %cr3
5:	popq %rdi
	popq %rdx
	popq %rax
	addq $16, %rsp
	swapgs
	iretq
4:	popq %rdi
	popq %rdx
	popq %rax
1:	SAVE_REGS
	movq %rsp, %rdi
	cld
	call pvrt_trap
	jmp pvrt_exit

/*
 * Where syscall really enters ring 0 (VMX, SVM; not PVM): CPL 0 at LSTAR or
 * CSTAR with the guest's %rsp and %gs, interrupts masked by SFMASK. Build the
 * frame the trampoline's int $0xf4 would have, with the selectors Xen's own
 * entry records (the 64-bit one for LSTAR, the compat one for CSTAR).
 */
.macro SYSCALL_ENTRY name, cs
	.globl \name
\name:
	swapgs
	movq %rsp, %gs:PVRT_STATE_SCRATCH
	movq %gs:PVRT_STATE_STACK_TOP, %rsp
	pushq $XEN_FLAT_KERNEL_SS
	pushq %gs:PVRT_STATE_SCRATCH
	pushq %r11
	pushq $\cs
	pushq %rcx
	pushq $0
	pushq $PVRT_VEC_SYSCALL
	SAVE_REGS
	movq %rsp, %rdi
	cld
	call pvrt_trap
	jmp pvrt_exit
.endm
SYSCALL_ENTRY pvrt_syscall_native, XEN_FLAT_KERNEL_CS
SYSCALL_ENTRY pvrt_syscall32_native, XEN_FLAT_USER_CS32

/*
 * sysenter from the guest (32-bit code on Intel CPUs; AMD's refuse it in
 * long mode): CPL 0 at SYSENTER_EIP on this vCPU's stack (SYSENTER_ESP)
 * with IF clear but TF and NT as the guest had them, and the guest's %gs.
 * The flags go on the frame first, then the live ones are cleared (a TF
 * single-steps only these instructions: pvrt_exc_1 lets ring 0 go on). As
 * in Xen's frame, what sysenter does not tell is rip 0, rsp 0 and cs 3.
 */
	.globl pvrt_sysenter_native
pvrt_sysenter_native:
	pushq $XEN_FLAT_KERNEL_SS
	pushq $0
	pushfq
	pushq $2
	popfq
	pushq $3
	pushq $0
	pushq $0
	pushq $PVRT_VEC_SYSENTER
	swapgs
	SAVE_REGS
	movq %rsp, %rdi
	cld
	call pvrt_trap
	jmp pvrt_exit

	.globl pvrt_exit
pvrt_exit:
	testb $3, 18 * 8(%rsp)		/* frame->cs */
	jz 2f
	RESTORE_REGS
	addq $16, %rsp
	swapgs
	iretq
2:	RESTORE_REGS
	addq $16, %rsp
	iretq
	.section .note.GNU-stack, "", @progbits
