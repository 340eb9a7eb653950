/* The matrix product behind matmul, dot, tensordot and einsum.
 *
 * python/ndmem/_linalg.py resolves shapes, promotion, broadcasting and out=;
 * this file multiplies stacks of matrices of one native dtype:
 * _core._gemm(a, b, out) with a (..., m, k), b (..., k, n), out (..., m, n)
 * and equal batch shapes (broadcast batches arrive with zero strides).
 * The common case of dot, matmul, @, inner and vdot (packed 1-d and 2-d
 * operands of one native dtype) skips the Python layer: _core._product
 * builds the geometry that layer would pass to _gemm, for the same bits.
 *
 * The kernel is the usual cache-blocked GEMM (linalg_gemm.c): panels of A
 * and B are packed into contiguous micro-panels for a register-blocked
 * micro-kernel.  This file supplies the packing, which also absorbs any
 * strides (transposed, Fortran, sliced or broadcast operands cost nothing
 * extra) and converts the element type to a compute type: float16 and
 * float32 to float, every integer and bool to uint64 (two's complement
 * wrap-around equals NumPy's integer overflow; bool is "sum != 0"), complex
 * to pairs; and the final store back to the dtype.  The GIL is released
 * for the whole call; large products run on the shared thread pool.
 * Matrix-vector and tiny float products skip packing and read the operands
 * in place.  Scratch panels are not array data, so they come from
 * PyMem_RawMalloc rather than alloc.c, and the blocked kernel's are kept
 * between calls (see Workspace).
 *
 * Why not a BLAS wheel: the kernel needs no binary dependency, keeps the
 * memory accounting of the package exact, and is fast enough: single-core
 * float64 on this AVX-512 host is at OpenBLAS's speed at 500 and 1000
 * (~50 GFLOP/s by CPU time). */
#include "common.h"
#include "ndarray.h"
#include "linalg_gemm.h"
#include "threads.h"

#include <stdatomic.h>

typedef struct { float re, im; } cfloat;
typedef struct { double re, im; } cdouble;

/* ------------------------------------------------------------------ */
/* Dtypes: packing (load + convert) and the final store                */
/* ------------------------------------------------------------------ */

/* pack_NAME: see ndm_gemm_pack_fn. */
/* dst (byte strides) = c (m x n row-major, compute type). */
typedef void (*store_fn)(char *dst, Py_ssize_t rs, Py_ssize_t cs, const void *c,
                         Py_ssize_t m, Py_ssize_t n);

#define LOAD_PLAIN(T, CT, p, v) do { T x_; memcpy(&x_, (p), sizeof(T)); (v) = (CT)x_; } while (0)
#define LOAD_HALF(T, CT, p, v) do { T x_; memcpy(&x_, (p), sizeof(T)); (v) = ndm_half_to_float(x_); } while (0)
#define LOAD_SIGNED(T, CT, p, v) do { T x_; memcpy(&x_, (p), sizeof(T)); (v) = (CT)(int64_t)x_; } while (0)
#define LOAD_BOOL(T, CT, p, v) do { T x_; memcpy(&x_, (p), sizeof(T)); (v) = x_ != 0; } while (0)
#define LOAD_COPY(T, CT, p, v) memcpy(&(v), (p), sizeof(T))
#define STORE_COPY(T, CT, p, v) memcpy((p), &(v), sizeof(T))
#define STORE_PLAIN(T, CT, p, v) do { T x_ = (T)(v); memcpy((p), &x_, sizeof(T)); } while (0)
#define STORE_HALF(T, CT, p, v) do { T x_ = ndm_float_to_half(v); memcpy((p), &x_, sizeof(T)); } while (0)
#define STORE_BOOL(T, CT, p, v) do { T x_ = (v) != 0; memcpy((p), &x_, sizeof(T)); } while (0)

#define ADD_REAL(x, y) ((x) += (y))
#define ADD_CPLX(x, y) do { (x).re += (y).re; (x).im += (y).im; } while (0)

#define DEFINE_DTYPE(name, T, CT, LOAD, STORE, ZERO, ADD)                           \
    static void                                                                     \
    pack_##name(const char *src, Py_ssize_t rs, Py_ssize_t cs, Py_ssize_t rows,     \
                Py_ssize_t cols, int panel, void *dstv)                             \
    {                                                                               \
        CT *dst = dstv;                                                             \
        const Py_ssize_t sz = (Py_ssize_t)sizeof(T);                                \
        for (Py_ssize_t r0 = 0; r0 < rows; r0 += panel) {                           \
            int h = rows - r0 < panel ? (int)(rows - r0) : panel;                   \
            const char *base = src + r0 * rs;                                       \
            if (h == panel && rs == sz) {                                           \
                /* Panel rows contiguous: unit-stride copies. */                    \
                for (Py_ssize_t c = 0; c < cols; c++) {                             \
                    const char *p = base + c * cs;                                  \
                    for (int r = 0; r < panel; r++) {                               \
                        LOAD(T, CT, p + r * sz, dst[r]);                            \
                    }                                                               \
                    dst += panel;                                                   \
                }                                                                   \
                continue;                                                           \
            }                                                                       \
            if (h == panel && cs == sz) {                                           \
                /* Columns contiguous: read each row once, in order. */             \
                for (int r = 0; r < panel; r++) {                                   \
                    const char *p = base + r * rs;                                  \
                    for (Py_ssize_t c = 0; c < cols; c++) {                         \
                        LOAD(T, CT, p + c * sz, dst[c * panel + r]);                \
                    }                                                               \
                }                                                                   \
                dst += cols * panel;                                                \
                continue;                                                           \
            }                                                                       \
            for (Py_ssize_t c = 0; c < cols; c++) {                                 \
                const char *p = base + c * cs;                                      \
                int r = 0;                                                          \
                for (; r < h; r++) {                                                \
                    LOAD(T, CT, p + r * rs, dst[r]);                                \
                }                                                                   \
                for (; r < panel; r++) {                                            \
                    dst[r] = ZERO;                                                  \
                }                                                                   \
                dst += panel;                                                       \
            }                                                                       \
        }                                                                           \
    }                                                                               \
    static void                                                                     \
    tile_##name(char *dst, Py_ssize_t rs, Py_ssize_t cs, const void *tv,            \
                Py_ssize_t m, Py_ssize_t n, Py_ssize_t ld, int accumulate)          \
    {                                                                               \
        const CT *t = tv;                                                           \
        for (Py_ssize_t i = 0; i < m; i++) {                                        \
            for (Py_ssize_t j = 0; j < n; j++) {                                    \
                char *p = dst + i * rs + j * cs;                                    \
                CT v;                                                               \
                if (accumulate) {                                                   \
                    LOAD(T, CT, p, v);                                              \
                    ADD(v, t[i * ld + j]);                                          \
                }                                                                   \
                else {                                                              \
                    v = t[i * ld + j];                                              \
                }                                                                   \
                STORE(T, CT, p, v);                                                 \
            }                                                                       \
        }                                                                           \
    }                                                                               \
    static void                                                                     \
    store_##name(char *dst, Py_ssize_t rs, Py_ssize_t cs, const void *cv,           \
                 Py_ssize_t m, Py_ssize_t n)                                        \
    {                                                                               \
        const CT *c = cv;                                                           \
        for (Py_ssize_t i = 0; i < m; i++) {                                        \
            for (Py_ssize_t j = 0; j < n; j++) {                                    \
                STORE(T, CT, dst + i * rs + j * cs, c[i * n + j]);                  \
            }                                                                       \
        }                                                                           \
    }

DEFINE_DTYPE(bool, ndm_bool, uint64_t, LOAD_BOOL, STORE_BOOL, 0, ADD_REAL)
DEFINE_DTYPE(int8, int8_t, uint64_t, LOAD_SIGNED, STORE_PLAIN, 0, ADD_REAL)
DEFINE_DTYPE(uint8, uint8_t, uint64_t, LOAD_PLAIN, STORE_PLAIN, 0, ADD_REAL)
DEFINE_DTYPE(int16, int16_t, uint64_t, LOAD_SIGNED, STORE_PLAIN, 0, ADD_REAL)
DEFINE_DTYPE(uint16, uint16_t, uint64_t, LOAD_PLAIN, STORE_PLAIN, 0, ADD_REAL)
DEFINE_DTYPE(int32, int32_t, uint64_t, LOAD_SIGNED, STORE_PLAIN, 0, ADD_REAL)
DEFINE_DTYPE(uint32, uint32_t, uint64_t, LOAD_PLAIN, STORE_PLAIN, 0, ADD_REAL)
DEFINE_DTYPE(int64, int64_t, uint64_t, LOAD_SIGNED, STORE_PLAIN, 0, ADD_REAL)
DEFINE_DTYPE(uint64, uint64_t, uint64_t, LOAD_PLAIN, STORE_PLAIN, 0, ADD_REAL)
DEFINE_DTYPE(float16, ndm_half, float, LOAD_HALF, STORE_HALF, 0.0f, ADD_REAL)
DEFINE_DTYPE(float32, float, float, LOAD_PLAIN, STORE_PLAIN, 0.0f, ADD_REAL)
DEFINE_DTYPE(float64, double, double, LOAD_PLAIN, STORE_PLAIN, 0.0, ADD_REAL)
DEFINE_DTYPE(complex64, cfloat, cfloat, LOAD_COPY, STORE_COPY, ((cfloat){0, 0}), ADD_CPLX)
DEFINE_DTYPE(complex128, cdouble, cdouble, LOAD_COPY, STORE_COPY, ((cdouble){0, 0}), ADD_CPLX)

typedef struct {
    int ct;
    ndm_gemm_pack_fn pack;
    store_fn store;
    ndm_gemm_store_fn tile;
} DtypeOps;

static DtypeOps dtype_ops[NDM_NNUMERIC] = {
    [NDM_BOOL] = {NDM_GEMM_U64, pack_bool, store_bool, tile_bool},
    [NDM_INT8] = {NDM_GEMM_U64, pack_int8, store_int8, tile_int8},
    [NDM_UINT8] = {NDM_GEMM_U64, pack_uint8, store_uint8, tile_uint8},
    [NDM_INT16] = {NDM_GEMM_U64, pack_int16, store_int16, tile_int16},
    [NDM_UINT16] = {NDM_GEMM_U64, pack_uint16, store_uint16, tile_uint16},
    [NDM_INT32] = {NDM_GEMM_U64, pack_int32, store_int32, tile_int32},
    [NDM_UINT32] = {NDM_GEMM_U64, pack_uint32, store_uint32, tile_uint32},
    [NDM_INT64] = {NDM_GEMM_U64, pack_int64, store_int64, tile_int64},
    [NDM_UINT64] = {NDM_GEMM_U64, pack_uint64, store_uint64, tile_uint64},
    [NDM_FLOAT16] = {NDM_GEMM_F32, pack_float16, store_float16, tile_float16},
    [NDM_FLOAT32] = {NDM_GEMM_F32, pack_float32, store_float32, tile_float32},
    [NDM_FLOAT64] = {NDM_GEMM_F64, pack_float64, store_float64, tile_float64},
    [NDM_COMPLEX64] = {NDM_GEMM_C64, pack_complex64, store_complex64, tile_complex64},
    [NDM_COMPLEX128] = {NDM_GEMM_C128, pack_complex128, store_complex128, tile_complex128},
};

/* ------------------------------------------------------------------ */
/* Matrix-vector products                                             */
/* ------------------------------------------------------------------ */

/* out[i] = sum_p M[i, p] v[p] for float and double, read in place: packing
 * a vector to a full micro-panel would waste most of the kernel, and a
 * matrix-vector product is bound by reading M once anyway.  Rows of M that
 * are contiguous take dot products with eight accumulators (vectorizable
 * without reassociation flags); column-contiguous M accumulates columns. */
#define DEFINE_GEMV(NAME, T)                                                        \
    static void                                                                     \
    gemv_##NAME(const char *M, Py_ssize_t rs, Py_ssize_t cs, Py_ssize_t rows,       \
                Py_ssize_t k, const char *v, Py_ssize_t vs, char *out, Py_ssize_t os) \
    {                                                                               \
        Py_ssize_t sz = (Py_ssize_t)sizeof(T);                                      \
        if (cs != sz && rs == sz) {                                                 \
            for (Py_ssize_t i = 0; i < rows; i++) {                                 \
                *(T *)(out + i * os) = 0;                                           \
            }                                                                       \
            for (Py_ssize_t p = 0; p < k; p++) {                                    \
                const T *restrict col = (const T *)(M + p * cs);                    \
                T x = *(const T *)(v + p * vs);                                     \
                if (os == sz) {                                                     \
                    T *restrict o = (T *)out;                                       \
                    for (Py_ssize_t i = 0; i < rows; i++) {                         \
                        o[i] += col[i] * x;                                         \
                    }                                                               \
                }                                                                   \
                else {                                                              \
                    for (Py_ssize_t i = 0; i < rows; i++) {                         \
                        *(T *)(out + i * os) += col[i] * x;                         \
                    }                                                               \
                }                                                                   \
            }                                                                       \
            return;                                                                 \
        }                                                                           \
        for (Py_ssize_t i = 0; i < rows; i++) {                                     \
            const char *row = M + i * rs;                                           \
            T acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                    \
            Py_ssize_t p = 0;                                                       \
            if (cs == sz && vs == sz) {                                             \
                const T *restrict x = (const T *)row;                               \
                const T *restrict y = (const T *)v;                                 \
                for (; p + 8 <= k; p += 8) {                                        \
                    for (int j = 0; j < 8; j++) {                                   \
                        acc[j] += x[p + j] * y[p + j];                              \
                    }                                                               \
                }                                                                   \
            }                                                                       \
            for (; p < k; p++) {                                                    \
                acc[0] += *(const T *)(row + p * cs) * *(const T *)(v + p * vs);    \
            }                                                                       \
            *(T *)(out + i * os) = ((acc[0] + acc[1]) + (acc[2] + acc[3]))          \
                                   + ((acc[4] + acc[5]) + (acc[6] + acc[7]));       \
        }                                                                           \
    }

DEFINE_GEMV(f32, float)
DEFINE_GEMV(f64, double)

/* Tiny float/double products (m*n*k <= TINY_WORK) read in place: stacks
 * of 3x3 or 4x4 matrices spend more on packing than on arithmetic. */
#define TINY_WORK 64
#define DEFINE_TINY(NAME, T)                                                        \
    static void                                                                     \
    tiny_##NAME(const char *a, Py_ssize_t a_rs, Py_ssize_t a_cs, const char *b,     \
                Py_ssize_t b_rs, Py_ssize_t b_cs, char *c, Py_ssize_t c_rs,         \
                Py_ssize_t c_cs, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k)          \
    {                                                                               \
        for (Py_ssize_t i = 0; i < m; i++) {                                        \
            for (Py_ssize_t j = 0; j < n; j++) {                                    \
                T acc = 0;                                                          \
                for (Py_ssize_t p = 0; p < k; p++) {                                \
                    acc += *(const T *)(a + i * a_rs + p * a_cs)                    \
                           * *(const T *)(b + p * b_rs + j * b_cs);                 \
                }                                                                   \
                *(T *)(c + i * c_rs + j * c_cs) = acc;                              \
            }                                                                       \
        }                                                                           \
    }

DEFINE_TINY(f32, float)
DEFINE_TINY(f64, double)

/* ------------------------------------------------------------------ */
/* The driver                                                         */
/* ------------------------------------------------------------------ */

#define SMALL_WORK 512         /* m*n*k below which packing does not pay */

/* One operand's geometry: an array's, or one the fast products below
 * derive from it the way the Python layer's reshapes and new axes would. */
typedef struct {
    char *data;
    int nd;
    const Py_ssize_t *shape, *strides;
    Py_ssize_t itemsize;
} Operand;

static Operand
operand_of(NdmArray *a)
{
    return (Operand){a->data, a->nd, a->shape, a->strides, a->descr->itemsize};
}

typedef struct {
    const Operand *a, *b, *out;
    const DtypeOps *ops;
    Py_ssize_t m, n, k, batch;
    int small, direct, ntasks;
    void (*gemv)(const char *, Py_ssize_t, Py_ssize_t, Py_ssize_t, Py_ssize_t,
                 const char *, Py_ssize_t, char *, Py_ssize_t);
    void (*tiny)(const char *, Py_ssize_t, Py_ssize_t, const char *, Py_ssize_t, Py_ssize_t,
                 char *, Py_ssize_t, Py_ssize_t, Py_ssize_t, Py_ssize_t, Py_ssize_t);
    char *apack, *bpack, *cbuf, *scratch;
} Plan;

/* c of one batch item: the output, or the compute buffer then a store. */
static void
run_one(const Plan *pl, const char *a, const char *b, char *out)
{
    const Operand *A = pl->a, *B = pl->b, *O = pl->out;
    int nd = A->nd, ct = pl->ops->ct;
    Py_ssize_t size = (Py_ssize_t)ndm_gemm_itemsize(ct);
    Py_ssize_t o_rs = O->strides[nd - 2], o_cs = O->strides[nd - 1];
    if (pl->m == 0 || pl->n == 0) {
        return;
    }
    if (pl->k == 0) {
        /* an empty sum: zero, all bits clear in every numeric dtype */
        Py_ssize_t item = O->itemsize;
        for (Py_ssize_t i = 0; i < pl->m; i++) {
            if (o_cs == item) {
                memset(out + i * o_rs, 0, (size_t)(pl->n * item));
                continue;
            }
            for (Py_ssize_t j = 0; j < pl->n; j++) {
                memset(out + i * o_rs + j * o_cs, 0, (size_t)item);
            }
        }
        return;
    }
    if (pl->gemv != NULL) {
        Py_ssize_t a_rs = A->strides[nd - 2], a_cs = A->strides[nd - 1];
        Py_ssize_t b_rs = B->strides[nd - 2], b_cs = B->strides[nd - 1];
        if (pl->n == 1) {
            pl->gemv(a, a_rs, a_cs, pl->m, pl->k, b, b_rs, out, o_rs);
        }
        else {
            pl->gemv(b, b_cs, b_rs, pl->n, pl->k, a, a_cs, out, o_cs);
        }
        return;
    }
    if (pl->tiny != NULL) {
        pl->tiny(a, A->strides[nd - 2], A->strides[nd - 1], b, B->strides[nd - 2],
                 B->strides[nd - 1], out, o_rs, o_cs, pl->m, pl->n, pl->k);
        return;
    }
    if (pl->small) {
        pl->ops->pack(a, A->strides[nd - 2], A->strides[nd - 1], pl->m, pl->k,
                      (int)pl->m, pl->apack);
        pl->ops->pack(b, B->strides[nd - 1], B->strides[nd - 2], pl->n, pl->k,
                      (int)pl->n, pl->bpack);
        ndm_gemm_naive(ct, pl->m, pl->n, pl->k, pl->apack, pl->bpack, pl->cbuf);
        if (pl->direct) {
            ndm_gemm_copy(ct, out, o_rs, o_cs, pl->cbuf, pl->m, pl->n, pl->n);
        }
        else {
            pl->ops->store(out, o_rs, o_cs, pl->cbuf, pl->m, pl->n);
        }
        return;
    }
    NdmGemm g = {
        .type = ct, .pack = pl->ops->pack,
        .store = pl->direct || pl->cbuf != NULL ? NULL : pl->ops->tile,
        .a = a, .a_rs = A->strides[nd - 2], .a_cs = A->strides[nd - 1],
        .b = b, .b_rs = B->strides[nd - 2], .b_cs = B->strides[nd - 1],
        .c = pl->cbuf == NULL ? out : pl->cbuf,
        .c_rs = pl->cbuf == NULL ? o_rs : pl->n * size,
        .c_cs = pl->cbuf == NULL ? o_cs : size,
        .m = pl->m, .n = pl->n, .k = pl->k,
    };
    ndm_gemm_run(&g, pl->scratch, pl->ntasks);
    if (pl->cbuf != NULL) {
        pl->ops->store(out, o_rs, o_cs, pl->cbuf, pl->m, pl->n);
    }
}

static void
run_batches(const Plan *pl)
{
    int nb = pl->a->nd - 2;
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    const char *a = pl->a->data, *b = pl->b->data;
    char *o = pl->out->data;
    for (Py_ssize_t t = 0; t < pl->batch; t++) {
        run_one(pl, a, b, o);
        for (int d = nb - 1; d >= 0; d--) {
            if (++idx[d] < pl->out->shape[d]) {
                a += pl->a->strides[d];
                b += pl->b->strides[d];
                o += pl->out->strides[d];
                break;
            }
            idx[d] = 0;
            a -= (pl->out->shape[d] - 1) * pl->a->strides[d];
            b -= (pl->out->shape[d] - 1) * pl->b->strides[d];
            o -= (pl->out->shape[d] - 1) * pl->out->strides[d];
        }
    }
}

/* run_batches, without the GIL when release is set. */
static void
run_batches_released(const Plan *pl, int release)
{
    if (release) {
        Py_BEGIN_ALLOW_THREADS
        run_batches(pl);
        Py_END_ALLOW_THREADS
    }
    else {
        run_batches(pl);
    }
}

/* The blocked kernel's packing panels: one workspace kept between calls
 * (as OpenBLAS keeps its buffers), so that a product's peak is its result
 * alone.  Its size is bounded by the blocking, not by the operands: per
 * task an MC x KC block of A and one KC x NR micro-panel of B (about
 * 0.55 MB for float64 on AVX-512, 1.1 MB on two threads), grown to what
 * the largest product so far needed.  It is raw memory, so tracemalloc
 * sees it where it is allocated.
 * A call takes it with an atomic exchange; a call from another thread
 * meanwhile allocates its own, and on return the first one back is kept. */
typedef struct {
    Py_ssize_t size;
    char data[];              /* ndm_gemm_run aligns its slots */
} Workspace;

static _Atomic(Workspace *) cached_workspace;

static Workspace *
workspace_take(Py_ssize_t size)
{
    Workspace *w = atomic_exchange(&cached_workspace, NULL);
    if (w != NULL && w->size >= size) {
        return w;
    }
    PyMem_RawFree(w);
    w = PyMem_RawMalloc(sizeof(Workspace) + (size_t)size);
    if (w == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    w->size = size;
    return w;
}

static void
workspace_give(Workspace *w)
{
    Workspace *empty = NULL;
    if (!atomic_compare_exchange_strong(&cached_workspace, &empty, w)) {
        PyMem_RawFree(w);
    }
}

static int
check_operands(PyObject *oa, PyObject *ob, PyObject *oo)
{
    if (!NdmArray_Check(oa) || !NdmArray_Check(ob) || !NdmArray_Check(oo)) {
        PyErr_SetString(PyExc_TypeError, "_gemm expects three ndarrays");
        return -1;
    }
    NdmArray *a = (NdmArray *)oa, *b = (NdmArray *)ob, *o = (NdmArray *)oo;
    int nd = a->nd;
    if (nd < 2 || b->nd != nd || o->nd != nd) {
        PyErr_SetString(PyExc_ValueError, "_gemm needs stacks of matrices of one rank");
        return -1;
    }
    for (int d = 0; d < nd - 2; d++) {
        if (a->shape[d] != o->shape[d] || b->shape[d] != o->shape[d]) {
            PyErr_SetString(PyExc_ValueError, "_gemm needs equal batch shapes");
            return -1;
        }
    }
    if (a->shape[nd - 1] != b->shape[nd - 2] || o->shape[nd - 2] != a->shape[nd - 2]
            || o->shape[nd - 1] != b->shape[nd - 1]) {
        PyErr_SetString(PyExc_ValueError, "_gemm: core dimensions do not match");
        return -1;
    }
    int t = o->descr->type_num;
    if (t >= NDM_NNUMERIC || a->descr->type_num != t || b->descr->type_num != t
            || !ndm_dtype_isnative(a->descr) || !ndm_dtype_isnative(b->descr)
            || !ndm_dtype_isnative(o->descr)) {
        PyErr_SetString(PyExc_TypeError, "_gemm needs one native numeric dtype");
        return -1;
    }
    if (ndm_array_fail_unless_writeable(o) < 0) {
        return -1;
    }
    if (ndm_overlap_may_share(a, o) || ndm_overlap_may_share(b, o)) {
        PyErr_SetString(PyExc_ValueError, "_gemm: out overlaps an operand");
        return -1;
    }
    return 0;
}

static int
aligned_for(const Operand *o, Py_ssize_t alignment, Py_ssize_t size)
{
    if ((uintptr_t)o->data % (uintptr_t)alignment != 0) {
        return 0;
    }
    for (int d = 0; d < o->nd; d++) {
        if (o->strides[d] % size != 0) {
            return 0;
        }
    }
    return 1;
}

/* out = a @ b for checked operands of type t (alignment: the dtype's).
 * Products of fewer than GIL_WORK multiply-adds keep the GIL: releasing it
 * costs more than they do. */
#define GIL_WORK 4096.0

static int
gemm_run(const Operand *a, const Operand *b, const Operand *out, int t, Py_ssize_t alignment)
{
    Plan pl = {.a = a, .b = b, .out = out};
    Workspace *ws = NULL;
    void *cbuf = NULL;
    int rc = -1;
    int nd = out->nd;
    pl.ops = &dtype_ops[t];
    pl.m = out->shape[nd - 2];
    pl.n = out->shape[nd - 1];
    pl.k = a->shape[nd - 1];
    pl.batch = 1;
    for (int d = 0; d < nd - 2; d++) {
        pl.batch *= out->shape[d];
    }
    if (pl.batch == 0 || pl.m == 0 || pl.n == 0) {
        return 0;
    }
    int ct = pl.ops->ct;
    Py_ssize_t size = (Py_ssize_t)ndm_gemm_itemsize(ct);
    double work = (double)pl.m * (double)pl.n * (double)pl.k;
    int release = work * (double)pl.batch >= GIL_WORK;
    if (pl.k == 0) {
        run_batches(&pl);
        return 0;
    }
    pl.small = work <= SMALL_WORK;
    /* int64 and uint64 share the bits of their uint64 compute type */
    pl.direct = (t == NDM_FLOAT32 || t == NDM_FLOAT64 || t == NDM_COMPLEX64
                 || t == NDM_COMPLEX128 || t == NDM_INT64 || t == NDM_UINT64)
                && aligned_for(out, alignment, size);
    if (pl.direct && aligned_for(a, alignment, size) && aligned_for(b, alignment, size)) {
        if ((pl.m == 1 || pl.n == 1) && pl.k > 0) {
            pl.gemv = t == NDM_FLOAT64 ? gemv_f64 : t == NDM_FLOAT32 ? gemv_f32 : NULL;
        }
        else if (work <= TINY_WORK) {
            pl.tiny = t == NDM_FLOAT64 ? tiny_f64 : t == NDM_FLOAT32 ? tiny_f32 : NULL;
        }
    }
    if (pl.gemv != NULL || pl.tiny != NULL) {
        run_batches_released(&pl, release);
        return 0;
    }
    /* Products that small pack into the stack (m*k, k*n and m*n are each
     * at most SMALL_WORK elements then). */
    _Alignas(64) char small_buf[3][SMALL_WORK * 16];
    if (pl.small) {
        pl.apack = small_buf[0];
        pl.bpack = small_buf[1];
        pl.cbuf = small_buf[2];
    }
    else {
        pl.ntasks = ndm_gemm_ntasks(ct, pl.m, pl.n, pl.k, ndm_threads_count());
        ws = workspace_take(ndm_gemm_scratch_bytes(ct, pl.m, pl.n, pl.k, pl.ntasks));
        if (ws == NULL) {
            goto fail;
        }
        pl.scratch = ws->data;
        if (!pl.direct && t == NDM_FLOAT16 && ndm_gemm_k_block(ct, pl.k) < pl.k) {
            /* float16 sums over more than one k block collect in a float
             * copy of C, as NumPy's sum in float, then round once; other
             * dtypes take each tile into C as it is done (integers wrap
             * the same whether they are added wide or narrow) */
            cbuf = PyMem_RawMalloc((size_t)(pl.m * pl.n * size));
            if (cbuf == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            pl.cbuf = cbuf;
        }
    }
    run_batches_released(&pl, release);
    rc = 0;
fail:
    if (ws != NULL) {
        workspace_give(ws);
    }
    PyMem_RawFree(cbuf);
    return rc;
}

static PyObject *
linalg_gemm(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *oa, *ob, *oo;
    if (!PyArg_ParseTuple(args, "OOO:_gemm", &oa, &ob, &oo) || check_operands(oa, ob, oo) < 0) {
        return NULL;
    }
    NdmArray *out = (NdmArray *)oo;
    Operand a = operand_of((NdmArray *)oa), b = operand_of((NdmArray *)ob), o = operand_of(out);
    if (gemm_run(&a, &b, &o, out->descr->type_num, out->descr->alignment) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ */
/* Small products without the Python layer                            */
/* ------------------------------------------------------------------ */

/* The products _core._product computes itself (python/ndmem/_linalg.py
 * calls it first and falls back when it returns NotImplemented). */
enum { PROD_DOT, PROD_MATMUL, PROD_INNER, PROD_VDOT };

/* Strides exactly the packed C ones, size-1 axes included: then the
 * reshapes the Python layer makes keep or repack them, and the operand
 * geometry below is the one it would hand to _gemm. */
static int
is_packed(const NdmArray *a)
{
    Py_ssize_t step = a->descr->itemsize;
    for (int d = a->nd - 1; d >= 0; d--) {
        if (a->shape[d] == 0 || a->strides[d] != step) {
            return 0;
        }
        step *= a->shape[d];
    }
    return 1;
}

/* The common case of dot/matmul/inner/vdot: exact ndarrays of one native
 * numeric dtype, packed, non-empty, 1-d or 2-d (vdot: any rank, real),
 * core dimensions that match.  Writes the 2-d geometry of the product
 * (A m x k, B k x n, and C m x n over the result) and the result's shape;
 * 0 when the Python layer must do it (errors, subclasses, casts, ...). */
static int
product_geometry(int kind, NdmArray *a, NdmArray *b, Py_ssize_t *ash, Py_ssize_t *ast,
                 Py_ssize_t *bsh, Py_ssize_t *bst, Py_ssize_t *cst, Py_ssize_t *rshape,
                 int *rnd)
{
    if (!NdmArray_CheckExact(a) || !NdmArray_CheckExact(b)) {
        return 0;
    }
    int t = a->descr->type_num;
    if (t >= NDM_NNUMERIC || b->descr->type_num != t || !ndm_dtype_isnative(a->descr)
            || !ndm_dtype_isnative(b->descr) || !is_packed(a) || !is_packed(b)) {
        return 0;
    }
    Py_ssize_t sz = a->descr->itemsize;
    if (kind == PROD_VDOT) {
        /* dot(a.ravel(), b.ravel()); complex conjugates a first */
        if (t >= NDM_COMPLEX64 || a->nd == 0 || b->nd == 0) {
            return 0;
        }
        Py_ssize_t n = ndm_array_size(a);
        if (ndm_array_size(b) != n) {
            return 0;
        }
        ash[0] = 1, ash[1] = n, ast[0] = n * sz, ast[1] = sz;
        bsh[0] = n, bsh[1] = 1, bst[0] = sz, bst[1] = sz;
        cst[0] = sz, cst[1] = sz;
        *rnd = 0;
        return 1;
    }
    if (a->nd < 1 || a->nd > 2 || b->nd < 1 || b->nd > 2) {
        return 0;
    }
    Py_ssize_t k = a->shape[a->nd - 1];
    /* b's summed axis: inner sums b's last, dot and matmul its first of two */
    int bk = kind == PROD_INNER ? b->nd - 1 : 0;
    if (b->shape[bk] != k) {
        return 0;
    }
    Py_ssize_t m = a->nd == 2 ? a->shape[0] : 1;
    Py_ssize_t n = b->nd == 2 ? b->shape[1 - bk] : 1;
    int nd = 0;
    if (a->nd == 2) {
        rshape[nd++] = m;
    }
    if (b->nd == 2) {
        rshape[nd++] = n;
    }
    *rnd = nd;
    ash[0] = m, ash[1] = k, bsh[0] = k, bsh[1] = n;
    if (kind == PROD_MATMUL) {
        /* a[None, :], b[:, None] and the result viewed with the same axes */
        ast[0] = a->nd == 2 ? a->strides[0] : 0, ast[1] = sz;
        bst[0] = b->nd == 2 ? b->strides[0] : sz, bst[1] = b->nd == 2 ? sz : 0;
        cst[0] = a->nd == 2 ? (b->nd == 2 ? n * sz : sz) : 0;
        cst[1] = b->nd == 2 ? sz : 0;
        return 1;
    }
    /* dot (inner: dot with b's two axes swapped): reshapes to (m, k) and
     * (k, n), which repack a 1-d operand and keep a 2-d one's strides */
    ast[0] = k * sz, ast[1] = sz;
    if (b->nd == 1) {
        bst[0] = sz, bst[1] = sz;
    }
    else if (kind == PROD_INNER) {
        bst[0] = b->strides[1], bst[1] = b->strides[0];
    }
    else {
        bst[0] = b->strides[0], bst[1] = b->strides[1];
    }
    cst[0] = n * sz, cst[1] = sz;
    return 1;
}

/* The product of one of the PROD_ kinds, or NotImplemented. */
static PyObject *
product_fast(int kind, NdmArray *a, NdmArray *b)
{
    Py_ssize_t ash[2], ast[2], bsh[2], bst[2], csh[2], cst[2], rshape[2];
    int rnd;
    if (!product_geometry(kind, a, b, ash, ast, bsh, bst, cst, rshape, &rnd)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    NdmDtype *d = a->descr;
    csh[0] = ash[0], csh[1] = bsh[1];
    Operand A = {a->data, 2, ash, ast, d->itemsize}, B = {b->data, 2, bsh, bst, d->itemsize};
    if (rnd == 0) {
        /* a scalar: the 1 x 1 product in place of the 0-d array */
        union { double d[2]; long double ld; } buf;
        Operand C = {(char *)&buf, 2, csh, cst, d->itemsize};
        if (gemm_run(&A, &B, &C, d->type_num, d->alignment) < 0) {
            return NULL;
        }
        return ndm_dtype_getitem(d, (char *)&buf);
    }
    Py_INCREF(d);
    NdmArray *res = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, d, rnd, rshape,
                                              NULL, NULL, 0, NULL);
    if (res == NULL) {
        return NULL;
    }
    Operand C = {res->data, 2, csh, cst, d->itemsize};
    if (gemm_run(&A, &B, &C, d->type_num, d->alignment) < 0) {
        Py_DECREF(res);
        return NULL;
    }
    return (PyObject *)res;
}

PyObject *
ndm_linalg_matmul_fast(NdmArray *a, NdmArray *b)
{
    return product_fast(PROD_MATMUL, a, b);
}

/* _product(a, b, kind): the product, or NotImplemented. */
static PyObject *
linalg_product(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyLong_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "_product(a, b, kind)");
        return NULL;
    }
    int kind = (int)PyLong_AsLong(args[2]);
    if (!NdmArray_Check(args[0]) || !NdmArray_Check(args[1])) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    return product_fast(kind, (NdmArray *)args[0], (NdmArray *)args[1]);
}

/* a.dot(b, out=None): ndmem.dot(a, b, out=out) (python/ndmem/_linalg.py),
 * the common case without it. */
static PyObject *
array_dot(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"b", "out", NULL};
    PyObject *b, *out = Py_None;
    if (kwds == NULL && PyTuple_GET_SIZE(args) == 1 && NdmArray_Check(PyTuple_GET_ITEM(args, 0))) {
        PyObject *r = product_fast(PROD_DOT, (NdmArray *)self,
                                   (NdmArray *)PyTuple_GET_ITEM(args, 0));
        if (r != Py_NotImplemented) {
            return r;
        }
        Py_DECREF(r);
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:dot", kwlist, &b, &out)) {
        return NULL;
    }
    PyObject *full = PyTuple_Pack(2, b, out);
    if (full == NULL) {
        return NULL;
    }
    PyObject *res = ndm_array_call_python("ndmem._linalg", "dot", self, full, NULL);
    Py_DECREF(full);
    return res;
}

static PyMethodDef linalg_array_methods[] = {
    {"dot", (PyCFunction)(void (*)(void))array_dot, METH_VARARGS | METH_KEYWORDS,
     "a.dot(b, out=None)\n\nDot product of two arrays; see ndmem.dot."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef linalg_functions[] = {
    {"_product", (PyCFunction)(void (*)(void))linalg_product, METH_FASTCALL,
     "_product(a, b, kind): dot (0), matmul (1), inner (2) or vdot (3) of two\n"
     "packed small-rank arrays of one native dtype, or NotImplemented."},
    {"_gemm", linalg_gemm, METH_VARARGS,
     "_gemm(a, b, out): out[...] = a @ b for stacks of one native numeric dtype\n"
     "with equal batch shapes (the kernel under matmul, dot and einsum)."},
    {NULL, NULL, 0, NULL},
};

int
ndm_linalg_init(PyObject *module)
{
    ndm_gemm_init();
    if (ndm_gemm_fast_pack(NDM_GEMM_F64) != NULL) {
        dtype_ops[NDM_FLOAT64].pack = ndm_gemm_fast_pack(NDM_GEMM_F64);
    }
    if (ndm_gemm_fast_pack(NDM_GEMM_F32) != NULL) {
        dtype_ops[NDM_FLOAT32].pack = ndm_gemm_fast_pack(NDM_GEMM_F32);
    }
    if (ndm_array_add_methods(linalg_array_methods) < 0) {
        return -1;
    }
    return PyModule_AddFunctions(module, linalg_functions);
}
