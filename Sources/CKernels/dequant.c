// Scalar dequantisation of one row of every supported ggml type. The arithmetic follows
// gguf-py's numpy code operation by operation (same products, same order, no fused
// multiply-add) so the results are bit-identical to gguf.quants.dequantize.
#include "internal.h"

#pragma clang fp contract(off)

static void deq_q4_0(const uint8_t *b, float *y) {
    float d = f16(b);
    for (int j = 0; j < 16; j++) {
        y[j] = d * (float)((b[2 + j] & 0x0F) - 8);
        y[j + 16] = d * (float)((b[2 + j] >> 4) - 8);
    }
}

static void deq_q4_1(const uint8_t *b, float *y) {
    float d = f16(b), m = f16(b + 2);
    for (int j = 0; j < 16; j++) {
        y[j] = d * (float)(b[4 + j] & 0x0F) + m;
        y[j + 16] = d * (float)(b[4 + j] >> 4) + m;
    }
}

static void deq_q5_0(const uint8_t *b, float *y) {
    float d = f16(b);
    uint32_t qh = ld32(b + 2);
    const uint8_t *qs = b + 6;
    for (int j = 0; j < 16; j++) {
        int lo = (qs[j] & 0x0F) | (int)(((qh >> j) & 1) << 4);
        int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
        y[j] = d * (float)(lo - 16);
        y[j + 16] = d * (float)(hi - 16);
    }
}

static void deq_q5_1(const uint8_t *b, float *y) {
    float d = f16(b), m = f16(b + 2);
    uint32_t qh = ld32(b + 4);
    const uint8_t *qs = b + 8;
    for (int j = 0; j < 16; j++) {
        int lo = (qs[j] & 0x0F) | (int)(((qh >> j) & 1) << 4);
        int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
        y[j] = d * (float)lo + m;
        y[j + 16] = d * (float)hi + m;
    }
}

static void deq_q8_0(const uint8_t *b, float *y) {
    float d = f16(b);
    for (int j = 0; j < 32; j++) y[j] = (float)(int8_t)b[2 + j] * d;
}

// Layout: scales[16] (low nibble scale, high nibble min), qs[64], d, dmin.
static void deq_q2_k(const uint8_t *b, float *y) {
    const uint8_t *sc = b, *qs = b + 16;
    float d = f16(b + 80), dmin = f16(b + 82);
    for (int i = 0; i < 256; i++) {
        int half = i >> 7, shift = ((i >> 5) & 3) * 2, l = i & 31;
        int q = (qs[half * 32 + l] >> shift) & 3;
        float dl = d * (float)(sc[i >> 4] & 0x0F);
        float ml = dmin * (float)(sc[i >> 4] >> 4);
        y[i] = dl * (float)q - ml;
    }
}

// Layout: hmask[32], qs[64], scales[12], d. A clear hmask bit subtracts 4.
static void deq_q3_k(const uint8_t *b, float *y) {
    const uint8_t *hm = b, *qs = b + 32;
    int8_t sc[16];
    q3k_scales(b + 96, sc);
    float d = f16(b + 108);
    for (int i = 0; i < 256; i++) {
        int half = i >> 7, shift = ((i >> 5) & 3) * 2, l = i & 31;
        int q = (qs[half * 32 + l] >> shift) & 3;
        int h = (hm[l] >> (i >> 5)) & 1;
        float dl = d * (float)sc[i >> 4];
        y[i] = dl * (float)(q - ((h ^ 1) << 2));
    }
}

// Layout: d, dmin, scales[12], qs[128]; sub-block j (32 values) uses sc[j], mn[j].
static void deq_q4_k(const uint8_t *b, float *y) {
    float d = f16(b), dmin = f16(b + 2);
    uint8_t sc[8], mn[8];
    kquant_scale_min(b + 4, sc, mn);
    const uint8_t *qs = b + 16;
    for (int j = 0; j < 8; j++) {
        float dl = d * (float)sc[j], ml = dmin * (float)mn[j];
        const uint8_t *q = qs + (j >> 1) * 32;
        int shift = (j & 1) * 4;
        for (int l = 0; l < 32; l++) y[j * 32 + l] = dl * (float)((q[l] >> shift) & 0x0F) - ml;
    }
}

// Layout: d, dmin, scales[12], qh[32], qs[128]; bit j of qh[l] is the 5th bit of value j*32+l.
static void deq_q5_k(const uint8_t *b, float *y) {
    float d = f16(b), dmin = f16(b + 2);
    uint8_t sc[8], mn[8];
    kquant_scale_min(b + 4, sc, mn);
    const uint8_t *qh = b + 16, *qs = b + 48;
    for (int j = 0; j < 8; j++) {
        float dl = d * (float)sc[j], ml = dmin * (float)mn[j];
        const uint8_t *q = qs + (j >> 1) * 32;
        int shift = (j & 1) * 4;
        for (int l = 0; l < 32; l++) {
            int v = ((q[l] >> shift) & 0x0F) | (((qh[l] >> j) & 1) << 4);
            y[j * 32 + l] = dl * (float)v - ml;
        }
    }
}

// Layout: ql[128], qh[64], scales[16] (int8), d. Value = (6-bit q - 32) * d * scale.
static void deq_q6_k(const uint8_t *b, float *y) {
    const uint8_t *ql = b, *qh = b + 128;
    const int8_t *sc = (const int8_t *)(b + 192);
    float d = f16(b + 208);
    for (int i = 0; i < 256; i++) {
        int half = i >> 7, g = (i >> 5) & 3, l = i & 31;
        int lo = (ql[half * 64 + (g & 1) * 32 + l] >> ((g >> 1) * 4)) & 0x0F;
        int hi = (qh[half * 32 + l] >> (g * 2)) & 3;
        float dl = d * (float)sc[i >> 4];
        y[i] = dl * (float)((lo | (hi << 4)) - 32);
    }
}

int ck_can_dequantize(uint32_t type) {
    switch (type) {
    case T_F32: case T_F16: case T_BF16: case T_Q4_0: case T_Q4_1: case T_Q5_0: case T_Q5_1:
    case T_Q8_0: case T_Q2_K: case T_Q3_K: case T_Q4_K: case T_Q5_K: case T_Q6_K:
        return 1;
    default:
        return 0;
    }
}

void ck_dequantize_row(uint32_t type, const void *src, float *dst, int64_t n) {
    const uint8_t *s = (const uint8_t *)src;
    switch (type) {
    case T_F32: memcpy(dst, src, (size_t)n * sizeof(float)); return;
    case T_F16: ck_fp16_to_fp32_row((const uint16_t *)src, dst, n); return;
    case T_BF16:
        for (int64_t i = 0; i < n; i++) {
            uint32_t bits = (uint32_t)ld16(s + 2 * i) << 16;
            memcpy(dst + i, &bits, 4);
        }
        return;
    case T_Q4_0: for (int64_t i = 0; i < n / 32; i++) deq_q4_0(s + i * B_Q4_0, dst + i * 32); return;
    case T_Q4_1: for (int64_t i = 0; i < n / 32; i++) deq_q4_1(s + i * B_Q4_1, dst + i * 32); return;
    case T_Q5_0: for (int64_t i = 0; i < n / 32; i++) deq_q5_0(s + i * B_Q5_0, dst + i * 32); return;
    case T_Q5_1: for (int64_t i = 0; i < n / 32; i++) deq_q5_1(s + i * B_Q5_1, dst + i * 32); return;
    case T_Q8_0: for (int64_t i = 0; i < n / 32; i++) deq_q8_0(s + i * B_Q8_0, dst + i * 32); return;
    case T_Q2_K: for (int64_t i = 0; i < n / 256; i++) deq_q2_k(s + i * B_Q2_K, dst + i * 256); return;
    case T_Q3_K: for (int64_t i = 0; i < n / 256; i++) deq_q3_k(s + i * B_Q3_K, dst + i * 256); return;
    case T_Q4_K: for (int64_t i = 0; i < n / 256; i++) deq_q4_k(s + i * B_Q4_K, dst + i * 256); return;
    case T_Q5_K: for (int64_t i = 0; i < n / 256; i++) deq_q5_k(s + i * B_Q5_K, dst + i * 256); return;
    case T_Q6_K: for (int64_t i = 0; i < n / 256; i++) deq_q6_k(s + i * B_Q6_K, dst + i * 256); return;
    default:
        for (int64_t i = 0; i < n; i++) dst[i] = 0.0f;
        return;
    }
}
