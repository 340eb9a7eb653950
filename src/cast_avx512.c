/* The numeric casting loops of cast_loops.h compiled for AVX-512, where
 * conversions SSE2 lacks (int64/uint64 <-> float, float -> int64) become
 * vector instructions: astype('f8') of an int64 array runs ~2x faster.
 * cast.c uses this table when loops_simd.c chose its AVX-512 kernels. */
#include "dtype.h"
#include <complex.h>
#include "loops_simd.h"

#ifdef NDM_SIMD_X86
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw")
#define NDM_CAST_LOOPS_STORAGE
#define NDM_CAST_LOOPS ndm_cast_avx512_loops
#include "cast_loops.h"
#endif
