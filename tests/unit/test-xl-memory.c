/* xl mem-set / mem-max sizes: MiB by default, as Xen's xl reads them. */
#include <criterion/criterion.h>
#include "src/xl/xl.h"

Test(xl_memory, sizes_and_suffixes)
{
	cr_assert_eq(xl_parse_mem_kb("256"), 256 * 1024);
	cr_assert_eq(xl_parse_mem_kb("256m"), 256 * 1024);
	cr_assert_eq(xl_parse_mem_kb("256M"), 256 * 1024);
	cr_assert_eq(xl_parse_mem_kb("2g"), 2 * 1024 * 1024);
	cr_assert_eq(xl_parse_mem_kb("1t"), 1ll << 30);
	cr_assert_eq(xl_parse_mem_kb("196608k"), 196608);
	cr_assert_eq(xl_parse_mem_kb("1048576b"), 1024);
	cr_assert_eq(xl_parse_mem_kb("0"), 0);
}

Test(xl_memory, what_xl_refuses)
{
	const char *bad[] = { "", "m", "-5", "+5", " 5", "12mb", "12x", "1.5g",
			      "99999999999999999999", "9999999999999t", NULL };

	for (unsigned i = 0; bad[i]; i++)
		cr_assert_eq(xl_parse_mem_kb(bad[i]), -1, "\"%s\" accepted", bad[i]);
	cr_assert_eq(xl_parse_mem_kb(NULL), -1);
}
