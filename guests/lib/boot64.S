/* PVH entry for the 64-bit test guest: build 1 GiB of identity map, go long. */
	.code32
	.section .text.boot, "ax"
	.globl pvh_start
pvh_start:
	cli
	movl %ebx, guest_start_info_paddr
	lgdt gdt_desc
	/* pml4[0] -> pdpt, pdpt[0] -> pd, pd[i] = 2 MiB page i. */
	movl $pdpt, %eax
	orl $7, %eax			/* present, writable, user */
	movl %eax, pml4
	movl $pd, %eax
	orl $7, %eax
	movl %eax, pdpt
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x87, %eax			/* present, writable, user, 2 MiB */
	movl %eax, pd(,%ecx,8)
	incl %ecx
	cmpl $512, %ecx
	jb 1b
	movl $pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx		/* EFER */
	rdmsr
	orl $0x100, %eax		/* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax		/* PG, WP, PE */
	movl %eax, %cr0
	ljmp $0x18, $long_mode

	.code64
long_mode:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movq $stack_top, %rsp
	call guest_main
2:	cli
	hlt
	jmp 2b

	/*
	 * enter_ring3(fn, user_stack): run fn at CPL 3 (IOPL 3, interrupts off).
	 * fn ends with int $0x80; that handler calls resume_ring0, which returns
	 * from enter_ring3 on the saved ring-0 stack.
	 */
	.text
	.globl enter_ring3
enter_ring3:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, saved_ring0_rsp
	pushq $0x2b			/* user data selector, RPL 3 */
	pushq %rsi
	pushq $0x3002			/* IOPL 3 */
	pushq $0x33			/* 64-bit user code, RPL 3 */
	pushq %rdi
	iretq

	.globl resume_ring0
resume_ring0:
	movq saved_ring0_rsp, %rsp
	movw $0x10, %ax
	movw %ax, %ss
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.bss
	.balign 8
saved_ring0_rsp:
	.skip 8

	.text
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)
	.altmacro
	.macro stub v
	.balign 16
isr_\v:
	.if !HAS_ERR(\v)
	pushq $0
	.endif
	pushq $\v
	jmp isr_common
	.endm
	.macro stubs from, to
	stub \from
	.if \to-\from
	stubs %(\from+1), \to
	.endif
	.endm
	stubs 0, 63
	stubs 64, 127
	stubs 128, 191
	stubs 192, 255

isr_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	movq 72(%rsp), %rdi		/* vector */
	call guest_irq
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	addq $16, %rsp			/* vector and error code */
	iretq

	.macro entry v
	.quad isr_\v
	.endm
	.macro entries from, to
	entry \from
	.if \to-\from
	entries %(\from+1), \to
	.endif
	.endm
	.section .rodata
	.globl isr_table
	.balign 8
isr_table:
	entries 0, 63
	entries 64, 127
	entries 128, 191
	entries 192, 255

	.bss
	.balign 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096

#include "boot-common.inc"

	.section .note.GNU-stack, "", @progbits
