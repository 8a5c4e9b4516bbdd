// The matrix-matrix kernels of matmul_simd.h with AVX512-VNNI's vpdpbusd (256-bit form).
#if defined(__x86_64__)
#define CK_TARGET "avx2,fma,f16c,avx512f,avx512vl,avx512vnni"
#define CK_VNNI 1
#define CK_SUFFIX _vnni
#include "matmul_simd.h"
#endif
