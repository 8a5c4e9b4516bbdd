// Portable row dot products: the reference every SIMD kernel is tested against, and the
// path used on CPUs without AVX2. Integer sums per block, one float multiply-add per block.
#include "internal.h"

static float dot_f32(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const float *x = (const float *)act;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) { float v; memcpy(&v, w + 4 * i, 4); sum += v * x[i]; }
    return sum;
}

static float dot_f16(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const float *x = (const float *)act;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += half_to_float(ld16(w + 2 * i)) * x[i];
    return sum;
}

static float dot_bf16(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const float *x = (const float *)act;
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)ld16(w + 2 * i) << 16;
        float v;
        memcpy(&v, &bits, 4);
        sum += v * x[i];
    }
    return sum;
}

// Types without an integer kernel: dequantise into scratch, then a float dot.
static float dot_dequant(uint32_t type, const uint8_t *w, int64_t n, const void *act, float *scratch) {
    ck_dequantize_row(type, w, scratch, n);
    return ck_dot_f32(scratch, (const float *)act, n);
}
static float dot_q2_k(const uint8_t *w, int64_t n, const void *a, float *s) { return dot_dequant(T_Q2_K, w, n, a, s); }
static float dot_q3_k(const uint8_t *w, int64_t n, const void *a, float *s) { return dot_dequant(T_Q3_K, w, n, a, s); }

static float dot_q4_0(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q4_0) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += ((w[2 + j] & 0x0F) - 8) * a[b].q[j];
            sumi += ((w[2 + j] >> 4) - 8) * a[b].q[j + 16];
        }
        sum += f16(w) * a[b].d * (float)sumi;
    }
    return sum;
}

static float dot_q4_1(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q4_1) {
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += (w[4 + j] & 0x0F) * a[b].q[j];
            sumi += (w[4 + j] >> 4) * a[b].q[j + 16];
        }
        sum += f16(w) * a[b].d * (float)sumi + f16(w + 2) * a[b].s;
    }
    return sum;
}

static float dot_q5_0(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q5_0) {
        uint32_t qh = ld32(w + 2);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            int lo = (w[6 + j] & 0x0F) | (int)(((qh >> j) & 1) << 4);
            int hi = (w[6 + j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            sumi += (lo - 16) * a[b].q[j] + (hi - 16) * a[b].q[j + 16];
        }
        sum += f16(w) * a[b].d * (float)sumi;
    }
    return sum;
}

static float dot_q5_1(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q5_1) {
        uint32_t qh = ld32(w + 4);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            int lo = (w[8 + j] & 0x0F) | (int)(((qh >> j) & 1) << 4);
            int hi = (w[8 + j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            sumi += lo * a[b].q[j] + hi * a[b].q[j + 16];
        }
        sum += f16(w) * a[b].d * (float)sumi + f16(w + 2) * a[b].s;
    }
    return sum;
}

static float dot_q8_0(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_32 *a = (const ck_q8_32 *)act;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / 32; b++, w += B_Q8_0) {
        int sumi = 0;
        for (int j = 0; j < 32; j++) sumi += (int8_t)w[2 + j] * a[b].q[j];
        sum += f16(w) * a[b].d * (float)sumi;
    }
    return sum;
}

static float dot_q4_k(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_256 *a = (const ck_q8_256 *)act;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / 256; b++, w += B_Q4_K) {
        uint8_t sc[8], mn[8];
        kquant_scale_min(w + 4, sc, mn);
        const uint8_t *qs = w + 16;
        int sumi = 0, summ = 0;
        for (int j = 0; j < 8; j++) {
            const uint8_t *q = qs + (j >> 1) * 32;
            int shift = (j & 1) * 4, s = 0;
            for (int l = 0; l < 32; l++) s += ((q[l] >> shift) & 0x0F) * a[b].q[j * 32 + l];
            sumi += sc[j] * s;
            summ += mn[j] * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
        }
        sum += f16(w) * a[b].d * (float)sumi - f16(w + 2) * a[b].d * (float)summ;
    }
    return sum;
}

static float dot_q5_k(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_256 *a = (const ck_q8_256 *)act;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / 256; b++, w += B_Q5_K) {
        uint8_t sc[8], mn[8];
        kquant_scale_min(w + 4, sc, mn);
        const uint8_t *qh = w + 16, *qs = w + 48;
        int sumi = 0, summ = 0;
        for (int j = 0; j < 8; j++) {
            const uint8_t *q = qs + (j >> 1) * 32;
            int shift = (j & 1) * 4, s = 0;
            for (int l = 0; l < 32; l++) {
                int v = ((q[l] >> shift) & 0x0F) | (((qh[l] >> j) & 1) << 4);
                s += v * a[b].q[j * 32 + l];
            }
            sumi += sc[j] * s;
            summ += mn[j] * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
        }
        sum += f16(w) * a[b].d * (float)sumi - f16(w + 2) * a[b].d * (float)summ;
    }
    return sum;
}

static float dot_q6_k(const uint8_t *w, int64_t n, const void *act, float *scratch) {
    (void)scratch;
    const ck_q8_256 *a = (const ck_q8_256 *)act;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / 256; b++, w += B_Q6_K) {
        const uint8_t *ql = w, *qh = w + 128;
        const int8_t *sc = (const int8_t *)(w + 192);
        int sumi = 0;
        for (int s = 0; s < 16; s++) {
            int part = 0;
            for (int k = 0; k < 16; k++) {
                int i = s * 16 + k;
                int half = i >> 7, g = (i >> 5) & 3, l = i & 31;
                int lo = (ql[half * 64 + (g & 1) * 32 + l] >> ((g >> 1) * 4)) & 0x0F;
                int hi = (qh[half * 32 + l] >> (g * 2)) & 3;
                part += ((lo | (hi << 4)) - 32) * a[b].q[i];
            }
            sumi += sc[s] * part;
        }
        sum += f16(w + 208) * a[b].d * (float)sumi;
    }
    return sum;
}

ck_row_fn ck_row_fn_scalar(uint32_t type) {
    switch (type) {
    case T_F32: return dot_f32;
    case T_F16: return dot_f16;
    case T_BF16: return dot_bf16;
    case T_Q4_0: return dot_q4_0;
    case T_Q4_1: return dot_q4_1;
    case T_Q5_0: return dot_q5_0;
    case T_Q5_1: return dot_q5_1;
    case T_Q8_0: return dot_q8_0;
    case T_Q2_K: return dot_q2_k;
    case T_Q3_K: return dot_q3_k;
    case T_Q4_K: return dot_q4_k;
    case T_Q5_K: return dot_q5_k;
    case T_Q6_K: return dot_q6_k;
    default: return NULL;
    }
}
