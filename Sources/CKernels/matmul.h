// The unpacked form of eight weight rows that the matrix-matrix kernels work on (matmul.c
// builds its scales, matmul_simd.h its codes and the products).
#ifndef CKERNELS_MATMUL_H
#define CKERNELS_MATMUL_H
#include <stdint.h>

typedef struct {
    uint8_t *codes;  // (n / 32) chunks × 8 groups × 8 rows × 4 unsigned codes, 32-byte aligned
    float *d;        // per scale block (a 32-block, or a K-quant super-block) × 8 rows
    float *m;        // the same: min (Q4_1, Q5_1) or dmin (Q4_K, Q5_K)
    int32_t *sc;     // K-quants: per super-block, 16 sub-block scales × 8 rows
    int32_t *mn;     // Q4_K, Q5_K: per super-block, 8 sub-block mins × 8 rows
} ck_panel;

// Scales of rows [r0, r0 + nr) into p (rows past nr get zero scales).
void ck_panel_scales(uint32_t type, const void *w, int64_t row_bytes, int64_t n, int64_t r0, int nr,
                     ck_panel *p);

// Panels [panel_begin, panel_end) of eight rows each (the last may be short: `rows` rows in all).
void ck_matmul_panels_avx2(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
                           int64_t act_stride, int64_t count, float *out, int64_t out_stride,
                           int64_t rows, int64_t panel_begin, int64_t panel_end, ck_panel *p);
void ck_matmul_panels_vnni(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
                           int64_t act_stride, int64_t count, float *out, int64_t out_stride,
                           int64_t rows, int64_t panel_begin, int64_t panel_end, ck_panel *p);
#endif
