/* xl mem-set and mem-max: sizes as xl takes them, in KiB to xenkvmd. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "src/xl/xl.h"

int64_t xl_parse_mem_kb(const char *s)
{
	char *end;
	long long v;
	unsigned shift = 10;	/* no suffix: MiB */

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || (end[0] && end[1]))
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 't': shift = 30; break;
	case 'g': shift = 20; break;
	case 'm': case 0: shift = 10; break;
	case 'k': shift = 0; break;
	case 'b': return v >> 10;
	default: return -1;
	}
	if (v > (INT64_MAX >> shift))
		return -1;
	return (int64_t)v << shift;
}

static int mem_verb(int argc, char **argv, const char *verb)
{
	struct ctl_msg rep;
	char kb[24];
	int64_t v;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: xl %s <Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|"
			"'g'[GB]|'t'[TB]]>\n", verb);
		return 2;
	}
	v = xl_parse_mem_kb(argv[2]);
	if (v < 0) {
		fprintf(stderr, "xl %s: invalid memory size: %s\n", verb, argv[2]);
		return 1;
	}
	snprintf(kb, sizeof(kb), "%lld", (long long)v);
	rc = xl_call(&rep, verb, argv[1], kb, NULL);
	if (rc)
		rc = rep.n ? xl_report(&rep, verb) : 1;
	ctl_msg_free(&rep);
	return rc;
}

int xl_cmd_mem_set(int argc, char **argv) { return mem_verb(argc, argv, "mem-set"); }
int xl_cmd_mem_max(int argc, char **argv) { return mem_verb(argc, argv, "mem-max"); }
