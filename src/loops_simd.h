/* Shared by the vector exp/log/sin/cos kernels of loops_simd.c (AVX2)
 * and loops_simd_avx512.c: the contiguous kernels each ISA offers and
 * the libm side of their contract (see loops_simd.c's header). */
#ifndef NDM_LOOPS_SIMD_H
#define NDM_LOOPS_SIMD_H

#include <float.h>
#include "loops_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define NDM_SIMD_X86 1

/* Set at load when the CPU has AVX-512 (F, DQ, VL, BW) and FMA and
 * NDMEM_SIMD_ISA does not cap the choice below it: the AVX-512 exp, log,
 * sin, cos and cast loops are in use. */
extern int ndm_simd_avx512;

#define NDM_SIMD512_DECL(FN)                                                \
    void ndm_simd512_##FN##_f32(const float *a, float *o, Py_ssize_t n);     \
    void ndm_simd512_##FN##_f64(const double *a, double *o, Py_ssize_t n);
NDM_SIMD512_DECL(exp)
NDM_SIMD512_DECL(log)
NDM_SIMD512_DECL(sin)
NDM_SIMD512_DECL(cos)
#undef NDM_SIMD512_DECL

/* The harmless input unsafe lanes compute on.  NumPy's float32 exp, sin
 * and cos report underflow for a subnormal argument (its SIMD code
 * computes with it); libm's expf and cosf do not, so SUBUF adds it. */
#define NDM_SIMD_H_exp 0.0
#define NDM_SIMD_H_log 1.0
#define NDM_SIMD_H_sin 0.0
#define NDM_SIMD_H_cos 0.0
#define NDM_SIMD_SUBUF_exp 1
#define NDM_SIMD_SUBUF_log 0
#define NDM_SIMD_SUBUF_sin 1
#define NDM_SIMD_SUBUF_cos 1

/* libm for the first n lanes of xs whose bit in ok is clear. */
static inline void
ndm_simd_fix_f64(double (*fn)(double), const double *xs, double *o,
                 Py_ssize_t n, unsigned ok)
{
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!((ok >> k) & 1)) {
            o[k] = fn(xs[k]);
        }
    }
}

static inline void
ndm_simd_fix_f32(float (*fn)(float), const float *xs, float *o,
                 Py_ssize_t n, unsigned ok, int subuf)
{
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!((ok >> k) & 1)) {
            o[k] = fn(xs[k]);
            if (subuf && xs[k] != 0 && isless(fabsf(xs[k]), FLT_MIN)) {
                feraiseexcept(FE_UNDERFLOW);
            }
        }
    }
}

#endif
#endif
