// Softmax over the vocabulary and the statistics the AutoDeco top-p head reads, with the
// eight-lane exp/log of vmath.h (glibc's scalar expf/logf cost ~2 ms per token on a
// 152k vocabulary). Long sums are accumulated in double.
#include "internal.h"
#include <math.h>

#ifdef CK_X86
#include "vmath.h"

static int use_avx2(void) { return ck_get_level() >= CK_LEVEL_AVX2; }

__attribute__((target("avx2,fma")))
static float max_avx2(const float *x, int64_t n) {
    __m256 m = _mm256_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    float r = ck_v_hmax(m);
    for (; i < n; i++) r = x[i] > r ? x[i] : r;
    return r;
}

__attribute__((target("avx2,fma")))
static double exp_sum_avx2(const float *x, float *out, int64_t n, float shift, float scale) {
    __m256d acc = _mm256_setzero_pd();
    const __m256 vs = _mm256_set1_ps(shift), vk = _mm256_set1_ps(scale);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = ck_v_exp(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vs), vk));
        _mm256_storeu_ps(out + i, e);
        acc = ck_v_add_pd(acc, e);
    }
    double sum = ck_v_hsum_pd(acc);
    for (; i < n; i++) { out[i] = expf((x[i] - shift) * scale); sum += out[i]; }
    return sum;
}
#endif

// Largest value (-inf for n = 0).
static float max_f32(const float *x, int64_t n) {
#ifdef CK_X86
    if (use_avx2()) return max_avx2(x, n);
#endif
    float m = -INFINITY;
    for (int64_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

int64_t ck_argmax_f32(const float *x, int64_t n) {
    if (n <= 0) return 0;
    float m = max_f32(x, n);
    for (int64_t i = 0; i < n; i++) if (x[i] == m) return i;
    return 0;  // all NaN
}

double ck_exp_sum(const float *x, float *out, int64_t n, float shift, float scale) {
#ifdef CK_X86
    if (use_avx2()) return exp_sum_avx2(x, out, n, shift, scale);
#endif
    double sum = 0;
    for (int64_t i = 0; i < n; i++) { out[i] = expf((x[i] - shift) * scale); sum += out[i]; }
    return sum;
}

void ck_scale_f32(float *x, int64_t n, float s) {
    for (int64_t i = 0; i < n; i++) x[i] *= s;
}

// Keeps the five largest values seen, in descending order.
static inline void top5_push(float *t, float q) {
    if (q <= t[4]) return;
    int j = 4;
    while (j > 0 && q > t[j - 1]) { t[j] = t[j - 1]; j--; }
    t[j] = q;
}

#ifdef CK_X86
__attribute__((target("avx2,fma")))
static void stats_pass_avx2(float *p, int64_t n, float inv, double *ent, double *s1, double *s2, float *top) {
    __m256d e_acc = _mm256_setzero_pd(), a1 = _mm256_setzero_pd(), a2 = _mm256_setzero_pd();
    const __m256 vinv = _mm256_set1_ps(inv), eps = _mm256_set1_ps(1e-8f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 q = _mm256_mul_ps(_mm256_loadu_ps(p + i), vinv);
        _mm256_storeu_ps(p + i, q);
        e_acc = ck_v_add_pd(e_acc, _mm256_mul_ps(q, ck_v_log(_mm256_add_ps(q, eps))));
        a1 = ck_v_add_pd(a1, q);
        a2 = ck_v_add_pd(a2, _mm256_mul_ps(q, q));
        // Rarely taken: only values above the current fifth largest.
        if (_mm256_movemask_ps(_mm256_cmp_ps(q, _mm256_set1_ps(top[4]), _CMP_GT_OQ)))
            for (int j = 0; j < 8; j++) top5_push(top, p[i + j]);
    }
    *ent -= ck_v_hsum_pd(e_acc);
    *s1 += ck_v_hsum_pd(a1);
    *s2 += ck_v_hsum_pd(a2);
    for (; i < n; i++) {
        float q = p[i] * inv;
        p[i] = q;
        *ent -= (double)q * (double)logf(q + 1e-8f);
        *s1 += q; *s2 += (double)q * q;
        top5_push(top, q);
    }
}

#endif

// Scales a block of exponentials to probabilities q and accumulates the statistics' sums.
static void stats_pass(float *p, int64_t n, float inv, double *ent, double *s1, double *s2, float *top) {
#ifdef CK_X86
    if (use_avx2()) {
        stats_pass_avx2(p, n, inv, ent, s1, s2, top);
        return;
    }
#endif
    for (int64_t i = 0; i < n; i++) {
        float q = p[i] * inv;
        p[i] = q;
        *ent -= (double)q * (double)logf(q + 1e-8f);
        *s1 += q; *s2 += (double)q * q;
        top5_push(top, q);
    }
}

// ---- distribution statistics in fixed blocks ----------------------------------------------
// The vocabulary is cut into blocks whose size depends on n alone; every sum is taken per
// block and the blocks are combined in order, so the result is the same however the blocks
// are spread over threads. Pass 1 exponentiates each block against its own maximum (the
// global one is not known yet); the per-block factor exp((m_b − M)/T)/Z folds the global
// maximum and the normalisation into pass 2's single multiply.

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
                         int64_t b0, int64_t b1, float *block_max, double *block_sum) {
    const float invT = inverse_temperature(temperature);
    const int64_t size = ck_stats_block_size(n);
    for (int64_t b = b0; b < b1; b++) {
        const int64_t lo = b * size, len = (n - lo < size) ? n - lo : size;
        const float m = max_f32(logits + lo, len);
        block_max[b] = m;
        if (!(m > -INFINITY)) {
            // A block of -inf (masked) logits has probability 0; NaNs are not propagated.
            for (int64_t i = 0; i < len; i++) probs[lo + i] = 0.0f;
            block_sum[b] = 0.0;
            continue;
        }
        block_sum[b] = ck_exp_sum(logits + lo, probs + lo, len, m, invT);
    }
}

void ck_stats_block_scales(int64_t n, float temperature, const float *block_max, const double *block_sum,
                           float *block_scale) {
    const int64_t blocks = ck_stats_block_count(n);
    const double invT = inverse_temperature(temperature);
    float big = -INFINITY;
    for (int64_t b = 0; b < blocks; b++) big = block_max[b] > big ? block_max[b] : big;
    double z = 0.0;
    for (int64_t b = 0; b < blocks; b++)
        if (block_max[b] > -INFINITY) z += block_sum[b] * exp(((double)block_max[b] - big) * invT);
    for (int64_t b = 0; b < blocks; b++) {
        double f = block_max[b] > -INFINITY && z > 0 ? exp(((double)block_max[b] - big) * invT) / z : 0.0;
        block_scale[b] = (float)f;
    }
}

void ck_stats_q_blocks(float *probs, int64_t n, const float *block_scale, int64_t b0, int64_t b1,
                       double *block_acc, float *block_top) {
    const int64_t size = ck_stats_block_size(n);
    for (int64_t b = b0; b < b1; b++) {
        const int64_t lo = b * size, len = (n - lo < size) ? n - lo : size;
        double ent = 0, s1 = 0, s2 = 0;
        float *top = block_top + 5 * b;
        for (int j = 0; j < 5; j++) top[j] = 0.0f;
        stats_pass(probs + lo, len, block_scale[b], &ent, &s1, &s2, top);
        block_acc[3 * b] = ent;
        block_acc[3 * b + 1] = s1;
        block_acc[3 * b + 2] = s2;
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
    float block_max[CK_STATS_MAX_BLOCKS], block_scale[CK_STATS_MAX_BLOCKS], block_top[5 * CK_STATS_MAX_BLOCKS];
    double block_sum[CK_STATS_MAX_BLOCKS], block_acc[3 * CK_STATS_MAX_BLOCKS];
    const int64_t blocks = ck_stats_block_count(n);
    ck_stats_exp_blocks(logits, n, temperature, probs, 0, blocks, block_max, block_sum);
    ck_stats_block_scales(n, temperature, block_max, block_sum, block_scale);
    ck_stats_q_blocks(probs, n, block_scale, 0, blocks, block_acc, block_top);
    ck_stats_finish(n, block_acc, block_top, out);
}
