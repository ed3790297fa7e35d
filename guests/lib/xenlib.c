/* Guest-side helpers over the Xen ABI: shared_info, pvclock, event upcalls. */
#include "guest.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/abi-memory.h"

#ifdef __x86_64__
typedef struct xen_vcpu_info64 vcpu_info_t;
typedef struct xen_shared_info64 shinfo_t;
typedef struct xen_add_to_physmap64 atp_t;
#else
typedef struct xen_vcpu_info32 vcpu_info_t;
typedef struct xen_shared_info32 shinfo_t;
typedef struct xen_add_to_physmap32 atp_t;
#endif

/* The last page of the scratch area holds shared_info once mapped. */
#define SHINFO_PAGE (guest_ram_scratch + 15 * 4096)

void *guest_shared_info;
/* vCPU 0's vcpu_info: in shared_info until VCPUOP_register_vcpu_info moves it. */
static vcpu_info_t *vcpu0_info;
volatile unsigned guest_events_seen;
volatile uint32_t guest_last_port;
volatile ulong guest_ports_seen[4096 / (8 * sizeof(ulong))];

long hvm_param(unsigned op, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = XEN_DOMID_SELF, .index = index,
				   .value = value ? *value : 0 };
	long rc = hypercall2(XEN_HC_hvm_op, op, (ulong)&p);

	if (value && op == HVMOP_get_param)
		*value = p.value;
	return rc;
}

void *map_shared_info(void)
{
	atp_t a = { .domid = XEN_DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
		    .gpfn = (ulong)SHINFO_PAGE >> 12 };

	if (!guest_shared_info &&
	    hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (ulong)&a) == 0)
		guest_shared_info = SHINFO_PAGE;
	return guest_shared_info;
}

static vcpu_info_t *vcpu_info(void)
{
	shinfo_t *s = map_shared_info();

	return vcpu0_info ? vcpu0_info : &s->vcpu_info[0];
}

void vcpu_info_moved(void *vi)
{
	vcpu0_info = vi;
}

struct xen_vcpu_time_info *vcpu_time(void)
{
	return &vcpu_info()->time;
}

/* (delta * mul) >> 32 without a 128-bit multiply. */
static uint64_t scale(uint64_t delta, uint32_t mul)
{
	uint64_t lo = (uint64_t)(uint32_t)delta * mul;
	uint64_t hi = (uint64_t)(uint32_t)(delta >> 32) * mul;

	return hi + (lo >> 32);
}

uint64_t pvclock_ns(volatile struct xen_vcpu_time_info *t)
{
	uint32_t v;
	uint64_t ns;

	do {
		v = t->version;
		__asm__ volatile("" ::: "memory");
		uint64_t d = rdtsc() - t->tsc_timestamp;
		int8_t sh = t->tsc_shift;
		d = sh < 0 ? d >> -sh : d << sh;
		ns = t->system_time + scale(d, t->tsc_to_system_mul);
		__asm__ volatile("" ::: "memory");
	} while ((v & 1) || v != t->version);
	return ns;
}

uint64_t guest_now_ns(void)
{
	return pvclock_ns(vcpu_time());
}

/* The upcall: what a Xen HVM guest's event handler does, 2-level ABI. */
static void upcall(unsigned vector)
{
	shinfo_t *s = guest_shared_info;
	vcpu_info_t *vi = vcpu_info();
	volatile ulong *sel = (volatile ulong *)&vi->evtchn_pending_sel;
	ulong words;

	(void)vector;
	vi->evtchn_upcall_pending = 0;
	words = __atomic_exchange_n(sel, 0, __ATOMIC_ACQ_REL);
	while (words) {
		unsigned w = (unsigned)__builtin_ctzl(words);
		ulong bits = s->evtchn_pending[w] & ~s->evtchn_mask[w];

		words &= words - 1;
		while (bits) {
			unsigned b = (unsigned)__builtin_ctzl(bits);
			uint32_t port = w * 8 * sizeof(ulong) + b;

			bits &= bits - 1;
			__atomic_fetch_and(&s->evtchn_pending[w], ~(1ul << b), __ATOMIC_ACQ_REL);
			guest_ports_seen[w] |= 1ul << b;
			guest_last_port = port;
			guest_events_seen++;
		}
	}
}

#define UPCALL_VECTOR 0xf3

void events_init(void)
{
	uint64_t via = (2ull << HVM_PARAM_CALLBACK_TYPE_SHIFT) | UPCALL_VECTOR;

	map_shared_info();
	irq_set_handler(UPCALL_VECTOR, upcall);
	hvm_param(HVMOP_set_param, HVM_PARAM_CALLBACK_IRQ, &via);
}

bool port_seen(uint32_t port)
{
	ulong bit = 1ul << (port % (8 * sizeof(ulong)));
	volatile ulong *w = &guest_ports_seen[port / (8 * sizeof(ulong))];
	bool seen = *w & bit;

	*w &= ~bit;
	return seen;
}

/* Wait with interrupts on until 'port' has been delivered, or give up. */
bool wait_for_port(uint32_t port, unsigned spins)
{
	for (unsigned i = 0; i < spins; i++) {
		irq_enable();
		__asm__ volatile("nop; nop; nop");
		irq_disable();
		if (port_seen(port))
			return true;
	}
	return false;
}

void mask_port(uint32_t port, bool masked)
{
	shinfo_t *s = map_shared_info();
	ulong bit = 1ul << (port % (8 * sizeof(ulong)));

	if (masked)
		__atomic_fetch_or(&s->evtchn_mask[port / (8 * sizeof(ulong))], bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&s->evtchn_mask[port / (8 * sizeof(ulong))], ~bit,
				   __ATOMIC_SEQ_CST);
}

bool port_pending(uint32_t port)
{
	shinfo_t *s = map_shared_info();

	return s->evtchn_pending[port / (8 * sizeof(ulong))] & (1ul << (port % (8 * sizeof(ulong))));
}

/* The first address past every memmap entry: nothing is mapped there. */
uint64_t guest_mem_end(void)
{
	const struct hvm_start_info *si = (const void *)(ulong)guest_start_info_paddr;
	const struct hvm_memmap_table_entry *mm = (const void *)(ulong)si->memmap_paddr;
	uint64_t end = 0;

	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (mm[i].addr + mm[i].size > end)
			end = mm[i].addr + mm[i].size;
	return end;
}

/* Forget an event on 'port', delivered or not (for ports reused between tests). */
void clear_port(uint32_t port)
{
	shinfo_t *s = map_shared_info();
	ulong bit = 1ul << (port % (8 * sizeof(ulong)));

	__atomic_fetch_and(&s->evtchn_pending[port / (8 * sizeof(ulong))], ~bit, __ATOMIC_SEQ_CST);
	port_seen(port);
}

/*
 * One GNTTABOP_copy into this domain: from src (a gref of src_dom with
 * GNTCOPY_source_gref, else a frame), to dst (a gref with GNTCOPY_dest_gref,
 * else a frame). The entry's status, or -100 if the hypercall itself failed.
 */
int16_t grant_copy(ulong src, uint16_t soff, ulong dst, uint16_t doff, uint16_t len,
		   uint16_t flags, uint16_t src_dom)
{
#ifdef __x86_64__
	struct gnttab_copy64 c;
#else
	struct gnttab_copy32 c;
#endif
	long rc;

	memset(&c, 0, sizeof(c));
	c.source.ref_or_gmfn = src;
	c.source.domid = src_dom;
	c.source.offset = soff;
	c.dest.ref_or_gmfn = dst;
	c.dest.domid = XEN_DOMID_SELF;
	c.dest.offset = doff;
	c.len = len;
	c.flags = flags;
	rc = hypercall3(XEN_HC_grant_table_op, GNTTABOP_copy, (ulong)&c, 1);
	return rc ? (int16_t)-100 : c.status;
}
