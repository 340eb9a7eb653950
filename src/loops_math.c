/* Transcendental, rounding and floating-point inspection kernels (power,
 * exp/log, trigonometry, floor/ceil, isnan, spacing ...) and their loop
 * lists (ndm_lmath_<ufunc>, referenced by the table in loops.c).
 * float16 computes in float32 and rounds back, as NumPy's HALF loops;
 * complex functions are C99's, which NumPy's npy_c* wrap. */
#include "loops_internal.h"

#include <float.h>

/* ------------------------------------------------------------------ */
/* Real unary functions: X(ufunc-op, libm base name)                   */

#define NDM_MATH1_LIST(X, N, nm, t)                                         \
    X(sqrt, sqrt, N, nm, t) X(cbrt, cbrt, N, nm, t) X(exp, exp, N, nm, t)   \
    X(exp2, exp2, N, nm, t) X(expm1, expm1, N, nm, t) X(log, log, N, nm, t) \
    X(log2, log2, N, nm, t) X(log10, log10, N, nm, t)                       \
    X(log1p, log1p, N, nm, t) X(sin, sin, N, nm, t) X(cos, cos, N, nm, t)   \
    X(tan, tan, N, nm, t) X(arcsin, asin, N, nm, t)                         \
    X(arccos, acos, N, nm, t) X(arctan, atan, N, nm, t)                     \
    X(sinh, sinh, N, nm, t) X(cosh, cosh, N, nm, t) X(tanh, tanh, N, nm, t) \
    X(arcsinh, asinh, N, nm, t) X(arccosh, acosh, N, nm, t)                 \
    X(arctanh, atanh, N, nm, t) X(floor, floor, N, nm, t)                   \
    X(ceil, ceil, N, nm, t) X(trunc, trunc, N, nm, t) X(rint, rint, N, nm, t) \
    X(fabs, fabs, N, nm, t) X(deg2rad, deg2rad, N, nm, t)                   \
    X(rad2deg, rad2deg, N, nm, t) X(spacing, spacing, N, nm, t)

#define NDM_MATH2_LIST(X, N, nm, t)                                         \
    X(power, zpow, N, nm, t) X(arctan2, atan2, N, nm, t)                    \
    X(hypot, hypot, N, nm, t) X(copysign, copysign, N, nm, t)               \
    X(nextafter, nextafter, N, nm, t) X(logaddexp, logaddexp, N, nm, t)     \
    X(logaddexp2, logaddexp2, N, nm, t) X(heaviside, heaviside, N, nm, t)

/* npy_math's functions that C lacks, for float (f) and double. */
#define NDM_EACH(N, nm, t)                                                  \
/* pow, with the divide-by-zero flag NumPy's power loops raise for         \
 * 0 ** -inf (glibc's pow returns inf silently there) */                    \
static inline t NDM_LIBM(zpow, N)(t a, t b)                                 \
{                                                                           \
    if (a == 0 && b == -(t)INFINITY) {   /* quiet compares: no invalid */ \
        feraiseexcept(FE_DIVBYZERO);                                        \
    }                                                                       \
    return NDM_LIBM(pow, N)(a, b);                                          \
}                                                                           \
static inline t NDM_LIBM(deg2rad, N)(t x)                                   \
{ return x * ((t)3.141592653589793238462643383279502884 / (t)180); }       \
static inline t NDM_LIBM(rad2deg, N)(t x)                                   \
{ return x * ((t)180 / (t)3.141592653589793238462643383279502884); }       \
/* npy_spacing: the gap to the next value away from zero */                 \
static inline t NDM_LIBM(spacing, N)(t x)                                   \
{                                                                           \
    if (isinf(x)) {                                                         \
        return (t)NAN;                                                      \
    }                                                                       \
    if (x == 0) {   /* the smallest subnormal, without libm's underflow */ \
        return sizeof(t) == sizeof(float) ? (t)FLT_TRUE_MIN : (t)DBL_TRUE_MIN; \
    }                                                                       \
    return NDM_LIBM(nextafter, N)(x, NDM_LIBM(copysign, N)((t)INFINITY, x)) - x; \
}                                                                           \
static inline t NDM_LIBM(logaddexp, N)(t x, t y)                            \
{                                                                           \
    if (x == y) {                                                           \
        return x + (t)0.693147180559945309417232121458176568;               \
    }                                                                       \
    t d = x - y;                                                            \
    if (d > 0) {                                                            \
        return x + NDM_LIBM(log1p, N)(NDM_LIBM(exp, N)(-d));                \
    }                                                                       \
    if (d <= 0) {                                                           \
        return y + NDM_LIBM(log1p, N)(NDM_LIBM(exp, N)(d));                 \
    }                                                                       \
    return d;                                                               \
}                                                                           \
static inline t NDM_LIBM(logaddexp2, N)(t x, t y)                           \
{                                                                           \
    const t log2e = (t)1.442695040888963407359924681001892137;              \
    if (x == y) {                                                           \
        return x + 1;                                                       \
    }                                                                       \
    t d = x - y;                                                            \
    if (d > 0) {                                                            \
        return x + log2e * NDM_LIBM(log1p, N)(NDM_LIBM(exp2, N)(-d));       \
    }                                                                       \
    if (d <= 0) {                                                           \
        return y + log2e * NDM_LIBM(log1p, N)(NDM_LIBM(exp2, N)(d));        \
    }                                                                       \
    return d;                                                               \
}                                                                           \
static inline t NDM_LIBM(heaviside, N)(t x, t h0)                           \
{                                                                           \
    if (isnan(x)) {                                                         \
        return (t)NAN;                                                      \
    }                                                                       \
    return x == 0 ? h0 : (NDM_QLT(x, 0) ? (t)0 : (t)1);                      \
}
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH

/* Scalar ops op_<nm> for float32/float64. */
#define NDM_DEF1(op, fn, N, nm, t)                                          \
static inline t op##_##nm(t a) { return NDM_LIBM(fn, N)(a); }
#define NDM_DEF2(op, fn, N, nm, t)                                          \
static inline t op##_##nm(t a, t b) { return NDM_LIBM(fn, N)(a, b); }
#define NDM_EACH(N, nm, t)                                                  \
    NDM_MATH1_LIST(NDM_DEF1, N, nm, t) NDM_MATH2_LIST(NDM_DEF2, N, nm, t)
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH
#undef NDM_DEF1
#undef NDM_DEF2

/* float16 through float32, except where NumPy works on the bits. */
#define NDM_DEF1(op, fn, N, nm, t)                                          \
static inline ndm_half op##_float16(ndm_half a)                             \
{ return ndm_f2h(op##_float32(ndm_h2f(a))); }
#define NDM_DEF2(op, fn, N, nm, t)                                          \
static inline ndm_half op##_float16(ndm_half a, ndm_half b)                 \
{ return ndm_f2h(op##_float32(ndm_h2f(a), ndm_h2f(b))); }
#define spacing_float16 spacing_float16_via
#define power_float16 power_float16_via
#define nextafter_float16 nextafter_float16_via
#define copysign_float16 copysign_float16_via
#define fabs_float16 fabs_float16_via
NDM_MATH1_LIST(NDM_DEF1, FLOAT16, float16, ndm_half)
NDM_MATH2_LIST(NDM_DEF2, FLOAT16, float16, ndm_half)
#undef spacing_float16
#undef power_float16
#undef nextafter_float16
#undef copysign_float16
#undef fabs_float16
#undef NDM_DEF1
#undef NDM_DEF2

/* NumPy's HALF_power calls powf itself: glibc's silent 0 ** -inf, no
 * divide-by-zero flag as its float32/float64 loops raise. */
static inline ndm_half power_float16(ndm_half a, ndm_half b)
{ return ndm_f2h(powf(ndm_h2f(a), ndm_h2f(b))); }
static inline ndm_half fabs_float16(ndm_half a) { return (ndm_half)(a & 0x7fffu); }
static inline ndm_half copysign_float16(ndm_half a, ndm_half b)
{ return (ndm_half)((a & 0x7fffu) | (b & 0x8000u)); }

/* npy_half_spacing: works on the bits; the result is never negative. */
static inline ndm_half
spacing_float16(ndm_half h)
{
    unsigned e = h & 0x7c00u, sig = h & 0x03ffu;
    if (e == 0x7c00u) {
        feraiseexcept(FE_INVALID);
        return 0x7e00u;
    }
    if (h == 0x7bffu) {
        feraiseexcept(FE_OVERFLOW);
        return 0x7c00u;
    }
    if ((h & 0x8000u) && sig == 0) {
        if (e > 0x2c00u) {
            return (ndm_half)(e - 0x2c00u);
        }
        if (e > 0x0400u) {
            return (ndm_half)(1u << ((e >> 10) - 2));
        }
        return 1;
    }
    if (e > 0x2800u) {
        return (ndm_half)(e - 0x2800u);
    }
    if (e > 0x0400u) {
        return (ndm_half)(1u << ((e >> 10) - 1));
    }
    return 1;
}

/* npy_half_nextafter */
static inline ndm_half
nextafter_float16(ndm_half x, ndm_half y)
{
    ndm_half r;
    if (ndm_half_isnan(x) || ndm_half_isnan(y)) {
        r = 0x7e00u;
    }
    else if (x == y || ((x | y) & 0x7fffu) == 0) {
        r = x;
    }
    else if ((x & 0x7fffu) == 0) {
        r = (ndm_half)((y & 0x8000u) + 1);
    }
    else if (!(x & 0x8000u)) {
        r = (int16_t)x > (int16_t)y ? (ndm_half)(x - 1) : (ndm_half)(x + 1);
    }
    else if (!(y & 0x8000u) || (x & 0x7fffu) > (y & 0x7fffu)) {
        r = (ndm_half)(x - 1);
    }
    else {
        r = (ndm_half)(x + 1);
    }
    if ((r & 0x7fffu) == 0x7c00u && (x & 0x7c00u) != 0x7c00u) {
        feraiseexcept(FE_OVERFLOW);
    }
    return r;
}

/* Kernels for float16/32/64. */
#define NDM_K1(op, fn, N, nm, t) NDM_UNARY_KERNEL(k_##op##_##nm, t, t, op##_##nm)
#define NDM_K2(op, fn, N, nm, t) NDM_BINARY_KERNEL(k_##op##_##nm, t, t, t, op##_##nm)
#define NDM_EACH(N, nm, t)                                                  \
    NDM_MATH1_LIST(NDM_K1, N, nm, t) NDM_MATH2_LIST(NDM_K2, N, nm, t)
NDM_FOR_EACH_NUMERIC(NDM_ON_HF)
#undef NDM_EACH
#undef NDM_K1
#undef NDM_K2

/* NumPy's float32/float64 power loops (loops_umath_fp.dispatch.c.src,
 * POWER_FAST_PATH): with the exponent broadcast (stride 0) and one of
 * -1, 0, 0.5, 1, 2 they compute 1/x, 1, sqrt(x), x, x*x instead of pow.
 * Visible in the results and flags: power(-0.0, 0.5) is -0.0 and
 * power(-inf, 0.5) nan, power(5e-324, 1.0) raises no underflow, only
 * there; float_power and float16 always call pow. */
#define NDM_POWER_FAST(nm, t, sqrt_fn)                                      \
static void                                                                 \
kp_power_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx) \
{                                                                           \
    if (steps[1] == 0 && n > 0) {                                           \
        const t e = *(const t *)args[1];                                    \
        const char *ip = args[0];                                           \
        char *op = args[2];                                                 \
        const Py_ssize_t si = steps[0], so = steps[2];                      \
        if (e == -1 || e == 0 || e == (t)0.5 || e == 1 || e == 2) {         \
            for (Py_ssize_t i = 0; i < n; i++, ip += si, op += so) {        \
                const t x = *(const t *)ip;                                 \
                *(t *)op = e == -1 ? 1 / x : e == 0 ? (t)1 : e == 1 ? x     \
                         : e == 2 ? x * x : sqrt_fn(x);                     \
            }                                                               \
            return;                                                         \
        }                                                                   \
    }                                                                       \
    k_power_##nm(args, n, steps, ctx);                                      \
}
NDM_POWER_FAST(float32, float, sqrtf)
NDM_POWER_FAST(float64, double, sqrt)
#undef NDM_POWER_FAST

/* float_power's 'dd->d' loop is plain pow in NumPy (glibc's silent
 * 0 ** -inf, where its power loop raises divide-by-zero). */
static inline double fpow_float64(double a, double b) { return pow(a, b); }
NDM_BINARY_KERNEL(k_fpow_float64, double, double, double, fpow_float64)

/* Contiguous float32/float64 exp, log, sin, cos: the vector routines of
 * loops_simd.c when they take the loop, else the libm kernel above. */
#define NDM_VK(op, nm)                                                      \
static void                                                                 \
kv_##op##_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx) \
{                                                                           \
    if (!ndm_simd_##op##_##nm(args, n, steps)) {                            \
        k_##op##_##nm(args, n, steps, ctx);                                 \
    }                                                                       \
}
#define NDM_VKS(op) NDM_VK(op, float32) NDM_VK(op, float64)
NDM_VKS(exp) NDM_VKS(log) NDM_VKS(sin) NDM_VKS(cos)
#undef NDM_VKS
#undef NDM_VK

/* ------------------------------------------------------------------ */
/* Integer power: wrap-around square-and-multiply; a negative exponent  */
/* is NumPy's ValueError, so the signed loops hold the GIL.            */

#define NDM_IPOW_BODY(N, nm, t)                                             \
    NDM_UT_##N base = (NDM_UT_##N)a, r = (b & 1) ? base : 1;                \
    if (b == 0 || a == 1) {                                                 \
        return 1;                                                           \
    }                                                                       \
    b = (t)(b >> 1);                                                        \
    while (b > 0) {                                                         \
        base = (NDM_UT_##N)((0u + base) * base);                            \
        if (b & 1) {                                                        \
            r = (NDM_UT_##N)((0u + r) * base);                              \
        }                                                                   \
        b = (t)(b >> 1);                                                    \
    }                                                                       \
    return (t)r;

#define NDM_EACH(N, nm, t)                                                  \
static inline t ipow_##nm(t a, t b) { NDM_IPOW_BODY(N, nm, t) }             \
static void                                                                 \
k_power_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx) \
{                                                                           \
    (void)ctx;                                                              \
    char *i1 = args[0], *i2 = args[1], *op = args[2];                       \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        t b = *(const t *)(i2 + i * steps[1]);                              \
        if (b < 0) {                                                        \
            PyErr_SetString(PyExc_ValueError, "Integers to negative "      \
                            "integer powers are not allowed.");             \
            return;                                                         \
        }                                                                   \
        *(t *)(op + i * steps[2]) = ipow_##nm(*(const t *)(i1 + i * steps[0]), b); \
    }                                                                       \
}
NDM_FOR_EACH_NUMERIC(NDM_ON_SINT)
#undef NDM_EACH
#define NDM_EACH(N, nm, t)                                                  \
static inline t ipow_##nm(t a, t b) { NDM_IPOW_BODY(N, nm, t) }             \
NDM_BINARY_KERNEL(k_power_##nm, t, t, t, ipow_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_UINT)
#undef NDM_EACH

/* ------------------------------------------------------------------ */
/* Complex functions                                                   */

#define NDM_CMATH1_LIST(X, N, nm, t)                                        \
    X(sqrt, csqrt, N, nm, t) X(exp, cexp, N, nm, t) X(log, clog, N, nm, t)  \
    X(sin, csin, N, nm, t) X(cos, ccos, N, nm, t) X(tan, ctan, N, nm, t)    \
    X(arcsin, casin, N, nm, t) X(arccos, cacos, N, nm, t)                   \
    X(arctan, catan, N, nm, t) X(sinh, csinh, N, nm, t)                     \
    X(cosh, ccosh, N, nm, t) X(tanh, ctanh, N, nm, t)                       \
    X(arcsinh, casinh, N, nm, t) X(arccosh, cacosh, N, nm, t)               \
    X(arctanh, catanh, N, nm, t) X(exp2, nc_exp2, N, nm, t)                   \
    X(expm1, nc_expm1, N, nm, t) X(log2, nc_log2, N, nm, t)                     \
    X(log10, nc_log10, N, nm, t) X(log1p, nc_log1p, N, nm, t)                   \
    X(rint, nc_rint, N, nm, t)

/* funcs.inc.src's nc_* helpers that C lacks, and npy_cpow. */
#define NDM_EACH(N, nm, t)                                                  \
typedef NDM_RT_##N rt_##nm;                                                 \
static inline t NDM_LIBM(nc_exp2, N)(t x)                                     \
{                                                                           \
    const rt_##nm ln2 = (rt_##nm)0.693147180559945309417232121458176568;    \
    return NDM_LIBM(cexp, N)(NDM_MKC_##N(creal(x) * ln2, cimag(x) * ln2));  \
}                                                                           \
static inline t NDM_LIBM(nc_expm1, N)(t x)                                    \
{                                                                           \
    rt_##nm r = creal(x), i = cimag(x);                                     \
    rt_##nm a = NDM_LIBM(sin, N)(i / 2);                                    \
    return NDM_MKC_##N(NDM_LIBM(expm1, N)(r) * NDM_LIBM(cos, N)(i) - 2 * a * a, \
                       NDM_LIBM(exp, N)(r) * NDM_LIBM(sin, N)(i));          \
}                                                                           \
static inline t NDM_LIBM(nc_log2, N)(t x)                                     \
{                                                                           \
    const rt_##nm k = (rt_##nm)1.442695040888963407359924681001892137;      \
    t l = NDM_LIBM(clog, N)(x);                                             \
    return NDM_MKC_##N(creal(l) * k, cimag(l) * k);                         \
}                                                                           \
static inline t NDM_LIBM(nc_log10, N)(t x)                                    \
{                                                                           \
    const rt_##nm k = (rt_##nm)0.434294481903251827651128918916605082;      \
    t l = NDM_LIBM(clog, N)(x);                                             \
    return NDM_MKC_##N(creal(l) * k, cimag(l) * k);                         \
}                                                                           \
static inline t NDM_LIBM(nc_log1p, N)(t x)                                    \
{                                                                           \
    rt_##nm r = creal(x) + 1, i = cimag(x);                                 \
    return NDM_MKC_##N(NDM_LIBM(log, N)(NDM_LIBM(hypot, N)(r, i)),          \
                       NDM_LIBM(atan2, N)(i, r));                           \
}                                                                           \
static inline t NDM_LIBM(nc_rint, N)(t x)                                     \
{ return NDM_MKC_##N(NDM_LIBM(rint, N)(creal(x)), NDM_LIBM(rint, N)(cimag(x))); } \
static inline t cmul_##nm(t a, t b)                                         \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);     \
    return NDM_MKC_##N(ar * br - ai * bi, ar * bi + ai * br);               \
}                                                                           \
static inline t crecip_##nm(t b)                                            \
{                                                                           \
    rt_##nm br = creal(b), bi = cimag(b);                                   \
    rt_##nm abr = NDM_LIBM(fabs, N)(br), abi = NDM_LIBM(fabs, N)(bi);       \
    if (abr >= abi) {                                                       \
        if (abr == 0 && abi == 0) {                                         \
            return NDM_MKC_##N(1 / abr, 0 / abr);                           \
        }                                                                   \
        rt_##nm rat = bi / br, scl = (rt_##nm)1.0 / (br + bi * rat);        \
        return NDM_MKC_##N((1 + 0 * rat) * scl, (0 - 1 * rat) * scl);       \
    }                                                                       \
    rt_##nm rat = br / bi, scl = (rt_##nm)1.0 / (bi + br * rat);            \
    return NDM_MKC_##N((1 * rat + 0) * scl, (0 * rat - 1) * scl);           \
}                                                                           \
static inline t power_##nm(t a, t b)                                        \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);     \
    if (br == 0 && bi == 0) {                                               \
        return NDM_MKC_##N(1, 0);                                           \
    }                                                                       \
    if (ar == 0 && ai == 0) {                                               \
        if (br > 0) {                                                       \
            return NDM_MKC_##N(0, 0);                                       \
        }                                                                   \
        feraiseexcept(FE_INVALID);                                          \
        return NDM_MKC_##N(NAN, NAN);                                       \
    }                                                                       \
    if (bi == 0 && br > -100 && br < 100 && (rt_##nm)(int)br == br) {       \
        int k = (int)br;                                                    \
        if (k == 1) {                                                       \
            return a;                                                       \
        }                                                                   \
        if (k == 2) {                                                       \
            return cmul_##nm(a, a);                                         \
        }                                                                   \
        if (k == 3) {                                                       \
            return cmul_##nm(a, cmul_##nm(a, a));                           \
        }                                                                   \
        t acc = NDM_MKC_##N(1, 0), p = a;                                   \
        int mask = 1;                                                       \
        if (k < 0) {                                                        \
            k = -k;                                                         \
        }                                                                   \
        for (;;) {                                                          \
            if (k & mask) {                                                 \
                acc = cmul_##nm(acc, p);                                    \
            }                                                               \
            mask <<= 1;                                                     \
            if (k < mask || mask <= 0) {                                    \
                break;                                                      \
            }                                                               \
            p = cmul_##nm(p, p);                                            \
        }                                                                   \
        return br < 0 ? crecip_##nm(acc) : acc;                             \
    }                                                                       \
    return NDM_LIBM(cpow, N)(a, b);                                         \
}
NDM_FOR_EACH_NUMERIC(NDM_ON_C)
#undef NDM_EACH

#define NDM_DEF1(op, fn, N, nm, t)                                          \
static inline t op##_##nm(t a) { return NDM_LIBM(fn, N)(a); }               \
NDM_UNARY_KERNEL(k_##op##_##nm, t, t, op##_##nm)
#define NDM_EACH(N, nm, t)                                                  \
    NDM_CMATH1_LIST(NDM_DEF1, N, nm, t)                                     \
    NDM_BINARY_KERNEL(k_power_##nm, t, t, t, power_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_C)
#undef NDM_EACH
#undef NDM_DEF1

/* ------------------------------------------------------------------ */
/* Inspection: isnan/isinf/isfinite/signbit, modf/frexp/ldexp          */

static inline uint32_t
bits_float32(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    return b;
}

static inline uint64_t
bits_float64(double x)
{
    uint64_t b;
    memcpy(&b, &x, 8);
    return b;
}

#define NDM_BITS_FLOAT32 bits_float32
#define NDM_BITS_FLOAT64 bits_float64
#define NDM_ABS_FLOAT32 0x7fffffffu
#define NDM_ABS_FLOAT64 0x7fffffffffffffffull
#define NDM_EXP_FLOAT32 0x7f800000u
#define NDM_EXP_FLOAT64 0x7ff0000000000000ull

#define NDM_EACH(N, nm, t)                                                  \
static inline ndm_bool isnan_##nm(t a) { (void)a; return 0; }               \
static inline ndm_bool isinf_##nm(t a) { (void)a; return 0; }               \
static inline ndm_bool isfinite_##nm(t a) { (void)a; return 1; }            \
static inline t ident_##nm(t a) { return a; }                               \
NDM_UNARY_KERNEL(k_ident_##nm, t, t, ident_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_BINT)
#undef NDM_EACH
#define NDM_EACH(N, nm, t)                                                  \
/* On the bits: quiet for NaN and vectorizable. */                          \
static inline ndm_bool isnan_##nm(t a)                                      \
{ return (NDM_BITS_##N(a) & NDM_ABS_##N) > NDM_EXP_##N; }                   \
static inline ndm_bool isinf_##nm(t a)                                      \
{ return (NDM_BITS_##N(a) & NDM_ABS_##N) == NDM_EXP_##N; }                  \
static inline ndm_bool isfinite_##nm(t a)                                   \
{ return (NDM_BITS_##N(a) & NDM_EXP_##N) != NDM_EXP_##N; }                  \
static inline ndm_bool signbit_##nm(t a) { return signbit(a) != 0; }       \
static inline t modf_##nm(t a, t *ip) { return NDM_LIBM(modf, N)(a, ip); }  \
static inline t frexp_##nm(t a, int32_t *e)                                 \
{                                                                           \
    int ex = 0;                                                             \
    t m = NDM_LIBM(frexp, N)(a, &ex);                                       \
    *e = ex;                                                                \
    return m;                                                               \
}                                                                           \
static inline t ldexpi_##nm(t a, int32_t e) { return NDM_LIBM(ldexp, N)(a, e); } \
static inline t ldexpl_##nm(t a, int64_t e)                                 \
{                                                                           \
    if ((int)e != e) {                                                      \
        e = e > 0 ? INT_MAX : INT_MIN;                                      \
    }                                                                       \
    return NDM_LIBM(ldexp, N)(a, (int)e);                                   \
}
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH

static inline ndm_bool isnan_float16(ndm_half a) { return ndm_half_isnan(a); }
static inline ndm_bool isinf_float16(ndm_half a) { return (a & 0x7fffu) == 0x7c00u; }
static inline ndm_bool isfinite_float16(ndm_half a) { return (a & 0x7c00u) != 0x7c00u; }
static inline ndm_bool signbit_float16(ndm_half a) { return (a & 0x8000u) != 0; }
static inline ndm_half modf_float16(ndm_half a, ndm_half *ip)
{
    float fi, fr = modff(ndm_h2f(a), &fi);
    *ip = ndm_f2h(fi);
    return ndm_f2h(fr);
}
static inline ndm_half frexp_float16(ndm_half a, int32_t *e)
{ return ndm_f2h(frexp_float32(ndm_h2f(a), e)); }
static inline ndm_half ldexpi_float16(ndm_half a, int32_t e)
{ return ndm_f2h(ldexpi_float32(ndm_h2f(a), e)); }
static inline ndm_half ldexpl_float16(ndm_half a, int64_t e)
{ return ndm_f2h(ldexpl_float32(ndm_h2f(a), e)); }

/* By the exponent bits: the vectorized (AVX2) form of a comparison-based
 * test would raise the invalid flag on NaN, which NumPy's isfinite never does. */
static inline int finite_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
}

#define NDM_EACH(N, nm, t)                                                  \
static inline ndm_bool isnan_##nm(t a) { return isnan(creal(a)) || isnan(cimag(a)); } \
static inline ndm_bool isinf_##nm(t a)                                      \
{ return fabs(creal(a)) == INFINITY || fabs(cimag(a)) == INFINITY; }         \
static inline ndm_bool isfinite_##nm(t a)                                   \
{ return finite_bits(creal(a)) && finite_bits(cimag(a)); }
NDM_FOR_EACH_NUMERIC(NDM_ON_C)
#undef NDM_EACH

#define NDM_EACH(N, nm, t)                                                  \
    NDM_UNARY_KERNEL(k_isnan_##nm, t, ndm_bool, isnan_##nm)                 \
    NDM_UNARY_KERNEL(k_isinf_##nm, t, ndm_bool, isinf_##nm)                 \
    NDM_UNARY_KERNEL(k_isfinite_##nm, t, ndm_bool, isfinite_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_NOTF)
#undef NDM_EACH

#if defined(__SSE2__)
#define NDM_EACH(N, nm, t)                                                  \
static inline NDM_SSEV_##N vabs_##nm(NDM_SSEV_##N v)                        \
{                                                                           \
    return NDM_CAT(_mm_and_, NDM_SSES_##N)(v,                               \
        NDM_CAT(_mm_castsi128_, NDM_SSES_##N)(                              \
            sizeof(t) == 8 ? _mm_set1_epi64x(0x7fffffffffffffffLL)          \
                           : _mm_set1_epi32(0x7fffffff)));                  \
}                                                                           \
static inline NDM_SSEV_##N vinf_##nm(void)                                  \
{ return NDM_CAT(_mm_set1_, NDM_SSES_##N)((t)INFINITY); }                   \
static inline NDM_SSEV_##N visnan_##nm(NDM_SSEV_##N v)                      \
{ return NDM_CAT(_mm_cmpunord_, NDM_SSES_##N)(v, v); }                      \
static inline NDM_SSEV_##N visinf_##nm(NDM_SSEV_##N v)                      \
{ return NDM_CAT(_mm_cmpeq_, NDM_SSES_##N)(vabs_##nm(v), vinf_##nm()); }    \
static inline NDM_SSEV_##N visfinite_##nm(NDM_SSEV_##N v)                   \
{                                                                           \
    return NDM_CAT(_mm_and_, NDM_SSES_##N)(                                 \
        NDM_CAT(_mm_cmpord_, NDM_SSES_##N)(v, v),                           \
        NDM_CAT(_mm_cmpneq_, NDM_SSES_##N)(vabs_##nm(v), vinf_##nm()));     \
}                                                                           \
static inline NDM_SSEV_##N vsignbit_##nm(NDM_SSEV_##N v) { return v; }
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH
#endif

/* float32/64 predicates: generic kernels behind the SSE2 ones. */
#define NDM_EACH(N, nm, t)                                                  \
    NDM_UNARY_KERNEL(kg_isnan_##nm, t, ndm_bool, isnan_##nm)                \
    NDM_UNARY_KERNEL(kg_isinf_##nm, t, ndm_bool, isinf_##nm)                \
    NDM_UNARY_KERNEL(kg_isfinite_##nm, t, ndm_bool, isfinite_##nm)          \
    NDM_UNARY_KERNEL(kg_signbit_##nm, t, ndm_bool, signbit_##nm)            \
    NDM_SSE_PRED_KERNEL(k_isnan_##nm, kg_isnan_##nm, N, t, visnan_##nm)     \
    NDM_SSE_PRED_KERNEL(k_isinf_##nm, kg_isinf_##nm, N, t, visinf_##nm)     \
    NDM_SSE_PRED_KERNEL(k_isfinite_##nm, kg_isfinite_##nm, N, t, visfinite_##nm) \
    NDM_SSE_PRED_KERNEL(k_signbit_##nm, kg_signbit_##nm, N, t, vsignbit_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH
NDM_UNARY_KERNEL(k_signbit_float16, ndm_half, ndm_bool, signbit_float16)
#define NDM_EACH(N, nm, t)                                                  \
    NDM_UNARY2_KERNEL(k_modf_##nm, t, t, t, modf_##nm)                      \
    NDM_UNARY2_KERNEL(k_frexp_##nm, t, t, int32_t, frexp_##nm)              \
    NDM_BINARY_KERNEL(k_ldexpi_##nm, t, int32_t, t, ldexpi_##nm)            \
    NDM_BINARY_KERNEL(k_ldexpl_##nm, t, int64_t, t, ldexpl_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_HF)
#undef NDM_EACH

/* ------------------------------------------------------------------ */
/* Loop lists (NumPy's ufunc.types order, duplicates included)          */

#define NDM_L2(op) NDM_LD2(FLOAT16, FLOAT16, k_##op##_float16)              \
    NDM_LD2(FLOAT32, FLOAT32, k_##op##_float32)                             \
    NDM_LD2(FLOAT64, FLOAT64, k_##op##_float64)
/* The same with the vector kernels kv_ for float32/float64. */
#define NDM_L2V(op) NDM_LD2(FLOAT16, FLOAT16, k_##op##_float16)             \
    NDM_LD2(FLOAT32, FLOAT32, kv_##op##_float32)                            \
    NDM_LD2(FLOAT64, FLOAT64, kv_##op##_float64)
#define NDM_L2FDV(op) NDM_LD2(FLOAT32, FLOAT32, kv_##op##_float32)          \
    NDM_LD2(FLOAT64, FLOAT64, kv_##op##_float64)
#define NDM_L2FD(op) NDM_LD2(FLOAT32, FLOAT32, k_##op##_float32)            \
    NDM_LD2(FLOAT64, FLOAT64, k_##op##_float64)
#define NDM_L2C(op) NDM_LD2(COMPLEX64, COMPLEX64, k_##op##_complex64)       \
    NDM_LD2(COMPLEX128, COMPLEX128, k_##op##_complex128)
#define NDM_L3(op) NDM_LD3(FLOAT16, FLOAT16, FLOAT16, k_##op##_float16)     \
    NDM_LD3(FLOAT32, FLOAT32, FLOAT32, k_##op##_float32)                    \
    NDM_LD3(FLOAT64, FLOAT64, FLOAT64, k_##op##_float64)

/* e f d, f d, F D */
#define NDM_LIST_EFDFDC(op)                                                 \
    const NdmLoopDef ndm_lmath_##op[] = { NDM_L2(op) NDM_L2FD(op) NDM_L2C(op) };
/* e f d, e f d, F D */
#define NDM_LIST_EFDEFDC(op)                                                \
    const NdmLoopDef ndm_lmath_##op[] = { NDM_L2(op) NDM_L2(op) NDM_L2C(op) };
/* e f d, F D */
#define NDM_LIST_EFDC(op)                                                   \
    const NdmLoopDef ndm_lmath_##op[] = { NDM_L2(op) NDM_L2C(op) };
#define NDM_LIST_EFD(op) const NdmLoopDef ndm_lmath_##op[] = { NDM_L2(op) };
#define NDM_LIST_EFD3(op) const NdmLoopDef ndm_lmath_##op[] = { NDM_L3(op) };

NDM_LIST_EFDFDC(sqrt)
const NdmLoopDef ndm_lmath_exp[] = { NDM_L2V(exp) NDM_L2FDV(exp) NDM_L2C(exp) };
const NdmLoopDef ndm_lmath_log[] = { NDM_L2V(log) NDM_L2FDV(log) NDM_L2C(log) };
NDM_LIST_EFDFDC(rint)
const NdmLoopDef ndm_lmath_cbrt[] = { NDM_L2(cbrt) NDM_L2(cbrt) };
NDM_LIST_EFDEFDC(exp2)
NDM_LIST_EFDEFDC(expm1)
NDM_LIST_EFDEFDC(log2)
NDM_LIST_EFDEFDC(log10)
NDM_LIST_EFDEFDC(log1p)
NDM_LIST_EFDEFDC(tan)
NDM_LIST_EFDEFDC(arcsin)
NDM_LIST_EFDEFDC(arccos)
NDM_LIST_EFDEFDC(arctan)
NDM_LIST_EFDEFDC(sinh)
NDM_LIST_EFDEFDC(cosh)
NDM_LIST_EFDEFDC(tanh)
NDM_LIST_EFDEFDC(arcsinh)
NDM_LIST_EFDEFDC(arccosh)
NDM_LIST_EFDEFDC(arctanh)
const NdmLoopDef ndm_lmath_sin[] = { NDM_L2V(sin) NDM_L2C(sin) };
const NdmLoopDef ndm_lmath_cos[] = { NDM_L2V(cos) NDM_L2C(cos) };
NDM_LIST_EFD(deg2rad)
NDM_LIST_EFD(rad2deg)
NDM_LIST_EFD(spacing)
NDM_LIST_EFD(fabs)
const NdmLoopDef ndm_lmath_degrees[] = { NDM_L2(rad2deg) };
const NdmLoopDef ndm_lmath_radians[] = { NDM_L2(deg2rad) };
NDM_LIST_EFD3(logaddexp)
NDM_LIST_EFD3(logaddexp2)
NDM_LIST_EFD3(arctan2)
NDM_LIST_EFD3(hypot)
NDM_LIST_EFD3(copysign)
NDM_LIST_EFD3(nextafter)
NDM_LIST_EFD3(heaviside)

#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_ident_##nm)
#define NDM_LIST_ROUND(op)                                                  \
    const NdmLoopDef ndm_lmath_##op[] = {                                   \
        NDM_FOR_EACH_NUMERIC(NDM_ON_BINT) NDM_L2(op) NDM_L2FD(op)           \
    };
NDM_LIST_ROUND(floor)
NDM_LIST_ROUND(ceil)
NDM_LIST_ROUND(trunc)
#undef NDM_EACH

/* Signed integer power can raise ValueError: those loops hold the GIL. */
#define NDM_PGIL_KS(N, nm, t) {{NDM_##N, NDM_##N, NDM_##N, -1}, k_power_##nm, \
                               NDM_LOOP_NEEDS_GIL},
#define NDM_PGIL_KU(N, nm, t) NDM_LD3(N, N, N, k_power_##nm)
#define NDM_PGIL_KB(N, nm, t)
#define NDM_PGIL_KH(N, nm, t)
#define NDM_PGIL_KF(N, nm, t)
#define NDM_PGIL_KC(N, nm, t)
#define NDM_ON_PGIL(N, nm, t) NDM_CAT(NDM_PGIL_, NDMK_##N)(N, nm, t)
#define NDM_L3P NDM_LD3(FLOAT16, FLOAT16, FLOAT16, k_power_float16)         \
    NDM_LD3(FLOAT32, FLOAT32, FLOAT32, kp_power_float32)                    \
    NDM_LD3(FLOAT64, FLOAT64, FLOAT64, kp_power_float64)
const NdmLoopDef ndm_lmath_power[] = {
    NDM_FOR_EACH_NUMERIC(NDM_ON_PGIL)
    NDM_L3P NDM_L3P
    NDM_LD3(COMPLEX64, COMPLEX64, COMPLEX64, k_power_complex64)
    NDM_LD3(COMPLEX128, COMPLEX128, COMPLEX128, k_power_complex128)
};
#undef NDM_L3P
const NdmLoopDef ndm_lmath_float_power[] = {
    NDM_LD3(FLOAT64, FLOAT64, FLOAT64, k_fpow_float64)
    NDM_LD3(COMPLEX128, COMPLEX128, COMPLEX128, k_power_complex128)
};

const NdmLoopDef ndm_lmath_modf[] = {
    NDM_LD3(FLOAT16, FLOAT16, FLOAT16, k_modf_float16)
    NDM_LD3(FLOAT32, FLOAT32, FLOAT32, k_modf_float32)
    NDM_LD3(FLOAT64, FLOAT64, FLOAT64, k_modf_float64)
};
const NdmLoopDef ndm_lmath_frexp[] = {
    NDM_LD3(FLOAT16, FLOAT16, INT32, k_frexp_float16)
    NDM_LD3(FLOAT32, FLOAT32, INT32, k_frexp_float32)
    NDM_LD3(FLOAT64, FLOAT64, INT32, k_frexp_float64)
};
const NdmLoopDef ndm_lmath_ldexp[] = {
    NDM_LD3(FLOAT16, INT32, FLOAT16, k_ldexpi_float16)
    NDM_LD3(FLOAT32, INT32, FLOAT32, k_ldexpi_float32)
    NDM_LD3(FLOAT16, INT64, FLOAT16, k_ldexpl_float16)
    NDM_LD3(FLOAT32, INT64, FLOAT32, k_ldexpl_float32)
    NDM_LD3(FLOAT64, INT32, FLOAT64, k_ldexpi_float64)
    NDM_LD3(FLOAT64, INT64, FLOAT64, k_ldexpl_float64)
};

#define NDM_EACH(N, nm, t) NDM_LD2(N, BOOL, k_isnan_##nm)
const NdmLoopDef ndm_lmath_isnan[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_ALL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, BOOL, k_isinf_##nm)
const NdmLoopDef ndm_lmath_isinf[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_ALL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, BOOL, k_isfinite_##nm)
const NdmLoopDef ndm_lmath_isfinite[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_ALL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, BOOL, k_signbit_##nm)
const NdmLoopDef ndm_lmath_signbit[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_HF) };
#undef NDM_EACH
