/* Linux's LZ4 legacy frame (bzImage payloads). */
#ifndef XENKVM_LZ4_LEGACY_H
#define XENKVM_LZ4_LEGACY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool lz4_legacy_magic(const uint8_t *p, size_t len);
/* 0 with a malloc'd *out, or -1 (corrupt input, or more than max_out bytes). */
int lz4_legacy_decode(const uint8_t *in, size_t len, size_t max_out, uint8_t **out,
		      size_t *out_len);

#endif
