/*
 * Hostile inputs across the families: hypercalls Xen does not offer an HVM
 * guest, pointers past the end of memory or straddling into it, huge counts,
 * and writes through a read-only mapping. Each must fail the way Xen fails.
 */
#include "guest.h"
#include "xen-abi/abi-console.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/abi-hvm.h"
#include "xen-abi/abi-memory.h"
#include "xen-abi/abi-sched.h"
#include "xen-abi/abi-version.h"

#ifdef __x86_64__
typedef struct sched_poll64 poll_t;
typedef struct xen_memory_map64 mmap_t;
typedef struct gnttab_setup_table64 setup_t;
#else
typedef struct sched_poll32 poll_t;
typedef struct xen_memory_map32 mmap_t;
typedef struct gnttab_setup_table32 setup_t;
#endif

enum { EVTCHNOP_send = 4 };

/* Numbers absent from Xen's HVM hypercall table (or from Xen altogether). */
static const unsigned not_for_hvm[] = { 0, 1, 6, 10, 11, 14, 23, 28, 30, 37, 43, 47, 63, 64,
					100, 127 };

static void unknown_hypercalls(void)
{
	char name[48];

	for (unsigned i = 0; i < sizeof(not_for_hvm) / sizeof(not_for_hvm[0]); i++) {
		gsnprintf(name, sizeof(name), "hostile.hypercall_%u_enosys", not_for_hvm[i]);
		check_rc(name, hypercall5(not_for_hvm[i], 1, 2, 3, 4, 5), -XEN_ENOSYS);
	}
}

/*
 * 'end' is the first byte with no memory behind it; 'cross' straddles that
 * boundary, so the first bytes are real RAM and the rest is nothing.
 */
static void past_end_of_memory(ulong end)
{
	ulong cross = end - 6;
	poll_t p;
	mmap_t m = { .nr_entries = 4 };

	check_rc("hostile.version_buffer_past_ram",
		 hypercall2(XEN_HC_xen_version, XENVER_extraversion, end), -XEN_EFAULT);
	check_rc("hostile.version_buffer_straddles",
		 hypercall2(XEN_HC_xen_version, XENVER_extraversion, cross), -XEN_EFAULT);
	check_rc("hostile.console_write_straddles",
		 hypercall3(XEN_HC_console_io, CONSOLEIO_write, 12, cross), -XEN_EFAULT);
	check_rc("hostile.console_write_huge_count",
		 hypercall3(XEN_HC_console_io, CONSOLEIO_write, 0xffffffffu, end - 16),
		 -XEN_EFAULT);
	check_rc("hostile.evtchn_port_straddles",
		 hypercall2(XEN_HC_event_channel_op, EVTCHNOP_send, end - 2), -XEN_EFAULT);
	check_rc("hostile.hvm_param_straddles",
		 hypercall2(XEN_HC_hvm_op, HVMOP_get_param, end - 8), -XEN_EFAULT);
	check_rc("hostile.singleshot_straddles",
		 hypercall3(XEN_HC_vcpu_op, VCPUOP_set_singleshot_timer, 0, end - 4), -XEN_EFAULT);
	check_rc("hostile.query_size_straddles",
		 hypercall3(XEN_HC_grant_table_op, GNTTABOP_query_size, end - 2, 1), -XEN_EFAULT);
	check_rc("hostile.memory_map_straddles",
		 hypercall2(XEN_HC_memory_op, XENMEM_memory_map, end - 4), -XEN_EFAULT);
	m.buffer = cross;
	check_rc("hostile.memory_map_buffer_straddles",
		 hypercall2(XEN_HC_memory_op, XENMEM_memory_map, (ulong)&m), -XEN_EFAULT);

	memset(&p, 0, sizeof(p));
	p.ports = end - 2;
	p.nr_ports = 1;
	check_rc("hostile.poll_ports_straddle",
		 hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (ulong)&p), -XEN_EFAULT);
	check_rc("hostile.poll_struct_straddles",
		 hypercall2(XEN_HC_sched_op, SCHEDOP_poll, end - 4), -XEN_EFAULT);
#ifdef __x86_64__
	/* Above the 1 GiB the guest's own page tables map. */
	check_rc("hostile.pointer_unmapped_va",
		 hypercall2(XEN_HC_xen_version, XENVER_extraversion, 0x40000000ul), -XEN_EFAULT);
#endif
}

static void huge_counts(void)
{
	struct hvm_start_info *si = (void *)(ulong)guest_start_info_paddr;
	struct xen_e820_entry e[8];
	mmap_t m = { .nr_entries = 0xffffffffu };
	uint32_t port = 1;
	ulong frames[1];
	setup_t st;
	poll_t p;

	memset(&p, 0, sizeof(p));
	p.ports = (ulong)&port;
	p.nr_ports = 0xffffffffu;
	check_rc("hostile.poll_nr_ports_huge",
		 hypercall2(XEN_HC_sched_op, SCHEDOP_poll, (ulong)&p), -XEN_EINVAL);
	memset(&st, 0, sizeof(st));
	st.dom = XEN_DOMID_SELF;
	st.nr_frames = 0xffffffffu;
	st.frame_list = (ulong)frames;
	hypercall3(XEN_HC_grant_table_op, GNTTABOP_setup_table, (ulong)&st, 1);
	check("hostile.setup_table_nr_frames_huge", st.status == GNTST_general_error,
	      "status %d", st.status);
	check_rc("hostile.query_size_count_huge",
		 hypercall3(XEN_HC_grant_table_op, GNTTABOP_query_size, (ulong)e, 0x7fffffff),
		 -XEN_EINVAL);
	/* The buffer is only as big as the map: Xen copies what exists and says so. */
	m.buffer = (ulong)e;
	m.nr_entries = sizeof(e) / sizeof(e[0]);
	check_rc("hostile.memory_map_room_to_spare",
		 hypercall2(XEN_HC_memory_op, XENMEM_memory_map, (ulong)&m), 0);
	check("hostile.memory_map_reports_real_count", m.nr_entries == si->memmap_entries,
	      "nr %u, start_info has %u", m.nr_entries, si->memmap_entries);
}

#ifdef __x86_64__
/*
 * Xen honours the guest's page tables: a hypercall may not write through a
 * read-only mapping (CR0.WP is set), though it may read through one. The
 * 2 MiB page at 8 MiB is RAM nothing else here uses.
 */
#define RO_VA 0x800000ul

static volatile uint64_t *pde_for(ulong va)
{
	ulong cr3;
	uint64_t *pml4, *pdpt;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (uint64_t *)(cr3 & ~0xffful);
	pdpt = (uint64_t *)(ulong)(pml4[(va >> 39) & 511] & ~0xfffull);
	return (uint64_t *)(ulong)(pdpt[(va >> 30) & 511] & ~0xfffull) + ((va >> 21) & 511);
}

static void set_writable(volatile uint64_t *pde, bool rw)
{
	*pde = rw ? *pde | 2 : *pde & ~2ull;
	__asm__ volatile("invlpg (%0)" :: "r"(RO_VA) : "memory");
}

static void readonly_mapping(void)
{
	volatile uint64_t *pde = pde_for(RO_VA);
	uint16_t *domid = (uint16_t *)RO_VA;
	ulong cr0;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	if (!check("hostile.ro_setup", (cr0 & (1ul << 16)) && (*pde & 0x81) == 0x81,
		   "cr0 %lx pde %llx", cr0, (unsigned long long)*pde))
		return;
	*domid = XEN_DOMID_SELF;
	set_writable(pde, false);
	check_rc("hostile.write_through_readonly_mapping",
		 hypercall2(XEN_HC_xen_version, XENVER_extraversion, RO_VA + 64), -XEN_EFAULT);
	check_rc("hostile.read_through_readonly_mapping",
		 hypercall2(XEN_HC_memory_op, XENMEM_current_reservation, RO_VA),
		 (long)((guest_mem_end() >> 20) << 8));
	set_writable(pde, true);
}
#endif

GUEST_TEST(test_hostile)
{
	unknown_hypercalls();
	past_end_of_memory((ulong)guest_mem_end());
	huge_counts();
#ifdef __x86_64__
	readonly_mapping();
#endif
}
