/*
 * libFuzzer target over the xl <-> xenkvmd control protocol's decoder: any
 * bytes a local client sends are consumed, asked more of, or refused, never
 * read past; a message that decodes encodes back to bytes that decode to
 * the same fields (what xenkvmd answers with is what xl reads).
 * Build: make fuzz; run: build/fuzz-ctl-proto -max_total_time=600 DIR.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "src/common/ctl-proto.h"

static void same_after_round_trip(const struct ctl_msg *m)
{
	struct ctl_msg back;
	char *wire;
	long len = ctl_encode(m, &wire);

	if (len < 0)
		abort();
	ctl_msg_init(&back);
	if (ctl_decode(wire, (size_t)len, &back) != len || back.n != m->n)
		abort();
	for (unsigned i = 0; i < m->n; i++)
		if (back.len[i] != m->len[i] || memcmp(back.field[i], m->field[i], m->len[i]))
			abort();
	ctl_msg_free(&back);
	free(wire);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the input. */
	char *buf = malloc(size ? size : 1);
	size_t off = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	while (off < size) {
		struct ctl_msg m;
		long used;

		ctl_msg_init(&m);
		used = ctl_decode(buf + off, size - off, &m);
		if (used > 0) {
			if ((size_t)used > size - off)
				abort();
			same_after_round_trip(&m);
		}
		ctl_msg_free(&m);
		if (used <= 0)
			break;
		off += (size_t)used;
	}
	free(buf);
	return 0;
}
