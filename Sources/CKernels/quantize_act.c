// Quantisation of the activation vector to 8 bits, once per matrix-vector product.
// d = max|x| / 127 and q = round-half-away-from-zero(x * (1/d)), the rule of ggml's
// quantize_row_q8_0 reference; written with a truncation and a compare so it is exact,
// identical at every level, and easy to reproduce in numpy.
#include "internal.h"
#include <math.h>

// |v| ≤ 127 (plus rounding) here, so the integer conversion truncates exactly as truncf
// would. Not truncf itself: without SSE4.1 (the portable build's baseline) it is a libm
// call per element (integration/test_hot_loops_assembly.py). NaN (from a NaN or infinite
// activation) gives 0 instead of an undefined conversion.
static inline int8_t round_q(float v) {
    float a = fabsf(v);
    int t = a < 128.0f ? (int)a : 0;
    int r = t + ((a - (float)t) >= 0.5f ? 1 : 0);
    return (int8_t)(v < 0 ? -r : r);
}

static float block_scale(const float *x, int n, float *inv) {
    float amax = 0.0f;
    for (int i = 0; i < n; i++) {
        float a = fabsf(x[i]);
        amax = a > amax ? a : amax;
    }
    float d = amax / 127.0f;
    *inv = d != 0.0f ? 1.0f / d : 0.0f;
    return d;
}

void ck_quantize_q8_32(const float *x, ck_q8_32 *out, int64_t n) {
    for (int64_t b = 0; b < n / 32; b++) {
        const float *xb = x + b * 32;
        float id;
        float d = block_scale(xb, 32, &id);
        int sum = 0;
        for (int i = 0; i < 32; i++) {
            int8_t q = round_q(xb[i] * id);
            out[b].q[i] = q;
            sum += q;
        }
        out[b].d = d;
        out[b].s = d * (float)sum;
        out[b].sum = sum;
    }
}

void ck_quantize_q8_256(const float *x, ck_q8_256 *out, int64_t n) {
    for (int64_t b = 0; b < n / 256; b++) {
        const float *xb = x + b * 256;
        float id;
        out[b].d = block_scale(xb, 256, &id);
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) {
                int8_t q = round_q(xb[g * 16 + i] * id);
                out[b].q[g * 16 + i] = q;
                sum += q;
            }
            out[b].bsums[g] = (int16_t)sum;
        }
    }
}
