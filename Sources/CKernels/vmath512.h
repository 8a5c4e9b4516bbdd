// Sixteen-lane forms of vmath.h's exp and log for AVX-512F. Every lane runs exactly the
// operations of the eight-lane version, so both give bitwise the same values. Include only
// inside a function region compiled for "avx2,fma,avx512f".
#ifndef CKERNELS_VMATH512_H
#define CKERNELS_VMATH512_H
#include <immintrin.h>

__attribute__((target("avx2,fma,avx512f")))
static inline __m512 ck_v16_exp(__m512 x) {
    const __m512 lo = _mm512_set1_ps(-87.3f), hi = _mm512_set1_ps(88.7f);
    __mmask16 under = _mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ);
    x = _mm512_min_ps(_mm512_max_ps(x, lo), hi);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040.0f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    __m512 y = _mm512_mul_ps(p, _mm512_castsi512_ps(e));
    return _mm512_maskz_mov_ps((__mmask16)~under, y);
}

__attribute__((target("avx2,fma,avx512f")))
static inline __m512 ck_v16_log(__m512 x) {
    __m512i bits = _mm512_castps_si512(x);
    __m512i e = _mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(127));
    __m512 m = _mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x007FFFFF)),
                                                   _mm512_set1_epi32(0x3F800000)));
    __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(1.41421356f), _CMP_GT_OQ);
    m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
    __m512 ef = _mm512_add_ps(_mm512_cvtepi32_ps(e), _mm512_maskz_mov_ps(big, _mm512_set1_ps(1.0f)));
    __m512 t = _mm512_div_ps(_mm512_sub_ps(m, _mm512_set1_ps(1.0f)), _mm512_add_ps(m, _mm512_set1_ps(1.0f)));
    __m512 t2 = _mm512_mul_ps(t, t);
    __m512 p = _mm512_set1_ps(1.0f / 11.0f);
    p = _mm512_fmadd_ps(p, t2, _mm512_set1_ps(1.0f / 9.0f));
    p = _mm512_fmadd_ps(p, t2, _mm512_set1_ps(1.0f / 7.0f));
    p = _mm512_fmadd_ps(p, t2, _mm512_set1_ps(1.0f / 5.0f));
    p = _mm512_fmadd_ps(p, t2, _mm512_set1_ps(1.0f / 3.0f));
    p = _mm512_fmadd_ps(p, t2, _mm512_set1_ps(1.0f));
    __m512 lm = _mm512_mul_ps(_mm512_add_ps(t, t), p);
    return _mm512_fmadd_ps(ef, _mm512_set1_ps(0.693147180559945f), lm);
}
#endif
