/* Private to loops.c and loops_math.c: dtype-kind selection for the
 * X-macros, per-type traits, float16 and complex helpers. */
#ifndef NDM_LOOPS_INTERNAL_H
#define NDM_LOOPS_INTERNAL_H

#include <complex.h>
#include <fenv.h>
#include <math.h>
#include "loops.h"

/* GCC's -O2 cost model only vectorizes loops whose trip count it knows;
 * the kernels want the "cheap" model of -O3.  (sqrt vectorizes only
 * without libm's errno: setup.py builds with -fno-math-errno, since a
 * per-function "no-math-errno" here is not honoured.) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-loop-vectorize", "vect-cost-model=cheap")
#endif

#define NDM_CAT(a, b) NDM_CAT_(a, b)
#define NDM_CAT_(a, b) a##b
#define NDM_KEEP(x) x
#define NDM_DROP(x)

/* Kind of each NDM_FOR_EACH_NUMERIC entry: KB bool, KS signed, KU
 * unsigned, KH float16, KF float32/64, KC complex. */
#define NDMK_BOOL KB
#define NDMK_INT8 KS
#define NDMK_UINT8 KU
#define NDMK_INT16 KS
#define NDMK_UINT16 KU
#define NDMK_INT32 KS
#define NDMK_UINT32 KU
#define NDMK_INT64 KS
#define NDMK_UINT64 KU
#define NDMK_FLOAT16 KH
#define NDMK_FLOAT32 KF
#define NDMK_FLOAT64 KF
#define NDMK_COMPLEX64 KC
#define NDMK_COMPLEX128 KC

/* NDM_ON_<SET> is an X callback that forwards the entries of SET to
 * NDM_EACH(N, n, t), which the user defines before expanding
 * NDM_FOR_EACH_NUMERIC(NDM_ON_<SET>) and undefines after. */
#define NDM_SEL(SET, N) NDM_CAT(SET##_, NDMK_##N)
#define NDM_ON(SET, N, n, t) NDM_SEL(SET, N)(NDM_EACH(N, n, t))

#define NDM_S_INT_KB NDM_DROP       /* signed and unsigned integers */
#define NDM_S_INT_KS NDM_KEEP
#define NDM_S_INT_KU NDM_KEEP
#define NDM_S_INT_KH NDM_DROP
#define NDM_S_INT_KF NDM_DROP
#define NDM_S_INT_KC NDM_DROP
#define NDM_S_SINT_KB NDM_DROP      /* signed integers */
#define NDM_S_SINT_KS NDM_KEEP
#define NDM_S_SINT_KU NDM_DROP
#define NDM_S_SINT_KH NDM_DROP
#define NDM_S_SINT_KF NDM_DROP
#define NDM_S_SINT_KC NDM_DROP
#define NDM_S_UINT_KB NDM_DROP      /* unsigned integers */
#define NDM_S_UINT_KS NDM_DROP
#define NDM_S_UINT_KU NDM_KEEP
#define NDM_S_UINT_KH NDM_DROP
#define NDM_S_UINT_KF NDM_DROP
#define NDM_S_UINT_KC NDM_DROP
#define NDM_S_BINT_KB NDM_KEEP      /* bool and integers */
#define NDM_S_BINT_KS NDM_KEEP
#define NDM_S_BINT_KU NDM_KEEP
#define NDM_S_BINT_KH NDM_DROP
#define NDM_S_BINT_KF NDM_DROP
#define NDM_S_BINT_KC NDM_DROP
#define NDM_S_F_KB NDM_DROP         /* float32, float64 */
#define NDM_S_F_KS NDM_DROP
#define NDM_S_F_KU NDM_DROP
#define NDM_S_F_KH NDM_DROP
#define NDM_S_F_KF NDM_KEEP
#define NDM_S_F_KC NDM_DROP
#define NDM_S_HF_KB NDM_DROP        /* float16, float32, float64 */
#define NDM_S_HF_KS NDM_DROP
#define NDM_S_HF_KU NDM_DROP
#define NDM_S_HF_KH NDM_KEEP
#define NDM_S_HF_KF NDM_KEEP
#define NDM_S_HF_KC NDM_DROP
#define NDM_S_C_KB NDM_DROP         /* complex64, complex128 */
#define NDM_S_C_KS NDM_DROP
#define NDM_S_C_KU NDM_DROP
#define NDM_S_C_KH NDM_DROP
#define NDM_S_C_KF NDM_DROP
#define NDM_S_C_KC NDM_KEEP
#define NDM_S_FC_KB NDM_DROP        /* float32/64 and complex */
#define NDM_S_FC_KS NDM_DROP
#define NDM_S_FC_KU NDM_DROP
#define NDM_S_FC_KH NDM_DROP
#define NDM_S_FC_KF NDM_KEEP
#define NDM_S_FC_KC NDM_KEEP
#define NDM_S_NUM_KB NDM_DROP       /* everything but bool */
#define NDM_S_NUM_KS NDM_KEEP
#define NDM_S_NUM_KU NDM_KEEP
#define NDM_S_NUM_KH NDM_KEEP
#define NDM_S_NUM_KF NDM_KEEP
#define NDM_S_NUM_KC NDM_KEEP
#define NDM_S_REAL_KB NDM_DROP      /* integers and real floats */
#define NDM_S_REAL_KS NDM_KEEP
#define NDM_S_REAL_KU NDM_KEEP
#define NDM_S_REAL_KH NDM_KEEP
#define NDM_S_REAL_KF NDM_KEEP
#define NDM_S_REAL_KC NDM_DROP
#define NDM_S_BREAL_KB NDM_KEEP     /* bool, integers and real floats */
#define NDM_S_BREAL_KS NDM_KEEP
#define NDM_S_BREAL_KU NDM_KEEP
#define NDM_S_BREAL_KH NDM_KEEP
#define NDM_S_BREAL_KF NDM_KEEP
#define NDM_S_BREAL_KC NDM_DROP
#define NDM_S_NOTF_KB NDM_KEEP      /* everything but float32/64 */
#define NDM_S_NOTF_KS NDM_KEEP
#define NDM_S_NOTF_KU NDM_KEEP
#define NDM_S_NOTF_KH NDM_KEEP
#define NDM_S_NOTF_KF NDM_DROP
#define NDM_S_NOTF_KC NDM_KEEP
#define NDM_S_ALL_KB NDM_KEEP
#define NDM_S_ALL_KS NDM_KEEP
#define NDM_S_ALL_KU NDM_KEEP
#define NDM_S_ALL_KH NDM_KEEP
#define NDM_S_ALL_KF NDM_KEEP
#define NDM_S_ALL_KC NDM_KEEP

#define NDM_ON_INT(N, n, t) NDM_ON(NDM_S_INT, N, n, t)
#define NDM_ON_SINT(N, n, t) NDM_ON(NDM_S_SINT, N, n, t)
#define NDM_ON_UINT(N, n, t) NDM_ON(NDM_S_UINT, N, n, t)
#define NDM_ON_BINT(N, n, t) NDM_ON(NDM_S_BINT, N, n, t)
#define NDM_ON_F(N, n, t) NDM_ON(NDM_S_F, N, n, t)
#define NDM_ON_HF(N, n, t) NDM_ON(NDM_S_HF, N, n, t)
#define NDM_ON_C(N, n, t) NDM_ON(NDM_S_C, N, n, t)
#define NDM_ON_FC(N, n, t) NDM_ON(NDM_S_FC, N, n, t)
#define NDM_ON_NUM(N, n, t) NDM_ON(NDM_S_NUM, N, n, t)
#define NDM_ON_REAL(N, n, t) NDM_ON(NDM_S_REAL, N, n, t)
#define NDM_ON_BREAL(N, n, t) NDM_ON(NDM_S_BREAL, N, n, t)
#define NDM_ON_NOTF(N, n, t) NDM_ON(NDM_S_NOTF, N, n, t)
#define NDM_ON_ALL(N, n, t) NDM_ON(NDM_S_ALL, N, n, t)

/* Unsigned twin of each integer type (wrap-around arithmetic without
 * signed-overflow UB). */
#define NDM_UT_INT8 uint8_t
#define NDM_UT_UINT8 uint8_t
#define NDM_UT_INT16 uint16_t
#define NDM_UT_UINT16 uint16_t
#define NDM_UT_INT32 uint32_t
#define NDM_UT_UINT32 uint32_t
#define NDM_UT_INT64 uint64_t
#define NDM_UT_UINT64 uint64_t

/* Real component type and libm suffix of the float and complex types. */
#define NDM_RT_FLOAT32 float
#define NDM_RT_FLOAT64 double
#define NDM_RT_COMPLEX64 float
#define NDM_RT_COMPLEX128 double
#define NDM_FS_FLOAT32 f
#define NDM_FS_FLOAT64
#define NDM_FS_COMPLEX64 f
#define NDM_FS_COMPLEX128
/* libm function FN for type N: NDM_LIBM(sin, FLOAT32) is sinf. */
#define NDM_LIBM(FN, N) NDM_CAT(FN, NDM_FS_##N)
/* Build a complex of type N from parts. */
#define NDM_MKC_COMPLEX64 CMPLXF
#define NDM_MKC_COMPLEX128 CMPLX

/* One loop-table row: NDM_LD2/3/4 for 2-4 operands (inputs, outputs). */
#define NDM_LD2(T0, T1, K) {{NDM_##T0, NDM_##T1, -1, -1}, K, 0},
#define NDM_LD3(T0, T1, T2, K) {{NDM_##T0, NDM_##T1, NDM_##T2, -1}, K, 0},
#define NDM_LD4(T0, T1, T2, T3, K) {{NDM_##T0, NDM_##T1, NDM_##T2, NDM_##T3}, K, 0},

#define NDM_NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Ordered float comparisons that raise no invalid flag for NaN, as
 * NumPy's, for code that must stay quiet element by element: NaNs are
 * masked to 0 through the bits before comparing and the result is forced
 * false for them.  (Vectorized kernels instead use plain compares, which
 * GCC turns into SSE2's signalling cmpltpd, and drop the flag afterwards:
 * NDM_QUIET_KERNEL.) */
static inline double
ndm_qz(double x)
{
    uint64_t m = (x == x) ? ~(uint64_t)0 : 0, b;
    memcpy(&b, &x, 8);
    b &= m;
    memcpy(&x, &b, 8);
    return x;
}

static inline float
ndm_qzf(float x)
{
    uint32_t m = (x == x) ? ~(uint32_t)0 : 0, b;
    memcpy(&b, &x, 4);
    b &= m;
    memcpy(&x, &b, 4);
    return x;
}

#define NDM_QZ(x) _Generic((x), float: ndm_qzf, default: ndm_qz)(x)
#define NDM_QCMP(a, b, OP) \
    (((a) == (a)) & ((b) == (b)) & (NDM_QZ(a) OP NDM_QZ(b)))
#define NDM_QLT(a, b) NDM_QCMP(a, b, <)
#define NDM_QLE(a, b) NDM_QCMP(a, b, <=)
#define NDM_QGT(a, b) NDM_QCMP(a, b, >)
#define NDM_QGE(a, b) NDM_QCMP(a, b, >=)

/* A kernel whose NumPy counterpart never reports invalid (ordered
 * comparisons, maximum, clip ...): run the vectorizable INNER and clear
 * the invalid flag it raised on NaN lanes, unless it was already set. */
#define NDM_QUIET_KERNEL(NAME, INNER)                                       \
static void                                                                 \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    int had = fetestexcept(FE_INVALID);                                     \
    INNER(args, n, steps, ctx);                                             \
    if (!had) {                                                             \
        feclearexcept(FE_INVALID);                                          \
    }                                                                       \
}

/* Float comparisons and predicates into bool with SSE2 (the x86-64
 * baseline): GCC does not vectorize a double -> byte narrowing, so these
 * compare LANES elements at once and store the movemask bits as bytes.
 * FALLBACK is the generic kernel for other layouts and the tail. */
#if defined(__SSE2__)
#include <emmintrin.h>
#define NDM_SSEV_FLOAT32 __m128
#define NDM_SSES_FLOAT32 ps
#define NDM_SSEL_FLOAT32 4
#define NDM_SSEV_FLOAT64 __m128d
#define NDM_SSES_FLOAT64 pd
#define NDM_SSEL_FLOAT64 2

static inline void
ndm_store_mask2(ndm_bool *o, int m)
{
    uint16_t v = (uint16_t)((m & 1) | ((m & 2) << 7));
    memcpy(o, &v, 2);
}

/* Set at load time (loops.c): the CPU runs the x86-64-v3 kernel clones. */
extern int ndm_cpu_has_avx2;

static inline void
ndm_store_mask4(ndm_bool *o, int m)
{
    uint32_t v = (uint32_t)((m & 1) | ((m & 2) << 7) | ((m & 4) << 14) |
                            ((m & 8) << 21));
    memcpy(o, &v, 4);
}

#define NDM_SSE_CMP2_KERNEL(NAME, FALLBACK, N, t, CMP)                     \
static void                                                                 \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    const Py_ssize_t L = NDM_SSEL_##N;                                      \
    if (ndm_cpu_has_avx2) {   /* the generic kernel's AVX2 clone is wider */ \
        FALLBACK(args, n, steps, ctx);                                      \
        return;                                                             \
    }                                                                       \
    if (n >= L && steps[2] == 1 && steps[0] == (Py_ssize_t)sizeof(t) &&     \
            (steps[1] == (Py_ssize_t)sizeof(t) || steps[1] == 0)) {         \
        const t *a = (const t *)args[0], *b = (const t *)args[1];           \
        ndm_bool *o = (ndm_bool *)args[2];                                  \
        const int bs = steps[1] != 0;                                       \
        const NDM_SSEV_##N b0 = NDM_CAT(_mm_set1_, NDM_SSES_##N)(*b);       \
        Py_ssize_t i = 0;                                                   \
        for (; i + L <= n; i += L) {                                        \
            NDM_SSEV_##N va = NDM_CAT(_mm_loadu_, NDM_SSES_##N)(a + i);     \
            NDM_SSEV_##N vb = bs ? NDM_CAT(_mm_loadu_, NDM_SSES_##N)(b + i) : b0; \
            NDM_CAT(ndm_store_mask, NDM_SSEL_##N)(o + i,                     \
                NDM_CAT(_mm_movemask_, NDM_SSES_##N)(                       \
                    NDM_CAT(_mm_##CMP##_, NDM_SSES_##N)(va, vb)));          \
        }                                                                   \
        if (i < n) {                                                        \
            char *rest[3] = {(char *)(a + i), (char *)(bs ? b + i : b),     \
                             (char *)(o + i)};                              \
            FALLBACK(rest, n - i, steps, ctx);                              \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    FALLBACK(args, n, steps, ctx);                                          \
}

/* PRED(v) gives an all-ones lane where the predicate holds. */
#define NDM_SSE_PRED_KERNEL(NAME, FALLBACK, N, t, PRED)                     \
static void                                                                 \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    const Py_ssize_t L = NDM_SSEL_##N;                                      \
    if (n >= L && steps[1] == 1 && steps[0] == (Py_ssize_t)sizeof(t)) {     \
        const t *a = (const t *)args[0];                                    \
        ndm_bool *o = (ndm_bool *)args[1];                                  \
        Py_ssize_t i = 0;                                                   \
        for (; i + L <= n; i += L) {                                        \
            NDM_CAT(ndm_store_mask, NDM_SSEL_##N)(o + i,                     \
                NDM_CAT(_mm_movemask_, NDM_SSES_##N)(                       \
                    PRED(NDM_CAT(_mm_loadu_, NDM_SSES_##N)(a + i))));       \
        }                                                                   \
        if (i < n) {                                                        \
            char *rest[2] = {(char *)(a + i), (char *)(o + i)};             \
            FALLBACK(rest, n - i, steps, ctx);                              \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    FALLBACK(args, n, steps, ctx);                                          \
}
#else
#define NDM_SSE_CMP2_KERNEL(NAME, FALLBACK, N, t, CMP)                     \
static void                                                                 \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    FALLBACK(args, n, steps, ctx);                                          \
}
#define NDM_SSE_PRED_KERNEL(NAME, FALLBACK, N, t, PRED)                     \
    NDM_SSE_CMP2_KERNEL(NAME, FALLBACK, N, t, PRED)
#endif

static inline float
ndm_h2f(ndm_half h)
{
    return ndm_half_to_float(h);
}

static inline ndm_half
ndm_f2h(float f)
{
    return ndm_float_to_half(f);
}

static inline int
ndm_half_isnan(ndm_half h)
{
    return (h & 0x7fffu) > 0x7c00u;
}

/* The ufuncs whose loops live in loops_math.c, with their loop counts
 * (checked by the compiler against the definitions). */
#define NDM_LMATH_UFUNCS(X) \
    X(power, 16) X(float_power, 2) X(sqrt, 7) X(cbrt, 6) \
    X(exp, 7) X(exp2, 8) X(expm1, 8) X(log, 7) X(log2, 8) X(log10, 8) \
    X(log1p, 8) X(logaddexp, 3) X(logaddexp2, 3) \
    X(sin, 5) X(cos, 5) X(tan, 8) X(arcsin, 8) X(arccos, 8) X(arctan, 8) \
    X(arctan2, 3) X(sinh, 8) X(cosh, 8) X(tanh, 8) X(arcsinh, 8) \
    X(arccosh, 8) X(arctanh, 8) X(deg2rad, 3) X(rad2deg, 3) \
    X(degrees, 3) X(radians, 3) X(hypot, 3) X(floor, 14) X(ceil, 14) \
    X(trunc, 14) X(rint, 7) X(copysign, 3) X(nextafter, 3) X(spacing, 3) \
    X(modf, 3) X(frexp, 3) X(ldexp, 6) X(isnan, 14) X(isinf, 14) \
    X(isfinite, 14) X(signbit, 3) X(heaviside, 3) X(fabs, 3)

#define NDM_LMATH_DECL(name, count) \
    extern const NdmLoopDef ndm_lmath_##name[count];
NDM_LMATH_UFUNCS(NDM_LMATH_DECL)
#undef NDM_LMATH_DECL

/* Vectorized exp, log, sin, cos (loops_simd.c): each returns 1 when it
 * computed the loop (operands the same or disjoint, a CPU with AVX2 and
 * FMA), 0 to leave it to the libm kernel. */
#define NDM_SIMD_DECL(FN)                                                   \
    int ndm_simd_##FN##_float32(char **args, Py_ssize_t n,                  \
                                const Py_ssize_t *steps);                   \
    int ndm_simd_##FN##_float64(char **args, Py_ssize_t n,                  \
                                const Py_ssize_t *steps);
NDM_SIMD_DECL(exp)
NDM_SIMD_DECL(log)
NDM_SIMD_DECL(sin)
NDM_SIMD_DECL(cos)
#undef NDM_SIMD_DECL

#endif
