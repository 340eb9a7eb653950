/* The fast paths of the reductions, vectorized and split across the
 * worker pool: maximum/minimum/fmax/fmin to one value (ufunc.reduce's
 * binary-reduce calls: acc = op(acc, x[0..n))), argmax/argmin of
 * contiguous runs, any binary-reduce call split into pieces with one
 * thread's bits (ndm_reduce_split), and sum/max/min over an outer axis of
 * contiguous rows (ndm_reduce_rows).
 *
 * Integers give the same answer in any order.  Floats do not quite: +0.0
 * and -0.0 compare equal and NaNs carry payloads, so these kernels
 * reproduce NumPy's own loops (loops_minmax.dispatch.c.src, AVX-512
 * dispatch, the one NumPy picks on this project's machines).  A
 * contiguous run is seen as vectors of 64 bytes (L lanes) after the
 * initial accumulator: lane k folds acc, x[k], x[L + k], ... with the
 * packed instruction (maxpd: a > b ? a : b, a tie gives the later
 * element); maximum/minimum turn any NaN in the lanes into the canonical
 * quiet NaN (positive, no payload), fmax/fmin skip NaNs in lanes; the lanes are then folded by
 * GCC's _mm512_reduce_max_pd tree (upper half with lower half twice, then
 * lower with upper); the last n % L elements are folded one by one with
 * NumPy's scalar op.  A strided run follows NumPy's eight-way scalar
 * unroll; there fmax/fmin give b on a tie (libm's), except in the
 * eight-way loop itself (a, the order GCC's vectorized fmax takes), as
 * NumPy's builds on x86-64 do.  Every fold above is associative over the order of the
 * elements, so lanes computed over consecutive pieces on several threads
 * and folded in order give the same bits as one thread. */
#include <fenv.h>
#include <math.h>
#include "reduce_internal.h"
#include "scalar.h"
#include "threads.h"

/* ------------------------------------------------------- lane folds */

/* The packed instructions: a tie or a NaN gives b. */
#define PK_MAX(a, b) ((a) > (b) ? (a) : (b))
#define PK_MIN(a, b) ((a) < (b) ? (a) : (b))
/* fmax/fmin lanes: a NaN b is skipped. */
#define PKP_MAX(a, b) (((a) > (b) || (b) != (b)) ? (a) : (b))
#define PKP_MIN(a, b) (((a) < (b) || (b) != (b)) ? (a) : (b))
/* NumPy's scalar ops for the tail: maximum keeps a NaN accumulator, a
 * tie gives b; fmax keeps a on a tie and skips a NaN b. */
#define SC_MAX(a, b) ((a) != (a) ? (a) : PK_MAX(a, b))
#define SC_MIN(a, b) ((a) != (a) ? (a) : PK_MIN(a, b))
#define SC_FMAX(a, b) (((a) >= (b) || (b) != (b)) ? (a) : (b))
#define SC_FMIN(a, b) (((a) <= (b) || (b) != (b)) ? (a) : (b))

/* Lanes: fold nv vectors of L elements at x into acc[L] with the packed
 * instructions themselves (x86-64: SSE2 always, AVX2 when the CPU has
 * it), eight vectors at a time folded as a tree in their order first, so
 * the loop is not one chain of dependent instructions.  N-ops (maximum,
 * minimum) note NaNs in *nan (their lanes need not keep them); P-ops
 * (fmax, fmin) skip a NaN b with a blend. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define ATTR_avx2 __attribute__((target("avx2")))
#define ATTR_sse2

#define UNORD_avx2(P, S, a, b) P##cmp_##S(a, b, _CMP_UNORD_Q)
#define UNORD_sse2(P, S, a, b) P##cmpunord_##S(a, b)
#define BLEND_avx2(P, S, a, b, m) P##blendv_##S(a, b, m)
#define BLEND_sse2(P, S, a, b, m) P##or_##S(P##and_##S(m, b), P##andnot_##S(m, a))

/* One lane op on hardware vectors: OPN the packed max/min, OPP the same
 * with a NaN b skipped. */
#define VOP_N(ISA, P, S, OP, a, b) P##OP##_##S(a, b)
#define VOP_P(ISA, P, S, OP, a, b)                                          \
    BLEND_##ISA(P, S, P##OP##_##S(a, b), a, UNORD_##ISA(P, S, b, b))

#define LANES_ISA(name, KIND, OP, ISA, V, P, S, HW, T)                      \
static ATTR_##ISA void                                                      \
lanes_##name##_##ISA(T *acc, const T *x, Py_ssize_t nv, int *nan)           \
{                                                                           \
    enum { L = 64 / sizeof(T), NH = L / HW };                               \
    V a[NH], u = P##setzero_##S();                                          \
    for (int h = 0; h < NH; h++) {                                          \
        a[h] = P##loadu_##S(acc + h * HW);                                  \
    }                                                                       \
    Py_ssize_t i = 0;                                                       \
    for (; i + 8 <= nv; i += 8) {                                           \
        const T *p = x + i * L;                                             \
        for (int h = 0; h < NH; h++) {                                      \
            V v[8];                                                         \
            for (int j = 0; j < 8; j++) {                                   \
                v[j] = P##loadu_##S(p + j * L + h * HW);                    \
                __asm__("" : "+x"(v[j]));                                   \
            }                                                               \
            V t01 = VOP_##KIND(ISA, P, S, OP, v[0], v[1]);                  \
            V t23 = VOP_##KIND(ISA, P, S, OP, v[2], v[3]);                  \
            V t45 = VOP_##KIND(ISA, P, S, OP, v[4], v[5]);                  \
            V t67 = VOP_##KIND(ISA, P, S, OP, v[6], v[7]);                  \
            V t = VOP_##KIND(ISA, P, S, OP, VOP_##KIND(ISA, P, S, OP, t01, t23), \
                             VOP_##KIND(ISA, P, S, OP, t45, t67));          \
            a[h] = VOP_##KIND(ISA, P, S, OP, a[h], t);                      \
            if (KIND##_TRACKS_NAN) {                                        \
                u = P##or_##S(u, P##or_##S(                                 \
                        P##or_##S(UNORD_##ISA(P, S, v[0], v[1]),            \
                                  UNORD_##ISA(P, S, v[2], v[3])),           \
                        P##or_##S(UNORD_##ISA(P, S, v[4], v[5]),            \
                                  UNORD_##ISA(P, S, v[6], v[7]))));         \
            }                                                               \
        }                                                                   \
    }                                                                       \
    for (; i < nv; i++) {                                                   \
        for (int h = 0; h < NH; h++) {                                      \
            V v = P##loadu_##S(x + i * L + h * HW);                         \
            a[h] = VOP_##KIND(ISA, P, S, OP, a[h], v);                      \
            if (KIND##_TRACKS_NAN) {                                        \
                u = P##or_##S(u, UNORD_##ISA(P, S, v, v));                  \
            }                                                               \
        }                                                                   \
    }                                                                       \
    for (int h = 0; h < NH; h++) {                                          \
        P##storeu_##S(acc + h * HW, a[h]);                                  \
    }                                                                       \
    *nan |= P##movemask_##S(u) != 0;                                        \
}
/* AVX-512: one 64-byte vector is exactly the L lanes; NaNs in masks
 * (kept in mask registers: DQ has the 8-bit mask or). */
#define MASK_pd __mmask8
#define MASK_ps __mmask16
#define KOR_pd _kor_mask8
#define KOR_ps _mm512_kor
#define VOP512_N(S, OP, a, b) _mm512_##OP##_##S(a, b)
#define VOP512_P(S, OP, a, b)                                               \
    _mm512_mask_##OP##_##S(a, _mm512_cmp_##S##_mask(b, b, _CMP_ORD_Q), a, b)
#define LANES_512(name, KIND, OP, S, V, T)                                  \
static __attribute__((target("avx512f,avx512dq"))) void                     \
lanes_##name##_avx512(T *acc, const T *x, Py_ssize_t nv, int *nan)          \
{                                                                           \
    enum { L = 64 / sizeof(T) };                                            \
    V a = _mm512_loadu_##S(acc);                                            \
    MASK_##S u = 0;                                                         \
    Py_ssize_t i = 0;                                                       \
    for (; i + 8 <= nv; i += 8) {                                           \
        const T *p = x + i * L;                                             \
        V v0 = _mm512_loadu_##S(p), v1 = _mm512_loadu_##S(p + L);           \
        V v2 = _mm512_loadu_##S(p + 2 * L), v3 = _mm512_loadu_##S(p + 3 * L); \
        V v4 = _mm512_loadu_##S(p + 4 * L), v5 = _mm512_loadu_##S(p + 5 * L); \
        V v6 = _mm512_loadu_##S(p + 6 * L), v7 = _mm512_loadu_##S(p + 7 * L); \
        /* one load each: GCC would fold them into both users */           \
        __asm__("" : "+v"(v0), "+v"(v1), "+v"(v2), "+v"(v3),                \
                     "+v"(v4), "+v"(v5), "+v"(v6), "+v"(v7));               \
        V t01 = VOP512_##KIND(S, OP, v0, v1), t23 = VOP512_##KIND(S, OP, v2, v3); \
        V t45 = VOP512_##KIND(S, OP, v4, v5), t67 = VOP512_##KIND(S, OP, v6, v7); \
        a = VOP512_##KIND(S, OP, a, VOP512_##KIND(S, OP,                    \
                VOP512_##KIND(S, OP, t01, t23), VOP512_##KIND(S, OP, t45, t67))); \
        if (KIND##_TRACKS_NAN) {                                            \
            u = KOR_##S(u, KOR_##S(                                         \
                    KOR_##S(_mm512_cmp_##S##_mask(v0, v1, _CMP_UNORD_Q),    \
                            _mm512_cmp_##S##_mask(v2, v3, _CMP_UNORD_Q)),   \
                    KOR_##S(_mm512_cmp_##S##_mask(v4, v5, _CMP_UNORD_Q),    \
                            _mm512_cmp_##S##_mask(v6, v7, _CMP_UNORD_Q)))); \
        }                                                                   \
    }                                                                       \
    for (; i < nv; i++) {                                                   \
        V v = _mm512_loadu_##S(x + i * L);                                  \
        a = VOP512_##KIND(S, OP, a, v);                                     \
        if (KIND##_TRACKS_NAN) {                                            \
            u = KOR_##S(u, _mm512_cmp_##S##_mask(v, v, _CMP_UNORD_Q));     \
        }                                                                   \
    }                                                                       \
    _mm512_storeu_##S(acc, a);                                              \
    *nan |= u != 0;                                                         \
}
#define N_TRACKS_NAN 1
#define P_TRACKS_NAN 0

#define LANES(name, KIND, OP, SX, T, PK)                                    \
    LANES_ISA(name, KIND, OP, avx2, V_avx2_##SX, _mm256_, SX, (32 / sizeof(T)), T) \
    LANES_ISA(name, KIND, OP, sse2, V_sse2_##SX, _mm_, SX, (16 / sizeof(T)), T) \
    LANES_512(name, KIND, OP, SX, V_avx512_##SX, T)                         \
static void                                                                 \
lanes_##name(T *acc, const T *x, Py_ssize_t nv, int *nan)                   \
{                                                                           \
    if (has_avx512) {                                                       \
        lanes_##name##_avx512(acc, x, nv, nan);                             \
    }                                                                       \
    else if (has_avx2) {                                                         \
        lanes_##name##_avx2(acc, x, nv, nan);                               \
    }                                                                       \
    else {                                                                  \
        lanes_##name##_sse2(acc, x, nv, nan);                               \
    }                                                                       \
}
#define V_avx2_pd __m256d
#define V_avx2_ps __m256
#define V_sse2_pd __m128d
#define V_sse2_ps __m128
#define V_avx512_pd __m512d
#define V_avx512_ps __m512

static int has_avx2, has_avx512;

static void
detect_isa(void)
{
    has_avx2 = __builtin_cpu_supports("avx2");
    has_avx512 = __builtin_cpu_supports("avx512f")
                 && __builtin_cpu_supports("avx512dq");
}

#else
/* Elsewhere the same folds in C. */
#define LANES(name, KIND, OP, SX, T, PK)                                    \
static void                                                                 \
lanes_##name(T *acc, const T *x, Py_ssize_t nv, int *nan)                   \
{                                                                           \
    enum { L = 64 / sizeof(T) };                                            \
    for (Py_ssize_t i = 0; i < nv * L; i++) {                               \
        acc[i % L] = PK(acc[i % L], x[i]);                                  \
        *nan |= KIND##_TRACKS_NAN && x[i] != x[i];                          \
    }                                                                       \
}
#define N_TRACKS_NAN 1
#define P_TRACKS_NAN 0

static void
detect_isa(void)
{
}
#endif

/* GCC's _mm512_reduce_max_pd/ps order: v[i] = op(v[i + h], v[i]) on the
 * first two halvings, op(v[i], v[i + h]) after. */
#define TREE(name, T, L, PK)                                                \
static T                                                                    \
tree_##name(T *v)                                                           \
{                                                                           \
    int level = 0;                                                          \
    for (int h = L / 2; h >= 1; h /= 2, level++) {                          \
        for (int i = 0; i < h; i++) {                                       \
            v[i] = level < 2 ? PK(v[i + h], v[i]) : PK(v[i], v[i + h]);     \
        }                                                                   \
    }                                                                       \
    return v[0];                                                            \
}

/* The end of a contiguous reduction: lanes to one value, then the tail. */
#define FINISH_N(name, T, L, PK, SC, UNUSED)                                \
TREE(name, T, L, PK)                                                        \
static T                                                                    \
finish_##name(T *lanes, int nan, const T *tail, Py_ssize_t nt)              \
{                                                                           \
    T r = nan ? (T)NAN : tree_##name(lanes);                                \
    for (Py_ssize_t i = 0; i < nt; i++) {                                   \
        r = SC(r, tail[i]);                                                 \
    }                                                                       \
    return r;                                                               \
}

#define FINISH_P(name, T, L, PK, SC, FILL)                                  \
TREE(name, T, L, PK)                                                        \
static T                                                                    \
finish_##name(T *lanes, int nan, const T *tail, Py_ssize_t nt)              \
{                                                                           \
    (void)nan;                                                              \
    int any = 0;                                                            \
    T r;                                                                    \
    for (int k = 0; k < L; k++) {                                           \
        any |= lanes[k] == lanes[k];                                        \
    }                                                                       \
    if (!any) {                                                             \
        r = lanes[0];                                                       \
    }                                                                       \
    else {                                                                  \
        for (int k = 0; k < L; k++) {                                       \
            lanes[k] = lanes[k] == lanes[k] ? lanes[k] : (FILL);            \
        }                                                                   \
        r = tree_##name(lanes);                                             \
    }                                                                       \
    for (Py_ssize_t i = 0; i < nt; i++) {                                   \
        r = SC(r, tail[i]);                                                 \
    }                                                                       \
    return r;                                                               \
}


/* ------------------------------------------------ one reduction type */

/* Pieces of a threaded contiguous reduction: task t folds vectors
 * [t * per, ...) into its own lanes (the first from its first vector). */
#define MAX_TASKS 64
/* A contiguous max/min/argmax scan runs at ~0.1 ns per element, so waking
 * the pool (tens of microseconds here) pays only once the data is beyond
 * the caches: at 1e6 float64 two threads were slower than one (max 1.13x
 * NumPy's time against 0.94x), from 4e6 faster (0.65x against 0.96x). */
#define SCAN_SPLIT_MIN ((Py_ssize_t)1 << 21)

#define FLOAT_OP(name, T, L, KIND, PK, SC, SCS, SCL, EXTRA)                           \
FINISH_##KIND(name, T, L, PK, SC, EXTRA)                                    \
typedef struct {                                                            \
    const T *x;                                                             \
    Py_ssize_t nv, per;                                                     \
    T lanes[MAX_TASKS][L];                                                  \
    int nan[MAX_TASKS];                                                     \
} Job_##name;                                                               \
static void                                                                 \
task_##name(void *ctx, int t)                                               \
{                                                                           \
    Job_##name *j = ctx;                                                    \
    Py_ssize_t v0 = (Py_ssize_t)t * j->per;                                 \
    Py_ssize_t v1 = v0 + j->per < j->nv ? v0 + j->per : j->nv;              \
    int had = fetestexcept(FE_INVALID);                                     \
    if (t > 0) {                                                            \
        memcpy(j->lanes[t], j->x + v0 * L, L * sizeof(T));                  \
        j->nan[t] = 0;                                                      \
        for (int k = 0; k < L; k++) {                                       \
            j->nan[t] |= j->lanes[t][k] != j->lanes[t][k];                  \
        }                                                                   \
        v0++;                                                               \
    }                                                                       \
    lanes_##name(j->lanes[t], j->x + v0 * L, v1 - v0, &j->nan[t]);          \
    if (!had && fetestexcept(FE_INVALID)) {                                 \
        feclearexcept(FE_INVALID);                                          \
    }                                                                       \
}                                                                           \
static void                                                                 \
strided_##name(T *acc, const char *p, Py_ssize_t n, Py_ssize_t s)           \
{                                                                           \
    Py_ssize_t i = 0;                                                       \
    T r = *acc;                                                             \
    if (n >= 8) {                                                           \
        T m[8];                                                             \
        for (int k = 0; k < 8; k++) {                                       \
            m[k] = *(const T *)(p + k * s);                                 \
        }                                                                   \
        for (i = 8; i + 8 <= n; i += 8) {                                   \
            for (int k = 0; k < 8; k++) {                                   \
                m[k] = SCL(m[k], *(const T *)(p + (i + k) * s));             \
            }                                                               \
        }                                                                   \
        m[0] = SCS(m[0], m[1]);                                              \
        m[2] = SCS(m[2], m[3]);                                              \
        m[4] = SCS(m[4], m[5]);                                              \
        m[6] = SCS(m[6], m[7]);                                              \
        m[0] = SCS(m[0], m[2]);                                              \
        m[4] = SCS(m[4], m[6]);                                              \
        m[0] = SCS(m[0], m[4]);                                              \
        r = SCS(r, m[0]);                                                    \
    }                                                                       \
    for (; i < n; i++) {                                                    \
        r = SCS(r, *(const T *)(p + i * s));                                 \
    }                                                                       \
    *acc = r;                                                               \
}                                                                           \
static void                                                                 \
red_##name(char *accp, const char *xp, Py_ssize_t n, Py_ssize_t s,          \
           int may_thread)                                                  \
{                                                                           \
    int had = fetestexcept(FE_INVALID);                                     \
    if (s != (Py_ssize_t)sizeof(T)) {                                       \
        strided_##name((T *)accp, xp, n, s);                                \
    }                                                                       \
    else {                                                                  \
        Job_##name j;                                                       \
        T init = *(T *)accp;                                                \
        j.x = (const T *)xp;                                                \
        j.nv = n / L;                                                       \
        int ntasks = 1;                                                     \
        if (may_thread && ndm_threads_count() > 1 && n >= SCAN_SPLIT_MIN) { \
            Py_ssize_t most = n / NDM_THREADS_MIN_CHUNK;                    \
            ntasks = ndm_threads_count();                                   \
            ntasks = ntasks < most ? ntasks : (int)most;                    \
            ntasks = ntasks < MAX_TASKS ? ntasks : MAX_TASKS;               \
            ntasks = ntasks > 1 ? ntasks : 1;                               \
        }                                                                   \
        j.per = (j.nv + ntasks - 1) / ntasks;                               \
        if (j.per > 0) {                                                    \
            ntasks = (int)((j.nv + j.per - 1) / j.per);                     \
        }                                                                   \
        ntasks = ntasks > 1 ? ntasks : 1;                                   \
        for (int k = 0; k < L; k++) {                                       \
            j.lanes[0][k] = init;                                           \
        }                                                                   \
        j.nan[0] = init != init;                                            \
        if (ntasks > 1) {                                                   \
            ndm_threads_run(ntasks, task_##name, &j);                       \
        }                                                                   \
        else {                                                              \
            task_##name(&j, 0);                                             \
        }                                                                   \
        for (int t = 1; t < ntasks; t++) {                                  \
            j.nan[0] |= j.nan[t];                                           \
            for (int k = 0; k < L; k++) {                                   \
                j.lanes[0][k] = PK(j.lanes[0][k], j.lanes[t][k]);           \
            }                                                               \
        }                                                                   \
        *(T *)accp = finish_##name(j.lanes[0], j.nan[0], j.x + j.nv * L,    \
                                   n - j.nv * L);                           \
    }                                                                       \
    if (!had && fetestexcept(FE_INVALID)) {                                 \
        feclearexcept(FE_INVALID);                                          \
    }                                                                       \
}

LANES(max_f64, N, max, pd, double, PK_MAX)
LANES(min_f64, N, min, pd, double, PK_MIN)
LANES(fmax_f64, P, max, pd, double, PKP_MAX)
LANES(fmin_f64, P, min, pd, double, PKP_MIN)
LANES(max_f32, N, max, ps, float, PK_MAX)
LANES(min_f32, N, min, ps, float, PK_MIN)
LANES(fmax_f32, P, max, ps, float, PKP_MAX)
LANES(fmin_f32, P, min, ps, float, PKP_MIN)
FLOAT_OP(max_f64, double, 8, N, PK_MAX, SC_MAX, SC_MAX, SC_MAX, 0)
FLOAT_OP(min_f64, double, 8, N, PK_MIN, SC_MIN, SC_MIN, SC_MIN, 0)
FLOAT_OP(fmax_f64, double, 8, P, PKP_MAX, SC_FMAX, PKP_MAX, SC_FMAX, -Py_HUGE_VAL)
FLOAT_OP(fmin_f64, double, 8, P, PKP_MIN, SC_FMIN, PKP_MIN, SC_FMIN, Py_HUGE_VAL)
FLOAT_OP(max_f32, float, 16, N, PK_MAX, SC_MAX, SC_MAX, SC_MAX, 0)
FLOAT_OP(min_f32, float, 16, N, PK_MIN, SC_MIN, SC_MIN, SC_MIN, 0)
FLOAT_OP(fmax_f32, float, 16, P, PKP_MAX, SC_FMAX, PKP_MAX, SC_FMAX, -(float)Py_HUGE_VAL)
FLOAT_OP(fmin_f32, float, 16, P, PKP_MIN, SC_FMIN, PKP_MIN, SC_FMIN, (float)Py_HUGE_VAL)

/* -------------------------------------------------------- integers */

/* Integers: any order gives the same value; 128 bytes of lanes (four
 * AVX2 vectors in flight). */
#define INT_OP(name, T, PK)                                                 \
NDM_KERNEL_CLONES static T                                                  \
fold_##name(T r, const T *restrict x, Py_ssize_t n)                         \
{                                                                           \
    enum { L = 128 / sizeof(T) };                                           \
    Py_ssize_t i = 0;                                                       \
    if (n >= 2 * L) {                                                       \
        T a[L];                                                             \
        for (int k = 0; k < L; k++) {                                       \
            a[k] = x[k];                                                    \
        }                                                                   \
        for (i = L; i + L <= n; i += L) {                                   \
            for (int k = 0; k < L; k++) {                                   \
                a[k] = PK(a[k], x[i + k]);                                  \
            }                                                               \
        }                                                                   \
        for (int k = 0; k < L; k++) {                                       \
            r = PK(r, a[k]);                                                \
        }                                                                   \
    }                                                                       \
    for (; i < n; i++) {                                                    \
        r = PK(r, x[i]);                                                    \
    }                                                                       \
    return r;                                                               \
}                                                                           \
typedef struct {                                                            \
    const T *x;                                                             \
    Py_ssize_t n, per;                                                      \
    T part[MAX_TASKS];                                                      \
} Job_##name;                                                               \
static void                                                                 \
task_##name(void *ctx, int t)                                               \
{                                                                           \
    Job_##name *j = ctx;                                                    \
    Py_ssize_t i0 = (Py_ssize_t)t * j->per;                                 \
    Py_ssize_t i1 = i0 + j->per < j->n ? i0 + j->per : j->n;                \
    j->part[t] = fold_##name(j->x[i0], j->x + i0 + 1, i1 - i0 - 1);        \
}                                                                           \
static void                                                                 \
red_##name(char *accp, const char *xp, Py_ssize_t n, Py_ssize_t s,          \
           int may_thread)                                                  \
{                                                                           \
    T r = *(T *)accp;                                                       \
    if (s != (Py_ssize_t)sizeof(T)) {                                       \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            r = PK(r, *(const T *)(xp + i * s));                            \
        }                                                                   \
    }                                                                       \
    else if (may_thread && ndm_threads_count() > 1 && n >= SCAN_SPLIT_MIN) { \
        Job_##name j;                                                       \
        Py_ssize_t most = n / NDM_THREADS_MIN_CHUNK;                        \
        int ntasks = ndm_threads_count();                                   \
        ntasks = ntasks < most ? ntasks : (int)most;                        \
        ntasks = ntasks < MAX_TASKS ? ntasks : MAX_TASKS;                   \
        j.x = (const T *)xp;                                                \
        j.n = n;                                                            \
        j.per = (n + ntasks - 1) / ntasks;                                  \
        ntasks = (int)((n + j.per - 1) / j.per);                            \
        ndm_threads_run(ntasks, task_##name, &j);                           \
        for (int t = 0; t < ntasks; t++) {                                  \
            r = PK(r, j.part[t]);                                           \
        }                                                                   \
    }                                                                       \
    else {                                                                  \
        r = fold_##name(r, (const T *)xp, n);                               \
    }                                                                       \
    *(T *)accp = r;                                                         \
}

#define INT_OPS(nm, T)                                                      \
    INT_OP(max_##nm, T, PK_MAX)                                             \
    INT_OP(min_##nm, T, PK_MIN)
INT_OPS(i8, int8_t)
INT_OPS(u8, uint8_t)
INT_OPS(i16, int16_t)
INT_OPS(u16, uint16_t)
INT_OPS(i32, int32_t)
INT_OPS(u32, uint32_t)
INT_OPS(i64, int64_t)
INT_OPS(u64, uint64_t)

/* ------------------------------------------------------------ lookup */

ndm_red_fast_fn
ndm_reduce_minmax_fn(const char *ufname, int type_num)
{
    int op;
    if (strcmp(ufname, "maximum") == 0) {
        op = 0;
    }
    else if (strcmp(ufname, "minimum") == 0) {
        op = 1;
    }
    else if (strcmp(ufname, "fmax") == 0) {
        op = 2;
    }
    else if (strcmp(ufname, "fmin") == 0) {
        op = 3;
    }
    else {
        return NULL;
    }
    switch (type_num) {
    case NDM_FLOAT64: {
        static const ndm_red_fast_fn f[] = {red_max_f64, red_min_f64,
                                            red_fmax_f64, red_fmin_f64};
        return f[op];
    }
    case NDM_FLOAT32: {
        static const ndm_red_fast_fn f[] = {red_max_f32, red_min_f32,
                                            red_fmax_f32, red_fmin_f32};
        return f[op];
    }
#define INT_CASE(N, nm)                                                     \
    case N:                                                                 \
        return op % 2 == 0 ? red_max_##nm : red_min_##nm;
    INT_CASE(NDM_INT8, i8)
    INT_CASE(NDM_UINT8, u8)
    INT_CASE(NDM_INT16, i16)
    INT_CASE(NDM_UINT16, u16)
    INT_CASE(NDM_INT32, i32)
    INT_CASE(NDM_UINT32, u32)
    INT_CASE(NDM_INT64, i64)
    INT_CASE(NDM_UINT64, u64)
#undef INT_CASE
    default:
        return NULL;
    }
}

/* ------------------------------------------------- argmax / argmin */

/* The first index of the extreme of a contiguous float run, a NaN
 * counting as the extreme (NumPy's argmax/argmin).  Blocks are scanned
 * for their extreme with the lane folds above; only a block that beats
 * the best so far, or holds a NaN, is searched for the first index of
 * its extreme (or NaN).  Large
 * runs are split into pieces on the pool and the pieces' answers taken in
 * order (the first NaN, else the first strictly better value). */
#define ARG_BLOCK 2048

/* The first index of a value known to be in x[0..n) (or of a NaN):
 * AVX2 compares four vectors per test where the CPU has it. */
#if defined(__x86_64__) && defined(__GNUC__)
#define FIND_FAST(T, TN, HIT)                                               \
static ATTR_avx2 Py_ssize_t                                                 \
find_avx2_##TN(const T *x, Py_ssize_t n, T m)                               \
{                                                                           \
    typedef T V __attribute__((vector_size(32)));                           \
    enum { K = 32 / sizeof(T) };                                            \
    const V vm = (V){0} + m;                                                \
    Py_ssize_t i = 0;                                                       \
    (void)vm;                                                               \
    for (; i + 4 * K <= n; i += 4 * K) {                                    \
        V a, b, c, d;                                                       \
        memcpy(&a, x + i, 32);                                              \
        memcpy(&b, x + i + K, 32);                                          \
        memcpy(&c, x + i + 2 * K, 32);                                      \
        memcpy(&d, x + i + 3 * K, 32);                                      \
        __m256i h = (__m256i)((HIT(a, vm) | HIT(b, vm)) | (HIT(c, vm) | HIT(d, vm))); \
        if (!_mm256_testz_si256(h, h)) {                                    \
            break;                                                          \
        }                                                                   \
    }                                                                       \
    return i;                                                               \
}
#define FIND_START(TN, x, n, m) (has_avx2 ? find_avx2_##TN(x, n, m) : 0)
#else
#define FIND_FAST(T, TN, HIT)
#define FIND_START(TN, x, n, m) 0
#endif
#define HIT_EQ(a, m) ((a) == (m))
#define HIT_NAN(a, m) ((a) != (a))

#define FIND(T, TN)                                                         \
FIND_FAST(T, eq_##TN, HIT_EQ)                                               \
static Py_ssize_t                                                           \
first_eq_##TN(const T *x, Py_ssize_t n, T m)                                \
{                                                                           \
    Py_ssize_t i = FIND_START(eq_##TN, x, n, m);                            \
    while (i < n && x[i] != m) {                                            \
        i++;                                                                \
    }                                                                       \
    return i;                                                               \
}
#define FIND_NAN(T, TN)                                                     \
FIND_FAST(T, nan_##TN, HIT_NAN)                                             \
static Py_ssize_t                                                           \
first_nan_##TN(const T *x, Py_ssize_t n)                                    \
{                                                                           \
    Py_ssize_t i = FIND_START(nan_##TN, x, n, 0);                           \
    while (i < n && x[i] == x[i]) {                                         \
        i++;                                                                \
    }                                                                       \
    return i;                                                               \
}
FIND(double, f64)
FIND(float, f32)
FIND_NAN(double, f64)
FIND_NAN(float, f32)
/* Integers hold no NaN: never called. */
#define FIND_INT(T, TN)                                                     \
FIND(T, TN)                                                                 \
static inline Py_ssize_t                                                    \
first_nan_##TN(const T *x, Py_ssize_t n)                                    \
{                                                                           \
    (void)x;                                                                \
    return n;                                                               \
}
FIND_INT(int8_t, i8)
FIND_INT(uint8_t, u8)
FIND_INT(int16_t, i16)
FIND_INT(uint16_t, u16)
FIND_INT(int32_t, i32)
FIND_INT(uint32_t, u32)
FIND_INT(int64_t, i64)
FIND_INT(uint64_t, u64)

#define ARG_OP(name, T, TN, BLOCK_FN, CMP)                                   \
static Py_ssize_t                                                           \
seg_##name(const T *x, Py_ssize_t n, T *best_v, int *is_nan)                \
{                                                                           \
    Py_ssize_t best = 0;                                                    \
    T v = x[0];                                                             \
    *is_nan = v != v;                                                       \
    if (*is_nan) {                                                          \
        return 0;                                                           \
    }                                                                       \
    for (Py_ssize_t b0 = 0; b0 < n; b0 += ARG_BLOCK) {                      \
        Py_ssize_t len = n - b0 < ARG_BLOCK ? n - b0 : ARG_BLOCK;           \
        int nan;                                                            \
        T m = BLOCK_FN(x + b0, len, &nan);                              \
        if (nan) {                                                          \
            *is_nan = 1;                                                    \
            return b0 + first_nan_##TN(x + b0, len);                         \
        }                                                                   \
        if (m CMP v) {                                                      \
            /* the block's extreme, first where it occurs */                \
            v = m;                                                          \
            best = b0 + first_eq_##TN(x + b0, len, m);                       \
        }                                                                   \
    }                                                                       \
    *best_v = v;                                                            \
    return best;                                                            \
}                                                                           \
typedef struct {                                                            \
    const T *x;                                                             \
    Py_ssize_t n, per;                                                      \
    Py_ssize_t idx[MAX_TASKS];                                              \
    T v[MAX_TASKS];                                                         \
    int nan[MAX_TASKS];                                                     \
} ArgJob_##name;                                                            \
static void                                                                 \
argtask_##name(void *ctx, int t)                                            \
{                                                                           \
    ArgJob_##name *j = ctx;                                                 \
    Py_ssize_t i0 = (Py_ssize_t)t * j->per;                                 \
    Py_ssize_t i1 = i0 + j->per < j->n ? i0 + j->per : j->n;                \
    j->idx[t] = i0 + seg_##name(j->x + i0, i1 - i0, &j->v[t], &j->nan[t]); \
}                                                                           \
static Py_ssize_t                                                           \
arg_##name(const T *x, Py_ssize_t n, int may_thread)                        \
{                                                                           \
    ArgJob_##name j;                                                        \
    int ntasks = 1;                                                         \
    if (may_thread && ndm_threads_count() > 1 && n >= SCAN_SPLIT_MIN) {     \
        Py_ssize_t most = n / NDM_THREADS_MIN_CHUNK;                        \
        ntasks = ndm_threads_count();                                       \
        ntasks = ntasks < most ? ntasks : (int)most;                        \
        ntasks = ntasks < MAX_TASKS ? ntasks : MAX_TASKS;                   \
        ntasks = ntasks > 1 ? ntasks : 1;                                   \
    }                                                                       \
    j.x = x;                                                                \
    j.n = n;                                                                \
    j.per = (n + ntasks - 1) / ntasks;                                      \
    /* whole blocks per task, so a task's blocks are one thread's */       \
    j.per = (j.per + ARG_BLOCK - 1) / ARG_BLOCK * ARG_BLOCK;                \
    ntasks = (int)((n + j.per - 1) / j.per);                                \
    if (ntasks > 1) {                                                       \
        ndm_threads_run(ntasks, argtask_##name, &j);                        \
    }                                                                       \
    else {                                                                  \
        argtask_##name(&j, 0);                                              \
    }                                                                       \
    Py_ssize_t best = j.idx[0];                                             \
    T v = j.v[0];                                                           \
    if (j.nan[0]) {                                                         \
        return best;                                                        \
    }                                                                       \
    for (int t = 1; t < ntasks; t++) {                                      \
        if (j.nan[t]) {                                                     \
            return j.idx[t];                                                \
        }                                                                   \
        if (j.v[t] CMP v) {                                                 \
            v = j.v[t];                                                     \
            best = j.idx[t];                                                \
        }                                                                   \
    }                                                                       \
    return best;                                                            \
}

/* The extreme of a block (any order: a value) and whether it holds a NaN. */
#define BLOCK_FLOAT(name, T, L, LANES_FN, CMP)                              \
static T                                                                    \
block_##name(const T *x, Py_ssize_t n, int *nan)                            \
{                                                                           \
    T acc[L];                                                               \
    for (int k = 0; k < L; k++) {                                           \
        acc[k] = x[0];                                                      \
    }                                                                       \
    Py_ssize_t nv = n / L;                                                  \
    *nan = x[0] != x[0];                                                    \
    LANES_FN(acc, x, nv, nan);                                              \
    T m = acc[0];                                                           \
    for (int k = 1; k < L; k++) {                                           \
        m = acc[k] CMP m ? acc[k] : m;                                      \
    }                                                                       \
    for (Py_ssize_t i = nv * L; i < n; i++) {                               \
        *nan |= x[i] != x[i];                                               \
        m = x[i] CMP m ? x[i] : m;                                          \
    }                                                                       \
    return m;                                                               \
}
BLOCK_FLOAT(max_f64, double, 8, lanes_max_f64, >)
BLOCK_FLOAT(min_f64, double, 8, lanes_min_f64, <)
BLOCK_FLOAT(max_f32, float, 16, lanes_max_f32, >)
BLOCK_FLOAT(min_f32, float, 16, lanes_min_f32, <)
ARG_OP(argmax_f64, double, f64, block_max_f64, >)
ARG_OP(argmin_f64, double, f64, block_min_f64, <)
ARG_OP(argmax_f32, float, f32, block_max_f32, >)
ARG_OP(argmin_f32, float, f32, block_min_f32, <)

/* Integers: the block's extreme by the vectorized fold; no NaN. */
#define BLOCK_INT(nm, T)                                                    \
static T                                                                    \
block_max_##nm(const T *x, Py_ssize_t n, int *nan)                          \
{                                                                           \
    *nan = 0;                                                               \
    return fold_max_##nm(x[0], x + 1, n - 1);                               \
}                                                                           \
static T                                                                    \
block_min_##nm(const T *x, Py_ssize_t n, int *nan)                          \
{                                                                           \
    *nan = 0;                                                               \
    return fold_min_##nm(x[0], x + 1, n - 1);                               \
}                                                                           \
ARG_OP(argmax_##nm, T, nm, block_max_##nm, >)                               \
ARG_OP(argmin_##nm, T, nm, block_min_##nm, <)
BLOCK_INT(i8, int8_t)
BLOCK_INT(u8, uint8_t)
BLOCK_INT(i16, int16_t)
BLOCK_INT(u16, uint16_t)
BLOCK_INT(i32, int32_t)
BLOCK_INT(u32, uint32_t)
BLOCK_INT(i64, int64_t)
BLOCK_INT(u64, uint64_t)

Py_ssize_t
ndm_reduce_argext_contig(int type_num, int want_max, const char *p,
                         Py_ssize_t n, int may_thread)
{
    if (type_num == NDM_FLOAT64) {
        return want_max ? arg_argmax_f64((const double *)p, n, may_thread)
                        : arg_argmin_f64((const double *)p, n, may_thread);
    }
    if (type_num == NDM_FLOAT32) {
        return want_max ? arg_argmax_f32((const float *)p, n, may_thread)
                        : arg_argmin_f32((const float *)p, n, may_thread);
    }
    switch (type_num) {
#define ARG_CASE(N, nm, T)                                                  \
    case N:                                                                 \
        return want_max ? arg_argmax_##nm((const T *)p, n, may_thread)      \
                        : arg_argmin_##nm((const T *)p, n, may_thread);
    ARG_CASE(NDM_INT8, i8, int8_t)
    ARG_CASE(NDM_UINT8, u8, uint8_t)
    ARG_CASE(NDM_INT16, i16, int16_t)
    ARG_CASE(NDM_UINT16, u16, uint16_t)
    ARG_CASE(NDM_INT32, i32, int32_t)
    ARG_CASE(NDM_UINT32, u32, uint32_t)
    ARG_CASE(NDM_INT64, i64, int64_t)
    ARG_CASE(NDM_UINT64, u64, uint64_t)
#undef ARG_CASE
    default:
        return -1;
    }
}

/* Runs shorter than this are scanned holding the GIL: releasing it costs
 * more than they do. */
#define ARG_GIL_N 16384

PyObject *
ndm_reduce_argext_method(PyObject *self, PyObject *args, PyObject *kwds, int want_max)
{
    if (!NdmArray_CheckExact(self) || PyTuple_GET_SIZE(args) != 0
            || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        return NULL;
    }
    NdmArray *a = (NdmArray *)self;
    int tn = a->descr->type_num;
    Py_ssize_t n = ndm_array_size(a);
    if (tn >= NDM_NNUMERIC || n == 0 || !(a->flags & NDM_C_CONTIGUOUS)
            || !(a->flags & NDM_ALIGNED) || !ndm_dtype_isnative(a->descr)) {
        return NULL;
    }
    int64_t r;
    if (n < ARG_GIL_N) {
        r = ndm_reduce_argext_contig(tn, want_max, a->data, n, 0);
    }
    else {
        Py_BEGIN_ALLOW_THREADS
        r = ndm_reduce_argext_contig(tn, want_max, a->data, n, 1);
        Py_END_ALLOW_THREADS
    }
    return r < 0 ? NULL : ndm_scalar_new(NDM_INT64, &r);
}

/* ------------------------------------- any reduction, split on the pool */

/* A binary-reduce kernel call acc = op(acc, x[0..n)) as pieces on the
 * pool.  NDM_SPLIT_FREE (associative, commutative integer and bool ops):
 * equal pieces, each folded from its first element, then folded into acc
 * in order.  NDM_SPLIT_PAIRWISE (float32/64 add, acc += pairwise(x)):
 * the pieces are the subtrees of NumPy's pairwise recursion (n2 = n / 2
 * rounded down to a multiple of 8, while the run is above the 128-element
 * leaf), each summed by the kernel onto -0.0 (which leaves a sum's bits
 * alone) and added back up the same tree, so the bits are one thread's. */
#define PW_LEAF 128

typedef struct SplitJob {
    ndm_kernel kernel;
    const char *x;
    Py_ssize_t s, isz;
    int pairwise;
    Py_ssize_t start[MAX_TASKS], len[MAX_TASKS];
    _Alignas(16) char acc[MAX_TASKS][16];
} SplitJob;

static void
split_task(void *ctx, int t)
{
    SplitJob *j = ctx;
    const char *x = j->x + j->start[t] * j->s;
    Py_ssize_t n = j->len[t];
    Py_ssize_t steps[3] = {0, j->s, 0};
    if (j->pairwise) {
        if (j->isz == 8) {
            double z = -0.0;
            memcpy(j->acc[t], &z, 8);
        }
        else {
            float z = -0.0f;
            memcpy(j->acc[t], &z, 4);
        }
    }
    else {
        memcpy(j->acc[t], x, j->isz);
        x += j->s;
        n--;
    }
    char *args[3] = {j->acc[t], (char *)x, j->acc[t]};
    j->kernel(args, n, steps, NULL);
}

/* The pieces of the pairwise tree of [start, start + n), depth levels
 * down (or fewer where a run reaches the leaf size). */
static void
pw_pieces(SplitJob *j, int *np, Py_ssize_t start, Py_ssize_t n, int depth)
{
    if (depth == 0 || n <= PW_LEAF) {
        j->start[*np] = start;
        j->len[*np] = n;
        (*np)++;
        return;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    pw_pieces(j, np, start, n2, depth - 1);
    pw_pieces(j, np, start + n2, n - n2, depth - 1);
}

/* Add the pieces back up the same tree: returns the piece holding the
 * subtree's sum (a += b through the kernel, a one-element reduce). */
static int
pw_combine(SplitJob *j, int *next, Py_ssize_t n, int depth)
{
    if (depth == 0 || n <= PW_LEAF) {
        return (*next)++;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    int a = pw_combine(j, next, n2, depth - 1);
    int b = pw_combine(j, next, n - n2, depth - 1);
    Py_ssize_t steps[3] = {0, 0, 0};
    char *args[3] = {j->acc[a], j->acc[b], j->acc[a]};
    j->kernel(args, 1, steps, NULL);
    return a;
}

int
ndm_reduce_split(ndm_kernel kernel, int kind, char *acc, const char *x,
                 Py_ssize_t n, Py_ssize_t s, Py_ssize_t isz)
{
    int threads = ndm_threads_count();
    Py_ssize_t most = n / NDM_THREADS_MIN_CHUNK;
    if (kind == NDM_SPLIT_NONE || threads < 2 || most < 2 || isz > 16) {
        return 0;
    }
    int ntasks = threads < most ? threads : (int)most;
    ntasks = ntasks < MAX_TASKS ? ntasks : MAX_TASKS;
    SplitJob j;
    j.kernel = kernel;
    j.x = x;
    j.s = s;
    j.isz = isz;
    j.pairwise = kind == NDM_SPLIT_PAIRWISE;
    int np = 0, depth = 0;
    if (j.pairwise) {
        while ((1 << depth) < ntasks && (2 << depth) <= MAX_TASKS) {
            depth++;
        }
        pw_pieces(&j, &np, 0, n, depth);
    }
    else {
        Py_ssize_t per = (n + ntasks - 1) / ntasks;
        for (Py_ssize_t i0 = 0; i0 < n; i0 += per) {
            j.start[np] = i0;
            j.len[np] = n - i0 < per ? n - i0 : per;
            np++;
        }
    }
    ndm_threads_run(np, split_task, &j);
    Py_ssize_t steps[3] = {0, 0, 0};
    int top = 0;
    if (j.pairwise) {
        int next = 0;
        top = pw_combine(&j, &next, n, depth);
    }
    char *args[3] = {acc, j.acc[top], acc};
    for (int t = top; t < (j.pairwise ? top + 1 : np); t++) {
        args[1] = j.acc[t];
        kernel(args, 1, steps, NULL);
    }
    return 1;
}

/* ------------------------------------------ sums over an outer axis */

/* out[j] += x[0][j], then x[1][j], ... (NumPy's order for a reduction
 * over an outer axis: row by row; maximum and minimum the same with
 * NumPy's elementwise op), four rows per pass over out so it is
 * loaded and stored once per four rows; each element sees the same
 * additions in the same order.  The columns split across the pool. */
#define ROWS_BLOCK 2048

#define ROWS_OP(name, T, OP)                                                \
NDM_KERNEL_CLONES static void                                               \
rows_##name(char *out, const char *x, Py_ssize_t n, Py_ssize_t m,           \
            Py_ssize_t rs)                                                  \
{                                                                           \
    T *restrict o = (T *)out;                                               \
    Py_ssize_t i = 0;                                                       \
    for (; i + 4 <= m; i += 4) {                                            \
        const T *restrict r0 = (const T *)(x + i * rs);                     \
        const T *restrict r1 = (const T *)(x + (i + 1) * rs);               \
        const T *restrict r2 = (const T *)(x + (i + 2) * rs);               \
        const T *restrict r3 = (const T *)(x + (i + 3) * rs);               \
        for (Py_ssize_t j = 0; j < n; j++) {                                \
            o[j] = OP(OP(OP(OP(o[j], r0[j]), r1[j]), r2[j]), r3[j]);         \
        }                                                                   \
    }                                                                       \
    for (; i < m; i++) {                                                    \
        const T *restrict r0 = (const T *)(x + i * rs);                     \
        for (Py_ssize_t j = 0; j < n; j++) {                                \
            o[j] = OP(o[j], r0[j]);                                         \
        }                                                                   \
    }                                                                       \
}
#define ADD(a, b) ((a) + (b))
/* NumPy's elementwise maximum/minimum: a NaN in out stays, a tie or a
 * NaN row element replaces it */
#define EMAX(a, b) ((a) != (a) || (a) > (b) ? (a) : (b))
#define EMIN(a, b) ((a) != (a) || (a) < (b) ? (a) : (b))
ROWS_OP(add_f64, double, ADD)
ROWS_OP(add_f32, float, ADD)

/* maximum/minimum rows: GCC does not vectorize the NaN test, so AVX2
 * blends it in where the CPU has it (the plain loop elsewhere). */
#if defined(__x86_64__) && defined(__GNUC__)
#define ROWS_MM(name, T, OP, VT, S, HW, SCALAR)                                 \
static ATTR_avx2 void                                                       \
rows_##name##_avx2(char *out, const char *x, Py_ssize_t n, Py_ssize_t m,    \
                   Py_ssize_t rs)                                           \
{                                                                           \
    T *o = (T *)out;                                                        \
    Py_ssize_t i = 0, nv = n - n % HW;                                      \
    for (; i < m; i += 4) {                                                 \
        int rows = m - i < 4 ? (int)(m - i) : 4;                            \
        const T *r[4];                                                      \
        for (int k = 0; k < 4; k++) {                                       \
            r[k] = (const T *)(x + (i + (k < rows ? k : 0)) * rs);          \
        }                                                                   \
        for (Py_ssize_t j = 0; j < nv; j += HW) {                           \
            VT a = _mm256_loadu_##S(o + j);                          \
            for (int k = 0; k < rows; k++) {                                \
                VT b = _mm256_loadu_##S(r[k] + j);                   \
                a = _mm256_blendv_##S(_mm256_##OP##_##S(a, b), a,           \
                                      _mm256_cmp_##S(a, a, _CMP_UNORD_Q));  \
            }                                                               \
            _mm256_storeu_##S(o + j, a);                                    \
        }                                                                   \
        for (Py_ssize_t j = nv; j < n; j++) {                               \
            for (int k = 0; k < rows; k++) {                                \
                o[j] = SCALAR(o[j], r[k][j]);                               \
            }                                                               \
        }                                                                   \
    }                                                                       \
}                                                                           \
ROWS_OP(name##_c, T, SCALAR)                                                \
static void                                                                 \
rows_##name(char *out, const char *x, Py_ssize_t n, Py_ssize_t m,           \
            Py_ssize_t rs)                                                  \
{                                                                           \
    if (has_avx2) {                                                         \
        rows_##name##_avx2(out, x, n, m, rs);                               \
    }                                                                       \
    else {                                                                  \
        rows_##name##_c(out, x, n, m, rs);                                  \
    }                                                                       \
}
ROWS_MM(max_f64, double, max, __m256d, pd, 4, EMAX)
ROWS_MM(max_f32, float, max, __m256, ps, 8, EMAX)
ROWS_MM(min_f64, double, min, __m256d, pd, 4, EMIN)
ROWS_MM(min_f32, float, min, __m256, ps, 8, EMIN)
#else
ROWS_OP(max_f64, double, EMAX)
ROWS_OP(max_f32, float, EMAX)
ROWS_OP(min_f64, double, EMIN)
ROWS_OP(min_f32, float, EMIN)
#endif


typedef struct RowsJob {
    void (*rows)(char *, const char *, Py_ssize_t, Py_ssize_t, Py_ssize_t);
    char *out;
    const char *x;
    Py_ssize_t n, m, rs, per, isz;
} RowsJob;

static void
rows_task(void *ctx, int t)
{
    RowsJob *j = ctx;
    Py_ssize_t j0 = (Py_ssize_t)t * j->per;
    Py_ssize_t j1 = j0 + j->per < j->n ? j0 + j->per : j->n;
    for (Py_ssize_t b = j0; b < j1; b += ROWS_BLOCK) {
        Py_ssize_t len = j1 - b < ROWS_BLOCK ? j1 - b : ROWS_BLOCK;
        char *o = j->out + b * j->isz;
        const char *x = j->x + b * j->isz;
        j->rows(o, x, len, j->m, j->rs);
    }
}

int
ndm_reduce_rows(const char *ufname, int type_num, char *out, const char *x,
                Py_ssize_t n, Py_ssize_t m, Py_ssize_t rs, int copy_first,
                int may_thread)
{
    static const char *const names[] = {"add", "maximum", "minimum"};
    RowsJob j = {NULL, out, x, n, m, rs, n, 0};
    for (int k = 0; k < 3; k++) {
        if (strcmp(ufname, names[k]) != 0) {
            continue;
        }
        if (type_num == NDM_FLOAT64) {
            j.rows = k == 0 ? rows_add_f64 : k == 1 ? rows_max_f64 : rows_min_f64;
            j.isz = 8;
        }
        else if (type_num == NDM_FLOAT32) {
            j.rows = k == 0 ? rows_add_f32 : k == 1 ? rows_max_f32 : rows_min_f32;
            j.isz = 4;
        }
    }
    if (j.rows == NULL) {
        return 0;
    }
    if (copy_first) {
        memcpy(out, x, n * j.isz);
        j.x += rs;
        j.m--;
    }
    /* maximum/minimum raise no invalid flag for NaN, as NumPy's */
    int quiet = strcmp(ufname, "add") != 0, had = fetestexcept(FE_INVALID);
    int ntasks = 1;
    if (may_thread && ndm_threads_count() > 1) {
        Py_ssize_t most = n * m / NDM_THREADS_MIN_CHUNK;
        ntasks = ndm_threads_count();
        ntasks = ntasks < most ? ntasks : (int)most;
        ntasks = ntasks < MAX_TASKS ? ntasks : MAX_TASKS;
        ntasks = ntasks > 1 ? ntasks : 1;
    }
    /* whole cache lines per task */
    Py_ssize_t line = 64 / j.isz;
    j.per = ((n + ntasks - 1) / ntasks + line - 1) / line * line;
    ntasks = (int)((n + j.per - 1) / j.per);
    if (ntasks > 1) {
        ndm_threads_run(ntasks, rows_task, &j);
    }
    else {
        rows_task(&j, 0);
    }
    if (quiet && !had && fetestexcept(FE_INVALID)) {
        feclearexcept(FE_INVALID);
    }
    return 1;
}

void
ndm_reduce_minmax_init(void)
{
    detect_isa();
}
