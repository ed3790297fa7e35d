/* Host CPU sets in xl's notation: cpus= and xl vcpu-pin. */
#include <criterion/criterion.h>
#include "src/xlcfg/cpumap.h"

static char err[256];

static const char *round_trip(const char *s, unsigned nr_cpus)
{
	static char out[256];
	struct cpumap m;

	if (cpumap_parse(s, nr_cpus, &m, err, sizeof(err)))
		return err;
	cpumap_format(&m, nr_cpus, out, sizeof(out));
	return out;
}

Test(cpumap, ranges_and_exclusions)
{
	cr_assert_str_eq(round_trip("3", 8), "3");
	cr_assert_str_eq(round_trip("0-3,6", 8), "0-3,6");
	cr_assert_str_eq(round_trip("0-7", 8), "all");
	cr_assert_str_eq(round_trip("all", 8), "all");
	cr_assert_str_eq(round_trip("all,^2-3", 8), "0-1,4-7");
	cr_assert_str_eq(round_trip("0-3,5,^1", 8), "0,2-3,5");
	cr_assert_str_eq(round_trip("6,2,4", 8), "2,4,6");
	cr_assert_str_eq(round_trip("0-99,^0", 100), "1-99");
}

Test(cpumap, what_is_refused)
{
	cr_assert_str_eq(round_trip("8", 8), "CPU 8 is not in this host (it has CPUs 0-7)");
	cr_assert_str_eq(round_trip("3-1", 8), "'3-1' is not a CPU, a range N-M or all");
	cr_assert_str_eq(round_trip("x", 8), "'x' is not a CPU, a range N-M or all");
	cr_assert_str_eq(round_trip("1,,3", 8), "1,3", "empty entries are skipped, as strtok does");
	cr_assert_str_eq(round_trip("^1", 8), "'^1' leaves no CPU to run on");
	cr_assert_str_eq(round_trip("", 8), "'' leaves no CPU to run on");
	cr_assert_str_eq(round_trip("nodes:0", 8), "'nodes:0': NUMA node sets are not supported; "
			 "name CPUs");
	cr_assert_str_eq(round_trip("2-", 8), "'2-' is not a CPU, a range N-M or all");
	cr_assert_str_eq(round_trip("5000", 8), "CPU 5000 is past the 1024 CPUs xenkvm can pin to");
}

Test(cpumap, test_and_fill)
{
	struct cpumap m;

	cpumap_fill(&m, 70);
	cr_assert(cpumap_test(&m, 69));
	cr_assert_not(cpumap_test(&m, 70));
	cr_assert_not(cpumap_test(&m, 5000));
}
