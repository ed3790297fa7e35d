/*
 * Guest memory from ring 0. A fault while copying resumes at the fixup
 * label (pvrt_trap sees a ring-0 fault with state->fixup set).
 */
#include "guests/pvrt/pvrt-abi.h"

#define STATE_FIXUP 24

	.text
	.code64
/* long rt_copy_bytes(void *dst, const void *src, size_t n): 0 or -1 */
	.globl rt_copy_bytes
rt_copy_bytes:
	movq %gs:PVRT_STATE_SELF, %rax
	leaq 1f(%rip), %r8
	movq %r8, STATE_FIXUP(%rax)
	movq %rdx, %rcx
	shrq $3, %rcx
	rep movsq
	movq %rdx, %rcx
	andq $7, %rcx
	rep movsb
	movq $0, STATE_FIXUP(%rax)
	xorl %eax, %eax
	ret
1:	movq %gs:PVRT_STATE_SELF, %rax
	movq $0, STATE_FIXUP(%rax)
	movq $-1, %rax
	ret
/* int rt_load_gs(uint16_t sel): 0, or -1 when loading faulted */
	.globl rt_load_gs
rt_load_gs:
	movq %gs:PVRT_STATE_SELF, %rax
	leaq 2f(%rip), %r8
	movq %r8, STATE_FIXUP(%rax)
	movl %edi, %gs
	movq $0, STATE_FIXUP(%rax)
	xorl %eax, %eax
	ret
2:	movl $0, %eax
	movl %eax, %gs
	movl $-1, %eax
	ret
	.section .note.GNU-stack, "", @progbits
