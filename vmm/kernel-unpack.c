/*
 * The compressed payloads a bzImage may carry besides LZ4's legacy frame
 * (lz4-legacy.c): gzip, xz and zstd, through Debian's zlib, liblzma and
 * libzstd. Each decodes into one buffer of at most 'max' bytes.
 */
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include "vmm/kernel-unpack.h"

enum kernel_format kernel_format_of(const uint8_t *p, size_t len)
{
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return KERNEL_GZIP;
	if (len >= 6 && !memcmp(p, "\xfd" "7zXZ", 6))
		return KERNEL_XZ;
	if (len >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
		return KERNEL_ZSTD;
	return KERNEL_UNKNOWN;
}

static int gunzip(const uint8_t *in, size_t len, uint8_t *out, size_t max, size_t *out_len)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	/* 16 + 15: a gzip header, the largest window */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	z.next_out = out;
	z.avail_out = (uInt)(max > UINT32_MAX ? UINT32_MAX : max);
	rc = inflate(&z, Z_FINISH);
	*out_len = z.total_out;
	inflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/* The kernel's build appends the uncompressed size after xz and zstd streams: stop at the end. */
static int unxz(const uint8_t *in, size_t len, uint8_t *out, size_t max, size_t *out_len)
{
	lzma_stream z = LZMA_STREAM_INIT;
	lzma_ret rc;

	if (lzma_stream_decoder(&z, 256u << 20, 0) != LZMA_OK)
		return -1;
	z.next_in = in;
	z.avail_in = len;
	z.next_out = out;
	z.avail_out = max;
	rc = lzma_code(&z, LZMA_FINISH);
	*out_len = (size_t)z.total_out;
	lzma_end(&z);
	return rc == LZMA_STREAM_END ? 0 : -1;
}

static int unzstd(const uint8_t *in, size_t len, uint8_t *out, size_t max, size_t *out_len)
{
	size_t frame = ZSTD_findFrameCompressedSize(in, len);
	size_t n;

	if (ZSTD_isError(frame))
		return -1;
	n = ZSTD_decompress(out, max, in, frame);

	if (ZSTD_isError(n))
		return -1;
	*out_len = n;
	return 0;
}

int kernel_unpack(enum kernel_format f, const uint8_t *in, size_t len, size_t max,
		  uint8_t **out, size_t *out_len)
{
	uint8_t *buf = malloc(max);
	int rc = -1;

	if (!buf)
		return -1;
	if (f == KERNEL_GZIP)
		rc = gunzip(in, len, buf, max, out_len);
	else if (f == KERNEL_XZ)
		rc = unxz(in, len, buf, max, out_len);
	else if (f == KERNEL_ZSTD)
		rc = unzstd(in, len, buf, max, out_len);
	if (rc) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}
