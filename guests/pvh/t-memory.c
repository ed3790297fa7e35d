/* memory_op: shared_info and grant frames in the physmap, memory map, reservations. */
#include "guest.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/abi-memory.h"

#ifdef __x86_64__
typedef struct xen_add_to_physmap64 atp_t;
typedef struct xen_memory_map64 mmap_t;
typedef struct xen_shared_info64 shinfo_t;
typedef struct xen_memory_reservation64 resv_t;
#else
typedef struct xen_add_to_physmap32 atp_t;
typedef struct xen_memory_map32 mmap_t;
typedef struct xen_shared_info32 shinfo_t;
typedef struct xen_memory_reservation32 resv_t;
#endif

/* A one-frame extent list for decrease_reservation / populate_physmap. */
static long one_frame(unsigned cmd, ulong gpfn)
{
	ulong list[1] = { gpfn };
	resv_t r = { .extent_start = (ulong)list, .nr_extents = 1, .domid = XEN_DOMID_SELF };

	return hypercall2(XEN_HC_memory_op, cmd, (ulong)&r);
}

static long held(void)
{
	uint16_t self = XEN_DOMID_SELF;

	return hypercall2(XEN_HC_memory_op, XENMEM_current_reservation, (ulong)&self);
}

/* A balloon's view: a frame given back reads as zeros, and comes back. */
static void test_balloon(void *shared_info)
{
	volatile uint8_t *page = SCRATCH_PAGE(4);
	long before = held();

	page[0] = 0x5a;
	check_rc("memory.decrease_reservation",
		 one_frame(XENMEM_decrease_reservation, PFN(page)), 1);
	check_rc("memory.decrease_counted", held(), before - 1);
	check_rc("memory.decrease_twice", one_frame(XENMEM_decrease_reservation, PFN(page)), 0);
	check_rc("memory.decrease_shared_info",
		 one_frame(XENMEM_decrease_reservation, PFN(shared_info)), 0);
	check_rc("memory.decrease_outside_ram",
		 one_frame(XENMEM_decrease_reservation, (16ul << 20) >> 12), 0);
	check_rc("memory.populate_physmap", one_frame(XENMEM_populate_physmap, PFN(page)), 1);
	check_rc("memory.populate_counted", held(), before);
	check("memory.populated_zeroed", page[0] == 0, "byte %#x", page[0]);
	check_rc("memory.populate_at_the_cap", one_frame(XENMEM_populate_physmap, PFN(page)), 0);
}

static long add_to_physmap(uint16_t dom, uint32_t space, ulong idx, ulong gpfn)
{
	atp_t a = { .domid = dom, .space = space, .idx = idx, .gpfn = gpfn };

	return hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, (ulong)&a);
}

GUEST_TEST(test_memory)
{
	struct xen_e820_entry e[8];
	mmap_t m = { .nr_entries = 8 };
	struct hvm_start_info *si = (void *)(ulong)guest_start_info_paddr;
	struct hvm_memmap_table_entry *mm = (void *)(ulong)si->memmap_paddr;
	shinfo_t *s;
	uint16_t self = XEN_DOMID_SELF, other = 777;
	uint64_t sec;
	bool same = true;

	s = map_shared_info();
	check("memory.map_shared_info", s != NULL, "add_to_physmap failed");
	if (s) {
		sec = s->wc_sec;
		check("memory.shared_info_wallclock", sec > 1704067200ull && !(s->wc_version & 1),
		      "wc_sec %llu version %u", (unsigned long long)sec, s->wc_version);
		check("memory.shared_info_time", s->vcpu_info[0].time.tsc_to_system_mul != 0 &&
		      !(s->vcpu_info[0].time.version & 1), "time record empty");
	}
	check_rc("memory.grant_frame", add_to_physmap(self, XENMAPSPACE_grant_table, 0,
						      PFN(SCRATCH_PAGE(14))), 0);
	check_rc("memory.grant_frame_too_big",
		 add_to_physmap(self, XENMAPSPACE_grant_table, 64, PFN(SCRATCH_PAGE(13))), -XEN_EINVAL);
	check_rc("memory.grant_status_frame_v1",
		 add_to_physmap(self, XENMAPSPACE_grant_table, 0x80000000ul, PFN(SCRATCH_PAGE(13))),
		 -XEN_EINVAL);
	check_rc("memory.shared_info_bad_idx",
		 add_to_physmap(self, XENMAPSPACE_shared_info, 1, PFN(SCRATCH_PAGE(13))), -XEN_EINVAL);
#ifdef __x86_64__
	/* Beyond any guest-physical address width (Xen: 36-bit gfns under EPT). */
	check_rc("memory.bad_gpfn",
		 add_to_physmap(self, XENMAPSPACE_grant_table, 0, 1ul << 52), -XEN_EINVAL);
#endif
	check_rc("memory.bad_space", add_to_physmap(self, 9, 0, PFN(SCRATCH_PAGE(13))),
		 -XEN_EOPNOTSUPP);
	check_rc("memory.other_domain", add_to_physmap(other, XENMAPSPACE_shared_info, 0,
						       PFN(SCRATCH_PAGE(13))), -XEN_ESRCH);
	check_rc("memory.add_bad_pointer",
		 hypercall2(XEN_HC_memory_op, XENMEM_add_to_physmap, 0xfffff000ul), -XEN_EFAULT);

	m.buffer = (ulong)e;
	check_rc("memory.memory_map", hypercall2(XEN_HC_memory_op, XENMEM_memory_map, (ulong)&m), 0);
	check("memory.memory_map_count", m.nr_entries == si->memmap_entries, "%u vs %u",
	      m.nr_entries, si->memmap_entries);
	for (uint32_t i = 0; i < m.nr_entries && i < si->memmap_entries; i++)
		same = same && e[i].addr == mm[i].addr && e[i].size == mm[i].size &&
		       e[i].type == mm[i].type;
	check("memory.memory_map_matches_start_info", same, "entries differ");
	m.nr_entries = 1;
	hypercall2(XEN_HC_memory_op, XENMEM_memory_map, (ulong)&m);
	check("memory.memory_map_truncates", m.nr_entries == 1, "nr %u", m.nr_entries);
	check_rc("memory.current_reservation",
		 hypercall2(XEN_HC_memory_op, XENMEM_current_reservation, (ulong)&self), 16 << 8);
	check_rc("memory.maximum_reservation",
		 hypercall2(XEN_HC_memory_op, XENMEM_maximum_reservation, (ulong)&self), 16 << 8);
	check_rc("memory.reservation_other",
		 hypercall2(XEN_HC_memory_op, XENMEM_current_reservation, (ulong)&other), -XEN_ESRCH);
	check_rc("memory.unknown_op", hypercall2(XEN_HC_memory_op, 40, 0), -XEN_ENOSYS);
	if (s)
		test_balloon(s);
}
