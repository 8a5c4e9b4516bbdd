// Run-time choice of the kernel level from CPUID, and the matrix-vector row loop.
#include "internal.h"
#include <stdlib.h>
#include <string.h>

int ck_level = -1;

int ck_detect_level(void) {
#ifdef CK_X86
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("f16c");
    if (!avx2) return CK_LEVEL_SCALAR;
    // The statistics kernels (stats.c) at this level use 512-bit AVX-512F vectors.
    if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512f"))
        return CK_LEVEL_AVX512VNNI;
    return CK_LEVEL_AVX2;
#else
    return CK_LEVEL_SCALAR;
#endif
}

// AUTODECO_KERNELS caps the level at start-up (for tests, benchmarks and CPU bug hunts):
// "scalar", "avx2", "avx512vnni"; anything else (or unset) means the best the CPU has.
static int requested_level(int best) {
    const char *v = getenv("AUTODECO_KERNELS");
    if (!v) return best;
    int want = best;
    if (strcmp(v, "scalar") == 0) want = CK_LEVEL_SCALAR;
    else if (strcmp(v, "avx2") == 0) want = CK_LEVEL_AVX2;
    else if (strcmp(v, "avx512vnni") == 0) want = CK_LEVEL_AVX512VNNI;
    return want < best ? want : best;
}

// Read and written atomically: threads may race to initialise it, and every one of them
// stores the same value (relaxed order is enough for a value computed from CPUID and the
// environment alone).
int ck_get_level(void) {
    int level = __atomic_load_n(&ck_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = requested_level(ck_detect_level());
        __atomic_store_n(&ck_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

int ck_set_level(int level) {
    int best = ck_detect_level();
    if (level < 0) level = 0;
    if (level > best) level = best;
    __atomic_store_n(&ck_level, level, __ATOMIC_RELAXED);
    return level;
}

static ck_row_fn row_fn(uint32_t type) {
    ck_row_fn f = NULL;
#ifdef CK_X86
    int level = ck_get_level();
    if (level >= CK_LEVEL_AVX512VNNI) f = ck_row_fn_vnni(type);
    if (!f && level >= CK_LEVEL_AVX2) f = ck_row_fn_avx2(type);
#endif
    if (!f) f = ck_row_fn_scalar(type);
    return f;
}

void ck_matvec(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
               float *out, int64_t row_begin, int64_t row_end, float *scratch) {
    ck_row_fn f = row_fn(type);
    if (!f) {
        for (int64_t r = row_begin; r < row_end; r++) out[r] = 0.0f;
        return;
    }
    const uint8_t *base = (const uint8_t *)w;
    for (int64_t r = row_begin; r < row_end; r++) out[r] = f(base + r * row_bytes, n, act, scratch);
}

// The level's nv-vector row kernel for a type, or NULL (then vectors go one by one).
static ck_rows_fn rows_fn(uint32_t type, int nv) {
    ck_rows_fn f = NULL;
#ifdef CK_X86
    int level = ck_get_level();
    if (level >= CK_LEVEL_AVX512VNNI) f = ck_rows_fn_vnni(type, nv);
    else if (level >= CK_LEVEL_AVX2) f = ck_rows_fn_avx2(type, nv);
#endif
    (void)type;
    (void)nv;
    return f;
}

void ck_matvec_rows(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
                    int64_t act_stride, int64_t count, float *out, int64_t out_stride,
                    int64_t row_begin, int64_t row_end, float *scratch) {
    ck_row_fn f = row_fn(type);
    // Groups of CK_ROWS_NV vectors, then one group of the 2 to CK_ROWS_NV - 1 left (a single one left
    // goes through the one-vector kernel).
    ck_rows_fn f4 = rows_fn(type, CK_ROWS_NV);
    int64_t whole = f4 ? count / CK_ROWS_NV * CK_ROWS_NV : 0;
    int rest = f4 ? (int)(count - whole) : 0;
    ck_rows_fn fr = rest >= 2 ? rows_fn(type, rest) : NULL;
    const uint8_t *base = (const uint8_t *)w, *acts = (const uint8_t *)act;
    float part[CK_ROWS_NV];
    for (int64_t r = row_begin; r < row_end; r++) {
        // The row stays in L1 while it meets every activation vector, and the several-vector
        // kernels unpack each of its blocks once per group.
        const uint8_t *row = base + r * row_bytes;
        int64_t b = 0;
        for (; b < whole; b += CK_ROWS_NV) {
            f4(row, n, acts + b * act_stride, act_stride, part);
            for (int v = 0; v < CK_ROWS_NV; v++) out[(b + v) * out_stride + r] = part[v];
        }
        if (fr) {
            fr(row, n, acts + b * act_stride, act_stride, part);
            for (int v = 0; v < rest; v++) out[(b + v) * out_stride + r] = part[v];
            b += rest;
        }
        for (; b < count; b++)
            out[b * out_stride + r] = f ? f(row, n, acts + b * act_stride, scratch) : 0.0f;
    }
}

float ck_dot_row(uint32_t type, const void *w_row, int64_t n, const void *act, float *scratch) {
    ck_row_fn f = row_fn(type);
    return f ? f((const uint8_t *)w_row, n, act, scratch) : 0.0f;
}

float ck_dot_f32(const float *a, const float *b, int64_t n) {
#ifdef CK_X86
    if (ck_get_level() >= CK_LEVEL_AVX2) return ck_dot_f32_avx2(a, b, n);
#endif
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) sum += a[i] * b[i];
    return sum;
}

int ck_activation_kind(uint32_t type) {
    switch (type) {
    case T_F32: case T_F16: case T_BF16: case T_Q2_K: case T_Q3_K: return CK_ACT_FLOAT;
    case T_Q4_0: case T_Q4_1: case T_Q5_0: case T_Q5_1: case T_Q8_0: return CK_ACT_Q8_32;
    case T_Q4_K: case T_Q5_K: case T_Q6_K: return CK_ACT_Q8_256;
    default: return -1;
    }
}

int64_t ck_activation_bytes(int kind, int64_t n) {
    switch (kind) {
    case CK_ACT_FLOAT: return n * (int64_t)sizeof(float);
    case CK_ACT_Q8_32: return (n / 32) * (int64_t)sizeof(ck_q8_32);
    case CK_ACT_Q8_256: return (n / 256) * (int64_t)sizeof(ck_q8_256);
    default: return 0;
    }
}
