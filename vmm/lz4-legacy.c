/*
 * The LZ4 "legacy" frame Linux uses for compressed kernels: a magic, then
 * blocks of [u32 compressed size][LZ4 block], each at most 8 MiB unpacked.
 * Written from the published block format; every length is bounds-checked.
 */
#include <stdlib.h>
#include <string.h>
#include "vmm/lz4-legacy.h"

#define LEGACY_MAGIC 0x184c2102u
#define BLOCK_MAX (8u << 20)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A length continues in 255-valued bytes. Returns false on overrun. */
static bool more_length(const uint8_t **ip, const uint8_t *end, size_t *len)
{
	uint8_t b;

	do {
		if (*ip >= end)
			return false;
		b = *(*ip)++;
		*len += b;
	} while (b == 255);
	return true;
}

/* Decode one block into out[0..cap); returns bytes written or -1. */
static long lz4_block(const uint8_t *ip, size_t n, uint8_t *out, size_t cap)
{
	const uint8_t *end = ip + n;
	size_t op = 0;

	while (ip < end) {
		uint8_t token = *ip++;
		size_t lit = token >> 4, mlen = token & 15, off;

		if (lit == 15 && !more_length(&ip, end, &lit))
			return -1;
		if (lit > (size_t)(end - ip) || lit > cap - op)
			return -1;
		memcpy(out + op, ip, lit);
		ip += lit;
		op += lit;
		if (ip == end)
			break;	/* the last sequence has literals only */
		if (end - ip < 2)
			return -1;
		off = (size_t)ip[0] | (size_t)ip[1] << 8;
		ip += 2;
		if (mlen == 15 && !more_length(&ip, end, &mlen))
			return -1;
		mlen += 4;
		if (off == 0 || off > op || mlen > cap - op)
			return -1;
		for (size_t i = 0; i < mlen; i++, op++)
			out[op] = out[op - off];	/* overlapping copies repeat */
	}
	return (long)op;
}

bool lz4_legacy_magic(const uint8_t *p, size_t len)
{
	return len >= 4 && le32(p) == LEGACY_MAGIC;
}

int lz4_legacy_decode(const uint8_t *in, size_t len, size_t max_out, uint8_t **out,
		      size_t *out_len)
{
	size_t pos = 4, used = 0, cap = 0;
	uint8_t *buf = NULL;

	if (!lz4_legacy_magic(in, len))
		return -1;
	while (len - pos >= 4) {
		uint32_t bsz = le32(in + pos);
		long got;

		if (bsz == LEGACY_MAGIC) {	/* a concatenated frame */
			pos += 4;
			continue;
		}
		pos += 4;
		if (bsz > len - pos)
			break;	/* trailing size field (Linux appends the unpacked size) */
		if (used + BLOCK_MAX > max_out)
			goto fail;
		if (cap - used < BLOCK_MAX) {
			uint8_t *nb = realloc(buf, used + BLOCK_MAX);

			if (!nb)
				goto fail;
			buf = nb;
			cap = used + BLOCK_MAX;
		}
		got = lz4_block(in + pos, bsz, buf + used, BLOCK_MAX);
		if (got < 0)
			goto fail;
		used += (size_t)got;
		pos += bsz;
	}
	if (!used)
		goto fail;
	*out = buf;
	*out_len = used;
	return 0;
fail:
	free(buf);
	return -1;
}
