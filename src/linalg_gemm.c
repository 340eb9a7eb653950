/* Cache-blocked GEMM (Goto/BLIS blocking), see linalg_gemm.h.
 *
 * C is cut into units (row blocks of at most MC rows, and column ranges
 * when there are few rows) that tasks claim one at a time.  A unit packs
 * its rows of A, one KC-deep block at a time, into MR-tall micro-panels
 * (MC x KC, kept in L2), then for each NR-wide micro-panel of B packs it
 * (KC x NR, L1/L2-sized, the next one prefetched meanwhile) and sweeps the
 * row block with the MR x NR register-blocked micro-kernel.  No panel is
 * shared, so tasks never wait on each other and the packing memory is
 * bounded per task whatever the operands' size; the price is that each
 * row block repacks B (all packing: 5% of a 1000^3 product on one thread,
 * against 4.5% with one B panel shared by all row blocks).  The
 * micro-kernel adds its k-block sum to C (or stores it, for the first k
 * block), so each element of C is accumulated over the same k blocks in
 * the same order whatever the split: results do not depend on the thread
 * count.
 *
 * Micro-kernels, chosen at import: AVX-512F (14 x 16 doubles, 14 x 32
 * floats: 28 zmm accumulators, two B loads and fourteen broadcast-FMAs per
 * step of k), AVX2+FMA (6 x 8 doubles, 6 x 16 floats in ymm), else a
 * portable C kernel, which also serves integers (uint64, wrapping) and
 * complex.  Block sizes suit a 1 MiB L2 and a 32 kB L1 per core: an
 * MC x KC block of A (~0.5 MiB) stays in L2, a KC x NR micro-panel of B
 * (32 kB for float64) in L1. */
#include "linalg_gemm.h"
#include "threads.h"

#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GEMM_X86 1
#include <immintrin.h>
#endif

typedef struct { float re, im; } cfloat;
typedef struct { double re, im; } cdouble;

/* Micro-kernel: the MR x NR sum over kc of packed A (kc x MR) and B
 * (kc x NR), stored to (accumulate == 0) or added to c, whose rows are ldc
 * elements apart. */
typedef void (*ukr_fn)(Py_ssize_t kc, const void *A, const void *B, void *c,
                       Py_ssize_t ldc, int accumulate);
/* c[i*rs + j*cs] (+)= t[i*ld + j], c of the compute type itself. */
typedef ndm_gemm_store_fn tile_fn;
typedef void (*naive_fn)(Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                         const void *A, const void *B, void *c);

typedef struct {
    int mr, nr;
    Py_ssize_t mc, kc;
    size_t size;
    ukr_fn ukr;
    const ukr_fn *edge;       /* kernels by size, or NULL: ukr pads */
    tile_fn tile;
    naive_fn naive;
} ComputeType;

#define REAL_MAC(c, a, b) ((c) += (a) * (b))
#define CPLX_MAC(c, a, b)                                   \
    do {                                                    \
        (c).re += (a).re * (b).re - (a).im * (b).im;        \
        (c).im += (a).re * (b).im + (a).im * (b).re;        \
    } while (0)
#define REAL_ADD(c, a) ((c) += (a))
#define CPLX_ADD(c, a) do { (c).re += (a).re; (c).im += (a).im; } while (0)

#define DEFINE_COMPUTE(NAME, T, MR, NR, MAC, ADD)                                  \
    static void                                                                    \
    ukr_##NAME(Py_ssize_t kc, const void *Av, const void *Bv, void *cv,            \
               Py_ssize_t ldc, int accumulate)                                     \
    {                                                                              \
        const T *restrict A = Av;                                                  \
        const T *restrict B = Bv;                                                  \
        T *c = cv;                                                                 \
        T acc[MR][NR];                                                             \
        memset(acc, 0, sizeof(acc));                                               \
        for (Py_ssize_t p = 0; p < kc; p++) {                                      \
            for (int i = 0; i < MR; i++) {                                         \
                for (int j = 0; j < NR; j++) {                                     \
                    MAC(acc[i][j], A[i], B[j]);                                    \
                }                                                                  \
            }                                                                      \
            A += MR;                                                               \
            B += NR;                                                               \
        }                                                                          \
        for (int i = 0; i < MR; i++) {                                             \
            for (int j = 0; j < NR; j++) {                                         \
                if (accumulate) {                                                  \
                    ADD(c[i * ldc + j], acc[i][j]);                                \
                }                                                                  \
                else {                                                             \
                    c[i * ldc + j] = acc[i][j];                                    \
                }                                                                  \
            }                                                                      \
        }                                                                          \
    }                                                                              \
    static void                                                                    \
    tile_##NAME(char *c, Py_ssize_t rs, Py_ssize_t cs, const void *tv,             \
                Py_ssize_t m, Py_ssize_t n, Py_ssize_t ld, int accumulate)         \
    {                                                                              \
        const T *t = tv;                                                           \
        for (Py_ssize_t i = 0; i < m; i++) {                                       \
            for (Py_ssize_t j = 0; j < n; j++) {                                   \
                T *dst = (T *)(c + i * rs + j * cs);                               \
                if (accumulate) {                                                  \
                    ADD(*dst, t[i * ld + j]);                                      \
                }                                                                  \
                else {                                                             \
                    *dst = t[i * ld + j];                                          \
                }                                                                  \
            }                                                                      \
        }                                                                          \
    }                                                                              \
    static void                                                                    \
    naive_##NAME(Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,                         \
                 const void *Av, const void *Bv, void *cv)                         \
    {                                                                              \
        const T *restrict A = Av;                                                  \
        const T *restrict B = Bv;                                                  \
        T *restrict c = cv;                                                        \
        memset(c, 0, (size_t)(m * n) * sizeof(T));                                 \
        for (Py_ssize_t p = 0; p < k; p++) {                                       \
            for (Py_ssize_t i = 0; i < m; i++) {                                   \
                T a = A[p * m + i];                                                \
                for (Py_ssize_t j = 0; j < n; j++) {                               \
                    MAC(c[i * n + j], a, B[p * n + j]);                            \
                }                                                                  \
            }                                                                      \
        }                                                                          \
    }

DEFINE_COMPUTE(f32, float, 4, 8, REAL_MAC, REAL_ADD)
DEFINE_COMPUTE(f64, double, 4, 4, REAL_MAC, REAL_ADD)
DEFINE_COMPUTE(u64, uint64_t, 4, 4, REAL_MAC, REAL_ADD)
DEFINE_COMPUTE(c64, cfloat, 2, 4, CPLX_MAC, CPLX_ADD)
DEFINE_COMPUTE(c128, cdouble, 2, 4, CPLX_MAC, CPLX_ADD)

#ifdef GEMM_X86
/* The SIMD kernels are written once per vector type through these macros:
 * V vector type, W lanes, Z zero, L load, S store, B1 broadcast, F fused
 * multiply-add, ADD add.  Row i of the tile is two vectors ci0, ci1.  The
 * kernel body takes the rows `mr` and vectors `nv` it computes as
 * constants, so that edge tiles get kernels of their own size (a 100 x 100
 * product would otherwise spend a quarter of its time on padding); every
 * element is still the same chain of FMAs in the same order, so an edge
 * tile's values are those a full kernel would give. */
#define K_DECL(V, Z, i) V c##i##0 = Z(), c##i##1 = Z();
#define K_PREFETCH(W, i)                                                    \
    if (mr > i) {                                                           \
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);             \
        _mm_prefetch((const char *)(c + i * ldc + nv * W - 1), _MM_HINT_T0); \
    }
#define K_STEP(B1, F, i)                                                    \
    if (mr > i) {                                                           \
        a = B1(A + i);                                                      \
        c##i##0 = F(a, b0, c##i##0);                                        \
        if (nv > 1) {                                                       \
            c##i##1 = F(a, b1, c##i##1);                                    \
        }                                                                   \
    }
#define K_STORE(L, S, ADD, W, i)                                            \
    if (mr > i) {                                                           \
        T *ci = c + i * ldc;                                                \
        S(ci, accumulate ? ADD(L(ci), c##i##0) : c##i##0);                  \
        if (nv > 1) {                                                       \
            S(ci + W, accumulate ? ADD(L(ci + W), c##i##1) : c##i##1);      \
        }                                                                   \
    }

#define ROWS6(X, ...) X(__VA_ARGS__, 0) X(__VA_ARGS__, 1) X(__VA_ARGS__, 2) \
    X(__VA_ARGS__, 3) X(__VA_ARGS__, 4) X(__VA_ARGS__, 5)
#define ROWS14(X, ...) ROWS6(X, __VA_ARGS__) X(__VA_ARGS__, 6) X(__VA_ARGS__, 7) \
    X(__VA_ARGS__, 8) X(__VA_ARGS__, 9) X(__VA_ARGS__, 10) X(__VA_ARGS__, 11)    \
    X(__VA_ARGS__, 12) X(__VA_ARGS__, 13)

#define DEFINE_SIMD_BODY(SUF, TARGET, T_, V, W, MR, ROWS, Z, L, S, B1, F, ADD)    \
    static inline __attribute__((always_inline, target(TARGET))) void            \
    body_##SUF(Py_ssize_t kc, const T_ *A, const T_ *B, T_ *c, Py_ssize_t ldc,   \
               int accumulate, const int mr, const int nv)                       \
    {                                                                            \
        typedef T_ T;                                                            \
        ROWS(K_PREFETCH, W)                                                      \
        ROWS(K_DECL, V, Z)                                                       \
        for (Py_ssize_t p = 0; p < kc; p++) {                                    \
            V b0 = L(B), b1 = nv > 1 ? L(B + W) : Z(), a;                        \
            ROWS(K_STEP, B1, F)                                                  \
            A += MR;                                                             \
            B += 2 * W;                                                          \
        }                                                                        \
        ROWS(K_STORE, L, S, ADD, W)                                              \
    }

/* ukr_SUF_mr_nv(), a micro-kernel of mr rows and nv vectors. */
#define DEFINE_SIMD_UKR(SUF, TARGET, T, mr, nv)                                  \
    __attribute__((target(TARGET))) static void                                  \
    ukr_##SUF##_##mr##_##nv(Py_ssize_t kc, const void *A, const void *B, void *c,  \
                            Py_ssize_t ldc, int accumulate)                      \
    {                                                                            \
        body_##SUF(kc, A, B, c, ldc, accumulate, mr, nv);                        \
    }
#define DEFINE_SIMD_UKR2(SUF, TARGET, T, mr)                                     \
    DEFINE_SIMD_UKR(SUF, TARGET, T, mr, 1) DEFINE_SIMD_UKR(SUF, TARGET, T, mr, 2)
#define UKR_PAIR(SUF, mr) ukr_##SUF##_##mr##_1, ukr_##SUF##_##mr##_2,

static inline __attribute__((target("avx2"))) __m256d
bcast_pd256(const double *p)
{
    return _mm256_broadcast_sd(p);
}

static inline __attribute__((target("avx2"))) __m256
bcast_ps256(const float *p)
{
    return _mm256_broadcast_ss(p);
}

static inline __attribute__((target("avx512f"))) __m512d
bcast_pd512(const double *p)
{
    return _mm512_set1_pd(*p);
}

static inline __attribute__((target("avx512f"))) __m512
bcast_ps512(const float *p)
{
    return _mm512_set1_ps(*p);
}

#define SIMD_TYPES(X)                                                             \
    X(f64_avx2, "avx2,fma", double, __m256d, 4, 6, ROWS6, _mm256_setzero_pd,       \
      _mm256_loadu_pd, _mm256_storeu_pd, bcast_pd256, _mm256_fmadd_pd, _mm256_add_pd) \
    X(f32_avx2, "avx2,fma", float, __m256, 8, 6, ROWS6, _mm256_setzero_ps,         \
      _mm256_loadu_ps, _mm256_storeu_ps, bcast_ps256, _mm256_fmadd_ps, _mm256_add_ps) \
    X(f64_avx512, "avx512f", double, __m512d, 8, 14, ROWS14, _mm512_setzero_pd,    \
      _mm512_loadu_pd, _mm512_storeu_pd, bcast_pd512, _mm512_fmadd_pd, _mm512_add_pd) \
    X(f32_avx512, "avx512f", float, __m512, 16, 14, ROWS14, _mm512_setzero_ps,     \
      _mm512_loadu_ps, _mm512_storeu_ps, bcast_ps512, _mm512_fmadd_ps, _mm512_add_ps)

SIMD_TYPES(DEFINE_SIMD_BODY)

#define MRS6(X, ...) X(__VA_ARGS__, 1) X(__VA_ARGS__, 2) X(__VA_ARGS__, 3) \
    X(__VA_ARGS__, 4) X(__VA_ARGS__, 5) X(__VA_ARGS__, 6)
#define MRS14(X, ...) MRS6(X, __VA_ARGS__) X(__VA_ARGS__, 7) X(__VA_ARGS__, 8) \
    X(__VA_ARGS__, 9) X(__VA_ARGS__, 10) X(__VA_ARGS__, 11) X(__VA_ARGS__, 12)  \
    X(__VA_ARGS__, 13) X(__VA_ARGS__, 14)

MRS6(DEFINE_SIMD_UKR2, f64_avx2, "avx2,fma", double)
MRS6(DEFINE_SIMD_UKR2, f32_avx2, "avx2,fma", float)
MRS14(DEFINE_SIMD_UKR2, f64_avx512, "avx512f", double)
MRS14(DEFINE_SIMD_UKR2, f32_avx512, "avx512f", float)

/* Indexed by (rows - 1) * 2 + vectors - 1. */
static const ukr_fn ukrs_f64_avx2[] = {MRS6(UKR_PAIR, f64_avx2)};
static const ukr_fn ukrs_f32_avx2[] = {MRS6(UKR_PAIR, f32_avx2)};
static const ukr_fn ukrs_f64_avx512[] = {MRS14(UKR_PAIR, f64_avx512)};
static const ukr_fn ukrs_f32_avx512[] = {MRS14(UKR_PAIR, f32_avx512)};
#endif

/* MC x KC of A stays in L2, KC x NC of B in L3. */
static ComputeType compute_types[NDM_GEMM_NTYPES] = {
    [NDM_GEMM_F32] = {4, 8, 128, 256, sizeof(float), ukr_f32, NULL, tile_f32, naive_f32},
    [NDM_GEMM_F64] = {4, 4, 128, 256, sizeof(double), ukr_f64, NULL, tile_f64, naive_f64},
    [NDM_GEMM_U64] = {4, 4, 128, 256, sizeof(uint64_t), ukr_u64, NULL, tile_u64, naive_u64},
    [NDM_GEMM_C64] = {2, 4, 64, 256, sizeof(cfloat), ukr_c64, NULL, tile_c64, naive_c64},
    [NDM_GEMM_C128] = {2, 4, 64, 128, sizeof(cdouble), ukr_c128, NULL, tile_c128, naive_c128},
};

size_t
ndm_gemm_itemsize(int type)
{
    return compute_types[type].size;
}

void
ndm_gemm_naive(int type, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
               const void *A, const void *B, void *c)
{
    compute_types[type].naive(m, n, k, A, B, c);
}

void
ndm_gemm_copy(int type, char *c, Py_ssize_t rs, Py_ssize_t cs, const void *t,
              Py_ssize_t m, Py_ssize_t n, Py_ssize_t ld)
{
    compute_types[type].tile(c, rs, cs, t, m, n, ld, 0);
}

/* ------------------------------------------------------------------ */
/* Packing float64 without conversion                                  */
/* ------------------------------------------------------------------ */

#ifdef GEMM_X86
/* The packing of linalg.c's float64 and float32 dtypes with 4 x 4
 * transposes in registers when the rows of a panel are strided and its
 * columns contiguous (A of a C-ordered product), and vector copies when the
 * rows are contiguous (B): at 100 x 100 the scalar loops took a sixth of
 * the product's time.  Same layout and zero padding as ndm_gemm_pack_fn
 * says. */

/* d[j * panel + i] = row i of the 4 x 4 block at p (rows rs bytes apart). */
static inline __attribute__((always_inline, target("avx2"))) void
transpose4_f64(const double *p, Py_ssize_t rs, double *d, int panel)
{
    __m256d x0 = _mm256_loadu_pd(p);
    __m256d x1 = _mm256_loadu_pd((const double *)((const char *)p + rs));
    __m256d x2 = _mm256_loadu_pd((const double *)((const char *)p + 2 * rs));
    __m256d x3 = _mm256_loadu_pd((const double *)((const char *)p + 3 * rs));
    __m256d t0 = _mm256_unpacklo_pd(x0, x1), t1 = _mm256_unpackhi_pd(x0, x1);
    __m256d t2 = _mm256_unpacklo_pd(x2, x3), t3 = _mm256_unpackhi_pd(x2, x3);
    _mm256_storeu_pd(d, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd(d + panel, _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd(d + 2 * panel, _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd(d + 3 * panel, _mm256_permute2f128_pd(t1, t3, 0x31));
}

static inline __attribute__((always_inline, target("avx2"))) void
transpose4_f32(const float *p, Py_ssize_t rs, float *d, int panel)
{
    __m128 x0 = _mm_loadu_ps(p);
    __m128 x1 = _mm_loadu_ps((const float *)((const char *)p + rs));
    __m128 x2 = _mm_loadu_ps((const float *)((const char *)p + 2 * rs));
    __m128 x3 = _mm_loadu_ps((const float *)((const char *)p + 3 * rs));
    _MM_TRANSPOSE4_PS(x0, x1, x2, x3);
    _mm_storeu_ps(d, x0);
    _mm_storeu_ps(d + panel, x1);
    _mm_storeu_ps(d + 2 * panel, x2);
    _mm_storeu_ps(d + 3 * panel, x3);
}

/* 32 bytes from p to d. */
static inline __attribute__((always_inline, target("avx2"))) void
copy32(const void *p, void *d)
{
    _mm256_storeu_si256((__m256i *)d, _mm256_loadu_si256((const __m256i *)p));
}

#define DEFINE_FAST_PACK(NAME, T)                                                   \
    __attribute__((target("avx2"))) static void                                     \
    pack_##NAME##_avx2(const char *src, Py_ssize_t rs, Py_ssize_t cs,               \
                       Py_ssize_t rows, Py_ssize_t cols, int panel, void *dstv)     \
    {                                                                               \
        T *dst = dstv;                                                              \
        const Py_ssize_t sz = (Py_ssize_t)sizeof(T);                                \
        const int lanes = 32 / (int)sizeof(T);                                      \
        for (Py_ssize_t r0 = 0; r0 < rows; r0 += panel) {                           \
            int h = rows - r0 < panel ? (int)(rows - r0) : panel;                   \
            const char *base = src + r0 * rs;                                       \
            if (h == panel && rs == sz && panel % lanes == 0) {                     \
                for (Py_ssize_t c = 0; c < cols; c++) {                             \
                    const T *p = (const T *)(base + c * cs);                        \
                    for (int r = 0; r < panel; r += lanes) {                        \
                        copy32(p + r, dst + r);                                     \
                    }                                                               \
                    dst += panel;                                                   \
                }                                                                   \
                continue;                                                           \
            }                                                                       \
            if (h == panel && cs == sz) {                                           \
                Py_ssize_t c = 0;                                                   \
                for (; c + 4 <= cols; c += 4) {                                     \
                    T *d = dst + c * panel;                                         \
                    int r = 0;                                                      \
                    for (; r + 4 <= panel; r += 4) {                                \
                        transpose4_##NAME((const T *)(base + r * rs) + c, rs,       \
                                          d + r, panel);                            \
                    }                                                               \
                    for (; r < panel; r++) {                                        \
                        const T *p = (const T *)(base + r * rs) + c;                \
                        d[r] = p[0];                                                \
                        d[panel + r] = p[1];                                        \
                        d[2 * panel + r] = p[2];                                    \
                        d[3 * panel + r] = p[3];                                    \
                    }                                                               \
                }                                                                   \
                for (; c < cols; c++) {                                             \
                    for (int r = 0; r < panel; r++) {                               \
                        dst[c * panel + r] = *(const T *)(base + r * rs + c * sz);  \
                    }                                                               \
                }                                                                   \
                dst += cols * panel;                                                \
                continue;                                                           \
            }                                                                       \
            for (Py_ssize_t c = 0; c < cols; c++) {                                 \
                const char *p = base + c * cs;                                      \
                int r = 0;                                                          \
                for (; r < h; r++) {                                                \
                    memcpy(&dst[r], p + r * rs, sizeof(T));                         \
                }                                                                   \
                for (; r < panel; r++) {                                            \
                    dst[r] = 0;                                                     \
                }                                                                   \
                dst += panel;                                                       \
            }                                                                       \
        }                                                                           \
    }

DEFINE_FAST_PACK(f64, double)
DEFINE_FAST_PACK(f32, float)
#endif

static ndm_gemm_pack_fn fast_pack[NDM_GEMM_NTYPES];

ndm_gemm_pack_fn
ndm_gemm_fast_pack(int type)
{
    return fast_pack[type];
}

/* ------------------------------------------------------------------ */
/* The driver                                                         */
/* ------------------------------------------------------------------ */

#define TILE_BYTES 2048        /* MR * NR * size of the largest tile */
/* m*n*k from which a second thread pays: 100^3 (~45 us on one core) stays
 * on one, as waking a pool worker on the shared cores cost more than it
 * saved there (median 79 us on two threads, 61 us on one). */
#define THREAD_WORK 1.5e6
#define UNITS_PER_TASK 2       /* work units per task when threaded */

static Py_ssize_t
round_up(Py_ssize_t x, Py_ssize_t to)
{
    return (x + to - 1) / to * to;
}

static Py_ssize_t
min_ssize(Py_ssize_t a, Py_ssize_t b)
{
    return a < b ? a : b;
}

static Py_ssize_t
max_ssize(Py_ssize_t a, Py_ssize_t b)
{
    return a > b ? a : b;
}

/* The k block: at most KC, and blocks of near-equal depth, so that k a
 * little past KC does not end in a thin block that costs a full pass over
 * C.  A function of k alone: the accumulation order must not depend on the
 * thread count. */
static Py_ssize_t
k_block(const ComputeType *ct, Py_ssize_t k)
{
    Py_ssize_t nblocks = (k + ct->kc - 1) / ct->kc;
    return min_ssize(round_up((k + nblocks - 1) / nblocks, 8), ct->kc);
}

Py_ssize_t
ndm_gemm_k_block(int type, Py_ssize_t k)
{
    return k_block(&compute_types[type], k);
}

/* How C is cut into work units: rows blocks x column ranges, each row
 * block at most MC rows (its packed A stays in L2), and with `ntasks` > 1
 * at least UNITS_PER_TASK units per task where the shape allows: tasks
 * claim units as they come free, so a thread the OS runs late (the cores
 * are shared) delays the product by part of a unit, not by half of it.
 * Row blocks come first (a unit repacks the B micro-panels of its columns,
 * a cheap copy), column ranges only when there are too few rows. */
typedef struct {
    Py_ssize_t munits, nunits;   /* micro-tile rows and columns of C */
    Py_ssize_t rblocks, cblocks;
    Py_ssize_t kc;               /* the k block */
    Py_ssize_t rows;             /* most rows of one unit */
    Py_ssize_t slot;             /* scratch bytes of one task, aligned */
} Grid;

static Grid
make_grid(const ComputeType *ct, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, int ntasks)
{
    Grid gr;
    Py_ssize_t per_block = max_ssize(ct->mc / ct->mr, 1);
    gr.munits = (m + ct->mr - 1) / ct->mr;
    gr.nunits = (n + ct->nr - 1) / ct->nr;
    gr.rblocks = (gr.munits + per_block - 1) / per_block;
    gr.cblocks = 1;
    if (ntasks > 1) {
        Py_ssize_t target = (Py_ssize_t)ntasks * UNITS_PER_TASK;
        if (gr.rblocks < target) {
            gr.rblocks = min_ssize(gr.munits, target);
        }
        else {
            /* whole rounds of units: no task left with one more at the end */
            gr.rblocks = min_ssize(round_up(gr.rblocks, ntasks), gr.munits);
        }
        if (gr.rblocks < target) {
            gr.cblocks = min_ssize(gr.nunits, (target + gr.rblocks - 1) / gr.rblocks);
        }
    }
    gr.kc = k_block(ct, k);
    gr.rows = (gr.munits + gr.rblocks - 1) / gr.rblocks * ct->mr;
    Py_ssize_t size = (Py_ssize_t)ct->size;
    gr.slot = round_up(gr.rows * gr.kc * size, 64) + round_up((Py_ssize_t)ct->nr * gr.kc * size, 64);
    return gr;
}

int
ndm_gemm_ntasks(int type, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, int nthreads)
{
    const ComputeType *ct = &compute_types[type];
    if (nthreads < 2 || (double)m * (double)n * (double)k < THREAD_WORK) {
        return 1;
    }
    Py_ssize_t units = ((m + ct->mr - 1) / ct->mr) * ((n + ct->nr - 1) / ct->nr);
    return units < nthreads ? (int)units : nthreads;
}

Py_ssize_t
ndm_gemm_scratch_bytes(int type, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k, int ntasks)
{
    Grid gr = make_grid(&compute_types[type], m, n, k, ntasks);
    return ntasks * gr.slot + 64;
}

typedef struct {
    const NdmGemm *g;
    const ComputeType *ct;
    Grid gr;
    char *scratch;            /* 64-byte aligned, one slot per task */
    atomic_long next;         /* the next unclaimed unit */
} Job;

/* Prefetch part `part` of `parts` of the B micro-panel at src (nb columns
 * cs bytes apart, kc rows rs bytes apart) into L2.  The panel's rows are
 * usually a page or more apart, where the hardware prefetchers do not
 * follow: unprefetched, its packing waited on every line (a sixth of a
 * 1000 x 1000 product's time).  Inlined: GCC takes a function that only
 * prefetches for one without side effects and drops the call. */
static inline __attribute__((always_inline)) void
prefetch_panel(const char *src, Py_ssize_t rs, Py_ssize_t cs, Py_ssize_t nb, Py_ssize_t kc,
               Py_ssize_t size, Py_ssize_t part, Py_ssize_t parts)
{
#ifdef GEMM_X86
    Py_ssize_t runs, stride, len;
    if (cs == size) {
        runs = kc, stride = rs, len = nb * size;
    }
    else if (rs == size) {
        runs = nb, stride = cs, len = kc * size;
    }
    else {
        return;
    }
    for (Py_ssize_t r = runs * part / parts; r < runs * (part + 1) / parts; r++) {
        const char *p = src + r * stride;
        for (Py_ssize_t off = 0; off < len; off += 64) {
            _mm_prefetch(p + off, _MM_HINT_T1);
        }
        _mm_prefetch(p + len - 1, _MM_HINT_T1);
    }
#else
    (void)src, (void)rs, (void)cs, (void)nb, (void)kc, (void)size, (void)part, (void)parts;
#endif
}

/* One unit: rows [i0, i1) and columns [j0, j1) of C over all of k.  Its
 * A rows are packed once per k block (apack, kept in L2); each NR-wide
 * micro-panel of B is packed just before the row block sweeps it (bpack,
 * L1-sized), so no panel of B is shared between tasks and tasks never
 * wait on each other. */
static void
run_unit(const Job *job, Py_ssize_t u, char *apack, char *bpack)
{
    const NdmGemm *g = job->g;
    const ComputeType *ct = job->ct;
    const Grid *gr = &job->gr;
    _Alignas(64) char tile[TILE_BYTES];
    Py_ssize_t r = u / gr->cblocks, s = u % gr->cblocks;
    Py_ssize_t i0 = gr->munits * r / gr->rblocks * ct->mr;
    Py_ssize_t i1 = min_ssize(gr->munits * (r + 1) / gr->rblocks * ct->mr, g->m);
    Py_ssize_t j0 = gr->nunits * s / gr->cblocks * ct->nr;
    Py_ssize_t j1 = min_ssize(gr->nunits * (s + 1) / gr->cblocks * ct->nr, g->n);
    Py_ssize_t size = (Py_ssize_t)ct->size;
    Py_ssize_t c_rs = g->c_rs, c_cs = g->c_cs;
    /* Full tiles go straight to C when it is of the compute type and its
     * rows are contiguous. */
    int direct = g->store == NULL && c_cs == size;
    ndm_gemm_store_fn store = g->store != NULL ? g->store : ct->tile;
    Py_ssize_t ldc = c_rs / size;
    for (Py_ssize_t pc = 0; pc < g->k; pc += gr->kc) {
        Py_ssize_t kc = min_ssize(g->k - pc, gr->kc);
        int accumulate = pc > 0;
        g->pack(g->a + i0 * g->a_rs + pc * g->a_cs, g->a_rs, g->a_cs, i1 - i0, kc, ct->mr,
                apack);
        for (Py_ssize_t jr = j0; jr < j1; jr += ct->nr) {
            Py_ssize_t nb = min_ssize(j1 - jr, ct->nr);
            g->pack(g->b + pc * g->b_rs + jr * g->b_cs, g->b_cs, g->b_rs, nb, kc, ct->nr,
                    bpack);
            /* the next micro-panel of B loads while this one is used */
            Py_ssize_t jn = jr + nb < j1 ? jr + nb : j0, pn = jr + nb < j1 ? pc : pc + gr->kc;
            Py_ssize_t kn = min_ssize(g->k - pn, gr->kc);
            Py_ssize_t parts = (i1 - i0 + ct->mr - 1) / ct->mr;
            for (Py_ssize_t ir = i0; ir < i1; ir += ct->mr) {
                if (kn > 0) {
                    prefetch_panel(g->b + pn * g->b_rs + jn * g->b_cs, g->b_rs, g->b_cs,
                                   min_ssize(j1 - jn, ct->nr), kn, size, (ir - i0) / ct->mr,
                                   parts);
                }
                Py_ssize_t mb = min_ssize(i1 - ir, ct->mr);
                const char *ap = apack + (ir - i0) * kc * size;
                char *c = g->c + ir * c_rs + jr * c_cs;
                if (direct && mb == ct->mr && nb == ct->nr) {
                    ct->ukr(kc, ap, bpack, c, ldc, accumulate);
                }
                else if (ct->edge != NULL) {
                    int nv = nb * 2 > ct->nr ? 2 : 1;
                    ct->edge[(mb - 1) * 2 + nv - 1](kc, ap, bpack, tile, ct->nr, 0);
                    store(c, c_rs, c_cs, tile, mb, nb, ct->nr, accumulate);
                }
                else {
                    ct->ukr(kc, ap, bpack, tile, ct->nr, 0);
                    store(c, c_rs, c_cs, tile, mb, nb, ct->nr, accumulate);
                }
            }
        }
    }
}

static void
gemm_task(void *ctx, int i)
{
    Job *job = ctx;
    char *apack = job->scratch + (Py_ssize_t)i * job->gr.slot;
    char *bpack = apack + round_up(job->gr.rows * job->gr.kc * (Py_ssize_t)job->ct->size, 64);
    Py_ssize_t units = job->gr.rblocks * job->gr.cblocks;
    for (;;) {
        Py_ssize_t u = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (u >= units) {
            return;
        }
        run_unit(job, u, apack, bpack);
    }
}

void
ndm_gemm_run(const NdmGemm *g, char *scratch, int ntasks)
{
    Job job = {.g = g, .ct = &compute_types[g->type]};
    job.gr = make_grid(job.ct, g->m, g->n, g->k, ntasks);
    job.scratch = (char *)(((uintptr_t)scratch + 63) & ~(uintptr_t)63);
    atomic_init(&job.next, 0);
    if (ntasks == 1) {
        gemm_task(&job, 0);
    }
    else {
        ndm_threads_run(ntasks, gemm_task, &job);
    }
}

/* Whether NDMEM_GEMM_ISA or NDMEM_SIMD_ISA (the ufunc kernels' cap, see
 * loops_simd.c) names `isa`. */
static int
capped_to(const char *isa)
{
    const char *gemm = getenv("NDMEM_GEMM_ISA"), *simd = getenv("NDMEM_SIMD_ISA");
    return (gemm != NULL && strcmp(gemm, isa) == 0) || (simd != NULL && strcmp(simd, isa) == 0);
}

/* NDMEM_GEMM_ISA (or NDMEM_SIMD_ISA) =avx2 or =generic caps the kernels
 * below what the CPU offers, so that tests reach every kernel on any
 * machine. */
void
ndm_gemm_init(void)
{
#ifdef GEMM_X86
    int generic = capped_to("generic");
    int avx2_only = generic || capped_to("avx2");
    __builtin_cpu_init();
    ComputeType *f64 = &compute_types[NDM_GEMM_F64], *f32 = &compute_types[NDM_GEMM_F32];
    if (generic) {
        return;
    }
    if (__builtin_cpu_supports("avx512f") && !avx2_only) {
        /* 252 x 256 of A (0.5 MiB) in L2, a 256 x 16 micro-panel of B
         * (32 kB) in L1: 0.93-0.97 of OpenBLAS's time on one core at 500
         * and 1000, against 1.0 for 168 x 384 (whose B micro-panel spilt
         * from L1 and took twice as long to pack) */
        f64->mr = 14; f64->nr = 16; f64->mc = 252; f64->kc = 256;
        f64->ukr = ukr_f64_avx512_14_2;
        f64->edge = ukrs_f64_avx512;
        f32->mr = 14; f32->nr = 32; f32->mc = 252; f32->kc = 512;
        f32->ukr = ukr_f32_avx512_14_2;
        f32->edge = ukrs_f32_avx512;
    }
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        f64->mr = 6; f64->nr = 8; f64->mc = 120;
        f64->ukr = ukr_f64_avx2_6_2;
        f64->edge = ukrs_f64_avx2;
        f32->mr = 6; f32->nr = 16; f32->mc = 120;
        f32->ukr = ukr_f32_avx2_6_2;
        f32->edge = ukrs_f32_avx2;
    }
    if (__builtin_cpu_supports("avx2")) {
        fast_pack[NDM_GEMM_F64] = pack_f64_avx2;
        fast_pack[NDM_GEMM_F32] = pack_f32_avx2;
    }
#endif
}
