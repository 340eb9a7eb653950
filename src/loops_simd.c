/* Vectorized exp, log, sin and cos for float32/float64 loops: AVX-512
 * (loops_simd_avx512.c) or AVX2 + FMA (here), chosen once at load;
 * anything else keeps the libm kernels of loops_math.c.  Contiguous
 * operands are computed in place of the kernel's loop; strided ones are
 * gathered into a small buffer and scattered back.
 *
 * Each routine computes a "safe" domain in vector registers, where the
 * result is a normal number and no floating-point flag but inexact can
 * arise: exp on |x| <= 708 (float: [-87.3, 88.37]), log on normal
 * positive x, sin/cos on |x| <= 2^24.  Lanes outside it (NaN, inf, zero
 * or negative log arguments, subnormals, huge trigonometric arguments,
 * exp near its overflow and underflow thresholds) are computed again by
 * the libm function, so special values and the fenv flags NumPy reports
 * (overflow, underflow, divide-by-zero, invalid) are libm's; exp far past
 * those thresholds is set to inf/0 in vector with the flag.  Unsafe lanes
 * compute on a harmless input (AVX-512: every instruction suppresses
 * exceptions), so the vector arithmetic raises nothing on their behalf.
 *
 * The algorithms are the classic ones: Cody-Waite range reduction with
 * FMA (exp: x = k ln2/64 + r and a table of 2^(j/64); sin/cos:
 * x = q pi/2 + r, three-part pi/2), Taylor polynomials long enough for a truncation error
 * far below half an ulp, and for log the atanh series
 * log(1+f) = 2 atanh(f / (2 + f)) arranged as in fdlibm's e_log.c.
 * float32 runs the same designs in float lanes with shorter polynomials
 * (sin/cos reduced to +-sin r with a Chebyshev fit); float32 sin/cos
 * beyond 71476 use the double cores; float32 exp keeps the plain
 * x = k ln2 + r reduction.  Measured: float64 within 1.5 ulp
 * of mpmath, float32 within 2 ulp (tests/test_ufunc_simd.py checks 4). */
#include "loops_simd.h"

#ifdef NDM_SIMD_X86
#include <immintrin.h>
#endif

#ifdef NDM_SIMD_X86

#define TGT __attribute__((target("avx2,fma")))

#define V __m256d
#define VF __m256
#define SET1 _mm256_set1_pd
#define FMA _mm256_fmadd_pd
#define FNMA _mm256_fnmadd_pd
#define MUL _mm256_mul_pd
#define ADD _mm256_add_pd
#define SUB _mm256_sub_pd
#define ABS(x) _mm256_andnot_pd(SET1(-0.0), (x))
#define CMP _mm256_cmp_pd
#define BLEND _mm256_blendv_pd
#define ROUND(x) _mm256_round_pd((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

/* 2^k for integral k in [-1022, 1023], through the exponent field. */
static inline TGT V
pow2i(V k)
{
    __m256i b = _mm256_castpd_si256(ADD(k, SET1(4503599627370496.0 + 1023.0)));
    return _mm256_castsi256_pd(_mm256_slli_epi64(b, 52));
}

/* 2^(j/64), j = 0..63, rounded to double. */
static const double exp2_64ths[64] = {
    1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284,
    1.0442737824274138, 1.0556451783605572, 1.0671404006768237, 1.0787607977571199,
    1.0905077326652577, 1.102382583307841, 1.1143867425958924, 1.1265216186082418,
    1.1387886347566916, 1.1511892299529827, 1.1637248587775775, 1.1763969916502812,
    1.189207115002721, 1.202156731452703, 1.215247359980469, 1.22848053610687,
    1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783,
    1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303,
    1.3542555469368927, 1.3690024229745905, 1.383909881963832, 1.3989796725383112,
    1.4142135623730951, 1.42961333839197, 1.4451808069770467, 1.460917794180647,
    1.4768261459394993, 1.4929077282912648, 1.5091644275934228, 1.5255981507445384,
    1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267,
    1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364,
    1.681792830507429, 1.7001063537185235, 1.718619298122478, 1.7373338352737062,
    1.7562521603732995, 1.7753764925265212, 1.7947090750031072, 1.8142521755003989,
    1.8340080864093424, 1.8539791250833855, 1.8741676341103, 1.8945759815869656,
    1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951,
};

/* exp for |x| <= 708 and x not tiny enough to underflow r * r: the
 * result is normal.  x = (64 m + j) ln2/64 + r, |r| <= ln2/128,
 * exp(x) = 2^m 2^(j/64) exp(r); Taylor's truncation at r^5 is below
 * 2^-54 relative.  m goes straight into the exponent field. */
static inline TGT V
v_exp(V x)
{
    const V k = ROUND(MUL(x, SET1(92.33248261689366)));
    V r = FNMA(k, SET1(0.010830424696249145), x);
    r = FNMA(k, SET1(3.623510646634843e-19), r);
    const __m256i ki = _mm256_castpd_si256(ADD(k, SET1(6755399441055744.0)));
    const __m256i j = _mm256_and_si256(ki, _mm256_set1_epi64x(63));
    const V t = _mm256_i64gather_pd(exp2_64ths, j, 8);
    V p = SET1(0.008333333333333333);
    p = FMA(p, r, SET1(0.041666666666666664));
    p = FMA(p, r, SET1(0.16666666666666666));
    p = FMA(p, r, SET1(0.5));
    p = FMA(p, r, SET1(1.0));
    p = MUL(p, r);
    const V y = FMA(t, p, t);
    /* (k - j) << 46 is m << 52 for k = 64 m + j. */
    const __m256i e = _mm256_slli_epi64(_mm256_sub_epi64(ki, j), 46);
    return _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(y), e));
}

/* log for normal positive finite x.  x = 2^e m, m in [sqrt(1/2),
 * sqrt(2)), f = m - 1, s = f / (2 + f):
 * log(1 + f) = f - f^2/2 + s (f^2/2 + R), R = sum 2 s^2k / (2k + 1). */
static inline TGT V
v_log(V x)
{
    const __m256i bits = _mm256_castpd_si256(x);
    const __m256i ebits = _mm256_srli_epi64(bits, 52);
    V m = _mm256_castsi256_pd(_mm256_or_si256(
        _mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffLL)),
        _mm256_set1_epi64x(0x3ff0000000000000LL)));
    V e = SUB(_mm256_castsi256_pd(_mm256_or_si256(
                  ebits, _mm256_castpd_si256(SET1(4503599627370496.0)))),
              SET1(4503599627370496.0 + 1023.0));
    const V big = CMP(m, SET1(1.4142135623730951), _CMP_GT_OQ);
    m = BLEND(m, MUL(m, SET1(0.5)), big);
    e = ADD(e, _mm256_and_pd(big, SET1(1.0)));
    const V f = SUB(m, SET1(1.0));
    const V s = _mm256_div_pd(f, ADD(f, SET1(2.0)));
    const V z = MUL(s, s);
    V p = SET1(0.09523809523809523);
    p = FMA(p, z, SET1(0.10526315789473684));
    p = FMA(p, z, SET1(0.11764705882352941));
    p = FMA(p, z, SET1(0.13333333333333333));
    p = FMA(p, z, SET1(0.15384615384615385));
    p = FMA(p, z, SET1(0.18181818181818182));
    p = FMA(p, z, SET1(0.2222222222222222));
    p = FMA(p, z, SET1(0.2857142857142857));
    p = FMA(p, z, SET1(0.4));
    p = FMA(p, z, SET1(0.6666666666666666));
    const V R = MUL(p, z);
    const V hfsq = MUL(SET1(0.5), MUL(f, f));
    /* e ln2_hi is exact (ln2_hi ends in 21 zero bits). */
    V t = FMA(s, ADD(hfsq, R), MUL(e, SET1(1.9082149292705877e-10)));
    t = SUB(SUB(hfsq, t), f);
    return FMA(e, SET1(0.6931471803691238), SUB(SET1(0.0), t));
}

/* sin (cosine = 0) or cos (cosine = 1) for |x| <= 2^24: r = x - q pi/2
 * with pi/2 in three doubles (the first product is exact under FMA). */
static inline TGT V
v_sincos(V x, int cosine)
{
    const V q = ROUND(MUL(x, SET1(0.6366197723675814)));
    V r = FNMA(q, SET1(1.5707963267948966), x);
    r = FNMA(q, SET1(6.123233995736766e-17), r);
    r = FNMA(q, SET1(-1.4973849048591698e-33), r);
    const V z = MUL(r, r);
    V ps = SET1(2.8114572543455206e-15);
    ps = FMA(ps, z, SET1(-7.647163731819816e-13));
    ps = FMA(ps, z, SET1(1.6059043836821613e-10));
    ps = FMA(ps, z, SET1(-2.505210838544172e-08));
    ps = FMA(ps, z, SET1(2.7557319223985893e-06));
    ps = FMA(ps, z, SET1(-0.0001984126984126984));
    ps = FMA(ps, z, SET1(0.008333333333333333));
    ps = FMA(ps, z, SET1(-0.16666666666666666));
    const V sr = FMA(MUL(r, z), ps, r);
    V pc = SET1(4.779477332387385e-14);
    pc = FMA(pc, z, SET1(-1.1470745597729725e-11));
    pc = FMA(pc, z, SET1(2.08767569878681e-09));
    pc = FMA(pc, z, SET1(-2.755731922398589e-07));
    pc = FMA(pc, z, SET1(2.48015873015873e-05));
    pc = FMA(pc, z, SET1(-0.001388888888888889));
    pc = FMA(pc, z, SET1(0.041666666666666664));
    const V cr = FMA(MUL(z, z), pc, FNMA(SET1(0.5), z, SET1(1.0)));
    /* Quadrant q (+1 for cos): bit 0 picks cos r, bit 1 negates. */
    __m256i qi = _mm256_castpd_si256(ADD(q, SET1(6755399441055744.0)));
    qi = _mm256_add_epi64(qi, _mm256_set1_epi64x(cosine));
    const V swap = _mm256_castsi256_pd(_mm256_cmpeq_epi64(
        _mm256_and_si256(qi, _mm256_set1_epi64x(1)), _mm256_set1_epi64x(1)));
    const V sign = _mm256_castsi256_pd(_mm256_slli_epi64(
        _mm256_and_si256(qi, _mm256_set1_epi64x(2)), 62));
    return _mm256_xor_pd(BLEND(sr, cr, swap), sign);
}

/* float32 in float lanes, for the cores' shorter float polynomials
 * (Taylor to r^7 for exp, z^4 for log's series, a fit to r^11 for sin). */
#define SET1F _mm256_set1_ps
#define FMAF _mm256_fmadd_ps
#define FNMAF _mm256_fnmadd_ps
#define MULF _mm256_mul_ps
#define ADDF _mm256_add_ps
#define SUBF _mm256_sub_ps
#define ROUNDF(x) _mm256_round_ps((x), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

/* exp for x in [-87.3, 88.37] (2^k stays a normal float, the result too). */
static inline TGT VF
vf_exp(VF x)
{
    const VF k = ROUNDF(MULF(x, SET1F(1.4426950216293335f)));
    VF r = FNMAF(k, SET1F(0.6931471824645996f), x);
    r = FNMAF(k, SET1F(-1.9046542121259336e-09f), r);
    VF p = SET1F(0.00019841270113829523f);
    p = FMAF(p, r, SET1F(0.0013888889225199819f));
    p = FMAF(p, r, SET1F(0.008333333767950535f));
    p = FMAF(p, r, SET1F(0.0416666679084301f));
    p = FMAF(p, r, SET1F(0.1666666716337204f));
    p = FMAF(p, r, SET1F(0.5f));
    p = FMAF(p, r, SET1F(1.0f));
    p = FMAF(p, r, SET1F(1.0f));
    const __m256i e = _mm256_slli_epi32(
        _mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return MULF(p, _mm256_castsi256_ps(e));
}

/* log for normal positive finite floats (as v_log). */
static inline TGT VF
vf_log(VF x)
{
    const __m256i bits = _mm256_castps_si256(x);
    VF m = _mm256_castsi256_ps(_mm256_or_si256(
        _mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)),
        _mm256_set1_epi32(0x3f800000)));
    VF e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23),
                                               _mm256_set1_epi32(127)));
    const VF big = _mm256_cmp_ps(m, SET1F(1.4142135381698608f), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, MULF(m, SET1F(0.5f)), big);
    e = ADDF(e, _mm256_and_ps(big, SET1F(1.0f)));
    const VF f = SUBF(m, SET1F(1.0f));
    const VF s = _mm256_div_ps(f, ADDF(f, SET1F(2.0f)));
    const VF z = MULF(s, s);
    VF p = SET1F(0.2222222238779068f);
    p = FMAF(p, z, SET1F(0.2857142984867096f));
    p = FMAF(p, z, SET1F(0.4000000059604645f));
    p = FMAF(p, z, SET1F(0.6666666865348816f));
    const VF R = MULF(p, z);
    const VF hfsq = MULF(SET1F(0.5f), MULF(f, f));
    /* e ln2_hi is exact (ln2_hi ends in 12 zero bits). */
    VF t = FMAF(s, ADDF(hfsq, R), MULF(e, SET1F(3.194618329871446e-05f)));
    t = SUBF(SUBF(hfsq, t), f);
    return FMAF(e, SET1F(0.693115234375f), SUBF(_mm256_setzero_ps(), t));
}

/* sin/cos for |x| <= 71476 with one polynomial: x = q pi/2 + r with q
 * even for sin (q = 2 rint(x / pi)) and odd for cos (q = 2 rint(x / pi -
 * 1/2) + 1), so that the result is +-sin r, |r| <= pi/2, the sign from
 * bit 1 of q + cosine.  pi/2 in three floats: beyond 71476, q times the
 * last piece's error would show; those vectors take the double cores.
 * The polynomial in r^2 is a Chebyshev fit of (sin r - r) / r^3. */
static inline TGT VF
vf_sincos(VF x, int cosine)
{
    VF h = MULF(x, SET1F(0.3183098861837907f));
    if (cosine) {
        h = SUBF(h, SET1F(0.5f));
    }
    const VF m = ROUNDF(h);
    VF q = ADDF(m, m);
    if (cosine) {
        q = ADDF(q, SET1F(1.0f));
    }
    VF r = FNMAF(q, SET1F(1.5707963705062866f), x);
    r = FNMAF(q, SET1F(-4.371138828673793e-08f), r);
    r = FNMAF(q, SET1F(-1.7151245100058819e-15f), r);
    const VF z = MULF(r, r);
    VF p = SET1F(-2.4080094362943782e-08f);
    p = FMAF(p, z, SET1F(2.753645958364359e-06f));
    p = FMAF(p, z, SET1F(-0.00019841086759697646f));
    p = FMAF(p, z, SET1F(0.00833333283662796f));
    p = FMAF(p, z, SET1F(-0.1666666716337204f));
    const VF sr = FMAF(MULF(r, z), p, r);
    const __m256i qi = _mm256_add_epi32(_mm256_cvtps_epi32(q),
                                        _mm256_set1_epi32(cosine));
    const VF sign = _mm256_castsi256_ps(_mm256_slli_epi32(
        _mm256_and_si256(qi, _mm256_set1_epi32(2)), 30));
    return _mm256_xor_ps(sr, sign);
}

static inline TGT VF vf_sin(VF x) { return vf_sincos(x, 0); }
static inline TGT VF vf_cos(VF x) { return vf_sincos(x, 1); }

/* The float pipeline: TINYF zeroes arguments whose function rounds to
 * 1 (exp below 2^-25, cos below 2^-12) or to x (sin below 2^-12, put
 * back by OUTF) and whose polynomial products would underflow. */
static inline TGT VF
tinyf_below(VF x, float lim)
{
    return _mm256_and_ps(x, _mm256_cmp_ps(_mm256_andnot_ps(SET1F(-0.0f), x),
                                          SET1F(lim), _CMP_GE_OQ));
}

#define tinyf_exp(x) tinyf_below((x), 0x1p-25f)
#define tinyf_log(x) (x)
#define tinyf_sin(x) tinyf_below((x), 0x1p-12f)
#define tinyf_cos(x) tinyf_below((x), 0x1p-12f)
#define outf_exp(y, x) (y)
#define outf_log(y, x) (y)
#define outf_cos(y, x) (y)
#define outf_sin(y, x) _mm256_blendv_ps((y), (x), _mm256_cmp_ps(          \
    _mm256_andnot_ps(SET1F(-0.0f), (x)), SET1F(0x1p-12f), _CMP_LT_OQ))

/* Vectors with an argument beyond the float reduction's range (sin/cos
 * of |x| > 71476) take the double cores. */
#define WIDE_exp(ax) 0
#define WIDE_log(ax) 0
#define WIDE_sin(ax) _mm256_movemask_ps(_mm256_cmp_ps((ax), SET1F(71476.0f), _CMP_GT_OQ))
#define WIDE_cos WIDE_sin

/* Per function: the safe lanes (ok), the harmless input H that unsafe
 * lanes compute on, TINY: inputs too small for the polynomial's products
 * (they would underflow) become 0, and OUT: the final touch on the
 * result.  exp(x) rounds to 1 below 2^-54; sin x rounds to x below
 * 2^-26 (and keeps the sign of zero), cos x to 1. */
static inline TGT V
ok_exp(V x, V ax)
{
    (void)x;
    return CMP(ax, SET1(708.0), _CMP_LE_OQ);
}

static inline TGT V
ok_log(V x, V ax)
{
    (void)ax;
    return _mm256_and_pd(CMP(x, SET1(DBL_MIN), _CMP_GE_OQ),
                         CMP(x, SET1(DBL_MAX), _CMP_LE_OQ));
}

static inline TGT V
ok_sin(V x, V ax)
{
    return _mm256_and_pd(CMP(ax, SET1(0x1p24), _CMP_LE_OQ),
                         _mm256_or_pd(CMP(ax, SET1(DBL_MIN), _CMP_GE_OQ),
                                      CMP(x, SET1(0.0), _CMP_EQ_OQ)));
}

static inline TGT VF
okf_exp(VF x, VF ax)
{
    return _mm256_and_ps(
        _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_GE_OQ),
                      _mm256_cmp_ps(x, _mm256_set1_ps(88.37f), _CMP_LE_OQ)),
        _mm256_or_ps(_mm256_cmp_ps(ax, _mm256_set1_ps(FLT_MIN), _CMP_GE_OQ),
                     _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_EQ_OQ)));
}

static inline TGT VF
okf_log(VF x, VF ax)
{
    (void)ax;
    return _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(FLT_MIN), _CMP_GE_OQ),
                         _mm256_cmp_ps(x, _mm256_set1_ps(FLT_MAX), _CMP_LE_OQ));
}

static inline TGT VF
okf_sin(VF x, VF ax)
{
    return _mm256_and_ps(
        _mm256_cmp_ps(ax, _mm256_set1_ps(0x1p24f), _CMP_LE_OQ),
        _mm256_or_ps(_mm256_cmp_ps(ax, _mm256_set1_ps(FLT_MIN), _CMP_GE_OQ),
                     _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_EQ_OQ)));
}

static inline TGT V
tiny_exp(V x)
{
    return _mm256_and_pd(x, CMP(ABS(x), SET1(0x1p-54), _CMP_GE_OQ));
}

static inline TGT V
tiny_sin(V x)
{
    return _mm256_and_pd(x, CMP(ABS(x), SET1(0x1p-26), _CMP_GE_OQ));
}

static inline TGT V
tiny_log(V x)
{
    return x;
}

static inline TGT V
out_exp(V y, V x)
{
    (void)x;
    return y;
}

static inline TGT V
out_sin(V y, V x)
{
    return BLEND(y, x, CMP(ABS(x), SET1(0x1p-26), _CMP_LT_OQ));
}

static inline TGT V v_sin(V x) { return v_sincos(x, 0); }
static inline TGT V v_cos(V x) { return v_sincos(x, 1); }

#define ok_cos ok_sin
#define okf_cos okf_sin
#define tiny_cos tiny_sin
#define out_log out_exp
#define out_cos out_exp

/* exp far beyond the safe domain is inf (overflow) or 0 (underflow)
 * without a libm call per lane (data with many such lanes stays fast):
 * CLAMP sets those lanes of *y, adds the flag to *flags and returns their
 * movemask bits.  The bounds leave libm the lanes near the thresholds. */
static inline TGT int
clamp_exp(V x, V *y, int *flags)
{
    const V inf = SET1(INFINITY);
    const V hi = _mm256_andnot_pd(CMP(x, inf, _CMP_EQ_OQ),
                                  CMP(x, SET1(709.8), _CMP_GT_OQ));
    const V lo = _mm256_and_pd(CMP(x, SET1(-745.2), _CMP_LT_OQ),
                               CMP(x, SET1(-INFINITY), _CMP_NEQ_OQ));
    *y = BLEND(_mm256_andnot_pd(lo, *y), inf, hi);
    const int mh = _mm256_movemask_pd(hi), ml = _mm256_movemask_pd(lo);
    *flags |= (mh ? FE_OVERFLOW : 0) | (ml ? FE_UNDERFLOW : 0);
    return mh | ml;
}

static inline TGT int
clampf_exp(VF x, VF *y, int *flags)
{
    const VF inf = _mm256_set1_ps(INFINITY);
    const VF hi = _mm256_andnot_ps(_mm256_cmp_ps(x, inf, _CMP_EQ_OQ),
                                   _mm256_cmp_ps(x, _mm256_set1_ps(88.8f), _CMP_GT_OQ));
    const VF lo = _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-104.0f), _CMP_LT_OQ),
                                _mm256_cmp_ps(x, _mm256_set1_ps(-INFINITY), _CMP_NEQ_OQ));
    *y = _mm256_blendv_ps(_mm256_andnot_ps(lo, *y), inf, hi);
    const int mh = _mm256_movemask_ps(hi), ml = _mm256_movemask_ps(lo);
    *flags |= (mh ? FE_OVERFLOW : 0) | (ml ? FE_UNDERFLOW : 0);
    return mh | ml;
}

#define clamp_none(x, y, flags) 0
#define clamp_log clamp_none
#define clamp_sin clamp_none
#define clamp_cos clamp_none
#define clampf_log clamp_none
#define clampf_sin clamp_none
#define clampf_cos clamp_none

/* The whole pipeline on one vector of sanitized doubles. */
#define NDM_SIMD_EVAL(FN, xin) out_##FN(v_##FN(tiny_##FN(xin)), (xin))

/* Contiguous loops: whole vectors, then the tail through a padded buffer
 * (the padding is H, a safe input), then libm for the unsafe lanes, read
 * from the loaded vector (the output may be the input). */
#define NDM_SIMD_LOOPS(FN)                                                  \
static TGT void                                                             \
FN##_f64_avx2(const double *a, double *o, Py_ssize_t n)                     \
{                                                                           \
    int flags = 0;                                                          \
    for (Py_ssize_t i = 0; i < n; i += 4) {                                 \
        const Py_ssize_t left = n - i < 4 ? n - i : 4;                      \
        const double h = NDM_SIMD_H_##FN;                                   \
        double buf[4] = {h, h, h, h};                                       \
        V x;                                                                \
        if (left == 4) {                                                    \
            x = _mm256_loadu_pd(a + i);                                     \
        }                                                                   \
        else {                                                              \
            memcpy(buf, a + i, (size_t)left * sizeof(double));              \
            x = _mm256_loadu_pd(buf);                                       \
        }                                                                   \
        const V ok = ok_##FN(x, ABS(x));                                    \
        const V xin = BLEND(SET1(NDM_SIMD_H_##FN), x, ok);                  \
        V y = NDM_SIMD_EVAL(FN, xin);                                       \
        int m = _mm256_movemask_pd(ok);                                     \
        if (m != 0xf) {                                                     \
            m |= clamp_##FN(x, &y, &flags);                                 \
        }                                                                   \
        if (left == 4) {                                                    \
            _mm256_storeu_pd(o + i, y);                                     \
        }                                                                   \
        else {                                                              \
            _mm256_storeu_pd(buf, y);                                       \
            memcpy(o + i, buf, (size_t)left * sizeof(double));              \
        }                                                                   \
        if (m != 0xf) {                                                     \
            double xs[4];                                                   \
            _mm256_storeu_pd(xs, x);                                        \
            ndm_simd_fix_f64(FN, xs, o + i, left, (unsigned)m);             \
        }                                                                   \
    }                                                                       \
    if (flags) {                                                            \
        feraiseexcept(flags);                                               \
    }                                                                       \
}                                                                           \
                                                                            \
static TGT void                                                             \
FN##_f32_avx2(const float *a, float *o, Py_ssize_t n)                       \
{                                                                           \
    int flags = 0;                                                          \
    for (Py_ssize_t i = 0; i < n; i += 8) {                                 \
        const Py_ssize_t left = n - i < 8 ? n - i : 8;                      \
        float buf[8];                                                       \
        VF x;                                                               \
        if (left == 8) {                                                    \
            x = _mm256_loadu_ps(a + i);                                     \
        }                                                                   \
        else {                                                              \
            for (int k = 0; k < 8; k++) {                                   \
                buf[k] = (float)NDM_SIMD_H_##FN;                            \
            }                                                               \
            memcpy(buf, a + i, (size_t)left * sizeof(float));               \
            x = _mm256_loadu_ps(buf);                                       \
        }                                                                   \
        const VF ok = okf_##FN(x, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x)); \
        const VF xin = _mm256_blendv_ps(                                    \
            _mm256_set1_ps((float)NDM_SIMD_H_##FN), x, ok);                 \
        VF y;                                                               \
        if (WIDE_##FN(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), xin))) {      \
            const V lo = _mm256_cvtps_pd(_mm256_castps256_ps128(xin));      \
            const V hi = _mm256_cvtps_pd(_mm256_extractf128_ps(xin, 1));    \
            y = _mm256_insertf128_ps(                                       \
                _mm256_castps128_ps256(_mm256_cvtpd_ps(NDM_SIMD_EVAL(FN, lo))), \
                _mm256_cvtpd_ps(NDM_SIMD_EVAL(FN, hi)), 1);                 \
        }                                                                   \
        else {                                                              \
            y = outf_##FN(vf_##FN(tinyf_##FN(xin)), xin);                   \
        }                                                                   \
        int m = _mm256_movemask_ps(ok);                                     \
        if (m != 0xff) {                                                    \
            m |= clampf_##FN(x, &y, &flags);                                \
        }                                                                   \
        if (left == 8) {                                                    \
            _mm256_storeu_ps(o + i, y);                                     \
        }                                                                   \
        else {                                                              \
            _mm256_storeu_ps(buf, y);                                       \
            memcpy(o + i, buf, (size_t)left * sizeof(float));               \
        }                                                                   \
        if (m != 0xff) {                                                    \
            float xs[8];                                                    \
            _mm256_storeu_ps(xs, x);                                        \
            ndm_simd_fix_f32(FN##f, xs, o + i, left, (unsigned)m,           \
                             NDM_SIMD_SUBUF_##FN);                          \
        }                                                                   \
    }                                                                       \
    if (flags) {                                                            \
        feraiseexcept(flags);                                               \
    }                                                                       \
}

NDM_SIMD_LOOPS(exp)
NDM_SIMD_LOOPS(log)
NDM_SIMD_LOOPS(sin)
NDM_SIMD_LOOPS(cos)

/* The kernels chosen at load; NULL leaves the loop to libm.
 * NDMEM_SIMD_ISA=avx2 or =generic caps them below what the CPU offers, so
 * that tests reach every path on any machine. */
typedef void (*kernel_f32)(const float *, float *, Py_ssize_t);
typedef void (*kernel_f64)(const double *, double *, Py_ssize_t);
#define NDM_SIMD_KERNELS(FN)                                                \
    static kernel_f32 FN##_f32_kernel;                                      \
    static kernel_f64 FN##_f64_kernel;
NDM_SIMD_KERNELS(exp)
NDM_SIMD_KERNELS(log)
NDM_SIMD_KERNELS(sin)
NDM_SIMD_KERNELS(cos)
#undef NDM_SIMD_KERNELS

#define NDM_SIMD_SET(FN, f32k, f64k)                                        \
    do {                                                                    \
        FN##_f32_kernel = f32k;                                             \
        FN##_f64_kernel = f64k;                                             \
    } while (0)

int ndm_simd_avx512;

/* A constructor, so the choice is made before any thread can run a loop. */
__attribute__((constructor)) static void
simd_init(void)
{
    const char *cap = getenv("NDMEM_SIMD_ISA");
    const int generic = cap != NULL && strcmp(cap, "generic") == 0;
    const int avx2_only = generic || (cap != NULL && strcmp(cap, "avx2") == 0);
    __builtin_cpu_init();
    if (generic) {
        return;
    }
    if (!avx2_only && __builtin_cpu_supports("avx512f") &&
            __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("fma")) {
        ndm_simd_avx512 = 1;
        NDM_SIMD_SET(exp, ndm_simd512_exp_f32, ndm_simd512_exp_f64);
        NDM_SIMD_SET(log, ndm_simd512_log_f32, ndm_simd512_log_f64);
        NDM_SIMD_SET(sin, ndm_simd512_sin_f32, ndm_simd512_sin_f64);
        NDM_SIMD_SET(cos, ndm_simd512_cos_f32, ndm_simd512_cos_f64);
    }
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        NDM_SIMD_SET(exp, exp_f32_avx2, exp_f64_avx2);
        NDM_SIMD_SET(log, log_f32_avx2, log_f64_avx2);
        NDM_SIMD_SET(sin, sin_f32_avx2, sin_f64_avx2);
        NDM_SIMD_SET(cos, cos_f32_avx2, cos_f64_avx2);
    }
}
#undef NDM_SIMD_SET

/* The byte range [lo, hi) that n elements of size item at step s cover. */
static void
extent(const char *p, Py_ssize_t n, Py_ssize_t s, Py_ssize_t item,
       const char **lo, const char **hi)
{
    const Py_ssize_t span = (n - 1) * s;
    *lo = span < 0 ? p + span : p;
    *hi = (span < 0 ? p : p + span) + item;
}

/* Strided operands go through a stack buffer in chunks: gather, the
 * contiguous loop in place, scatter.  Only when the operands are disjoint
 * or the very same elements, so the chunking cannot change a result. */
#define NDM_SIMD_CHUNK 256

#define NDM_SIMD_ENTRY(FN, nm, t, sfx)                                      \
int                                                                         \
ndm_simd_##FN##_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps)    \
{                                                                           \
    const Py_ssize_t is = steps[0], os = steps[1], sz = sizeof(t);          \
    if (n <= 0 || FN##_##sfx##_kernel == NULL) {                            \
        return 0;                                                           \
    }                                                                       \
    if (is == sz && os == sz) {                                             \
        if (!NDM_SAME_OR_DISJOINT(args[0], n * sz, args[1], n * sz)) {      \
            return 0;                                                       \
        }                                                                   \
        FN##_##sfx##_kernel((const t *)args[0], (t *)args[1], n);           \
        return 1;                                                           \
    }                                                                       \
    const char *ilo, *ihi, *olo, *ohi;                                      \
    extent(args[0], n, is, sz, &ilo, &ihi);                                 \
    extent(args[1], n, os, sz, &olo, &ohi);                                 \
    if (!(ihi <= olo || ohi <= ilo || (args[0] == args[1] && is == os))) {  \
        return 0;                                                           \
    }                                                                       \
    t buf[NDM_SIMD_CHUNK];                                                  \
    const char *ip = args[0];                                               \
    char *op = args[1];                                                     \
    for (Py_ssize_t i = 0; i < n; i += NDM_SIMD_CHUNK) {                    \
        const Py_ssize_t c = n - i < NDM_SIMD_CHUNK ? n - i : NDM_SIMD_CHUNK; \
        for (Py_ssize_t k = 0; k < c; k++, ip += is) {                      \
            memcpy(&buf[k], ip, sizeof(t));                                 \
        }                                                                   \
        FN##_##sfx##_kernel(buf, buf, c);                                   \
        for (Py_ssize_t k = 0; k < c; k++, op += os) {                      \
            memcpy(op, &buf[k], sizeof(t));                                 \
        }                                                                   \
    }                                                                       \
    return 1;                                                               \
}

#else  /* no x86-64 vector path: the libm kernels run */

#define NDM_SIMD_ENTRY(FN, nm, t, sfx)                                      \
int                                                                         \
ndm_simd_##FN##_##nm(char **args, Py_ssize_t n, const Py_ssize_t *steps)    \
{                                                                           \
    (void)args; (void)n; (void)steps;                                       \
    return 0;                                                               \
}

#endif

#define NDM_SIMD_ENTRIES(FN)                                                \
    NDM_SIMD_ENTRY(FN, float32, float, f32)                                 \
    NDM_SIMD_ENTRY(FN, float64, double, f64)
NDM_SIMD_ENTRIES(exp)
NDM_SIMD_ENTRIES(log)
NDM_SIMD_ENTRIES(sin)
NDM_SIMD_ENTRIES(cos)
