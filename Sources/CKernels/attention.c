// Attention of one token for the `group` query heads that share a key/value head (GQA):
// every key and value row is loaded once for the whole group. Positions are processed in
// blocks whose partial results (max, sum of exponentials, weighted values) are combined in
// a fixed order, so the result does not depend on how blocks are spread over threads.
#include "internal.h"
#include <math.h>

#ifdef CK_X86
#include "vmath.h"

__attribute__((target("avx2,fma")))
static void block_avx2(const float *q, int64_t group, int64_t hd, const float *k, const float *v,
                       int64_t stride, int64_t n, float scale, float *scores, float *m, float *s, float *o) {
    for (int64_t g = 0; g < group; g++) {
        const float *qg = q + g * hd;
        float *sc = scores + g * n;
        for (int64_t p = 0; p < n; p++) {
            const float *kp = k + p * stride;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            int64_t i = 0;
            for (; i + 16 <= hd; i += 16) {
                a0 = _mm256_fmadd_ps(_mm256_loadu_ps(qg + i), _mm256_loadu_ps(kp + i), a0);
                a1 = _mm256_fmadd_ps(_mm256_loadu_ps(qg + i + 8), _mm256_loadu_ps(kp + i + 8), a1);
            }
            for (; i + 8 <= hd; i += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(qg + i), _mm256_loadu_ps(kp + i), a0);
            float d = ck_v_hsum(_mm256_add_ps(a0, a1));
            for (; i < hd; i++) d += qg[i] * kp[i];
            sc[p] = d * scale;
        }
        float mx = -INFINITY;
        for (int64_t p = 0; p < n; p++) mx = sc[p] > mx ? sc[p] : mx;
        // exp(score - max) in place, and its sum.
        __m256 acc = _mm256_setzero_ps();
        int64_t p = 0;
        for (; p + 8 <= n; p += 8) {
            __m256 e = ck_v_exp(_mm256_sub_ps(_mm256_loadu_ps(sc + p), _mm256_set1_ps(mx)));
            _mm256_storeu_ps(sc + p, e);
            acc = _mm256_add_ps(acc, e);
        }
        float sum = ck_v_hsum(acc);
        for (; p < n; p++) { sc[p] = expf(sc[p] - mx); sum += sc[p]; }
        m[g] = mx;
        s[g] = sum;
        // Weighted values, eight lanes at a time over the head dimension.
        float *og = o + g * hd;
        int64_t i = 0;
        for (; i + 32 <= hd; i += 32) {
            __m256 o0 = _mm256_setzero_ps(), o1 = _mm256_setzero_ps(), o2 = _mm256_setzero_ps(), o3 = _mm256_setzero_ps();
            for (int64_t pp = 0; pp < n; pp++) {
                const float *vp = v + pp * stride + i;
                __m256 w = _mm256_set1_ps(sc[pp]);
                o0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(vp), o0);
                o1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(vp + 8), o1);
                o2 = _mm256_fmadd_ps(w, _mm256_loadu_ps(vp + 16), o2);
                o3 = _mm256_fmadd_ps(w, _mm256_loadu_ps(vp + 24), o3);
            }
            _mm256_storeu_ps(og + i, o0); _mm256_storeu_ps(og + i + 8, o1);
            _mm256_storeu_ps(og + i + 16, o2); _mm256_storeu_ps(og + i + 24, o3);
        }
        for (; i + 8 <= hd; i += 8) {
            __m256 o0 = _mm256_setzero_ps();
            for (int64_t pp = 0; pp < n; pp++)
                o0 = _mm256_fmadd_ps(_mm256_set1_ps(sc[pp]), _mm256_loadu_ps(v + pp * stride + i), o0);
            _mm256_storeu_ps(og + i, o0);
        }
        for (; i < hd; i++) {
            float acc1 = 0;
            for (int64_t pp = 0; pp < n; pp++) acc1 += sc[pp] * v[pp * stride + i];
            og[i] = acc1;
        }
    }
}
#endif

static void block_scalar(const float *q, int64_t group, int64_t hd, const float *k, const float *v,
                         int64_t stride, int64_t n, float scale, float *scores, float *m, float *s, float *o) {
    for (int64_t g = 0; g < group; g++) {
        const float *qg = q + g * hd;
        float *sc = scores + g * n;
        float mx = -INFINITY;
        for (int64_t p = 0; p < n; p++) {
            float d = 0;
            for (int64_t i = 0; i < hd; i++) d += qg[i] * k[p * stride + i];
            sc[p] = d * scale;
            mx = sc[p] > mx ? sc[p] : mx;
        }
        float sum = 0;
        for (int64_t p = 0; p < n; p++) { sc[p] = expf(sc[p] - mx); sum += sc[p]; }
        m[g] = mx;
        s[g] = sum;
        float *og = o + g * hd;
        for (int64_t i = 0; i < hd; i++) og[i] = 0;
        for (int64_t p = 0; p < n; p++)
            for (int64_t i = 0; i < hd; i++) og[i] += sc[p] * v[p * stride + i];
    }
}

void ck_attention_block(const float *q, int64_t group, int64_t hd, const float *k, const float *v,
                        int64_t stride, int64_t n, float scale, float *scores, float *m, float *s, float *o) {
#ifdef CK_X86
    if (ck_get_level() >= CK_LEVEL_AVX2) {
        block_avx2(q, group, hd, k, v, stride, n, scale, scores, m, s, o);
        return;
    }
#endif
    block_scalar(q, group, hd, k, v, stride, n, scale, scores, m, s, o);
}

void ck_attention_combine(int64_t blocks, int64_t group, int64_t hd, const float *m, const float *s,
                          const float *o, float *out) {
    for (int64_t g = 0; g < group; g++) {
        float mx = -INFINITY;
        for (int64_t b = 0; b < blocks; b++) mx = m[b * group + g] > mx ? m[b * group + g] : mx;
        float *og = out + g * hd;
        for (int64_t i = 0; i < hd; i++) og[i] = 0;
        float total = 0;
        for (int64_t b = 0; b < blocks; b++) {
            float w = blocks == 1 ? 1.0f : expf(m[b * group + g] - mx);
            total += w * s[b * group + g];
            const float *ob = o + (b * group + g) * hd;
            for (int64_t i = 0; i < hd; i++) og[i] += w * ob[i];
        }
        float inv = 1.0f / total;
        for (int64_t i = 0; i < hd; i++) og[i] *= inv;
    }
}

void ck_attention(const float *q, int64_t group, int64_t hd, const float *k, const float *v, int64_t stride,
                  int64_t n, int64_t block, float scale, float *scratch, float *out) {
    int64_t blocks = (n + block - 1) / block;
    float *m = scratch, *s = m + blocks * group, *o = s + blocks * group, *scores = o + blocks * group * hd;
    for (int64_t b = 0; b < blocks; b++) {
        int64_t p0 = b * block, len = n - p0 < block ? n - p0 : block;
        ck_attention_block(q, group, hd, k + p0 * stride, v + p0 * stride, stride, len, scale, scores,
                           m + b * group, s + b * group, o + b * group * hd);
    }
    ck_attention_combine(blocks, group, hd, m, s, o, out);
}
