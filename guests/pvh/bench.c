/*
 * make bench: a null hypercall (xen_version 0 through the hypercall page)
 * against a bare port-I/O exit from the same guest, timed with the TSC.
 */
#include "guest.h"
#include "xen-abi/abi-version.h"

#define ROUNDS 5
#define ITERS_LOG2 11
#define ITERS (1 << ITERS_LOG2)

/*
 * Both loops are the same shape: one trapping instruction sequence and a
 * counted branch. The hypercall is called the way Linux does it, with a direct
 * call to its stub in the page and the arguments already in registers.
 */
static uint64_t time_port_exits(void)
{
	uint64_t t0 = rdtsc();
	ulong n = ITERS;

	__asm__ volatile("1: outb %%al, $0x80\n\tdec %0\n\tjnz 1b"
			 : "+c"(n) : "a"(0) : "memory");
	return rdtsc() - t0;
}

static uint64_t time_null_hypercalls(void)
{
	void *stub = hypercall_page + XEN_HC_xen_version * 32;
	uint64_t t0 = rdtsc();
	ulong n = ITERS, ret;

#ifdef __x86_64__
	__asm__ volatile("1: call *%[stub]\n\tdec %0\n\tjnz 1b"
			 : "+c"(n), "=&a"(ret)
			 : [stub] "r"(stub), "D"((ulong)XENVER_version), "S"(0ul)
			 : "memory", "rdx", "r8", "r9", "r10", "r11");
#else
	__asm__ volatile("1: call *%[stub]\n\tdec %0\n\tjnz 1b"
			 : "+c"(n), "=&a"(ret)
			 : [stub] "r"(stub), "b"((ulong)XENVER_version)
			 : "memory", "edx");
#endif
	(void)ret;
	return rdtsc() - t0;
}

/*
 * What the PV runtime's ring-0 code pays per instruction and per page-table
 * switch: on PVM hosts ring 0 is emulated, so these decide its design.
 * Eight register adds a round trip of the loop; CR3 rewritten with itself.
 */
static uint64_t time_ring0_adds(void)
{
	uint64_t t0 = rdtsc();
	ulong n = ITERS, x = 0;

	__asm__ volatile("1: add $1, %1\n\tadd $1, %1\n\tadd $1, %1\n\tadd $1, %1\n\t"
			 "add $1, %1\n\tadd $1, %1\n\tadd $1, %1\n\tadd $1, %1\n\t"
			 "dec %0\n\tjnz 1b" : "+c"(n), "+r"(x));
	return rdtsc() - t0;	/* ten instructions a round */
}

static uint64_t time_cr3_writes(void)
{
	uint64_t t0 = rdtsc();
	ulong n = ITERS, cr3;

	__asm__ volatile("mov %%cr3, %1\n1: mov %1, %%cr3\n\tdec %0\n\tjnz 1b"
			 : "+c"(n), "=&r"(cr3) : : "memory");
	return rdtsc() - t0;
}

/* Best of several rounds, interleaved, so both see the same machine state. */
void guest_bench(void)
{
	uint64_t best_port = ~0ull, best_hc = ~0ull;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t p = time_port_exits(), h = time_null_hypercalls();
		if (p < best_port)
			best_port = p;
		if (h < best_hc)
			best_hc = h;
	}
	gprintf("bench: port_io_exit_cycles %llu\n", (unsigned long long)(best_port >> ITERS_LOG2));
	gprintf("bench: null_hypercall_cycles %llu\n", (unsigned long long)(best_hc >> ITERS_LOG2));
	best_port = best_hc = ~0ull;
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t a = time_ring0_adds(), c = time_cr3_writes();
		if (a < best_port)
			best_port = a;
		if (c < best_hc)
			best_hc = c;
	}
	gprintf("bench: ring0_insn_cycles %lu\n", (ulong)(best_port >> ITERS_LOG2) / 10);
	gprintf("bench: cr3_write_cycles %llu\n", (unsigned long long)(best_hc >> ITERS_LOG2));
}
