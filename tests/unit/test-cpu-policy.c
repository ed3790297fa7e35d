/*
 * Xen's default CPUID policy per guest type, leaf by leaf, from a made-up
 * Intel host that has nearly everything (and AMD where vendors differ).
 */
#include <criterion/criterion.h>
#include <string.h>
#include "xen-abi/cpu-policy.h"
#include "xen-abi/xstate.h"

static struct cpuid_table host, pol;
static char err[256];

#define BIT(n) (1u << (n))

static void set(uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	uint32_t r[4] = { a, b, c, d };

	cr_assert_eq(cpuid_table_set(&host, leaf, sub, r), 0);
}

static void intel_host(void)
{
	memset(&host, 0, sizeof(host));
	set(0, CPUID_NO_SUBLEAF, 0x1f, 0x756e6547, 0x6c65746e, 0x49656e69);
	/* leaf 1: APIC id 5, 16 logical; every ecx feature, every edx one */
	set(1, CPUID_NO_SUBLEAF, 0x000906ea, 0x05100800, 0x7ffefbff, 0xbfebfbff);
	set(4, 0, 0x1c004121, 0x01c0003f, 0x3f, 0);
	set(5, CPUID_NO_SUBLEAF, 0x40, 0x40, 3, 0x11142120);
	set(6, CPUID_NO_SUBLEAF, 0x27f7, 2, 9, 0);
	set(7, 0, 2, 0xffffffff, 0xffffffff, 0xffffffff);
	set(7, 1, BIT(5) | BIT(4), 0xffff, 7, 7);
	set(7, 2, 0, 0, 0, BIT(0) | BIT(3));
	set(0xb, 0, 1, 2, 0x100, 5);
	/* XCR0 max: x87 SSE YMM BND(2) AVX-512(3) PKRU */
	set(0xd, 0, 0x2ff, 0xa88, 0xa88, 0);
	set(0xd, 1, 0xf, 0x988, 0x100, 0);
	set(0xd, 2, 256, 576, 0, 0);
	set(0xd, 3, 64, 960, 0, 0);
	set(0xd, 4, 64, 1024, 0, 0);
	set(0xd, 5, 64, 1088, 0, 0);
	set(0xd, 6, 512, 1152, 0, 0);
	set(0xd, 7, 1024, 1664, 0, 0);
	set(0xd, 8, 128, 0, 1, 0);
	set(0xd, 9, 8, 2688, 0, 0);
	set(0x14, 0, 1, 0xf, 7, 0);
	set(0x80000000, CPUID_NO_SUBLEAF, 0x80000008, 0, 0, 0);
	set(0x80000001, CPUID_NO_SUBLEAF, 0, 0, 0x121, 0x2c100800);
	set(0x80000007, CPUID_NO_SUBLEAF, 0, 0, 0, BIT(8));
	set(0x80000008, CPUID_NO_SUBLEAF, 0x3027, 0xffffffff, 0, 0);
}

static void compute(enum cpu_guest_type type, const struct cpuid_rules *rules)
{
	cr_assert_eq(cpu_policy_compute(&host, type, rules, &pol, err, sizeof(err)), 0, "%s", err);
}

static bool has(const char *name)
{
	const struct cpu_feature *f = cpu_feature_by_name(name);

	cr_assert_not_null(f, "no feature %s", name);
	return cpu_policy_has(&pol, CPU_FEATURE(f->word, f->bit));
}

TestSuite(cpu_policy, .init = intel_host);

Test(cpu_policy, pv_offers_what_xen_gives_every_guest)
{
	static const char *const offered[] = {
		"fpu", "de", "tsc", "msr", "pae", "cx8", "sep", "cmov", "pat", "clflush",
		"mmx", "fxsr", "sse", "sse2", "sse3", "pclmulqdq", "ssse3", "fma", "cx16",
		"sse4_1", "sse4_2", "movbe", "popcnt", "aesni", "xsave", "avx", "f16c",
		"rdrand", "hypervisor", "syscall", "nx", "rdtscp", "lm", "lahf_lm", "abm",
		"bmi1", "avx2", "bmi2", "erms", "avx512f", "rdseed", "adx", "sha",
		"xsaveopt", "xsavec", "avx512_bf16", "md_clear", "ssbd", "intel_psfd",
	};

	compute(CPU_GUEST_PV, NULL);
	for (size_t i = 0; i < sizeof(offered) / sizeof(offered[0]); i++)
		cr_assert(has(offered[i]), "PV lacks %s", offered[i]);
}

Test(cpu_policy, pv_hides_what_xen_hides)
{
	static const char *const hidden[] = {
		"vme", "pse", "mtrr", "pge", "pse36", "ds", "tm1", "pbe", "dtes64",
		"monitor", "dscpl", "vmx", "smx", "eist", "tm2", "xtpr", "pdcm", "pcid",
		"dca", "x2apic", "tsc_deadline", "osxsave", "apic", "page1gb", "xsaves",
		"tsc_adjust", "sgx", "hle", "smep", "invpcid", "mpx", "smap", "umip", "pku",
		"ospke", "movdiri", "serialize", "arch_caps", "itsc", "fsgsbase",
	};

	compute(CPU_GUEST_PV, NULL);
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		cr_assert(!has(hidden[i]), "PV shows %s", hidden[i]);
}

Test(cpu_policy, hvm_adds_the_hvm_only_features)
{
	compute(CPU_GUEST_HVM, NULL);
	cr_assert(has("vmx") && has("pcid") && has("pge") && has("smep") && has("smap"));
	cr_assert(has("apic") && has("x2apic") && has("xsaves") && has("page1gb"));
	cr_assert(has("fsgsbase") && has("tsc_deadline") && has("pku"));
	cr_assert(!has("monitor") && !has("mpx") && !has("hle") && !has("osxsave"));
}

Test(cpu_policy, host_lacking_a_feature_wins)
{
	uint32_t r[4] = { 2, 0xffffffff & ~BIT(5), 0xffffffff, 0xffffffff };

	cpuid_table_set(&host, 7, 0, r);	/* no AVX2 */
	compute(CPU_GUEST_PV, NULL);
	cr_assert(!has("avx2"));
	cr_assert(has("bmi2"));
}

Test(cpu_policy, leaf_ranges_are_xens)
{
	compute(CPU_GUEST_PV, NULL);
	cr_assert_eq(cpuid_table_find(&pol, 0, 0)[0], 0xd, "max basic leaf");
	cr_assert_eq(cpuid_table_find(&pol, 7, 0)[0], 2, "max leaf 7 subleaf");
	cr_assert_null(cpuid_table_find(&pol, 0x14, 0), "processor trace leaf kept");
	cr_assert_null(cpuid_table_find(&pol, 5, 0), "MONITOR leaf kept");
	cr_assert_null(cpuid_table_find(&pol, 6, 0), "power leaf kept");
	cr_assert_null(cpuid_table_find(&pol, 0xb, 0), "x2APIC topology for PV");
	cr_assert_eq(cpuid_table_find(&pol, 4, 0)[0], 0x1c004121, "cache leaf passed through");
	cr_assert_eq(cpuid_table_find(&pol, 0x80000007, 0)[3], 0, "invariant TSC shown");
}

Test(cpu_policy, pv_leaf1_has_no_apic_id_but_host_topology)
{
	compute(CPU_GUEST_PV, NULL);
	cr_assert_eq(cpuid_table_find(&pol, 1, 0)[1], 0x00100800);
	cr_assert(has("htt"));
}

Test(cpu_policy, pv_xsave_leaf_follows_the_features)
{
	const uint32_t *r;

	compute(CPU_GUEST_PV, NULL);
	/* x87 SSE YMM AVX-512; no MPX (opt-in), no PKRU (HVM only) */
	cr_assert_eq(cpu_policy_xcr0_max(&pol), 0xe7);
	r = cpuid_table_find(&pol, 0xd, 0);
	cr_assert_eq(r[2], 2688, "size for the maximum: ZMM_Hi16 ends at 2688");
	cr_assert_eq(r[1], 576, "size for XCR0 = x87|SSE");
	cr_assert_eq(cpuid_table_find(&pol, 0xd, 1)[0], 0x7, "xsaves hidden");
	cr_assert_eq(cpuid_table_find(&pol, 0xd, 1)[2], 0, "XSS offered without xsaves");
	cr_assert_eq(cpuid_table_find(&pol, 0xd, 3)[0], 0, "MPX component kept");
	cr_assert_eq(cpuid_table_find(&pol, 0xd, 9)[0], 0, "PKRU component kept");
	cr_assert_eq(cpuid_table_find(&pol, 0xd, 2)[0], 256, "YMM component lost");
}

Test(cpu_policy, dynamic_osxsave_and_xsave_size)
{
	uint32_t r[4];

	compute(CPU_GUEST_PV, NULL);
	memcpy(r, cpuid_table_find(&pol, 1, 0), sizeof(r));
	cpu_policy_dynamic(&pol, 1, 0, r, XSTATE_INIT, false);
	cr_assert_eq(r[2] & BIT(27), 0);
	cpu_policy_dynamic(&pol, 1, 0, r, XSTATE_INIT, true);
	cr_assert_neq(r[2] & BIT(27), 0);
	memcpy(r, cpuid_table_find(&pol, 0xd, 0), sizeof(r));
	cpu_policy_dynamic(&pol, 0xd, 0, r, 0x7, true);
	cr_assert_eq(r[1], 832, "YMM ends at 576 + 256");
}

Test(cpu_policy, xcr0_checks_are_xens)
{
	compute(CPU_GUEST_PV, NULL);
	cr_assert(cpu_policy_xcr0_valid(&pol, 0x3));
	cr_assert(cpu_policy_xcr0_valid(&pol, 0x7));
	cr_assert(cpu_policy_xcr0_valid(&pol, 0xe7));
	cr_assert(!cpu_policy_xcr0_valid(&pol, 0x2), "x87 clear");
	cr_assert(!cpu_policy_xcr0_valid(&pol, 0x5), "YMM without SSE");
	cr_assert(!cpu_policy_xcr0_valid(&pol, 0x27), "one AVX-512 component");
	cr_assert(!cpu_policy_xcr0_valid(&pol, 0xe3), "AVX-512 without YMM");
	cr_assert(!cpu_policy_xcr0_valid(&pol, 0x207), "PKRU not in the PV maximum");
	cr_assert(!cpu_policy_xcr0_valid(&pol, 0x1f), "MPX not in the PV maximum");
}

Test(cpu_policy, rule_hides_avx2_and_dependents_follow)
{
	struct cpuid_rules rules = { 0 };

	cr_assert_eq(cpuid_rules_parse_libxl("host,avx=0", &rules, err, sizeof(err)), 0, "%s", err);
	compute(CPU_GUEST_PV, &rules);
	cr_assert(!has("avx") && !has("avx2") && !has("fma") && !has("f16c"));
	cr_assert(!has("avx512f") && !has("avx512bw"), "AVX-512 without AVX");
	cr_assert(has("xsave") && has("sse4_2"));
	cr_assert_eq(cpu_policy_xcr0_max(&pol), 0x3, "YMM kept without AVX");
}

Test(cpu_policy, rule_hides_one_feature)
{
	struct cpuid_rules rules = { 0 };

	cr_assert_eq(cpuid_rules_parse_libxl("host,avx2=0", &rules, err, sizeof(err)), 0, "%s", err);
	compute(CPU_GUEST_PV, &rules);
	cr_assert(!has("avx2"));
	cr_assert(has("avx") && has("bmi2"));
}

Test(cpu_policy, rule_may_opt_in_but_not_beyond_xen)
{
	struct cpuid_rules rules = { 0 };

	cr_assert_eq(cpuid_rules_parse_libxl("host,serialize=1", &rules, err, sizeof(err)), 0);
	compute(CPU_GUEST_PV, &rules);
	cr_assert(has("serialize"), "opt-in feature refused");

	rules.n = 0;
	cr_assert_eq(cpuid_rules_parse_libxl("host,vmx=1", &rules, err, sizeof(err)), 0);
	cr_assert_eq(cpu_policy_compute(&host, CPU_GUEST_PV, &rules, &pol, err, sizeof(err)), -1);
	cr_assert(strstr(err, "'vmx'"), "error does not name vmx: %s", err);
}

Test(cpu_policy, rule_cannot_give_what_the_host_lacks)
{
	struct cpuid_rules rules = { 0 };
	uint32_t r[4] = { 2, 0xffffffff & ~BIT(5), 0xffffffff, 0xffffffff };

	cpuid_table_set(&host, 7, 0, r);
	cr_assert_eq(cpuid_rules_parse_libxl("avx2=1", &rules, err, sizeof(err)), 0);
	cr_assert_eq(cpu_policy_compute(&host, CPU_GUEST_PV, &rules, &pol, err, sizeof(err)), -1);
	cr_assert(strstr(err, "avx2"), "%s", err);
}

Test(cpu_policy, xend_rule_edits_a_non_feature_field)
{
	struct cpuid_rules rules = { 0 };

	/* brand/family/model/stepping: leaf 1 eax's low byte forced to 0x55 */
	cr_assert_eq(cpuid_rules_parse_xend("1:eax=xxxxxxxxxxxxxxxxxxxxxxxx01010101", &rules,
					    err, sizeof(err)), 0, "%s", err);
	compute(CPU_GUEST_PV, &rules);
	cr_assert_eq(cpuid_table_find(&pol, 1, 0)[0], 0x00090655);
}

Test(cpu_policy, amd_mirrors_common_edx_bits)
{
	uint32_t v[4] = { 0x10, 0x68747541, 0x444d4163, 0x69746e65 };	/* AuthenticAMD */
	uint32_t e1[4] = { 0, 0, 0x00000001, 0x2c100800 | BIT(9) | BIT(13) };

	cpuid_table_set(&host, 0, CPUID_NO_SUBLEAF, v);
	cpuid_table_set(&host, 0x80000001, CPUID_NO_SUBLEAF, e1);
	compute(CPU_GUEST_PV, NULL);
	/* fpu (0) from leaf 1 shows; apic (9) and pge (13) not, as in leaf 1 */
	cr_assert_neq(cpuid_table_find(&pol, 0x80000001, 0)[3] & BIT(0), 0);
	cr_assert_eq(cpuid_table_find(&pol, 0x80000001, 0)[3] & (BIT(9) | BIT(13)), 0);
}

Test(cpu_policy, feature_names_list)
{
	char buf[4096];

	compute(CPU_GUEST_PV, NULL);
	cpu_policy_feature_names(&pol, buf, sizeof(buf));
	cr_assert(strstr(buf, " avx2 ") && strstr(buf, "fpu ") == buf);
	cr_assert_null(strstr(buf, " vmx "));
	cpu_policy_feature_names(&pol, buf, 8);
	cr_assert_lt(strlen(buf), 8);
}
