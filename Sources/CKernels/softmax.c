// Softmax over the vocabulary with the eight-lane exp of vmath.h (glibc's scalar expf/logf
// cost ~2 ms per token on a 152k vocabulary for softmax and the statistics). Long sums are
// accumulated in double. The statistics the AutoDeco top-p head reads are in stats.c.
#include "internal.h"
#include <math.h>

#ifdef CK_X86
#include "vmath.h"

static int use_avx2(void) { return ck_get_level() >= CK_LEVEL_AVX2; }

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
