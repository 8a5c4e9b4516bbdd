// Runs a few CKernels entry points at the portable (scalar) level and prints the results
// bit-exactly (hex floats, hashes of float bits): scripts/check-portable compares an aarch64
// build run under qemu-aarch64 with the x86-64 build.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "ckernels.h"
static unsigned long long st = 12345;
static float rnd(void) { st = st * 6364136223846793005ULL + 1442695040888963407ULL; return (float)((st >> 40) / 16777216.0) * 2 - 1; }
int main(void) {
    ck_set_level(0);
    enum { N = 10000, R = 64, C = 256 };
    static float logits[N], probs[N]; float out[4];
    for (int i = 0; i < N; i++) logits[i] = rnd() * 12;
    ck_distribution_stats(logits, N, 0.8f, probs, out);
    unsigned h = 0; for (int i = 0; i < N; i++) { unsigned b; memcpy(&b, &probs[i], 4); h = h * 31 + b; }
    printf("stats %a %a %a %a probs-hash %08x\n", out[0], out[1], out[2], out[3], h);
    // Q8_0 matvec: 34-byte blocks (f16 scale + 32 int8)
    static unsigned char w[R * (C / 32) * 34]; static float x[C], y[R];
    for (size_t i = 0; i < sizeof w; i++) w[i] = (unsigned char)(rnd() * 127);
    for (int r = 0; r < R * (C / 32); r++) { unsigned short d = ck_fp32_to_fp16(0.01f + 0.001f * (r % 7)); memcpy(w + r * 34, &d, 2); }
    for (int i = 0; i < C; i++) x[i] = rnd();
    static ck_q8_32 act[C / 32];
    ck_quantize_q8_32(x, act, C);
    ck_matvec(8, w, (C / 32) * 34, C, act, y, 0, R, NULL);
    h = 0; for (int i = 0; i < R; i++) { unsigned b; memcpy(&b, &y[i], 4); h = h * 31 + b; }
    printf("q8_0 matvec hash %08x y0 %a\n", h, y[0]);
    static float q[2 * 64], k[100 * 64], v[100 * 64], scratch[10000], o[2 * 64];
    for (int i = 0; i < 2 * 64; i++) q[i] = rnd();
    for (int i = 0; i < 100 * 64; i++) { k[i] = rnd(); v[i] = rnd(); }
    ck_attention(q, 2, 64, k, v, 64, 100, 32, 0.125f, scratch, o);
    h = 0; for (int i = 0; i < 128; i++) { unsigned b; memcpy(&b, &o[i], 4); h = h * 31 + b; }
    printf("attention hash %08x o0 %a\n", h, o[0]);
    return 0;
}
