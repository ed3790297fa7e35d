/*
 * Dom0's claims on a domain's grants (src/xenkvmd/dom0-grant.c): the entry stays
 * marked in use until the last of its holders lets go, read-only and
 * writable apart, as Xen's pin counts keep it; each claim checks the entry.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "src/xenkvmd/dom0-grant.h"
#include "xen-abi/abi-grant.h"
#include "xen-abi/domain.h"

#define RAM_PAGES 16

static struct domain d;

static struct grant_entry_v1 *entry(uint32_t gref)
{
	return (struct grant_entry_v1 *)((uint8_t *)d.xen_pages +
					 XK_XPAGE_GRANT_FIRST * XEN_PAGE_SIZE) + gref;
}

static void setup(void)
{
	memset(&d, 0, sizeof(d));
	d.domid = 1;
	d.ram_size = RAM_PAGES * XEN_PAGE_SIZE;
	d.ram = calloc(1, d.ram_size);
	d.xen_pages_size = (uint64_t)XK_XPAGE_COUNT * XEN_PAGE_SIZE;
	d.xen_pages = calloc(1, d.xen_pages_size);
	d.ram_fd = -1;
	*entry(3) = (struct grant_entry_v1){ .flags = GTF_permit_access, .domid = 0, .frame = 2 };
	*entry(4) = (struct grant_entry_v1){ .flags = GTF_permit_access | GTF_readonly,
					     .domid = 0, .frame = 5 };
}

static void teardown(void)
{
	dom0_gnt_forget(&d);
	free(d.ram);
	free(d.xen_pages);
}

TestSuite(dom0_grant, .init = setup, .fini = teardown);

Test(dom0_grant, the_entry_stays_in_use_until_the_last_holder_lets_go)
{
	cr_assert_eq(dom0_gnt_get(&d, 3, false), (uint8_t *)d.ram + 2 * XEN_PAGE_SIZE);
	cr_assert_not_null(dom0_gnt_get(&d, 3, false), "a second holder");
	cr_assert(entry(3)->flags & GTF_reading);
	dom0_gnt_put(&d, 3, false);
	cr_assert(entry(3)->flags & GTF_reading, "one holder is left");
	dom0_gnt_put(&d, 3, false);
	cr_assert_eq(entry(3)->flags & GTF_reading, 0, "the last one let go");
	dom0_gnt_put(&d, 3, false);
	cr_assert_eq(entry(3)->flags, GTF_permit_access, "a put too many changes nothing");
}

Test(dom0_grant, reading_and_writing_are_counted_apart)
{
	cr_assert_not_null(dom0_gnt_get(&d, 3, true));
	cr_assert_not_null(dom0_gnt_get(&d, 3, false));
	cr_assert_eq(entry(3)->flags & (GTF_reading | GTF_writing), GTF_reading | GTF_writing);
	dom0_gnt_put(&d, 3, true);
	cr_assert_eq(entry(3)->flags & (GTF_reading | GTF_writing), GTF_reading);
	dom0_gnt_put(&d, 3, false);
	cr_assert_eq(entry(3)->flags & (GTF_reading | GTF_writing), 0);
}

Test(dom0_grant, every_claim_checks_the_entry_again)
{
	cr_assert_null(dom0_gnt_get(&d, 4, true), "read-only grant");
	cr_assert_not_null(dom0_gnt_get(&d, 4, false));
	cr_assert_null(dom0_gnt_get(&d, 4, true), "still read-only while held");
	cr_assert_lt(dom0_gnt_claim_for(&d, 4, 7, false), 0, "granted to Dom0, not to domain 7");
	dom0_gnt_put(&d, 4, false);
	cr_assert_eq(entry(4)->flags & GTF_reading, 0);
}

Test(dom0_grant, bad_references_and_frames_are_refused)
{
	*entry(6) = (struct grant_entry_v1){ .flags = GTF_permit_access, .domid = 0,
					     .frame = RAM_PAGES };	/* past RAM */
	cr_assert_null(dom0_gnt_get(&d, 6, false));
	cr_assert_eq(entry(6)->flags & GTF_reading, 0, "not left marked");
	cr_assert_null(dom0_gnt_get(&d, XK_MAX_GRANT_FRAMES * GRANT_ENTRIES_PER_FRAME, false));
	cr_assert_null(dom0_gnt_get(&d, 9, false), "an empty entry");
	dom0_gnt_put(&d, UINT32_MAX, false);	/* no crash */
}
