#ifndef XENKVM_CPU_OPS_H
#define XENKVM_CPU_OPS_H
#include <stdint.h>
uint64_t dot_v3(const uint32_t *a, const uint32_t *b, unsigned n);
unsigned ymm_rounds_lost(uint32_t seed, unsigned rounds);
#endif
