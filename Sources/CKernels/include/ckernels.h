// CKernels: the innermost SIMD loops of autodeco (dequantise, quantised dot products,
// activation quantisation, f16 conversion) plus the few atomics/futex calls the Swift thread
// pool needs. Every entry point picks its implementation at run time from CPUID, so one
// binary runs on any x86-64 (and on other CPUs through the scalar code).
//
// Preconditions (checked by the Swift callers, not here): `n` is a multiple of the type's
// block size, pointers cover the whole row, and `type` is one of the supported ggml types.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- implementation level --------------------------------------------------------------
enum {
    CK_LEVEL_SCALAR = 0,     // portable C
    CK_LEVEL_AVX2 = 1,       // AVX2 + FMA + F16C
    CK_LEVEL_AVX512VNNI = 2, // AVX2 level plus 256-bit VNNI (AVX512_VNNI + AVX512VL) and AVX512F
};
/// The best level this CPU supports.
int ck_detect_level(void);
/// The level in use: ck_detect_level(), or lower when the environment variable
/// AUTODECO_KERNELS is "scalar" or "avx2" (read once, at first use).
int ck_get_level(void);
/// Force a level (clamped to what the CPU supports); returns the level now in use.
int ck_set_level(int level);

// ---- f16 ------------------------------------------------------------------------------
float ck_fp16_to_fp32(uint16_t h);
uint16_t ck_fp32_to_fp16(float f);  // round to nearest even, like numpy's astype(float16)
void ck_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n);
void ck_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n);

// ---- dequantisation -----------------------------------------------------------------------
/// Whether ck_dequantize_row knows the ggml type number `type`.
int ck_can_dequantize(uint32_t type);
/// dst[0..<n] = the n values of the row at src. Bit-exact with gguf-py's dequantize.
void ck_dequantize_row(uint32_t type, const void *src, float *dst, int64_t n);

// ---- activation quantisation --------------------------------------------------------------
/// 32-element activation block: q[i] * d ≈ x[i]; sum = Σq, s = d * sum (used by weight types
/// with a min; the matrix-matrix kernels use sum for the zero points).
typedef struct { float d; float s; int32_t sum; int8_t q[32]; } ck_q8_32;
/// 256-element activation block for K-quants; bsums[j] = Σ q[16j ..< 16j+16].
typedef struct { float d; int8_t q[256]; int16_t bsums[16]; } ck_q8_256;

/// The activation format a weight type is multiplied with.
enum { CK_ACT_FLOAT = 0, CK_ACT_Q8_32 = 1, CK_ACT_Q8_256 = 2 };
/// CK_ACT_* for a weight type, or -1 when the type has no matrix-vector kernel.
int ck_activation_kind(uint32_t type);
/// Bytes of activation scratch needed for n elements of the given kind.
int64_t ck_activation_bytes(int kind, int64_t n);
/// Quantise x[0..<n] into blocks (d = max|x|/127, q = round-half-away(x/d)).
void ck_quantize_q8_32(const float *x, ck_q8_32 *out, int64_t n);
void ck_quantize_q8_256(const float *x, ck_q8_256 *out, int64_t n);

// ---- matrix-vector ---------------------------------------------------------------------
/// out[r] = W[r,:] · x for r in [row_begin, row_end). W rows are `row_bytes` apart and hold
/// `n` elements of `type`. `act` is x in the format ck_activation_kind(type) asks for
/// (plain floats for CK_ACT_FLOAT). `scratch` (n floats) is only used by types that
/// dequantise first (Q2_K, Q3_K); it may be NULL otherwise.
void ck_matvec(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
               float *out, int64_t row_begin, int64_t row_end, float *scratch);
/// The same product for `count` activation vectors at once (several sequences decoding in
/// lockstep): out[b * out_stride + r] = W[r,:] · x_b for r in [row_begin, row_end), b <
/// count, where x_b is at act + b * act_stride bytes. Each weight row is read from memory
/// once and its blocks unpacked once per four x_b (SIMD levels), and every result is bitwise
/// what ck_matvec gives for that x_b alone.
void ck_matvec_rows(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
                    int64_t act_stride, int64_t count, float *out, int64_t out_stride,
                    int64_t row_begin, int64_t row_end, float *scratch);
/// Matrix-matrix product on quantised weights (prefill): out[b * out_stride + r] = W[r,:] · x_b
/// for b < count and r in the panels [panel_begin, panel_end) of eight rows each (rows
/// 8·panel_begin ..< min(rows, 8·panel_end)); x_b is quantised as for ck_matvec, at act +
/// b * act_stride bytes. Eight rows are unpacked once and multiplied with every x_b, eight
/// rows per instruction. Equal to ck_matvec up to float rounding; deterministic (each result
/// depends only on its own row and column). `scratch`: ck_matmul_scratch_bytes(n) bytes, one
/// per thread. Does nothing for a type ck_matmul_supported rejects.
int ck_matmul_supported(uint32_t type);  // Q4_0…Q8_0, Q4_K…Q6_K at the AVX2 and VNNI levels
int64_t ck_matmul_scratch_bytes(int64_t n);
void ck_matmul(uint32_t type, const void *w, int64_t row_bytes, int64_t n, const void *act,
               int64_t act_stride, int64_t count, float *out, int64_t out_stride, int64_t rows,
               int64_t panel_begin, int64_t panel_end, void *scratch);
/// One row: W_row · x with the same arithmetic as ck_matvec.
float ck_dot_row(uint32_t type, const void *w_row, int64_t n, const void *act, float *scratch);

// ---- float helpers ------------------------------------------------------------------------
float ck_dot_f32(const float *a, const float *b, int64_t n);

// ---- softmax and distribution statistics ------------------------------------------------
/// Index of the largest value (the first on ties).
int64_t ck_argmax_f32(const float *x, int64_t n);
/// out[i] = exp((x[i] - shift) * scale); returns Σ out[i] (summed in double).
double ck_exp_sum(const float *x, float *out, int64_t n, float shift, float scale);
/// x[i] *= s.
void ck_scale_f32(float *x, int64_t n, float s);
/// q = softmax(logits / (temperature + 1e-8)) into probs, and out = {max q, −Σ q·ln(q + 1e-8),
/// unbiased variance of q, sum of the five largest q} (the AutoDeco top-p head's inputs).
void ck_distribution_stats(const float *logits, int64_t n, float temperature, float *probs, float out[4]);
/// The same computation in fixed blocks that threads can share (ck_distribution_stats is
/// exactly these four steps on one thread). Blocks depend on n only: at most
/// CK_STATS_MAX_BLOCKS of ck_stats_block_size(n) values. Per block b: pass 1 (blocks b0 ..< b1)
/// writes exp((l − block_max[b]) / t) to probs and its sum to block_sum[b]; the serial step
/// turns block maxima and sums into block_scale[b] = exp((block_max[b] − max) / t) / Z; pass 2
/// scales probs to q and writes block_acc[3b ..] = {−Σ q·ln(q + 1e-8), Σ q, Σ q²} and
/// block_top[5b ..] = the five largest q; finish combines the blocks in order.
enum { CK_STATS_BLOCK = 4096, CK_STATS_MAX_BLOCKS = 256 };
int64_t ck_stats_block_size(int64_t n);
int64_t ck_stats_block_count(int64_t n);
void ck_stats_exp_blocks(const float *logits, int64_t n, float temperature, float *probs,
                         int64_t b0, int64_t b1, float *block_max, double *block_sum);
void ck_stats_block_scales(int64_t n, float temperature, const float *block_max, const double *block_sum,
                           float *block_scale);
void ck_stats_q_blocks(float *probs, int64_t n, const float *block_scale, int64_t b0, int64_t b1,
                       double *block_acc, float *block_top);
void ck_stats_finish(int64_t n, const double *block_acc, const float *block_top, float out[4]);

// ---- attention ------------------------------------------------------------------------
/// One block of `n` positions for `group` query heads (q: group × hd floats) sharing a kv
/// head whose rows are `stride` floats apart. Writes, per head g: m[g] = max score,
/// s[g] = Σ exp(score − m), o[g·hd …] = Σ exp(score − m) · v. `scores`: group × n floats.
void ck_attention_block(const float *q, int64_t group, int64_t hd, const float *k, const float *v,
                        int64_t stride, int64_t n, float scale, float *scores, float *m, float *s, float *o);
/// Combines `blocks` partial results (laid out [block][group]) into out (group × hd), in block order.
void ck_attention_combine(int64_t blocks, int64_t group, int64_t hd, const float *m, const float *s,
                          const float *o, float *out);
/// Whole attention of one token: blocks of `block` positions, then combine, exactly as the two
/// calls above. scratch: ⌈n / block⌉ · group · (hd + 2) + group · block floats.
void ck_attention(const float *q, int64_t group, int64_t hd, const float *k, const float *v, int64_t stride,
                  int64_t n, int64_t block, float scale, float *scratch, float *out);

// ---- synchronisation for the thread pool -----------------------------------------------
// All sequentially consistent: the pool's sleep/wake handshake needs store-load ordering.
uint32_t ck_atomic_load_u32(const uint32_t *p);
void ck_atomic_store_u32(uint32_t *p, uint32_t v);
uint32_t ck_atomic_add_u32(uint32_t *p, uint32_t v);         // returns the old value
int ck_atomic_cas_u32(uint32_t *p, uint32_t expected, uint32_t desired);  // 1 if swapped
int64_t ck_atomic_add_i64(int64_t *p, int64_t v);            // returns the old value
void ck_atomic_store_i64(int64_t *p, int64_t v);
uint64_t ck_atomic_load_u64(const uint64_t *p);
void ck_atomic_store_u64(uint64_t *p, uint64_t v);
int ck_atomic_cas_u64(uint64_t *p, uint64_t expected, uint64_t desired);  // 1 if swapped
void ck_cpu_relax(void);                                     // pause
/// Sleep while *p == expected (spurious wake-ups possible).
void ck_futex_wait(uint32_t *p, uint32_t expected);
/// Wake every thread sleeping on p.
void ck_futex_wake_all(uint32_t *p);

#ifdef __cplusplus
}
#endif
#endif
