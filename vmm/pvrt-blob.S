/* The PV runtime image, built from guests/pvrt and embedded in the VMM. */
	.section .rodata
	.balign 4096
	.globl pvrt_blob, pvrt_blob_end
pvrt_blob:
	.incbin PVRT_BIN
pvrt_blob_end:
	.section .note.GNU-stack, "", @progbits
