/*
 * A guest's CPUID policy as Xen derives it: the host's leaves, each feature
 * word cut to what Xen offers that kind of guest by default, the leaves Xen
 * does not virtualise zeroed, then the domain's cpuid= rules, checked.
 */
#include <stdio.h>
#include <string.h>
#include "xen-abi/cpu-policy.h"
#include "xen-abi/xstate.h"

#define MAX_BASIC_LEAF 0xdu		/* Xen 4.17's CPUID_GUEST_NR_BASIC - 1 */
#define MAX_EXTD_LEAF_INTEL 0x80000008u
#define MAX_EXTD_LEAF_AMD 0x80000021u
#define MAX_LEAF7_SUBLEAF 2u
#define VENDOR_INTEL_EBX 0x756e6547u	/* "Genu" */

#define XSTATE_LEGACY_SIZE 576u		/* FXSAVE area + XSAVE header */

const uint32_t *cpuid_table_find(const struct cpuid_table *t, uint32_t leaf, uint32_t sub)
{
	for (unsigned i = 0; i < t->n; i++) {
		const struct cpuid_leaf *e = &t->e[i];

		if (e->leaf == leaf && (e->subleaf == CPUID_NO_SUBLEAF || e->subleaf == sub))
			return e->r;
	}
	return NULL;
}

static struct cpuid_leaf *table_entry(struct cpuid_table *t, uint32_t leaf, uint32_t sub)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->e[i].leaf == leaf && t->e[i].subleaf == sub)
			return &t->e[i];
	return NULL;
}

int cpuid_table_set(struct cpuid_table *t, uint32_t leaf, uint32_t sub, const uint32_t r[4])
{
	struct cpuid_leaf *e = table_entry(t, leaf, sub);

	if (!e) {
		if (t->n == CPUID_TABLE_MAX)
			return -1;
		e = &t->e[t->n++];
		e->leaf = leaf;
		e->subleaf = sub;
	}
	memcpy(e->r, r, sizeof(e->r));
	return 0;
}

static uint32_t *word_reg(struct cpuid_table *t, unsigned w)
{
	const struct cpu_feature_word *fw = &cpu_feature_words[w];
	struct cpuid_leaf *e = table_entry(t, fw->leaf, fw->subleaf);

	return e ? &e->r[fw->reg] : NULL;
}

static uint32_t word_of(const struct cpuid_table *t, unsigned w)
{
	const struct cpu_feature_word *fw = &cpu_feature_words[w];
	const uint32_t *r = cpuid_table_find(t, fw->leaf, fw->subleaf);

	return r ? r[fw->reg] : 0;
}

bool cpu_policy_has(const struct cpuid_table *p, unsigned feature)
{
	return word_of(p, feature / 32) & (1u << (feature % 32));
}

static void clear_feature(struct cpuid_table *t, unsigned feature)
{
	uint32_t *r = word_reg(t, feature / 32);

	if (r)
		*r &= ~(1u << (feature % 32));
}

static void set_feature(struct cpuid_table *t, unsigned feature)
{
	uint32_t *r = word_reg(t, feature / 32);

	if (r)
		*r |= 1u << (feature % 32);
}

/* Which attributes a type of guest may have: by default, or when asked. */
static bool attr_allows(char attr, enum cpu_guest_type type, bool max)
{
	if (attr == 'A' || (max && attr == 'a'))
		return true;
	if (type == CPU_GUEST_PV)
		return false;
	return attr == 'S' || attr == 'H' || (max && (attr == 's' || attr == 'h'));
}

static void feature_masks(enum cpu_guest_type type, bool max, uint32_t mask[CPU_FEATURE_WORDS])
{
	memset(mask, 0, CPU_FEATURE_WORDS * sizeof(mask[0]));
	for (size_t i = 0; i < cpu_nr_features; i++) {
		const struct cpu_feature *f = &cpu_features[i];

		if (attr_allows(f->attr, type, max))
			mask[f->word] |= 1u << f->bit;
	}
}

/* Features that make no sense without another (a subset of Xen's table). */
static const struct { unsigned need; unsigned feature; } deps[] = {
	{ CPU_FEATURE(0, 24), CPU_FEATURE(0, 25) },	/* fxsr: sse */
	{ CPU_FEATURE(0, 25), CPU_FEATURE(0, 26) },	/* sse: sse2 */
	{ CPU_FEATURE(0, 26), CPU_FEATURE(1, 0) },	/* sse2: sse3 */
	{ CPU_FEATURE(1, 0), CPU_FEATURE(1, 9) },	/* sse3: ssse3 */
	{ CPU_FEATURE(1, 9), CPU_FEATURE(1, 19) },	/* ssse3: sse4_1 */
	{ CPU_FEATURE(1, 19), CPU_FEATURE(1, 20) },	/* sse4_1: sse4_2 */
	{ CPU_FEATURE(0, 26), CPU_FEATURE(1, 25) },	/* sse2: aesni */
	{ CPU_FEATURE(0, 26), CPU_FEATURE(1, 1) },	/* sse2: pclmulqdq */
	{ FEAT_XSAVE, CPU_FEATURE(4, 0) }, { FEAT_XSAVE, CPU_FEATURE(4, 1) },
	{ FEAT_XSAVE, CPU_FEATURE(4, 2) }, { FEAT_XSAVE, FEAT_XSAVES },
	{ FEAT_XSAVE, FEAT_AVX }, { FEAT_XSAVE, FEAT_MPX }, { FEAT_XSAVE, FEAT_PKU },
	{ FEAT_AVX, CPU_FEATURE(1, 12) },		/* fma */
	{ FEAT_AVX, CPU_FEATURE(1, 29) },		/* f16c */
	{ FEAT_AVX, FEAT_AVX2 }, { FEAT_AVX, FEAT_AVX512F },
	{ FEAT_AVX, CPU_FEATURE(3, 11) },		/* xop */
	{ FEAT_AVX, CPU_FEATURE(3, 16) },		/* fma4 */
	{ FEAT_AVX, CPU_FEATURE(6, 9) },		/* vaes */
	{ FEAT_AVX, CPU_FEATURE(6, 10) },		/* vpclmulqdq */
	{ FEAT_AVX, CPU_FEATURE(6, 8) },		/* gfni's VEX forms */
	{ CPU_FEATURE(1, 25), CPU_FEATURE(6, 9) },	/* aesni: vaes */
	{ CPU_FEATURE(1, 1), CPU_FEATURE(6, 10) },	/* pclmulqdq: vpclmulqdq */
};

static bool is_avx512(const struct cpu_feature *f)
{
	return !strncmp(f->name, "avx512", 6) && strcmp(f->name, "avx512f");
}

/* Repeat until nothing changes: dependencies chain (sse -> sse2 -> ...). */
static void clear_orphans(struct cpuid_table *t)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
			if (!cpu_policy_has(t, deps[i].need) && cpu_policy_has(t, deps[i].feature)) {
				clear_feature(t, deps[i].feature);
				changed = true;
			}
		}
	}
	if (cpu_policy_has(t, FEAT_AVX512F))
		return;
	for (size_t i = 0; i < cpu_nr_features; i++)
		if (is_avx512(&cpu_features[i]))
			clear_feature(t, CPU_FEATURE(cpu_features[i].word, cpu_features[i].bit));
}

static bool is_intel(const struct cpuid_table *host)
{
	const uint32_t *r = cpuid_table_find(host, 0, 0);

	return r && r[1] == VENDOR_INTEL_EBX;
}

/* Leaves Xen shows as the host has them; every other leaf is built below. */
static bool leaf_passed_through(uint32_t leaf, enum cpu_guest_type type)
{
	switch (leaf) {
	case 0: case 1: case 2: case 4: case 7: case 0xd:
		return true;
	case 0xb:
		return type == CPU_GUEST_HVM;	/* x2APIC topology: HVM only */
	case 0x80000000: case 0x80000001: case 0x80000002: case 0x80000003:
	case 0x80000004: case 0x80000005: case 0x80000006: case 0x80000007:
	case 0x80000008: case 0x80000021:
		return true;
	}
	return false;
}

static void copy_host_leaves(const struct cpuid_table *host, enum cpu_guest_type type,
			     struct cpuid_table *out)
{
	uint32_t max_extd = is_intel(host) ? MAX_EXTD_LEAF_INTEL : MAX_EXTD_LEAF_AMD;

	out->n = 0;
	for (unsigned i = 0; i < host->n; i++) {
		const struct cpuid_leaf *e = &host->e[i];
		bool extd = e->leaf >= 0x80000000u;

		if (!leaf_passed_through(e->leaf, type) ||
		    e->leaf > (extd ? max_extd : MAX_BASIC_LEAF) ||
		    (e->leaf == 7 && e->subleaf != CPUID_NO_SUBLEAF &&
		     e->subleaf > MAX_LEAF7_SUBLEAF))
			continue;
		out->e[out->n++] = *e;
	}
	/* Words Xen knows whose leaf the host lacks read as zero features. */
	for (unsigned w = 0; w < CPU_FEATURE_WORDS; w++) {
		const struct cpu_feature_word *fw = &cpu_feature_words[w];
		uint32_t zero[4] = { 0 };

		if (!cpuid_table_find(out, fw->leaf, fw->subleaf))
			cpuid_table_set(out, fw->leaf, fw->subleaf, zero);
	}
}

static void clamp_ranges(struct cpuid_table *t, uint32_t max_extd)
{
	struct cpuid_leaf *e;

	if ((e = table_entry(t, 0, CPUID_NO_SUBLEAF)) && e->r[0] > MAX_BASIC_LEAF)
		e->r[0] = MAX_BASIC_LEAF;
	if ((e = table_entry(t, 7, 0)) && e->r[0] > MAX_LEAF7_SUBLEAF)
		e->r[0] = MAX_LEAF7_SUBLEAF;
	if ((e = table_entry(t, 0x80000000, CPUID_NO_SUBLEAF)) && e->r[0] > max_extd)
		e->r[0] = max_extd;
}

/* Registers of kept leaves that hold no features Xen offers, zeroed. */
static void zero_unvirtualised(struct cpuid_table *t, enum cpu_guest_type type)
{
	struct cpuid_leaf *e;

	if ((e = table_entry(t, 7, 1)))
		e->r[2] = e->r[3] = 0;
	if ((e = table_entry(t, 7, 2)))
		e->r[0] = e->r[1] = e->r[2] = 0;
	if ((e = table_entry(t, 0x80000007, CPUID_NO_SUBLEAF)))
		e->r[0] = e->r[1] = e->r[2] = 0;
	if ((e = table_entry(t, 0x80000008, CPUID_NO_SUBLEAF)))
		e->r[3] = 0;
	if ((e = table_entry(t, 0x80000021, CPUID_NO_SUBLEAF)))
		e->r[1] = e->r[2] = e->r[3] = 0;
	if (type == CPU_GUEST_PV && (e = table_entry(t, 1, CPUID_NO_SUBLEAF)))
		e->r[1] &= 0x00ffffffu;	/* a PV vCPU has no APIC id */
}

static void apply_feature_masks(struct cpuid_table *t, const uint32_t mask[CPU_FEATURE_WORDS])
{
	for (unsigned w = 0; w < CPU_FEATURE_WORDS; w++) {
		uint32_t *r = word_reg(t, w);

		if (r)
			*r &= mask[w];
	}
}

/*
 * The bits Xen treats specially: the hypervisor bit is always set, OSXSAVE
 * and OSPKE follow the vCPU's CR4 (cpu_policy_dynamic), a PV domU sees no
 * local APIC and no x2APIC. HTT and CMP_LEGACY stay the host's (a PV guest
 * sees the host's topology).
 */
static void fix_special_bits(struct cpuid_table *t, enum cpu_guest_type type)
{
	set_feature(t, FEAT_HYPERVISOR);
	clear_feature(t, FEAT_OSXSAVE);
	clear_feature(t, FEAT_OSPKE);
	if (type == CPU_GUEST_PV) {
		clear_feature(t, FEAT_APIC);
		clear_feature(t, FEAT_X2APIC);
		/* Xen offers it; our runtime keeps the guest's segment bases in
		 * its own copies, which WRGSBASE from the guest would bypass. */
		clear_feature(t, FEAT_FSGSBASE);
	}
}

/* On AMD, 0x80000001.edx repeats leaf 1's common bits. */
static void mirror_amd_common(struct cpuid_table *t, const struct cpuid_table *host)
{
	const uint32_t common = 0x0183f3ffu;
	uint32_t *e1d = word_reg(t, 2);

	if (is_intel(host) || !e1d)
		return;
	*e1d = (*e1d & ~common) | (word_of(t, 0) & common);
}

static uint64_t xstate_allowed(const struct cpuid_table *t)
{
	uint64_t x = XSTATE_X87 | XSTATE_SSE;

	if (!cpu_policy_has(t, FEAT_XSAVE))
		return 0;
	if (cpu_policy_has(t, FEAT_AVX))
		x |= XSTATE_YMM;
	if (cpu_policy_has(t, FEAT_MPX))
		x |= XSTATE_BND;
	if (cpu_policy_has(t, FEAT_AVX512F))
		x |= XSTATE_AVX512;
	if (cpu_policy_has(t, FEAT_PKU))
		x |= XSTATE_PKRU;
	return x;
}

/* Leaf 0xd from the final features: XCR0's maximum and the per-component
 * subleaves of the components kept; XSS only where XSAVES is offered. */
static void build_xsave_leaf(struct cpuid_table *t, const struct cpuid_table *host)
{
	const uint32_t *h0 = cpuid_table_find(host, 0xd, 0);
	uint64_t host_xcr0 = h0 ? h0[0] | (uint64_t)h0[3] << 32 : 0;
	uint64_t xcr0 = xstate_allowed(t) & host_xcr0;

	for (unsigned i = 0; i < t->n; i++) {
		struct cpuid_leaf *e = &t->e[i];

		if (e->leaf != 0xd || e->subleaf == CPUID_NO_SUBLEAF)
			continue;
		if (e->subleaf == 0) {
			e->r[0] = (uint32_t)xcr0;
			e->r[3] = (uint32_t)(xcr0 >> 32);
		} else if (e->subleaf == 1) {
			if (!cpu_policy_has(t, FEAT_XSAVES))
				e->r[1] = e->r[2] = e->r[3] = 0;
		} else if (e->subleaf >= 64 || !(xcr0 & (1ull << e->subleaf))) {
			memset(e->r, 0, sizeof(e->r));
		}
	}
	if ((h0 = cpuid_table_find(t, 0xd, 0))) {
		uint32_t r[4] = { h0[0], cpu_policy_xstate_size(t, XSTATE_X87 | XSTATE_SSE),
				  cpu_policy_xstate_size(t, xcr0), h0[3] };
		cpuid_table_set(t, 0xd, 0, r);
	}
}

static const char *feature_name(unsigned w, unsigned bit)
{
	for (size_t i = 0; i < cpu_nr_features; i++)
		if (cpu_features[i].word == w && cpu_features[i].bit == bit)
			return cpu_features[i].name;
	return NULL;
}

static int apply_rule(struct cpuid_table *t, const struct cpuid_table *host,
		      const struct cpuid_rule *rule, char *err, size_t errlen)
{
	uint32_t sub = rule->subleaf;
	const uint32_t *h, *cur;
	uint32_t r[4] = { 0 };

	/* A rule without a subleaf on an indexed leaf means subleaf 0. */
	if (sub == CPUID_NO_SUBLEAF && !table_entry(t, rule->leaf, sub) &&
	    table_entry(t, rule->leaf, 0))
		sub = 0;
	if ((cur = cpuid_table_find(t, rule->leaf, sub)))
		memcpy(r, cur, sizeof(r));
	h = cpuid_table_find(host, rule->leaf, sub);
	r[rule->reg] = (r[rule->reg] & ~(rule->force0 | rule->force1 | rule->host)) |
		       rule->force1 | ((h ? h[rule->reg] : 0) & rule->host);
	if (cpuid_table_set(t, rule->leaf, sub, r)) {
		snprintf(err, errlen, "cpuid: too many leaves (at leaf %#x)", rule->leaf);
		return -1;
	}
	return 0;
}

/* A rule may not set a feature the host lacks or Xen never offers this
 * guest: Xen refuses such a policy when the domain is built. */
static int check_forced(const struct cpuid_table *t, const struct cpuid_rules *rules,
			enum cpu_guest_type type, char *err, size_t errlen)
{
	for (unsigned i = 0; i < rules->n; i++) {
		const struct cpuid_rule *rule = &rules->r[i];

		for (unsigned w = 0; w < CPU_FEATURE_WORDS; w++) {
			const struct cpu_feature_word *fw = &cpu_feature_words[w];
			uint32_t lost;
			const char *name;

			if (fw->leaf != rule->leaf || fw->reg != rule->reg ||
			    (rule->subleaf != fw->subleaf &&
			     !(rule->subleaf == CPUID_NO_SUBLEAF && fw->subleaf == 0)))
				continue;
			lost = rule->force1 & ~word_of(t, w);
			if (!lost)
				continue;
			name = feature_name(w, (unsigned)__builtin_ctz(lost));
			snprintf(err, errlen, "cpuid: feature '%s' cannot be offered to this %s "
				 "guest: the host lacks it or Xen does not offer it",
				 name ? name : "?", type == CPU_GUEST_PV ? "PV" : "HVM");
			return -1;
		}
	}
	return 0;
}

int cpu_policy_compute(const struct cpuid_table *host, enum cpu_guest_type type,
		       const struct cpuid_rules *rules, struct cpuid_table *out,
		       char *err, size_t errlen)
{
	uint32_t mask[CPU_FEATURE_WORDS], host_words[CPU_FEATURE_WORDS];

	copy_host_leaves(host, type, out);
	for (unsigned w = 0; w < CPU_FEATURE_WORDS; w++)
		host_words[w] = word_of(host, w);
	clamp_ranges(out, is_intel(host) ? MAX_EXTD_LEAF_INTEL : MAX_EXTD_LEAF_AMD);
	zero_unvirtualised(out, type);
	feature_masks(type, false, mask);
	apply_feature_masks(out, mask);
	for (unsigned i = 0; rules && i < rules->n; i++)
		if (apply_rule(out, host, &rules->r[i], err, errlen))
			return -1;
	/* What the rules asked, within what the host has and Xen would offer. */
	feature_masks(type, true, mask);
	for (unsigned w = 0; w < CPU_FEATURE_WORDS; w++)
		mask[w] &= host_words[w];
	apply_feature_masks(out, mask);
	fix_special_bits(out, type);
	if (rules && check_forced(out, rules, type, err, errlen))
		return -1;
	clear_orphans(out);
	mirror_amd_common(out, host);
	build_xsave_leaf(out, host);
	return 0;
}

uint64_t cpu_policy_xcr0_max(const struct cpuid_table *p)
{
	const uint32_t *r = cpuid_table_find(p, 0xd, 0);

	return r ? r[0] | (uint64_t)r[3] << 32 : 0;
}

uint32_t cpu_policy_xstate_size(const struct cpuid_table *p, uint64_t xcr0)
{
	uint32_t size = XSTATE_LEGACY_SIZE;

	for (unsigned i = 2; i < 63; i++) {
		const uint32_t *r;

		if (!(xcr0 & (1ull << i)) || !(r = cpuid_table_find(p, 0xd, i)))
			continue;
		if (r[0] + r[1] > size)
			size = r[0] + r[1];
	}
	return size;
}

bool cpu_policy_xcr0_valid(const struct cpuid_table *p, uint64_t xcr0)
{
	return xstate_xcr0_valid(cpu_policy_xcr0_max(p), xcr0);
}

void cpu_policy_dynamic(const struct cpuid_table *p, uint32_t leaf, uint32_t sub,
			uint32_t r[4], uint64_t xcr0, bool osxsave)
{
	if (leaf == 1 && osxsave && cpu_policy_has(p, FEAT_XSAVE))
		r[CPUID_ECX] |= 1u << (FEAT_OSXSAVE % 32);
	if (leaf == 0xd && sub == 0 && cpu_policy_has(p, FEAT_XSAVE))
		r[CPUID_EBX] = cpu_policy_xstate_size(p, xcr0 ? xcr0 : XSTATE_INIT);
}

void cpu_policy_feature_names(const struct cpuid_table *p, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = 0;
	for (size_t i = 0; i < cpu_nr_features && used < len; i++) {
		const struct cpu_feature *f = &cpu_features[i];
		int n;

		if (!cpu_policy_has(p, CPU_FEATURE(f->word, f->bit)))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", f->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
