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
	rep movsb
	movq $0, STATE_FIXUP(%rax)
	xorl %eax, %eax
	ret
1:	movq %gs:PVRT_STATE_SELF, %rax
	movq $0, STATE_FIXUP(%rax)
	movq $-1, %rax
	ret
	.section .note.GNU-stack, "", @progbits
