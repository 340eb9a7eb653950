/* AVX-512 exp, log, sin and cos for contiguous float32/float64 data,
 * chosen at run time by loops_simd.c (whose header comment gives the
 * contract: a safe domain in vector registers, libm for the other lanes,
 * exp clamped far past its thresholds, the float32 SUBUF rule).
 *
 * Every arithmetic instruction suppresses floating-point exceptions
 * (embedded rounding, {rn-sae}), so lanes outside the safe domain may
 * compute on whatever they hold and tiny arguments need no guard against
 * spurious underflow: the flags NumPy reports come from libm alone.
 * Zen 4 runs gathers and divisions slowly, so neither appears:
 * - exp: x = N ln2 + r with N = k/16 (the shifter leaves 4 fractional
 *   bits), 2^(k/16 mod 1) from a 16-entry table read by a register
 *   permute, a degree-6 polynomial for exp(r), 2^floor(N) by scalef;
 * - log: getmant/getexp split x = 2^e m, m in [0.75, 1.5); c = the
 *   multiple of 1/16 nearest m (13 values) indexes tables of 1/c rounded
 *   (invc) and -log(invc) in two parts, r = m invc - 1 is one rounding
 *   (exact for c = 1, so log near 1 keeps its relative accuracy), and
 *   log(1 + r) is a degree-10 polynomial (degree 6 for float32);
 * - sin/cos: x = q pi/2 + r with q even for sin and odd for cos, so the
 *   result is +-sin r, |r| <= pi/2, from one polynomial (a minimax fit in
 *   float64, the AVX2 fit in float32) instead of both sin and cos of a
 *   quarter-period remainder.
 * Polynomials are Lawson/minimax fits made with mpmath; measured errors
 * are below 1.5 ulp (tests/test_ufunc_simd.py checks 4). */
#include "loops_simd.h"

#ifdef NDM_SIMD_X86
#include <immintrin.h>

#define TGT __attribute__((target("avx512f,avx512dq,avx512vl,fma")))

typedef __m512d V;
typedef __m512 VF;

#define RN (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define SET1 _mm512_set1_pd
#define FMA(a, b, c) _mm512_fmadd_round_pd((a), (b), (c), RN)
#define FNMA(a, b, c) _mm512_fnmadd_round_pd((a), (b), (c), RN)
#define MUL(a, b) _mm512_mul_round_pd((a), (b), RN)
#define ADD(a, b) _mm512_add_round_pd((a), (b), RN)
#define SUB(a, b) _mm512_sub_round_pd((a), (b), RN)
#define CMP _mm512_cmp_pd_mask
#define SET1F _mm512_set1_ps
#define FMAF(a, b, c) _mm512_fmadd_round_ps((a), (b), (c), RN)
#define FNMAF(a, b, c) _mm512_fnmadd_round_ps((a), (b), (c), RN)
#define MULF(a, b) _mm512_mul_round_ps((a), (b), RN)
#define ADDF(a, b) _mm512_add_round_ps((a), (b), RN)
#define SUBF(a, b) _mm512_sub_round_ps((a), (b), RN)
#define CMPF _mm512_cmp_ps_mask
/* fpclass categories: subnormal; anything but a positive finite number. */
#define FPC_DENORM 0x20
#define FPC_NOT_POSITIVE 0xdf

/* Adding 1.5 * 2^52 (2^23 for floats) rounds to an integer and leaves it
 * in the low bits of the sum (two's complement). */
#define SHIFT 0x1.8p52
#define SHIFTF 0x1.8p23f

/* 2^(j/16) rounded. */
static const double EXP_HI[16] = {
    1.0, 1.0442737824274138, 1.0905077326652577, 1.1387886347566916,
    1.189207115002721, 1.241857812073484, 1.2968395546510096, 1.3542555469368927,
    1.4142135623730951, 1.4768261459394993, 1.5422108254079407, 1.6104903319492543,
    1.681792830507429, 1.7562521603732995, 1.8340080864093424, 1.9152065613971474,
};
/* Slot K mod 16 for c = K/16, K = 12..24 (slots 9-11 unused):
 * invc = 16/K rounded, -log(invc) = LOGC_HI + LOGC_LO. */
static const double INVC[16] = {
    1.0, 0.9411764705882353, 0.8888888888888888, 0.8421052631578947,
    0.8, 0.7619047619047619, 0.7272727272727273, 0.6956521739130435,
    0.6666666666666666, 1.0, 1.0, 1.0,
    1.3333333333333333, 1.2307692307692308, 1.1428571428571428, 1.0666666666666667,
};
static const double LOGC_HI[16] = {
    0.0, 0.060624621816434854, 0.11778303565638351, 0.17185025692665928,
    0.2231435513142097, 0.2719337154836418, 0.3184537311185346, 0.3629054936893685,
    0.40546510810816444, 0.0, 0.0, 0.0,
    -0.28768207245178085, -0.20763936477824455, -0.13353139262452257, -0.06453852113757116,
};
static const double LOGC_LO[16] = {
    0.0, 2.6424025938726934e-18, -1.1971685747593662e-18, -6.022453821011369e-18,
    -9.091270597324798e-18, 7.833196376974436e-19, -6.407962483026777e-19, 6.2632141603179415e-18,
    -2.881138025962641e-18, 0.0, 0.0, 0.0,
    -2.6071606164425637e-17, -1.2053243216686127e-17, 3.664457663660086e-18, 6.470486661692933e-18,
};
static const float INVCF[16] = {
    1.0f, 0.9411764740943909f, 0.8888888955116272f, 0.8421052694320679f,
    0.800000011920929f, 0.761904776096344f, 0.7272727489471436f, 0.695652186870575f,
    0.6666666865348816f, 1.0f, 1.0f, 1.0f,
    1.3333333730697632f, 1.2307692766189575f, 1.1428571939468384f, 1.0666667222976685f,
};
static const float LOGCF_HI[16] = {
    0.0f, 0.0606246180832386f, 0.11778302490711212f, 0.17185024917125702f,
    0.2231435328722f, 0.2719337046146393f, 0.31845369935035706f, 0.36290547251701355f,
    0.4054650664329529f, 0.0f, 0.0f, 0.0f,
    -0.28768211603164673f, -0.2076393961906433f, -0.13353143632411957f, -0.06453857570886612f,
};
static const float LOGCF_LO[16] = {
    0.0f, 7.905949332698281e-12f, 3.2986906539633765e-09f, 3.048216401513315e-10f,
    3.540848725336332e-09f, -7.75744890546548e-09f, 1.965855700447605e-09f, 2.5459034880270792e-09f,
    1.1872889338349069e-08f, 0.0f, 0.0f, 0.0f,
    1.3777543550475002e-08f, -5.840503636278527e-09f, -1.0038856412819541e-09f, 2.4172321921867024e-09f,
};

/* A 16-entry table of doubles indexed by the low 4 bits of idx. */
static inline TGT V
lookup16(const double *tab, __m512i idx)
{
    return _mm512_permutex2var_pd(_mm512_loadu_pd(tab), idx, _mm512_loadu_pd(tab + 8));
}

/* exp for |x| <= 708 (the result is normal). */
static inline TGT V
d_exp(V x)
{
    /* The shifter 1.5 * 2^48 rounds to multiples of 1/16: N = k/16. */
    const V t = FMA(x, SET1(1.4426950408889634), SET1(0x1.8p48));
    const V n = SUB(t, SET1(0x1.8p48));
    /* N ln2_hi is a multiple of 2^-57 and r is below 2^-5: the first
     * step is exact. */
    V r = FNMA(n, SET1(0.6931471805599453), x);
    r = FNMA(n, SET1(2.3190468138462996e-17), r);
    const V th = lookup16(EXP_HI, _mm512_castpd_si512(t));
    V e = SET1(0.0013889129446886478);
    e = FMA(e, r, SET1(0.00833347220384955));
    e = FMA(e, r, SET1(0.04166666665962971));
    e = FMA(e, r, SET1(0.16666666664408722));
    e = FMA(e, r, SET1(0.5000000000000006));
    const V p = FMA(MUL(r, r), e, r);
    /* scalef floors its exponent. */
    return _mm512_scalef_round_pd(FMA(th, p, th), n, RN);
}

/* log for positive finite x. */
static inline TGT V
d_log(V x)
{
    const V m = _mm512_getmant_round_pd(x, _MM_MANT_NORM_p75_1p5, _MM_MANT_SIGN_zero,
                                        _MM_FROUND_NO_EXC);
    V e = _mm512_getexp_round_pd(x, _MM_FROUND_NO_EXC);
    e = _mm512_mask_add_round_pd(e, CMP(m, SET1(1.0), _CMP_LT_OQ), e, SET1(1.0), RN);
    const __m512i c = _mm512_castpd_si512(FMA(m, SET1(16.0), SET1(SHIFT)));
    const V r = FMA(m, lookup16(INVC, c), SET1(-1.0));
    V p = SET1(-0.10039964618055379);
    p = FMA(p, r, SET1(0.11146773721817907));
    p = FMA(p, r, SET1(-0.12499932011314621));
    p = FMA(p, r, SET1(0.1428566772218025));
    p = FMA(p, r, SET1(-0.16666666714811937));
    p = FMA(p, r, SET1(0.20000000022508793));
    p = FMA(p, r, SET1(-0.24999999999987735));
    p = FMA(p, r, SET1(0.33333333333330395));
    p = FMA(p, r, SET1(-0.5));
    /* w = e ln2 + log c rounds once (exact for e = 0); |r| stays below
     * about |log x|, so r plus the small terms then w costs one ulp. */
    const V w = FMA(e, SET1(0.6931471805599453), lookup16(LOGC_HI, c));
    const V lo = FMA(e, SET1(2.3190468138462996e-17), lookup16(LOGC_LO, c));
    return ADD(w, FMA(MUL(r, r), p, ADD(r, lo)));
}

/* sin (cosine = 0) or cos (cosine = 1) for |x| <= 2^24: x = q pi/2 + r,
 * q = 2n (sin) or 2n - 1 (cos), the result (-1)^n sin r.  pi/2 in three
 * doubles (the first product exact); sin reduces by n pi directly. */
static inline TGT V
d_sincos(V x, int cosine)
{
    V t, r;
    if (cosine) {
        t = ADD(FMA(x, SET1(0.3183098861837907), SET1(0.5)), SET1(SHIFT));
        const V q = FMA(SUB(t, SET1(SHIFT)), SET1(2.0), SET1(-1.0));
        r = FNMA(q, SET1(1.5707963267948966), x);
        r = FNMA(q, SET1(6.123233995736766e-17), r);
        r = FNMA(q, SET1(-1.4973849048591698e-33), r);
    }
    else {
        t = FMA(x, SET1(0.3183098861837907), SET1(SHIFT));
        const V n = SUB(t, SET1(SHIFT));
        r = FNMA(n, SET1(3.141592653589793), x);
        r = FNMA(n, SET1(1.2246467991473532e-16), r);
        r = FNMA(n, SET1(-2.9947698097183397e-33), r);
    }
    const V z = MUL(r, r);
    V p = SET1(2.722250809360121e-15);
    p = FMA(p, z, SET1(-7.643097329884678e-13));
    p = FMA(p, z, SET1(1.6058943926649418e-10));
    p = FMA(p, z, SET1(-2.505210696012346e-08));
    p = FMA(p, z, SET1(2.7557319212131404e-06));
    p = FMA(p, z, SET1(-0.00019841269841215284));
    p = FMA(p, z, SET1(0.008333333333333212));
    p = FMA(p, z, SET1(-0.16666666666666666));
    const V s = FMA(MUL(r, z), p, r);
    const __m512i sign = _mm512_slli_epi64(_mm512_castpd_si512(t), 63);
    return _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(s), sign));
}

/* float32: exp for x in [-87.3, 88.37] (2^k and the result stay normal). */
static inline TGT VF
f_exp(VF x)
{
    const VF t = FMAF(x, SET1F(1.4426950216293335f), SET1F(SHIFTF));
    const VF k = SUBF(t, SET1F(SHIFTF));
    VF r = FNMAF(k, SET1F(0.6931471824645996f), x);
    r = FNMAF(k, SET1F(-1.9046542121259336e-09f), r);
    VF e = SET1F(0.0013950594222936672f);
    e = FMAF(e, r, SET1F(0.00836895430372442f));
    e = FMAF(e, r, SET1F(0.04166620424948576f));
    e = FMAF(e, r, SET1F(0.16666518297492394f));
    e = FMAF(e, r, SET1F(0.5000000095675791f));
    const VF p = FMAF(MULF(r, r), e, r);
    return _mm512_scalef_round_ps(ADDF(p, SET1F(1.0f)), k, RN);
}

/* log for positive finite floats (as d_log). */
static inline TGT VF
f_log(VF x)
{
    const VF m = _mm512_getmant_round_ps(x, _MM_MANT_NORM_p75_1p5, _MM_MANT_SIGN_zero,
                                         _MM_FROUND_NO_EXC);
    VF e = _mm512_getexp_round_ps(x, _MM_FROUND_NO_EXC);
    e = _mm512_mask_add_round_ps(e, CMPF(m, SET1F(1.0f), _CMP_LT_OQ), e, SET1F(1.0f), RN);
    const __m512i c = _mm512_castps_si512(FMAF(m, SET1F(16.0f), SET1F(SHIFTF)));
    const VF r = FMAF(m, _mm512_permutexvar_ps(c, _mm512_loadu_ps(INVCF)), SET1F(-1.0f));
    VF p = SET1F(-0.16666667f);
    p = FMAF(p, r, SET1F(0.2f));
    p = FMAF(p, r, SET1F(-0.25f));
    p = FMAF(p, r, SET1F(0.333333343f));
    p = FMAF(p, r, SET1F(-0.5f));
    const VF w = FMAF(e, SET1F(0.6931471824645996f),
                      _mm512_permutexvar_ps(c, _mm512_loadu_ps(LOGCF_HI)));
    const VF lo = FMAF(e, SET1F(-1.9046542121259336e-09f),
                       _mm512_permutexvar_ps(c, _mm512_loadu_ps(LOGCF_LO)));
    return ADDF(w, FMAF(MULF(r, r), p, ADDF(r, lo)));
}

/* sin/cos for |x| <= 71476 (as d_sincos; beyond, q times the error of
 * the float pi/2 would show).  The polynomial is a Chebyshev fit of
 * (sin r - r) / r^3. */
static inline TGT VF
f_sincos(VF x, int cosine)
{
    VF t, r;
    if (cosine) {
        t = ADDF(FMAF(x, SET1F(0.3183098861837907f), SET1F(0.5f)), SET1F(SHIFTF));
        const VF q = FMAF(SUBF(t, SET1F(SHIFTF)), SET1F(2.0f), SET1F(-1.0f));
        r = FNMAF(q, SET1F(1.5707963705062866f), x);
        r = FNMAF(q, SET1F(-4.371138828673793e-08f), r);
        r = FNMAF(q, SET1F(-1.7151245100058819e-15f), r);
    }
    else {
        t = FMAF(x, SET1F(0.3183098861837907f), SET1F(SHIFTF));
        const VF n = SUBF(t, SET1F(SHIFTF));
        r = FNMAF(n, SET1F(3.1415927410125732f), x);
        r = FNMAF(n, SET1F(-8.742277657347586e-08f), r);
        r = FNMAF(n, SET1F(-3.4302490200117637e-15f), r);
    }
    const VF z = MULF(r, r);
    VF p = SET1F(-2.4080094362943782e-08f);
    p = FMAF(p, z, SET1F(2.753645958364359e-06f));
    p = FMAF(p, z, SET1F(-0.00019841086759697646f));
    p = FMAF(p, z, SET1F(0.00833333283662796f));
    p = FMAF(p, z, SET1F(-0.1666666716337204f));
    const VF s = FMAF(MULF(r, z), p, r);
    const __m512i sign = _mm512_slli_epi32(_mm512_castps_si512(t), 31);
    return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(s), sign));
}

/* One vector through the safe-domain pipeline: *ok gets the lanes done
 * here (the rest go to libm), *flags the flags of exp's clamping. */
static inline TGT V
step_exp(V x, __mmask8 *ok, int *flags)
{
    *ok = CMP(_mm512_abs_pd(x), SET1(708.0), _CMP_LE_OQ);
    V y = d_exp(x);
    if (*ok != 0xff) {
        /* Far beyond the thresholds: inf or 0 without a libm call per lane. */
        const __mmask8 hi = CMP(x, SET1(709.8), _CMP_GT_OQ) & CMP(x, SET1(INFINITY), _CMP_NEQ_OQ);
        const __mmask8 lo = CMP(x, SET1(-745.2), _CMP_LT_OQ) & CMP(x, SET1(-INFINITY), _CMP_NEQ_OQ);
        y = _mm512_mask_mov_pd(_mm512_mask_mov_pd(y, hi, SET1(INFINITY)), lo, SET1(0.0));
        *flags |= (hi ? FE_OVERFLOW : 0) | (lo ? FE_UNDERFLOW : 0);
        *ok |= hi | lo;
    }
    return y;
}

static inline TGT V
step_log(V x, __mmask8 *ok, int *flags)
{
    (void)flags;
    *ok = ~_mm512_fpclass_pd_mask(x, FPC_NOT_POSITIVE);
    return d_log(x);
}

/* sin(-0) must stay -0 (the polynomial's sum makes it +0); a subnormal
 * argument goes to libm, which reports underflow for it. */
static inline TGT V
step_sin(V x, __mmask8 *ok, int *flags)
{
    (void)flags;
    *ok = _mm512_mask_cmp_pd_mask(~_mm512_fpclass_pd_mask(x, FPC_DENORM), _mm512_abs_pd(x),
                                  SET1(0x1p24), _CMP_LE_OQ);
    return _mm512_mask_mov_pd(d_sincos(x, 0), CMP(x, SET1(0.0), _CMP_EQ_OQ), x);
}

static inline TGT V
step_cos(V x, __mmask8 *ok, int *flags)
{
    (void)flags;
    *ok = CMP(_mm512_abs_pd(x), SET1(0x1p24), _CMP_LE_OQ);
    return d_sincos(x, 1);
}

/* Float vectors with an argument beyond the float sin/cos range run as
 * two vectors of doubles. */
static inline TGT VF
f_wide(VF x, int cosine)
{
    const V lo = d_sincos(_mm512_cvt_roundps_pd(_mm512_castps512_ps256(x), _MM_FROUND_NO_EXC),
                          cosine);
    const V hi = d_sincos(_mm512_cvt_roundps_pd(_mm512_extractf32x8_ps(x, 1), _MM_FROUND_NO_EXC),
                          cosine);
    return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvt_roundpd_ps(lo, RN)),
                              _mm512_cvt_roundpd_ps(hi, RN), 1);
}

/* The float32 domains leave subnormal arguments to libm (SUBUF). */
static inline TGT VF
stepf_exp(VF x, __mmask16 *ok, int *flags)
{
    *ok = _mm512_mask_cmp_ps_mask(
        _mm512_mask_cmp_ps_mask(~_mm512_fpclass_ps_mask(x, FPC_DENORM), x, SET1F(-87.3f), _CMP_GE_OQ),
        x, SET1F(88.37f), _CMP_LE_OQ);
    VF y = f_exp(x);
    if (*ok != 0xffff) {
        const __mmask16 hi = CMPF(x, SET1F(88.8f), _CMP_GT_OQ) & CMPF(x, SET1F(INFINITY), _CMP_NEQ_OQ);
        const __mmask16 lo = CMPF(x, SET1F(-104.0f), _CMP_LT_OQ) & CMPF(x, SET1F(-INFINITY), _CMP_NEQ_OQ);
        y = _mm512_mask_mov_ps(_mm512_mask_mov_ps(y, hi, SET1F(INFINITY)), lo, SET1F(0.0f));
        *flags |= (hi ? FE_OVERFLOW : 0) | (lo ? FE_UNDERFLOW : 0);
        *ok |= hi | lo;
    }
    return y;
}

static inline TGT VF
stepf_log(VF x, __mmask16 *ok, int *flags)
{
    (void)flags;
    *ok = ~_mm512_fpclass_ps_mask(x, FPC_NOT_POSITIVE);
    return f_log(x);
}

static inline TGT VF
stepf_sincos(VF x, __mmask16 *ok, int cosine)
{
    const VF ax = _mm512_abs_ps(x);
    *ok = _mm512_mask_cmp_ps_mask(~_mm512_fpclass_ps_mask(x, FPC_DENORM), ax, SET1F(0x1p24f), _CMP_LE_OQ);
    return _mm512_mask_cmp_ps_mask(*ok, ax, SET1F(71476.0f), _CMP_GT_OQ)
        ? f_wide(x, cosine) : f_sincos(x, cosine);
}

static inline TGT VF
stepf_sin(VF x, __mmask16 *ok, int *flags)
{
    (void)flags;
    return _mm512_mask_mov_ps(stepf_sincos(x, ok, 0), CMPF(x, SET1F(0.0f), _CMP_EQ_OQ), x);
}

static inline TGT VF
stepf_cos(VF x, __mmask16 *ok, int *flags)
{
    (void)flags;
    return stepf_sincos(x, ok, 1);
}

/* Whole vectors, then the tail with masked loads and stores (its dead
 * lanes hold the harmless input), then libm for the unsafe lanes, read
 * from the loaded vector (the output may be the input). */
#define LOOPS(FN)                                                           \
TGT void                                                                    \
ndm_simd512_##FN##_f64(const double *a, double *o, Py_ssize_t n)            \
{                                                                           \
    int flags = 0;                                                          \
    for (Py_ssize_t i = 0; i < n; i += 8) {                                 \
        const Py_ssize_t left = n - i < 8 ? n - i : 8;                      \
        const __mmask8 live = (__mmask8)((1u << left) - 1);                 \
        const V x = left == 8 ? _mm512_loadu_pd(a + i)                      \
            : _mm512_mask_loadu_pd(SET1(NDM_SIMD_H_##FN), live, a + i);     \
        __mmask8 ok;                                                        \
        const V y = step_##FN(x, &ok, &flags);                              \
        if (left == 8) {                                                    \
            _mm512_storeu_pd(o + i, y);                                     \
        }                                                                   \
        else {                                                              \
            _mm512_mask_storeu_pd(o + i, live, y);                          \
        }                                                                   \
        if ((__mmask8)(ok | ~live) != 0xff) {                               \
            double xs[8];                                                   \
            _mm512_storeu_pd(xs, x);                                        \
            ndm_simd_fix_f64(FN, xs, o + i, left, ok);                      \
        }                                                                   \
    }                                                                       \
    if (flags) {                                                            \
        feraiseexcept(flags);                                               \
    }                                                                       \
}                                                                           \
                                                                            \
TGT void                                                                    \
ndm_simd512_##FN##_f32(const float *a, float *o, Py_ssize_t n)              \
{                                                                           \
    int flags = 0;                                                          \
    for (Py_ssize_t i = 0; i < n; i += 16) {                                \
        const Py_ssize_t left = n - i < 16 ? n - i : 16;                    \
        const __mmask16 live = (__mmask16)((1u << left) - 1);               \
        const VF x = left == 16 ? _mm512_loadu_ps(a + i)                    \
            : _mm512_mask_loadu_ps(SET1F((float)NDM_SIMD_H_##FN), live, a + i); \
        __mmask16 ok;                                                       \
        const VF y = stepf_##FN(x, &ok, &flags);                            \
        if (left == 16) {                                                   \
            _mm512_storeu_ps(o + i, y);                                     \
        }                                                                   \
        else {                                                              \
            _mm512_mask_storeu_ps(o + i, live, y);                          \
        }                                                                   \
        if ((__mmask16)(ok | ~live) != 0xffff) {                            \
            float xs[16];                                                   \
            _mm512_storeu_ps(xs, x);                                        \
            ndm_simd_fix_f32(FN##f, xs, o + i, left, ok, NDM_SIMD_SUBUF_##FN); \
        }                                                                   \
    }                                                                       \
    if (flags) {                                                            \
        feraiseexcept(flags);                                               \
    }                                                                       \
}

LOOPS(exp)
LOOPS(log)
LOOPS(sin)
LOOPS(cos)

#endif
