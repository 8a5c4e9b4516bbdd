// AVX2 + FMA + F16C row kernels (see dot_simd.h), plus F16C row conversion and a float dot.
#if defined(__x86_64__)
#define CK_TARGET "avx2,fma,f16c"
#define CK_VNNI 0
#define CK_SUFFIX _avx2
#include "dot_simd.h"

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

float ck_dot_f32_avx2(const float *a, const float *b, int64_t n) {
    return dot_floats_avx2(a, NULL, 0, (const uint8_t *)a, b, n);
}

void ck_fp16_to_fp32_row_f16c(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = _cvtsh_ss(src[i]);
}

void ck_fp32_to_fp16_row_f16c(const float *src, uint16_t *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) dst[i] = _cvtss_sh(src[i], _MM_FROUND_TO_NEAREST_INT);
}

#pragma clang attribute pop
#endif
