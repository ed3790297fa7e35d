/* PVH entry for the 32-bit test guest: flat protected mode, paging off. */
	.code32
	.section .text.boot, "ax"
	.globl pvh_start
pvh_start:
	cli
	movl %ebx, guest_start_info_paddr
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $stack_top, %esp
	call guest_main
2:	cli
	hlt
	jmp 2b

/* Interrupt stubs: push a dummy error code where the CPU pushes none. */
	.text
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)
	.altmacro
	.macro stub v
	.balign 16
isr_\v:
	.if !HAS_ERR(\v)
	pushl $0
	.endif
	pushl $\v
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
	pushal
	movl 32(%esp), %eax		/* vector */
	pushl %eax
	call guest_irq
	addl $4, %esp
	/*
	 * Return without iret: PVM's ring-0 emulator rejects a 32-bit
	 * same-privilege iret. Rebuild the frame as eflags, eip, cs and use
	 * popf + ret $4 (same ring, so cs is unchanged and just dropped).
	 */
	movl 40(%esp), %eax		/* eip */
	movl 48(%esp), %ecx		/* eflags */
	movl %ecx, 40(%esp)
	movl %eax, 44(%esp)
	popal
	addl $8, %esp			/* vector and error code */
	popfl
	ret $4

	.macro entry v
	.long isr_\v
	.endm
	.macro entries from, to
	entry \from
	.if \to-\from
	entries %(\from+1), \to
	.endif
	.endm
	.section .rodata
	.globl isr_table
	.balign 4
isr_table:
	entries 0, 63
	entries 64, 127
	entries 128, 191
	entries 192, 255

#include "boot-common.inc"

	.section .note.GNU-stack, "", @progbits
