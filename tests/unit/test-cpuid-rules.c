#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "xen-abi/cpuid-rules.h"

static struct cpuid_rules rs;
static char err[256];

static void setup(void)
{
	memset(&rs, 0, sizeof(rs));
	memset(err, 0, sizeof(err));
}
TestSuite(cpuid_rules, .init = setup);

static const struct cpuid_rule *rule_for(uint32_t leaf, uint32_t subleaf, unsigned reg)
{
	unsigned i;

	for (i = 0; i < rs.n; i++)
		if (rs.r[i].leaf == leaf && rs.r[i].subleaf == subleaf && rs.r[i].reg == reg)
			return &rs.r[i];
	return NULL;
}

static void expect_rule(uint32_t leaf, uint32_t subleaf, unsigned reg,
			uint32_t force1, uint32_t force0, uint32_t host)
{
	const struct cpuid_rule *r = rule_for(leaf, subleaf, reg);

	cr_assert_not_null(r, "no rule for %#x,%#x reg %u", leaf, subleaf, reg);
	cr_expect_eq(r->force1, force1, "force1 %#x, want %#x", r->force1, force1);
	cr_expect_eq(r->force0, force0, "force0 %#x, want %#x", r->force0, force0);
	cr_expect_eq(r->host, host, "host %#x, want %#x", r->host, host);
}

/* The parse fails, err says want, and the rules are as they were. */
static void expect_libxl_error(const char *s, const char *want)
{
	struct cpuid_rules before = rs;

	cr_assert_eq(cpuid_rules_parse_libxl(s, &rs, err, sizeof(err)), -1, "'%s' parsed", s);
	cr_expect(strstr(err, want) != NULL, "err '%s' lacks '%s'", err, want);
	cr_expect(!memcmp(&before, &rs, sizeof(rs)), "'%s' changed the rules", s);
}

static void expect_xend_error(const char *s, const char *want)
{
	struct cpuid_rules before = rs;

	cr_assert_eq(cpuid_rules_parse_xend(s, &rs, err, sizeof(err)), -1, "'%s' parsed", s);
	cr_expect(strstr(err, want) != NULL, "err '%s' lacks '%s'", err, want);
	cr_expect(!memcmp(&before, &rs, sizeof(rs)), "'%s' changed the rules", s);
}

Test(cpuid_rules, libxl_host_prefix)
{
	cr_assert_eq(cpuid_rules_parse_libxl("host,tm=0,sse3=0,avx2=k", &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 3);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_EDX, 0, 1u << 29, 0);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_ECX, 0, 1u << 0, 0);
	expect_rule(7, 0, CPUID_EBX, 0, 0, 1u << 5);
}

Test(cpuid_rules, libxl_without_host)
{
	cr_assert_eq(cpuid_rules_parse_libxl("sse4_1=1,sse4.2=0", &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 1);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_ECX, 1u << 19, 1u << 20, 0);
}

Test(cpuid_rules, libxl_one_bit_values)
{
	cr_assert_eq(cpuid_rules_parse_libxl("host,avx512f=0,avx512dq=1,rdseed=x,adx=k,smap=s",
					     &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 1);
	expect_rule(7, 0, CPUID_EBX, 1u << 17, 1u << 16, 1u << 19 | 1u << 20);
}

Test(cpuid_rules, libxl_subleaf_names)
{
	cr_assert_eq(cpuid_rules_parse_libxl("avx-vnni=1,intel-psfd=0,lm=0,procpkg=3",
					     &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 4);
	expect_rule(7, 1, CPUID_EAX, 1u << 4, 0, 0);
	expect_rule(7, 2, CPUID_EDX, 0, 1u << 0, 0);
	expect_rule(0x80000001, CPUID_NO_SUBLEAF, CPUID_EDX, 0, 1u << 29, 0);
	expect_rule(4, 0, CPUID_EAX, 3u << 26, 0x3cu << 26, 0);
}

Test(cpuid_rules, libxl_multi_bit_fields)
{
	/* nc: 0x80000008 ecx bits 0-7; apicidsize bits 12-15. */
	cr_assert_eq(cpuid_rules_parse_libxl("nc=0x5,apicidsize=k,clflush=8",
					     &rs, err, sizeof(err)), 0, "%s", err);
	expect_rule(0x80000008, CPUID_NO_SUBLEAF, CPUID_ECX, 0x05, 0xfa, 0xf000);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_EBX, 0x0800, 0xf700, 0);
}

Test(cpuid_rules, libxl_stepping_model_family)
{
	/* Zen 3: family 0x19 = base 0xf + extended 0xa; model 0x21 = ext 2, base 1. */
	cr_assert_eq(cpuid_rules_parse_libxl("family=0x19,model=0x21,stepping=2",
					     &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 1);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_EAX,
		    0x0a << 20 | 0x2 << 16 | 0xf << 8 | 0x1 << 4 | 0x2,
		    0xf5 << 20 | 0xd << 16 | 0x0 << 8 | 0xe << 4 | 0xd, 0);
}

Test(cpuid_rules, libxl_small_family_clears_extended)
{
	cr_assert_eq(cpuid_rules_parse_libxl("family=6", &rs, err, sizeof(err)), 0, "%s", err);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_EAX, 0x600, 0xff00900, 0);
}

Test(cpuid_rules, libxl_maxleaf_takes_32_bits)
{
	cr_assert_eq(cpuid_rules_parse_libxl("maxleaf=0xffffffff", &rs, err, sizeof(err)), 0, "%s", err);
	expect_rule(0, CPUID_NO_SUBLEAF, CPUID_EAX, 0xffffffff, 0, 0);
	expect_libxl_error("maxleaf=0x100000000", "'maxleaf=0x100000000'");
}

Test(cpuid_rules, libxl_unknown_name)
{
	expect_libxl_error("host,tm=0,foo=1", "cpuid: unknown feature 'foo'");
	expect_libxl_error("avx512=1", "unknown feature 'avx512'");
}

Test(cpuid_rules, libxl_bad_values)
{
	expect_libxl_error("avx2=2", "cpuid: 'avx2=2': value must be 0, 1, x, k or s");
	expect_libxl_error("avx2=", "'avx2='");
	expect_libxl_error("avx2=11", "'avx2=11'");
	expect_libxl_error("nc=256", "'nc=256': value must be a number below 2^8");
	expect_libxl_error("stepping=-1", "'stepping=-1'");
	expect_libxl_error("family=0x", "'family=0x'");
	expect_libxl_error("tm", "'tm': expected name=value");
	expect_libxl_error("tm=0,host", "'host'");
}

Test(cpuid_rules, libxl_error_keeps_earlier_items_out)
{
	cr_assert_eq(cpuid_rules_parse_libxl("tm=1", &rs, err, sizeof(err)), 0);
	expect_libxl_error("tm=0,sse3=0,bogus=1", "'bogus'");
	cr_assert_eq(rs.n, 1);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_EDX, 1u << 29, 0, 0);
}

Test(cpuid_rules, error_fits_a_small_buffer)
{
	char small[8];

	memset(small, '#', sizeof(small));
	cr_assert_eq(cpuid_rules_parse_libxl("verylongunknownname=1", &rs, small, sizeof(small)), -1);
	cr_assert_eq(small[7], 0);
	cr_assert_str_eq(small, "cpuid: ");
	cr_assert_eq(cpuid_rules_parse_xend("nonsense", &rs, small, 1), -1);
	cr_assert_eq(small[0], 0);
	cr_assert_eq(cpuid_rules_parse_xend("nonsense", &rs, NULL, 0), -1);
}

Test(cpuid_rules, xend_two_registers)
{
	cr_assert_eq(cpuid_rules_parse_xend("0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0,"
					    "edx=1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxkx",
					    &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 2);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_ECX, 0, 1, 0);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_EDX, 1u << 31, 0, 2);
}

Test(cpuid_rules, xend_subleaf_and_decimal)
{
	cr_assert_eq(cpuid_rules_parse_xend("7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxx0xxxxx",
					    &rs, err, sizeof(err)), 0, "%s", err);
	expect_rule(7, 0, CPUID_EBX, 0, 1u << 5, 0);
	cr_assert_eq(cpuid_rules_parse_xend("2147483656:eax=ssssssssssssssssxxxxxxxxxxxxxxxx",
					    &rs, err, sizeof(err)), 0, "%s", err);
	expect_rule(0x80000008, CPUID_NO_SUBLEAF, CPUID_EAX, 0, 0, 0xffff0000);
}

Test(cpuid_rules, xend_blank_after_comma)
{
	cr_assert_eq(cpuid_rules_parse_xend("0xd,1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1, \n"
					    "ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0",
					    &rs, err, sizeof(err)), 0, "%s", err);
	expect_rule(0xd, 1, CPUID_EAX, 1, 0, 0);
	expect_rule(0xd, 1, CPUID_EBX, 0, 1, 0);
}

Test(cpuid_rules, xend_errors)
{
	expect_xend_error("0x1:ecx=01", "cpuid: '0x1:ecx=01': ecx needs 32 characters of 0 1 x k s");
	expect_xend_error("0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "needs 32 characters");
	expect_xend_error("0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx2", "needs 32 characters");
	expect_xend_error("0x1:eex=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "at 'eex=");
	expect_xend_error("0x1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,", "expected eax=");
	expect_xend_error("0x1:", "expected eax=");
	expect_xend_error("0x1ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "expected leaf[,subleaf]:");
	expect_xend_error("0x100000000:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "below 2^32");
	expect_xend_error("7,:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "'7,:ecx=");
	expect_xend_error("-1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "'-1:ecx=");
	expect_xend_error("", "expected leaf");
}

Test(cpuid_rules, xend_error_leaves_first_register_out)
{
	expect_xend_error("0x1:ecx=11111111111111111111111111111111,edx=1", "edx needs 32");
	cr_assert_eq(rs.n, 0);
}

Test(cpuid_rules, later_rule_wins_per_bit)
{
	cr_assert_eq(cpuid_rules_parse_xend("0x1:ecx=1111000011110000kkkkxxxxxxxxxxxx",
					    &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cpuid_rules_parse_xend("1:ecx=0000xxxxkkkk1111xxxx1111xxxxxxxx",
					    &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 1);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_ECX,
		    0x000f0f00, 0xff000000, 0x00f0f000);
	/* libxl names merge into the same rule. */
	cr_assert_eq(cpuid_rules_parse_libxl("sse3=1,hypervisor=k", &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 1);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_ECX,
		    0x000f0f01, 0x7f000000, 0x80f0f000);
	/* Within one string too. */
	cr_assert_eq(cpuid_rules_parse_libxl("tm=1,tm=0,tm=x", &rs, err, sizeof(err)), 0, "%s", err);
	expect_rule(1, CPUID_NO_SUBLEAF, CPUID_EDX, 0, 1u << 29, 0);
}

Test(cpuid_rules, subleaf_keeps_rules_apart)
{
	cr_assert_eq(cpuid_rules_parse_xend("7:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1",
					    &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cpuid_rules_parse_xend("7,0:ebx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0",
					    &rs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rs.n, 2);
	expect_rule(7, CPUID_NO_SUBLEAF, CPUID_EBX, 1, 0, 0);
	expect_rule(7, 0, CPUID_EBX, 0, 1, 0);
}

Test(cpuid_rules, too_many_rules)
{
	char s[64];
	unsigned i;

	for (i = 0; i < CPUID_RULES_MAX; i++) {
		snprintf(s, sizeof(s), "0x%x:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1", 0x40000100 + i);
		cr_assert_eq(cpuid_rules_parse_xend(s, &rs, err, sizeof(err)), 0, "%s", err);
	}
	cr_assert_eq(rs.n, CPUID_RULES_MAX);
	/* An existing rule still merges; a new one does not fit. */
	cr_assert_eq(cpuid_rules_parse_xend("0x40000100:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1x",
					    &rs, err, sizeof(err)), 0, "%s", err);
	expect_xend_error("0x1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1", "more than 64");
	expect_libxl_error("tm=0", "'tm=0': more than 64");
}

static uint32_t next_random(uint32_t *state)
{
	/* xorshift32: deterministic, so a failure reproduces. */
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

Test(cpuid_rules, format_round_trips)
{
	uint32_t seed = 0x12345678, a, b;
	struct cpuid_rule in;
	char buf[80];
	int i;

	for (i = 0; i < 2000; i++) {
		a = next_random(&seed);
		b = next_random(&seed);
		in = (struct cpuid_rule){
			.leaf = i % 3 ? a : a & 0xff,
			.subleaf = i % 4 == 0 ? CPUID_NO_SUBLEAF : b % 5 ? b & 0xf : b,
			.reg = next_random(&seed) % 4,
		};
		a = next_random(&seed);
		b = next_random(&seed);
		in.force1 = a & b;
		in.force0 = a & ~b;
		in.host = ~a & next_random(&seed);
		cr_assert_eq(cpuid_rule_format(&in, buf, sizeof(buf)), 0);
		memset(&rs, 0, sizeof(rs));
		cr_assert_eq(cpuid_rules_parse_xend(buf, &rs, err, sizeof(err)), 0, "'%s': %s", buf, err);
		cr_assert_eq(rs.n, 1);
		cr_assert(!memcmp(&rs.r[0], &in, sizeof(in)), "'%s' read back differently", buf);
	}
}

Test(cpuid_rules, format_text)
{
	struct cpuid_rule r = { .leaf = 7, .subleaf = 0, .reg = CPUID_EBX,
				.force1 = 1u << 31, .force0 = 1, .host = 2 };
	char buf[80];

	cr_assert_eq(cpuid_rule_format(&r, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0x7,0x0:ebx=1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxk0");
	r.subleaf = CPUID_NO_SUBLEAF;
	r.reg = CPUID_EDX;
	cr_assert_eq(cpuid_rule_format(&r, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0x7:edx=1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxk0");
}

Test(cpuid_rules, format_too_small)
{
	struct cpuid_rule r = { .leaf = 0xffffffff, .subleaf = 0xfffffffe, .reg = CPUID_EDX };
	char buf[80];
	int need;

	cr_assert_eq(cpuid_rule_format(&r, buf, sizeof(buf)), 0);
	need = (int)strlen(buf) + 1;
	cr_assert_eq(need, 59);
	memset(buf, '#', sizeof(buf));
	cr_assert_eq(cpuid_rule_format(&r, buf, need - 1), -1);
	cr_assert_eq(buf[0], 0);
	cr_assert_eq(cpuid_rule_format(&r, buf, 0), -1);
	cr_assert_eq(cpuid_rule_format(&r, buf, need), 0);
	r.reg = 4;
	cr_assert_eq(cpuid_rule_format(&r, buf, sizeof(buf)), -1);
}
