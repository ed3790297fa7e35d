/*
 * cpu-ops: what a program in a guest sees of the CPU.
 *   cpu-ops avx2 ROUNDS  AVX2 arithmetic checked against a scalar reference,
 *                        and YMM state kept across ROUNDS context switches;
 *                        without AVX2 (CPU or kernel), says so and uses the
 *                        scalar fallback
 *   cpu-ops aes N        N AES-NI rounds over a block (a compute-bound loop
 *                        for make bench); prints the time taken
 * Built static: the parts in cpu-ops-v3.c with -march=x86-64-v3.
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tests/guest/cpu-ops.h"

#define N 4096

static uint64_t dot_scalar(const uint32_t *a, const uint32_t *b, unsigned n)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += (uint64_t)(a[i] * b[i] + (a[i] ^ b[i]));
	return sum;
}

/* Why a feature is missing: CPUID as this process sees it, and XCR0. */
static void show_cpuid(void)
{
	unsigned a, b, c, d, b7 = 0, xlo = 0, xhi = 0;

	__cpuid(1, a, b, c, d);
	if (__get_cpuid_max(0, NULL) >= 7) {
		unsigned a7, c7, d7;

		__cpuid_count(7, 0, a7, b7, c7, d7);
	}
	if (c & bit_OSXSAVE)
		__asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
	printf("cpu-ops: cpuid 1.ecx %08x 7.ebx %08x xcr0 %08x%08x\n", c, b7, xhi, xlo);
}

static int avx2(unsigned rounds)
{
	static uint32_t a[N], b[N];
	uint64_t want, got;
	unsigned lost;

	for (unsigned i = 0; i < N; i++) {
		a[i] = i * 2654435761u + (unsigned)getpid();
		b[i] = ~i * 40503u;
	}
	want = dot_scalar(a, b, N);
	if (!__builtin_cpu_supports("avx2")) {
		printf("cpu-ops: avx2 not offered: scalar fallback, sum %llu\n",
		       (unsigned long long)want);
		show_cpuid();
		return 0;
	}
	got = dot_v3(a, b, N);
	printf("cpu-ops: avx2 sum %s\n", got == want ? "ok" : "WRONG");
	lost = ymm_rounds_lost((uint32_t)getpid(), rounds);
	printf("cpu-ops: ymm state lost in %u of %u context switches\n", lost, rounds);
	return got == want && !lost ? 0 : 1;
}

/* AES rounds with the CPU's own instruction; the block chains each round. */
__attribute__((target("aes,sse2")))
static int aes(unsigned long n)
{
	typedef long long v2di __attribute__((vector_size(16)));
	v2di x = { 0x0123456789abcdefll, (long long)getpid() }, k = { 0x55, 0xaa };
	struct timespec t0, t1;

	if (!__builtin_cpu_supports("aes")) {
		printf("cpu-ops: aes not offered\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < n; i++)
		x = __builtin_ia32_aesenc128(x, k);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("cpu-ops: aes %lu rounds in %.3f s (%llx)\n", n,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (unsigned long long)x[0]);
	return 0;
}

int main(int argc, char **argv)
{
	__builtin_cpu_init();
	if (argc == 3 && !strcmp(argv[1], "avx2"))
		return avx2((unsigned)strtoul(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "aes"))
		return aes(strtoul(argv[2], NULL, 0));
	fprintf(stderr, "usage: cpu-ops avx2 ROUNDS | cpu-ops aes N\n");
	return 2;
}
