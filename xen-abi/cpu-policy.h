/*
 * The CPU a guest sees: Xen's default CPUID policy for PV and HVM (PVH is
 * HVM here: every HVM guest of ours runs on hardware paging), computed once
 * from what the host's KVM offers, edited by xl.cfg cpuid= rules, and asked
 * by every door the same way.
 */
#ifndef XENKVM_CPU_POLICY_H
#define XENKVM_CPU_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xen-abi/cpuid-rules.h"

enum cpu_guest_type { CPU_GUEST_PV, CPU_GUEST_HVM };

#define CPUID_TABLE_MAX 160

struct cpuid_leaf {
	uint32_t leaf, subleaf;		/* subleaf CPUID_NO_SUBLEAF: not indexed */
	uint32_t r[4];			/* eax ebx ecx edx */
};

struct cpuid_table {
	unsigned n;
	struct cpuid_leaf e[CPUID_TABLE_MAX];
};

/* The entry answering (leaf, subleaf), or NULL: CPUID reads zeros there. */
const uint32_t *cpuid_table_find(const struct cpuid_table *t, uint32_t leaf, uint32_t sub);
/* Replace or add an entry; -1 when the table is full. */
int cpuid_table_set(struct cpuid_table *t, uint32_t leaf, uint32_t sub, const uint32_t r[4]);

/*
 * Xen's featureset: 32-bit words, each one register of one leaf (the word
 * numbers of Xen's public cpufeatureset.h).
 */
#define CPU_FEATURE_WORDS 14

struct cpu_feature_word {
	uint32_t leaf, subleaf;
	unsigned reg;
};
extern const struct cpu_feature_word cpu_feature_words[CPU_FEATURE_WORDS];

/*
 * attr, as Xen annotates each feature: 'A' every guest, 'S' HVM only,
 * 'H' HVM on hardware paging only; lower case: only when a cpuid= rule asks;
 * ' ': never offered.
 */
struct cpu_feature {
	const char *name;		/* Xen's name, lower case */
	uint8_t word, bit;
	char attr;
};
extern const struct cpu_feature cpu_features[];
extern const size_t cpu_nr_features;

#define CPU_FEATURE(w, b) ((w) * 32 + (b))
enum {
	FEAT_APIC = CPU_FEATURE(0, 9),
	FEAT_HTT = CPU_FEATURE(0, 28),
	FEAT_XSAVE = CPU_FEATURE(1, 26),
	FEAT_OSXSAVE = CPU_FEATURE(1, 27),
	FEAT_AVX = CPU_FEATURE(1, 28),
	FEAT_X2APIC = CPU_FEATURE(1, 21),
	FEAT_HYPERVISOR = CPU_FEATURE(1, 31),
	FEAT_CMP_LEGACY = CPU_FEATURE(3, 1),
	FEAT_XSAVES = CPU_FEATURE(4, 3),
	FEAT_FSGSBASE = CPU_FEATURE(5, 0),
	FEAT_AVX2 = CPU_FEATURE(5, 5),
	FEAT_AVX512F = CPU_FEATURE(5, 16),
	FEAT_MPX = CPU_FEATURE(5, 14),
	FEAT_PKU = CPU_FEATURE(6, 3),
	FEAT_OSPKE = CPU_FEATURE(6, 4),
};

/* The feature of that name, or NULL. */
const struct cpu_feature *cpu_feature_by_name(const char *name);
bool cpu_policy_has(const struct cpuid_table *p, unsigned feature);

/*
 * Compute a guest's policy from the host's leaves (KVM_GET_SUPPORTED_CPUID)
 * and the domain's cpuid= rules (may be NULL). Returns 0, or -1 with err
 * naming what a rule asked that Xen would refuse (a feature the host lacks
 * or Xen never offers to this kind of guest).
 */
int cpu_policy_compute(const struct cpuid_table *host, enum cpu_guest_type type,
		       const struct cpuid_rules *rules, struct cpuid_table *out,
		       char *err, size_t errlen);

/* XSAVE: the XCR0 values a guest may set, and the area size for one. */
uint64_t cpu_policy_xcr0_max(const struct cpuid_table *p);
uint32_t cpu_policy_xstate_size(const struct cpuid_table *p, uint64_t xcr0);
/* XSETBV of XCR0 as Xen checks it (x87 always, YMM needs SSE, AVX-512's
 * three components together and with YMM, nothing past the maximum). */
bool cpu_policy_xcr0_valid(const struct cpuid_table *p, uint64_t xcr0);

/* The parts of a CPUID answer that follow the vCPU's state: OSXSAVE and the
 * current XSAVE size. osxsave is what the asking code should see. */
void cpu_policy_dynamic(const struct cpuid_table *p, uint32_t leaf, uint32_t sub,
			uint32_t r[4], uint64_t xcr0, bool osxsave);

/* Names of the features in p, space-separated, for xl info. */
void cpu_policy_feature_names(const struct cpuid_table *p, char *buf, size_t len);

#endif
