/*
 * libFuzzer target over the hypercall dispatcher: random hypercall numbers,
 * registers, paging state and guest memory. Nothing a guest passes may crash
 * the VMM. Build: make fuzz; run: build/fuzz-dispatch -max_total_time=600
 */
#include <stdlib.h>
#include <string.h>
#include "xen-abi/hypercalls.h"
#include "xen-abi/console.h"
#include "xen-abi/time.h"

#define FUZZ_RAM (256u << 10)

static uint8_t *ram;
static uint8_t *xen_pages;
static uint64_t fake_now;

static uint64_t f_now(struct xk_domain *d) { (void)d; return fake_now; }
static uint64_t f_wall(struct xk_domain *d) { (void)d; return 1700000000ull * 1000000000ull; }
static void f_kick(struct xk_vcpu *v) { (void)v; }
static int f_memory_changed(struct xk_domain *d) { (void)d; return 0; }
static void f_timer_changed(struct xk_vcpu *v) { (void)v; }
static void f_shutdown(struct xk_domain *d, unsigned r) { (void)d; (void)r; }
static void f_console(struct xk_domain *d, const char *b, size_t n) { (void)d; (void)b; (void)n; }
static int f_vcpu_up(struct xk_vcpu *v) { (void)v; return 0; }
static void f_log(struct xk_domain *d, const char *m) { (void)d; (void)m; }
static uint64_t f_tsc(struct xk_vcpu *v) { (void)v; return fake_now * 2; }
static void f_remote(struct xk_domain *d, uint32_t port, xen_domid_t dom, uint32_t rport)
{
	(void)d; (void)port; (void)dom; (void)rport;
}

/* Frames given back read as zeros, as the VMM's punched memfd does. */
static int f_release(struct xk_domain *d, uint64_t gpfn, uint64_t count)
{
	(void)d;
	if (gpfn >= FUZZ_RAM / XEN_PAGE_SIZE || count > FUZZ_RAM / XEN_PAGE_SIZE - gpfn)
		abort();	/* the ABI layer must only free frames inside RAM */
	memset(ram + gpfn * XEN_PAGE_SIZE, 0, count * XEN_PAGE_SIZE);
	return 0;
}

static void f_reservation_changed(struct xk_domain *d) { (void)d; }

static int f_block(struct xk_vcpu *v, uint64_t deadline,
		   bool (*wake)(struct xk_vcpu *, void *), void *arg)
{
	/* Never sleep: pretend the deadline passed. */
	if (wake(v, arg))
		return 0;
	if (deadline > fake_now)
		fake_now = deadline;
	return -XEN_ETIMEDOUT;
}

static const struct xk_platform_ops ops = {
	.now_ns = f_now, .wallclock_ns = f_wall, .vcpu_kick = f_kick,
	.memory_changed = f_memory_changed, .vcpu_block = f_block,
	.timer_changed = f_timer_changed, .shutdown = f_shutdown,
	.console_out = f_console, .vcpu_up = f_vcpu_up, .log = f_log,
	.read_tsc = f_tsc, .evtchn_remote_send = f_remote,
	.release_frames = f_release, .reservation_changed = f_reservation_changed,
};

struct call {
	uint8_t nr;
	uint8_t vcpu;
	uint64_t args[6];
} __attribute__((packed));

static void set_mode(struct xk_vcpu *v, uint8_t flags, uint64_t cr3)
{
	v->compat = flags & 1;
	v->cpl = (flags & 0x80) ? 3 : 0;
	v->paging.cr0 = (flags & 2) ? (GP_CR0_PG | GP_CR0_WP) : 0;
	v->paging.cr4 = ((flags & 4) ? GP_CR4_PAE : 0) | ((flags & 8) ? GP_CR4_PSE : 0);
	v->paging.efer = (flags & 16) ? GP_EFER_LMA : 0;
	v->paging.cr3 = cr3 % FUZZ_RAM;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xk_domain *d;
	size_t off = 2 + sizeof(uint32_t);
	uint32_t cr3;

	if (size < off)
		return 0;
	if (!ram) {
		ram = aligned_alloc(4096, FUZZ_RAM);
		xen_pages = aligned_alloc(4096, XK_XPAGE_COUNT * XEN_PAGE_SIZE);
	}
	memset(ram, 0, FUZZ_RAM);
	memset(xen_pages, 0, XK_XPAGE_COUNT * XEN_PAGE_SIZE);
	fake_now = 1000000;
	d = calloc(1, sizeof(*d));
	gmem_init(&d->mem);
	gmem_add(&d->mem, 0, FUZZ_RAM, ram, GMEM_RAM);
	d->max_pages = FUZZ_RAM / XEN_PAGE_SIZE;
	d->tsc_khz = 1 + data[1] * 10000u;
	d->e820[0] = (struct xk_e820){ 0, FUZZ_RAM, 1 };
	d->nr_e820 = 1;
	xk_domain_init(d, 1, 2, xen_pages, &ops, NULL);
	d->pv = data[0] & 0x80;		/* machine-frame answers (balloon lists) */
	d->hvm.param[17] = (FUZZ_RAM / XEN_PAGE_SIZE) - 1;	/* console ring page */
	memcpy(&cr3, data + 2, sizeof(cr3));

	/* A run of calls, then whatever remains seeds guest RAM at 64 KiB. */
	unsigned ncalls = data[0] % 8 + 1;
	size_t calls_len = ncalls * sizeof(struct call);
	if (size - off > calls_len)
		memcpy(ram + 0x10000, data + off + calls_len,
		       size - off - calls_len < FUZZ_RAM - 0x10000 ?
		       size - off - calls_len : FUZZ_RAM - 0x10000);
	for (unsigned i = 0; i < ncalls && off + sizeof(struct call) <= size; i++) {
		struct call c;
		struct xk_vcpu *v;
		uint64_t args[6];

		memcpy(&c, data + off, sizeof(c));
		memcpy(args, c.args, sizeof(args));	/* the packed copy is unaligned */
		off += sizeof(c);
		v = &d->vcpu[c.vcpu & 1];
		set_mode(v, c.vcpu >> 1, cr3);
		xk_hypercall(v, c.nr % XEN_HC_COUNT, args);
		if (c.vcpu & 0x20)
			xk_vcpu_timer_expire(v, fake_now + args[0] % 1000000000);
		if (c.vcpu & 0x40)
			xk_console_ring_drain(d);
	}
	xk_domain_destroy(d);
	gmem_destroy(&d->mem);
	free(d);
	return 0;
}
