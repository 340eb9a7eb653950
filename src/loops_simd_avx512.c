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
 *   multiple of 1/16 nearest m (13 values) indexes tables of invc ~ 1/c
 *   and -log(invc) (invc picked so that this is nearly exact in one
 *   double), r = m invc - 1 is one rounding (exact for c = 1, so log near
 *   1 keeps its relative accuracy), and log(1 + r) is a degree-10
 *   polynomial (float32: m in [1, 2), see f_log);
 * - sin/cos: x = q pi/2 + r with q even for sin and odd for cos (from a
 *   multiply-add rounding down), so the result is +-sin r, |r| <= pi/2,
 *   from one polynomial (a minimax fit in
 *   float64, the AVX2 fit in float32) instead of both sin and cos of a
 *   quarter-period remainder.
 * Polynomials are Lawson/minimax fits made with mpmath.  Worst errors
 * measured (mpmath, random arguments): float64 exp and log 1.05 ulp,
 * sin/cos 1.65 (r's rounding near |r| = 1); float32 exp 1, log 1.5,
 * sin/cos 1.85 (tests/test_ufunc_simd.py checks 4). */
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
/* Slot K mod 16 for c = K/16, K = 12..24 (slots 9-11 unused): invc near
 * 1/c, chosen (1 for c = 1) so that -log(invc) is within 0.003 ulp of the
 * double LOGC: one table replaces a hi/lo pair. */
static const double INVC[16] = {
    1.0, 0.9411764678342853, 0.8888888875355607, 0.8421052602547876,
    0.7999999966021278, 0.7619047539448642, 0.7272727265633214, 0.6956521670190736,
    0.6666666651132497, 1.0, 1.0, 1.0,
    1.3333333237327072, 1.230769224744738, 1.142857134937263, 1.0666666625703025,
};
static const double LOGC[16] = {
    0.0, 0.06062462474250669, 0.11778303717887764, 0.17185026037409895,
    0.22314355556154997, 0.2719337259310075, 0.31845373209396766, 0.3629055035994502,
    0.40546511043828987, 0.0, 0.0, 0.0,
    -0.2876820652513113, -0.20763935988334406, -0.13353138569462766, -0.06453851729722977,
};
/* float32 log: slot K mod 32 for c = K/16, K = 16..32 (m in [1, 2)).  The
 * sum e ln2 + log c has no low part for ln2's rounding error d: cells
 * with c >= 1.5, where e = -1 makes the sum small, hold log c - d, so
 * that e = -1 cancels it exactly (c = 2: ln2 rounded, invc 1/2); e = 0
 * there gives a result above 0.4, whose ulp d is well below. */
static const float INVCF[32] = {
    0.5f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f,
    1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f,
    1.0f, 0.9411764740943909f, 0.8889697194099426f, 0.8420360684394836f,
    0.8001204133033752f, 0.7619208693504333f, 0.7271971106529236f, 0.6956850290298462f,
    0.666785717010498f, 0.6400415301322937f, 0.6154506802558899f, 0.5925613045692444f,
    0.5714519023895264f, 0.5517668128013611f, 0.5333860516548157f, 0.5161521434783936f,
};
static const float LOGCF[32] = {
    0.6931471824645996f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
    0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
    0.0f, 0.0606246180832386f, 0.11769210547208786f, 0.1719324290752411f,
    0.22299304604530334f, 0.2719125747680664f, 0.3185577094554901f, 0.36285826563835144f,
    0.4052865505218506f, 0.4462222158908844f, 0.4854004681110382f, 0.5233009457588196f,
    0.5595749616622925f, 0.5946297645568848f, 0.6285098195075989f, 0.6613537073135376f,
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
    /* m + 1.5 * 2^48 rounds m to sixteenths: their count mod 16 in the
     * low bits (an add, off the busier multiply-add pipes). */
    const __m512i c = _mm512_castpd_si512(ADD(m, SET1(0x1.8p48)));
    const V r = FMA(m, lookup16(INVC, c), SET1(-1.0));
    const V r2 = MUL(r, r);
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
     * about |log x|, so adding r and the small terms costs one ulp. */
    const V w = FMA(e, SET1(0.6931471805599453), lookup16(LOGC, c));
    return ADD(w, FMA(r2, p, FMA(e, SET1(2.3190468138462996e-17), r)));
}

/* sin (cosine = 0) or cos (cosine = 1) for |x| <= 2^24: x = q pi/2 + r
 * with q = 2n for sin (n = rint(x / pi)) and q = 2n + 1 for cos (n =
 * floor(x / pi), the multiply-add rounding down), so that the result is
 * (-1)^n sin r, or (-1)^(n+1) sin r for cos.  pi/2 in three doubles (the
 * first product exact); sin reduces by n pi directly. */
static inline TGT V
d_sincos(V x, int cosine)
{
    V t, r;
    if (cosine) {
        t = _mm512_fmadd_round_pd(x, SET1(0.3183098861837907), SET1(SHIFT),
                                  _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
        const V q = FMA(SUB(t, SET1(SHIFT)), SET1(2.0), SET1(1.0));
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
    return _mm512_castsi512_pd(_mm512_ternarylogic_epi64(
        _mm512_castpd_si512(s), sign, _mm512_set1_epi64(cosine ? INT64_MIN : 0), 0x96));
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

/* A 32-entry table of floats indexed by the low 5 bits of idx. */
static inline TGT VF
lookup32f(const float *tab, __m512i idx)
{
    return _mm512_permutex2var_ps(_mm512_loadu_ps(tab), idx, _mm512_loadu_ps(tab + 16));
}

/* log for positive finite floats: as d_log, but m in [1, 2) and c up to 2
 * (17 cells fit one two-register permute, and e needs no adjustment),
 * log(1 + r) of degree 5 (|r| <= 1/32). */
static inline TGT VF
f_log(VF x)
{
    const VF m = _mm512_getmant_round_ps(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero,
                                         _MM_FROUND_NO_EXC);
    const VF e = _mm512_getexp_round_ps(x, _MM_FROUND_NO_EXC);
    const __m512i c = _mm512_castps_si512(ADDF(m, SET1F(0x1.8p19f)));
    const VF r = FMAF(m, lookup32f(INVCF, c), SET1F(-1.0f));
    VF p = SET1F(0.2f);
    p = FMAF(p, r, SET1F(-0.25f));
    p = FMAF(p, r, SET1F(0.333333343f));
    p = FMAF(p, r, SET1F(-0.5f));
    const VF w = FMAF(e, SET1F(0.6931471824645996f), lookup32f(LOGCF, c));
    return ADDF(w, FMAF(MULF(r, r), p, r));
}

/* sin/cos for |x| <= 71476 (as d_sincos; beyond, q times the error of
 * the float pi/2 would show).  The polynomial is a Chebyshev fit of
 * (sin r - r) / r^3. */
static inline TGT VF
f_sincos(VF x, int cosine)
{
    VF t, r;
    if (cosine) {
        t = _mm512_fmadd_round_ps(x, SET1F(0.3183098861837907f), SET1F(SHIFTF),
                                  _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
        const VF q = FMAF(SUBF(t, SET1F(SHIFTF)), SET1F(2.0f), SET1F(1.0f));
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
    return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
        _mm512_castps_si512(s), sign, _mm512_set1_epi32(cosine ? INT32_MIN : 0), 0x96));
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

/* Chunks of CHUNK elements: pairs of whole vectors (two independent
 * chains in flight: exp runs 30% faster), a last whole vector, the tail
 * with masked loads and stores, each vector with an unsafe lane saved
 * (the output may be the input); then libm for those lanes, out of the
 * vector loop so that its constants stay in registers. */
#define CHUNK 512

#define LOOP(FN, name, T, VT, W, MASK, FULL, step, load, loadm, store, storem, fix) \
TGT void                                                                    \
name(const T *a, T *o, Py_ssize_t n)                                        \
{                                                                           \
    int flags = 0;                                                          \
    for (Py_ssize_t c0 = 0; c0 < n; c0 += CHUNK) {                          \
        const Py_ssize_t cn = n - c0 < CHUNK ? n - c0 : CHUNK;              \
        const T *ca = a + c0;                                               \
        T *co = o + c0;                                                     \
        T save[CHUNK];                                                      \
        Py_ssize_t at[CHUNK / W];                                           \
        MASK oks[CHUNK / W];                                                \
        int cnt = 0;                                                        \
        Py_ssize_t i = 0;                                                   \
        for (; i + 2 * W <= cn; i += 2 * W) {                               \
            const VT x0 = load(ca + i), x1 = load(ca + i + W);              \
            MASK ok0, ok1;                                                  \
            store(co + i, step(x0, &ok0, &flags));                          \
            store(co + i + W, step(x1, &ok1, &flags));                      \
            if ((MASK)(ok0 & ok1) != FULL) {                                \
                if (ok0 != FULL) {                                          \
                    store(save + W * cnt, x0);                              \
                    at[cnt] = i;                                            \
                    oks[cnt++] = ok0;                                       \
                }                                                           \
                if (ok1 != FULL) {                                          \
                    store(save + W * cnt, x1);                              \
                    at[cnt] = i + W;                                        \
                    oks[cnt++] = ok1;                                       \
                }                                                           \
            }                                                               \
        }                                                                   \
        for (; i + W <= cn; i += W) {                                       \
            const VT x = load(ca + i);                                      \
            MASK ok;                                                        \
            store(co + i, step(x, &ok, &flags));                            \
            if (ok != FULL) {                                               \
                store(save + W * cnt, x);                                   \
                at[cnt] = i;                                                \
                oks[cnt++] = ok;                                            \
            }                                                               \
        }                                                                   \
        if (i < cn) {                                                       \
            const MASK live = (MASK)((1u << (cn - i)) - 1);                 \
            const VT x = loadm(live, ca + i);                               \
            MASK ok;                                                        \
            storem(co + i, live, step(x, &ok, &flags));                     \
            if ((MASK)(ok | ~live) != FULL) {                               \
                store(save + W * cnt, x);                                   \
                at[cnt] = i;                                                \
                oks[cnt++] = ok;                                            \
            }                                                               \
        }                                                                   \
        for (int k = 0; k < cnt; k++) {                                     \
            const Py_ssize_t left = cn - at[k] < W ? cn - at[k] : W;        \
            fix;                                                            \
        }                                                                   \
    }                                                                       \
    if (flags) {                                                            \
        feraiseexcept(flags);                                               \
    }                                                                       \
}

#define LOAD_F64M(m, p) _mm512_maskz_loadu_pd((m), (p))
#define LOAD_F32M(m, p) _mm512_maskz_loadu_ps((m), (p))

#define LOOPS(FN)                                                           \
    LOOP(FN, ndm_simd512_##FN##_f64, double, V, 8, __mmask8, 0xff, step_##FN, \
         _mm512_loadu_pd, LOAD_F64M, _mm512_storeu_pd, _mm512_mask_storeu_pd, \
         ndm_simd_fix_f64(FN, save + 8 * k, co + at[k], left, oks[k]))       \
    LOOP(FN, ndm_simd512_##FN##_f32, float, VF, 16, __mmask16, 0xffff, stepf_##FN, \
         _mm512_loadu_ps, LOAD_F32M, _mm512_storeu_ps, _mm512_mask_storeu_ps, \
         ndm_simd_fix_f32(FN##f, save + 16 * k, co + at[k], left, oks[k],   \
                          NDM_SIMD_SUBUF_##FN))

LOOPS(exp)
LOOPS(log)
LOOPS(sin)
LOOPS(cos)

#endif
