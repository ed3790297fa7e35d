/* A hypercall from guest user mode must not run: Xen refuses it with -EPERM. */
#include "guest.h"
#include "xen-abi/abi-version.h"

#ifdef __x86_64__
struct __attribute__((packed)) tss64 {
	uint32_t rsvd0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t rsvd1, ist[7], rsvd2;
	uint16_t rsvd3, iomap;
};

extern uint64_t gdt[];
void enter_ring3(void (*fn)(void), void *stack);
void resume_ring0(void);

static struct tss64 tss;
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));
volatile long ring3_result = 12345;
static volatile unsigned ring3_gp;

static void tss_init(void)
{
	uint64_t base = (ulong)&tss, limit = sizeof(tss) - 1;

	tss.rsp0 = (ulong)(ring0_stack + sizeof(ring0_stack));
	tss.iomap = sizeof(tss);	/* no I/O bitmap: IOPL alone decides */
	gdt[7] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 ((limit >> 16) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[8] = base >> 32;
	__asm__ volatile("ltr %w0" :: "r"(0x38));
}

/* Runs at CPL 3: call xen_version through the page, then trap back. */
__asm__(".text\n"
	"ring3_code:\n"
	"	xorl %edi, %edi\n"
	"	xorl %esi, %esi\n"
	"	call hypercall_page + 17 * 32\n"
	"	movq %rax, ring3_result(%rip)\n"
	"	int $0x80\n");
void ring3_code(void);

static void back_to_ring0(unsigned vector)
{
	(void)vector;
	resume_ring0();
}

/* PVM may refuse the port access itself (#GP): the call did not run either. */
static void user_gp(unsigned vector)
{
	(void)vector;
	ring3_gp++;
	resume_ring0();
}


/*
 * Which L4 slots can guest ring-3 code reach? Map the boot identity map's
 * PDPT into every slot, read from each at CPL 3, report the ranges that work.
 * Opt-in (cmdline "vaslots"): it measures the host, it is not an ABI check.
 */
volatile uint64_t probe_va;
volatile unsigned probe_faulted;
__asm__(".text\n"
	"probe_code:\n"
	"	movq probe_va(%rip), %rax\n"
	"	movb (%rax), %al\n"
	"	ud2\n");
void probe_code(void);

static void probe_pf(unsigned vector)
{
	(void)vector;
	probe_faulted = 1;
	resume_ring0();
}

static void probe_slots(void)
{
	uint64_t cr3, *l4;
	int s, start = -1, ok;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	l4 = (uint64_t *)(cr3 & ~0xfffull);
	irq_set_handler(14, probe_pf);
	irq_set_handler(6, back_to_ring0);
	for (s = 1; s <= 512; s++) {
		ok = 0;
		if (s < 512) {
			l4[s] = l4[0];
			__asm__ volatile("mov %0, %%cr3" :: "r"(cr3) : "memory");
			probe_va = (uint64_t)s << 39;
			if (s >= 256)
				probe_va |= 0xffff000000000000ull;
			probe_va += 0x100000;
			probe_faulted = 0;
			enter_ring3(probe_code, ring3_stack + sizeof(ring3_stack));
			ok = !probe_faulted;
			l4[s] = 0;
		}
		if (ok && start < 0)
			start = s;
		if (!ok && start >= 0) {
			gprintf("guest: vaslots: ring 3 reaches L4 slots %d..%d\n", start, s - 1);
			start = -1;
		}
	}
	__asm__ volatile("mov %0, %%cr3" :: "r"(cr3) : "memory");
	irq_set_handler(14, NULL);
	irq_set_handler(6, NULL);
}

GUEST_TEST(test_ring3)
{
	struct { uint16_t lo, sel; uint8_t ist, type; uint16_t mid; uint32_t hi, rsvd; } *gate;
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr;

	tss_init();
	__asm__ volatile("sidt %0" : "=m"(idtr));
	gate = (void *)(idtr.base + 0x80 * 16);
	gate->type = 0xee;	/* DPL 3: user mode may int $0x80 */
	irq_set_handler(0x80, back_to_ring0);
	irq_set_handler(13, user_gp);
	enter_ring3(ring3_code, ring3_stack + sizeof(ring3_stack));
	irq_set_handler(13, NULL);
	check("ring3.hypercall_refused", ring3_gp || ring3_result == -XEN_EPERM,
	      "returned %ld", ring3_result);
	if (!ring3_gp)
		check_rc("ring3.hypercall_eperm", ring3_result, -XEN_EPERM);
	else
		gprintf("guest: ring-3 port access faulted (#GP) before reaching the VMM\n");
	if (guest_cmdline_has("vaslots"))
		probe_slots();
}
#else
/*
 * 32-bit: the same test with a 32-bit TSS and our own ring switch (the boot
 * code has none for 32-bit). Ring 3 runs flat with the DPL-3 data segment.
 */
struct __attribute__((packed)) tss32 {
	uint16_t link, r0;
	uint32_t esp0;
	uint16_t ss0, r1;
	uint32_t unused[22];
	uint16_t trap, iomap;
};
_Static_assert(sizeof(struct tss32) == 104, "tss32");

extern uint64_t gdt[];
static struct tss32 tss;
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t ring3_stack[4096] __attribute__((aligned(16)));
volatile long ring3_result = 12345;
static volatile unsigned ring3_gp;
ulong ring3_saved_esp;

/* enter_ring3_32(fn, stack): iret to CPL 3 with IOPL 3; resume_ring0_32 comes back. */
__asm__(".text\n"
	"enter_ring3_32:\n"
	"	pushl %ebx\n"
	"	pushl %esi\n"
	"	pushl %edi\n"
	"	pushl %ebp\n"
	"	movl 20(%esp), %eax\n"		/* fn */
	"	movl 24(%esp), %ecx\n"		/* user stack */
	"	movl %esp, ring3_saved_esp\n"
	"	movw $0x2b, %dx\n"
	"	movw %dx, %ds\n"
	"	movw %dx, %es\n"
	"	pushl $0x2b\n"
	"	pushl %ecx\n"
	"	pushl $0x3002\n"
	"	pushl $0x23\n"
	"	pushl %eax\n"
	"	iret\n"
	"resume_ring0_32:\n"
	"	movw $0x10, %ax\n"
	"	movw %ax, %ds\n"
	"	movw %ax, %es\n"
	"	movw %ax, %ss\n"
	"	movl ring3_saved_esp, %esp\n"
	"	popl %ebp\n"
	"	popl %edi\n"
	"	popl %esi\n"
	"	popl %ebx\n"
	"	ret\n"
	"ring3_code:\n"
	"	xorl %ebx, %ebx\n"
	"	xorl %ecx, %ecx\n"
	"	call hypercall_page + 17 * 32\n"
	"	movl %eax, ring3_result\n"
	"	int $0x80\n");
void enter_ring3_32(void (*fn)(void), void *stack);
void resume_ring0_32(void) __attribute__((noreturn));
void ring3_code(void);

static void tss_init(void)
{
	uint64_t base = (ulong)&tss, limit = sizeof(tss) - 1;

	tss.esp0 = (ulong)(ring0_stack + sizeof(ring0_stack));
	tss.ss0 = 0x10;
	tss.iomap = sizeof(tss);	/* no I/O bitmap: IOPL alone decides */
	gdt[7] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		 ((limit >> 16) << 48) | (((base >> 24) & 0xff) << 56);
	__asm__ volatile("ltr %w0" :: "r"(0x38));
}

static void back_to_ring0(unsigned vector)
{
	(void)vector;
	resume_ring0_32();
}

static void user_gp(unsigned vector)
{
	(void)vector;
	ring3_gp++;
	resume_ring0_32();
}

GUEST_TEST(test_ring3)
{
	struct { uint16_t lo, sel; uint8_t zero, type; uint16_t hi; } *gate;
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;

	/*
	 * Opt-in: on PVM hosts this iret to CPL 3 (32-bit, paging off) ends the
	 * VM with a KVM internal error, so only "ring3" on the command line runs it.
	 */
	if (!guest_cmdline_has("ring3")) {
		gprintf("guest: 32-bit ring-3 hypercall check skipped (needs cmdline ring3)\n");
		return;
	}
	tss_init();
	__asm__ volatile("sidt %0" : "=m"(idtr));
	gate = (void *)(ulong)(idtr.base + 0x80 * 8);
	gate->type = 0xee;	/* DPL 3: user mode may int $0x80 */
	irq_set_handler(0x80, back_to_ring0);
	irq_set_handler(13, user_gp);
	enter_ring3_32(ring3_code, ring3_stack + sizeof(ring3_stack));
	irq_set_handler(13, NULL);
	check("ring3.hypercall_refused", ring3_gp || ring3_result == -XEN_EPERM,
	      "returned %ld", ring3_result);
	if (!ring3_gp)
		check_rc("ring3.hypercall_eperm", ring3_result, -XEN_EPERM);
	else
		gprintf("guest: ring-3 port access faulted (#GP) before reaching the VMM\n");
}
#endif
