/* Small helpers: memory, guest copies, talking to the VMM. */
#include "guests/pvrt/rt.h"

long rt_copy_bytes(void *dst, const void *src, size_t n);

/*
 * Ring 0 is emulated an instruction (or a string iteration) at a time on
 * PVM hosts, so copies move 8 bytes a step.
 */
void *memcpy(void *d, const void *s, size_t n)
{
	void *dp = d;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq; movq %[r], %%rcx; rep movsb"
			 : "+D"(dp), "+S"(s), "+c"(q) : [r] "r"(r) : "memory");
	return d;
}

void *memset(void *d, int c, size_t n)
{
	void *dp = d;
	size_t q = n / 8, r = n % 8;
	uint64_t v = 0x0101010101010101ull * (uint8_t)c;

	__asm__ volatile("rep stosq; movq %[r], %%rcx; rep stosb"
			 : "+D"(dp), "+c"(q) : "a"(v), [r] "r"(r) : "memory");
	return d;
}

/* The guest may not hand us pointers into the hypervisor's part of the space. */
static bool guest_range_ok(uint64_t gva, size_t len)
{
	uint64_t end = gva + len;

	if (end < gva)
		return false;
	return end <= XEN_HYPERVISOR_VIRT_START || gva >= XEN_HYPERVISOR_VIRT_END;
}

int rt_copy_from_guest(void *dst, uint64_t gva, size_t len)
{
	if (!guest_range_ok(gva, len) || rt_copy_bytes(dst, (const void *)gva, len))
		return -XEN_EFAULT;
	return 0;
}

int rt_copy_to_guest(uint64_t gva, const void *src, size_t len)
{
	if (!guest_range_ok(gva, len) || rt_copy_bytes((void *)gva, src, len))
		return -XEN_EFAULT;
	return 0;
}

long rt_forward(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		uint64_t a4, uint64_t a5)
{
	register uint64_t rdi __asm__("rdi") = a0;
	register uint64_t rsi __asm__("rsi") = a1;
	register uint64_t rdx __asm__("rdx") = a2;
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	uint64_t rax = nr;

	__asm__ volatile("outl %%eax, %[port]"
			 : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8),
			   "+r"(r9)
			 : [port] "i"(XENKVM_HCALL_PORT) : "memory");
	return (long)rax;
}

void rt_log(const char *msg)
{
	rt_vmm_op(PVRT_OP_LOG, (uint64_t)msg, 0);
}

void rt_crash(const char *why, struct pvrt_frame *f)
{
	for (;;)
		rt_vmm_op(PVRT_OP_CRASH, (uint64_t)why, (uint64_t)f);
}
