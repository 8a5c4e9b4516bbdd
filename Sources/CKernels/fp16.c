// IEEE half <-> single conversion: exact scalar code plus F16C rows chosen at run time.
#include "internal.h"

float ck_fp16_to_fp32(uint16_t h) { return half_to_float(h); }

// Round to nearest even, overflow to inf, NaN stays NaN (quiet), as numpy does.
uint16_t ck_fp32_to_fp16(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t ax = x & 0x7FFFFFFFu;
    if (ax > 0x7F800000u) return sign | 0x7E00 | (uint16_t)((ax >> 13) & 0x3FF);  // NaN
    if (ax >= 0x477FF000u) return sign | 0x7C00;   // rounds to >= 65520: inf
    if (ax < 0x38800000u) {
        // Result is subnormal (or zero): value / 2^-24, rounded to nearest even.
        if (ax < 0x33000000u) return sign;         // below half the smallest subnormal
        uint32_t e = ax >> 23;
        uint32_t m = (ax & 0x7FFFFF) | 0x800000;
        uint32_t shift = 126 - e;                  // 14 + (113 - e), in 14..24
        uint32_t q = m >> shift;
        uint32_t rem = m & ((1u << shift) - 1);
        uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) q++;
        return sign | (uint16_t)q;
    }
    // Normal: rebias exponent, round mantissa from 23 to 10 bits.
    uint32_t r = ax - 0x38000000u;                 // exponent bias 127 -> 15
    uint32_t q = r >> 13;
    uint32_t rem = r & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (q & 1))) q++;
    return sign | (uint16_t)q;
}

void ck_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n) {
#if defined(__x86_64__)
    if (ck_get_level() >= CK_LEVEL_AVX2) { ck_fp16_to_fp32_row_f16c(src, dst, n); return; }
#endif
    for (int64_t i = 0; i < n; i++) dst[i] = half_to_float(src[i]);
}

void ck_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n) {
#if defined(__x86_64__)
    if (ck_get_level() >= CK_LEVEL_AVX2) { ck_fp32_to_fp16_row_f16c(src, dst, n); return; }
#endif
    for (int64_t i = 0; i < n; i++) dst[i] = ck_fp32_to_fp16(src[i]);
}
