// The statistics of q = softmax(l / T) that the AutoDeco top-p head reads (max, entropy,
// variance, top-5 sum), in fixed vocabulary blocks that threads can share (ckernels.h).
//
// Every sum over a block is taken in one order on every level: element i goes to double
// lane i mod 8, and the lanes are combined by a fixed tree. So the AVX2 and AVX-512 kernels
// (whose exp and log give bitwise the same values per lane) give bitwise the same results,
// and eight independent lanes keep the additions from forming one long dependency chain. A
// block's last partial vector is padded with values that add exactly zero.
#include "internal.h"
#include <math.h>

static double lanes_total(const double l[8]) {
    return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

// Keeps the five largest values seen, in descending order.
static inline void top5_push(float *t, float q) {
    if (q <= t[4]) return;
    int j = 4;
    while (j > 0 && q > t[j - 1]) { t[j] = t[j - 1]; j--; }
    t[j] = q;
}

// Sums of pass 2 for one block, per lane.
typedef struct { double ent[8], s1[8], s2[8]; } q_lanes;

// ---- portable C (libm exp and log) --------------------------------------------------------

static float max_scalar(const float *x, int64_t n) {
    float m = -INFINITY;
    for (int64_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

static double exp_block_scalar(const float *x, float *out, int64_t n, float shift, float scale) {
    double l[8] = {0};
    for (int64_t i = 0; i < n; i++) { out[i] = expf((x[i] - shift) * scale); l[i & 7] += out[i]; }
    return lanes_total(l);
}

static void q_block_scalar(float *p, int64_t n, float inv, q_lanes *s, float *top) {
    for (int64_t i = 0; i < n; i++) {
        float q = p[i] * inv;
        p[i] = q;
        s->ent[i & 7] += (double)(q * logf(q + 1e-8f));
        s->s1[i & 7] += q;
        s->s2[i & 7] += (double)(q * q);
        top5_push(top, q);
    }
}

#ifdef CK_X86
#include "vmath.h"
#include "vmath512.h"

// ---- AVX2: eight floats per step, lanes 0-3 and 4-7 in two accumulators ---------------------

__attribute__((target("avx2,fma")))
static __m256i tail_mask8(int64_t left) {
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), idx);
}

__attribute__((target("avx2,fma")))
static inline void add8_avx2(__m256d *lo, __m256d *hi, __m256 v) {
    *lo = _mm256_add_pd(*lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    *hi = _mm256_add_pd(*hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
}

__attribute__((target("avx2,fma")))
static void store_lanes_avx2(double l[8], __m256d lo, __m256d hi) {
    _mm256_storeu_pd(l, lo);
    _mm256_storeu_pd(l + 4, hi);
}

__attribute__((target("avx2,fma")))
static inline __m256 exp_step_avx2(__m256 x, __m256 shift, __m256 scale) {
    return ck_v_exp(_mm256_mul_ps(_mm256_sub_ps(x, shift), scale));
}

__attribute__((target("avx2,fma")))
static double exp_block_avx2(const float *x, float *out, int64_t n, float shift, float scale) {
    const __m256 vs = _mm256_set1_ps(shift), vk = _mm256_set1_ps(scale);
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = exp_step_avx2(_mm256_loadu_ps(x + i), vs, vk);
        _mm256_storeu_ps(out + i, e);
        add8_avx2(&lo, &hi, e);
    }
    if (i < n) {
        // Lanes past the end hold -inf, whose exponential is exactly 0.
        __m256i k = tail_mask8(n - i);
        __m256 v = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), _mm256_maskload_ps(x + i, k), _mm256_castsi256_ps(k));
        __m256 e = exp_step_avx2(v, vs, vk);
        _mm256_maskstore_ps(out + i, k, e);
        add8_avx2(&lo, &hi, e);
    }
    double l[8];
    store_lanes_avx2(l, lo, hi);
    return lanes_total(l);
}

// q = p · inv stored back; adds q·ln(q + 1e-8), q and q² to the lanes.
__attribute__((target("avx2,fma")))
static inline __m256 q_step_avx2(__m256 p, __m256 inv, __m256d acc[6]) {
    __m256 q = _mm256_mul_ps(p, inv);
    add8_avx2(&acc[0], &acc[1], _mm256_mul_ps(q, ck_v_log(_mm256_add_ps(q, _mm256_set1_ps(1e-8f)))));
    add8_avx2(&acc[2], &acc[3], q);
    add8_avx2(&acc[4], &acc[5], _mm256_mul_ps(q, q));
    return q;
}

__attribute__((target("avx2,fma")))
static void q_block_avx2(float *p, int64_t n, float inv, q_lanes *s, float *top) {
    const __m256 vinv = _mm256_set1_ps(inv);
    __m256d acc[6];
    for (int j = 0; j < 6; j++) acc[j] = _mm256_setzero_pd();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 q = q_step_avx2(_mm256_loadu_ps(p + i), vinv, acc);
        _mm256_storeu_ps(p + i, q);
        // Rarely taken: only values above the current fifth largest.
        if (_mm256_movemask_ps(_mm256_cmp_ps(q, _mm256_set1_ps(top[4]), _CMP_GT_OQ)))
            for (int j = 0; j < 8; j++) top5_push(top, p[i + j]);
    }
    if (i < n) {
        // Lanes past the end hold 0, which adds exactly 0 (or -0) to every sum.
        __m256i k = tail_mask8(n - i);
        __m256 q = q_step_avx2(_mm256_maskload_ps(p + i, k), vinv, acc);
        _mm256_maskstore_ps(p + i, k, q);
        for (int64_t j = i; j < n; j++) top5_push(top, p[j]);
    }
    store_lanes_avx2(s->ent, acc[0], acc[1]);
    store_lanes_avx2(s->s1, acc[2], acc[3]);
    store_lanes_avx2(s->s2, acc[4], acc[5]);
}

// ---- AVX-512: sixteen floats per step, added to the eight lanes as two halves ----------------

__attribute__((target("avx2,fma,avx512f")))
static inline __m512d add16_avx512(__m512d acc, __m512 v) {
    acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
    return _mm512_add_pd(acc, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
}

__attribute__((target("avx2,fma,avx512f")))
static float max_avx512(const float *x, int64_t n) {
    __m512 m = _mm512_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(x + i));
    float r = _mm512_reduce_max_ps(m);
    for (; i < n; i++) r = x[i] > r ? x[i] : r;
    return r;
}

__attribute__((target("avx2,fma,avx512f")))
static inline __m512 exp_step_avx512(__m512 x, __m512 shift, __m512 scale) {
    return ck_v16_exp(_mm512_mul_ps(_mm512_sub_ps(x, shift), scale));
}

__attribute__((target("avx2,fma,avx512f")))
static double exp_block_avx512(const float *x, float *out, int64_t n, float shift, float scale) {
    const __m512 vs = _mm512_set1_ps(shift), vk = _mm512_set1_ps(scale);
    __m512d acc = _mm512_setzero_pd();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 e = exp_step_avx512(_mm512_loadu_ps(x + i), vs, vk);
        _mm512_storeu_ps(out + i, e);
        acc = add16_avx512(acc, e);
    }
    if (i < n) {
        __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        __m512 e = exp_step_avx512(_mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), k, x + i), vs, vk);
        _mm512_mask_storeu_ps(out + i, k, e);
        acc = add16_avx512(acc, e);
    }
    double l[8];
    _mm512_storeu_pd(l, acc);
    return lanes_total(l);
}

__attribute__((target("avx2,fma,avx512f")))
static inline __m512 q_step_avx512(__m512 p, __m512 inv, __m512d acc[3]) {
    __m512 q = _mm512_mul_ps(p, inv);
    acc[0] = add16_avx512(acc[0], _mm512_mul_ps(q, ck_v16_log(_mm512_add_ps(q, _mm512_set1_ps(1e-8f)))));
    acc[1] = add16_avx512(acc[1], q);
    acc[2] = add16_avx512(acc[2], _mm512_mul_ps(q, q));
    return q;
}

__attribute__((target("avx2,fma,avx512f")))
static void q_block_avx512(float *p, int64_t n, float inv, q_lanes *s, float *top) {
    const __m512 vinv = _mm512_set1_ps(inv);
    __m512d acc[3] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 q = q_step_avx512(_mm512_loadu_ps(p + i), vinv, acc);
        _mm512_storeu_ps(p + i, q);
        if (_mm512_cmp_ps_mask(q, _mm512_set1_ps(top[4]), _CMP_GT_OQ))
            for (int j = 0; j < 16; j++) top5_push(top, p[i + j]);
    }
    if (i < n) {
        __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        __m512 q = q_step_avx512(_mm512_maskz_loadu_ps(k, p + i), vinv, acc);
        _mm512_mask_storeu_ps(p + i, k, q);
        for (int64_t j = i; j < n; j++) top5_push(top, p[j]);
    }
    _mm512_storeu_pd(s->ent, acc[0]);
    _mm512_storeu_pd(s->s1, acc[1]);
    _mm512_storeu_pd(s->s2, acc[2]);
}
#endif

// ---- dispatch ------------------------------------------------------------------------------

static float block_max(const float *x, int64_t n) {
#ifdef CK_X86
    int level = ck_get_level();
    if (level >= CK_LEVEL_AVX512VNNI) return max_avx512(x, n);
    if (level >= CK_LEVEL_AVX2) return max_avx2(x, n);
#endif
    return max_scalar(x, n);
}

// exp((x[i] − shift) · scale) into out; returns their sum.
static double exp_block(const float *x, float *out, int64_t n, float shift, float scale) {
#ifdef CK_X86
    int level = ck_get_level();
    if (level >= CK_LEVEL_AVX512VNNI) return exp_block_avx512(x, out, n, shift, scale);
    if (level >= CK_LEVEL_AVX2) return exp_block_avx2(x, out, n, shift, scale);
#endif
    return exp_block_scalar(x, out, n, shift, scale);
}

// Scales a block of exponentials to probabilities q and takes the statistics' sums.
static void q_block(float *p, int64_t n, float inv, q_lanes *s, float *top) {
#ifdef CK_X86
    int level = ck_get_level();
    if (level >= CK_LEVEL_AVX512VNNI) { q_block_avx512(p, n, inv, s, top); return; }
    if (level >= CK_LEVEL_AVX2) { q_block_avx2(p, n, inv, s, top); return; }
#endif
    q_block_scalar(p, n, inv, s, top);
}

// ---- the blocks ------------------------------------------------------------------------------
// Block sizes depend on n alone; every sum is taken per block and the blocks are combined in
// order, so the result is the same however the blocks are spread over threads. Pass 1
// exponentiates each block against its own maximum (the global one is not known yet); the
// per-block factor exp((m_b − M)/T)/Z folds the global maximum and the normalisation into
// pass 2's single multiply.

int64_t ck_stats_block_size(int64_t n) {
    int64_t size = CK_STATS_BLOCK;
    if (n > size * CK_STATS_MAX_BLOCKS) size = ((n + CK_STATS_MAX_BLOCKS - 1) / CK_STATS_MAX_BLOCKS + 7) / 8 * 8;
    return size;
}

int64_t ck_stats_block_count(int64_t n) {
    if (n <= 0) return 0;
    int64_t size = ck_stats_block_size(n);
    return (n + size - 1) / size;
}

static float inverse_temperature(float temperature) { return 1.0f / (temperature + 1e-8f); }

void ck_stats_exp_blocks(const float *logits, int64_t n, float temperature, float *probs,
                         int64_t b0, int64_t b1, float *block_max_out, double *block_sum) {
    const float invT = inverse_temperature(temperature);
    const int64_t size = ck_stats_block_size(n);
    for (int64_t b = b0; b < b1; b++) {
        const int64_t lo = b * size, len = (n - lo < size) ? n - lo : size;
        const float m = block_max(logits + lo, len);
        block_max_out[b] = m;
        if (!(m > -INFINITY)) {
            // A block of -inf (masked) logits has probability 0; NaNs are not propagated.
            for (int64_t i = 0; i < len; i++) probs[lo + i] = 0.0f;
            block_sum[b] = 0.0;
            continue;
        }
        block_sum[b] = exp_block(logits + lo, probs + lo, len, m, invT);
    }
}

void ck_stats_block_scales(int64_t n, float temperature, const float *block_max_in, const double *block_sum,
                           float *block_scale) {
    const int64_t blocks = ck_stats_block_count(n);
    const double invT = inverse_temperature(temperature);
    float big = -INFINITY;
    for (int64_t b = 0; b < blocks; b++) big = block_max_in[b] > big ? block_max_in[b] : big;
    double z = 0.0;
    for (int64_t b = 0; b < blocks; b++)
        if (block_max_in[b] > -INFINITY) z += block_sum[b] * exp(((double)block_max_in[b] - big) * invT);
    for (int64_t b = 0; b < blocks; b++) {
        double f = block_max_in[b] > -INFINITY && z > 0 ? exp(((double)block_max_in[b] - big) * invT) / z : 0.0;
        block_scale[b] = (float)f;
    }
}

void ck_stats_q_blocks(float *probs, int64_t n, const float *block_scale, int64_t b0, int64_t b1,
                       double *block_acc, float *block_top) {
    const int64_t size = ck_stats_block_size(n);
    for (int64_t b = b0; b < b1; b++) {
        const int64_t lo = b * size, len = (n - lo < size) ? n - lo : size;
        q_lanes s = {{0}, {0}, {0}};
        float *top = block_top + 5 * b;
        for (int j = 0; j < 5; j++) top[j] = 0.0f;
        q_block(probs + lo, len, block_scale[b], &s, top);
        block_acc[3 * b] = -lanes_total(s.ent);
        block_acc[3 * b + 1] = lanes_total(s.s1);
        block_acc[3 * b + 2] = lanes_total(s.s2);
    }
}

void ck_stats_finish(int64_t n, const double *block_acc, const float *block_top, float out[4]) {
    const int64_t blocks = ck_stats_block_count(n);
    double ent = 0, s1 = 0, s2 = 0;
    float top[5] = {0, 0, 0, 0, 0};
    for (int64_t b = 0; b < blocks; b++) {
        ent += block_acc[3 * b];
        s1 += block_acc[3 * b + 1];
        s2 += block_acc[3 * b + 2];
        for (int j = 0; j < 5; j++) top5_push(top, block_top[5 * b + j]);
    }
    double mean = n > 0 ? s1 / (double)n : 0.0;
    out[0] = top[0];
    out[1] = (float)ent;
    out[2] = n > 1 ? (float)((s2 - (double)n * mean * mean) / (double)(n - 1)) : 0.0f;
    out[3] = top[0] + top[1] + top[2] + top[3] + top[4];
}

void ck_distribution_stats(const float *logits, int64_t n, float temperature, float *probs, float out[4]) {
    float block_max_v[CK_STATS_MAX_BLOCKS], block_scale[CK_STATS_MAX_BLOCKS], block_top[5 * CK_STATS_MAX_BLOCKS];
    double block_sum[CK_STATS_MAX_BLOCKS], block_acc[3 * CK_STATS_MAX_BLOCKS];
    const int64_t blocks = ck_stats_block_count(n);
    ck_stats_exp_blocks(logits, n, temperature, probs, 0, blocks, block_max_v, block_sum);
    ck_stats_block_scales(n, temperature, block_max_v, block_sum, block_scale);
    ck_stats_q_blocks(probs, n, block_scale, 0, blocks, block_acc, block_top);
    ck_stats_finish(n, block_acc, block_top, out);
}
