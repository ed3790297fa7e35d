/* Ballooning: decrease_reservation, populate_physmap, increase_reservation. */
#include <criterion/criterion.h>
#include "tests/unit/fake-domain.h"
#include "xen-abi/abi-memory.h"
#include "xen-abi/reservation.h"

static struct fake_domain *fd;
static void setup(void) { fd = fake_domain_new(1); }
static void teardown(void) { fake_domain_free(fd); }
TestSuite(reservation, .init = setup, .fini = teardown);

#define ARG 0x1000
#define LIST 0x2000
#define RAM_FRAMES (FAKE_RAM_SIZE / 4096)

/* memory_op cmd over the frames in list (64-bit layout), from extent start. */
static long op_at(unsigned cmd, const uint64_t *frames, uint64_t n, unsigned order,
		  uint32_t flags, uint64_t start)
{
	struct xen_memory_reservation64 r = { LIST, n, order, flags, XEN_DOMID_SELF, { 0 } };

	memcpy(fake_gva(fd, ARG), &r, sizeof(r));
	if (frames)
		memcpy(fake_gva(fd, LIST), frames, n * 8);
	return fake_hypercall(fd, 0, XEN_HC_memory_op, cmd | start << XENMEM_EXTENT_SHIFT, ARG,
			      0);
}

static long op(unsigned cmd, const uint64_t *frames, uint64_t n, unsigned order)
{
	return op_at(cmd, frames, n, order, 0, 0);
}

static long current(void)
{
	uint16_t dom = XEN_DOMID_SELF;

	memcpy(fake_gva(fd, 0x3000), &dom, 2);
	return fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_current_reservation, 0x3000, 0);
}

static uint64_t listed(unsigned i)
{
	return ((uint64_t *)fake_gva(fd, LIST))[i];
}

Test(reservation, frames_given_back_are_freed_and_counted)
{
	uint64_t f[] = { 100, 101, 200 };

	memset(fake_gva(fd, 100 * 4096), 0xaa, 4096);
	cr_assert_eq(current(), RAM_FRAMES);
	cr_assert_eq(op(XENMEM_decrease_reservation, f, 3, 0), 3);
	cr_assert_eq(current(), RAM_FRAMES - 3);
	cr_assert_eq(xk_current_pages(&fd->d), RAM_FRAMES - 3);
	cr_assert_eq(*(uint8_t *)fake_gva(fd, 100 * 4096), 0, "the VMM freed its backing");
	cr_assert_not(xk_frame_held(&fd->d, 101));
	cr_assert(xk_frame_held(&fd->d, 102));
	cr_assert_eq(fd->p.reservation_changes, 1, "one report per call");
}

Test(reservation, a_list_stops_at_the_first_bad_extent)
{
	uint64_t f[] = { 300, 300, 301 };
	uint64_t outside[] = { RAM_FRAMES, 5 };
	uint64_t misaligned[] = { 301 };

	cr_assert_eq(op(XENMEM_decrease_reservation, f, 3, 0), 1, "300 was already given back");
	cr_assert(xk_frame_held(&fd->d, 301));
	cr_assert_eq(op(XENMEM_decrease_reservation, outside, 2, 0), 0);
	cr_assert_eq(op(XENMEM_decrease_reservation, misaligned, 1, 1), 0);
	cr_assert_eq(op(XENMEM_decrease_reservation, misaligned, 1, 10), 0, "order above 9");
	cr_assert_eq(current(), RAM_FRAMES - 1);
	cr_assert_eq(fd->p.reservation_changes, 1, "calls that changed nothing say nothing");
}

Test(reservation, continuation_and_bad_arguments)
{
	uint64_t f[] = { 10, 11, 12, 13 };
	struct xen_memory_reservation64 r = { LIST, 1, 0, 0, 5, { 0 } };

	cr_assert_eq(op_at(XENMEM_decrease_reservation, f, 4, 0, 0, 2), 4, "from extent 2");
	cr_assert(xk_frame_held(&fd->d, 11));
	cr_assert_not(xk_frame_held(&fd->d, 12));
	cr_assert_eq(op_at(XENMEM_decrease_reservation, f, 4, 0, 0, 7), 7, "past the end");
	memcpy(fake_gva(fd, ARG), &r, sizeof(r));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_decrease_reservation, ARG, 0),
		     -XEN_ESRCH, "another domain's reservation");
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_decrease_reservation,
				    FAKE_RAM_SIZE, 0), -XEN_EFAULT);
	r = (struct xen_memory_reservation64){ FAKE_RAM_SIZE - 8, 4, 0, 0, XEN_DOMID_SELF, { 0 } };
	*(uint64_t *)fake_gva(fd, FAKE_RAM_SIZE - 8) = 20;
	memcpy(fake_gva(fd, ARG), &r, sizeof(r));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_decrease_reservation, ARG, 0),
		     1, "the list runs off the end of RAM after one entry");
}

Test(reservation, xen_pages_and_frames_the_vmm_keeps_stay)
{
	uint64_t shinfo[] = { 0x100 };
	uint64_t busy[] = { 40, 41 };
	uint64_t pair[] = { 42 };

	cr_assert_eq(gmem_add(&fd->d.mem, 0x100000, 4096, fd->d.shared_info, GMEM_XEN_PAGE), 0);
	cr_assert_eq(op(XENMEM_decrease_reservation, shinfo, 1, 0), 0);
	fd->p.busy_frame = 41;
	cr_assert_eq(op(XENMEM_decrease_reservation, busy, 2, 0), 1);
	cr_assert(xk_frame_held(&fd->d, 41));
	fd->p.busy_frame = 43;
	cr_assert_eq(op(XENMEM_decrease_reservation, pair, 1, 1), 0, "43 is in the extent");
	cr_assert(xk_frame_held(&fd->d, 42));
}

Test(reservation, hvm_populate_brings_frames_back_up_to_the_cap)
{
	uint64_t f[] = { 64, 65, 66, 67 };
	uint64_t outside[] = { RAM_FRAMES + 16 };

	cr_assert_eq(op(XENMEM_decrease_reservation, f, 4, 0), 4);
	memset(fake_gva(fd, 64 * 4096), 0x55, 4096);	/* a guest touching what it gave */
	fd->d.max_pages = RAM_FRAMES - 2;
	cr_assert_eq(op(XENMEM_populate_physmap, f, 4, 0), 2, "two more would pass the cap");
	cr_assert_eq(current(), RAM_FRAMES - 2);
	cr_assert_eq(*(uint8_t *)fake_gva(fd, 64 * 4096), 0x55, "absent frames are not rezeroed");
	xk_set_max_pages(&fd->d, RAM_FRAMES);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_maximum_reservation, 0x3000,
				    0), RAM_FRAMES, "the cap the guest reads");
	cr_assert_eq(op(XENMEM_populate_physmap, outside, 1, 0), 0);
	cr_assert_str_eq(fd->p.last_log, "populate_physmap at frame 0x410: outside the RAM the "
			 "domain was built with, which is all xenkvm can give it");
	cr_assert_eq(op(XENMEM_populate_physmap, f + 2, 2, 0), 2);
	cr_assert_eq(current(), RAM_FRAMES);
	cr_assert_eq(listed(0), 66, "HVM lists are not written back");
}

Test(reservation, hvm_populate_of_a_held_frame_gives_a_fresh_one)
{
	uint64_t f[] = { 80 };

	memset(fake_gva(fd, 80 * 4096), 0x77, 4096);
	fd->d.max_pages = RAM_FRAMES + 1;
	cr_assert_eq(op(XENMEM_populate_physmap, f, 1, 0), 1);
	cr_assert_eq(*(uint8_t *)fake_gva(fd, 80 * 4096), 0);
	cr_assert_eq(current(), RAM_FRAMES);
	fd->d.max_pages = RAM_FRAMES;
	cr_assert_eq(op(XENMEM_populate_physmap, f, 1, 0), 0, "at the cap, as Xen allocates first");
}

Test(reservation, pv_gets_back_the_frames_it_gave)
{
	uint64_t f[] = { 512, 514 };
	uint64_t none[4] = { 0 };

	fd->d.pv = true;
	cr_assert_eq(op(XENMEM_decrease_reservation, f, 2, 1), 2, "two 2-frame extents");
	cr_assert_eq(op(XENMEM_populate_physmap, f, 1, 1), 1);
	cr_assert_eq(listed(0), 512, "the machine frame is the guest frame");
	cr_assert_eq(fd->p.m2p[0], 512);
	cr_assert_eq(fd->p.m2p[1], 513);
	/* increase_reservation: the lowest frames given back, listed for the guest. */
	cr_assert_eq(op(XENMEM_increase_reservation, none, 2, 0), 2);
	cr_assert_eq(listed(0), 514);
	cr_assert_eq(listed(1), 515);
	cr_assert_eq(fd->p.m2p[2], 0, "the guest sets the M2P of frames it did not name");
	cr_assert_eq(current(), RAM_FRAMES);
	cr_assert_eq(op(XENMEM_increase_reservation, none, 1, 0), 0, "nothing left to give");
}

Test(reservation, pv_frames_for_guest_frames_past_ram)
{
	/* As Linux's balloon hot-adds memory: guest frames above its RAM. */
	uint64_t f[] = { 520, 521 }, high[] = { 5000, 5001, 700 };

	fd->d.pv = true;
	cr_assert_eq(op(XENMEM_decrease_reservation, f, 2, 0), 2);
	cr_assert_eq(op(XENMEM_populate_physmap, high, 3, 0), 2, "two frames were free");
	cr_assert_eq(listed(0), 520, "the lowest free machine frame");
	cr_assert_eq(listed(1), 521);
	cr_assert_eq(fd->p.m2p[8], 5000);
	cr_assert_eq(fd->p.m2p[9], 5001);
	cr_assert_eq(current(), RAM_FRAMES);
}

Test(reservation, a_domain_that_starts_with_less)
{
	uint64_t f[] = { RAM_FRAMES - 4 };

	xk_reservation_hold_first(&fd->d, RAM_FRAMES - 256);
	cr_assert_eq(current(), RAM_FRAMES - 256);
	cr_assert_eq(xk_current_pages(&fd->d), RAM_FRAMES - 256);
	cr_assert_not(xk_frame_held(&fd->d, RAM_FRAMES - 1));
	cr_assert(xk_frame_held(&fd->d, RAM_FRAMES - 257));
	cr_assert_eq(op(XENMEM_populate_physmap, f, 1, 0), 1, "its balloon takes the rest");
	cr_assert_eq(current(), RAM_FRAMES - 255);
}

Test(reservation, pv_address_bits_and_flags)
{
	uint64_t low[] = { 3 }, high[] = { 900 };
	uint64_t none[1] = { 0 };

	fd->d.pv = true;
	cr_assert_eq(op(XENMEM_decrease_reservation, high, 1, 0), 1);
	cr_assert_eq(op_at(XENMEM_increase_reservation, none, 1, 0, 12 + 9, 0), 0,
		     "frame 900 is above 2^21 bytes");
	cr_assert_eq(op_at(XENMEM_increase_reservation, none, 1, 0, 12 + 10, 0), 1);
	cr_assert_eq(listed(0), 900);
	cr_assert_eq(op(XENMEM_decrease_reservation, low, 1, 0), 1);
	cr_assert_eq(op_at(XENMEM_populate_physmap, low, 1, 0, XENMEMF_exact_node_request | 3 << 8,
			   0), 0, "node 2 does not exist");
	cr_assert_eq(op_at(XENMEM_populate_physmap, low, 1, 0,
			   XENMEMF_populate_on_demand, 0), -XEN_ENOSYS);
	cr_assert_eq(op_at(XENMEM_populate_physmap, low, 1, 0, XENMEMF_exact_node_request | 1 << 8,
			   0), 1, "node 0 does");
}

Test(reservation, hvm_has_no_increase_reservation)
{
	uint64_t none[1] = { 0 };

	cr_assert_eq(op(XENMEM_increase_reservation, none, 1, 0), -XEN_ENOSYS);
}

Test(reservation, compat_layout)
{
	struct xen_memory_reservation32 r = { LIST, 2, 0, 0, XEN_DOMID_SELF, { 0 } };
	uint32_t f[] = { 700, 701 };

	fd->d.vcpu[0].compat = true;
	fd->d.pv = true;
	memcpy(fake_gva(fd, ARG), &r, sizeof(r));
	memcpy(fake_gva(fd, LIST), f, sizeof(f));
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_decrease_reservation, ARG, 0),
		     2);
	cr_assert_not(xk_frame_held(&fd->d, 701));
	memset(fake_gva(fd, LIST), 0xff, 8);
	cr_assert_eq(fake_hypercall(fd, 0, XEN_HC_memory_op, XENMEM_increase_reservation, ARG, 0),
		     2);
	cr_assert_eq(((uint32_t *)fake_gva(fd, LIST))[0], 700, "32-bit entries");
	cr_assert_eq(((uint32_t *)fake_gva(fd, LIST))[1], 701);
}
