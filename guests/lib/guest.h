/*
 * Runtime for the freestanding PVH test guests (32- and 64-bit). Each test
 * file registers checks with GUEST_TEST(); main runs them all, prints one
 * "PASS name" or "FAIL name: detail" line per check and shuts down with the
 * number of failures as the SCHEDOP_shutdown_code.
 */
#ifndef XENKVM_GUEST_H
#define XENKVM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xen-abi/abi-core.h"

typedef unsigned long ulong;

/* Set up by boot code. */
extern uint32_t guest_start_info_paddr;	/* hvm_start_info (%ebx at entry) */
extern char guest_ram_scratch[];		/* 64 KiB page-aligned scratch area */

/* Hypercalls through the hypercall page (installed by hc_init). */
void hc_init(void);
extern uint8_t hypercall_page[4096];
long hypercall0(unsigned nr);
long hypercall1(unsigned nr, ulong a1);
long hypercall2(unsigned nr, ulong a1, ulong a2);
long hypercall3(unsigned nr, ulong a1, ulong a2, ulong a3);
long hypercall4(unsigned nr, ulong a1, ulong a2, ulong a3, ulong a4);
long hypercall5(unsigned nr, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5);

/* Output through console_io(CONSOLEIO_write). */
void gputs(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int gsnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Checks: prints PASS/FAIL; returns ok. */
bool check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* check() that the hypercall result equals 'want'. */
bool check_rc(const char *name, long got, long want);
extern unsigned guest_failures, guest_checks;

/* Registering test functions (run in link order). */
struct guest_test {
	const char *name;
	void (*fn)(void);
};
#define GUEST_TEST(fn_)                                                     \
	static void fn_(void);                                              \
	static const struct guest_test guest_test_##fn_                     \
		__attribute__((used, section(".guest_tests"), aligned(sizeof(void *)))) = \
		{ #fn_, fn_ };                                              \
	static void fn_(void)

/* Interrupts: an IDT with every vector pointing at a common handler. */
void idt_init(void);
typedef void (*irq_handler_t)(unsigned vector);
void irq_set_handler(unsigned vector, irq_handler_t h);
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
/* sti; hlt — wait for the next interrupt. */
static inline void irq_wait(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port));
}

/* Shared-info helpers: the page the guest mapped with add_to_physmap. */
extern void *guest_shared_info;

/* Freestanding libc bits. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strstr(const char *h, const char *n);

/* Shut down via SCHEDOP_shutdown (SHUTDOWN_poweroff=0, reboot=1, crash=3). */
__attribute__((noreturn)) void guest_shutdown(unsigned reason);



/* xenlib.c: helpers over the Xen ABI for the tests. */
long hvm_param(unsigned op, uint32_t index, uint64_t *value);
void *map_shared_info(void);
struct xen_vcpu_time_info *vcpu_time(void);
void vcpu_info_moved(void *vi);	/* after VCPUOP_register_vcpu_info */
uint64_t pvclock_ns(volatile struct xen_vcpu_time_info *t);
uint64_t guest_now_ns(void);
void events_init(void);
bool port_seen(uint32_t port);
bool wait_for_port(uint32_t port, unsigned spins);
void mask_port(uint32_t port, bool masked);
bool port_pending(uint32_t port);
void clear_port(uint32_t port);
uint32_t guest_xen_cpuid_base(void);
uint64_t guest_mem_end(void);
int16_t grant_copy(ulong src, uint16_t soff, ulong dst, uint16_t doff, uint16_t len,
		   uint16_t flags, uint16_t src_dom);
bool guest_cmdline_has(const char *word);	/* runtime.c */
const char *guest_cmdline(void);
#define SCRATCH_PAGE(i) ((void *)(guest_ram_scratch + (i) * 4096))
#define PFN(p) ((ulong)(p) >> 12)

/* idc.c: the two-guest channel and grant test (cmdline idc-grant / idc-map) */
void guest_idc(void);

/* evtchn-ops.c */
struct evtchn_status_info {
	uint32_t status, vcpu, remote_port, virq;
	uint16_t remote_dom;
};
enum { EVTCHNSTAT_closed = 0, EVTCHNSTAT_unbound = 1, EVTCHNSTAT_interdomain = 2,
       EVTCHNSTAT_pirq = 3, EVTCHNSTAT_virq = 4, EVTCHNSTAT_ipi = 5 };
long evtchn_alloc_unbound(uint16_t dom, uint16_t remote);
long evtchn_bind_interdomain(uint16_t remote_dom, uint32_t remote_port);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu);
long evtchn_bind_ipi(uint32_t vcpu);
long evtchn_send(uint32_t port);
long evtchn_close(uint32_t port);
long evtchn_unmask(uint32_t port);
long evtchn_bind_vcpu(uint32_t port, uint32_t vcpu);
long evtchn_status(uint32_t port, struct evtchn_status_info *st);
long evtchn_reset_self(void);

/* xenstore.c */
bool xs_ring_init(void);
/* One request at a time, relative paths under the domain's home. */
bool xs_read_str(const char *path, char *buf, uint32_t size);
bool xs_write_str(const char *path, const char *value);
__attribute__((noreturn)) void xs_serve_shutdown_requests(void);
#endif
