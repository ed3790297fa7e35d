/*
 * libFuzzer target over the xl.cfg cpuid= parsers: the text is the guest
 * owner's, and xenkvmd parses it. The input is split at NUL bytes; each
 * piece goes to both parsers, all into one rule set, so items merge across
 * pieces and syntaxes and the set can fill up. Whatever the text: no crash or overrun, at most CPUID_RULES_MAX
 * rules, one rule per leaf/subleaf/register, disjoint masks, a failed parse
 * leaves the set as it was with a terminated message, and each rule
 * formats to text that parses back to the same rule.
 * Build: make build/fuzz-cpuid-rules; run: build/fuzz-cpuid-rules -max_total_time=600
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "xen-abi/cpuid-rules.h"

typedef int parse_fn(const char *, struct cpuid_rules *, char *, size_t);

static void check_rule_set(const struct cpuid_rules *rs)
{
	const struct cpuid_rule *a, *b;
	unsigned i, j;

	if (rs->n > CPUID_RULES_MAX)
		abort();
	for (i = 0; i < rs->n; i++) {
		a = &rs->r[i];
		if (a->reg > CPUID_EDX || (a->force1 & a->force0) ||
		    (a->force1 & a->host) || (a->force0 & a->host))
			abort();
		for (j = i + 1; j < rs->n; j++) {
			b = &rs->r[j];
			if (a->leaf == b->leaf && a->subleaf == b->subleaf && a->reg == b->reg)
				abort();
		}
	}
}

static void check_round_trip(const struct cpuid_rule *r)
{
	struct cpuid_rules back = { 0 };
	char text[64], err[128];

	if (cpuid_rule_format(r, text, sizeof(text)) < 0)
		abort();
	if (cpuid_rules_parse_xend(text, &back, err, sizeof(err)) < 0 || back.n != 1 ||
	    memcmp(&back.r[0], r, sizeof(*r)))
		abort();
}

/* One parse with an error buffer of errlen bytes, guarded by a canary. */
static void parse_and_check(parse_fn *parse, const char *s, struct cpuid_rules *rs,
			    size_t errlen)
{
	static struct cpuid_rules before;
	char err[300];

	memset(err, '#', sizeof(err));
	before = *rs;
	if (parse(s, rs, err, errlen) < 0) {
		if (memcmp(&before, rs, sizeof(*rs)))
			abort();
		if (errlen && (!memchr(err, 0, errlen) || (errlen > 1 && !err[0])))
			abort();
	}
	if (err[errlen] != '#')
		abort();
	check_rule_set(rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cpuid_rules rs;
	char *text, *piece, *end;
	size_t errlen;
	unsigned i;

	if (size < 1)
		return 0;
	/* First byte: the error buffer's size, now and then tiny. */
	errlen = data[0] < 16 ? data[0] : 256;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	end = text + size - 1;
	memset(&rs, 0, sizeof(rs));
	for (piece = text; piece <= end; piece += strlen(piece) + 1) {
		parse_and_check(cpuid_rules_parse_libxl, piece, &rs, errlen);
		parse_and_check(cpuid_rules_parse_xend, piece, &rs, errlen);
	}
	for (i = 0; i < rs.n; i++)
		check_round_trip(&rs.r[i]);
	free(text);
	return 0;
}
