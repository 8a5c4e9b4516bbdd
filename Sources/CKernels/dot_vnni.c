// The row kernels of dot_simd.h with AVX512-VNNI's vpdpbusd (256-bit form, needs AVX512VL)
// replacing the maddubs + madd pair of the AVX2 build.
#if defined(__x86_64__)
#define CK_TARGET "avx2,fma,f16c,avx512f,avx512vl,avx512vnni"
#define CK_VNNI 1
#define CK_SUFFIX _vnni
#include "dot_simd.h"
#endif
