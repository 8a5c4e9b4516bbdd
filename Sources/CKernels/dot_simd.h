// Body of the x86 SIMD row kernels, included twice: by dot_avx2.c (maddubs/madd) and by
// dot_vnni.c (vpdpbusd). Before including, define CK_TARGET (the target attribute string),
// CK_VNNI (0/1) and CK_SUFFIX (the name suffix). Weights stay quantised; each block becomes
// 32 unsigned bytes multiplied with the signed activation bytes. Types with a zero point
// (Q4_0: 8, Q5_0: 16, Q6_K: 32) use unsigned codes too and subtract zero * Σ activation,
// which the activation blocks carry precomputed (s, bsums).
#include "internal.h"
#include <immintrin.h>

#define CK_CAT2(a, b) a##b
#define CK_CAT(a, b) CK_CAT2(a, b)
#define FN(name) CK_CAT(name, CK_SUFFIX)

#pragma clang attribute push(__attribute__((target(CK_TARGET))), apply_to = function)

static inline float FN(hsum)(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// The half at p. The empty asm keeps the value in a general register: otherwise clang
// loads it with vpinsrw, merging into whatever vector register is free — in practice the
// accumulator — which chains every block to the previous one (measured ~2x slower).
static inline float FN(h2f)(const uint8_t *p) {
    uint32_t v = ld16(p);
    __asm__("" : "+r"(v));
    return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128((int)v)));
}

// Σ u[i]*s[i] over groups of 4 bytes -> 8 int32. u holds unsigned bytes, s signed bytes.
static inline __m256i FN(dot_us)(__m256i u, __m256i s) {
#if CK_VNNI
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}

#include "codes_simd.h"

// Q4_0 / Q4_1 / Q5_0 / Q5_1 share one loop: code bytes · activation, plus a per-block offset
// term m * s (m = min for _1 types, -zero * d for _0 types).
static float FN(dot_q4_0)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    __m256 acc = _mm256_setzero_ps();
    float off = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q4_0) {
        float d = FN(h2f)(w);
        __m256i p = FN(dot_us)(FN(nibbles)(w + 2), _mm256_loadu_si256((const __m256i *)a[b].q));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d * a[b].d), _mm256_cvtepi32_ps(p), acc);
        off += d * a[b].s;
    }
    return FN(hsum)(acc) - 8.0f * off;
}

static float FN(dot_q4_1)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    __m256 acc = _mm256_setzero_ps();
    float off = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q4_1) {
        __m256i p = FN(dot_us)(FN(nibbles)(w + 4), _mm256_loadu_si256((const __m256i *)a[b].q));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(FN(h2f)(w) * a[b].d), _mm256_cvtepi32_ps(p), acc);
        off += FN(h2f)(w + 2) * a[b].s;
    }
    return FN(hsum)(acc) + off;
}

static float FN(dot_q5_0)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    __m256 acc = _mm256_setzero_ps();
    float off = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q5_0) {
        float d = FN(h2f)(w);
        __m256i q = _mm256_or_si256(FN(nibbles)(w + 6), FN(fifth_bits)(ld32(w + 2)));
        __m256i p = FN(dot_us)(q, _mm256_loadu_si256((const __m256i *)a[b].q));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d * a[b].d), _mm256_cvtepi32_ps(p), acc);
        off += d * a[b].s;
    }
    return FN(hsum)(acc) - 16.0f * off;
}

static float FN(dot_q5_1)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    __m256 acc = _mm256_setzero_ps();
    float off = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q5_1) {
        __m256i q = _mm256_or_si256(FN(nibbles)(w + 8), FN(fifth_bits)(ld32(w + 4)));
        __m256i p = FN(dot_us)(q, _mm256_loadu_si256((const __m256i *)a[b].q));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(FN(h2f)(w) * a[b].d), _mm256_cvtepi32_ps(p), acc);
        off += FN(h2f)(w + 2) * a[b].s;
    }
    return FN(hsum)(acc) + off;
}

// Signed × signed: move the weight's sign onto the activation (|w| · sign(w)·y).
static float FN(dot_q8_0)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / 32; b++, w += B_Q8_0) {
        __m256i q = _mm256_loadu_si256((const __m256i *)(w + 2));
        __m256i y = _mm256_loadu_si256((const __m256i *)a[b].q);
        __m256i p = FN(dot_us)(_mm256_abs_epi8(q), _mm256_sign_epi8(y, q));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(FN(h2f)(w) * a[b].d), _mm256_cvtepi32_ps(p), acc);
    }
    return FN(hsum)(acc);
}

// K-quants: per-sub-block scales are applied in int16 by madd, so the whole 256-value
// super-block is summed in integers before one float multiply-add.
static inline __m256i FN(scaled)(__m256i u, __m256i y, int scale) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, y), _mm256_set1_epi16((short)scale));
}

static float FN(dot_q4_k)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_256 *a = (const ck_q8_256 *)act;
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    float mins = 0.0f;
    for (int64_t b = 0; b < n / 256; b++, w += B_Q4_K) {
        uint8_t sc[8], mn[8];
        kquant_scale_min(w + 4, sc, mn);
        const uint8_t *qs = w + 16;
        const int8_t *y = a[b].q;
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
            __m256i lo = _mm256_and_si256(q, low4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            sumi = _mm256_add_epi32(sumi, FN(scaled)(lo, _mm256_loadu_si256((const __m256i *)(y + 64 * c)), sc[2 * c]));
            sumi = _mm256_add_epi32(sumi, FN(scaled)(hi, _mm256_loadu_si256((const __m256i *)(y + 64 * c + 32)), sc[2 * c + 1]));
        }
        int summ = 0;
        for (int j = 0; j < 8; j++) summ += mn[j] * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(FN(h2f)(w) * a[b].d), _mm256_cvtepi32_ps(sumi), acc);
        mins += FN(h2f)(w + 2) * a[b].d * (float)summ;
    }
    return FN(hsum)(acc) - mins;
}

static float FN(dot_q5_k)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_256 *a = (const ck_q8_256 *)act;
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    float mins = 0.0f;
    for (int64_t b = 0; b < n / 256; b++, w += B_Q5_K) {
        uint8_t sc[8], mn[8];
        kquant_scale_min(w + 4, sc, mn);
        const uint8_t *qs = w + 48;
        const int8_t *y = a[b].q;
        __m256i hb = _mm256_loadu_si256((const __m256i *)(w + 16));
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
            __m256i lo = _mm256_or_si256(_mm256_and_si256(q, low4),
                                         _mm256_slli_epi16(_mm256_and_si256(hb, one), 4));
            __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), low4),
                                         _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 1), one), 4));
            hb = _mm256_srli_epi16(hb, 2);
            sumi = _mm256_add_epi32(sumi, FN(scaled)(lo, _mm256_loadu_si256((const __m256i *)(y + 64 * c)), sc[2 * c]));
            sumi = _mm256_add_epi32(sumi, FN(scaled)(hi, _mm256_loadu_si256((const __m256i *)(y + 64 * c + 32)), sc[2 * c + 1]));
        }
        int summ = 0;
        for (int j = 0; j < 8; j++) summ += mn[j] * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(FN(h2f)(w) * a[b].d), _mm256_cvtepi32_ps(sumi), acc);
        mins += FN(h2f)(w + 2) * a[b].d * (float)summ;
    }
    return FN(hsum)(acc) - mins;
}

static float FN(dot_q6_k)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_256 *a = (const ck_q8_256 *)act;
    const __m256i low4 = _mm256_set1_epi8(0x0F), two = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / 256; b++, w += B_Q6_K) {
        const int8_t *sc = (const int8_t *)(w + 192);
        const int8_t *y = a[b].q;
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            __m256i l0 = _mm256_loadu_si256((const __m256i *)(w + 64 * h));
            __m256i l1 = _mm256_loadu_si256((const __m256i *)(w + 64 * h + 32));
            __m256i qh = _mm256_loadu_si256((const __m256i *)(w + 128 + 32 * h));
            __m256i g[4];
            g[0] = _mm256_and_si256(l0, low4);
            g[1] = _mm256_and_si256(l1, low4);
            g[2] = _mm256_and_si256(_mm256_srli_epi16(l0, 4), low4);
            g[3] = _mm256_and_si256(_mm256_srli_epi16(l1, 4), low4);
            for (int k = 0; k < 4; k++) {
                __m256i hi = _mm256_slli_epi16(_mm256_and_si256(qh, two), 4);
                qh = _mm256_srli_epi16(qh, 2);
                __m256i q = _mm256_or_si256(g[k], hi);
                int s = 8 * h + 2 * k;
                __m256i scales = _mm256_set_m128i(_mm_set1_epi16(sc[s + 1]), _mm_set1_epi16(sc[s]));
                __m256i yv = _mm256_loadu_si256((const __m256i *)(y + 128 * h + 32 * k));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_maddubs_epi16(q, yv), scales));
            }
        }
        // Codes are stored +32: subtract 32 · Σ scale · (Σ activation of its 16 values).
        int corr = 0;
        for (int s = 0; s < 16; s++) corr += sc[s] * a[b].bsums[s];
        sumi = _mm256_sub_epi32(sumi, _mm256_setr_epi32(32 * corr, 0, 0, 0, 0, 0, 0, 0));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(FN(h2f)(w + 208) * a[b].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    return FN(hsum)(acc);
}

// Float weights: 4 independent accumulators hide the FMA latency.
static inline float FN(dot_floats)(const float *wf, const uint16_t *wh, int bf16, const uint8_t *raw,
                                   const float *x, int64_t n) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            __m256 v;
            if (wf) v = _mm256_loadu_ps(wf + i + 8 * k);
            else if (!bf16) v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(wh + i + 8 * k)));
            else v = _mm256_castsi256_ps(_mm256_slli_epi32(
                     _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(wh + i + 8 * k))), 16));
            acc[k] = _mm256_fmadd_ps(v, _mm256_loadu_ps(x + i + 8 * k), acc[k]);
        }
    }
    float sum = FN(hsum)(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; i++) {
        float v;
        if (wf) v = wf[i];
        else if (!bf16) v = _cvtsh_ss(ld16(raw + 2 * i));
        else { uint32_t bits = (uint32_t)ld16(raw + 2 * i) << 16; memcpy(&v, &bits, 4); }
        sum += v * x[i];
    }
    return sum;
}

static float FN(dot_f32)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    return FN(dot_floats)((const float *)w, NULL, 0, w, (const float *)act, n);
}
static float FN(dot_f16)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    return FN(dot_floats)(NULL, (const uint16_t *)w, 0, w, (const float *)act, n);
}
static float FN(dot_bf16)(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    return FN(dot_floats)(NULL, (const uint16_t *)w, 1, w, (const float *)act, n);
}

#pragma clang attribute pop

ck_row_fn FN(ck_row_fn)(uint32_t type) {
    switch (type) {
    case T_F32: return FN(dot_f32);
    case T_F16: return FN(dot_f16);
    case T_BF16: return FN(dot_bf16);
    case T_Q4_0: return FN(dot_q4_0);
    case T_Q4_1: return FN(dot_q4_1);
    case T_Q5_0: return FN(dot_q5_0);
    case T_Q5_1: return FN(dot_q5_1);
    case T_Q8_0: return FN(dot_q8_0);
    case T_Q4_K: return FN(dot_q4_k);
    case T_Q5_K: return FN(dot_q5_k);
    case T_Q6_K: return FN(dot_q6_k);
    default: return NULL;  // Q2_K, Q3_K: the scalar dequantise-then-dot path
    }
}
