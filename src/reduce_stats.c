/* Statistics kernels of the reductions: argmin/argmax (first extreme,
 * NaN wins) and var's fused squared-deviation pass. */
#include "reduce_internal.h"
#include "threads.h"


/* ------------------------------------------------------ argmin/argmax */

/* Index of the first extreme element of n at stride; a NaN is extreme
 * (the first one wins), as NumPy's argmin/argmax.  Contiguous runs of the
 * integer and float32/64 types take reduce_minmax.c's vectorized scan.  One comparison per
 * element: "not below the best so far" is rare, NaN is tested only then. */
#define ARG_INT(name, T, TN)                                                    \
static Py_ssize_t                                                           \
argmax_##name(const char *p, Py_ssize_t n, Py_ssize_t s)                    \
{                                                                           \
    Py_ssize_t best = s == (Py_ssize_t)sizeof(T)                            \
                      ? ndm_reduce_argext_contig(TN, 1, p, n, 0) : -1;      \
    if (best >= 0) {                                                        \
        return best;                                                        \
    }                                                                       \
    best = 0;                                                               \
    T v = *(const T *)p;                                                    \
    for (Py_ssize_t i = 1; i < n; i++) {                                    \
        T x = *(const T *)(p + i * s);                                      \
        if (x > v) {                                                        \
            v = x;                                                          \
            best = i;                                                       \
        }                                                                   \
    }                                                                       \
    return best;                                                            \
}                                                                           \
static Py_ssize_t                                                           \
argmin_##name(const char *p, Py_ssize_t n, Py_ssize_t s)                    \
{                                                                           \
    Py_ssize_t best = s == (Py_ssize_t)sizeof(T)                            \
                      ? ndm_reduce_argext_contig(TN, 0, p, n, 0) : -1;      \
    if (best >= 0) {                                                        \
        return best;                                                        \
    }                                                                       \
    best = 0;                                                               \
    T v = *(const T *)p;                                                    \
    for (Py_ssize_t i = 1; i < n; i++) {                                    \
        T x = *(const T *)(p + i * s);                                      \
        if (x < v) {                                                        \
            v = x;                                                          \
            best = i;                                                       \
        }                                                                   \
    }                                                                       \
    return best;                                                            \
}
ARG_INT(bool, ndm_bool, NDM_BOOL)
ARG_INT(int8, int8_t, NDM_INT8)
ARG_INT(uint8, uint8_t, NDM_UINT8)
ARG_INT(int16, int16_t, NDM_INT16)
ARG_INT(uint16, uint16_t, NDM_UINT16)
ARG_INT(int32, int32_t, NDM_INT32)
ARG_INT(uint32, uint32_t, NDM_UINT32)
ARG_INT(int64, int64_t, NDM_INT64)
ARG_INT(uint64, uint64_t, NDM_UINT64)

#define ARG_FLOAT_ONE(fname, name, T, CT, LOAD, NOT_BETTER)                 \
static Py_ssize_t                                                           \
fname##_##name(const char *p, Py_ssize_t n, Py_ssize_t s)                   \
{                                                                           \
    Py_ssize_t best = 0;                                                    \
    CT v = LOAD(*(const T *)p);                                             \
    if (v != v) {                                                           \
        return 0;                                                           \
    }                                                                       \
    for (Py_ssize_t i = 1; i < n; i++) {                                    \
        CT x = LOAD(*(const T *)(p + i * s));                               \
        if (!(NOT_BETTER)) {                                                \
            if (x != x) {                                                   \
                return i;                                                   \
            }                                                               \
            v = x;                                                          \
            best = i;                                                       \
        }                                                                   \
    }                                                                       \
    return best;                                                            \
}
#define ARG_FLOAT(name, T, CT, LOAD)                                        \
    ARG_FLOAT_ONE(argmax, name, T, CT, LOAD, x <= v)                        \
    ARG_FLOAT_ONE(argmin, name, T, CT, LOAD, x >= v)
#define LOAD_PLAIN(x) (x)
ARG_FLOAT(float16, ndm_half, float, ndm_half_to_float)
ARG_FLOAT(float32_strided, float, float, LOAD_PLAIN)
ARG_FLOAT(float64_strided, double, double, LOAD_PLAIN)

/* Contiguous float32/float64: the vectorized scan of reduce_minmax.c. */
#define ARG_CONTIG(fname, name, T, TN, WANT_MAX)                            \
static Py_ssize_t                                                           \
fname##_##name(const char *p, Py_ssize_t n, Py_ssize_t s)                   \
{                                                                           \
    if (s != (Py_ssize_t)sizeof(T)) {                                       \
        return fname##_##name##_strided(p, n, s);                           \
    }                                                                       \
    return ndm_reduce_argext_contig(TN, WANT_MAX, p, n, 0);                 \
}
ARG_CONTIG(argmax, float64, double, NDM_FLOAT64, 1)
ARG_CONTIG(argmin, float64, double, NDM_FLOAT64, 0)
ARG_CONTIG(argmax, float32, float, NDM_FLOAT32, 1)
ARG_CONTIG(argmin, float32, float, NDM_FLOAT32, 0)

/* Complex numbers order lexicographically; a NaN in either part wins. */
#define ARG_COMPLEX_ONE(fname, name, T, GT)                                 \
static Py_ssize_t                                                           \
fname##_##name(const char *p, Py_ssize_t n, Py_ssize_t s)                   \
{                                                                           \
    Py_ssize_t best = 0;                                                    \
    const T *b = (const T *)p;                                              \
    if (b[0] != b[0] || b[1] != b[1]) {                                     \
        return 0;                                                           \
    }                                                                       \
    for (Py_ssize_t i = 1; i < n; i++) {                                    \
        const T *x = (const T *)(p + i * s);                                \
        if (x[0] != x[0] || x[1] != x[1]) {                                 \
            return i;                                                       \
        }                                                                   \
        if (x[0] GT b[0] || (x[0] == b[0] && x[1] GT b[1])) {               \
            b = x;                                                          \
            best = i;                                                       \
        }                                                                   \
    }                                                                       \
    return best;                                                            \
}
#define ARG_COMPLEX(name, T)                                                \
    ARG_COMPLEX_ONE(argmax, name, T, >)                                     \
    ARG_COMPLEX_ONE(argmin, name, T, <)
ARG_COMPLEX(complex64, float)
ARG_COMPLEX(complex128, double)

/* Strings: 'S' compare as unsigned bytes, 'U' as code points (native
 * order), over the whole fixed width, as NumPy. */
static int
cmp_str(const char *a, const char *b, Py_ssize_t itemsize, int unicode)
{
    if (!unicode) {
        return memcmp(a, b, itemsize);
    }
    for (Py_ssize_t k = 0; k < itemsize; k += 4) {
        uint32_t x, y;
        memcpy(&x, a + k, 4);
        memcpy(&y, b + k, 4);
        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    return 0;
}

static Py_ssize_t
argext_str(const char *p, Py_ssize_t n, Py_ssize_t s, Py_ssize_t itemsize,
           int unicode, int want_max)
{
    Py_ssize_t best = 0;
    for (Py_ssize_t i = 1; i < n; i++) {
        int c = cmp_str(p + i * s, p + best * s, itemsize, unicode);
        if (want_max ? c > 0 : c < 0) {
            best = i;
        }
    }
    return best;
}

typedef Py_ssize_t (*argext_fn)(const char *, Py_ssize_t, Py_ssize_t);

static const argext_fn argmax_table[NDM_NNUMERIC] = {
#define ARG_ENTRY(NAME, name, ctype) argmax_##name,
    NDM_FOR_EACH_NUMERIC(ARG_ENTRY)
#undef ARG_ENTRY
};

static const argext_fn argmin_table[NDM_NNUMERIC] = {
#define ARG_ENTRY(NAME, name, ctype) argmin_##name,
    NDM_FOR_EACH_NUMERIC(ARG_ENTRY)
#undef ARG_ENTRY
};

/* _argext(a, axis, want_max): argmin/argmax over one axis (None: the C
 * order flattening) as an intp array, or an int for axis=None.  The
 * Python layer handles keepdims and out=. */
static PyObject *
py_argext(PyObject *Py_UNUSED(m), PyObject *args)
{
    PyObject *obj, *axis;
    int want_max;
    NdmArray *a = NULL, *res = NULL;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "OOp:_argext", &obj, &axis, &want_max)) {
        return NULL;
    }
    if ((a = ndm_reduce_as_array(obj)) == NULL) {
        return NULL;
    }
    const char *fname = want_max ? "argmax" : "argmin";
    int tn = a->descr->type_num;
    if (tn >= NDM_NNUMERIC && tn != NDM_BYTES && tn != NDM_UNICODE) {
        PyErr_Format(PyExc_TypeError, "%s is not supported for dtype %R",
                     fname, (PyObject *)a->descr);
        goto fail;
    }
    if (!ndm_dtype_isnative(a->descr) || !(a->flags & NDM_ALIGNED)
            || (axis == Py_None && !(a->flags & NDM_C_CONTIGUOUS))) {
        NdmDtype *nat = ndm_dtype_native(a->descr);
        if (nat == NULL) {
            goto fail;
        }
        NdmArray *c = (NdmArray *)ndm_array_from_any((PyObject *)a, nat, 1, 'C', 0);
        Py_DECREF(nat);
        if (c == NULL) {
            goto fail;
        }
        Py_SETREF(a, c);
    }
    argext_fn fn = tn < NDM_NNUMERIC
                   ? (want_max ? argmax_table : argmin_table)[tn] : NULL;
    Py_ssize_t isz = a->descr->itemsize;
    int uni = tn == NDM_UNICODE;
    if (axis == Py_None) {
        Py_ssize_t n = ndm_array_size(a);
        if (n == 0) {
            PyErr_Format(PyExc_ValueError,
                         "attempt to get %s of an empty sequence", fname);
            goto fail;
        }
        Py_ssize_t r;
        Py_BEGIN_ALLOW_THREADS
        r = ndm_reduce_argext_contig(tn, want_max, a->data, n, 1);
        if (r < 0) {
            r = fn != NULL ? fn(a->data, n, isz)
                           : argext_str(a->data, n, isz, isz, uni, want_max);
        }
        Py_END_ALLOW_THREADS
        result = PyLong_FromSsize_t(r);
        goto fail;
    }
    char flags[NDM_MAXDIMS];
    if (a->nd == 0) {
        PyErr_SetString(PyExc_ValueError, "axis must be None for a 0-d array");
        goto fail;
    }
    if (PyTuple_Check(axis)) {
        PyErr_SetString(PyExc_TypeError,
                        "'tuple' object cannot be interpreted as an integer");
        goto fail;
    }
    if (ndm_reduce_parse_axes(axis, a->nd, flags) < 0) {
        goto fail;
    }
    int ax = 0, rnd = 0;
    Py_ssize_t rshape[NDM_MAXDIMS], rstr[NDM_MAXDIMS];
    for (int k = 0; k < a->nd; k++) {
        if (flags[k]) {
            ax = k;
        }
        else {
            rshape[rnd] = a->shape[k];
            rstr[rnd++] = a->strides[k];
        }
    }
    Py_ssize_t n = a->shape[ax], s = a->strides[ax];
    if (n == 0) {
        PyErr_Format(PyExc_ValueError,
                     "attempt to get %s of an empty sequence", fname);
        goto fail;
    }
    NdmDtype *ip = ndm_dtype_builtin(NDM_INT64);
    if (ip == NULL) {
        goto fail;
    }
    res = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, ip, rnd, rshape,
                                    NULL, NULL, 0, NULL);
    if (res == NULL) {
        goto fail;
    }
    Py_ssize_t total = ndm_array_size(res);
    int64_t *o = (int64_t *)res->data;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    const char *p = a->data;
    for (Py_ssize_t j = 0; j < total; j++) {
        o[j] = fn != NULL ? fn(p, n, s) : argext_str(p, n, s, isz, uni, want_max);
        for (int d = rnd - 1; d >= 0; d--) {
            idx[d]++;
            p += rstr[d];
            if (idx[d] < rshape[d]) {
                break;
            }
            p -= rstr[d] * rshape[d];
            idx[d] = 0;
        }
    }
    Py_END_ALLOW_THREADS
    result = (PyObject *)res;
    res = NULL;
fail:
    Py_XDECREF(a);
    Py_XDECREF(res);
    return result;
}

/* ------------------------------------------- var: fused second pass */

/* NumPy's var computes x = a - mean (a temporary the size of a), squares
 * it in place and sums it over the axes.  _var_sq gives the same sum
 * without x: a cursor walks a in x's memory order (x is allocated packed
 * in the order of a's strides, every axis ascending), computes each
 * squared deviation in x's type, and the values are summed with x's
 * reduction structure: pairwise (NumPy's blocking) where the reduced
 * axis is innermost, out[j] += v elsewhere. */
typedef struct VarCursor {
    int nd;
    Py_ssize_t shape[NDM_MAXDIMS];
    Py_ssize_t sa[NDM_MAXDIMS];
    Py_ssize_t sm[NDM_MAXDIMS];
    Py_ssize_t idx[NDM_MAXDIMS];
    const char *pa;
    const char *pm;
} VarCursor;

/* Called when the cursor has walked off the end of its inner axis. */
static void
cursor_carry(VarCursor *c)
{
    for (int d = 0; d < c->nd; d++) {
        c->pa -= c->sa[d] * c->shape[d];
        c->pm -= c->sm[d] * c->shape[d];
        c->idx[d] = 0;
        if (d + 1 == c->nd) {
            return;
        }
        c->pa += c->sa[d + 1];
        c->pm += c->sm[d + 1];
        if (++c->idx[d + 1] < c->shape[d + 1]) {
            return;
        }
    }
}

#define SQ_REAL(CT, T, pa, pm, out)                                         \
    {                                                                       \
        T d_ = (T)(*(const CT *)(pa)) - *(const T *)(pm);                   \
        out = d_ * d_;                                                      \
    }
#define SQ_COMPLEX(CT, T, pa, pm, out)                                      \
    {                                                                       \
        const T *a_ = (const T *)(pa), *m_ = (const T *)(pm);               \
        T re_ = a_[0] - m_[0], im_ = a_[1] - m_[1];                         \
        T r2_ = re_ * re_, i2_ = im_ * im_;                                 \
        out = r2_ + i2_;                                                    \
    }

/* float16 as NumPy computes it: the subtraction and the square each
 * rounded to half, the sum in float, stored back as half. */
#define SQ_HALF(CT, T, pa, pm, out)                                         \
    {                                                                       \
        float a_ = ndm_half_to_float(*(const ndm_half *)(pa));              \
        float m_ = ndm_half_to_float(*(const ndm_half *)(pm));              \
        float f_ = ndm_half_to_float(ndm_float_to_half(a_ - m_));           \
        out = ndm_half_to_float(ndm_float_to_half(f_ * f_));                \
    }

#define LOAD_OUT(T, p) (*(T *)(p))
#define STORE_OUT(T, p, v) (*(T *)(p) = (v))
#define LOAD_HALF(T, p) ndm_half_to_float(*(ndm_half *)(p))
#define STORE_HALF(T, p, v) (*(ndm_half *)(p) = ndm_float_to_half(v))

#define VAR_LEAF 128

/* A whole-array pairwise sum of squared deviations split across the pool
 * along the top levels of the pairwise tree (as ndm_reduce_split does
 * for sums): each piece is summed from its own cursor, and the pieces
 * are added back up the same tree in x's type, so the bits are one
 * thread's. */
#define VAR_MAX_TASKS 16

typedef double (*var_pw_fn)(VarCursor *, Py_ssize_t);

typedef struct VarJob {
    const VarCursor *base;
    var_pw_fn pw;
    int np;
    Py_ssize_t start[VAR_MAX_TASKS], len[VAR_MAX_TASKS];
    double res[VAR_MAX_TASKS];
} VarJob;

static void
var_task(void *ctx, int t)
{
    VarJob *j = ctx;
    VarCursor c = *j->base;
    c.pa += j->start[t] * c.sa[0];
    c.pm += j->start[t] * c.sm[0];
    c.idx[0] = j->start[t];
    j->res[t] = j->pw(&c, j->len[t]);
}

static void
var_pieces(VarJob *j, Py_ssize_t start, Py_ssize_t n, int depth)
{
    if (depth == 0 || n <= VAR_LEAF) {
        j->start[j->np] = start;
        j->len[j->np++] = n;
        return;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    var_pieces(j, start, n2, depth - 1);
    var_pieces(j, start + n2, n - n2, depth - 1);
}

static double
var_combine(VarJob *j, int *next, Py_ssize_t n, int depth, int f32)
{
    if (depth == 0 || n <= VAR_LEAF) {
        return j->res[(*next)++];
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    double a = var_combine(j, next, n2, depth - 1, f32);
    double b = var_combine(j, next, n - n2, depth - 1, f32);
    /* float: the double sum of two floats rounds to the float sum */
    return f32 ? (double)(float)(a + b) : a + b;
}

/* The sum of the n squared deviations at c (one axis) into *sum, or 0
 * when the run is too small to split. */
static int
var_split(const VarCursor *c, Py_ssize_t n, var_pw_fn pw, int f32, double *sum)
{
    int threads = ndm_threads_count();
    Py_ssize_t most = n / NDM_THREADS_MIN_CHUNK;
    if (c->nd != 1 || threads < 2 || most < 2) {
        return 0;
    }
    int ntasks = threads < most ? threads : (int)most, depth = 0;
    while ((1 << depth) < ntasks && (2 << depth) <= VAR_MAX_TASKS) {
        depth++;
    }
    VarJob j = {c, pw, 0, {0}, {0}, {0}};
    var_pieces(&j, c->idx[0], n, depth);
    ndm_threads_run(j.np, var_task, &j);
    int next = 0;
    *sum = var_combine(&j, &next, n, depth, f32);
    return 1;
}

/* Per input type: fill (the next n squared deviations in x's order), the
 * pairwise sum of umath/loops_utils.h.src over them, and the run driver;
 * T is x's real type. */
#define VAR_IMPL(name, CT, T, SQ, LOADO, STOREO)                            \
static void                                                                 \
fill_##name(VarCursor *c, T *dst, Py_ssize_t n)                             \
{                                                                           \
    while (n > 0) {                                                         \
        Py_ssize_t seg = c->shape[0] - c->idx[0];                           \
        if (seg > n) {                                                      \
            seg = n;                                                        \
        }                                                                   \
        const char *pa = c->pa, *pm = c->pm;                                \
        const Py_ssize_t sa = c->sa[0], sm = c->sm[0];                      \
        for (Py_ssize_t k = 0; k < seg; k++, pa += sa, pm += sm) {          \
            SQ(CT, T, pa, pm, dst[k])                                       \
        }                                                                   \
        c->pa = pa;                                                         \
        c->pm = pm;                                                         \
        dst += seg;                                                         \
        n -= seg;                                                           \
        c->idx[0] += seg;                                                   \
        if (c->idx[0] == c->shape[0]) {                                     \
            cursor_carry(c);                                                \
        }                                                                   \
    }                                                                       \
}                                                                           \
static T                                                                    \
pw_##name(VarCursor *c, Py_ssize_t n)                                       \
{                                                                           \
    T v[VAR_LEAF];                                                          \
    if (n < 8) {                                                            \
        T res = -0.0;                                                       \
        fill_##name(c, v, n);                                               \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            res += v[i];                                                    \
        }                                                                   \
        return res;                                                         \
    }                                                                       \
    if (n <= VAR_LEAF) {                                                    \
        T r[8];                                                             \
        Py_ssize_t i;                                                       \
        fill_##name(c, v, n);                                               \
        for (int k = 0; k < 8; k++) {                                       \
            r[k] = v[k];                                                    \
        }                                                                   \
        for (i = 8; i < n - (n % 8); i += 8) {                              \
            for (int k = 0; k < 8; k++) {                                   \
                r[k] += v[i + k];                                           \
            }                                                               \
        }                                                                   \
        T res = ((r[0] + r[1]) + (r[2] + r[3])) +                           \
                ((r[4] + r[5]) + (r[6] + r[7]));                            \
        for (; i < n; i++) {                                                \
            res += v[i];                                                    \
        }                                                                   \
        return res;                                                         \
    }                                                                       \
    Py_ssize_t n2 = n / 2;                                                  \
    n2 -= n2 % 8;                                                           \
    T left = pw_##name(c, n2);                                              \
    T right = pw_##name(c, n - n2);                                         \
    return left + right;                                                    \
}                                                                           \
static double                                                               \
pwd_##name(VarCursor *c, Py_ssize_t n)                                      \
{                                                                           \
    return pw_##name(c, n);                                                 \
}                                                                           \
static void                                                                 \
var_run_##name(RedIter *it, VarCursor *c, int may_thread)                   \
{                                                                           \
    Py_ssize_t idx[NDM_MAXDIMS] = {0};                                      \
    char *po = it->out;                                                     \
    int nd = it->nd;                                                        \
    Py_ssize_t n = it->shape[0], so = it->so[0];                            \
    T v[VAR_LEAF];                                                          \
    for (;;) {                                                              \
        if (so == 0) {                                                      \
            T acc = LOADO(T, po);                                           \
            double sum;                                                     \
            if (may_thread && nd == 1                                       \
                    && var_split(c, n, pwd_##name, sizeof(T) == 4, &sum)) { \
                acc += (T)sum;                                              \
            }                                                               \
            else {                                                          \
                acc += pw_##name(c, n);                                     \
            }                                                               \
            STOREO(T, po, acc);                                             \
        }                                                                   \
        else {                                                              \
            for (Py_ssize_t k0 = 0; k0 < n; k0 += VAR_LEAF) {               \
                Py_ssize_t m = n - k0 < VAR_LEAF ? n - k0 : VAR_LEAF;       \
                fill_##name(c, v, m);                                       \
                for (Py_ssize_t k = 0; k < m; k++) {                        \
                    char *o = po + (k0 + k) * so;                           \
                    STOREO(T, o, LOADO(T, o) + v[k]);                       \
                }                                                           \
            }                                                               \
        }                                                                   \
        int d = 1;                                                          \
        for (; d < nd; d++) {                                               \
            idx[d]++;                                                       \
            po += it->so[d];                                                \
            if (idx[d] < it->shape[d]) {                                    \
                break;                                                      \
            }                                                               \
            po -= it->so[d] * it->shape[d];                                 \
            idx[d] = 0;                                                     \
        }                                                                   \
        if (d == nd) {                                                      \
            return;                                                         \
        }                                                                   \
    }                                                                       \
}

VAR_IMPL(bool, ndm_bool, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(int8, int8_t, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(uint8, uint8_t, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(int16, int16_t, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(uint16, uint16_t, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(int32, int32_t, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(uint32, uint32_t, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(int64, int64_t, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(uint64, uint64_t, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(float16, ndm_half, float, SQ_HALF, LOAD_HALF, STORE_HALF)
VAR_IMPL(float32, float, float, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(float64, double, double, SQ_REAL, LOAD_OUT, STORE_OUT)
VAR_IMPL(complex64, float, float, SQ_COMPLEX, LOAD_OUT, STORE_OUT)
VAR_IMPL(complex128, double, double, SQ_COMPLEX, LOAD_OUT, STORE_OUT)

typedef void (*var_run_fn)(RedIter *, VarCursor *, int);

static var_run_fn
var_runner(int t)
{
    switch (t) {
    case NDM_BOOL: return var_run_bool;
    case NDM_INT8: return var_run_int8;
    case NDM_UINT8: return var_run_uint8;
    case NDM_INT16: return var_run_int16;
    case NDM_UINT16: return var_run_uint16;
    case NDM_INT32: return var_run_int32;
    case NDM_UINT32: return var_run_uint32;
    case NDM_INT64: return var_run_int64;
    case NDM_UINT64: return var_run_uint64;
    case NDM_FLOAT16: return var_run_float16;
    case NDM_FLOAT32: return var_run_float32;
    case NDM_FLOAT64: return var_run_float64;
    case NDM_COMPLEX64: return var_run_complex64;
    case NDM_COMPLEX128: return var_run_complex128;
    default: return NULL;
    }
}

/* _var_sq(a, mean, axes, keepdims): the sum over axes (a tuple of
 * normalized ints) of |a - mean|**2, mean being a's mean with keepdims
 * in x's dtype (float64 for integer a, else a's own).  A scalar for a 0-d
 * result, else an array, as NumPy's umr_sum(x, axis, keepdims=...). */
static PyObject *
py_var_sq(PyObject *Py_UNUSED(m), PyObject *args)
{
    NdmArray *a, *mean, *res = NULL;
    PyObject *axes;
    int keepdims;
    if (!PyArg_ParseTuple(args, "O!O!O!p:_var_sq", ndm_state.ndarray_type, &a,
                          ndm_state.ndarray_type, &mean, &PyTuple_Type, &axes,
                          &keepdims)) {
        return NULL;
    }
    int at = a->descr->type_num, nd = a->nd;
    int xt = (at <= NDM_UINT64) ? NDM_FLOAT64
             : at == NDM_COMPLEX64 ? NDM_COMPLEX64 : at == NDM_COMPLEX128
             ? NDM_COMPLEX128 : at;
    int rt = xt == NDM_COMPLEX64 ? NDM_FLOAT32 : xt == NDM_COMPLEX128 ? NDM_FLOAT64 : xt;
    var_run_fn run = var_runner(at);
    if (run == NULL || !ndm_dtype_isnative(a->descr)
            || !(a->flags & NDM_ALIGNED) || mean->descr->type_num != xt
            || !ndm_dtype_isnative(mean->descr) || !(mean->flags & NDM_ALIGNED)
            || mean->nd != nd || ndm_array_size(a) == 0) {
        PyErr_SetString(PyExc_TypeError, "_var_sq: unsupported operands");
        return NULL;
    }
    char red[NDM_MAXDIMS] = {0};
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(axes); i++) {
        Py_ssize_t ax = PyLong_AsSsize_t(PyTuple_GET_ITEM(axes, i));
        if (ax < 0 || ax >= nd) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_ValueError, "_var_sq: bad axis");
            }
            return NULL;
        }
        red[ax] = 1;
    }
    Py_ssize_t st[3][NDM_MAXDIMS];
    for (int k = 0; k < nd; k++) {
        if ((red[k] && mean->shape[k] != 1) || (!red[k] && mean->shape[k] != a->shape[k])) {
            PyErr_SetString(PyExc_ValueError, "_var_sq: mean has the wrong shape");
            return NULL;
        }
        st[0][k] = a->strides[k];
        st[1][k] = red[k] ? 0 : mean->strides[k];
    }
    int perm[NDM_MAXDIMS];
    ndm_reduce_sort_axes(nd, a->shape, 2, st, perm);

    /* x's packed layout along perm, and the result's. */
    Py_ssize_t xs[NDM_MAXDIMS], cur = 1;
    for (int p = 0; p < nd; p++) {
        xs[perm[p]] = cur;
        cur *= a->shape[perm[p]];
    }
    Py_ssize_t rshape[NDM_MAXDIMS];
    int rmap[NDM_MAXDIMS], rperm[NDM_MAXDIMS], rnd = 0, n = 0;
    for (int k = 0; k < nd; k++) {
        rmap[k] = -1;
        if (!red[k] || keepdims) {
            rmap[k] = rnd;
            rshape[rnd++] = red[k] ? 1 : a->shape[k];
        }
    }
    for (int p = 0; p < nd; p++) {
        if (rmap[perm[p]] >= 0) {
            rperm[n++] = rmap[perm[p]];
        }
    }
    NdmDtype *rd = ndm_dtype_builtin(rt);
    if (rd == NULL || (res = ndm_reduce_new_in_order(rd, rnd, rshape, rperm)) == NULL) {
        return NULL;
    }
    memset(res->data, 0, ndm_array_nbytes(res));
    for (int k = 0; k < nd; k++) {
        st[2][k] = 0;
        st[1][k] = xs[k];
        st[0][k] = red[k] ? 0 : res->strides[rmap[k]];
    }
    RedIter it;
    ndm_reduce_iter_build(&it, nd, a->shape, perm, red, st);
    it.out = res->data;

    VarCursor c;
    c.nd = 0;
    for (int p = 0; p < nd; p++) {
        int k = perm[p];
        if (a->shape[k] == 1) {
            continue;
        }
        c.shape[c.nd] = a->shape[k];
        c.sa[c.nd] = a->strides[k];
        c.sm[c.nd] = red[k] ? 0 : mean->strides[k];
        c.idx[c.nd] = 0;
        c.nd++;
    }
    if (c.nd == 0) {
        c.nd = 1;
        c.shape[0] = 1;
        c.sa[0] = c.sm[0] = c.idx[0] = 0;
    }
    c.pa = a->data;
    c.pm = mean->data;
    ndm_ufunc_fpe_take();
    if (ndm_array_size(a) >= NDM_REDUCE_GIL_THRESHOLD) {
        Py_BEGIN_ALLOW_THREADS
        run(&it, &c, 1);
        Py_END_ALLOW_THREADS
    }
    else {
        run(&it, &c, 0);
    }
    /* A flag (inf - inf, overflow) could come from NumPy's subtract,
     * multiply or sum, each warning under its own name: None tells the
     * caller to take NumPy's own path, which reports them as NumPy does.
     * Flags the errstate ignores (float16 squares underflow) need no replay. */
    int noticed = ndm_ufunc_fpe_noticed(ndm_ufunc_fpe_take());
    if (noticed != 0) {
        Py_DECREF(res);
        if (noticed < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    if (rnd == 0) {
        PyObject *r = ndm_array_getitem_ptr(res, res->data);
        Py_DECREF(res);
        return r;
    }
    return (PyObject *)res;
}

static PyMethodDef stats_functions[] = {
    {"_argext", py_argext, METH_VARARGS,
     "_argext(a, axis, want_max): argmin/argmax of a over axis (None: flat)."},
    {"_var_sq", py_var_sq, METH_VARARGS,
     "_var_sq(a, mean, axes, keepdims): sum of |a - mean|**2 over axes, "
     "as NumPy's var sums it, without the temporary."},
    {NULL, NULL, 0, NULL},
};

int
ndm_reduce_stats_init(PyObject *module)
{
    return PyModule_AddFunctions(module, stats_functions);
}
