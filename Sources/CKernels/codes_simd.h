// 4- and 5-bit weight codes to bytes, shared by the row kernels (dot_simd.h) and the
// matrix-matrix kernels (matmul_simd.h). Included by them inside their target pragma, with
// FN (the level's name suffix) defined; no include guard, since each level's file includes it
// once for its own suffix.

// 16 bytes of packed nibbles -> 32 bytes: low nibbles first (values 0..15), then high ones.
static inline __m256i FN(nibbles)(const uint8_t *p) {
    __m128i b = _mm_loadu_si128((const __m128i *)p);
    __m256i v = _mm256_set_m128i(_mm_srli_epi16(b, 4), b);
    return _mm256_and_si256(v, _mm256_set1_epi8(0x0F));
}

// Bit j of x -> 0x10 in byte j (the fifth bit of Q5 codes).
static inline __m256i FN(fifth_bits)(uint32_t x) {
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)x),
        _mm256_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL, 0x0101010101010101LL, 0));
    v = _mm256_or_si256(v, _mm256_set1_epi64x(0x7FBFDFEFF7FBFDFELL));  // all bits but j%8
    v = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(-1));
    return _mm256_and_si256(v, _mm256_set1_epi8(0x10));
}
