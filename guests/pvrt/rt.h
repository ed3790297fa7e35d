/* The PV runtime's internal interfaces (ring 0 inside a PV domain). */
#ifndef XENKVM_PVRT_RT_H
#define XENKVM_PVRT_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guests/pvrt/pvrt-abi.h"
#include "xen-abi/abi-core.h"

#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_DEBUGCTL       0x1d9
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083


#define PTE_P   1ull
#define PTE_RW  2ull
#define PTE_US  4ull
#define PTE_PS  0x80ull
#define PTE_ADDR 0x000ffffffffff000ull

/* Byte offsets in a 64-bit vcpu_info (evtchn_upcall_pending, _mask, arch.cr2). */
#define VCPU_INFO_PENDING 0
#define VCPU_INFO_MASK    1
#define VCPU_INFO_CR2     16

static inline volatile uint64_t *vcpu_info_cr2(struct pvrt_vcpu *c)
{
	return (volatile uint64_t *)((uint8_t *)c->vcpu_info + VCPU_INFO_CR2);
}

static inline struct pvrt_vcpu *this_vcpu(void)
{
	struct pvrt_vcpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

static inline struct pvrt_global *rt_global(void)
{
	return (struct pvrt_global *)(PVRT_VA + PVRT_GLOBAL_OFF);
}

static inline void *dmap(uint64_t maddr)
{
	return (void *)(PVRT_DMAP_VA + maddr);
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline uint16_t read_gs_selector(void)
{
	uint16_t sel;

	__asm__ volatile("mov %%gs, %0" : "=r"(sel));
	return sel;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Ask the VMM for something that is not a guest hypercall. */
static inline long rt_vmm_op(uint64_t op, uint64_t a0, uint64_t a1)
{
	register uint64_t rdi __asm__("rdi") = a0;
	register uint64_t rsi __asm__("rsi") = a1;
	uint64_t rax = op;

	__asm__ volatile("outl %%eax, %[port]"
			 : "+a"(rax), "+r"(rdi), "+r"(rsi)
			 : [port] "i"(PVRT_PORT) : "memory");
	return (long)rax;
}

/* Forward a hypercall to the VMM: same registers as the guest's syscall. */
long rt_forward(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		uint64_t a4, uint64_t a5);

void rt_crash(const char *why, struct pvrt_frame *f) __attribute__((noreturn));
void rt_log(const char *msg);

/* Guest memory from ring 0: 0, or -XEN_EFAULT when the access faulted. */
int rt_copy_from_guest(void *dst, uint64_t gva, size_t len);
int rt_copy_to_guest(uint64_t gva, const void *src, size_t len);
/* Load %gs with sel: 0, or -1 when the CPU refused it (copy.S). */
int rt_load_gs(uint16_t sel);

/* traps.c */
void rt_bounce(struct pvrt_vcpu *c, struct pvrt_frame *f, uint64_t eip, bool mask,
	       bool has_error, uint64_t error);
void rt_deliver_events(struct pvrt_vcpu *c, struct pvrt_frame *f);
void rt_set_mode(struct pvrt_vcpu *c, bool kernel);

/* pit.c: channel 2 and port 0x61; false for other ports */
bool rt_pit_read(unsigned port, uint8_t *v);
bool rt_pit_write(unsigned port, uint8_t v);

/* ptwr.c: a guest kernel write to one of its page tables, done for it */
bool rt_ptwr(struct pvrt_vcpu *c, struct pvrt_frame *f, uint64_t cr2);
/* mmu.c: the validated page-table entry behind va (RAM frame, level set) */
bool rt_va_to_table_entry(struct pvrt_vcpu *c, uint64_t va, uint64_t *maddr, uint64_t *entry);
long rt_write_table_entry(uint64_t maddr, uint64_t val);
/* mmu.c: the present L1 entry (of a RAM frame) mapping va in the guest kernel's tables */
bool rt_kernel_pte(struct pvrt_vcpu *c, uint64_t va, uint64_t *pte);
/* mmu.c: the machine address behind va in the guest kernel's page tables */
bool rt_kernel_va_to_maddr(struct pvrt_vcpu *c, uint64_t va, uint64_t *maddr);
/* The guest kernel's bytes at va, read through its page tables from either mode. */
int rt_kernel_read(struct pvrt_vcpu *c, uint64_t va, void *buf, size_t len);

/* emulate.c */
uint64_t *rt_frame_gpr(struct pvrt_frame *f, unsigned n);
bool rt_emulate_privileged(struct pvrt_vcpu *c, struct pvrt_frame *f);

/* A segment base the CPU takes (loading another faults in ring 0). */
static inline bool rt_canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}
/* debugreg.c */
long rt_set_debugreg(struct pvrt_vcpu *c, uint64_t reg, uint64_t value);
long rt_get_debugreg(struct pvrt_vcpu *c, uint64_t reg);
void rt_sync_dr6(struct pvrt_vcpu *c);
void rt_load_debugregs(struct pvrt_vcpu *c);

/* hypercalls */
long rt_hypercall(struct pvrt_vcpu *c, struct pvrt_frame *f, uint64_t nr,
		  const uint64_t a[6]);
long rt_mmu_update(struct pvrt_vcpu *c, uint64_t reqs, uint64_t count, uint64_t done,
		   uint64_t domid);
long rt_mmuext_op(struct pvrt_vcpu *c, uint64_t ops, uint64_t count, uint64_t done,
		  uint64_t domid);
long rt_update_va_mapping(struct pvrt_vcpu *c, uint64_t va, uint64_t val, uint64_t flags);
long rt_set_gdt(struct pvrt_vcpu *c, uint64_t frames, uint64_t entries);
long rt_load_gdt(struct pvrt_vcpu *c, const uint64_t *frames, uint64_t entries);
uint64_t *rt_vcpu_gdt(unsigned id);	/* vCPU id's GDT, as its CPU reads it */
struct pvrt_vcpu *rt_vcpu_state(unsigned id);	/* vCPU id's runtime state */
long rt_update_descriptor(uint64_t maddr, uint64_t desc);
int rt_check_descriptor(uint64_t *d);
/* ldt.c */
long rt_set_ldt(struct pvrt_vcpu *c, uint64_t base, uint64_t ents);
void rt_ldt_update(uint64_t mfn, unsigned slot, uint64_t desc);
uint64_t rt_ldt_descriptor(struct pvrt_vcpu *c, uint16_t sel);
void rt_install_l4_slots(uint64_t l4_maddr);
long rt_new_baseptr(struct pvrt_vcpu *c, uint64_t mfn);
void rt_validate_context_l4s(struct pvrt_vcpu *c, uint64_t ctx);

/*
 * The validation levels and the tables they describe are shared by every
 * vCPU: page-table work holds this lock (never across anything that waits
 * for another vCPU).
 */
static inline void rt_mmu_lock(void)
{
	while (__atomic_exchange_n(&rt_global()->mmu_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&rt_global()->mmu_lock, __ATOMIC_RELAXED))
			__asm__ volatile("pause");
}

static inline void rt_mmu_unlock(void)
{
	__atomic_store_n(&rt_global()->mmu_lock, 0, __ATOMIC_RELEASE);
}

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#endif
