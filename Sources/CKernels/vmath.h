// Eight-lane exp and log for AVX2 + FMA, used by softmax, the distribution statistics and
// attention. Accurate to about 2 ulp over the ranges used here (exp of values ≤ 0 after the
// maximum is subtracted; log of probabilities + 1e-8). Include only inside a function
// region compiled for "avx2,fma".
#ifndef CKERNELS_VMATH_H
#define CKERNELS_VMATH_H
#include <immintrin.h>

// exp(x): x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by its Taylor polynomial to r^7, times 2^n.
// Below -87.3 the result is 0 (as expf underflows there to subnormals we do not need).
__attribute__((target("avx2,fma")))
static inline __m256 ck_v_exp(__m256 x) {
    const __m256 lo = _mm256_set1_ps(-87.3f), hi = _mm256_set1_ps(88.7f);
    __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);   // ln2 split: exact high part
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    __m256 y = _mm256_mul_ps(p, _mm256_castsi256_ps(e));
    return _mm256_andnot_ps(under, y);
}

// log(x) for positive normal x: x = 2^e·m with m in [√½, √2), log m = 2·atanh(t),
// t = (m−1)/(m+1), by its series to t^11.
__attribute__((target("avx2,fma")))
static inline __m256 ck_v_log(__m256 x) {
    __m256i bits = _mm256_castps_si256(x);
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007FFFFF)),
                                                   _mm256_set1_epi32(0x3F800000)));
    __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356f), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
    __m256 ef = _mm256_add_ps(_mm256_cvtepi32_ps(e), _mm256_and_ps(big, _mm256_set1_ps(1.0f)));
    __m256 t = _mm256_div_ps(_mm256_sub_ps(m, _mm256_set1_ps(1.0f)), _mm256_add_ps(m, _mm256_set1_ps(1.0f)));
    __m256 t2 = _mm256_mul_ps(t, t);
    __m256 p = _mm256_set1_ps(1.0f / 11.0f);
    p = _mm256_fmadd_ps(p, t2, _mm256_set1_ps(1.0f / 9.0f));
    p = _mm256_fmadd_ps(p, t2, _mm256_set1_ps(1.0f / 7.0f));
    p = _mm256_fmadd_ps(p, t2, _mm256_set1_ps(1.0f / 5.0f));
    p = _mm256_fmadd_ps(p, t2, _mm256_set1_ps(1.0f / 3.0f));
    p = _mm256_fmadd_ps(p, t2, _mm256_set1_ps(1.0f));
    __m256 lm = _mm256_mul_ps(_mm256_add_ps(t, t), p);
    return _mm256_fmadd_ps(ef, _mm256_set1_ps(0.693147180559945f), lm);
}

__attribute__((target("avx2,fma")))
static inline float ck_v_hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
static inline float ck_v_hmax(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Largest of n floats (softmax and the heads' statistics). A function of its own in each file
// that uses it (noinline), so integration/test_hot_loops_assembly.py finds and checks it there.
__attribute__((target("avx2,fma"), noinline, unused))
static float max_avx2(const float *x, int64_t n) {
    __m256 m = _mm256_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    float r = ck_v_hmax(m);
    for (; i < n; i++) r = x[i] > r ? x[i] : r;
    return r;
}

// Sum of 8 floats in double (for long reductions).
__attribute__((target("avx2,fma")))
static inline __m256d ck_v_add_pd(__m256d acc, __m256 v) {
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    return _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
}

__attribute__((target("avx2,fma")))
static inline double ck_v_hsum_pd(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(s) + _mm_cvtsd_f64(_mm_unpackhi_pd(s, s));
}
#endif
