// Quantised matrix-matrix product for prefill: dispatch, scratch layout and panel scales.
// The products themselves are in matmul_simd.h.
#include "internal.h"
#include "matmul.h"

#ifdef CK_X86
static int panel_type(uint32_t type) {
    switch (type) {
    case T_Q4_0: case T_Q4_1: case T_Q5_0: case T_Q5_1: case T_Q8_0:
    case T_Q4_K: case T_Q5_K: case T_Q6_K: return 1;
    default: return 0;
    }
}
#endif

int ck_matmul_supported(uint32_t type) {
#ifdef CK_X86
    if (ck_get_level() >= CK_LEVEL_AVX2) return panel_type(type);
#endif
    (void)type;
    return 0;
}

static int64_t round_up(int64_t v) { return (v + 63) & ~(int64_t)63; }

int64_t ck_matmul_scratch_bytes(int64_t n) {
    int64_t blocks = n / 32, supers = n / 256;
    return round_up(n * 8) + 2 * round_up(blocks * 8 * 4) + round_up(supers * 16 * 8 * 4) +
           round_up(supers * 8 * 8 * 4) + 64;
}

// Carves the panel out of scratch (any alignment; 64 bytes of slack are reserved).
static ck_panel panel_in(void *scratch, int64_t n) {
    uint8_t *p = (uint8_t *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    int64_t blocks = n / 32, supers = n / 256;
    ck_panel panel;
    panel.codes = p; p += round_up(n * 8);
    panel.d = (float *)p; p += round_up(blocks * 8 * 4);
    panel.m = (float *)p; p += round_up(blocks * 8 * 4);
    panel.sc = (int32_t *)p; p += round_up(supers * 16 * 8 * 4);
    panel.mn = (int32_t *)p;
    return panel;
}

void ck_panel_scales(uint32_t type, const void *w, int64_t row_bytes, int64_t n, int64_t r0, int nr,
                     ck_panel *p) {
    const uint8_t *base = (const uint8_t *)w;
    int kquant = type == T_Q4_K || type == T_Q5_K || type == T_Q6_K;
    int64_t blocks = kquant ? n / 256 : n / 32;
    for (int r = 0; r < 8; r++) {
        const uint8_t *row = r < nr ? base + (r0 + r) * row_bytes : base;
        for (int64_t b = 0; b < blocks; b++) {
            float d = 0.0f, m = 0.0f;
            int32_t sc[16] = {0}, mn[8] = {0};
            if (r < nr) {
                switch (type) {
                case T_Q4_0: d = f16(row + b * B_Q4_0); break;
                case T_Q5_0: d = f16(row + b * B_Q5_0); break;
                case T_Q8_0: d = f16(row + b * B_Q8_0); break;
                case T_Q4_1: d = f16(row + b * B_Q4_1); m = f16(row + b * B_Q4_1 + 2); break;
                case T_Q5_1: d = f16(row + b * B_Q5_1); m = f16(row + b * B_Q5_1 + 2); break;
                case T_Q4_K: case T_Q5_K: {
                    const uint8_t *blk = row + b * (type == T_Q4_K ? B_Q4_K : B_Q5_K);
                    uint8_t s6[8], m6[8];
                    kquant_scale_min(blk + 4, s6, m6);
                    for (int s = 0; s < 8; s++) { sc[s] = s6[s]; mn[s] = m6[s]; }
                    d = f16(blk);
                    m = f16(blk + 2);
                    break;
                }
                case T_Q6_K: {
                    const uint8_t *blk = row + b * B_Q6_K;
                    for (int s = 0; s < 16; s++) sc[s] = (int8_t)blk[192 + s];
                    d = f16(blk + 208);
                    break;
                }
                default: break;
                }
            }
            p->d[b * 8 + r] = d;
            p->m[b * 8 + r] = m;
            if (kquant) {
                for (int s = 0; s < 16; s++) p->sc[(b * 16 + s) * 8 + r] = sc[s];
                for (int s = 0; s < 8; s++) p->mn[(b * 8 + s) * 8 + r] = mn[s];
            }
        }
    }
}

void ck_matmul(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
               int64_t act_stride, int64_t count, float *out, int64_t out_stride, int64_t rows,
               int64_t panel_begin, int64_t panel_end, void *scratch) {
    if (!ck_matmul_supported(type)) return;
    ck_panel p = panel_in(scratch, n);
#ifdef CK_X86
    if (ck_get_level() >= CK_LEVEL_AVX512VNNI)
        ck_matmul_panels_vnni(type, w, row_bytes, n, act, act_stride, count, out, out_stride, rows,
                              panel_begin, panel_end, &p);
    else
        ck_matmul_panels_avx2(type, w, row_bytes, n, act, act_stride, count, out, out_stride, rows,
                              panel_begin, panel_end, &p);
#else
    (void)w; (void)row_bytes; (void)act; (void)act_stride; (void)count; (void)out; (void)out_stride;
    (void)rows; (void)panel_begin; (void)panel_end; (void)p;
#endif
}
