/*
 * The parts of cpu-ops built with -march=x86-64-v3 (AVX2, FMA, BMI2): only
 * called once the CPU and the kernel say AVX2 may be used.
 */
#include <stdint.h>
#include <sys/syscall.h>
#include "tests/guest/cpu-ops.h"

/* The compiler vectorises this with AVX2 at -O2 -march=x86-64-v3. */
uint64_t dot_v3(const uint32_t *a, const uint32_t *b, unsigned n)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += (uint64_t)(a[i] * b[i] + (a[i] ^ b[i]));
	return sum;
}

/*
 * Fill all sixteen YMM registers with a pattern of our own, let the kernel
 * switch to another process (sched_yield), and check that every bit came
 * back: the upper halves survive only if the kernel context-switches the
 * full XSAVE state. Returns the number of rounds that lost something.
 */
unsigned ymm_rounds_lost(uint32_t seed, unsigned rounds)
{
	unsigned lost = 0;

	for (unsigned i = 0; i < rounds; i++) {
		uint32_t pat[8] __attribute__((aligned(32)));
		uint32_t ok;
		long nr = SYS_sched_yield;

		for (unsigned j = 0; j < 8; j++)
			pat[j] = seed * 2654435761u + i * 40503u + j * 0x01000193u;
		__asm__ volatile(
			"vmovdqa (%[p]), %%ymm0\n\t"
			"vpaddd %%ymm0, %%ymm0, %%ymm1\n\t"
			"vpaddd %%ymm1, %%ymm0, %%ymm2\n\t"
			"vpaddd %%ymm2, %%ymm0, %%ymm3\n\t"
			"vpaddd %%ymm3, %%ymm0, %%ymm4\n\t"
			"vpaddd %%ymm4, %%ymm0, %%ymm5\n\t"
			"vpaddd %%ymm5, %%ymm0, %%ymm6\n\t"
			"vpaddd %%ymm6, %%ymm0, %%ymm7\n\t"
			"vpaddd %%ymm7, %%ymm0, %%ymm8\n\t"
			"vpaddd %%ymm8, %%ymm0, %%ymm9\n\t"
			"vpaddd %%ymm9, %%ymm0, %%ymm10\n\t"
			"vpaddd %%ymm10, %%ymm0, %%ymm11\n\t"
			"vpaddd %%ymm11, %%ymm0, %%ymm12\n\t"
			"vpaddd %%ymm12, %%ymm0, %%ymm13\n\t"
			"vpaddd %%ymm13, %%ymm0, %%ymm14\n\t"
			"vpaddd %%ymm14, %%ymm0, %%ymm15\n\t"
			"syscall\n\t"
			/* ymm15 must be 16 * ymm0 again, and each ymmN (N+1) * ymm0 */
			"vmovdqa (%[p]), %%ymm8\n\t"
			"vpslld $4, %%ymm8, %%ymm9\n\t"
			"vpcmpeqd %%ymm9, %%ymm15, %%ymm10\n\t"
			"vpaddd %%ymm0, %%ymm1, %%ymm11\n\t"
			"vpcmpeqd %%ymm11, %%ymm2, %%ymm12\n\t"
			"vpand %%ymm12, %%ymm10, %%ymm10\n\t"
			"vpaddd %%ymm5, %%ymm1, %%ymm11\n\t"
			"vpcmpeqd %%ymm11, %%ymm7, %%ymm12\n\t"
			"vpand %%ymm12, %%ymm10, %%ymm10\n\t"
			"vpcmpeqd %%ymm8, %%ymm0, %%ymm12\n\t"
			"vpand %%ymm12, %%ymm10, %%ymm10\n\t"
			"vpmovmskb %%ymm10, %[ok]\n\t"
			"vzeroupper\n\t"
			: [ok] "=r"(ok), "+a"(nr)
			: [p] "r"(pat)
			: "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
			  "xmm14", "xmm15");
		if (ok != 0xffffffffu)
			lost++;
	}
	return lost;
}
