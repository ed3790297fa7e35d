/*
 * Xen's featureset: where each word lives, and each feature's name and who
 * gets it by default (the attributes of Xen 4.17's public cpufeatureset.h).
 */
#include <string.h>
#include "xen-abi/cpu-policy.h"

const struct cpu_feature_word cpu_feature_words[CPU_FEATURE_WORDS] = {
	{ 0x00000001, CPUID_NO_SUBLEAF, CPUID_EDX },
	{ 0x00000001, CPUID_NO_SUBLEAF, CPUID_ECX },
	{ 0x80000001, CPUID_NO_SUBLEAF, CPUID_EDX },
	{ 0x80000001, CPUID_NO_SUBLEAF, CPUID_ECX },
	{ 0x0000000d, 1, CPUID_EAX },
	{ 0x00000007, 0, CPUID_EBX },
	{ 0x00000007, 0, CPUID_ECX },
	{ 0x80000007, CPUID_NO_SUBLEAF, CPUID_EDX },
	{ 0x80000008, CPUID_NO_SUBLEAF, CPUID_EBX },
	{ 0x00000007, 0, CPUID_EDX },
	{ 0x00000007, 1, CPUID_EAX },
	{ 0x80000021, CPUID_NO_SUBLEAF, CPUID_EAX },
	{ 0x00000007, 1, CPUID_EBX },
	{ 0x00000007, 2, CPUID_EDX },
};

const struct cpu_feature cpu_features[] = {
	/* 1.edx */
	{ "fpu", 0, 0, 'A' }, { "vme", 0, 1, 'S' }, { "de", 0, 2, 'A' },
	{ "pse", 0, 3, 'S' }, { "tsc", 0, 4, 'A' }, { "msr", 0, 5, 'A' },
	{ "pae", 0, 6, 'A' }, { "mce", 0, 7, 'A' }, { "cx8", 0, 8, 'A' },
	{ "apic", 0, 9, 'A' }, { "sep", 0, 11, 'A' }, { "mtrr", 0, 12, 'S' },
	{ "pge", 0, 13, 'S' }, { "mca", 0, 14, 'A' }, { "cmov", 0, 15, 'A' },
	{ "pat", 0, 16, 'A' }, { "pse36", 0, 17, 'S' }, { "clflush", 0, 19, 'A' },
	{ "ds", 0, 21, ' ' }, { "acpi", 0, 22, 'A' }, { "mmx", 0, 23, 'A' },
	{ "fxsr", 0, 24, 'A' }, { "sse", 0, 25, 'A' }, { "sse2", 0, 26, 'A' },
	{ "ss", 0, 27, 'A' }, { "htt", 0, 28, 'A' }, { "tm1", 0, 29, ' ' },
	{ "pbe", 0, 31, ' ' },
	/* 1.ecx */
	{ "sse3", 1, 0, 'A' }, { "pclmulqdq", 1, 1, 'A' }, { "dtes64", 1, 2, ' ' },
	{ "monitor", 1, 3, ' ' }, { "dscpl", 1, 4, ' ' }, { "vmx", 1, 5, 'S' },
	{ "smx", 1, 6, ' ' }, { "eist", 1, 7, ' ' }, { "tm2", 1, 8, ' ' },
	{ "ssse3", 1, 9, 'A' }, { "fma", 1, 12, 'A' }, { "cx16", 1, 13, 'A' },
	{ "xtpr", 1, 14, ' ' }, { "pdcm", 1, 15, ' ' }, { "pcid", 1, 17, 'H' },
	{ "dca", 1, 18, ' ' }, { "sse4_1", 1, 19, 'A' }, { "sse4_2", 1, 20, 'A' },
	{ "x2apic", 1, 21, 'A' }, { "movbe", 1, 22, 'A' }, { "popcnt", 1, 23, 'A' },
	{ "tsc_deadline", 1, 24, 'S' }, { "aesni", 1, 25, 'A' }, { "xsave", 1, 26, 'A' },
	{ "osxsave", 1, 27, ' ' }, { "avx", 1, 28, 'A' }, { "f16c", 1, 29, 'A' },
	{ "rdrand", 1, 30, 'A' }, { "hypervisor", 1, 31, 'A' },
	/* 0x80000001.edx */
	{ "syscall", 2, 11, 'A' }, { "nx", 2, 20, 'A' }, { "mmxext", 2, 22, 'A' },
	{ "ffxsr", 2, 25, 'A' }, { "page1gb", 2, 26, 'H' }, { "rdtscp", 2, 27, 'A' },
	{ "lm", 2, 29, 'A' }, { "3dnowext", 2, 30, 'A' }, { "3dnow", 2, 31, 'A' },
	/* 0x80000001.ecx */
	{ "lahf_lm", 3, 0, 'A' }, { "cmp_legacy", 3, 1, 'A' }, { "svm", 3, 2, 'S' },
	{ "extapic", 3, 3, ' ' }, { "cr8_legacy", 3, 4, 'S' }, { "abm", 3, 5, 'A' },
	{ "sse4a", 3, 6, 'A' }, { "misalignsse", 3, 7, 'A' },
	{ "3dnowprefetch", 3, 8, 'A' }, { "osvw", 3, 9, ' ' }, { "ibs", 3, 10, ' ' },
	{ "xop", 3, 11, 'A' }, { "skinit", 3, 12, ' ' }, { "wdt", 3, 13, ' ' },
	{ "lwp", 3, 15, ' ' }, { "fma4", 3, 16, 'A' }, { "nodeid_msr", 3, 19, ' ' },
	{ "tbm", 3, 21, 'A' }, { "topoext", 3, 22, ' ' }, { "dbext", 3, 26, 'A' },
	{ "monitorx", 3, 29, ' ' },
	/* 0xd:1.eax */
	{ "xsaveopt", 4, 0, 'A' }, { "xsavec", 4, 1, 'A' }, { "xgetbv1", 4, 2, 'A' },
	{ "xsaves", 4, 3, 'S' },
	/* 7:0.ebx */
	{ "fsgsbase", 5, 0, 'A' }, { "tsc_adjust", 5, 1, 'S' }, { "sgx", 5, 2, ' ' },
	{ "bmi1", 5, 3, 'A' }, { "hle", 5, 4, 'a' }, { "avx2", 5, 5, 'A' },
	{ "fdp_excp_only", 5, 6, ' ' }, { "smep", 5, 7, 'S' }, { "bmi2", 5, 8, 'A' },
	{ "erms", 5, 9, 'A' }, { "invpcid", 5, 10, 'H' }, { "rtm", 5, 11, 'A' },
	{ "pqm", 5, 12, ' ' }, { "no_fpu_sel", 5, 13, ' ' }, { "mpx", 5, 14, 's' },
	{ "pqe", 5, 15, ' ' }, { "avx512f", 5, 16, 'A' }, { "avx512dq", 5, 17, 'A' },
	{ "rdseed", 5, 18, 'A' }, { "adx", 5, 19, 'A' }, { "smap", 5, 20, 'S' },
	{ "avx512_ifma", 5, 21, 'A' }, { "clflushopt", 5, 23, 'A' },
	{ "clwb", 5, 24, 'A' }, { "avx512pf", 5, 26, 'A' }, { "avx512er", 5, 27, 'A' },
	{ "avx512cd", 5, 28, 'A' }, { "sha", 5, 29, 'A' }, { "avx512bw", 5, 30, 'A' },
	{ "avx512vl", 5, 31, 'A' },
	/* 7:0.ecx */
	{ "prefetchwt1", 6, 0, 'A' }, { "avx512_vbmi", 6, 1, 'A' }, { "umip", 6, 2, 'S' },
	{ "pku", 6, 3, 'H' }, { "ospke", 6, 4, ' ' }, { "avx512_vbmi2", 6, 6, 'A' },
	{ "cet_ss", 6, 7, ' ' }, { "gfni", 6, 8, 'A' }, { "vaes", 6, 9, 'A' },
	{ "vpclmulqdq", 6, 10, 'A' }, { "avx512_vnni", 6, 11, 'A' },
	{ "avx512_bitalg", 6, 12, 'A' }, { "avx512_vpopcntdq", 6, 14, 'A' },
	{ "rdpid", 6, 22, 'A' }, { "cldemote", 6, 25, 'A' }, { "movdiri", 6, 27, 'a' },
	{ "movdir64b", 6, 28, 'a' }, { "enqcmd", 6, 29, ' ' },
	/* 0x80000007.edx */
	{ "itsc", 7, 8, ' ' }, { "efro", 7, 10, ' ' },
	/* 0x80000008.ebx */
	{ "clzero", 8, 0, 'A' }, { "rstr_fp_err_ptrs", 8, 2, 'A' }, { "wbnoinvd", 8, 9, ' ' },
	{ "ibpb", 8, 12, 'A' }, { "ibrs", 8, 14, 'S' }, { "amd_stibp", 8, 15, 'S' },
	{ "ibrs_always", 8, 16, 'S' }, { "stibp_always", 8, 17, 'S' },
	{ "ibrs_fast", 8, 18, 'S' }, { "ibrs_same_mode", 8, 19, 'S' },
	{ "amd_ppin", 8, 23, ' ' }, { "amd_ssbd", 8, 24, 'S' }, { "virt_ssbd", 8, 25, ' ' },
	{ "ssb_no", 8, 26, 'A' }, { "psfd", 8, 28, 'S' }, { "btc_no", 8, 29, 'A' },
	{ "ibpb_ret", 8, 30, 'A' },
	/* 7:0.edx */
	{ "avx512_4vnniw", 9, 2, 'A' }, { "avx512_4fmaps", 9, 3, 'A' },
	{ "srbds_ctrl", 9, 9, ' ' }, { "md_clear", 9, 10, 'A' },
	{ "rtm_always_abort", 9, 11, ' ' }, { "tsx_force_abort", 9, 13, ' ' },
	{ "serialize", 9, 14, 'a' }, { "tsxldtrk", 9, 16, 'a' }, { "cet_ibt", 9, 20, ' ' },
	{ "ibrsb", 9, 26, 'A' }, { "stibp", 9, 27, 'A' }, { "l1d_flush", 9, 28, 'S' },
	{ "arch_caps", 9, 29, 'a' }, { "core_caps", 9, 30, ' ' }, { "ssbd", 9, 31, 'A' },
	/* 7:1.eax */
	{ "avx512_bf16", 10, 5, 'A' },
	/* 0x80000021.eax */
	{ "lfence_dispatch", 11, 2, 'A' },
	/* 7:2.edx */
	{ "intel_psfd", 13, 0, 'A' },
};
const size_t cpu_nr_features = sizeof(cpu_features) / sizeof(cpu_features[0]);

const struct cpu_feature *cpu_feature_by_name(const char *name)
{
	for (size_t i = 0; i < cpu_nr_features; i++)
		if (!strcmp(cpu_features[i].name, name))
			return &cpu_features[i];
	return NULL;
}
