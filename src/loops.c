/* Arithmetic, comparison, logical and bitwise kernels, and the table of
 * every ufunc (ndm_ufunc_defs).  Kernels follow NumPy's loops.c.src and
 * npy_math semantics element for element. */
#include "loops_internal.h"

#define NDM_IMIN(N, t) ((t)((NDM_UT_##N)1 << (sizeof(t) * 8 - 1)))

/* ------------------------------------------------------------------ */
/* Scalar operations                                                   */

/* Integers wrap: compute in the unsigned twin, promoted to at least
 * unsigned int (0u +) so small types never overflow int. */
#define NDM_EACH(N, nm, t)                                                   \
static inline t add_##nm(t a, t b)                                           \
{ return (t)((0u + (NDM_UT_##N)a) + (NDM_UT_##N)b); }                       \
static inline t sub_##nm(t a, t b)                                           \
{ return (t)((0u + (NDM_UT_##N)a) - (NDM_UT_##N)b); }                       \
static inline t mul_##nm(t a, t b)                                           \
{ return (t)((0u + (NDM_UT_##N)a) * (NDM_UT_##N)b); }                       \
static inline t neg_##nm(t a) { return (t)(0u - (NDM_UT_##N)a); }            \
static inline t sq_##nm(t a) { return mul_##nm(a, a); }                       \
static inline t recip_##nm(t a) { return (t)(1.0 / a); }                     \
static inline t and_##nm(t a, t b) { return (t)(a & b); }                    \
static inline t or_##nm(t a, t b) { return (t)(a | b); }                     \
static inline t xor_##nm(t a, t b) { return (t)(a ^ b); }                    \
static inline t inv_##nm(t a) { return (t)~a; }                              \
static inline t lshift_##nm(t a, t b)                                        \
{                                                                           \
    return (size_t)b < sizeof(t) * 8                                        \
        ? (t)((0u + (NDM_UT_##N)a) << b) : (t)0;                            \
}                                                                           \
static inline t max_##nm(t a, t b) { return a > b ? a : b; }                 \
static inline t min_##nm(t a, t b) { return a < b ? a : b; }                 \
static inline t clip_##nm(t x, t lo, t hi)                                   \
{ return min_##nm(max_##nm(x, lo), hi); }                                     \
static inline ndm_bool nz_##nm(t a) { return a != 0; }                       \
static inline t ident_##nm(t a) { return a; }                                \
static inline NDM_UT_##N gcdu_##nm(NDM_UT_##N a, NDM_UT_##N b)               \
{                                                                           \
    while (a != 0) {                                                        \
        NDM_UT_##N c = a;                                                   \
        a = (NDM_UT_##N)(b % a);                                            \
        b = c;                                                              \
    }                                                                       \
    return b;                                                               \
}
NDM_FOR_EACH_NUMERIC(NDM_ON_INT)
#undef NDM_EACH

#define NDM_EACH(N, nm, t)                                                   \
static inline NDM_UT_##N uabs_##nm(t a)                                      \
{ return a < 0 ? (NDM_UT_##N)(0u - (NDM_UT_##N)a) : (NDM_UT_##N)a; }        \
static inline t abs_##nm(t a) { return (t)uabs_##nm(a); }                     \
static inline t sign_##nm(t a) { return (t)(a > 0 ? 1 : (a < 0 ? -1 : 0)); } \
static inline t rshift_##nm(t a, t b)                                        \
{                                                                           \
    if ((size_t)b < sizeof(t) * 8) {                                        \
        return (t)(a >> b);                                                 \
    }                                                                       \
    return a < 0 ? (t)-1 : (t)0;                                            \
}                                                                           \
static inline t fdiv_##nm(t a, t b)                                          \
{                                                                           \
    if (b == 0) {                                                           \
        feraiseexcept(FE_DIVBYZERO);                                        \
        return 0;                                                           \
    }                                                                       \
    if (b == -1 && a == NDM_IMIN(N, t)) {                                   \
        feraiseexcept(FE_OVERFLOW);                                         \
        return a;                                                           \
    }                                                                       \
    t r = (t)(a / b);                                                       \
    if (((a > 0) != (b > 0)) && (t)(r * b) != a) {                          \
        r--;                                                                \
    }                                                                       \
    return r;                                                               \
}                                                                           \
static inline t rem_##nm(t a, t b)                                           \
{                                                                           \
    if (b == 0) {                                                           \
        feraiseexcept(FE_DIVBYZERO);                                        \
        return 0;                                                           \
    }                                                                       \
    if (b == -1) {                                                          \
        return 0;       /* MIN % -1 traps in C */                           \
    }                                                                       \
    t r = (t)(a % b);                                                       \
    return ((a > 0) == (b > 0) || r == 0) ? r : (t)(r + b);                 \
}                                                                           \
static inline t fmod_##nm(t a, t b)                                          \
{                                                                           \
    if (b == 0) {                                                           \
        feraiseexcept(FE_DIVBYZERO);                                        \
        return 0;                                                           \
    }                                                                       \
    return b == -1 ? (t)0 : (t)(a % b);                                     \
}                                                                           \
static inline t divmod_##nm(t a, t b, t *mod)                                \
{                                                                           \
    if (b == 0) {                                                           \
        feraiseexcept(FE_DIVBYZERO);                                        \
        *mod = 0;                                                           \
        return 0;                                                           \
    }                                                                       \
    *mod = rem_##nm(a, b);                                                   \
    return fdiv_##nm(a, b);                                                  \
}                                                                           \
static inline t gcd_##nm(t a, t b) { return (t)gcdu_##nm(uabs_##nm(a), uabs_##nm(b)); } \
static inline t lcm_##nm(t a, t b)                                           \
{                                                                           \
    NDM_UT_##N ua = uabs_##nm(a), ub = uabs_##nm(b), g = gcdu_##nm(ua, ub);    \
    return g == 0 ? (t)0 : (t)((0u + (NDM_UT_##N)(ua / g)) * ub);           \
}                                                                           \
static inline uint8_t popcnt_##nm(t a)                                       \
{ return (uint8_t)__builtin_popcountll(uabs_##nm(a)); }                      \
/* Divisors without 0 and -1 (checked first, see NDM_DIV_KERNEL): up to   \
 * 32 bits the truncated quotient of doubles is exact (the rounding error  \
 * stays below the 1/|b| gap to the next integer) and vectorizes. */       \
static inline ndm_bool divbad_##nm(t b) { return (b == 0) | (b == -1); }    \
static inline t fdivq_##nm(t a, t b)                                        \
{                                                                           \
    t q = sizeof(t) < 8 ? (t)(int32_t)((double)a / (double)b) : (t)(a / b); \
    return (t)(q - (((a ^ b) < 0) & ((t)(q * b) != a)));                    \
}                                                                           \
static inline t remq_##nm(t a, t b)                                         \
{                                                                           \
    return (t)((0u + (NDM_UT_##N)a) -                                       \
               (0u + (NDM_UT_##N)fdivq_##nm(a, b)) * (NDM_UT_##N)b);        \
}                                                                           \
/* One divisor b with inv = 1 / b: trunc((a +- 0.5) * inv) is trunc(a / b) \
 * exactly below 2**51 (a margin of 0.5 / |b| on both sides). */            \
static inline t fdivqs_##nm(t a, t b, double inv)                           \
{                                                                           \
    t q = sizeof(t) < 8                                                     \
        ? (t)(int32_t)(((double)a + copysign(0.5, (double)a)) * inv)        \
        : (t)(a / b);                                                       \
    return (t)(q - (((a ^ b) < 0) & ((t)(q * b) != a)));                    \
}                                                                           \
static inline t remqs_##nm(t a, t b, double inv)                            \
{                                                                           \
    return (t)((0u + (NDM_UT_##N)a) -                                       \
               (0u + (NDM_UT_##N)fdivqs_##nm(a, b, inv)) * (NDM_UT_##N)b);  \
}
NDM_FOR_EACH_NUMERIC(NDM_ON_SINT)
#undef NDM_EACH

#define NDM_EACH(N, nm, t)                                                   \
static inline t abs_##nm(t a) { return a; }                                  \
static inline t sign_##nm(t a) { return (t)(a > 0); }                        \
static inline t rshift_##nm(t a, t b)                                        \
{ return (size_t)b < sizeof(t) * 8 ? (t)(a >> b) : (t)0; }                  \
static inline t fdiv_##nm(t a, t b)                                          \
{                                                                           \
    if (b == 0) {                                                           \
        feraiseexcept(FE_DIVBYZERO);                                        \
        return 0;                                                           \
    }                                                                       \
    return (t)(a / b);                                                      \
}                                                                           \
static inline t rem_##nm(t a, t b)                                           \
{                                                                           \
    if (b == 0) {                                                           \
        feraiseexcept(FE_DIVBYZERO);                                        \
        return 0;                                                           \
    }                                                                       \
    return (t)(a % b);                                                      \
}                                                                           \
static inline t fmod_##nm(t a, t b) { return rem_##nm(a, b); }                \
static inline t divmod_##nm(t a, t b, t *mod)                                \
{                                                                           \
    if (b == 0) {                                                           \
        feraiseexcept(FE_DIVBYZERO);                                        \
        *mod = 0;                                                           \
        return 0;                                                           \
    }                                                                       \
    *mod = (t)(a % b);                                                      \
    return (t)(a / b);                                                      \
}                                                                           \
static inline t gcd_##nm(t a, t b) { return gcdu_##nm(a, b); }                \
static inline t lcm_##nm(t a, t b)                                           \
{                                                                           \
    t g = gcdu_##nm(a, b);                                                   \
    return g == 0 ? (t)0 : (t)((0u + (NDM_UT_##N)(a / g)) * b);             \
}                                                                           \
static inline uint8_t popcnt_##nm(t a)                                       \
{ return (uint8_t)__builtin_popcountll(a); }                                 \
static inline ndm_bool divbad_##nm(t b) { return b == 0; }                  \
static inline t fdivq_##nm(t a, t b)                                        \
{                                                                           \
    if (sizeof(t) <= 2) {                                                   \
        return (t)(int32_t)((double)a / (double)b);                         \
    }                                                                       \
    return sizeof(t) == 4 ? (t)(int64_t)((double)a / (double)b) : (t)(a / b); \
}                                                                           \
static inline t remq_##nm(t a, t b)                                         \
{ return (t)((0u + a) - (0u + fdivq_##nm(a, b)) * b); }                      \
static inline t fdivqs_##nm(t a, t b, double inv)                           \
{                                                                           \
    if (sizeof(t) <= 2) {                                                   \
        return (t)(int32_t)(((double)a + 0.5) * inv);                       \
    }                                                                       \
    return sizeof(t) == 4 ? (t)(int64_t)(((double)a + 0.5) * inv) : (t)(a / b); \
}                                                                           \
static inline t remqs_##nm(t a, t b, double inv)                            \
{ return (t)((0u + a) - (0u + fdivqs_##nm(a, b, inv)) * b); }
NDM_FOR_EACH_NUMERIC(NDM_ON_UINT)
#undef NDM_EACH

/* bool: NumPy's BOOL loops normalise to 0/1. */
static inline ndm_bool add_bool(ndm_bool a, ndm_bool b) { return (a | b) != 0; }
static inline ndm_bool mul_bool(ndm_bool a, ndm_bool b) { return (a != 0) & (b != 0); }
static inline ndm_bool and_bool(ndm_bool a, ndm_bool b) { return (a != 0) & (b != 0); }
static inline ndm_bool or_bool(ndm_bool a, ndm_bool b) { return (a | b) != 0; }
static inline ndm_bool xor_bool(ndm_bool a, ndm_bool b) { return (a != 0) ^ (b != 0); }
static inline ndm_bool inv_bool(ndm_bool a) { return a == 0; }
static inline ndm_bool max_bool(ndm_bool a, ndm_bool b) { return (a | b) != 0; }
static inline ndm_bool min_bool(ndm_bool a, ndm_bool b) { return (a != 0) & (b != 0); }
static inline ndm_bool clip_bool(ndm_bool x, ndm_bool lo, ndm_bool hi)
{ return min_bool(max_bool(x, lo), hi); }
static inline ndm_bool nz_bool(ndm_bool a) { return a != 0; }
static inline ndm_bool abs_bool(ndm_bool a) { return a; }

/* float32, float64 */
#define NDM_EACH(N, nm, t)                                                   \
static inline t add_##nm(t a, t b) { return a + b; }                         \
static inline t sub_##nm(t a, t b) { return a - b; }                         \
static inline t mul_##nm(t a, t b) { return a * b; }                         \
static inline t div_##nm(t a, t b) { return a / b; }                         \
static inline t neg_##nm(t a) { return -a; }                                 \
static inline t sq_##nm(t a) { return a * a; }                               \
static inline t recip_##nm(t a) { return (t)1 / a; }                         \
static inline t abs_##nm(t a) { return NDM_LIBM(fabs, N)(a); }               \
static inline t sign_##nm(t a)                                               \
{ return a > 0 ? (t)1 : (a < 0 ? (t)-1 : (a == 0 ? (t)0 : a)); }            \
/* maximum/minimum propagate NaN; a tie gives b, as NumPy's x86 loops */   \
static inline t max_##nm(t a, t b) { return (a > b || a != a) ? a : b; }     \
static inline t min_##nm(t a, t b) { return (a < b || a != a) ? a : b; }     \
static inline t fmax_##nm(t a, t b) { return (a > b || b != b) ? a : b; }    \
static inline t fmin_##nm(t a, t b) { return (a < b || b != b) ? a : b; }    \
static inline t clipmax_##nm(t a, t b) { return (a != a || a > b) ? a : b; } \
static inline t clipmin_##nm(t a, t b) { return (a != a || a < b) ? a : b; } \
static inline t clip_##nm(t x, t lo, t hi)                                   \
{ return clipmin_##nm(clipmax_##nm(x, lo), hi); }                             \
static inline ndm_bool nz_##nm(t a) { return a != 0; }                       \
static inline t ident_##nm(t a) { return a; }                                \
/* npy_divmod: fmod, then Python's sign convention, snapped quotient */    \
static inline t divmod_##nm(t a, t b, t *modulus)                            \
{                                                                           \
    t mod = NDM_LIBM(fmod, N)(a, b), div, floordiv;                         \
    if (!b) {                                                               \
        *modulus = mod;                                                     \
        return a / b;                                                       \
    }                                                                       \
    div = (a - mod) / b;                                                    \
    if (mod) {                                                              \
        if (isless(b, 0) != isless(mod, 0)) {                               \
            mod += b;                                                       \
            div -= (t)1;                                                    \
        }                                                                   \
    }                                                                       \
    else {                                                                  \
        mod = NDM_LIBM(copysign, N)((t)0, b);                               \
    }                                                                       \
    if (div) {                                                              \
        floordiv = NDM_LIBM(floor, N)(div);                                 \
        if (isgreater(div - floordiv, (t)0.5)) {                            \
            floordiv += (t)1;                                               \
        }                                                                   \
    }                                                                       \
    else {                                                                  \
        floordiv = NDM_LIBM(copysign, N)((t)0, a / b);                      \
    }                                                                       \
    *modulus = mod;                                                         \
    return floordiv;                                                        \
}                                                                           \
static inline t fdiv_##nm(t a, t b)                                          \
{                                                                           \
    t mod;                                                                  \
    if (!b) {                                                               \
        return a / b;   /* IEEE flags as NumPy 2.4: none for nan or inf */  \
    }                                                                       \
    return divmod_##nm(a, b, &mod);                                          \
}                                                                           \
static inline t rem_##nm(t a, t b)                                           \
{                                                                           \
    t mod;                                                                  \
    if (!b) {                                                               \
        return NDM_LIBM(fmod, N)(a, b);                                     \
    }                                                                       \
    divmod_##nm(a, b, &mod);                                                 \
    return mod;                                                             \
}                                                                           \
static inline t fmod_##nm(t a, t b) { return NDM_LIBM(fmod, N)(a, b); }
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH

/* float16: through float32 as NumPy's HALF loops. */
#define NDM_HALF_VIA1(op)                                                   \
static inline ndm_half op##_float16(ndm_half a)                             \
{ return ndm_f2h(op##_float32(ndm_h2f(a))); }
#define NDM_HALF_VIA2(op)                                                   \
static inline ndm_half op##_float16(ndm_half a, ndm_half b)                 \
{ return ndm_f2h(op##_float32(ndm_h2f(a), ndm_h2f(b))); }
NDM_HALF_VIA2(add)
NDM_HALF_VIA2(sub)
NDM_HALF_VIA2(mul)
NDM_HALF_VIA2(div)
NDM_HALF_VIA2(fdiv)
NDM_HALF_VIA2(rem)
NDM_HALF_VIA2(fmod)
NDM_HALF_VIA1(sq)
NDM_HALF_VIA1(recip)
#undef NDM_HALF_VIA1
#undef NDM_HALF_VIA2

static inline ndm_half divmod_float16(ndm_half a, ndm_half b, ndm_half *mod)
{
    float m, q = divmod_float32(ndm_h2f(a), ndm_h2f(b), &m);
    *mod = ndm_f2h(m);
    return ndm_f2h(q);
}
static inline ndm_half neg_float16(ndm_half a) { return (ndm_half)(a ^ 0x8000u); }
static inline ndm_half abs_float16(ndm_half a) { return (ndm_half)(a & 0x7fffu); }
static inline ndm_half ident_float16(ndm_half a) { return a; }
static inline ndm_half sign_float16(ndm_half a)
{
    if (ndm_half_isnan(a)) {
        return a;
    }
    if ((a & 0x7fffu) == 0) {
        return 0;
    }
    return (a & 0x8000u) ? 0xbc00u : 0x3c00u;
}
static inline ndm_bool nz_float16(ndm_half a) { return (a & 0x7fffu) != 0; }
static inline int hge(ndm_half a, ndm_half b) { return NDM_QGE(ndm_h2f(a), ndm_h2f(b)); }
static inline int hle(ndm_half a, ndm_half b) { return NDM_QLE(ndm_h2f(a), ndm_h2f(b)); }
/* NumPy's HALF loops pick an operand's bits; a tie gives a. */
static inline ndm_half max_float16(ndm_half a, ndm_half b)
{ return (hge(a, b) || ndm_half_isnan(a)) ? a : b; }
static inline ndm_half min_float16(ndm_half a, ndm_half b)
{ return (hle(a, b) || ndm_half_isnan(a)) ? a : b; }
static inline ndm_half fmax_float16(ndm_half a, ndm_half b)
{ return (hge(a, b) || ndm_half_isnan(b)) ? a : b; }
static inline ndm_half fmin_float16(ndm_half a, ndm_half b)
{ return (hle(a, b) || ndm_half_isnan(b)) ? a : b; }
static inline ndm_half clip_float16(ndm_half x, ndm_half lo, ndm_half hi)
{
    ndm_half t = (ndm_half_isnan(x) || hge(x, lo)) ? x : lo;
    return (ndm_half_isnan(t) || hle(t, hi)) ? t : hi;
}

/* NumPy's complex products are fused multiply-adds wherever the CPU has
 * FMA (its dispatched loops), so ours are too: the last bits then agree. */
static int have_fma;
int ndm_cpu_has_avx2;

__attribute__((constructor)) static void
detect_cpu(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    have_fma = __builtin_cpu_supports("fma");
    ndm_cpu_has_avx2 = __builtin_cpu_supports("avx2") && have_fma;
#elif defined(__aarch64__)
    have_fma = 1;
#endif
}

/* complex64, complex128 */
#define NDM_EACH(N, nm, t)                                                   \
typedef NDM_RT_##N rt_##nm;                                                  \
static inline t add_##nm(t a, t b)                                           \
{ return NDM_MKC_##N(creal(a) + creal(b), cimag(a) + cimag(b)); }           \
static inline t sub_##nm(t a, t b)                                           \
{ return NDM_MKC_##N(creal(a) - creal(b), cimag(a) - cimag(b)); }           \
static inline t mul_##nm(t a, t b)                                           \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);      \
    if (have_fma) {                                                         \
        return NDM_MKC_##N(NDM_LIBM(fma, N)(ar, br, -(ai * bi)),            \
                           NDM_LIBM(fma, N)(ar, bi, ai * br));              \
    }                                                                       \
    return NDM_MKC_##N(ar * br - ai * bi, ar * bi + ai * br);               \
}                                                                           \
/* NumPy's reduce and overlapping (accumulate) calls are not fused */       \
static inline t mulplain_##nm(t a, t b)                                      \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);      \
    return NDM_MKC_##N(ar * br - ai * bi, ar * bi + ai * br);               \
}                                                                           \
/* Smith's algorithm, as NumPy */                                           \
static inline t div_##nm(t a, t b)                                           \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);      \
    rt_##nm abr = NDM_LIBM(fabs, N)(br), abi = NDM_LIBM(fabs, N)(bi);        \
    if (abr >= abi) {                                                       \
        if (abr == 0 && abi == 0) {                                         \
            return NDM_MKC_##N(ar / abr, ai / abr);                         \
        }                                                                   \
        rt_##nm rat = bi / br, scl = (rt_##nm)1.0 / (br + bi * rat);          \
        return NDM_MKC_##N((ar + ai * rat) * scl, (ai - ar * rat) * scl);   \
    }                                                                       \
    rt_##nm rat = br / bi, scl = (rt_##nm)1.0 / (bi + br * rat);              \
    return NDM_MKC_##N((ar * rat + ai) * scl, (ai * rat - ar) * scl);       \
}                                                                           \
static inline t neg_##nm(t a) { return NDM_MKC_##N(-creal(a), -cimag(a)); }  \
static inline t ident_##nm(t a) { return a; }                                \
static inline t conj_##nm(t a) { return NDM_MKC_##N(creal(a), -cimag(a)); }  \
static inline t sq_##nm(t a)                                                 \
{                                                                           \
    return mul_##nm(a, a);                                                  \
}                                                                           \
static inline t recip_##nm(t a)                                              \
{                                                                           \
    rt_##nm r = creal(a), i = cimag(a);                                      \
    if (NDM_LIBM(fabs, N)(i) <= NDM_LIBM(fabs, N)(r)) {                     \
        rt_##nm q = i / r, d = r + i * q;                                    \
        return NDM_MKC_##N(1 / d, -q / d);                                  \
    }                                                                       \
    rt_##nm q = r / i, d = r * q + i;                                        \
    return NDM_MKC_##N(q / d, -1 / d);                                      \
}                                                                           \
static inline rt_##nm abs_##nm(t a)                                           \
{ return NDM_LIBM(hypot, N)(creal(a), cimag(a)); }                          \
static inline t sign_##nm(t a)                                               \
{                                                                           \
    rt_##nm r = creal(a), i = cimag(a);                                      \
    if (isinf(r)) {                                                         \
        if (isinf(i)) {                                                     \
            return NDM_MKC_##N(NAN, NAN);                                   \
        }                                                                   \
        return NDM_MKC_##N(r > 0 ? 1 : -1, 0);                              \
    }                                                                       \
    if (isinf(i)) {                                                         \
        return NDM_MKC_##N(0, i > 0 ? 1 : -1);                              \
    }                                                                       \
    if (isnan(r) || isnan(i)) {                                             \
        return NDM_MKC_##N(NAN, NAN);                                       \
    }                                                                       \
    if (r == 0 && i == 0) {                                                 \
        return NDM_MKC_##N(0, 0);                                           \
    }                                                                       \
    rt_##nm m = NDM_LIBM(hypot, N)(r, i);                                    \
    return NDM_MKC_##N(r / m, i / m);                                       \
}                                                                           \
static inline ndm_bool nz_##nm(t a) { return creal(a) != 0 || cimag(a) != 0; } \
static inline int cisnan_##nm(t a) { return isnan(creal(a)) || isnan(cimag(a)); } \
static inline int clt_##nm(t a, t b)                                         \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);      \
    return (ar < br && ai == ai && bi == bi) || (ar == br && ai < bi);      \
}                                                                           \
static inline int cle_##nm(t a, t b)                                         \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);      \
    return (ar < br && ai == ai && bi == bi) || (ar == br && ai <= bi);     \
}                                                                           \
/* maximum and friends raise no invalid flag in NumPy: quiet compares */    \
static inline int cqle_##nm(t a, t b)                                        \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);      \
    return (NDM_QLT(ar, br) && ai == ai && bi == bi) ||                      \
           (ar == br && NDM_QLE(ai, bi));                                   \
}                                                                           \
static inline int cqlt_##nm(t a, t b)                                        \
{                                                                           \
    rt_##nm ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);      \
    return (NDM_QLT(ar, br) && ai == ai && bi == bi) ||                      \
           (ar == br && NDM_QLT(ai, bi));                                   \
}                                                                           \
static inline t max_##nm(t a, t b)                                           \
{ return (cisnan_##nm(a) || cqle_##nm(b, a)) ? a : b; }                       \
static inline t min_##nm(t a, t b)                                           \
{ return (cisnan_##nm(a) || cqle_##nm(a, b)) ? a : b; }                       \
static inline t fmax_##nm(t a, t b)                                          \
{ return (cisnan_##nm(b) || cqle_##nm(b, a)) ? a : b; }                       \
static inline t fmin_##nm(t a, t b)                                          \
{ return (cisnan_##nm(b) || cqle_##nm(a, b)) ? a : b; }                       \
static inline t clip_##nm(t x, t lo, t hi)                                   \
{                                                                           \
    t m = (cisnan_##nm(x) || cqlt_##nm(lo, x)) ? x : lo;                      \
    return (cisnan_##nm(m) || cqlt_##nm(m, hi)) ? m : hi;                     \
}
NDM_FOR_EACH_NUMERIC(NDM_ON_C)
#undef NDM_EACH

/* Comparisons: real types directly (float16 through float), complex
 * lexicographically as NumPy's CLT/CLE/CEQ (whose plain < does raise the
 * invalid flag for NaN, as NumPy's). */
#define NDM_EACH(N, nm, t)                                                   \
static inline ndm_bool eq_##nm(t a, t b) { return a == b; }                  \
static inline ndm_bool ne_##nm(t a, t b) { return a != b; }                  \
static inline ndm_bool lt_##nm(t a, t b) { return a < b; }                   \
static inline ndm_bool le_##nm(t a, t b) { return a <= b; }                  \
static inline ndm_bool gt_##nm(t a, t b) { return a > b; }                   \
static inline ndm_bool ge_##nm(t a, t b) { return a >= b; }
NDM_FOR_EACH_NUMERIC(NDM_ON_BINT)
#undef NDM_EACH
/* Their kernels are NDM_QUIET_KERNEL: NaN raises no invalid flag. */
#define NDM_EACH(N, nm, t)                                                  \
static inline ndm_bool eq_##nm(t a, t b) { return a == b; }                  \
static inline ndm_bool ne_##nm(t a, t b) { return a != b; }                  \
static inline ndm_bool lt_##nm(t a, t b) { return a < b; }                  \
static inline ndm_bool le_##nm(t a, t b) { return a <= b; }                 \
static inline ndm_bool gt_##nm(t a, t b) { return a > b; }                  \
static inline ndm_bool ge_##nm(t a, t b) { return a >= b; }
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH
#define NDM_EACH(N, nm, t)                                                   \
static inline ndm_bool eq_##nm(t a, t b)                                     \
{ return creal(a) == creal(b) && cimag(a) == cimag(b); }                    \
static inline ndm_bool ne_##nm(t a, t b)                                     \
{ return creal(a) != creal(b) || cimag(a) != cimag(b); }                    \
static inline ndm_bool lt_##nm(t a, t b) { return clt_##nm(a, b); }           \
static inline ndm_bool le_##nm(t a, t b) { return cle_##nm(a, b); }           \
static inline ndm_bool gt_##nm(t a, t b) { return clt_##nm(b, a); }           \
static inline ndm_bool ge_##nm(t a, t b) { return cle_##nm(b, a); }
NDM_FOR_EACH_NUMERIC(NDM_ON_C)
#undef NDM_EACH
#define NDM_HCMP(op, CMP)                                                   \
static inline ndm_bool op##_float16(ndm_half a, ndm_half b)                 \
{ return CMP(ndm_h2f(a), ndm_h2f(b)); }
#define NDM_HEQ(a, b) ((a) == (b))
#define NDM_HNE(a, b) ((a) != (b))
NDM_HCMP(eq, NDM_HEQ)
NDM_HCMP(ne, NDM_HNE)
NDM_HCMP(lt, NDM_QLT)
NDM_HCMP(le, NDM_QLE)
NDM_HCMP(gt, NDM_QGT)
NDM_HCMP(ge, NDM_QGE)
#undef NDM_HEQ
#undef NDM_HNE
#undef NDM_HCMP

/* Logical ufuncs on the truth value of each type. */
#define NDM_EACH(N, nm, t)                                                   \
static inline ndm_bool land_##nm(t a, t b) { return nz_##nm(a) & nz_##nm(b); } \
static inline ndm_bool lor_##nm(t a, t b) { return nz_##nm(a) | nz_##nm(b); }  \
static inline ndm_bool lxor_##nm(t a, t b) { return nz_##nm(a) ^ nz_##nm(b); } \
static inline ndm_bool lnot_##nm(t a) { return !nz_##nm(a); }
NDM_FOR_EACH_NUMERIC(NDM_ON_ALL)
#undef NDM_EACH

/* ------------------------------------------------------------------ */
/* Pairwise summation (NumPy's umath/loops_utils.h.src), for add's     */
/* reduce path: the same tree of additions gives the same bits.        */

#define NDM_PW_BLOCK 128
#define NDM_PAIRWISE(NAME, ACC, ELEM, CONV)                                 \
static ACC                                                                  \
NAME(const char *a, Py_ssize_t n, Py_ssize_t stride)                        \
{                                                                           \
    if (n < 8) {                                                            \
        ACC res = -0.0f;                                                    \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            res += CONV(*(const ELEM *)(a + i * stride));                   \
        }                                                                   \
        return res;                                                         \
    }                                                                       \
    if (n <= NDM_PW_BLOCK) {                                                \
        /* eight accumulators in registers (an array would live in memory) */ \
        ACC r0, r1, r2, r3, r4, r5, r6, r7, res;                            \
        Py_ssize_t i;                                                       \
        const Py_ssize_t s = stride;                                        \
        r0 = CONV(*(const ELEM *)(a + 0 * s));                              \
        r1 = CONV(*(const ELEM *)(a + 1 * s));                              \
        r2 = CONV(*(const ELEM *)(a + 2 * s));                              \
        r3 = CONV(*(const ELEM *)(a + 3 * s));                              \
        r4 = CONV(*(const ELEM *)(a + 4 * s));                              \
        r5 = CONV(*(const ELEM *)(a + 5 * s));                              \
        r6 = CONV(*(const ELEM *)(a + 6 * s));                              \
        r7 = CONV(*(const ELEM *)(a + 7 * s));                              \
        for (i = 8; i < n - (n % 8); i += 8) {                              \
            const char *q = a + i * s;                                      \
            r0 += CONV(*(const ELEM *)(q + 0 * s));                         \
            r1 += CONV(*(const ELEM *)(q + 1 * s));                         \
            r2 += CONV(*(const ELEM *)(q + 2 * s));                         \
            r3 += CONV(*(const ELEM *)(q + 3 * s));                         \
            r4 += CONV(*(const ELEM *)(q + 4 * s));                         \
            r5 += CONV(*(const ELEM *)(q + 5 * s));                         \
            r6 += CONV(*(const ELEM *)(q + 6 * s));                         \
            r7 += CONV(*(const ELEM *)(q + 7 * s));                         \
        }                                                                   \
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));            \
        for (; i < n; i++) {                                                \
            res += CONV(*(const ELEM *)(a + i * s));                        \
        }                                                                   \
        return res;                                                         \
    }                                                                       \
    Py_ssize_t n2 = n / 2;                                                  \
    n2 -= n2 % 8;                                                           \
    return NAME(a, n2, stride) + NAME(a + n2 * stride, n - n2, stride);     \
}
#define NDM_NOCONV(x) (x)
NDM_PAIRWISE(pw_float32, float, float, NDM_NOCONV)
NDM_PAIRWISE(pw_float64, double, double, NDM_NOCONV)
NDM_PAIRWISE(pw_float16, float, ndm_half, ndm_h2f)

/* Complex: n counts floats (2 per element), stride is half the element
 * step, so a + i * stride with even i walks the elements. */
#define NDM_CPAIRWISE(NAME, RT)                                             \
static void                                                                 \
NAME(RT *rr, RT *ri, const char *a, Py_ssize_t n, Py_ssize_t stride)        \
{                                                                           \
    if (n < 8) {                                                            \
        *rr = -0.0f;                                                        \
        *ri = -0.0f;                                                        \
        for (Py_ssize_t i = 0; i < n; i += 2) {                             \
            *rr += *(const RT *)(a + i * stride);                           \
            *ri += *(const RT *)(a + i * stride + sizeof(RT));              \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    if (n <= NDM_PW_BLOCK) {                                                \
        RT r0, r1, r2, r3, r4, r5, r6, r7;                                  \
        Py_ssize_t i;                                                       \
        const Py_ssize_t s = stride;                                        \
        r0 = *(const RT *)(a + 0 * s);                                      \
        r1 = *(const RT *)(a + 0 * s + sizeof(RT));                         \
        r2 = *(const RT *)(a + 2 * s);                                      \
        r3 = *(const RT *)(a + 2 * s + sizeof(RT));                         \
        r4 = *(const RT *)(a + 4 * s);                                      \
        r5 = *(const RT *)(a + 4 * s + sizeof(RT));                         \
        r6 = *(const RT *)(a + 6 * s);                                      \
        r7 = *(const RT *)(a + 6 * s + sizeof(RT));                         \
        for (i = 8; i < n - (n % 8); i += 8) {                              \
            const char *q = a + i * s;                                      \
            r0 += *(const RT *)(q + 0 * s);                                 \
            r1 += *(const RT *)(q + 0 * s + sizeof(RT));                    \
            r2 += *(const RT *)(q + 2 * s);                                 \
            r3 += *(const RT *)(q + 2 * s + sizeof(RT));                    \
            r4 += *(const RT *)(q + 4 * s);                                 \
            r5 += *(const RT *)(q + 4 * s + sizeof(RT));                    \
            r6 += *(const RT *)(q + 6 * s);                                 \
            r7 += *(const RT *)(q + 6 * s + sizeof(RT));                    \
        }                                                                   \
        *rr = ((r0 + r2) + (r4 + r6));                                      \
        *ri = ((r1 + r3) + (r5 + r7));                                      \
        for (; i < n; i += 2) {                                             \
            *rr += *(const RT *)(a + i * s);                                \
            *ri += *(const RT *)(a + i * s + sizeof(RT));                   \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    RT rr1, ri1, rr2, ri2;                                                  \
    Py_ssize_t n2 = n / 2;                                                  \
    n2 -= n2 % 8;                                                           \
    NAME(&rr1, &ri1, a, n2, stride);                                        \
    NAME(&rr2, &ri2, a + n2 * stride, n - n2, stride);                      \
    *rr = rr1 + rr2;                                                        \
    *ri = ri1 + ri2;                                                        \
}
NDM_CPAIRWISE(pw_complex64, float)
NDM_CPAIRWISE(pw_complex128, double)

/* ------------------------------------------------------------------ */
/* 16-byte GCC vectors of each integer type, for the reduce paths of    */
/* associative ops (NDM_BINARY_REDUCE_VEC): same per-lane results as   */
/* the scalar ops; add/mul wrap in the unsigned twin.                  */

#define NDM_EACH(N, nm, t)                                                  \
typedef t vt_##nm __attribute__((vector_size(16)));                         \
typedef NDM_UT_##N vu_##nm __attribute__((vector_size(16)));                \
static inline vt_##nm vadd_##nm(vt_##nm a, vt_##nm b)                      \
{ return (vt_##nm)((vu_##nm)a + (vu_##nm)b); }                              \
static inline vt_##nm vmul_##nm(vt_##nm a, vt_##nm b)                      \
{ return (vt_##nm)((vu_##nm)a * (vu_##nm)b); }                              \
static inline vt_##nm vand_##nm(vt_##nm a, vt_##nm b) { return a & b; }    \
static inline vt_##nm vor_##nm(vt_##nm a, vt_##nm b) { return a | b; }     \
static inline vt_##nm vxor_##nm(vt_##nm a, vt_##nm b) { return a ^ b; }    \
static inline vt_##nm vmax_##nm(vt_##nm a, vt_##nm b)                      \
{                                                                           \
    vu_##nm m = (vu_##nm)(a > b);                                           \
    return (vt_##nm)(((vu_##nm)a & m) | ((vu_##nm)b & ~m));                 \
}                                                                           \
static inline vt_##nm vmin_##nm(vt_##nm a, vt_##nm b)                      \
{                                                                           \
    vu_##nm m = (vu_##nm)(a < b);                                           \
    return (vt_##nm)(((vu_##nm)a & m) | ((vu_##nm)b & ~m));                 \
}
NDM_FOR_EACH_NUMERIC(NDM_ON_INT)
#undef NDM_EACH

#define NDM_LANES(t) ((int)(16 / sizeof(t)))

/* float32/64 maximum & co. with SSE2 (the x86-64 baseline): GCC's own
 * vectors of these selects are poor.  MAXPD(a, b) is a > b ? a : b like
 * max_; the NaN rule is blended in: NaN in the accumulator a propagates
 * (maximum), NaN in b is skipped (fmax). */
#if defined(__SSE2__)
#define NDM_SSE_MINMAX(nm, V, sfx)                                          \
static inline V vmax_##nm(V a, V b)                                         \
{                                                                           \
    V m = _mm_cmpunord_##sfx(a, a);                                         \
    return _mm_or_##sfx(_mm_and_##sfx(m, a),                                \
                        _mm_andnot_##sfx(m, _mm_max_##sfx(a, b)));          \
}                                                                           \
static inline V vmin_##nm(V a, V b)                                         \
{                                                                           \
    V m = _mm_cmpunord_##sfx(a, a);                                         \
    return _mm_or_##sfx(_mm_and_##sfx(m, a),                                \
                        _mm_andnot_##sfx(m, _mm_min_##sfx(a, b)));          \
}                                                                           \
static inline V vfmax_##nm(V a, V b)                                        \
{                                                                           \
    V m = _mm_cmpunord_##sfx(b, b);                                         \
    return _mm_or_##sfx(_mm_and_##sfx(m, a),                                \
                        _mm_andnot_##sfx(m, _mm_max_##sfx(a, b)));          \
}                                                                           \
static inline V vfmin_##nm(V a, V b)                                        \
{                                                                           \
    V m = _mm_cmpunord_##sfx(b, b);                                         \
    return _mm_or_##sfx(_mm_and_##sfx(m, a),                                \
                        _mm_andnot_##sfx(m, _mm_min_##sfx(a, b)));          \
}
NDM_SSE_MINMAX(float32, __m128, ps)
NDM_SSE_MINMAX(float64, __m128d, pd)
#undef NDM_SSE_MINMAX
typedef __m128 vt_float32;
typedef __m128d vt_float64;
#define NDM_FMINMAX_KERNEL(NAME, nm, t, op)                                 \
    NDM_BINARY_KERNEL_RV(NAME, t, vt_##nm, NDM_LANES(t), op##_##nm, v##op##_##nm)
#else
#define NDM_FMINMAX_KERNEL(NAME, nm, t, op) NDM_BINARY_KERNEL_R(NAME, t, op##_##nm)
#endif

/* ------------------------------------------------------------------ */
/* Kernels                                                             */

/* Integer floor_divide/remainder: when no divisor needs NumPy's special
 * handling (0: divide-by-zero flag, -1: MIN overflow), the checks leave
 * the loop and FQ runs vectorized. */
#define NDM_DIV_KERNEL(NAME, t, F, FQ, FQS, BAD)                            \
NDM_BINARY_KERNEL(NAME##_fast, t, t, t, FQ)                                 \
static void                                                                 \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    if (!NDM_IS_BINARY_REDUCE) {                                            \
        ndm_bool bad = 0;                                                   \
        const char *p = args[1];                                            \
        if (steps[1] == 0) {                                                \
            const t b = n > 0 ? *(const t *)p : (t)1;                       \
            const double inv = 1.0 / (double)b;                             \
            char *ip = args[0], *op = args[2];                              \
            if (BAD(b)) {                                                   \
                bad = 1;                                                    \
            }                                                               \
            else if (steps[0] == (Py_ssize_t)sizeof(t) &&                   \
                     steps[2] == (Py_ssize_t)sizeof(t)) {                   \
                const t *restrict a = (const t *)ip;                        \
                t *restrict o = (t *)op;                                    \
                for (Py_ssize_t i = 0; i < n; i++) {                        \
                    o[i] = FQS(a[i], b, inv);                               \
                }                                                           \
                return;                                                     \
            }                                                               \
            else {                                                          \
                for (Py_ssize_t i = 0; i < n; i++) {                        \
                    *(t *)(op + i * steps[2]) =                             \
                        FQS(*(const t *)(ip + i * steps[0]), b, inv);       \
                }                                                           \
                return;                                                     \
            }                                                               \
        }                                                                   \
        else {                                                              \
            for (Py_ssize_t i = 0; i < n; i++, p += steps[1]) {             \
                bad |= BAD(*(const t *)p);                                  \
            }                                                               \
        }                                                                   \
        if (!bad) {                                                         \
            NAME##_fast(args, n, steps, ctx);                               \
            return;                                                         \
        }                                                                   \
    }                                                                       \
    NDM_BINARY_REDUCE_SEQ(t, F)                                             \
    NDM_BINARY_BODY(t, t, t, F)                                             \
}

/* Same-type binary ops with the sequential reduce path. */
#define NDM_EACH(N, nm, t)                                                   \
    NDM_BINARY_KERNEL_RV(k_add_##nm, t, vt_##nm, NDM_LANES(t), add_##nm, vadd_##nm) \
    NDM_BINARY_KERNEL_R(k_sub_##nm, t, sub_##nm)                              \
    NDM_BINARY_KERNEL_RV(k_mul_##nm, t, vt_##nm, NDM_LANES(t), mul_##nm, vmul_##nm) \
    NDM_DIV_KERNEL(k_fdiv_##nm, t, fdiv_##nm, fdivq_##nm, fdivqs_##nm,        \
                   divbad_##nm)                                             \
    NDM_DIV_KERNEL(k_rem_##nm, t, rem_##nm, remq_##nm, remqs_##nm,            \
                   divbad_##nm)                                             \
    NDM_BINARY_KERNEL_R(k_fmod_##nm, t, fmod_##nm)                            \
    NDM_BINARY_KERNEL_RV(k_and_##nm, t, vt_##nm, NDM_LANES(t), and_##nm, vand_##nm) \
    NDM_BINARY_KERNEL_RV(k_or_##nm, t, vt_##nm, NDM_LANES(t), or_##nm, vor_##nm) \
    NDM_BINARY_KERNEL_RV(k_xor_##nm, t, vt_##nm, NDM_LANES(t), xor_##nm, vxor_##nm) \
    NDM_BINARY_KERNEL_RV(k_max_##nm, t, vt_##nm, NDM_LANES(t), max_##nm, vmax_##nm) \
    NDM_BINARY_KERNEL_RV(k_min_##nm, t, vt_##nm, NDM_LANES(t), min_##nm, vmin_##nm) \
    NDM_BINARY_KERNEL_R(k_lshift_##nm, t, lshift_##nm)                        \
    NDM_BINARY_KERNEL_R(k_rshift_##nm, t, rshift_##nm)                        \
    NDM_BINARY_KERNEL_R(k_gcd_##nm, t, gcd_##nm)                              \
    NDM_BINARY_KERNEL_R(k_lcm_##nm, t, lcm_##nm)                              \
    NDM_BINARY2_KERNEL(k_divmod_##nm, t, divmod_##nm)                         \
    NDM_UNARY_KERNEL(k_neg_##nm, t, t, neg_##nm)                              \
    NDM_UNARY_KERNEL(k_sign_##nm, t, t, sign_##nm)                            \
    NDM_UNARY_KERNEL(k_sq_##nm, t, t, sq_##nm)                                \
    NDM_UNARY_KERNEL(k_recip_##nm, t, t, recip_##nm)                          \
    NDM_UNARY_KERNEL(k_inv_##nm, t, t, inv_##nm)                              \
    NDM_UNARY_KERNEL(k_popcnt_##nm, t, uint8_t, popcnt_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_INT)
#undef NDM_EACH

NDM_BINARY_KERNEL_R(k_add_bool, ndm_bool, add_bool)
NDM_BINARY_KERNEL_R(k_mul_bool, ndm_bool, mul_bool)
NDM_BINARY_KERNEL_R(k_and_bool, ndm_bool, and_bool)
NDM_BINARY_KERNEL_R(k_or_bool, ndm_bool, or_bool)
NDM_BINARY_KERNEL_R(k_xor_bool, ndm_bool, xor_bool)
NDM_UNARY_KERNEL(k_inv_bool, ndm_bool, ndm_bool, inv_bool)

/* float32/64 add: NumPy's pairwise sum when called as a reduce. */
#define NDM_EACH(N, nm, t)                                                   \
static void                                                                 \
k_add_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)    \
{                                                                           \
    (void)ctx;                                                              \
    if (NDM_IS_BINARY_REDUCE) {                                             \
        *(t *)args[0] += pw_##nm(args[1], n, steps[1]);                      \
        return;                                                             \
    }                                                                       \
    NDM_BINARY_BODY(t, t, t, add_##nm)                                       \
}                                                                           \
    NDM_BINARY_KERNEL_R(k_sub_##nm, t, sub_##nm)                              \
    NDM_BINARY_KERNEL_R(k_mul_##nm, t, mul_##nm)                              \
    NDM_BINARY_KERNEL_R(k_div_##nm, t, div_##nm)                              \
    NDM_BINARY_KERNEL_R(k_fdiv_##nm, t, fdiv_##nm)                            \
    NDM_BINARY_KERNEL_R(k_rem_##nm, t, rem_##nm)                              \
    NDM_BINARY_KERNEL_R(k_fmod_##nm, t, fmod_##nm)                            \
    NDM_BINARY2_KERNEL(k_divmod_##nm, t, divmod_##nm)                         \
    NDM_UNARY_KERNEL(k_neg_##nm, t, t, neg_##nm)                              \
    NDM_UNARY_KERNEL(k_abs_##nm, t, t, abs_##nm)                              \
    NDM_UNARY_KERNEL(kq_sign_##nm, t, t, sign_##nm)                           \
    NDM_QUIET_KERNEL(k_sign_##nm, kq_sign_##nm)                               \
    NDM_UNARY_KERNEL(k_sq_##nm, t, t, sq_##nm)                                \
    NDM_UNARY_KERNEL(k_recip_##nm, t, t, recip_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH

/* float16 arithmetic: a reduce accumulates in float and rounds once, as
 * NumPy's HALF loops; add sums pairwise. */
#define NDM_HALF_ARITH(NAME, OP, PAIRWISE)                                  \
static void                                                                 \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    if (NDM_IS_BINARY_REDUCE) {                                             \
        float acc = ndm_h2f(*(ndm_half *)args[0]);                          \
        if (PAIRWISE) {                                                     \
            acc += pw_float16(args[1], n, steps[1]);                        \
        }                                                                   \
        else {                                                              \
            const char *b = args[1];                                        \
            for (Py_ssize_t i = 0; i < n; i++, b += steps[1]) {             \
                acc = OP##_float32(acc, ndm_h2f(*(const ndm_half *)b));     \
            }                                                               \
        }                                                                   \
        *(ndm_half *)args[0] = ndm_f2h(acc);                                \
        return;                                                             \
    }                                                                       \
    NDM_BINARY_BODY(ndm_half, ndm_half, ndm_half, OP##_float16)             \
}
NDM_HALF_ARITH(k_add_float16, add, 1)
NDM_HALF_ARITH(k_sub_float16, sub, 0)
NDM_HALF_ARITH(k_mul_float16, mul, 0)
NDM_HALF_ARITH(k_div_float16, div, 0)
#undef NDM_HALF_ARITH
NDM_BINARY_KERNEL_R(k_fdiv_float16, ndm_half, fdiv_float16)
NDM_BINARY_KERNEL_R(k_rem_float16, ndm_half, rem_float16)
NDM_BINARY_KERNEL_R(k_fmod_float16, ndm_half, fmod_float16)
NDM_BINARY2_KERNEL(k_divmod_float16, ndm_half, divmod_float16)
NDM_UNARY_KERNEL(k_neg_float16, ndm_half, ndm_half, neg_float16)
NDM_UNARY_KERNEL(k_abs_float16, ndm_half, ndm_half, abs_float16)
NDM_UNARY_KERNEL(k_sign_float16, ndm_half, ndm_half, sign_float16)
NDM_UNARY_KERNEL(k_sq_float16, ndm_half, ndm_half, sq_float16)
NDM_UNARY_KERNEL(k_recip_float16, ndm_half, ndm_half, recip_float16)

#define NDM_EACH(N, nm, t)                                                   \
static void                                                                 \
k_add_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)    \
{                                                                           \
    (void)ctx;                                                              \
    if (NDM_IS_BINARY_REDUCE) {                                             \
        rt_##nm *acc = (rt_##nm *)args[0], rr, ri;                            \
        pw_##nm(&rr, &ri, args[1], n * 2, steps[1] / 2);                     \
        acc[0] += rr;                                                       \
        acc[1] += ri;                                                       \
        return;                                                             \
    }                                                                       \
    NDM_BINARY_BODY(t, t, t, add_##nm)                                       \
}                                                                           \
    NDM_BINARY_KERNEL_R(k_sub_##nm, t, sub_##nm)                              \
static void                                                                 \
k_mul_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)    \
{                                                                           \
    (void)ctx;                                                              \
    NDM_BINARY_REDUCE_SEQ(t, mulplain_##nm)                                  \
    if (!NDM_SAME_OR_DISJOINT(args[0], steps[0] ? n * steps[0] : (Py_ssize_t)sizeof(t), \
                              args[2], n * steps[2])                        \
            || !NDM_SAME_OR_DISJOINT(args[1], steps[1] ? n * steps[1] : (Py_ssize_t)sizeof(t), \
                                     args[2], n * steps[2])) {              \
        char *i1 = args[0], *i2 = args[1], *op = args[2];                   \
        for (Py_ssize_t i = 0; i < n; i++, i1 += steps[0], i2 += steps[1], op += steps[2]) { \
            *(t *)op = mulplain_##nm(*(const t *)i1, *(const t *)i2);      \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    NDM_BINARY_BODY(t, t, t, mul_##nm)                                       \
}                                                                           \
    NDM_BINARY_KERNEL_R(k_div_##nm, t, div_##nm)                              \
    NDM_UNARY_KERNEL(k_neg_##nm, t, t, neg_##nm)                              \
    NDM_UNARY_KERNEL(k_abs_##nm, t, rt_##nm, abs_##nm)                         \
    NDM_UNARY_KERNEL(k_sign_##nm, t, t, sign_##nm)                            \
    NDM_UNARY_KERNEL(k_sq_##nm, t, t, sq_##nm)                                \
    NDM_UNARY_KERNEL(k_recip_##nm, t, t, recip_##nm)                          \
    NDM_UNARY_KERNEL(k_conj_##nm, t, t, conj_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_C)
#undef NDM_EACH

/* Ordering kernels: float32/64 get the quiet wrapper. */
#define NDM_ORDER_KERNELS(P, nm, t)                                         \
    NDM_BINARY_KERNEL(P##lt_##nm, t, t, ndm_bool, lt_##nm)                  \
    NDM_BINARY_KERNEL(P##le_##nm, t, t, ndm_bool, le_##nm)                  \
    NDM_BINARY_KERNEL(P##gt_##nm, t, t, ndm_bool, gt_##nm)                  \
    NDM_BINARY_KERNEL(P##ge_##nm, t, t, ndm_bool, ge_##nm)                  \
    NDM_TERNARY_KERNEL(P##clip_##nm, t, clip_##nm)
#define NDM_EACH(N, nm, t) NDM_ORDER_KERNELS(k_, nm, t)
NDM_FOR_EACH_NUMERIC(NDM_ON_NOTF)
#undef NDM_EACH
/* bool, float16, complex: sequential reduce (integers are above) */
#define NDM_EACH(N, nm, t)                                                  \
    NDM_BINARY_KERNEL_R(k_max_##nm, t, max_##nm)                            \
    NDM_BINARY_KERNEL_R(k_min_##nm, t, min_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_C)
NDM_EACH(FLOAT16, float16, ndm_half)
NDM_EACH(BOOL, bool, ndm_bool)
#undef NDM_EACH
#define NDM_EACH(N, nm, t)                                                  \
    NDM_ORDER_KERNELS(kq_, nm, t)                                           \
    NDM_FMINMAX_KERNEL(kq_max_##nm, nm, t, max)                             \
    NDM_FMINMAX_KERNEL(kq_min_##nm, nm, t, min)                             \
    NDM_FMINMAX_KERNEL(kq_fmax_##nm, nm, t, fmax)                           \
    NDM_FMINMAX_KERNEL(kq_fmin_##nm, nm, t, fmin)                           \
    NDM_QUIET_KERNEL(k_max_##nm, kq_max_##nm)                               \
    NDM_QUIET_KERNEL(k_min_##nm, kq_min_##nm)                               \
    NDM_QUIET_KERNEL(k_fmax_##nm, kq_fmax_##nm)                             \
    NDM_QUIET_KERNEL(k_fmin_##nm, kq_fmin_##nm)                             \
    NDM_SSE_CMP2_KERNEL(ks_lt_##nm, kq_lt_##nm, N, t, cmplt)                \
    NDM_SSE_CMP2_KERNEL(ks_le_##nm, kq_le_##nm, N, t, cmple)                \
    NDM_SSE_CMP2_KERNEL(ks_gt_##nm, kq_gt_##nm, N, t, cmpgt)                \
    NDM_SSE_CMP2_KERNEL(ks_ge_##nm, kq_ge_##nm, N, t, cmpge)                \
    NDM_QUIET_KERNEL(k_lt_##nm, ks_lt_##nm)                                 \
    NDM_QUIET_KERNEL(k_le_##nm, ks_le_##nm)                                 \
    NDM_QUIET_KERNEL(k_gt_##nm, ks_gt_##nm)                                 \
    NDM_QUIET_KERNEL(k_ge_##nm, ks_ge_##nm)                                 \
    NDM_BINARY_KERNEL(kq_eq_##nm, t, t, ndm_bool, eq_##nm)                  \
    NDM_BINARY_KERNEL(kq_ne_##nm, t, t, ndm_bool, ne_##nm)                  \
    NDM_SSE_CMP2_KERNEL(k_eq_##nm, kq_eq_##nm, N, t, cmpeq)                 \
    NDM_SSE_CMP2_KERNEL(k_ne_##nm, kq_ne_##nm, N, t, cmpneq)                \
    NDM_QUIET_KERNEL(k_clip_##nm, kq_clip_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_F)
#undef NDM_EACH
#undef NDM_ORDER_KERNELS

#define NDM_EACH(N, nm, t)                                                   \
    NDM_BINARY_KERNEL(k_eq_##nm, t, t, ndm_bool, eq_##nm)                     \
    NDM_BINARY_KERNEL(k_ne_##nm, t, t, ndm_bool, ne_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_NOTF)
#undef NDM_EACH
#define NDM_EACH(N, nm, t)                                                   \
    NDM_BINARY_KERNEL(k_land_##nm, t, t, ndm_bool, land_##nm)                 \
    NDM_BINARY_KERNEL(k_lor_##nm, t, t, ndm_bool, lor_##nm)                   \
    NDM_BINARY_KERNEL(k_lxor_##nm, t, t, ndm_bool, lxor_##nm)                 \
    NDM_UNARY_KERNEL(k_lnot_##nm, t, ndm_bool, lnot_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_ALL)
#undef NDM_EACH

/* fmax/fmin: integers and bool have no NaN, so maximum's kernels serve. */
#define NDM_EACH(N, nm, t)                                                   \
    NDM_BINARY_KERNEL_R(k_fmax_##nm, t, fmax_##nm)                            \
    NDM_BINARY_KERNEL_R(k_fmin_##nm, t, fmin_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_C)
#undef NDM_EACH
NDM_BINARY_KERNEL_R(k_fmax_float16, ndm_half, fmax_float16)
NDM_BINARY_KERNEL_R(k_fmin_float16, ndm_half, fmin_float16)
#define NDM_EACH(N, nm, t)                                                   \
    NDM_UNARY_KERNEL(k_abs_##nm, t, t, abs_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_SINT)
NDM_FOR_EACH_NUMERIC(NDM_ON_UINT)
#undef NDM_EACH
NDM_UNARY_KERNEL(k_abs_bool, ndm_bool, ndm_bool, abs_bool)
#define NDM_EACH(N, nm, t) NDM_UNARY_KERNEL(k_ident_##nm, t, t, ident_##nm)
NDM_FOR_EACH_NUMERIC(NDM_ON_NUM)
#undef NDM_EACH

/* ------------------------------------------------------------------ */
/* Loop lists, in NumPy's ufunc.types order                            */

#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_add_##nm)
static const NdmLoopDef add_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_ALL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_sub_##nm)
static const NdmLoopDef sub_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_NUM) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_mul_##nm)
static const NdmLoopDef mul_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_ALL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_div_##nm)
static const NdmLoopDef div_loops[] = {
    NDM_FOR_EACH_NUMERIC(NDM_ON_HF) NDM_FOR_EACH_NUMERIC(NDM_ON_C)
};
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_fdiv_##nm)
static const NdmLoopDef fdiv_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_REAL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_rem_##nm)
static const NdmLoopDef rem_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_REAL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_fmod_##nm)
static const NdmLoopDef fmod_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_REAL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD4(N, N, N, N, k_divmod_##nm)
static const NdmLoopDef divmod_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_REAL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_neg_##nm)
static const NdmLoopDef neg_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_NUM) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_ident_##nm)
static const NdmLoopDef pos_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_NUM) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_abs_##nm)
static const NdmLoopDef abs_loops[] = {
    NDM_FOR_EACH_NUMERIC(NDM_ON_BREAL)
    NDM_LD2(COMPLEX64, FLOAT32, k_abs_complex64)
    NDM_LD2(COMPLEX128, FLOAT64, k_abs_complex128)
};
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_sign_##nm)
static const NdmLoopDef sign_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_NUM) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_sq_##nm)
static const NdmLoopDef sq_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_NUM) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_recip_##nm)
static const NdmLoopDef recip_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_NUM) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_ident_##nm)
#define NDM_EACH2(N, nm, t) NDM_LD2(N, N, k_conj_##nm)
static const NdmLoopDef conj_loops[] = {
    NDM_FOR_EACH_NUMERIC(NDM_ON_REAL)
#undef NDM_EACH
#define NDM_EACH NDM_EACH2
    NDM_FOR_EACH_NUMERIC(NDM_ON_C)
};
#undef NDM_EACH
#undef NDM_EACH2
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_max_##nm)
static const NdmLoopDef max_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_ALL) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_min_##nm)
static const NdmLoopDef min_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_ALL) };
#undef NDM_EACH
/* fmax/fmin with +0.0 against -0.0, or two NaNs: NumPy 2.4's AVX-512
 * loops (loops_minmax.dispatch.c.src) give b from the vector instruction
 * (the kernels above, everywhere) but a, or the second NaN, from the
 * scalar code GCC made of the tail after the whole vectors: found by
 * experiment on this project's Zen 4, independent of alignment.
 * Contiguous float32: the first element after the last full 16; float64:
 * tail elements 0, 1, 2, 4, 5 after the last full 8; float64 with any
 * other non-negative strides (a broadcast operand too): the first tail
 * element; float32 strided, or a negative stride: none.  The tail
 * inputs are read before the kernel runs, as in-place calls need. */
#define NDM_FMINMAX_TIES(op, nm, t, L, BETTER)                              \
static void                                                                 \
kt_##op##_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx) \
{                                                                           \
    const Py_ssize_t sz = (Py_ssize_t)sizeof(t);                            \
    int contig = steps[0] == sz && steps[1] == sz && steps[2] == sz;        \
    unsigned mask = 0;                                                      \
    Py_ssize_t tail = n - n % (L);                                          \
    if (NDM_IS_BINARY_REDUCE || n % (L) == 0                                \
            || !NDM_SAME_OR_DISJOINT(args[0], n * sz, args[2], n * sz)      \
            || !NDM_SAME_OR_DISJOINT(args[1], n * sz, args[2], n * sz)) {   \
        mask = 0;                                                           \
    }                                                                       \
    else if (contig) {                                                      \
        mask = sz == 4 ? 0x01u : 0x37u;                                     \
    }                                                                       \
    else if (sz == 8 && steps[0] >= 0 && steps[1] >= 0 && steps[2] >= 0) { \
        mask = 0x01u;                                                       \
    }                                                                       \
    t sa[8], sb[8];                                                         \
    for (int j = 0; j < 8 && tail + j < n; j++) {                           \
        if (mask >> j & 1u) {                                               \
            sa[j] = *(const t *)(args[0] + (tail + j) * steps[0]);          \
            sb[j] = *(const t *)(args[1] + (tail + j) * steps[1]);          \
        }                                                                   \
    }                                                                       \
    k_##op##_##nm(args, n, steps, ctx);                                     \
    for (int j = 0; j < 8 && tail + j < n; j++) {                           \
        if (mask >> j & 1u) {                                               \
            t a = sa[j], b = sb[j];                                         \
            *(t *)(args[2] + (tail + j) * steps[2]) =                       \
                a != a ? b : (BETTER) ? b : a;                              \
        }                                                                   \
    }                                                                       \
}
NDM_FMINMAX_TIES(fmax, float32, float, 16, NDM_QLT(a, b))
NDM_FMINMAX_TIES(fmin, float32, float, 16, NDM_QLT(b, a))
NDM_FMINMAX_TIES(fmax, float64, double, 8, NDM_QLT(a, b))
NDM_FMINMAX_TIES(fmin, float64, double, 8, NDM_QLT(b, a))
#undef NDM_FMINMAX_TIES
#define NDM_FMMK_float16(op) k_##op##_float16
#define NDM_FMMK_float32(op) kt_##op##_float32
#define NDM_FMMK_float64(op) kt_##op##_float64
#define NDM_FMMK_complex64(op) k_##op##_complex64
#define NDM_FMMK_complex128(op) k_##op##_complex128

#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_max_##nm)
#define NDM_EACH2(N, nm, t) NDM_LD3(N, N, N, NDM_FMMK_##nm(fmax))
static const NdmLoopDef fmax_loops[] = {
    NDM_FOR_EACH_NUMERIC(NDM_ON_BINT)
#undef NDM_EACH
#define NDM_EACH NDM_EACH2
    NDM_FOR_EACH_NUMERIC(NDM_ON_HF) NDM_FOR_EACH_NUMERIC(NDM_ON_C)
};
#undef NDM_EACH
#undef NDM_EACH2
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_min_##nm)
#define NDM_EACH2(N, nm, t) NDM_LD3(N, N, N, NDM_FMMK_##nm(fmin))
static const NdmLoopDef fmin_loops[] = {
    NDM_FOR_EACH_NUMERIC(NDM_ON_BINT)
#undef NDM_EACH
#define NDM_EACH NDM_EACH2
    NDM_FOR_EACH_NUMERIC(NDM_ON_HF) NDM_FOR_EACH_NUMERIC(NDM_ON_C)
};
#undef NDM_EACH
#undef NDM_EACH2
#undef NDM_FMMK_float16
#undef NDM_FMMK_float32
#undef NDM_FMMK_float64
#undef NDM_FMMK_complex64
#undef NDM_FMMK_complex128

/* int64 against uint64 compared exactly (NumPy's qQ->? and Qq->? loops):
 * a negative int64 is below every uint64. */
static inline ndm_bool eq_i64u64(int64_t a, uint64_t b) { return a >= 0 && (uint64_t)a == b; }
static inline ndm_bool ne_i64u64(int64_t a, uint64_t b) { return !eq_i64u64(a, b); }
static inline ndm_bool lt_i64u64(int64_t a, uint64_t b) { return a < 0 || (uint64_t)a < b; }
static inline ndm_bool le_i64u64(int64_t a, uint64_t b) { return a < 0 || (uint64_t)a <= b; }
static inline ndm_bool gt_i64u64(int64_t a, uint64_t b) { return !le_i64u64(a, b); }
static inline ndm_bool ge_i64u64(int64_t a, uint64_t b) { return !lt_i64u64(a, b); }
static inline ndm_bool eq_u64i64(uint64_t a, int64_t b) { return eq_i64u64(b, a); }
static inline ndm_bool ne_u64i64(uint64_t a, int64_t b) { return ne_i64u64(b, a); }
static inline ndm_bool lt_u64i64(uint64_t a, int64_t b) { return gt_i64u64(b, a); }
static inline ndm_bool le_u64i64(uint64_t a, int64_t b) { return ge_i64u64(b, a); }
static inline ndm_bool gt_u64i64(uint64_t a, int64_t b) { return lt_i64u64(b, a); }
static inline ndm_bool ge_u64i64(uint64_t a, int64_t b) { return le_i64u64(b, a); }
#define NDM_MIXED_SIGN_CMP(OP)                                              \
    NDM_BINARY_KERNEL(k_##OP##_i64u64, int64_t, uint64_t, ndm_bool, OP##_i64u64) \
    NDM_BINARY_KERNEL(k_##OP##_u64i64, uint64_t, int64_t, ndm_bool, OP##_u64i64)
NDM_MIXED_SIGN_CMP(eq)
NDM_MIXED_SIGN_CMP(ne)
NDM_MIXED_SIGN_CMP(lt)
NDM_MIXED_SIGN_CMP(le)
NDM_MIXED_SIGN_CMP(gt)
NDM_MIXED_SIGN_CMP(ge)
#undef NDM_MIXED_SIGN_CMP

#define NDM_CMP_LOOPS(OP)                                                   \
    static const NdmLoopDef OP##_loops[] = {                                \
        NDM_FOR_EACH_NUMERIC(NDM_ON_ALL)                                    \
    };
/* comparisons: the mixed-sign loops follow 'LL->?' as in NumPy's list */
#define NDM_ORDER_LOOPS(OP)                                                 \
    static const NdmLoopDef OP##_loops[] = {                                \
        NDM_FOR_EACH_NUMERIC(NDM_ON_BINT)                                   \
        NDM_LD3(INT64, UINT64, BOOL, k_##OP##_i64u64)                       \
        NDM_LD3(UINT64, INT64, BOOL, k_##OP##_u64i64)                       \
        NDM_FOR_EACH_NUMERIC(NDM_ON_HF)                                     \
        NDM_FOR_EACH_NUMERIC(NDM_ON_C)                                      \
    };
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_eq_##nm)
NDM_ORDER_LOOPS(eq)
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_ne_##nm)
NDM_ORDER_LOOPS(ne)
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_lt_##nm)
NDM_ORDER_LOOPS(lt)
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_le_##nm)
NDM_ORDER_LOOPS(le)
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_gt_##nm)
NDM_ORDER_LOOPS(gt)
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_ge_##nm)
NDM_ORDER_LOOPS(ge)
#undef NDM_EACH
#undef NDM_ORDER_LOOPS
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_land_##nm)
NDM_CMP_LOOPS(land)
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_lor_##nm)
NDM_CMP_LOOPS(lor)
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, BOOL, k_lxor_##nm)
NDM_CMP_LOOPS(lxor)
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, BOOL, k_lnot_##nm)
NDM_CMP_LOOPS(lnot)
#undef NDM_EACH
#undef NDM_CMP_LOOPS

#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_and_##nm)
static const NdmLoopDef and_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_BINT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_or_##nm)
static const NdmLoopDef or_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_BINT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_xor_##nm)
static const NdmLoopDef xor_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_BINT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, N, k_inv_##nm)
static const NdmLoopDef inv_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_BINT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_lshift_##nm)
static const NdmLoopDef lshift_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_INT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_rshift_##nm)
static const NdmLoopDef rshift_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_INT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_gcd_##nm)
static const NdmLoopDef gcd_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_INT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD3(N, N, N, k_lcm_##nm)
static const NdmLoopDef lcm_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_INT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD2(N, UINT8, k_popcnt_##nm)
static const NdmLoopDef popcnt_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_INT) };
#undef NDM_EACH
#define NDM_EACH(N, nm, t) NDM_LD4(N, N, N, N, k_clip_##nm)
static const NdmLoopDef clip_loops[] = { NDM_FOR_EACH_NUMERIC(NDM_ON_ALL) };
#undef NDM_EACH

/* ------------------------------------------------------------------ */
/* The ufunc table                                                     */

#define UF(name, nin, nout, ident, loops, doc)                              \
    {name, nin, nout, NDM_IDENTITY_##ident, doc, loops, NDM_NELEM(loops)},
#define UFM(name, nin, nout, ident, doc)                                    \
    UF(#name, nin, nout, ident, ndm_lmath_##name, doc)

const NdmUfuncDef ndm_ufunc_defs[] = {
    UF("add", 2, 1, ZERO, add_loops, "Add arguments element-wise.")
    UF("subtract", 2, 1, NONE, sub_loops, "Subtract arguments, element-wise.")
    UF("multiply", 2, 1, ONE, mul_loops, "Multiply arguments element-wise.")
    UF("divide", 2, 1, NONE, div_loops, "Divide arguments element-wise.")
    UF("floor_divide", 2, 1, NONE, fdiv_loops,
       "Return the largest integer smaller or equal to the division of the inputs.")
    UF("remainder", 2, 1, NONE, rem_loops,
       "Returns the element-wise remainder of division.")
    UF("fmod", 2, 1, NONE, fmod_loops,
       "Returns the element-wise remainder of division.")
    UF("divmod", 2, 2, NONE, divmod_loops,
       "Return element-wise quotient and remainder simultaneously.")
    UFM(power, 2, 1, NONE,
        "First array elements raised to powers from second array, element-wise.")
    UFM(float_power, 2, 1, NONE,
        "First array elements raised to powers from second array, element-wise.")
    UF("negative", 1, 1, NONE, neg_loops, "Numerical negative, element-wise.")
    UF("positive", 1, 1, NONE, pos_loops, "Numerical positive, element-wise.")
    UF("absolute", 1, 1, NONE, abs_loops,
       "Calculate the absolute value element-wise.")
    UFM(fabs, 1, 1, NONE, "Compute the absolute values element-wise.")
    UF("sign", 1, 1, NONE, sign_loops,
       "Returns an element-wise indication of the sign of a number.")
    UF("square", 1, 1, NONE, sq_loops,
       "Return the element-wise square of the input.")
    UF("reciprocal", 1, 1, NONE, recip_loops,
       "Return the reciprocal of the argument, element-wise.")
    UF("conjugate", 1, 1, NONE, conj_loops,
       "Return the complex conjugate, element-wise.")
    UFM(sqrt, 1, 1, NONE, "Return the non-negative square-root of an array, element-wise.")
    UFM(cbrt, 1, 1, NONE, "Return the cube-root of an array, element-wise.")
    UFM(exp, 1, 1, NONE, "Calculate the exponential of all elements in the input array.")
    UFM(exp2, 1, 1, NONE, "Calculate `2**p` for all `p` in the input array.")
    UFM(expm1, 1, 1, NONE, "Calculate ``exp(x) - 1`` for all elements in the array.")
    UFM(log, 1, 1, NONE, "Natural logarithm, element-wise.")
    UFM(log2, 1, 1, NONE, "Base-2 logarithm of `x`.")
    UFM(log10, 1, 1, NONE, "Return the base 10 logarithm of the input array, element-wise.")
    UFM(log1p, 1, 1, NONE, "Return the natural logarithm of one plus the input array, element-wise.")
    UFM(logaddexp, 2, 1, MINUS_INF, "Logarithm of the sum of exponentiations of the inputs.")
    UFM(logaddexp2, 2, 1, MINUS_INF,
        "Logarithm of the sum of exponentiations of the inputs in base-2.")
    UFM(sin, 1, 1, NONE, "Trigonometric sine, element-wise.")
    UFM(cos, 1, 1, NONE, "Cosine element-wise.")
    UFM(tan, 1, 1, NONE, "Compute tangent element-wise.")
    UFM(arcsin, 1, 1, NONE, "Inverse sine, element-wise.")
    UFM(arccos, 1, 1, NONE, "Trigonometric inverse cosine, element-wise.")
    UFM(arctan, 1, 1, NONE, "Trigonometric inverse tangent, element-wise.")
    UFM(arctan2, 2, 1, NONE,
        "Element-wise arc tangent of ``x1/x2`` choosing the quadrant correctly.")
    UFM(sinh, 1, 1, NONE, "Hyperbolic sine, element-wise.")
    UFM(cosh, 1, 1, NONE, "Hyperbolic cosine, element-wise.")
    UFM(tanh, 1, 1, NONE, "Compute hyperbolic tangent element-wise.")
    UFM(arcsinh, 1, 1, NONE, "Inverse hyperbolic sine element-wise.")
    UFM(arccosh, 1, 1, NONE, "Inverse hyperbolic cosine, element-wise.")
    UFM(arctanh, 1, 1, NONE, "Inverse hyperbolic tangent element-wise.")
    UFM(deg2rad, 1, 1, NONE, "Convert angles from degrees to radians.")
    UFM(rad2deg, 1, 1, NONE, "Convert angles from radians to degrees.")
    UFM(degrees, 1, 1, NONE, "Convert angles from radians to degrees.")
    UFM(radians, 1, 1, NONE, "Convert angles from degrees to radians.")
    UFM(hypot, 2, 1, ZERO, "Given the \"legs\" of a right triangle, return its hypotenuse.")
    UFM(floor, 1, 1, NONE, "Return the floor of the input, element-wise.")
    UFM(ceil, 1, 1, NONE, "Return the ceiling of the input, element-wise.")
    UFM(trunc, 1, 1, NONE, "Return the truncated value of the input, element-wise.")
    UFM(rint, 1, 1, NONE, "Round elements of the array to the nearest integer.")
    UFM(copysign, 2, 1, NONE, "Change the sign of x1 to that of x2, element-wise.")
    UFM(nextafter, 2, 1, NONE,
        "Return the next floating-point value after x1 towards x2, element-wise.")
    UFM(spacing, 1, 1, NONE,
        "Return the distance between x and the nearest adjacent number.")
    UFM(modf, 1, 2, NONE,
        "Return the fractional and integral parts of an array, element-wise.")
    UFM(frexp, 1, 2, NONE, "Decompose the elements of x into mantissa and twos exponent.")
    UFM(ldexp, 2, 1, NONE, "Returns x1 * 2**x2, element-wise.")
    UF("maximum", 2, 1, REORDERABLE, max_loops,
       "Element-wise maximum of array elements.")
    UF("minimum", 2, 1, REORDERABLE, min_loops,
       "Element-wise minimum of array elements.")
    UF("fmax", 2, 1, REORDERABLE, fmax_loops,
       "Element-wise maximum of array elements.")
    UF("fmin", 2, 1, REORDERABLE, fmin_loops,
       "Element-wise minimum of array elements.")
    UF("equal", 2, 1, NONE, eq_loops, "Return (x1 == x2) element-wise.")
    UF("not_equal", 2, 1, NONE, ne_loops, "Return (x1 != x2) element-wise.")
    UF("less", 2, 1, NONE, lt_loops, "Return the truth value of (x1 < x2) element-wise.")
    UF("less_equal", 2, 1, NONE, le_loops,
       "Return the truth value of (x1 <= x2) element-wise.")
    UF("greater", 2, 1, NONE, gt_loops,
       "Return the truth value of (x1 > x2) element-wise.")
    UF("greater_equal", 2, 1, NONE, ge_loops,
       "Return the truth value of (x1 >= x2) element-wise.")
    UF("logical_and", 2, 1, TRUE, land_loops,
       "Compute the truth value of x1 AND x2 element-wise.")
    UF("logical_or", 2, 1, FALSE, lor_loops,
       "Compute the truth value of x1 OR x2 element-wise.")
    UF("logical_xor", 2, 1, FALSE, lxor_loops,
       "Compute the truth value of x1 XOR x2, element-wise.")
    UF("logical_not", 1, 1, NONE, lnot_loops,
       "Compute the truth value of NOT x element-wise.")
    UF("bitwise_and", 2, 1, MINUS_ONE, and_loops,
       "Compute the bit-wise AND of two arrays element-wise.")
    UF("bitwise_or", 2, 1, ZERO, or_loops,
       "Compute the bit-wise OR of two arrays element-wise.")
    UF("bitwise_xor", 2, 1, ZERO, xor_loops,
       "Compute the bit-wise XOR of two arrays element-wise.")
    UF("invert", 1, 1, NONE, inv_loops,
       "Compute bit-wise inversion, or bit-wise NOT, element-wise.")
    UF("left_shift", 2, 1, NONE, lshift_loops,
       "Shift the bits of an integer to the left.")
    UF("right_shift", 2, 1, NONE, rshift_loops,
       "Shift the bits of an integer to the right.")
    UF("bitwise_count", 1, 1, NONE, popcnt_loops,
       "Computes the number of 1-bits in the absolute value of ``x``.")
    UF("gcd", 2, 1, ZERO, gcd_loops,
       "Returns the greatest common divisor of ``|x1|`` and ``|x2|``")
    UF("lcm", 2, 1, NONE, lcm_loops,
       "Returns the lowest common multiple of ``|x1|`` and ``|x2|``")
    UFM(isnan, 1, 1, NONE, "Test element-wise for NaN and return result as a boolean array.")
    UFM(isinf, 1, 1, NONE, "Test element-wise for positive or negative infinity.")
    UFM(isfinite, 1, 1, NONE, "Test element-wise for finiteness (not infinity and not Not a Number).")
    UFM(signbit, 1, 1, NONE, "Returns element-wise True where signbit is set (less than zero).")
    UFM(heaviside, 2, 1, NONE, "Compute the Heaviside step function.")
    UF("clip", 3, 1, NONE, clip_loops, "Clip (limit) the values in an array.")
};

const int ndm_ufunc_ndefs = NDM_NELEM(ndm_ufunc_defs);
