/* The draws behind ndmem.random: the PCG64 and MT19937 bit generators,
 * the ziggurat normal and exponential, the legacy polar normal and the
 * bounded integers, each following NumPy's algorithm draw for draw
 * (numpy/random/src/distributions/distributions.c, pcg64.h, mt19937.c).
 * Included only by random.c; everything is static inline so the fill
 * loops there compile into one function per distribution. */
#ifndef NDM_RANDOM_DRAWS_H
#define NDM_RANDOM_DRAWS_H

#include "common.h"

#include <math.h>

#include "random_ziggurat.h"

typedef unsigned __int128 u128;

enum { BG_PCG64 = 0, BG_MT19937 = 1 };

#define MT_N 624
#define MT_M 397

/* The generator state the draws work on.  Fill loops work on a local copy
 * so the compiler keeps it in registers: stores into the output array
 * cannot alias a local whose address never escapes. */
typedef struct {
    int kind;
    u128 pcg_state, pcg_inc;
    int has_uint32;             /* PCG64 hands out 64-bit draws in halves */
    uint32_t uinteger;
    uint32_t *mt_key;           /* the owner's key array */
    int mt_pos;
    int has_gauss;              /* the legacy polar method's spare value */
    double gauss;
} Hot;

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* ------------------------------------------------------------------ */
/* bit generators                                                      */

#define PCG_MULT ((((u128)0x2360ed051fc65da4ULL) << 64) | 0x4385df649fccf645ULL)

ALWAYS_INLINE uint64_t
pcg_next64(Hot *g)
{
    g->pcg_state = g->pcg_state * PCG_MULT + g->pcg_inc;
    uint64_t hi = (uint64_t)(g->pcg_state >> 64);
    uint64_t x = hi ^ (uint64_t)g->pcg_state;
    unsigned rot = (unsigned)(hi >> 58);
    return (x >> rot) | (x << ((-rot) & 63u));
}

/* the refill stays out of line: it takes only the key, so the state of a
 * fill loop never escapes and stays in registers */
static void
mt_generate(uint32_t *k)
{
    uint32_t y;
    int i;
    for (i = 0; i < MT_N - MT_M; i++) {
        y = (k[i] & 0x80000000U) | (k[i + 1] & 0x7fffffffU);
        k[i] = k[i + MT_M] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
    }
    for (; i < MT_N - 1; i++) {
        y = (k[i] & 0x80000000U) | (k[i + 1] & 0x7fffffffU);
        k[i] = k[i + (MT_M - MT_N)] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
    }
    y = (k[MT_N - 1] & 0x80000000U) | (k[0] & 0x7fffffffU);
    k[MT_N - 1] = k[MT_M - 1] ^ (y >> 1) ^ (-(y & 1U) & 0x9908b0dfU);
}

ALWAYS_INLINE uint32_t
mt_next32(Hot *g)
{
    if (g->mt_pos == MT_N) {
        mt_generate(g->mt_key);
        g->mt_pos = 0;
    }
    uint32_t y = g->mt_key[g->mt_pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
}

static inline void
mt_seed(Hot *g, uint32_t seed)
{
    for (int pos = 0; pos < MT_N; pos++) {
        g->mt_key[pos] = seed;
        seed = 1812433253U * (seed ^ (seed >> 30)) + (uint32_t)pos + 1U;
    }
    g->mt_pos = MT_N;
}

static inline void
mt_init_by_array(Hot *g, const uint32_t *init, Py_ssize_t len)
{
    uint32_t *mt = g->mt_key;
    Py_ssize_t i = 1, j = 0, k;
    mt_seed(g, 19650218U);
    for (k = (MT_N > len ? MT_N : len); k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U))
                + init[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= MT_N) {
            mt[0] = mt[MT_N - 1];
            i = 1;
        }
        if (j >= len) {
            j = 0;
        }
    }
    for (k = MT_N - 1; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - (uint32_t)i;
        i++;
        if (i >= MT_N) {
            mt[0] = mt[MT_N - 1];
            i = 1;
        }
    }
    mt[0] = 0x80000000U;
}

/* The generic draws: the kind test is perfectly predicted inside a loop. */
ALWAYS_INLINE uint64_t
next_u64(Hot *g)
{
    if (g->kind == BG_PCG64) {
        return pcg_next64(g);
    }
    uint64_t hi = mt_next32(g);
    return (hi << 32) | mt_next32(g);
}

ALWAYS_INLINE uint32_t
next_u32(Hot *g)
{
    if (g->kind == BG_PCG64) {
        if (g->has_uint32) {
            g->has_uint32 = 0;
            return g->uinteger;
        }
        uint64_t v = pcg_next64(g);
        g->has_uint32 = 1;
        g->uinteger = (uint32_t)(v >> 32);
        return (uint32_t)v;
    }
    return mt_next32(g);
}

ALWAYS_INLINE double
next_double(Hot *g)
{
    if (g->kind == BG_PCG64) {
        return (double)(pcg_next64(g) >> 11) * (1.0 / 9007199254740992.0);
    }
    int32_t a = (int32_t)(mt_next32(g) >> 5);
    int32_t b = (int32_t)(mt_next32(g) >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

ALWAYS_INLINE float
next_float(Hot *g)
{
    return (float)(next_u32(g) >> 8) * (1.0f / 16777216.0f);
}

/* ------------------------------------------------------------------ */
/* continuous distributions                                            */

static const double ZIG_NOR_R = 3.6541528853610087963519472518;
static const double ZIG_NOR_INV_R = 0.27366123732975827203338247596;
static const float ZIG_NOR_R_F = 3.6541528853610088f;
static const float ZIG_NOR_INV_R_F = 0.27366123732975828f;
static const double ZIG_EXP_R = 7.6971174701310497140446280481;
static const float ZIG_EXP_R_F = 7.69711747013104972f;

ALWAYS_INLINE double
standard_normal(Hot *g)
{
    for (;;) {
        uint64_t r = next_u64(g);
        int idx = (int)(r & 0xff);
        r >>= 8;
        int sign = (int)(r & 0x1);
        uint64_t rabs = (r >> 1) & 0x000fffffffffffffULL;
        double x = (double)rabs * wi_double[idx];
        if (sign) {
            x = -x;
        }
        if (rabs < ki_double[idx]) {
            return x;
        }
        if (idx == 0) {
            for (;;) {
                /* 1 - U avoids log(0) (NumPy gh-13361) */
                double xx = -ZIG_NOR_INV_R * log1p(-next_double(g));
                double yy = -log1p(-next_double(g));
                if (yy + yy > xx * xx) {
                    return ((rabs >> 8) & 0x1) ? -(ZIG_NOR_R + xx) : ZIG_NOR_R + xx;
                }
            }
        }
        if ((fi_double[idx - 1] - fi_double[idx]) * next_double(g) + fi_double[idx]
                < exp(-0.5 * x * x)) {
            return x;
        }
    }
}

ALWAYS_INLINE float
standard_normal_f(Hot *g)
{
    for (;;) {
        uint32_t r = next_u32(g);
        int idx = (int)(r & 0xff);
        int sign = (int)((r >> 8) & 0x1);
        uint32_t rabs = (r >> 9) & 0x0007fffff;
        float x = (float)rabs * wi_float[idx];
        if (sign) {
            x = -x;
        }
        if (rabs < ki_float[idx]) {
            return x;
        }
        if (idx == 0) {
            for (;;) {
                float xx = -ZIG_NOR_INV_R_F * log1pf(-next_float(g));
                float yy = -log1pf(-next_float(g));
                if (yy + yy > xx * xx) {
                    return ((rabs >> 8) & 0x1) ? -(ZIG_NOR_R_F + xx) : ZIG_NOR_R_F + xx;
                }
            }
        }
        if (((fi_float[idx - 1] - fi_float[idx]) * next_float(g) + fi_float[idx])
                < exp(-0.5 * x * x)) {
            return x;
        }
    }
}

ALWAYS_INLINE double
standard_exponential(Hot *g)
{
    for (;;) {
        uint64_t ri = next_u64(g) >> 3;
        uint8_t idx = (uint8_t)(ri & 0xff);
        ri >>= 8;
        double x = (double)ri * we_double[idx];
        if (ri < ke_double[idx]) {
            return x;
        }
        if (idx == 0) {
            return ZIG_EXP_R - log1p(-next_double(g));
        }
        if ((fe_double[idx - 1] - fe_double[idx]) * next_double(g) + fe_double[idx] < exp(-x)) {
            return x;
        }
    }
}

ALWAYS_INLINE float
standard_exponential_f(Hot *g)
{
    for (;;) {
        uint32_t ri = next_u32(g) >> 1;
        uint8_t idx = (uint8_t)(ri & 0xff);
        ri >>= 8;
        float x = (float)ri * we_float[idx];
        if (ri < ke_float[idx]) {
            return x;
        }
        if (idx == 0) {
            return ZIG_EXP_R_F - log1pf(-next_float(g));
        }
        if ((fe_float[idx - 1] - fe_float[idx]) * next_float(g) + fe_float[idx] < expf(-x)) {
            return x;
        }
    }
}

/* RandomState's normal: Marsaglia's polar method, one value kept. */
ALWAYS_INLINE double
legacy_gauss(Hot *g)
{
    if (g->has_gauss) {
        g->has_gauss = 0;
        double t = g->gauss;
        g->gauss = 0.0;
        return t;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * next_double(g) - 1.0;
        x2 = 2.0 * next_double(g) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    g->gauss = f * x1;
    g->has_gauss = 1;
    return f * x2;
}

/* ------------------------------------------------------------------ */
/* bounded integers: Lemire's method (Generator) or masked rejection   */
/* (RandomState); narrow types share one 32-bit draw as NumPy does.    */

static inline uint64_t
gen_mask(uint64_t max)
{
    uint64_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    return mask;
}

ALWAYS_INLINE uint32_t
lemire32(Hot *g, uint32_t rng)
{
    const uint32_t excl = rng + 1;
    uint64_t m = (uint64_t)next_u32(g) * excl;
    uint32_t left = (uint32_t)m;
    if (left < excl) {
        const uint32_t threshold = (UINT32_MAX - rng) % excl;
        while (left < threshold) {
            m = (uint64_t)next_u32(g) * excl;
            left = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

ALWAYS_INLINE uint64_t
lemire64(Hot *g, uint64_t rng)
{
    const uint64_t excl = rng + 1;
    u128 m = (u128)next_u64(g) * excl;
    uint64_t left = (uint64_t)m;
    if (left < excl) {
        const uint64_t threshold = (UINT64_MAX - rng) % excl;
        while (left < threshold) {
            m = (u128)next_u64(g) * excl;
            left = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

ALWAYS_INLINE uint32_t
masked32(Hot *g, uint32_t rng, uint32_t mask)
{
    uint32_t v;
    while ((v = (next_u32(g) & mask)) > rng) {
    }
    return v;
}

ALWAYS_INLINE uint64_t
masked64(Hot *g, uint64_t rng, uint64_t mask)
{
    uint64_t v;
    while ((v = (next_u64(g) & mask)) > rng) {
    }
    return v;
}

/* One draw in [0, rng] (NumPy's random_bounded_uint64). */
ALWAYS_INLINE uint64_t
bounded64(Hot *g, uint64_t rng, int masked)
{
    if (rng == 0) {
        return 0;
    }
    if (rng <= 0xffffffffULL) {
        if (rng == 0xffffffffULL) {
            return next_u32(g);
        }
        return masked ? masked32(g, (uint32_t)rng, (uint32_t)gen_mask(rng))
                      : lemire32(g, (uint32_t)rng);
    }
    if (rng == UINT64_MAX) {
        return next_u64(g);
    }
    return masked ? masked64(g, rng, gen_mask(rng)) : lemire64(g, rng);
}

/* A value in [0, max] by masked rejection: shuffles use it. */
static inline uint64_t
random_interval(Hot *g, uint64_t max)
{
    if (max == 0) {
        return 0;
    }
    uint64_t mask = gen_mask(max), v;
    if (max <= 0xffffffffULL) {
        while ((v = (next_u32(g) & mask)) > max) {
        }
    }
    else {
        while ((v = (next_u64(g) & mask)) > max) {
        }
    }
    return v;
}

static inline void
fill_u64(Hot *g, uint64_t off, uint64_t rng, int masked, uint64_t *out, Py_ssize_t n)
{
    Py_ssize_t i;
    if (rng <= 0xffffffffULL) {
        if (rng == 0) {
            for (i = 0; i < n; i++) {
                out[i] = off;
            }
        }
        else if (rng == 0xffffffffULL) {
            for (i = 0; i < n; i++) {
                out[i] = off + next_u32(g);
            }
        }
        else if (masked) {
            uint32_t mask = (uint32_t)gen_mask(rng);
            for (i = 0; i < n; i++) {
                out[i] = off + masked32(g, (uint32_t)rng, mask);
            }
        }
        else {
            for (i = 0; i < n; i++) {
                out[i] = off + lemire32(g, (uint32_t)rng);
            }
        }
    }
    else if (rng == UINT64_MAX) {
        for (i = 0; i < n; i++) {
            out[i] = off + next_u64(g);
        }
    }
    else if (masked) {
        uint64_t mask = gen_mask(rng);
        for (i = 0; i < n; i++) {
            out[i] = off + masked64(g, rng, mask);
        }
    }
    else {
        for (i = 0; i < n; i++) {
            out[i] = off + lemire64(g, rng);
        }
    }
}

static inline void
fill_u32(Hot *g, uint32_t off, uint32_t rng, int masked, uint32_t *out, Py_ssize_t n)
{
    Py_ssize_t i;
    if (rng == 0) {
        for (i = 0; i < n; i++) {
            out[i] = off;
        }
    }
    else if (rng == 0xffffffffU) {
        for (i = 0; i < n; i++) {
            out[i] = off + next_u32(g);
        }
    }
    else if (masked) {
        uint32_t mask = (uint32_t)gen_mask(rng);
        for (i = 0; i < n; i++) {
            out[i] = off + masked32(g, rng, mask);
        }
    }
    else {
        for (i = 0; i < n; i++) {
            out[i] = off + lemire32(g, rng);
        }
    }
}

/* 16- and 8-bit draws: one 32-bit draw is consumed in 2 or 4 pieces,
 * the buffer living for one fill call (NumPy's bcnt/buf). */
#define DEFINE_NARROW(BITS, UT, WT, PIECES)                                   \
static inline UT                                                              \
buffered_u##BITS(Hot *g, int *bcnt, uint32_t *buf)                         \
{                                                                             \
    if (!*bcnt) {                                                             \
        *buf = next_u32(g);                                                   \
        *bcnt = (PIECES) - 1;                                                 \
    }                                                                         \
    else {                                                                    \
        *buf >>= (BITS);                                                      \
        *bcnt -= 1;                                                           \
    }                                                                         \
    return (UT)*buf;                                                          \
}                                                                             \
                                                                              \
/* One draw in [0, rng] (NumPy's random_buffered_bounded_uintBITS). */        \
static inline UT                                                              \
bounded_u##BITS(Hot *g, UT rng, int masked, int *bcnt, uint32_t *buf)      \
{                                                                             \
    const UT full = (UT)~(UT)0;                                               \
    if (rng == 0) {                                                           \
        return 0;                                                             \
    }                                                                         \
    if (rng == full) {                                                        \
        return buffered_u##BITS(g, bcnt, buf);                                \
    }                                                                         \
    if (masked) {                                                             \
        const UT mask = (UT)gen_mask(rng);                                    \
        UT v;                                                                 \
        while ((v = (UT)(buffered_u##BITS(g, bcnt, buf) & mask)) > rng) {     \
        }                                                                     \
        return v;                                                             \
    }                                                                         \
    const UT excl = (UT)(rng + 1);                                            \
    WT m = (WT)buffered_u##BITS(g, bcnt, buf) * excl;                         \
    UT left = (UT)m;                                                          \
    if (left < excl) {                                                        \
        const UT threshold = (UT)((UT)(full - rng) % excl);                   \
        while (left < threshold) {                                            \
            m = (WT)buffered_u##BITS(g, bcnt, buf) * excl;                    \
            left = (UT)m;                                                     \
        }                                                                     \
    }                                                                         \
    return (UT)(m >> (BITS));                                                 \
}                                                                             \
                                                                              \
static inline void                                                            \
fill_u##BITS(Hot *g, UT off, UT rng, int masked, UT *out, Py_ssize_t n)    \
{                                                                             \
    int bcnt = 0;                                                             \
    uint32_t buf = 0;                                                         \
    for (Py_ssize_t i = 0; i < n; i++) {                                      \
        out[i] = (UT)(off + bounded_u##BITS(g, rng, masked, &bcnt, &buf));    \
    }                                                                         \
}

DEFINE_NARROW(16, uint16_t, uint32_t, 2)
DEFINE_NARROW(8, uint8_t, uint32_t, 4)

static inline uint8_t
bounded_bool(Hot *g, uint8_t rng, int *bcnt, uint32_t *buf)
{
    if (rng == 0) {
        return 0;
    }
    if (!*bcnt) {
        *buf = next_u32(g);
        *bcnt = 31;
    }
    else {
        *buf >>= 1;
        *bcnt -= 1;
    }
    return (*buf & 1U) != 0;
}

static inline void
fill_bool(Hot *g, uint8_t off, uint8_t rng, uint8_t *out, Py_ssize_t n)
{
    int bcnt = 0;
    uint32_t buf = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = (uint8_t)(off + bounded_bool(g, rng, &bcnt, &buf));
    }
}

/* Per-element bounds (integers with array low/high): each element draws
 * as NumPy's broadcast path does, the narrow buffer shared across them. */
static inline void
fill_integers_each(Hot *g, int type_num, const uint64_t *off, const uint64_t *rng,
                   int masked, char *data, Py_ssize_t n)
{
    int bcnt = 0;
    uint32_t buf = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t r = rng[i];
        switch (type_num) {
        case NDM_BOOL:
            ((uint8_t *)data)[i] = (uint8_t)(off[i] + bounded_bool(g, (uint8_t)r, &bcnt, &buf));
            break;
        case NDM_INT8:
        case NDM_UINT8:
            ((uint8_t *)data)[i] = (uint8_t)(off[i] + bounded_u8(g, (uint8_t)r, masked,
                                                                  &bcnt, &buf));
            break;
        case NDM_INT16:
        case NDM_UINT16:
            ((uint16_t *)data)[i] = (uint16_t)(off[i] + bounded_u16(g, (uint16_t)r, masked,
                                                                     &bcnt, &buf));
            break;
        case NDM_INT32:
        case NDM_UINT32:
            ((uint32_t *)data)[i] = (uint32_t)(off[i] + bounded64(g, r, masked));
            break;
        default:
            ((uint64_t *)data)[i] = off[i] + bounded64(g, r, masked);
            break;
        }
    }
}

#endif
