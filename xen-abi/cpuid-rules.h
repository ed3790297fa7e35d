/*
 * xl.cfg cpuid= rules: per-register bit edits of a guest's CPUID policy, in
 * libxl's two syntaxes ("host,name=v,..." and Xend's "leaf[,sub]:reg=bits").
 */
#ifndef XENKVM_CPUID_RULES_H
#define XENKVM_CPUID_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPUID_NO_SUBLEAF 0xffffffffu	/* a leaf without subleaves */
#define CPUID_RULES_MAX 64

enum { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

/*
 * One register of one leaf. Each bit is in at most one mask: force1 (libxl
 * '1'), force0 ('0'), host ('k' or 's': the host's bit); bits in none ('x')
 * keep the default policy's value.
 */
struct cpuid_rule {
	uint32_t leaf, subleaf;
	unsigned reg;			/* CPUID_EAX .. CPUID_EDX */
	uint32_t force1, force0, host;
};

struct cpuid_rules {
	unsigned n;
	struct cpuid_rule r[CPUID_RULES_MAX];
};

/*
 * libxl's string form: "host" first (optional, as libxl accepts it), then
 * comma-separated name=value, value 0, 1, x, k or s for one-bit features, or
 * a number for multi-bit fields (family, model, ...). Appends to out, merging
 * with an earlier rule for the same leaf/subleaf/register (later bits win).
 * Returns 0, or -1 with a message naming the bad item in err.
 */
int cpuid_rules_parse_libxl(const char *s, struct cpuid_rules *out, char *err, size_t errlen);

/* One Xend-style string, "leaf[,subleaf]:reg=32 chars[,reg=...]", leaf and
 * subleaf decimal or 0x-hex, chars of 0 1 x k s from bit 31 down to bit 0. */
int cpuid_rules_parse_xend(const char *s, struct cpuid_rules *out, char *err, size_t errlen);

/* Xend-style text of one rule ("0x1:ecx=xxxx...") that parse_xend reads back
 * to the same rule; how xenkvmd hands rules to xenkvm-vmm. Returns 0 or -1
 * when len is too small. */
int cpuid_rule_format(const struct cpuid_rule *r, char *buf, size_t len);

#endif
