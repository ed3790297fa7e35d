/* Test-guest runtime: hypercall page, console output, interrupts, main. */
#include "guest.h"
#include "xen-abi/abi-sched.h"
#include "xen-abi/abi-console.h"
#include "xen-abi/abi-hvm.h"

unsigned guest_failures, guest_checks;
static uint32_t xen_cpuid_base;

extern const struct guest_test __start_guest_tests[], __stop_guest_tests[];
extern const ulong isr_table[256];
static irq_handler_t handlers[256];

void hc_init(void)
{
	uint32_t r[4];

	for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
		cpuid(base, 0, r);
		if (r[1] == XEN_CPUID_SIGNATURE_EBX && r[2] == XEN_CPUID_SIGNATURE_ECX &&
		    r[3] == XEN_CPUID_SIGNATURE_EDX && r[0] >= base + 2) {
			xen_cpuid_base = base;
			break;
		}
	}
	if (!xen_cpuid_base)
		guest_shutdown(SHUTDOWN_crash);	/* no Xen: nothing else can work */
	cpuid(xen_cpuid_base + 2, 0, r);
	wrmsr(r[1], (ulong)hypercall_page);
}

uint32_t guest_xen_cpuid_base(void)
{
	return xen_cpuid_base;
}

/* Calls go through the page; the stubs clobber only the result register. */
long hypercall5(unsigned nr, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
{
	void *fn = hypercall_page + nr * 32;
	long ret;
#ifdef __x86_64__
	register ulong r10 __asm__("r10") = a4;
	register ulong r8 __asm__("r8") = a5;

	__asm__ volatile("call *%[fn]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [fn] "m"(fn)
			 : "memory", "rcx", "r9", "r11");
#else
	__asm__ volatile("call *%[fn]"
			 : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
			 : [fn] "m"(fn)
			 : "memory");
#endif
	return ret;
}

long hypercall0(unsigned nr) { return hypercall5(nr, 0, 0, 0, 0, 0); }
long hypercall1(unsigned nr, ulong a1) { return hypercall5(nr, a1, 0, 0, 0, 0); }
long hypercall2(unsigned nr, ulong a1, ulong a2) { return hypercall5(nr, a1, a2, 0, 0, 0); }
long hypercall3(unsigned nr, ulong a1, ulong a2, ulong a3)
{
	return hypercall5(nr, a1, a2, a3, 0, 0);
}
long hypercall4(unsigned nr, ulong a1, ulong a2, ulong a3, ulong a4)
{
	return hypercall5(nr, a1, a2, a3, a4, 0);
}

/*
 * Output goes to the domain's console ring, as a DomU's console does on
 * Xen (console_io's write reaches only the hypervisor's log there). One
 * writer at a time across vCPUs; one that cannot get the ring (a fault
 * while another line was half written) says it through console_io, as
 * does everything once the port is gone (t-evtchn's EVTCHNOP_reset). The
 * console's own events (the backend took our output) are masked once
 * shared_info is there, so they do not end a SCHEDOP_block early.
 */
static volatile struct xencons_interface *cons_ring;
static uint32_t cons_port;
static int cons_state;	/* 0: not looked up, 1: ring, -1: none */
static int cons_lock;
static bool cons_masked;

static bool console_ring(void)
{
	uint64_t pfn = 0, port = 0;

	if (cons_state)
		return cons_state > 0;
	if (hvm_param(HVMOP_get_param, HVM_PARAM_CONSOLE_PFN, &pfn) || !pfn ||
	    hvm_param(HVMOP_get_param, HVM_PARAM_CONSOLE_EVTCHN, &port) || !port) {
		cons_state = -1;
		return false;
	}
	cons_ring = (volatile struct xencons_interface *)(ulong)(pfn << 12);
	cons_port = (uint32_t)port;
	cons_state = 1;
	return true;
}

static bool ring_lock(void)
{
	for (unsigned long spins = 0; spins < 100000000ul; spins++)
		if (!__atomic_exchange_n(&cons_lock, 1, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

/* False when the port no longer reaches the backend: s is not all written. */
static bool ring_write(const char *s, size_t len)
{
	while (len) {
		uint32_t prod = cons_ring->out_prod;
		uint32_t space = XENCONS_OUT_SIZE - (prod - cons_ring->out_cons);
		size_t n = len < space ? len : space;

		if (!n) {
			if (evtchn_send(cons_port))
				return false;
			hypercall2(XEN_HC_sched_op, SCHEDOP_yield, 0);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			cons_ring->out[(prod + i) % XENCONS_OUT_SIZE] = s[i];
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		cons_ring->out_prod = prod + (uint32_t)n;
		s += n;
		len -= n;
	}
	return evtchn_send(cons_port) == 0;
}

void gputs(const char *s)
{
	bool ok;

	if (!console_ring() || !ring_lock()) {
		hypercall3(XEN_HC_console_io, CONSOLEIO_write, strlen(s), (ulong)s);
		return;
	}
	if (!cons_masked && guest_shared_info) {
		mask_port(cons_port, true);
		cons_masked = true;
	}
	ok = ring_write(s, strlen(s));
	if (!ok)
		cons_state = -1;
	__atomic_store_n(&cons_lock, 0, __ATOMIC_RELEASE);
	if (!ok)
		hypercall3(XEN_HC_console_io, CONSOLEIO_write, strlen(s), (ulong)s);
}

void guest_shutdown(unsigned reason)
{
	for (;;) {
		hypercall2(XEN_HC_sched_op, SCHEDOP_shutdown, (ulong)&reason);
		__asm__ volatile("cli; hlt");
	}
}

/* --- interrupts ----------------------------------------------------------- */

#ifdef __x86_64__
struct gate { uint16_t off0, sel; uint8_t ist, type; uint16_t off1; uint32_t off2, rsvd; };
#define CODE_SEL 0x18
#else
struct gate { uint16_t off0, sel; uint8_t zero, type; uint16_t off1; };
#define CODE_SEL 0x08
#endif

static struct gate idt[256] __attribute__((aligned(16)));

void idt_init(void)
{
	struct __attribute__((packed)) { uint16_t limit; ulong base; } desc;

	for (int v = 0; v < 256; v++) {
		ulong a = isr_table[v];
		struct gate *g = &idt[v];

		memset(g, 0, sizeof(*g));
		g->off0 = (uint16_t)a;
		g->sel = CODE_SEL;
		g->type = 0x8e;	/* present, DPL 0, interrupt gate */
		g->off1 = (uint16_t)(a >> 16);
#ifdef __x86_64__
		g->off2 = (uint32_t)(a >> 32);
#endif
	}
	desc.limit = sizeof(idt) - 1;
	desc.base = (ulong)idt;
	__asm__ volatile("lidt %0" :: "m"(desc));
}

void irq_set_handler(unsigned vector, irq_handler_t h)
{
	handlers[vector & 255] = h;
}

/*
 * The boot stubs call guest_irq(vector) with the saved registers just above
 * the return address; this shim hands the C side a pointer to them so an
 * unexpected fault can name the instruction that raised it.
 */
#ifdef __x86_64__
__asm__(".text\n.globl guest_irq\nguest_irq:\n"
	"\tleaq 8(%rsp), %rsi\n"
	"\tjmp guest_irq_frame\n");
#define FRAME_IP 11	/* r11..rax (9), vector, error code, then rip */
#else
__asm__(".text\n.globl guest_irq\nguest_irq:\n"
	"\tleal 8(%esp), %eax\n"
	"\tpushl %eax\n"
	"\tpushl 8(%esp)\n"
	"\tcall guest_irq_frame\n"
	"\taddl $8, %esp\n"
	"\tret\n");
#define FRAME_IP 10	/* pushal (8), vector, error code, then eip */
#endif

void guest_irq_frame(unsigned vector, const ulong *frame);

void guest_irq_frame(unsigned vector, const ulong *frame)
{
	if (handlers[vector & 255]) {
		handlers[vector & 255](vector);
		return;
	}
	guest_failures++;
	gprintf("FAIL exception %u at %p (error code %lx)\n", vector,
		(void *)frame[FRAME_IP], frame[FRAME_IP - 1]);
	guest_shutdown(SHUTDOWN_crash);
}

/* --- main ---------------------------------------------------------------- */

void guest_bench(void);

const char *guest_cmdline(void)
{
	const struct hvm_start_info *si = (const void *)(ulong)guest_start_info_paddr;

	return si->cmdline_paddr ? (const char *)(ulong)si->cmdline_paddr : "";
}

bool guest_cmdline_has(const char *word)
{
	return strstr(guest_cmdline(), word) != NULL;
}

void guest_main(void)
{
	hc_init();
	idt_init();
	if (guest_cmdline_has("bench")) {
		guest_bench();
		guest_shutdown(SHUTDOWN_poweroff);
	}
	gprintf("guest: %d-bit PVH test guest starting\n", (int)sizeof(long) * 8);
	if (guest_cmdline_has("fault"))	/* the runtime's own check: a fault ends the run */
		__asm__ volatile("ud2");
	if (guest_cmdline_has("idc-"))
		guest_idc();
	else
		for (const struct guest_test *t = __start_guest_tests; t < __stop_guest_tests; t++)
			t->fn();
	gprintf("guest: %u checks, %u failed\n", guest_checks, guest_failures);
	/* "idle": stay up; with a xenstore ring, until asked to shut down. */
	if (guest_cmdline_has("idle") && xs_ring_init() && !guest_cmdline_has("nostore"))
		xs_serve_shutdown_requests();
	while (guest_cmdline_has("idle")) {
		static ulong no_ports[4];
		hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (ulong)no_ports);
	}
	hypercall2(XEN_HC_sched_op, SCHEDOP_shutdown_code, (ulong)&guest_failures);
	guest_shutdown(SHUTDOWN_poweroff);
}
