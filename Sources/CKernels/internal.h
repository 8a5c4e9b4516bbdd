// Shared helpers for the CKernels sources: ggml type numbers, unaligned loads, scalar f16.
// GGUF blocks are packed (18, 22, 210 … bytes), so every multi-byte field is read through
// memcpy, which compiles to a plain load without undefined behaviour.
#ifndef CKERNELS_INTERNAL_H
#define CKERNELS_INTERNAL_H

#include "ckernels.h"
#include <string.h>

// x86 SIMD kernels (AVX2, VNNI) are compiled only for x86-64; every other target builds the
// portable C code alone.
#if defined(__x86_64__)
#define CK_X86 1
#endif

enum {
    T_F32 = 0, T_F16 = 1, T_Q4_0 = 2, T_Q4_1 = 3, T_Q5_0 = 6, T_Q5_1 = 7, T_Q8_0 = 8,
    T_Q2_K = 10, T_Q3_K = 11, T_Q4_K = 12, T_Q5_K = 13, T_Q6_K = 14, T_BF16 = 30,
};

// Block sizes in bytes (ggml's layouts).
enum {
    B_Q4_0 = 18, B_Q4_1 = 20, B_Q5_0 = 22, B_Q5_1 = 24, B_Q8_0 = 34,
    B_Q2_K = 84, B_Q3_K = 110, B_Q4_K = 144, B_Q5_K = 176, B_Q6_K = 210,
};

static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

// Exact IEEE half -> single conversion, including subnormals, inf and NaN.
static inline float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1F;
    uint32_t man = h & 0x3FF;
    uint32_t bits;
    if (exp == 0x1F) {
        bits = sign | 0x7F800000u | (man << 13);
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man == 0) {
        bits = sign;
    } else {
        // Subnormal half: value = man * 2^-24, exactly representable as a float.
        float f = (float)man * 5.9604644775390625e-8f;
        memcpy(&bits, &f, 4);
        bits |= sign;
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline float f16(const uint8_t *p) { return half_to_float(ld16(p)); }

// Q4_K / Q5_K: 8 six-bit scales and 8 six-bit mins packed in 12 bytes.
static inline void kquant_scale_min(const uint8_t *s, uint8_t sc[8], uint8_t mn[8]) {
    for (int j = 0; j < 4; j++) {
        sc[j] = s[j] & 63;
        mn[j] = s[j + 4] & 63;
        sc[j + 4] = (s[j + 8] & 0x0F) | ((s[j] >> 6) << 4);
        mn[j + 4] = (s[j + 8] >> 4) | ((s[j + 4] >> 6) << 4);
    }
}

// Q3_K: 16 six-bit signed scales (offset 32) packed in 12 bytes.
static inline void q3k_scales(const uint8_t *s, int8_t out[16]) {
    for (int i = 0; i < 16; i++) {
        int lo = (i < 8 ? s[i] : s[i - 8] >> 4) & 0x0F;
        int hi = (s[8 + (i & 3)] >> (2 * (i >> 2))) & 3;
        out[i] = (int8_t)((lo | (hi << 4)) - 32);
    }
}

// Kernel tables filled per level.
extern int ck_level;

// One row's dot product: W_row (n elements) · activation.
typedef float (*ck_row_fn)(const uint8_t *w, int64_t n, const void *act, float *scratch);
// Row kernel for a type at each level; NULL when that level has none for the type.
ck_row_fn ck_row_fn_scalar(uint32_t type);
ck_row_fn ck_row_fn_avx2(uint32_t type);
ck_row_fn ck_row_fn_vnni(uint32_t type);
// One row's dot products with nv (2..CK_ROWS_NV) activation vectors `stride` bytes apart,
// out[v] for vector v, each bitwise what the level's ck_row_fn gives for that vector alone.
#define CK_ROWS_NV 8
typedef void (*ck_rows_fn)(const uint8_t *w, int64_t n, const void *act, int64_t stride, float *out);
// The level's nv-vector kernel for a type; NULL when it has none (or nv is out of range).
ck_rows_fn ck_rows_fn_avx2(uint32_t type, int nv);
ck_rows_fn ck_rows_fn_vnni(uint32_t type, int nv);
float ck_dot_f32_avx2(const float *a, const float *b, int64_t n);
void ck_fp16_to_fp32_row_f16c(const uint16_t *src, float *dst, int64_t n);
void ck_fp32_to_fp16_row_f16c(const float *src, uint16_t *dst, int64_t n);

#endif
