/*
 * xl.cfg cpuid= rules. Two syntaxes reach us: libxl's "host,name=v,..." and
 * Xend's "leaf[,subleaf]:reg=32 chars". Both end up as per-register masks
 * (struct cpuid_rule) so that the VMM has one thing to apply.
 *
 * Every parser works on a copy of the caller's rule set and copies it back
 * only when the whole string was good: a config with one typo changes
 * nothing, rather than leaving half its items applied.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "xen-abi/cpuid-rules.h"

#define NS CPUID_NO_SUBLEAF
#define EAX CPUID_EAX
#define EBX CPUID_EBX
#define ECX CPUID_ECX
#define EDX CPUID_EDX

/*
 * How a named field's value lands in its register. Most are a plain run of
 * bits; libxl splits "family" and "model" across the base and extended
 * fields of leaf 1 eax, and xl users write the full numbers (family=0x19 on
 * Zen 3), so we do the same split.
 */
enum field_layout { LAYOUT_PLAIN, LAYOUT_FAMILY, LAYOUT_MODEL };

struct cpuid_name {
	const char *name;
	uint32_t leaf, subleaf;
	uint8_t reg, bit, len, layout;
};

#define BIT(n, l, s, r, b)	{ n, l, s, r, b, 1, LAYOUT_PLAIN }
#define FIELD(n, l, s, r, b, w)	{ n, l, s, r, b, w, LAYOUT_PLAIN }

/* The names libxl knows (tools/libs/light/libxl_cpuid.c), same spellings. */
static const struct cpuid_name cpuid_names[] = {
	FIELD("maxleaf", 0, NS, EAX, 0, 32),
	FIELD("stepping", 1, NS, EAX, 0, 4),
	{ "model", 1, NS, EAX, 4, 8, LAYOUT_MODEL },
	{ "family", 1, NS, EAX, 8, 8, LAYOUT_FAMILY },
	FIELD("brandid", 1, NS, EBX, 0, 8),
	FIELD("clflush", 1, NS, EBX, 8, 8),
	FIELD("proccount", 1, NS, EBX, 16, 8),
	FIELD("localapicid", 1, NS, EBX, 24, 8),

	BIT("sse3", 1, NS, ECX, 0),
	BIT("pclmulqdq", 1, NS, ECX, 1),
	BIT("dtes64", 1, NS, ECX, 2),
	BIT("monitor", 1, NS, ECX, 3),
	BIT("dscpl", 1, NS, ECX, 4),
	BIT("vmx", 1, NS, ECX, 5),
	BIT("smx", 1, NS, ECX, 6),
	BIT("est", 1, NS, ECX, 7),
	BIT("tm2", 1, NS, ECX, 8),
	BIT("ssse3", 1, NS, ECX, 9),
	BIT("cntxid", 1, NS, ECX, 10),
	BIT("fma", 1, NS, ECX, 12),
	BIT("cmpxchg16", 1, NS, ECX, 13),
	BIT("xtpr", 1, NS, ECX, 14),
	BIT("pdcm", 1, NS, ECX, 15),
	BIT("pcid", 1, NS, ECX, 17),
	BIT("dca", 1, NS, ECX, 18),
	BIT("sse4_1", 1, NS, ECX, 19),
	BIT("sse4.1", 1, NS, ECX, 19),	/* older spelling libxl still takes */
	BIT("sse4_2", 1, NS, ECX, 20),
	BIT("sse4.2", 1, NS, ECX, 20),
	BIT("x2apic", 1, NS, ECX, 21),
	BIT("movbe", 1, NS, ECX, 22),
	BIT("popcnt", 1, NS, ECX, 23),
	BIT("tsc-deadline", 1, NS, ECX, 24),
	BIT("aes", 1, NS, ECX, 25),
	BIT("xsave", 1, NS, ECX, 26),
	BIT("osxsave", 1, NS, ECX, 27),
	BIT("avx", 1, NS, ECX, 28),
	BIT("f16c", 1, NS, ECX, 29),
	BIT("rdrand", 1, NS, ECX, 30),
	BIT("hypervisor", 1, NS, ECX, 31),

	BIT("fpu", 1, NS, EDX, 0),
	BIT("vme", 1, NS, EDX, 1),
	BIT("de", 1, NS, EDX, 2),
	BIT("pse", 1, NS, EDX, 3),
	BIT("tsc", 1, NS, EDX, 4),
	BIT("msr", 1, NS, EDX, 5),
	BIT("pae", 1, NS, EDX, 6),
	BIT("mce", 1, NS, EDX, 7),
	BIT("cmpxchg8", 1, NS, EDX, 8),
	BIT("apic", 1, NS, EDX, 9),
	BIT("sysenter", 1, NS, EDX, 11),
	BIT("mtrr", 1, NS, EDX, 12),
	BIT("pge", 1, NS, EDX, 13),
	BIT("mca", 1, NS, EDX, 14),
	BIT("cmov", 1, NS, EDX, 15),
	BIT("pat", 1, NS, EDX, 16),
	BIT("pse36", 1, NS, EDX, 17),
	BIT("psn", 1, NS, EDX, 18),
	BIT("clfsh", 1, NS, EDX, 19),
	BIT("ds", 1, NS, EDX, 21),
	BIT("acpi", 1, NS, EDX, 22),
	BIT("mmx", 1, NS, EDX, 23),
	BIT("fxsr", 1, NS, EDX, 24),
	BIT("sse", 1, NS, EDX, 25),
	BIT("sse2", 1, NS, EDX, 26),
	BIT("ss", 1, NS, EDX, 27),
	BIT("htt", 1, NS, EDX, 28),
	BIT("tm", 1, NS, EDX, 29),
	BIT("ia64", 1, NS, EDX, 30),
	BIT("pbe", 1, NS, EDX, 31),

	BIT("arat", 6, NS, EAX, 2),

	BIT("fsgsbase", 7, 0, EBX, 0),
	BIT("tsc_adjust", 7, 0, EBX, 1),
	BIT("bmi1", 7, 0, EBX, 3),
	BIT("hle", 7, 0, EBX, 4),
	BIT("avx2", 7, 0, EBX, 5),
	BIT("smep", 7, 0, EBX, 7),
	BIT("bmi2", 7, 0, EBX, 8),
	BIT("erms", 7, 0, EBX, 9),
	BIT("invpcid", 7, 0, EBX, 10),
	BIT("rtm", 7, 0, EBX, 11),
	BIT("cmt", 7, 0, EBX, 12),
	BIT("mpx", 7, 0, EBX, 14),
	BIT("avx512f", 7, 0, EBX, 16),
	BIT("avx512dq", 7, 0, EBX, 17),
	BIT("rdseed", 7, 0, EBX, 18),
	BIT("adx", 7, 0, EBX, 19),
	BIT("smap", 7, 0, EBX, 20),
	BIT("avx512-ifma", 7, 0, EBX, 21),
	BIT("clflushopt", 7, 0, EBX, 23),
	BIT("clwb", 7, 0, EBX, 24),
	BIT("proc-trace", 7, 0, EBX, 25),
	BIT("avx512pf", 7, 0, EBX, 26),
	BIT("avx512er", 7, 0, EBX, 27),
	BIT("avx512cd", 7, 0, EBX, 28),
	BIT("sha", 7, 0, EBX, 29),
	BIT("avx512bw", 7, 0, EBX, 30),
	BIT("avx512vl", 7, 0, EBX, 31),

	BIT("prefetchwt1", 7, 0, ECX, 0),
	BIT("avx512-vbmi", 7, 0, ECX, 1),
	BIT("umip", 7, 0, ECX, 2),
	BIT("pku", 7, 0, ECX, 3),
	BIT("ospke", 7, 0, ECX, 4),
	BIT("avx512-vbmi2", 7, 0, ECX, 6),
	BIT("cet-ss", 7, 0, ECX, 7),
	BIT("gfni", 7, 0, ECX, 8),
	BIT("vaes", 7, 0, ECX, 9),
	BIT("vpclmulqdq", 7, 0, ECX, 10),
	BIT("avx512-vnni", 7, 0, ECX, 11),
	BIT("avx512-bitalg", 7, 0, ECX, 12),
	BIT("avx512-vpopcntdq", 7, 0, ECX, 14),
	BIT("rdpid", 7, 0, ECX, 22),
	BIT("cldemote", 7, 0, ECX, 25),
	BIT("pks", 7, 0, ECX, 31),

	BIT("avx512-4vnniw", 7, 0, EDX, 2),
	BIT("avx512-4fmaps", 7, 0, EDX, 3),
	BIT("fsrm", 7, 0, EDX, 4),
	BIT("avx512-vp2intersect", 7, 0, EDX, 8),
	BIT("srbds-ctrl", 7, 0, EDX, 9),
	BIT("md-clear", 7, 0, EDX, 10),
	BIT("serialize", 7, 0, EDX, 14),
	BIT("tsxldtrk", 7, 0, EDX, 16),
	BIT("cet-ibt", 7, 0, EDX, 20),
	BIT("avx512-fp16", 7, 0, EDX, 23),
	BIT("ibrsb", 7, 0, EDX, 26),
	BIT("stibp", 7, 0, EDX, 27),
	BIT("l1d-flush", 7, 0, EDX, 28),
	BIT("arch-caps", 7, 0, EDX, 29),
	BIT("core-caps", 7, 0, EDX, 30),
	BIT("ssbd", 7, 0, EDX, 31),

	BIT("avx-vnni", 7, 1, EAX, 4),
	BIT("avx512-bf16", 7, 1, EAX, 5),
	BIT("fzrm", 7, 1, EAX, 10),
	BIT("fsrs", 7, 1, EAX, 11),
	BIT("fsrcs", 7, 1, EAX, 12),
	BIT("wrmsrns", 7, 1, EAX, 19),
	BIT("cet-sss", 7, 1, EDX, 18),
	BIT("intel-psfd", 7, 2, EDX, 0),
	BIT("mcdt-no", 7, 2, EDX, 5),

	BIT("lahfsahf", 0x80000001, NS, ECX, 0),
	BIT("cmplegacy", 0x80000001, NS, ECX, 1),
	BIT("svm", 0x80000001, NS, ECX, 2),
	BIT("extapic", 0x80000001, NS, ECX, 3),
	BIT("altmovcr8", 0x80000001, NS, ECX, 4),
	BIT("abm", 0x80000001, NS, ECX, 5),
	BIT("sse4a", 0x80000001, NS, ECX, 6),
	BIT("misalignsse", 0x80000001, NS, ECX, 7),
	BIT("3dnowprefetch", 0x80000001, NS, ECX, 8),
	BIT("osvw", 0x80000001, NS, ECX, 9),
	BIT("ibs", 0x80000001, NS, ECX, 10),
	BIT("xop", 0x80000001, NS, ECX, 11),
	BIT("skinit", 0x80000001, NS, ECX, 12),
	BIT("wdt", 0x80000001, NS, ECX, 13),
	BIT("lwp", 0x80000001, NS, ECX, 15),
	BIT("fma4", 0x80000001, NS, ECX, 16),
	BIT("nodeid", 0x80000001, NS, ECX, 19),
	BIT("tbm", 0x80000001, NS, ECX, 21),
	BIT("topoext", 0x80000001, NS, ECX, 22),
	BIT("perfctr_core", 0x80000001, NS, ECX, 23),
	BIT("perfctr_nb", 0x80000001, NS, ECX, 24),

	BIT("syscall", 0x80000001, NS, EDX, 11),
	BIT("nx", 0x80000001, NS, EDX, 20),
	BIT("mmxext", 0x80000001, NS, EDX, 22),
	BIT("ffxsr", 0x80000001, NS, EDX, 25),
	BIT("page1gb", 0x80000001, NS, EDX, 26),
	BIT("rdtscp", 0x80000001, NS, EDX, 27),
	BIT("lm", 0x80000001, NS, EDX, 29),
	BIT("3dnowext", 0x80000001, NS, EDX, 30),
	BIT("3dnow", 0x80000001, NS, EDX, 31),

	FIELD("procpkg", 4, 0, EAX, 26, 6),

	BIT("invtsc", 0x80000007, NS, EDX, 8),

	BIT("clzero", 0x80000008, NS, EBX, 0),
	BIT("rstr-fp-err-ptrs", 0x80000008, NS, EBX, 2),
	BIT("wbnoinvd", 0x80000008, NS, EBX, 9),
	BIT("ibpb", 0x80000008, NS, EBX, 12),
	BIT("ibrs", 0x80000008, NS, EBX, 14),
	BIT("amd-stibp", 0x80000008, NS, EBX, 15),
	BIT("ibrs-always", 0x80000008, NS, EBX, 16),
	BIT("stibp-always", 0x80000008, NS, EBX, 17),
	BIT("ibrs-fast", 0x80000008, NS, EBX, 18),
	BIT("ibrs-same-mode", 0x80000008, NS, EBX, 19),
	BIT("no-lmsl", 0x80000008, NS, EBX, 20),
	BIT("ppin", 0x80000008, NS, EBX, 23),
	BIT("amd-ssbd", 0x80000008, NS, EBX, 24),
	BIT("virt-ssbd", 0x80000008, NS, EBX, 25),
	BIT("ssb-no", 0x80000008, NS, EBX, 26),
	BIT("psfd", 0x80000008, NS, EBX, 28),
	BIT("btc-no", 0x80000008, NS, EBX, 29),
	BIT("ibpb-ret", 0x80000008, NS, EBX, 30),

	FIELD("nc", 0x80000008, NS, ECX, 0, 8),
	FIELD("apicidsize", 0x80000008, NS, ECX, 12, 4),

	BIT("svm_npt", 0x8000000a, NS, EDX, 0),
	BIT("svm_lbrv", 0x8000000a, NS, EDX, 1),
	BIT("svm_nrips", 0x8000000a, NS, EDX, 3),
	BIT("svm_tscrate", 0x8000000a, NS, EDX, 4),
	BIT("svm_vmcbclean", 0x8000000a, NS, EDX, 5),
	BIT("svm_decode", 0x8000000a, NS, EDX, 7),
	BIT("svm_pausefilt", 0x8000000a, NS, EDX, 10),

	BIT("lfence+", 0x80000021, NS, EAX, 2),
	BIT("nscb", 0x80000021, NS, EAX, 6),

	FIELD("maxhvleaf", 0x40000000, NS, EAX, 0, 8),
};

static const char *const reg_names[] = { "eax", "ebx", "ecx", "edx" };

/* Items are quoted back at the user; a runaway item is cut, not the point. */
#define ITEM_QUOTE_MAX 200

static int quote_len(size_t len)
{
	return len > ITEM_QUOTE_MAX ? ITEM_QUOTE_MAX : (int)len;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* err may be NULL or tiny; vsnprintf keeps it terminated whatever fits. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A decimal or 0x-hex number that fits 32 bits, at most n bytes of s. Our
 * own, not strtoul: that would take leading blanks, a sign ("-1" is 2^64-1)
 * and read "010" as octal, none of which a cpuid line means. Returns the
 * bytes used, 0 when there is no number there or it does not fit.
 */
static size_t parse_u32(const char *s, size_t n, uint32_t *v)
{
	unsigned base = 10;
	size_t i = 0, start;
	uint64_t acc = 0;
	int d;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (start = i; i < n; i++) {
		d = hex_digit(s[i]);
		if (d < 0 || (unsigned)d >= base)
			break;
		acc = acc * base + (unsigned)d;
		if (acc > UINT32_MAX)
			return 0;
	}
	if (i == start)
		return 0;
	*v = (uint32_t)acc;
	return i;
}

/* Bits bit .. bit+len-1; len may be 32 (maxleaf). */
static uint32_t field_mask(unsigned bit, unsigned len)
{
	uint32_t ones = len >= 32 ? UINT32_MAX : (1u << len) - 1;

	return ones << bit;
}

static struct cpuid_rule *find_rule(struct cpuid_rules *rs, uint32_t leaf,
				    uint32_t subleaf, unsigned reg)
{
	unsigned i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].leaf == leaf && rs->r[i].subleaf == subleaf &&
		    rs->r[i].reg == reg)
			return &rs->r[i];
	return NULL;
}

/*
 * Fold one edit into the set: the bits it names leave whichever mask held
 * them and join the one it says, so a later item wins bit by bit and the
 * masks stay disjoint. -1 when a new rule would not fit.
 */
static int merge_rule(struct cpuid_rules *rs, const struct cpuid_rule *edit)
{
	uint32_t touched = edit->force1 | edit->force0 | edit->host;
	struct cpuid_rule *r = find_rule(rs, edit->leaf, edit->subleaf, edit->reg);

	if (!r) {
		if (rs->n >= CPUID_RULES_MAX)
			return -1;
		r = &rs->r[rs->n++];
		*r = (struct cpuid_rule){ .leaf = edit->leaf,
					  .subleaf = edit->subleaf,
					  .reg = edit->reg };
	}
	r->force1 = (r->force1 & ~touched) | edit->force1;
	r->force0 = (r->force0 & ~touched) | edit->force0;
	r->host = (r->host & ~touched) | edit->host;
	return 0;
}

/* ---- libxl form: host,name=value,... ------------------------------------ */

static const struct cpuid_name *lookup_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(cpuid_names) / sizeof(cpuid_names[0]); i++)
		if (strlen(cpuid_names[i].name) == len &&
		    !memcmp(cpuid_names[i].name, name, len))
			return &cpuid_names[i];
	return NULL;
}

/* Every bit a field's value can touch, family and model's split included. */
static uint32_t name_mask(const struct cpuid_name *f)
{
	switch (f->layout) {
	case LAYOUT_FAMILY:
		return field_mask(8, 4) | field_mask(20, 8);
	case LAYOUT_MODEL:
		return field_mask(4, 4) | field_mask(16, 4);
	default:
		return field_mask(f->bit, f->len);
	}
}

/*
 * Where the number v goes within name_mask(f). Family below 16 is the base
 * family alone; above, base is 0xf and the extended family holds the rest.
 * Model's low nibble is the base model, its high nibble the extended one.
 */
static uint32_t name_value_bits(const struct cpuid_name *f, uint32_t v)
{
	switch (f->layout) {
	case LAYOUT_FAMILY:
		if (v < 16)
			return v << 8;
		return 0xfu << 8 | (v - 15) << 20;
	case LAYOUT_MODEL:
		return (v & 0xf) << 4 | (v >> 4) << 16;
	default:
		return v << f->bit;
	}
}

static bool is_host_char(char c)
{
	return c == 'k' || c == 's';
}

/* A one-bit feature takes exactly one of 0 1 x k s. */
static int one_bit_edit(const struct cpuid_name *f, const char *val, size_t vlen,
			struct cpuid_rule *edit)
{
	uint32_t mask = name_mask(f);

	if (vlen != 1)
		return -1;
	switch (val[0]) {
	case '0': edit->force0 = mask; return 0;
	case '1': edit->force1 = mask; return 0;
	case 'x': return 0;
	case 'k': case 's': edit->host = mask; return 0;
	default: return -1;
	}
}

/*
 * A multi-bit field takes a number that fits its width: its 1 bits are
 * forced on, its 0 bits forced off. x, k and s apply to the whole field,
 * as libxl lets them.
 */
static int field_edit(const struct cpuid_name *f, const char *val, size_t vlen,
		      struct cpuid_rule *edit)
{
	uint32_t mask = name_mask(f), v, bits;

	if (vlen == 1 && val[0] == 'x')
		return 0;
	if (vlen == 1 && is_host_char(val[0])) {
		edit->host = mask;
		return 0;
	}
	if (parse_u32(val, vlen, &v) != vlen || (f->len < 32 && v >> f->len))
		return -1;
	bits = name_value_bits(f, v);
	edit->force1 = bits;
	edit->force0 = mask & ~bits;
	return 0;
}

static void value_err(const struct cpuid_name *f, const char *item, size_t len,
		      char *err, size_t errlen)
{
	if (f->len == 1)
		set_err(err, errlen, "cpuid: '%.*s': value must be 0, 1, x, k or s",
			quote_len(len), item);
	else
		set_err(err, errlen, "cpuid: '%.*s': value must be a number below 2^%u, "
			"or x, k or s", quote_len(len), item, f->len);
}

/* One name=value item (not "host"), len bytes at item. */
static int apply_libxl_item(const char *item, size_t len, struct cpuid_rules *rs,
			    char *err, size_t errlen)
{
	const char *eq = memchr(item, '=', len);
	const struct cpuid_name *f;
	struct cpuid_rule edit = { 0 };
	size_t nlen, vlen;

	if (!eq) {
		set_err(err, errlen, "cpuid: '%.*s': expected name=value%s",
			quote_len(len), item,
			len == 4 && !memcmp(item, "host", 4) ? " ('host' only comes first)" : "");
		return -1;
	}
	nlen = (size_t)(eq - item);
	vlen = len - nlen - 1;
	f = lookup_name(item, nlen);
	if (!f) {
		set_err(err, errlen, "cpuid: unknown feature '%.*s'", quote_len(nlen), item);
		return -1;
	}
	edit.leaf = f->leaf;
	edit.subleaf = f->subleaf;
	edit.reg = f->reg;
	if ((f->len == 1 ? one_bit_edit(f, eq + 1, vlen, &edit)
			 : field_edit(f, eq + 1, vlen, &edit)) < 0) {
		value_err(f, item, len, err, errlen);
		return -1;
	}
	if (merge_rule(rs, &edit) < 0) {
		set_err(err, errlen, "cpuid: '%.*s': more than %d leaf/register rules",
			quote_len(len), item, CPUID_RULES_MAX);
		return -1;
	}
	return 0;
}

/*
 * Empty items are skipped, as xl's strtok does, so "host,,tm=0" and a
 * trailing comma are fine. "host" is allowed only as the first item.
 */
int cpuid_rules_parse_libxl(const char *s, struct cpuid_rules *out, char *err, size_t errlen)
{
	struct cpuid_rules work = *out;
	bool first = true;
	size_t len;

	for (;; s += len + 1) {
		len = strcspn(s, ",");
		if (len && !(first && len == 4 && !memcmp(s, "host", 4)) &&
		    apply_libxl_item(s, len, &work, err, errlen) < 0)
			return -1;
		if (len)
			first = false;
		if (!s[len])
			break;
	}
	*out = work;
	return 0;
}

/* ---- Xend form: leaf[,subleaf]:reg=bits[,reg=bits] ---------------------- */

/* "eax=" .. "edx=" at s: the register, or -1. */
static int parse_reg_name(const char *s)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		if (!strncmp(s, reg_names[i], 3) && s[3] == '=')
			return (int)i;
	return -1;
}

/* 32 chars of 0 1 x k s, bit 31 first, into edit's masks. */
static int parse_reg_bits(const char *s, size_t len, struct cpuid_rule *edit)
{
	uint32_t bit;
	size_t i;

	if (len != 32)
		return -1;
	for (i = 0; i < 32; i++) {
		bit = 1u << (31 - i);
		switch (s[i]) {
		case '0': edit->force0 |= bit; break;
		case '1': edit->force1 |= bit; break;
		case 'x': break;
		case 'k': case 's': edit->host |= bit; break;
		default: return -1;
		}
	}
	return 0;
}

/* "leaf[,subleaf]:" at s; returns the bytes used up to and with ':', or 0. */
static size_t parse_xend_inputs(const char *s, uint32_t *leaf, uint32_t *subleaf)
{
	size_t n = strlen(s), used, more;

	used = parse_u32(s, n, leaf);
	if (!used)
		return 0;
	*subleaf = CPUID_NO_SUBLEAF;
	if (s[used] == ',') {
		more = parse_u32(s + used + 1, n - used - 1, subleaf);
		if (!more)
			return 0;
		used += 1 + more;
	}
	return s[used] == ':' ? used + 1 : 0;
}

/*
 * One "reg=bits" at p within the whole string s (quoted in errors). Sets
 * *next to what ends the item: its comma or the string's NUL.
 */
static int apply_xend_reg(const char *s, const char *p, const char **next,
			  uint32_t leaf, uint32_t subleaf, struct cpuid_rules *rs,
			  char *err, size_t errlen)
{
	struct cpuid_rule edit = { .leaf = leaf, .subleaf = subleaf };
	int reg = parse_reg_name(p);
	size_t len;

	if (reg < 0) {
		set_err(err, errlen, "cpuid: '%.*s': expected eax=, ebx=, ecx= or edx= at '%.*s'",
			quote_len(strlen(s)), s, quote_len(strcspn(p, ",")), p);
		return -1;
	}
	edit.reg = (unsigned)reg;
	p += 4;
	len = strcspn(p, ",");
	if (parse_reg_bits(p, len, &edit) < 0) {
		set_err(err, errlen, "cpuid: '%.*s': %s needs 32 characters of 0 1 x k s",
			quote_len(strlen(s)), s, reg_names[reg]);
		return -1;
	}
	if (merge_rule(rs, &edit) < 0) {
		set_err(err, errlen, "cpuid: '%.*s': more than %d leaf/register rules",
			quote_len(strlen(s)), s, CPUID_RULES_MAX);
		return -1;
	}
	*next = p + len;
	return 0;
}

int cpuid_rules_parse_xend(const char *s, struct cpuid_rules *out, char *err, size_t errlen)
{
	struct cpuid_rules work = *out;
	uint32_t leaf, subleaf;
	size_t used = parse_xend_inputs(s, &leaf, &subleaf);
	const char *p = s + used;

	if (!used) {
		set_err(err, errlen, "cpuid: '%.*s': expected leaf[,subleaf]: with numbers "
			"in decimal or 0x hex below 2^32", quote_len(strlen(s)), s);
		return -1;
	}
	/*
	 * At least one register, and a comma must be followed by another (a
	 * trailing one is an error). libxl allows blanks and newlines after
	 * the comma, so we do too.
	 */
	for (;;) {
		if (apply_xend_reg(s, p, &p, leaf, subleaf, &work, err, errlen) < 0)
			return -1;
		if (!*p)
			break;
		for (p++; *p == ' ' || *p == '\n'; p++)
			;
	}
	*out = work;
	return 0;
}

/* ---- formatting --------------------------------------------------------- */

/*
 * The 32 chars parse_reg_bits reads back. The masks should be disjoint; if
 * a caller's are not, force1 beats force0 beats host, so the text is still
 * one valid rule.
 */
static void rule_bits_text(const struct cpuid_rule *r, char text[33])
{
	uint32_t bit;
	int i;

	for (i = 0; i < 32; i++) {
		bit = 1u << (31 - i);
		text[i] = r->force1 & bit ? '1' : r->force0 & bit ? '0' :
			  r->host & bit ? 'k' : 'x';
	}
	text[32] = 0;
}

int cpuid_rule_format(const struct cpuid_rule *r, char *buf, size_t len)
{
	char bits[33];
	int n;

	if (len)
		buf[0] = 0;
	if (r->reg > CPUID_EDX)
		return -1;
	rule_bits_text(r, bits);
	if (r->subleaf == CPUID_NO_SUBLEAF)
		n = snprintf(buf, len, "0x%x:%s=%s", r->leaf, reg_names[r->reg], bits);
	else
		n = snprintf(buf, len, "0x%x,0x%x:%s=%s", r->leaf, r->subleaf,
			     reg_names[r->reg], bits);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = 0;
		return -1;
	}
	return 0;
}
