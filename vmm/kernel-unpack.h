/* gzip, xz and zstd kernel payloads (bzImage), decoded whole. */
#ifndef XENKVM_KERNEL_UNPACK_H
#define XENKVM_KERNEL_UNPACK_H

#include <stddef.h>
#include <stdint.h>

enum kernel_format { KERNEL_UNKNOWN, KERNEL_GZIP, KERNEL_XZ, KERNEL_ZSTD };

/* Which of the three the payload is, by its magic. */
enum kernel_format kernel_format_of(const uint8_t *p, size_t len);
/* 0 with *out malloc'd (*out_len bytes, at most max), or -1 (corrupt, too big). */
int kernel_unpack(enum kernel_format f, const uint8_t *in, size_t len, size_t max,
		  uint8_t **out, size_t *out_len);

#endif
