// Body of the quantised matrix-matrix kernels (prefill), included by matmul_avx2.c and
// matmul_vnni.c with CK_TARGET, CK_VNNI and CK_SUFFIX defined as for dot_simd.h.
//
// Weights stay quantised and activations are 8-bit blocks, as in the decode path, but eight
// weight rows are first unpacked into a "panel": their codes as unsigned bytes, interleaved
// four at a time (panel[chunk][g][row][4] holds row `row`'s codes 32·chunk + 4g … + 3), with
// their scales as vectors of eight. One vpdpbusd (or maddubs + madd) with a broadcast of four
// activation bytes then advances eight rows at once, each lane one row, and the unpacking is
// paid once per panel for every column of the batch. Integer sums are exact; each scale block
// adds one float multiply-add per lane, so results equal the matrix-vector kernels' to float
// rounding (not bitwise: the float sums are grouped differently).
#include "internal.h"
#include "matmul.h"
#include <immintrin.h>

#define CK_CAT2(a, b) a##b
#define CK_CAT(a, b) CK_CAT2(a, b)
#define FN(name) CK_CAT(name, CK_SUFFIX)

#pragma clang attribute push(__attribute__((target(CK_TARGET))), apply_to = function)

// t + Σ over groups of 4 bytes of u·s (u unsigned, s signed); without VNNI the int16 pair
// sums must not saturate, which holds for codes below 64 (|pair| ≤ 2·63·127) and for
// Q8_0's |w| ≤ 128 (2·128·127 < 32768), which the AVX2 build multiplies with sign(w)·q.
static inline __m256i FN(mm_dpbusd)(__m256i t, __m256i u, __m256i s) {
#if CK_VNNI
    return _mm256_dpbusd_epi32(t, u, s);
#else
    return _mm256_add_epi32(t, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
}

#include "codes_simd.h"

// The 32 codes (k order) of chunk j of a row: for the 32-element types chunk j is block j;
// for the K-quants chunk j is the (j % 8)-th run of 32 in super-block j / 8.
static inline __m256i FN(mm_chunk_codes)(uint32_t type, const uint8_t *row, int64_t j) {
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    switch (type) {
    case T_Q4_0: return FN(nibbles)(row + j * B_Q4_0 + 2);
    case T_Q4_1: return FN(nibbles)(row + j * B_Q4_1 + 4);
    case T_Q5_0: {
        const uint8_t *w = row + j * B_Q5_0;
        return _mm256_or_si256(FN(nibbles)(w + 6), FN(fifth_bits)(ld32(w + 2)));
    }
    case T_Q5_1: {
        const uint8_t *w = row + j * B_Q5_1;
        return _mm256_or_si256(FN(nibbles)(w + 8), FN(fifth_bits)(ld32(w + 4)));
    }
    case T_Q8_0: {  // VNNI: w + 128 as an unsigned byte (zero point 128); AVX2: w itself
        __m256i w = _mm256_loadu_si256((const __m256i *)(row + j * B_Q8_0 + 2));
        return CK_VNNI ? _mm256_xor_si256(w, _mm256_set1_epi8((char)0x80)) : w;
    }
    case T_Q4_K: {
        const uint8_t *w = row + (j / 8) * B_Q4_K;
        int c = (int)(j % 8);
        __m256i q = _mm256_loadu_si256((const __m256i *)(w + 16 + 32 * (c / 2)));
        return _mm256_and_si256(c % 2 ? _mm256_srli_epi16(q, 4) : q, low4);
    }
    case T_Q5_K: {
        const uint8_t *w = row + (j / 8) * B_Q5_K;
        int c = (int)(j % 8);
        __m256i q = _mm256_loadu_si256((const __m256i *)(w + 48 + 32 * (c / 2)));
        __m256i hb = _mm256_loadu_si256((const __m256i *)(w + 16));
        __m256i lo = _mm256_and_si256(c % 2 ? _mm256_srli_epi16(q, 4) : q, low4);
        __m256i hi = _mm256_and_si256(_mm256_srl_epi16(hb, _mm_cvtsi32_si128(c)), _mm256_set1_epi8(1));
        return _mm256_or_si256(lo, _mm256_slli_epi16(hi, 4));
    }
    case T_Q6_K: {
        const uint8_t *w = row + (j / 8) * B_Q6_K;
        int c = (int)(j % 8), h = c / 4, k = c % 4;
        __m256i l = _mm256_loadu_si256((const __m256i *)(w + 64 * h + 32 * (k % 2)));
        __m256i lo = _mm256_and_si256(k >= 2 ? _mm256_srli_epi16(l, 4) : l, low4);
        __m256i qh = _mm256_loadu_si256((const __m256i *)(w + 128 + 32 * h));
        __m256i hi = _mm256_and_si256(_mm256_srl_epi16(qh, _mm_cvtsi32_si128(2 * k)), _mm256_set1_epi8(3));
        return _mm256_or_si256(lo, _mm256_slli_epi16(hi, 4));
    }
    default: return _mm256_setzero_si256();
    }
}

// Unpacks rows [r0, r0 + nr) (nr ≤ 8; missing rows are zero) of an n-column matrix.
static void FN(mm_build_panel)(uint32_t type, const uint8_t *w, int64_t row_bytes, int64_t n,
                               int64_t r0, int nr, ck_panel *p) {
    int64_t chunks = n / 32;
    uint8_t tmp[8][32] __attribute__((aligned(32)));
    for (int64_t j = 0; j < chunks; j++) {
        for (int r = 0; r < 8; r++) {
            __m256i v = r < nr ? FN(mm_chunk_codes)(type, w + (r0 + r) * row_bytes, j) : _mm256_setzero_si256();
            _mm256_store_si256((__m256i *)tmp[r], v);
        }
        uint8_t *dst = p->codes + j * 256;
        for (int g = 0; g < 8; g++)
            for (int r = 0; r < 8; r++) memcpy(dst + g * 32 + r * 4, tmp[r] + 4 * g, 4);
    }
    ck_panel_scales(type, w, row_bytes, n, r0, nr, p);
}

// Eight rows (one panel) times four activation columns: out_c[0..8) for each column c.
// The 32-element family: per block, t = Σ u·q − zero·Σq exactly, then d_w·d_a·t (+ m_w·s_a).
// `signed_codes` (Q8_0 without VNNI): the panel holds w, multiplied as |w| · (sign(w)·q).
static inline void FN(mm_cols_32)(const ck_panel *p, int64_t chunks, int zero, int has_min, int signed_codes,
                                  const ck_q8_32 *const a[4], __m256 out[4]) {
    __m256 acc[4], accm[4];
    for (int c = 0; c < 4; c++) { acc[c] = _mm256_setzero_ps(); accm[c] = _mm256_setzero_ps(); }
    for (int64_t b = 0; b < chunks; b++) {
        const __m256i *u = (const __m256i *)(p->codes + b * 256);
        __m256i t[4];
        for (int c = 0; c < 4; c++) t[c] = _mm256_set1_epi32(-zero * a[c][b].sum);
        if (signed_codes) {
            for (int g = 0; g < 8; g++) {
                __m256i wg = _mm256_load_si256(u + g), ug = _mm256_abs_epi8(wg);
                for (int c = 0; c < 4; c++)
                    t[c] = FN(mm_dpbusd)(t[c], ug, _mm256_sign_epi8(
                        _mm256_set1_epi32((int)ld32((const uint8_t *)a[c][b].q + 4 * g)), wg));
            }
        } else {
            for (int g = 0; g < 8; g++) {
                __m256i ug = _mm256_load_si256(u + g);
                for (int c = 0; c < 4; c++)
                    t[c] = FN(mm_dpbusd)(t[c], ug, _mm256_set1_epi32((int)ld32((const uint8_t *)a[c][b].q + 4 * g)));
            }
        }
        __m256 dw = _mm256_load_ps(p->d + 8 * b);
        for (int c = 0; c < 4; c++)
            acc[c] = _mm256_fmadd_ps(_mm256_mul_ps(dw, _mm256_set1_ps(a[c][b].d)), _mm256_cvtepi32_ps(t[c]), acc[c]);
        if (has_min) {
            __m256 mw = _mm256_load_ps(p->m + 8 * b);
            for (int c = 0; c < 4; c++) accm[c] = _mm256_fmadd_ps(mw, _mm256_set1_ps(a[c][b].s), accm[c]);
        }
    }
    for (int c = 0; c < 4; c++) out[c] = _mm256_add_ps(acc[c], accm[c]);
}

// The K-quants: per super-block, t = Σ_sub sc·(Σ u·q − zero·bsum) exactly, then d_w·d_a·t,
// minus dmin_w·d_a·Σ_sub mn·bsum for the types with mins (Q4_K, Q5_K).
static inline void FN(mm_cols_k)(const ck_panel *p, int64_t supers, int q6k,
                                 const ck_q8_256 *const a[4], __m256 out[4]) {
    __m256 acc[4], accm[4];
    for (int c = 0; c < 4; c++) { acc[c] = _mm256_setzero_ps(); accm[c] = _mm256_setzero_ps(); }
    const int subs = q6k ? 16 : 8, groups = q6k ? 4 : 8;
    for (int64_t sb = 0; sb < supers; sb++) {
        const __m256i *u = (const __m256i *)(p->codes + sb * 2048);
        const int32_t *sc = p->sc + sb * 16 * 8;
        __m256i isum[4];
        for (int c = 0; c < 4; c++) isum[c] = _mm256_setzero_si256();
        for (int s = 0; s < subs; s++) {
            __m256i t[4];
            for (int c = 0; c < 4; c++)
                t[c] = q6k ? _mm256_set1_epi32(-32 * a[c][sb].bsums[s]) : _mm256_setzero_si256();
            for (int g = 0; g < groups; g++) {
                __m256i ug = _mm256_load_si256(u + s * groups + g);
                int off = 4 * (s * groups + g);
                for (int c = 0; c < 4; c++)
                    t[c] = FN(mm_dpbusd)(t[c], ug, _mm256_set1_epi32((int)ld32((const uint8_t *)a[c][sb].q + off)));
            }
            __m256i scv = _mm256_load_si256((const __m256i *)(sc + 8 * s));
            for (int c = 0; c < 4; c++) isum[c] = _mm256_add_epi32(isum[c], _mm256_mullo_epi32(t[c], scv));
        }
        __m256 dw = _mm256_load_ps(p->d + 8 * sb);
        for (int c = 0; c < 4; c++)
            acc[c] = _mm256_fmadd_ps(_mm256_mul_ps(dw, _mm256_set1_ps(a[c][sb].d)), _mm256_cvtepi32_ps(isum[c]), acc[c]);
        if (!q6k) {
            const int32_t *mn = p->mn + sb * 64;
            __m256 dmin = _mm256_load_ps(p->m + 8 * sb);
            for (int c = 0; c < 4; c++) {
                __m256i ms = _mm256_setzero_si256();
                for (int s = 0; s < 8; s++) {
                    int bs = a[c][sb].bsums[2 * s] + a[c][sb].bsums[2 * s + 1];
                    ms = _mm256_add_epi32(ms, _mm256_mullo_epi32(_mm256_load_si256((const __m256i *)(mn + 8 * s)),
                                                                 _mm256_set1_epi32(bs)));
                }
                accm[c] = _mm256_fmadd_ps(_mm256_mul_ps(dmin, _mm256_set1_ps(a[c][sb].d)), _mm256_cvtepi32_ps(ms), accm[c]);
            }
        }
    }
    for (int c = 0; c < 4; c++) out[c] = _mm256_sub_ps(acc[c], accm[c]);
}

void FN(ck_matmul_panels)(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
                          int64_t act_stride, int64_t count, float *out, int64_t out_stride,
                          int64_t rows, int64_t panel_begin, int64_t panel_end, ck_panel *p) {
    const uint8_t *acts = (const uint8_t *)act;
    int kquant = type == T_Q4_K || type == T_Q5_K || type == T_Q6_K;
    int zero = type == T_Q4_0 ? 8 : type == T_Q5_0 ? 16 : type == T_Q8_0 && CK_VNNI ? 128 : 0;
    int signed_codes = type == T_Q8_0 && !CK_VNNI;
    int has_min = type == T_Q4_1 || type == T_Q5_1;
    for (int64_t pi = panel_begin; pi < panel_end; pi++) {
        int64_t r0 = pi * 8;
        int nr = (int)(rows - r0 < 8 ? rows - r0 : 8);
        FN(mm_build_panel)(type, (const uint8_t *)w, row_bytes, n, r0, nr, p);
        for (int64_t c0 = 0; c0 < count; c0 += 4) {
            // A short last group repeats its final column; only real columns are stored.
            const void *a[4];
            for (int c = 0; c < 4; c++) a[c] = acts + (c0 + c < count ? c0 + c : count - 1) * act_stride;
            __m256 res[4];
            if (kquant) FN(mm_cols_k)(p, n / 256, type == T_Q6_K, (const ck_q8_256 *const *)a, res);
            else FN(mm_cols_32)(p, n / 32, zero, has_min, signed_codes, (const ck_q8_32 *const *)a, res);
            for (int c = 0; c < 4 && c0 + c < count; c++) {
                float *o = out + (c0 + c) * out_stride + r0;
                if (nr == 8) _mm256_storeu_ps(o, res[c]);
                else {
                    float tmp[8];
                    _mm256_storeu_ps(tmp, res[c]);
                    for (int r = 0; r < nr; r++) o[r] = tmp[r];
                }
            }
        }
    }
}

#pragma clang attribute pop
