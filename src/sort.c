/* Sorting and searching kernels: in-place sort and argsort along an axis,
 * searchsorted, nonzero and bincount.  The public functions (sort, unique,
 * percentile, ...) are Python in python/ndmem/_sort.py and _order_stats.py
 * over these.
 *
 * Integer, bool and float lanes are sorted by an LSD radix sort on an
 * unsigned key that orders as NumPy compares: signed ints flip the sign
 * bit, floats flip the sign bit (positives) or all bits (negatives).  Radix
 * sorting is stable, so one kernel serves every `kind`, and its speed does
 * not depend on the input order.  NaNs go to the end in their input order
 * (NumPy's ordering treats NaNs as equal and largest); -0.0 and 0.0 compare
 * equal in NumPy, so when a lane holds both, it is sorted by a canonical
 * key with an index payload, keeping the zeros in input order as a stable
 * sort must.  Complex lanes use a stable merge sort with NumPy's
 * lexicographic comparison (NaNs last).
 *
 * partition/argpartition select with introselect (below).
 *
 * Lanes are copied into scratch (any stride), sorted there and written
 * back; scratch is not array data, so it comes from PyMem_RawMalloc and the
 * GIL is released around the loop over lanes. */
#include "ndarray.h"

#define INSERTION_MAX 24
#define GIL_THRESHOLD 4096

typedef struct {
    void *k, *kt;              /* keys and their radix scratch */
    int64_t *ix, *ixt;         /* index payload and its scratch */
    void *v, *vt;              /* complex records and their merge scratch */
    uint8_t *z;                /* signs of the zeros of a float lane, in order */
} Scratch;

/* ------------------------------------------------------------ radix */

#define DEF_RADIX(W, KT)                                                    \
static void                                                                 \
radix##W(KT *k, KT *kt, int64_t *ix, int64_t *ixt, Py_ssize_t n)            \
{                                                                           \
    enum { NP = sizeof(KT) };                                               \
    if (n <= INSERTION_MAX) {                                               \
        for (Py_ssize_t i = 1; i < n; i++) {                                \
            KT v = k[i];                                                    \
            int64_t x = ix != NULL ? ix[i] : 0;                             \
            Py_ssize_t j = i;                                               \
            while (j > 0 && k[j - 1] > v) {                                 \
                k[j] = k[j - 1];                                            \
                if (ix != NULL) {                                           \
                    ix[j] = ix[j - 1];                                      \
                }                                                           \
                j--;                                                        \
            }                                                               \
            k[j] = v;                                                       \
            if (ix != NULL) {                                               \
                ix[j] = x;                                                  \
            }                                                               \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    /* Only the bytes that differ between keys need a pass; finding them  \
     * first also keeps the histogram loop off constant bytes, whose       \
     * counters would serialise on one memory location. */                \
    KT vor = 0, vand = (KT)~(KT)0;                                          \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        vor |= k[i];                                                        \
        vand &= k[i];                                                       \
    }                                                                       \
    int bytes[NP], nb = 0;                                                  \
    for (int b = 0; b < NP; b++) {                                          \
        if ((((KT)(vor ^ vand)) >> (8 * b)) & 255) {                        \
            bytes[nb++] = b;                                                \
        }                                                                   \
    }                                                                       \
    if (nb == 0) {                                                          \
        return;                 /* all keys equal */                        \
    }                                                                       \
    Py_ssize_t cnt[NP][256];                                                \
    memset(cnt, 0, sizeof(cnt[0]) * (size_t)nb);                            \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        KT v = k[i];                                                        \
        for (int j = 0; j < nb; j++) {                                      \
            cnt[j][(v >> (8 * bytes[j])) & 255]++;                          \
        }                                                                   \
    }                                                                       \
    KT *src = k, *dst = kt;                                                 \
    int64_t *isrc = ix, *idst = ixt;                                        \
    for (int j = 0; j < nb; j++) {                                          \
        const int sh = 8 * bytes[j];                                        \
        Py_ssize_t off[256], sum = 0;                                       \
        for (int d = 0; d < 256; d++) {                                     \
            off[d] = sum;                                                   \
            sum += cnt[j][d];                                               \
        }                                                                   \
        if (isrc != NULL) {                                                 \
            for (Py_ssize_t i = 0; i < n; i++) {                            \
                KT v = src[i];                                              \
                Py_ssize_t o = off[(v >> sh) & 255]++;                      \
                dst[o] = v;                                                 \
                idst[o] = isrc[i];                                          \
            }                                                               \
            int64_t *it = isrc;                                             \
            isrc = idst;                                                    \
            idst = it;                                                      \
        }                                                                   \
        else {                                                              \
            for (Py_ssize_t i = 0; i < n; i++) {                            \
                KT v = src[i];                                              \
                dst[off[(v >> sh) & 255]++] = v;                            \
            }                                                               \
        }                                                                   \
        KT *t = src;                                                        \
        src = dst;                                                          \
        dst = t;                                                            \
    }                                                                       \
    if (src != k) {                                                         \
        memcpy(k, src, (size_t)n * sizeof(KT));                             \
        if (ix != NULL) {                                                   \
            memcpy(ix, isrc, (size_t)n * sizeof(int64_t));                  \
        }                                                                   \
    }                                                                       \
}

DEF_RADIX(8, uint8_t)
DEF_RADIX(16, uint16_t)
DEF_RADIX(32, uint32_t)
DEF_RADIX(64, uint64_t)

/* ------------------------------------------------------------ keys */

/* cls: 0 unsigned (and bool), 1 signed, 2 IEEE float.  EXP is the
 * exponent mask of the float of that width. */
#define DEF_KEYS(W, KT, EXP)                                                \
static inline KT                                                            \
sign##W(void)                                                               \
{                                                                           \
    return (KT)((KT)1 << (W - 1));                                          \
}                                                                           \
static inline KT                                                            \
inv##W(KT b, int cls)                                                       \
{                                                                           \
    if (cls == 0) {                                                         \
        return b;                                                           \
    }                                                                       \
    if (cls == 1) {                                                         \
        return (KT)(b ^ sign##W());                                         \
    }                                                                       \
    return (KT)(b ^ ((b & sign##W()) ? (KT)~(KT)0 : sign##W()));            \
}                                                                           \
static inline KT                                                            \
back##W(KT k, int cls)                                                      \
{                                                                           \
    if (cls == 0) {                                                         \
        return k;                                                           \
    }                                                                       \
    if (cls == 1) {                                                         \
        return (KT)(k ^ sign##W());                                         \
    }                                                                       \
    return (KT)(k ^ ((k & sign##W()) ? sign##W() : (KT)~(KT)0));            \
}                                                                           \
static inline int                                                           \
isnan##W(KT b, int cls)                                                     \
{                                                                           \
    return cls == 2 && (KT)(b & (KT)~sign##W()) > (KT)(EXP);                \
}                                                                           \
static inline int                                                           \
iszero##W(KT b, int cls)                                                    \
{                                                                           \
    return cls == 2 && (KT)(b & (KT)~sign##W()) == 0;                       \
}                                                                           \
/* NumPy's order as a key: NaNs equal and largest, -0.0 equal to 0.0. */    \
static inline KT                                                            \
canon##W(KT b, int cls)                                                     \
{                                                                           \
    if (isnan##W(b, cls)) {                                                 \
        return (KT)~(KT)0;                                                  \
    }                                                                       \
    if (iszero##W(b, cls)) {                                                \
        return sign##W();                                                   \
    }                                                                       \
    return inv##W(b, cls);                                                  \
}

DEF_KEYS(8, uint8_t, 0)
DEF_KEYS(16, uint16_t, 0x7C00u)
DEF_KEYS(32, uint32_t, 0x7F800000u)
DEF_KEYS(64, uint64_t, 0x7FF0000000000000ull)

/* ------------------------------------------------------------ lanes */

typedef void (*sort_lane_fn)(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s);
typedef void (*arg_lane_fn)(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s,
                            char *out, Py_ssize_t ost);

static void
write_indices(const int64_t *ix, Py_ssize_t n, char *out, Py_ssize_t ost)
{
    if (ost == (Py_ssize_t)sizeof(int64_t)) {
        memcpy(out, ix, (size_t)n * sizeof(int64_t));
        return;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        memcpy(out + i * ost, &ix[i], sizeof(int64_t));
    }
}

#define DEF_LANES(W, KT, CLS)                                               \
static void                                                                 \
argsort_##W##_##CLS(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s,       \
                    char *out, Py_ssize_t ost)                              \
{                                                                           \
    KT *k = s->k;                                                           \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        KT b;                                                               \
        memcpy(&b, p + i * st, sizeof(KT));                                 \
        k[i] = canon##W(b, CLS);                                            \
        s->ix[i] = i;                                                       \
    }                                                                       \
    radix##W(k, s->kt, s->ix, s->ixt, n);                                   \
    write_indices(s->ix, n, out, ost);                                      \
}                                                                           \
/* Value sort.  The keys are built in the lane itself when it is packed
 * (k == NULL): each key is written at or before the element it replaces,
 * and NaNs wait in kt.  Zeros of both signs are equal keys for NumPy, so
 * when both occur the zero run is rewritten with the signs in input order
 * (s->z), as a stable sort leaves them. */                                \
static void                                                                 \
sort_##W##_##CLS(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s)          \
{                                                                           \
    KT *k = s->k != NULL ? (KT *)s->k : (KT *)p, *kt = s->kt;               \
    uint8_t *z = s->z;                                                      \
    Py_ssize_t m = 0, nn = 0, nz = 0;                                       \
    int negz = 0, posz = 0;                                                 \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        KT b;                                                               \
        memcpy(&b, p + i * st, sizeof(KT));                                 \
        if (isnan##W(b, CLS)) {                                             \
            kt[nn++] = b;                                                   \
            continue;                                                       \
        }                                                                   \
        if (iszero##W(b, CLS)) {                                            \
            int neg = (b & sign##W()) != 0;                                 \
            negz |= neg;                                                    \
            posz |= !neg;                                                   \
            z[nz++] = (uint8_t)neg;                                         \
        }                                                                   \
        k[m++] = inv##W(b, CLS);                                            \
    }                                                                       \
    memcpy(k + m, kt, (size_t)nn * sizeof(KT));                             \
    radix##W(k, kt, NULL, NULL, m);                                         \
    if (negz && posz) {                                                     \
        const KT kneg = inv##W((KT)sign##W(), CLS);                         \
        Py_ssize_t lo = 0, hi = m;                                          \
        while (lo < hi) {                                                   \
            Py_ssize_t mid = lo + (hi - lo) / 2;                            \
            if (k[mid] < kneg) {                                            \
                lo = mid + 1;                                               \
            }                                                               \
            else {                                                          \
                hi = mid;                                                   \
            }                                                               \
        }                                                                   \
        for (Py_ssize_t j = 0; j < nz; j++) {                               \
            k[lo + j] = inv##W(z[j] ? (KT)sign##W() : (KT)0, CLS);          \
        }                                                                   \
    }                                                                       \
    for (Py_ssize_t i = 0; i < m; i++) {                                    \
        KT b = back##W(k[i], CLS);                                          \
        memcpy(p + i * st, &b, sizeof(KT));                                 \
    }                                                                       \
    if ((char *)k != p) {                                                   \
        for (Py_ssize_t i = m; i < n; i++) {                                \
            memcpy(p + i * st, &k[i], sizeof(KT));                          \
        }                                                                   \
    }                                                                       \
}

DEF_LANES(8, uint8_t, 0)
DEF_LANES(8, uint8_t, 1)
DEF_LANES(16, uint16_t, 0)
DEF_LANES(16, uint16_t, 1)
DEF_LANES(16, uint16_t, 2)
DEF_LANES(32, uint32_t, 0)
DEF_LANES(32, uint32_t, 1)
DEF_LANES(32, uint32_t, 2)
DEF_LANES(64, uint64_t, 0)
DEF_LANES(64, uint64_t, 1)
DEF_LANES(64, uint64_t, 2)

/* Complex: NumPy's CFLOAT_LT (npysort_common.h), NaNs last. */
#define CLESS(ar, ai, br, bi)                                               \
    ((ar) < (br) ? ((ai) == (ai) || (bi) != (bi))                           \
     : (ar) > (br) ? ((bi) != (bi) && (ai) == (ai))                         \
     : ((ar) == (br) || ((ar) != (ar) && (br) != (br)))                     \
       ? ((ai) < (bi) || ((bi) != (bi) && (ai) == (ai)))                    \
     : ((br) != (br)))

/* Complex lanes sort records (value and original index) so the merges
 * read memory in order. */
#define DEF_COMPLEX(NAME, T)                                                \
typedef struct {                                                            \
    T re, im;                                                               \
    int64_t ix;                                                             \
} rec_##NAME;                                                               \
static inline int                                                           \
less_##NAME(const rec_##NAME *a, const rec_##NAME *b)                       \
{                                                                           \
    return CLESS(a->re, a->im, b->re, b->im);                               \
}                                                                           \
/* Stable merge sort of r[0..n), tmp of n / 2 records. */                   \
static void                                                                 \
msort_##NAME(rec_##NAME *r, rec_##NAME *tmp, Py_ssize_t n)                  \
{                                                                           \
    if (n <= INSERTION_MAX) {                                               \
        for (Py_ssize_t i = 1; i < n; i++) {                                \
            rec_##NAME x = r[i];                                            \
            Py_ssize_t j = i;                                               \
            while (j > 0 && less_##NAME(&x, &r[j - 1])) {                   \
                r[j] = r[j - 1];                                            \
                j--;                                                        \
            }                                                               \
            r[j] = x;                                                       \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    Py_ssize_t h = n / 2;                                                   \
    msort_##NAME(r, tmp, h);                                                \
    msort_##NAME(r + h, tmp, n - h);                                        \
    if (!less_##NAME(&r[h], &r[h - 1])) {                                   \
        return;                 /* already in order */                      \
    }                                                                       \
    memcpy(tmp, r, (size_t)h * sizeof(rec_##NAME));                         \
    Py_ssize_t i = 0, j = h, o = 0;                                         \
    while (i < h && j < n) {                                                \
        r[o++] = less_##NAME(&r[j], &tmp[i]) ? r[j++] : tmp[i++];           \
    }                                                                       \
    while (i < h) {                                                         \
        r[o++] = tmp[i++];                                                  \
    }                                                                       \
}                                                                           \
static rec_##NAME *                                                         \
cload_##NAME(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s)              \
{                                                                           \
    rec_##NAME *r = (rec_##NAME *)s->v;                                     \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(&r[i].re, p + i * st, sizeof(T));                            \
        memcpy(&r[i].im, p + i * st + sizeof(T), sizeof(T));                \
        r[i].ix = i;                                                        \
    }                                                                       \
    msort_##NAME(r, (rec_##NAME *)s->vt, n);                                \
    return r;                                                               \
}                                                                           \
static void                                                                 \
argsort_##NAME(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s,            \
               char *out, Py_ssize_t ost)                                   \
{                                                                           \
    rec_##NAME *r = cload_##NAME(p, st, n, s);                              \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(out + i * ost, &r[i].ix, sizeof(int64_t));                   \
    }                                                                       \
}                                                                           \
static void                                                                 \
sort_##NAME(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s)               \
{                                                                           \
    rec_##NAME *r = cload_##NAME(p, st, n, s);                              \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(p + i * st, &r[i].re, sizeof(T));                            \
        memcpy(p + i * st + sizeof(T), &r[i].im, sizeof(T));                \
    }                                                                       \
}

DEF_COMPLEX(c64, float)
DEF_COMPLEX(c128, double)

typedef struct {
    sort_lane_fn sort;
    arg_lane_fn arg;
    int keysize;        /* bytes of a radix key; 0 for complex */
    int recsize;        /* bytes of a complex record */
} SortEntry;

static const SortEntry sort_table[NDM_NNUMERIC] = {
    [NDM_BOOL] = {sort_8_0, argsort_8_0, 1},
    [NDM_INT8] = {sort_8_1, argsort_8_1, 1},
    [NDM_UINT8] = {sort_8_0, argsort_8_0, 1},
    [NDM_INT16] = {sort_16_1, argsort_16_1, 2},
    [NDM_UINT16] = {sort_16_0, argsort_16_0, 2},
    [NDM_INT32] = {sort_32_1, argsort_32_1, 4},
    [NDM_UINT32] = {sort_32_0, argsort_32_0, 4},
    [NDM_INT64] = {sort_64_1, argsort_64_1, 8},
    [NDM_UINT64] = {sort_64_0, argsort_64_0, 8},
    [NDM_FLOAT16] = {sort_16_2, argsort_16_2, 2},
    [NDM_FLOAT32] = {sort_32_2, argsort_32_2, 4},
    [NDM_FLOAT64] = {sort_64_2, argsort_64_2, 8},
    [NDM_COMPLEX64] = {sort_c64, argsort_c64, 0, sizeof(rec_c64)},
    [NDM_COMPLEX128] = {sort_c128, argsort_c128, 0, sizeof(rec_c128)},
};

/* ------------------------------------------------------------ driver */

static NdmArray *
array_arg(PyObject *obj, const char *what)
{
    if (!NdmArray_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected an ndarray", what);
        return NULL;
    }
    return (NdmArray *)obj;
}

static const SortEntry *
sortable(NdmArray *a)
{
    int t = a->descr->type_num;
    if (t < 0 || t >= NDM_NNUMERIC || !ndm_dtype_isnative(a->descr)) {
        PyErr_SetString(PyExc_TypeError, "sort kernels need a native numeric dtype");
        return NULL;
    }
    return &sort_table[t];
}

static void
scratch_free(Scratch *s)
{
    PyMem_RawFree(s->k);
    PyMem_RawFree(s->kt);
    PyMem_RawFree(s->ix);
    PyMem_RawFree(s->ixt);
    PyMem_RawFree(s->v);
    PyMem_RawFree(s->vt);
    PyMem_RawFree(s->z);
}

/* Scratch for lanes of n elements.  argsort: keys and indices, each with
 * its radix buffer.  sort: the radix buffer, keys only when the lanes are
 * not packed (in_place false), zero signs for floats; complex: records. */
static int
scratch_alloc(Scratch *s, const SortEntry *e, Py_ssize_t n, int arg, int in_place,
              int is_float)
{
    size_t m = (size_t)(n > 0 ? n : 1);
    int ok;
    memset(s, 0, sizeof(*s));
    if (e->keysize > 0) {
        s->kt = PyMem_RawMalloc(m * (size_t)e->keysize);
        ok = s->kt != NULL;
        if (arg || !in_place) {
            s->k = PyMem_RawMalloc(m * (size_t)e->keysize);
            ok = ok && s->k != NULL;
        }
        if (arg) {
            s->ix = PyMem_RawMalloc(m * sizeof(int64_t));
            s->ixt = PyMem_RawMalloc(m * sizeof(int64_t));
            ok = ok && s->ix != NULL && s->ixt != NULL;
        }
        else if (is_float) {
            s->z = PyMem_RawMalloc(m);
            ok = ok && s->z != NULL;
        }
    }
    else {
        s->v = PyMem_RawMalloc(m * (size_t)e->recsize);
        s->vt = PyMem_RawMalloc((m / 2 + 1) * (size_t)e->recsize);
        ok = s->v != NULL && s->vt != NULL;
    }
    if (!ok) {
        scratch_free(s);
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Step p (a's data) and o (out's, when out is not NULL) to the next lane
 * along axis: an odometer over the other axes, last fastest. */
static void
next_lane(const NdmArray *a, int axis, const NdmArray *out, Py_ssize_t *idx, char **p,
          char **o)
{
    for (int d = a->nd - 1; d >= 0; d--) {
        if (d == axis) {
            continue;
        }
        if (++idx[d] < a->shape[d]) {
            *p += a->strides[d];
            if (*o != NULL) {
                *o += out->strides[d];
            }
            return;
        }
        idx[d] = 0;
        *p -= a->strides[d] * (a->shape[d] - 1);
        if (*o != NULL) {
            *o -= out->strides[d] * (a->shape[d] - 1);
        }
    }
}

/* Run the lane kernel over every lane of a along axis; out (argsort) has
 * a's shape. */
static int
run_lanes(NdmArray *a, int axis, NdmArray *out)
{
    const SortEntry *e = sortable(a);
    if (e == NULL) {
        return -1;
    }
    Py_ssize_t n = a->shape[axis], size = ndm_array_size(a);
    if (size == 0 || (n <= 1 && out == NULL)) {
        return 0;
    }
    Scratch s;
    int t = a->descr->type_num;
    int in_place = out == NULL && a->strides[axis] == e->keysize
                   && (a->flags & NDM_ALIGNED);
    int is_float = t == NDM_FLOAT16 || t == NDM_FLOAT32 || t == NDM_FLOAT64;
    if (scratch_alloc(&s, e, n, out != NULL, in_place, is_float) < 0) {
        return -1;
    }
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    Py_ssize_t nlanes = size / n;
    char *p = a->data, *o = out != NULL ? out->data : NULL;
    Py_ssize_t ost = out != NULL ? out->strides[axis] : 0;
    int gil_free = size >= GIL_THRESHOLD;
    PyThreadState *ts = gil_free ? PyEval_SaveThread() : NULL;
    for (Py_ssize_t lane = 0; lane < nlanes; lane++) {
        if (out != NULL) {
            e->arg(p, a->strides[axis], n, &s, o, ost);
        }
        else {
            e->sort(p, a->strides[axis], n, &s);
        }
        next_lane(a, axis, out, idx, &p, &o);
    }
    if (ts != NULL) {
        PyEval_RestoreThread(ts);
    }
    scratch_free(&s);
    return 0;
}

static int
parse_axis(NdmArray *a, int axis)
{
    if (axis < 0 || axis >= a->nd) {
        PyErr_SetString(PyExc_ValueError, "sort kernel: axis out of range");
        return -1;
    }
    return 0;
}

/* _sort_inplace(a, axis): sort a's lanes along a normalized axis. */
static PyObject *
sort_inplace(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *obj;
    int axis;
    if (!PyArg_ParseTuple(args, "Oi:_sort_inplace", &obj, &axis)) {
        return NULL;
    }
    NdmArray *a = array_arg(obj, "_sort_inplace");
    if (a == NULL || parse_axis(a, axis) < 0 || ndm_array_fail_unless_writeable(a) < 0
            || run_lanes(a, axis, NULL) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* _argsort(a, axis): int64 indices that sort a along axis, C order. */
static PyObject *
argsort(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *obj;
    int axis;
    if (!PyArg_ParseTuple(args, "Oi:_argsort", &obj, &axis)) {
        return NULL;
    }
    NdmArray *a = array_arg(obj, "_argsort");
    if (a == NULL || parse_axis(a, axis) < 0 || sortable(a) == NULL) {
        return NULL;
    }
    NdmDtype *i64 = ndm_dtype_builtin(NDM_INT64);
    if (i64 == NULL) {
        return NULL;
    }
    PyObject *out = ndm_array_new(ndm_state.ndarray_type, i64, a->nd, a->shape,
                                  NULL, NULL, 0, NULL);
    if (out == NULL) {
        return NULL;
    }
    if (run_lanes(a, axis, (NdmArray *)out) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* ------------------------------------------------------------ select */

/* partition/argpartition: introselect as NumPy's selection.cpp does it:
 * median-of-3 pivots with Hoare partitioning, and once the depth budget
 * (twice the bit length of n) is spent, median-of-medians pivots, so the
 * worst case stays linear.  Several kth are done in increasing order, each
 * in the part right of the previous one.  Float lanes first move their
 * NaNs to the end (NaN sorts last), then compare with plain `<`; float16
 * compares its canonical radix keys, complex NumPy's CLESS.  Values are
 * selected in place when the lane is packed, else in scratch;
 * argpartition selects (value, index) records. */

#define SELECT_SMALL 16
#define PIVOT_STACK 64

#define SWAPT(T, x, y)                                                      \
    do {                                                                    \
        T t_ = (x);                                                         \
        (x) = (y);                                                          \
        (y) = t_;                                                           \
    } while (0)

#define DEF_SELECT(NAME, T, LT)                                             \
static void                                                                 \
isort_##NAME(T *v, Py_ssize_t n)                                            \
{                                                                           \
    for (Py_ssize_t i = 1; i < n; i++) {                                    \
        T x = v[i];                                                         \
        Py_ssize_t j = i;                                                   \
        while (j > 0 && LT(x, v[j - 1])) {                                  \
            v[j] = v[j - 1];                                                \
            j--;                                                            \
        }                                                                   \
        v[j] = x;                                                           \
    }                                                                       \
}                                                                           \
static void select_##NAME(T *v, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t k, \
                          Py_ssize_t *piv, int *npiv);                      \
/* Gathers the medians of the groups of five at the front and returns the \
 * index of their median. */                                              \
static Py_ssize_t                                                           \
mom5_##NAME(T *v, Py_ssize_t num)                                           \
{                                                                           \
    Py_ssize_t nmed = num / 5;                                              \
    for (Py_ssize_t i = 0; i < nmed; i++) {                                 \
        isort_##NAME(v + 5 * i, 5);                                         \
        SWAPT(T, v[5 * i + 2], v[i]);                                       \
    }                                                                       \
    if (nmed > 2) {                                                         \
        select_##NAME(v, 0, nmed - 1, nmed / 2, NULL, NULL);                \
    }                                                                       \
    return nmed / 2;                                                        \
}                                                                           \
static void                                                                 \
select_##NAME(T *v, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t k,            \
              Py_ssize_t *piv, int *npiv)                                   \
{                                                                           \
    if (k == hi || k - lo < 3) {                                            \
        /* one or a few linear scans: the maximum (median's NaN check,    \
         * partition(x, -1)) or the first few minima */                   \
        for (Py_ssize_t i = k == hi ? hi : lo; i <= k; i++) {               \
            Py_ssize_t best = i;                                            \
            for (Py_ssize_t j = k == hi ? lo : i + 1; j <= hi; j++) {       \
                if (k == hi ? !LT(v[j], v[best]) : LT(v[j], v[best])) {     \
                    best = j;                                               \
                }                                                           \
            }                                                               \
            SWAPT(T, v[i], v[best]);                                        \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    int depth = 0;                                                          \
    for (size_t m = (size_t)(hi - lo + 1); m > 1; m >>= 1) {                \
        depth += 2;                                                         \
    }                                                                       \
    while (hi - lo > SELECT_SMALL) {                                        \
        Py_ssize_t ll, hh;                                                  \
        if (depth-- > 0) {                                                  \
            /* v[lo] the median of three, v[lo + 1] the least (a sentinel \
             * for the downward scan), v[hi] the largest (upward) */      \
            Py_ssize_t mid = lo + (hi - lo) / 2;                            \
            if (LT(v[hi], v[mid])) {                                        \
                SWAPT(T, v[hi], v[mid]);                                    \
            }                                                               \
            if (LT(v[hi], v[lo])) {                                         \
                SWAPT(T, v[hi], v[lo]);                                     \
            }                                                               \
            if (LT(v[lo], v[mid])) {                                        \
                SWAPT(T, v[lo], v[mid]);                                    \
            }                                                               \
            SWAPT(T, v[mid], v[lo + 1]);                                    \
            ll = lo + 1;                                                    \
            hh = hi;                                                        \
        }                                                                   \
        else {                                                              \
            /* the medians above the pivot stay in the range: they stop   \
             * the upward scan */                                         \
            Py_ssize_t m = lo + 1 + mom5_##NAME(v + lo + 1, hi - lo);       \
            SWAPT(T, v[m], v[lo]);                                          \
            ll = lo;                                                        \
            hh = hi + 1;                                                    \
        }                                                                   \
        const T pivot = v[lo];                                              \
        for (;;) {                                                          \
            do {                                                            \
                ll++;                                                       \
            } while (LT(v[ll], pivot));                                     \
            do {                                                            \
                hh--;                                                       \
            } while (LT(pivot, v[hh]));                                     \
            if (hh < ll) {                                                  \
                break;                                                      \
            }                                                               \
            SWAPT(T, v[ll], v[hh]);                                         \
        }                                                                   \
        SWAPT(T, v[lo], v[hh]);                                             \
        /* [lo, hh) <= pivot == v[hh] <= (hh, hi]; (hh, ll) equal it */   \
        if (k < hh) {                                                       \
            hi = hh - 1;                                                    \
            if (piv != NULL && *npiv < PIVOT_STACK) {                       \
                piv[(*npiv)++] = hh;                                        \
            }                                                               \
        }                                                                   \
        else if (k >= ll) {                                                 \
            lo = ll;                                                        \
        }                                                                   \
        else {                                                              \
            return;                                                         \
        }                                                                   \
    }                                                                       \
    if (hi > lo) {                                                          \
        isort_##NAME(v + lo, hi - lo + 1);                                  \
    }                                                                       \
}                                                                           \
/* Select every kth (ascending) below n, the count of non-NaNs.  Pivots   \
 * left in their sorted place by one selection (a stack, descending) bound \
 * the range of the next, as NumPy's introselect does. */                 \
static void                                                                 \
select_all_##NAME(T *v, Py_ssize_t n, const int64_t *kth, Py_ssize_t nk)    \
{                                                                           \
    Py_ssize_t piv[PIVOT_STACK], from = 0;                                  \
    int npiv = 0;                                                           \
    for (Py_ssize_t j = 0; j < nk && kth[j] < n; j++) {                     \
        Py_ssize_t k = (Py_ssize_t)kth[j];                                  \
        while (npiv > 0 && piv[npiv - 1] < k) {                             \
            npiv--;                                                         \
            from = Py_MAX(from, piv[npiv] + 1);                             \
        }                                                                   \
        if (k < from || (npiv > 0 && piv[npiv - 1] == k)) {                 \
            continue;           /* in place already */                     \
        }                                                                   \
        Py_ssize_t to = npiv > 0 ? piv[npiv - 1] - 1 : n - 1;               \
        select_##NAME(v, from, to, k, piv, &npiv);                          \
        from = k + 1;                                                       \
    }                                                                       \
}

/* (value, original index) records for argpartition */
#define DEF_REC(NAME, T)                                                    \
typedef struct {                                                            \
    T v;                                                                    \
    int64_t i;                                                              \
} sr_##NAME;

typedef struct {
    float re, im;
} sel_c64;
typedef struct {
    double re, im;
} sel_c128;

#define LT_NUM(a, b) ((a) < (b))
#define LT_F16(a, b) (canon16((a), 2) < canon16((b), 2))
#define LT_CPX(a, b) CLESS((a).re, (a).im, (b).re, (b).im)
#define LT_RNUM(a, b) ((a).v < (b).v)
#define LT_RF16(a, b) LT_F16((a).v, (b).v)
#define LT_RCPX(a, b) LT_CPX((a).v, (b).v)
#define NAN_NO(x) 0
#define NAN_FLT(x) ((x) != (x))
#define NAN_RFLT(x) ((x).v != (x).v)

/* Value and index lanes of one dtype.  NANF moves NaNs to the end so
 * that the selection never compares one. */
#define DEF_SELECT_LANES(NAME, T, LT, LTR, NANF, NANR)                      \
DEF_SELECT(NAME, T, LT)                                                     \
DEF_REC(NAME, T)                                                            \
DEF_SELECT(r##NAME, sr_##NAME, LTR)                                         \
static void                                                                 \
part_##NAME(char *p, Py_ssize_t st, Py_ssize_t n, const int64_t *kth,       \
            Py_ssize_t nk, void *scratch, char *out, Py_ssize_t ost)        \
{                                                                           \
    (void)out;                                                              \
    (void)ost;                                                              \
    T *v = scratch != NULL ? (T *)scratch : (T *)p;                         \
    if (scratch != NULL) {                                                  \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            memcpy(&v[i], p + i * st, sizeof(T));                           \
        }                                                                   \
    }                                                                       \
    Py_ssize_t m = n;                                                       \
    for (Py_ssize_t i = 0; i < m;) {                                        \
        if (NANF(v[i])) {                                                   \
            m--;                                                            \
            SWAPT(T, v[i], v[m]);                                           \
        }                                                                   \
        else {                                                              \
            i++;                                                            \
        }                                                                   \
    }                                                                       \
    select_all_##NAME(v, m, kth, nk);                                       \
    if (scratch != NULL) {                                                  \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            memcpy(p + i * st, &v[i], sizeof(T));                           \
        }                                                                   \
    }                                                                       \
}                                                                           \
static void                                                                 \
apart_##NAME(char *p, Py_ssize_t st, Py_ssize_t n, const int64_t *kth,      \
             Py_ssize_t nk, void *scratch, char *out, Py_ssize_t ost)       \
{                                                                           \
    sr_##NAME *r = scratch;                                                 \
    Py_ssize_t m = n;                                                       \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(&r[i].v, p + i * st, sizeof(T));                             \
        r[i].i = i;                                                         \
    }                                                                       \
    for (Py_ssize_t i = 0; i < m;) {                                        \
        if (NANR(r[i])) {                                                   \
            m--;                                                            \
            SWAPT(sr_##NAME, r[i], r[m]);                                   \
        }                                                                   \
        else {                                                              \
            i++;                                                            \
        }                                                                   \
    }                                                                       \
    select_all_r##NAME(r, m, kth, nk);                                      \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(out + i * ost, &r[i].i, sizeof(int64_t));                    \
    }                                                                       \
}

DEF_SELECT_LANES(u8, uint8_t, LT_NUM, LT_RNUM, NAN_NO, NAN_NO)
DEF_SELECT_LANES(i8, int8_t, LT_NUM, LT_RNUM, NAN_NO, NAN_NO)
DEF_SELECT_LANES(u16, uint16_t, LT_NUM, LT_RNUM, NAN_NO, NAN_NO)
DEF_SELECT_LANES(i16, int16_t, LT_NUM, LT_RNUM, NAN_NO, NAN_NO)
DEF_SELECT_LANES(u32, uint32_t, LT_NUM, LT_RNUM, NAN_NO, NAN_NO)
DEF_SELECT_LANES(i32, int32_t, LT_NUM, LT_RNUM, NAN_NO, NAN_NO)
DEF_SELECT_LANES(u64, uint64_t, LT_NUM, LT_RNUM, NAN_NO, NAN_NO)
DEF_SELECT_LANES(i64, int64_t, LT_NUM, LT_RNUM, NAN_NO, NAN_NO)
DEF_SELECT_LANES(f16, uint16_t, LT_F16, LT_RF16, NAN_NO, NAN_NO)
DEF_SELECT_LANES(f32, float, LT_NUM, LT_RNUM, NAN_FLT, NAN_RFLT)
DEF_SELECT_LANES(f64, double, LT_NUM, LT_RNUM, NAN_FLT, NAN_RFLT)
DEF_SELECT_LANES(c64, sel_c64, LT_CPX, LT_RCPX, NAN_NO, NAN_NO)
DEF_SELECT_LANES(c128, sel_c128, LT_CPX, LT_RCPX, NAN_NO, NAN_NO)

typedef void (*select_lane_fn)(char *p, Py_ssize_t st, Py_ssize_t n, const int64_t *kth,
                               Py_ssize_t nk, void *scratch, char *out, Py_ssize_t ost);

typedef struct {
    select_lane_fn part, apart;
    int size, recsize;          /* bytes of a value and of a record */
} SelectEntry;

#define SEL(NAME, T) {part_##NAME, apart_##NAME, sizeof(T), sizeof(sr_##NAME)}
static const SelectEntry select_table[NDM_NNUMERIC] = {
    [NDM_BOOL] = SEL(u8, uint8_t),
    [NDM_INT8] = SEL(i8, int8_t),
    [NDM_UINT8] = SEL(u8, uint8_t),
    [NDM_INT16] = SEL(i16, int16_t),
    [NDM_UINT16] = SEL(u16, uint16_t),
    [NDM_INT32] = SEL(i32, int32_t),
    [NDM_UINT32] = SEL(u32, uint32_t),
    [NDM_INT64] = SEL(i64, int64_t),
    [NDM_UINT64] = SEL(u64, uint64_t),
    [NDM_FLOAT16] = SEL(f16, uint16_t),
    [NDM_FLOAT32] = SEL(f32, float),
    [NDM_FLOAT64] = SEL(f64, double),
    [NDM_COMPLEX64] = SEL(c64, sel_c64),
    [NDM_COMPLEX128] = SEL(c128, sel_c128),
};

/* Select kth (int64, ascending, each in [0, n)) in every lane of a along
 * axis: in place, or into out's indices (argpartition). */
static int
run_select(NdmArray *a, int axis, NdmArray *out, const int64_t *kth, Py_ssize_t nk)
{
    if (sortable(a) == NULL) {
        return -1;
    }
    const SelectEntry *e = &select_table[a->descr->type_num];
    Py_ssize_t n = a->shape[axis], size = ndm_array_size(a);
    for (Py_ssize_t j = 0; j < nk; j++) {
        if (kth[j] < 0 || kth[j] >= n || (j > 0 && kth[j] < kth[j - 1])) {
            PyErr_SetString(PyExc_ValueError, "select kernel: kth out of range or not sorted");
            return -1;
        }
    }
    if (size == 0 || (out == NULL && (nk == 0 || n <= 1))) {
        return 0;
    }
    int in_place = out == NULL && a->strides[axis] == e->size && (a->flags & NDM_ALIGNED);
    void *scratch = NULL;
    if (!in_place) {
        size_t each = (size_t)(out != NULL ? e->recsize : e->size);
        if ((size_t)n > (size_t)PY_SSIZE_T_MAX / each) {
            PyErr_NoMemory();
            return -1;
        }
        scratch = PyMem_RawMalloc((size_t)(n > 0 ? n : 1) * each);
        if (scratch == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    Py_ssize_t nlanes = size / n;
    char *p = a->data, *o = out != NULL ? out->data : NULL;
    Py_ssize_t ost = out != NULL ? out->strides[axis] : 0;
    PyThreadState *ts = size >= GIL_THRESHOLD ? PyEval_SaveThread() : NULL;
    for (Py_ssize_t lane = 0; lane < nlanes; lane++) {
        if (out != NULL) {
            e->apart(p, a->strides[axis], n, kth, nk, scratch, o, ost);
        }
        else {
            e->part(p, a->strides[axis], n, kth, nk, scratch, NULL, 0);
        }
        next_lane(a, axis, out, idx, &p, &o);
    }
    if (ts != NULL) {
        PyEval_RestoreThread(ts);
    }
    PyMem_RawFree(scratch);
    return 0;
}

/* The kth argument of the kernels: a C-contiguous int64 ndarray. */
static int
kth_arg(PyObject *obj, const int64_t **kth, Py_ssize_t *nk)
{
    NdmArray *k = array_arg(obj, "kth");
    if (k == NULL) {
        return -1;
    }
    if (k->descr->type_num != NDM_INT64 || !ndm_dtype_isnative(k->descr) || k->nd != 1
            || (k->shape[0] > 1 && k->strides[0] != (Py_ssize_t)sizeof(int64_t))) {
        PyErr_SetString(PyExc_TypeError, "kth must be a contiguous 1-d int64 array");
        return -1;
    }
    *kth = (const int64_t *)k->data;
    *nk = k->shape[0];
    return 0;
}

/* _partition(a, kth, axis): partition a's lanes in place. */
static PyObject *
partition(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *obj, *kobj;
    int axis;
    const int64_t *kth;
    Py_ssize_t nk;
    if (!PyArg_ParseTuple(args, "OOi:_partition", &obj, &kobj, &axis)) {
        return NULL;
    }
    NdmArray *a = array_arg(obj, "_partition");
    if (a == NULL || parse_axis(a, axis) < 0 || kth_arg(kobj, &kth, &nk) < 0
            || ndm_array_fail_unless_writeable(a) < 0 || run_select(a, axis, NULL, kth, nk) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* _argpartition(a, kth, axis): int64 indices that partition a, C order. */
static PyObject *
argpartition(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *obj, *kobj;
    int axis;
    const int64_t *kth;
    Py_ssize_t nk;
    if (!PyArg_ParseTuple(args, "OOi:_argpartition", &obj, &kobj, &axis)) {
        return NULL;
    }
    NdmArray *a = array_arg(obj, "_argpartition");
    if (a == NULL || parse_axis(a, axis) < 0 || kth_arg(kobj, &kth, &nk) < 0
            || sortable(a) == NULL) {
        return NULL;
    }
    NdmDtype *i64 = ndm_dtype_builtin(NDM_INT64);
    if (i64 == NULL) {
        return NULL;
    }
    PyObject *out = ndm_array_new(ndm_state.ndarray_type, i64, a->nd, a->shape,
                                  NULL, NULL, 0, NULL);
    if (out == NULL) {
        return NULL;
    }
    if (run_select(a, axis, (NdmArray *)out, kth, nk) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* ------------------------------------------------------------ searchsorted */

/* First i in [0, n) with !(a[i] < v) (left) or v < a[i] (right), by key. */
#define DEF_SEARCH(W, KT, CLS)                                              \
static void                                                                 \
search_##W##_##CLS(const char *a, Py_ssize_t n, const char *v, Py_ssize_t m,\
                   int right, int64_t *out)                                 \
{                                                                           \
    const KT *ak = (const KT *)a, *vk = (const KT *)v;                      \
    for (Py_ssize_t j = 0; j < m; j++) {                                    \
        KT key = canon##W(vk[j], CLS);                                      \
        Py_ssize_t lo = 0, hi = n;                                          \
        while (lo < hi) {                                                   \
            Py_ssize_t mid = lo + (hi - lo) / 2;                            \
            KT x = canon##W(ak[mid], CLS);                                  \
            if (right ? x <= key : x < key) {                               \
                lo = mid + 1;                                               \
            }                                                               \
            else {                                                          \
                hi = mid;                                                   \
            }                                                               \
        }                                                                   \
        out[j] = lo;                                                        \
    }                                                                       \
}

DEF_SEARCH(8, uint8_t, 0)
DEF_SEARCH(8, uint8_t, 1)
DEF_SEARCH(16, uint16_t, 0)
DEF_SEARCH(16, uint16_t, 1)
DEF_SEARCH(16, uint16_t, 2)
DEF_SEARCH(32, uint32_t, 0)
DEF_SEARCH(32, uint32_t, 1)
DEF_SEARCH(32, uint32_t, 2)
DEF_SEARCH(64, uint64_t, 0)
DEF_SEARCH(64, uint64_t, 1)
DEF_SEARCH(64, uint64_t, 2)

#define DEF_CSEARCH(NAME, T)                                                \
static void                                                                 \
search_##NAME(const char *a, Py_ssize_t n, const char *v, Py_ssize_t m,     \
              int right, int64_t *out)                                      \
{                                                                           \
    const T *av = (const T *)a, *vv = (const T *)v;                         \
    for (Py_ssize_t j = 0; j < m; j++) {                                    \
        T vr = vv[2 * j], vi = vv[2 * j + 1];                               \
        Py_ssize_t lo = 0, hi = n;                                          \
        while (lo < hi) {                                                   \
            Py_ssize_t mid = lo + (hi - lo) / 2;                            \
            T xr = av[2 * mid], xi = av[2 * mid + 1];                       \
            int go = right ? !CLESS(vr, vi, xr, xi) : CLESS(xr, xi, vr, vi);\
            if (go) {                                                       \
                lo = mid + 1;                                               \
            }                                                               \
            else {                                                          \
                hi = mid;                                                   \
            }                                                               \
        }                                                                   \
        out[j] = lo;                                                        \
    }                                                                       \
}

DEF_CSEARCH(c64, float)
DEF_CSEARCH(c128, double)

typedef void (*search_fn)(const char *, Py_ssize_t, const char *, Py_ssize_t,
                          int, int64_t *);

static const search_fn search_table[NDM_NNUMERIC] = {
    [NDM_BOOL] = search_8_0, [NDM_INT8] = search_8_1, [NDM_UINT8] = search_8_0,
    [NDM_INT16] = search_16_1, [NDM_UINT16] = search_16_0,
    [NDM_INT32] = search_32_1, [NDM_UINT32] = search_32_0,
    [NDM_INT64] = search_64_1, [NDM_UINT64] = search_64_0,
    [NDM_FLOAT16] = search_16_2, [NDM_FLOAT32] = search_32_2,
    [NDM_FLOAT64] = search_64_2,
    [NDM_COMPLEX64] = search_c64, [NDM_COMPLEX128] = search_c128,
};

static int
is_packed(NdmArray *a)
{
    return (a->flags & NDM_C_CONTIGUOUS) && (a->flags & NDM_ALIGNED);
}

/* _searchsorted(a, v, right): a 1-d, a and v C-contiguous of one native
 * numeric dtype; int64 insertion points with v's shape. */
static PyObject *
searchsorted(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *aobj, *vobj;
    int right;
    if (!PyArg_ParseTuple(args, "OOp:_searchsorted", &aobj, &vobj, &right)) {
        return NULL;
    }
    NdmArray *a = array_arg(aobj, "_searchsorted"), *v;
    if (a == NULL || (v = array_arg(vobj, "_searchsorted")) == NULL
            || sortable(a) == NULL) {
        return NULL;
    }
    if (a->nd != 1 || !is_packed(a) || !is_packed(v)
            || a->descr->type_num != v->descr->type_num || !ndm_dtype_isnative(v->descr)) {
        PyErr_SetString(PyExc_ValueError, "_searchsorted: bad operands");
        return NULL;
    }
    NdmDtype *i64 = ndm_dtype_builtin(NDM_INT64);
    if (i64 == NULL) {
        return NULL;
    }
    PyObject *out = ndm_array_new(ndm_state.ndarray_type, i64, v->nd, v->shape,
                                  NULL, NULL, 0, NULL);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t m = ndm_array_size(v);
    search_fn fn = search_table[a->descr->type_num];
    Py_BEGIN_ALLOW_THREADS
    fn(a->data, a->shape[0], v->data, m, right, (int64_t *)((NdmArray *)out)->data);
    Py_END_ALLOW_THREADS
    return out;
}

/* ------------------------------------------------------------ nonzero */

/* _nonzero(b): b a bool array of any layout, nd >= 1; a tuple of nd int64
 * arrays with the C-order coordinates of its True elements. */
static PyObject *
nonzero(PyObject *Py_UNUSED(mod), PyObject *obj)
{
    NdmArray *b = array_arg(obj, "_nonzero");
    if (b == NULL) {
        return NULL;
    }
    if (b->descr->type_num != NDM_BOOL || b->nd < 1) {
        PyErr_SetString(PyExc_ValueError, "_nonzero: needs a bool array with nd >= 1");
        return NULL;
    }
    int nd = b->nd;
    Py_ssize_t size = ndm_array_size(b), count = 0;
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    const int last = nd - 1;
    const Py_ssize_t ls = b->strides[last], ln = b->shape[last];
    /* Walks b in C order: the inner axis in a tight loop, the rest by an
     * odometer.  Used twice: count, then fill. */
#define WALK(BODY)                                                          \
    do {                                                                    \
        memset(idx, 0, sizeof(idx));                                        \
        const char *row = b->data;                                          \
        for (Py_ssize_t r = 0; size > 0 && r < size / ln; r++) {            \
            for (Py_ssize_t i = 0; i < ln; i++) {                           \
                if (row[i * ls]) {                                          \
                    BODY                                                    \
                }                                                           \
            }                                                               \
            for (int d = last - 1; d >= 0; d--) {                           \
                if (++idx[d] < b->shape[d]) {                               \
                    row += b->strides[d];                                   \
                    break;                                                  \
                }                                                           \
                idx[d] = 0;                                                 \
                row -= b->strides[d] * (b->shape[d] - 1);                   \
            }                                                               \
        }                                                                   \
    } while (0)
    Py_BEGIN_ALLOW_THREADS
    WALK(count++;);
    Py_END_ALLOW_THREADS
    PyObject *res = PyTuple_New(nd);
    if (res == NULL) {
        return NULL;
    }
    int64_t *cols[NDM_MAXDIMS];
    for (int d = 0; d < nd; d++) {
        NdmDtype *i64 = ndm_dtype_builtin(NDM_INT64);
        if (i64 == NULL) {
            Py_DECREF(res);
            return NULL;
        }
        PyObject *col = ndm_array_new(ndm_state.ndarray_type, i64, 1, &count,
                                      NULL, NULL, 0, NULL);
        if (col == NULL) {
            Py_DECREF(res);
            return NULL;
        }
        PyTuple_SET_ITEM(res, d, col);
        cols[d] = (int64_t *)((NdmArray *)col)->data;
    }
    Py_ssize_t k = 0;
    Py_BEGIN_ALLOW_THREADS
    WALK(
        for (int d = 0; d < last; d++) {
            cols[d][k] = idx[d];
        }
        cols[last][k++] = i;
    );
    Py_END_ALLOW_THREADS
#undef WALK
    return res;
}

/* ------------------------------------------------------------ bincount */

/* _bincount(x, weights, length): x 1-d C-contiguous int64 in [0, length),
 * weights None or a float64 array like x; int64 or float64 counts. */
static PyObject *
bincount(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *xobj, *wobj;
    Py_ssize_t length;
    if (!PyArg_ParseTuple(args, "OOn:_bincount", &xobj, &wobj, &length)) {
        return NULL;
    }
    NdmArray *x = array_arg(xobj, "_bincount"), *w = NULL;
    if (x == NULL) {
        return NULL;
    }
    if (wobj != Py_None && (w = array_arg(wobj, "_bincount")) == NULL) {
        return NULL;
    }
    Py_ssize_t n = ndm_array_size(x);
    if (x->nd != 1 || x->descr->type_num != NDM_INT64 || !is_packed(x) || length < 0
            || (w != NULL && (w->descr->type_num != NDM_FLOAT64 || !is_packed(w)
                              || ndm_array_size(w) != n))) {
        PyErr_SetString(PyExc_ValueError, "_bincount: bad operands");
        return NULL;
    }
    const int64_t *xv = (const int64_t *)x->data;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (xv[i] < 0 || xv[i] >= length) {
            PyErr_SetString(PyExc_ValueError, "_bincount: value out of range");
            return NULL;
        }
    }
    NdmDtype *d = ndm_dtype_builtin(w != NULL ? NDM_FLOAT64 : NDM_INT64);
    if (d == NULL) {
        return NULL;
    }
    PyObject *out = ndm_array_new(ndm_state.ndarray_type, d, 1, &length, NULL, NULL,
                                  NDM_NEW_ZEROED, NULL);
    if (out == NULL) {
        return NULL;
    }
    char *od = ((NdmArray *)out)->data;
    Py_BEGIN_ALLOW_THREADS
    if (w != NULL) {
        const double *wv = (const double *)w->data;
        double *o = (double *)od;
        for (Py_ssize_t i = 0; i < n; i++) {
            o[xv[i]] += wv[i];
        }
    }
    else {
        int64_t *o = (int64_t *)od;
        for (Py_ssize_t i = 0; i < n; i++) {
            o[xv[i]]++;
        }
    }
    Py_END_ALLOW_THREADS
    return out;
}

/* ------------------------------------------------------------ diagonal */

/* _diagonal_view(a, offset, shape, strides): the read-only view diagonal()
 * returns (NumPy 2), base collapsed to a's owner as every view.  The caller
 * (_sort.diagonal) derives offset, shape and strides from a's own, so the
 * view stays inside a's memory. */
static PyObject *
diagonal_view(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *obj, *shape_obj, *strides_obj;
    Py_ssize_t offset;
    if (!PyArg_ParseTuple(args, "OnO!O!:_diagonal_view", &obj, &offset,
                          &PyTuple_Type, &shape_obj, &PyTuple_Type, &strides_obj)) {
        return NULL;
    }
    NdmArray *a = array_arg(obj, "_diagonal_view");
    if (a == NULL) {
        return NULL;
    }
    Py_ssize_t nd = PyTuple_GET_SIZE(shape_obj);
    if (nd > NDM_MAXDIMS || PyTuple_GET_SIZE(strides_obj) != nd) {
        PyErr_SetString(PyExc_ValueError, "_diagonal_view: bad geometry");
        return NULL;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    for (Py_ssize_t i = 0; i < nd; i++) {
        shape[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape_obj, i));
        strides[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(strides_obj, i));
        if ((shape[i] == -1 || strides[i] == -1) && PyErr_Occurred()) {
            return NULL;
        }
    }
    /* The view must stay inside a's bytes. */
    Py_ssize_t alo = 0, ahi = 0, vlo = offset, vhi = offset, vsize = 1;
    for (int d = 0; d < a->nd; d++) {
        Py_ssize_t span = (a->shape[d] - 1) * a->strides[d];
        if (a->shape[d] == 0) {
            span = 0;
        }
        alo += span < 0 ? span : 0;
        ahi += span > 0 ? span : 0;
    }
    for (Py_ssize_t i = 0; i < nd; i++) {
        if (shape[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "_diagonal_view: bad geometry");
            return NULL;
        }
        Py_ssize_t span = shape[i] > 0 ? (shape[i] - 1) * strides[i] : 0;
        vlo += span < 0 ? span : 0;
        vhi += span > 0 ? span : 0;
        vsize *= shape[i];
    }
    if (vsize > 0 && (ndm_array_size(a) == 0 || vlo < alo || vhi > ahi)) {
        PyErr_SetString(PyExc_ValueError, "_diagonal_view: outside the array");
        return NULL;
    }
    Py_INCREF(a->descr);
    PyObject *v = ndm_array_view(a, a->descr, (int)nd, shape, strides, a->data + offset,
                                 Py_TYPE(a));
    if (v != NULL) {
        ((NdmArray *)v)->flags &= ~NDM_WRITEABLE;
    }
    return v;
}

/* ------------------------------------------------------------ methods */

#define FORWARD(name, pyname)                                               \
static PyObject *                                                           \
m_##name(PyObject *self, PyObject *args, PyObject *kwds)                    \
{                                                                           \
    return ndm_array_call_python("ndmem._sort", pyname, self, args, kwds);  \
}
FORWARD(argsort, "argsort")
FORWARD(searchsorted, "searchsorted")
FORWARD(partition, "_partition_method")
FORWARD(argpartition, "argpartition")
FORWARD(diagonal, "diagonal")
FORWARD(trace, "trace")
FORWARD(take, "take")
FORWARD(put, "put")

/* a.sort() and a.nonzero() on a bool array are common in loops: those
 * calls skip the Python layer (its checks all pass for them). */
static PyObject *
m_sort(PyObject *self, PyObject *args, PyObject *kwds)
{
    NdmArray *a = (NdmArray *)self;
    if (PyTuple_GET_SIZE(args) == 0 && (kwds == NULL || PyDict_GET_SIZE(kwds) == 0)
            && a->nd > 0 && a->descr->type_num < NDM_NNUMERIC
            && ndm_dtype_isnative(a->descr) && ndm_array_is_writeable(a)) {
        if (run_lanes(a, a->nd - 1, NULL) < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    return ndm_array_call_python("ndmem._sort", "_sort_method", self, args, kwds);
}

static PyObject *
m_nonzero(PyObject *self, PyObject *args, PyObject *kwds)
{
    NdmArray *a = (NdmArray *)self;
    if (PyTuple_GET_SIZE(args) == 0 && kwds == NULL && a->nd > 0
            && a->descr->type_num == NDM_BOOL) {
        return nonzero(NULL, self);
    }
    return ndm_array_call_python("ndmem._sort", "_nonzero_method", self, args, kwds);
}

#define METHOD(name, doc)                                                   \
    {#name, (PyCFunction)(void (*)(void))m_##name,                          \
     METH_VARARGS | METH_KEYWORDS, doc}
static PyMethodDef sort_methods[] = {
    METHOD(sort, "Sort the array in place along an axis (see ndmem.sort)."),
    METHOD(argsort, "Indices that would sort the array (see ndmem.argsort)."),
    METHOD(searchsorted, "Insertion points into the sorted array (see ndmem.searchsorted)."),
    METHOD(nonzero, "Indices of the non-zero elements (see ndmem.nonzero)."),
    METHOD(partition, "Partition the array in place around kth (see ndmem.partition)."),
    METHOD(argpartition, "Indices that would partition the array (see ndmem.argpartition)."),
    METHOD(diagonal, "A read-only view of the given diagonal (see ndmem.diagonal)."),
    METHOD(trace, "Sum along a diagonal (see ndmem.trace)."),
    METHOD(take, "Take elements along an axis (see ndmem.take)."),
    METHOD(put, "Set elements of the flattened array (see ndmem.put)."),
    {NULL, NULL, 0, NULL},
};

static PyMethodDef sort_functions[] = {
    {"_sort_inplace", sort_inplace, METH_VARARGS, "Sort lanes in place (kernel)."},
    {"_argsort", argsort, METH_VARARGS, "Stable argsort along an axis (kernel)."},
    {"_partition", partition, METH_VARARGS, "Introselect lanes in place (kernel)."},
    {"_argpartition", argpartition, METH_VARARGS, "Indices that partition lanes (kernel)."},
    {"_searchsorted", searchsorted, METH_VARARGS, "Binary search (kernel)."},
    {"_nonzero", nonzero, METH_O, "Coordinates of True elements (kernel)."},
    {"_bincount", bincount, METH_VARARGS, "Counts of non-negative ints (kernel)."},
    {"_diagonal_view", diagonal_view, METH_VARARGS, "Read-only strided view (diagonal)."},
    {NULL, NULL, 0, NULL},
};

int
ndm_sort_init(PyObject *module)
{
    if (PyModule_AddFunctions(module, sort_functions) < 0) {
        return -1;
    }
    return ndm_array_add_methods(sort_methods);
}
