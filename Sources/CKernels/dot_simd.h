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

// Every quantised kernel is written once for NV activation vectors (a compile-time constant
// after inlining): each block of the weight row is loaded and unpacked once, then met by every
// vector with exactly the instructions of the one-vector kernel, in the same order, so the
// result for vector v is bitwise what the one-vector kernel gives for it alone. Several
// sequences decoding in lockstep (ck_matvec_rows) share the unpacking this way.
#define CK_NV_MAX CK_ROWS_NV
#define CK_NV_KERNEL static inline __attribute__((always_inline)) void
// Keeps a per-vector scalar sum in its own register: otherwise the SLP vectoriser packs the
// NV sums into one vector fed by a gather, which is slower than NV scalar adds.
#define CK_OWN_REGISTER(x) __asm__("" : "+x"(x))
// Activation block b of vector v.
#define ACT32(v, b) ((const ck_q8_32 *)(act + (v) * stride) + (b))
#define ACT256(v, b) ((const ck_q8_256 *)(act + (v) * stride) + (b))

// Q4_0 / Q4_1 / Q5_0 / Q5_1 (T_*, a constant after inlining): code bytes · activation, plus a
// per-block offset · Σ activation — minus zero · d for the _0 types (zero 8 or 16), plus the
// block's min for the _1 types.
CK_NV_KERNEL FN(q32_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv,
                        const uint32_t type) {
    const int has_min = type == T_Q4_1 || type == T_Q5_1, five = type == T_Q5_0 || type == T_Q5_1;
    const int64_t block = type == T_Q4_0 ? B_Q4_0 : type == T_Q4_1 ? B_Q4_1 : type == T_Q5_0 ? B_Q5_0 : B_Q5_1;
    const int codes = (has_min ? 4 : 2) + (five ? 4 : 0);   // where the packed nibbles start
    __m256 acc[CK_NV_MAX];
    float off[CK_NV_MAX];
    for (int v = 0; v < nv; v++) { acc[v] = _mm256_setzero_ps(); off[v] = 0.0f; }
    for (int64_t b = 0; b < n / 32; b++, w += block) {
        float d = FN(h2f)(w), m = has_min ? FN(h2f)(w + 2) : d;
        __m256i q = FN(nibbles)(w + codes);
        if (five) q = _mm256_or_si256(q, FN(fifth_bits)(ld32(w + codes - 4)));
        for (int v = 0; v < nv; v++) {
            __m256i p = FN(dot_us)(q, _mm256_loadu_si256((const __m256i *)ACT32(v, b)->q));
            acc[v] = _mm256_fmadd_ps(_mm256_set1_ps(d * ACT32(v, b)->d), _mm256_cvtepi32_ps(p), acc[v]);
            off[v] += m * ACT32(v, b)->s;
            CK_OWN_REGISTER(off[v]);
        }
    }
    for (int v = 0; v < nv; v++)
        out[v] = has_min ? FN(hsum)(acc[v]) + off[v] : FN(hsum)(acc[v]) - (five ? 16.0f : 8.0f) * off[v];
}
CK_NV_KERNEL FN(q4_0_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv) {
    FN(q32_nv)(w, n, act, stride, out, nv, T_Q4_0);
}
CK_NV_KERNEL FN(q4_1_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv) {
    FN(q32_nv)(w, n, act, stride, out, nv, T_Q4_1);
}
CK_NV_KERNEL FN(q5_0_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv) {
    FN(q32_nv)(w, n, act, stride, out, nv, T_Q5_0);
}
CK_NV_KERNEL FN(q5_1_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv) {
    FN(q32_nv)(w, n, act, stride, out, nv, T_Q5_1);
}

// Signed × signed: move the weight's sign onto the activation (|w| · sign(w)·y).
CK_NV_KERNEL FN(q8_0_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv) {
    __m256 acc[CK_NV_MAX];
    for (int v = 0; v < nv; v++) acc[v] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / 32; b++, w += B_Q8_0) {
        float d = FN(h2f)(w);
        __m256i q = _mm256_loadu_si256((const __m256i *)(w + 2));
        __m256i u = _mm256_abs_epi8(q);
        for (int v = 0; v < nv; v++) {
            __m256i y = _mm256_loadu_si256((const __m256i *)ACT32(v, b)->q);
            __m256i p = FN(dot_us)(u, _mm256_sign_epi8(y, q));
            acc[v] = _mm256_fmadd_ps(_mm256_set1_ps(d * ACT32(v, b)->d), _mm256_cvtepi32_ps(p), acc[v]);
        }
    }
    for (int v = 0; v < nv; v++) out[v] = FN(hsum)(acc[v]);
}

// K-quants: per-sub-block scales are applied in int16 by madd, so the whole 256-value
// super-block is summed in integers before one float multiply-add.
static inline __m256i FN(scaled)(__m256i u, __m256i y, int scale) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, y), _mm256_set1_epi16((short)scale));
}

// Q4_K / Q5_K: the low and high 32 codes of chunk c (of 4) of super-block b, times every
// vector's activations, scaled by their sub-block scales, into sumi.
static inline __attribute__((always_inline)) void FN(kquant_chunk)(__m256i *sumi, __m256i lo, __m256i hi,
                                                                   const uint8_t *act, int64_t stride, int64_t b,
                                                                   int c, const uint8_t sc[8], const int nv) {
    for (int v = 0; v < nv; v++) {
        const int8_t *y = ACT256(v, b)->q;
        sumi[v] = _mm256_add_epi32(sumi[v], FN(scaled)(lo, _mm256_loadu_si256((const __m256i *)(y + 64 * c)), sc[2 * c]));
        sumi[v] = _mm256_add_epi32(sumi[v], FN(scaled)(hi, _mm256_loadu_si256((const __m256i *)(y + 64 * c + 32)), sc[2 * c + 1]));
    }
}

// Q4_K / Q5_K: closes super-block b (header at w) for every vector: d · Σ codes·activation into
// acc, dmin · Σ over the 8 sub-blocks of min · (Σ activation) into mins.
static inline __attribute__((always_inline)) void FN(kquant_close)(__m256 *acc, float *mins, const __m256i *sumi,
                                                                   const uint8_t *w, const uint8_t mn[8],
                                                                   const uint8_t *act, int64_t stride, int64_t b,
                                                                   const int nv) {
    float d = FN(h2f)(w), dmin = FN(h2f)(w + 2);
    for (int v = 0; v < nv; v++) {
        const int16_t *bsums = ACT256(v, b)->bsums;
        int summ = 0;
        for (int j = 0; j < 8; j++) summ += mn[j] * (bsums[2 * j] + bsums[2 * j + 1]);
        acc[v] = _mm256_fmadd_ps(_mm256_set1_ps(d * ACT256(v, b)->d), _mm256_cvtepi32_ps(sumi[v]), acc[v]);
        mins[v] += dmin * ACT256(v, b)->d * (float)summ;
        CK_OWN_REGISTER(mins[v]);
    }
}

CK_NV_KERNEL FN(q4_k_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv) {
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    __m256 acc[CK_NV_MAX];
    float mins[CK_NV_MAX];
    for (int v = 0; v < nv; v++) { acc[v] = _mm256_setzero_ps(); mins[v] = 0.0f; }
    for (int64_t b = 0; b < n / 256; b++, w += B_Q4_K) {
        uint8_t sc[8], mn[8];
        kquant_scale_min(w + 4, sc, mn);
        const uint8_t *qs = w + 16;
        __m256i sumi[CK_NV_MAX];
        for (int v = 0; v < nv; v++) sumi[v] = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
            __m256i lo = _mm256_and_si256(q, low4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            FN(kquant_chunk)(sumi, lo, hi, act, stride, b, c, sc, nv);
        }
        FN(kquant_close)(acc, mins, sumi, w, mn, act, stride, b, nv);
    }
    for (int v = 0; v < nv; v++) out[v] = FN(hsum)(acc[v]) - mins[v];
}

CK_NV_KERNEL FN(q5_k_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv) {
    const __m256i low4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc[CK_NV_MAX];
    float mins[CK_NV_MAX];
    for (int v = 0; v < nv; v++) { acc[v] = _mm256_setzero_ps(); mins[v] = 0.0f; }
    for (int64_t b = 0; b < n / 256; b++, w += B_Q5_K) {
        uint8_t sc[8], mn[8];
        kquant_scale_min(w + 4, sc, mn);
        const uint8_t *qs = w + 48;
        __m256i hb = _mm256_loadu_si256((const __m256i *)(w + 16));
        __m256i sumi[CK_NV_MAX];
        for (int v = 0; v < nv; v++) sumi[v] = _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
            __m256i lo = _mm256_or_si256(_mm256_and_si256(q, low4),
                                         _mm256_slli_epi16(_mm256_and_si256(hb, one), 4));
            __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), low4),
                                         _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 1), one), 4));
            hb = _mm256_srli_epi16(hb, 2);
            FN(kquant_chunk)(sumi, lo, hi, act, stride, b, c, sc, nv);
        }
        FN(kquant_close)(acc, mins, sumi, w, mn, act, stride, b, nv);
    }
    for (int v = 0; v < nv; v++) out[v] = FN(hsum)(acc[v]) - mins[v];
}

CK_NV_KERNEL FN(q6_k_nv)(const uint8_t *w, int64_t n, const uint8_t *act, int64_t stride, float *out, const int nv) {
    const __m256i low4 = _mm256_set1_epi8(0x0F), two = _mm256_set1_epi8(3);
    __m256 acc[CK_NV_MAX];
    for (int v = 0; v < nv; v++) acc[v] = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / 256; b++, w += B_Q6_K) {
        const int8_t *sc = (const int8_t *)(w + 192);
        __m256i sumi[CK_NV_MAX];
        for (int v = 0; v < nv; v++) sumi[v] = _mm256_setzero_si256();
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
                for (int v = 0; v < nv; v++) {
                    __m256i yv = _mm256_loadu_si256((const __m256i *)(ACT256(v, b)->q + 128 * h + 32 * k));
                    sumi[v] = _mm256_add_epi32(sumi[v], _mm256_madd_epi16(_mm256_maddubs_epi16(q, yv), scales));
                }
            }
        }
        float d = FN(h2f)(w + 208);
        for (int v = 0; v < nv; v++) {
            // Codes are stored +32: subtract 32 · Σ scale · (Σ activation of its 16 values).
            int corr = 0;
            for (int s = 0; s < 16; s++) corr += sc[s] * ACT256(v, b)->bsums[s];
            __m256i si = _mm256_sub_epi32(sumi[v], _mm256_setr_epi32(32 * corr, 0, 0, 0, 0, 0, 0, 0));
            acc[v] = _mm256_fmadd_ps(_mm256_set1_ps(d * ACT256(v, b)->d), _mm256_cvtepi32_ps(si), acc[v]);
        }
    }
    for (int v = 0; v < nv; v++) out[v] = FN(hsum)(acc[v]);
}

// The one-vector row kernels (ck_row_fn) and the 2- to 8-vector ones (ck_rows_fn).
#define CK_ROWS_KERNEL(t, nv)                                                                    \
    static void FN(dot##nv##_##t)(const uint8_t *w, int64_t n, const void *act, int64_t stride, float *out) { \
        FN(t##_nv)(w, n, (const uint8_t *)act, stride, out, nv);                                 \
    }
#define CK_ROW_KERNELS(t)                                                                        \
    static float FN(dot_##t)(const uint8_t *w, int64_t n, const void *act, float *scratch) {    \
        (void)scratch;                                                                           \
        float r;                                                                                 \
        FN(t##_nv)(w, n, (const uint8_t *)act, 0, &r, 1);                                        \
        return r;                                                                                \
    }                                                                                            \
    CK_ROWS_KERNEL(t, 2) CK_ROWS_KERNEL(t, 3) CK_ROWS_KERNEL(t, 4) CK_ROWS_KERNEL(t, 5)            \
    CK_ROWS_KERNEL(t, 6) CK_ROWS_KERNEL(t, 7) CK_ROWS_KERNEL(t, 8)
CK_ROW_KERNELS(q4_0)
CK_ROW_KERNELS(q4_1)
CK_ROW_KERNELS(q5_0)
CK_ROW_KERNELS(q5_1)
CK_ROW_KERNELS(q8_0)
CK_ROW_KERNELS(q4_k)
CK_ROW_KERNELS(q5_k)
CK_ROW_KERNELS(q6_k)

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

#define CK_ROWS_CASE(T, t)                                                                       \
    case T: return nv == 2 ? FN(dot2_##t) : nv == 3 ? FN(dot3_##t) : nv == 4 ? FN(dot4_##t)        \
                 : nv == 5 ? FN(dot5_##t) : nv == 6 ? FN(dot6_##t) : nv == 7 ? FN(dot7_##t) : FN(dot8_##t);
ck_rows_fn FN(ck_rows_fn)(uint32_t type, int nv) {
    if (nv < 2 || nv > CK_ROWS_NV) return NULL;
    switch (type) {
    CK_ROWS_CASE(T_Q4_0, q4_0)
    CK_ROWS_CASE(T_Q4_1, q4_1)
    CK_ROWS_CASE(T_Q5_0, q5_0)
    CK_ROWS_CASE(T_Q5_1, q5_1)
    CK_ROWS_CASE(T_Q8_0, q8_0)
    CK_ROWS_CASE(T_Q4_K, q4_k)
    CK_ROWS_CASE(T_Q5_K, q5_k)
    CK_ROWS_CASE(T_Q6_K, q6_k)
    default: return NULL;  // float types (memory-bound anyway) and the scalar-path types
    }
}
