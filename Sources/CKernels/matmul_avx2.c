// The matrix-matrix kernels of matmul_simd.h with AVX2 maddubs + madd.
#if defined(__x86_64__)
#define CK_TARGET "avx2,fma,f16c"
#define CK_VNNI 0
#define CK_SUFFIX _avx2
#include "matmul_simd.h"
#endif
