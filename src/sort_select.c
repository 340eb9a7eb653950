/* partition/argpartition kernels, for python/ndmem/_sort.py: introselect
 * as NumPy's selection.cpp does it: median-of-3 pivots, and once the depth
 * budget (twice the bit length of n) is spent, median-of-medians pivots, so
 * the worst case stays linear.  Median-of-3 steps partition by a
 * branchless Lomuto pass (random data would mispredict half of Hoare's
 * compares), splitting off the values equal to the pivot after a bad
 * split; median-of-medians steps by Hoare's.  Several kth are done in
 * increasing order, each in the part right of the previous one.  Float
 * lanes first move their NaNs to the end (NaN sorts last), then compare
 * with plain `<`; float16 compares its canonical radix keys, complex
 * NumPy's CLESS.  Values are selected in place when the lane is packed,
 * else in scratch; argpartition selects (key, index) words in its output
 * (see Words below), complex (value, index) records in scratch. */
#include "ndarray.h"
#include "sort_internal.h"
#include "sort_radix.h"

#define SELECT_SMALL 16
#define PIVOT_STACK 64

#define SWAPT(T, x, y)                                                      \
    do {                                                                    \
        T t_ = (x);                                                         \
        (x) = (y);                                                          \
        (y) = t_;                                                           \
    } while (0)

/* argpartition of real dtypes selects (key - least key, index) words in
 * the output itself, as argsort sorts them (sort.c).  When the words hold
 * only the key's high bits (sh > 0), words with equal high bits compare by
 * the full keys, read from the lane. */
typedef struct {
    const char *p;              /* the lane */
    Py_ssize_t st;
    int ib, sh;                 /* index bits; key bits left out */
    uint64_t (*key)(const char *p, Py_ssize_t st, uint64_t i);
} Words;

static inline int
word_less(uint64_t a, uint64_t b, const Words *c)
{
    if (c->sh == 0 || (a >> c->ib) != (b >> c->ib)) {
        return a < b;
    }
    const uint64_t m = ((uint64_t)1 << c->ib) - 1, ia = a & m, ib = b & m;
    const uint64_t ka = c->key(c->p, c->st, ia), kb = c->key(c->p, c->st, ib);
    return ka != kb ? ka < kb : ia < ib;
}

#define DEF_SELECT(NAME, T, LT)                                             \
static void                                                                 \
isort_##NAME(T *v, Py_ssize_t n, const Words *ctx)                          \
{                                                                           \
    (void)ctx;                                                              \
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
                          Py_ssize_t *piv, int *npiv, const Words *ctx);                      \
/* Gathers the medians of the groups of five at the front and returns the \
 * index of their median. */                                              \
static Py_ssize_t                                                           \
mom5_##NAME(T *v, Py_ssize_t num, const Words *ctx)                                           \
{                                                                           \
    Py_ssize_t nmed = num / 5;                                              \
    for (Py_ssize_t i = 0; i < nmed; i++) {                                 \
        isort_##NAME(v + 5 * i, 5, ctx);                                     \
        SWAPT(T, v[5 * i + 2], v[i]);                                       \
    }                                                                       \
    if (nmed > 2) {                                                         \
        select_##NAME(v, 0, nmed - 1, nmed / 2, NULL, NULL, ctx);           \
    }                                                                       \
    return nmed / 2;                                                        \
}                                                                           \
static void                                                                 \
select_##NAME(T *v, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t k,            \
              Py_ssize_t *piv, int *npiv, const Words *ctx)                 \
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
        if (depth-- > 0) {                                                  \
            /* v[lo] the median of the elements at the quartiles and the \
             * middle: the Lomuto pass leaves its upper part rotated (its \
             * largest first), so the ends would make poor samples */     \
            Py_ssize_t q = (hi - lo) / 4, a = lo + q, b = lo + (hi - lo) / 2,\
                       c = hi - q;                                          \
            if (LT(v[b], v[a])) {                                           \
                SWAPT(T, v[a], v[b]);                                       \
            }                                                               \
            if (LT(v[c], v[b])) {                                           \
                SWAPT(T, v[b], v[c]);                                       \
                if (LT(v[b], v[a])) {                                       \
                    SWAPT(T, v[a], v[b]);                                   \
                }                                                           \
            }                                                               \
            SWAPT(T, v[lo], v[b]);                                          \
            /* branchless Lomuto: no mispredicted compares */             \
            const T pv = v[lo];                                             \
            Py_ssize_t j = lo + 1;                                          \
            for (Py_ssize_t i = lo + 1; i <= hi; i++) {                     \
                T x = v[i];                                                 \
                const int less = LT(x, pv);                                 \
                v[i] = v[j];                                                \
                v[j] = x;                                                   \
                j += less;                                                  \
            }                                                               \
            SWAPT(T, v[lo], v[j - 1]);                                      \
            /* [lo, j - 1) < pivot == v[j - 1] <= [j, hi] */                \
            if (k < j - 1) {                                                \
                hi = j - 2;                                                 \
                if (piv != NULL && *npiv < PIVOT_STACK) {                   \
                    piv[(*npiv)++] = j - 1;                                 \
                }                                                           \
                continue;                                                   \
            }                                                               \
            if (k == j - 1) {                                               \
                return;                                                     \
            }                                                               \
            if (4 * (hi - j) > 3 * (hi - lo)) {                             \
                /* a bad split, maybe many equal to the pivot: those go   \
                 * first, so that equal values cannot stall the loop */   \
                Py_ssize_t e = j;                                           \
                for (Py_ssize_t i = j; i <= hi; i++) {                      \
                    T x = v[i];                                             \
                    const int eq = !LT(pv, x);                              \
                    v[i] = v[e];                                            \
                    v[e] = x;                                               \
                    e += eq;                                                \
                }                                                           \
                if (k < e) {                                                \
                    return;                                                 \
                }                                                           \
                j = e;                                                      \
            }                                                               \
            lo = j;                                                         \
            continue;                                                       \
        }                                                                   \
        /* the medians above the pivot stay in the range: they stop the   \
         * upward scan */                                                 \
        Py_ssize_t m = lo + 1 + mom5_##NAME(v + lo + 1, hi - lo, ctx);     \
        SWAPT(T, v[m], v[lo]);                                              \
        Py_ssize_t ll = lo, hh = hi + 1;                                    \
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
        isort_##NAME(v + lo, hi - lo + 1, ctx);                             \
    }                                                                       \
}                                                                           \
/* Select every kth (ascending) below n, the count of non-NaNs.  Pivots   \
 * left in their sorted place by one selection (a stack, descending) bound \
 * the range of the next, as NumPy's introselect does. */                 \
static void                                                                 \
select_all_##NAME(T *v, Py_ssize_t n, const int64_t *kth, Py_ssize_t nk,     \
                  const Words *ctx)                                         \
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
        select_##NAME(v, from, to, k, piv, &npiv, ctx);                     \
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
#define LT_RCPX(a, b) LT_CPX((a).v, (b).v)
#define NAN_NO(x) 0
#define NAN_FLT(x) ((x) != (x))

/* Value lanes of one dtype.  NANF moves NaNs to the end so that the
 * selection never compares one. */
#define DEF_SELECT_LANES(NAME, T, LT, NANF)                                 \
DEF_SELECT(NAME, T, LT)                                                     \
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
    select_all_##NAME(v, m, kth, nk, NULL);                                 \
    if (scratch != NULL) {                                                  \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            memcpy(p + i * st, &v[i], sizeof(T));                           \
        }                                                                   \
    }                                                                       \
}

/* Index lanes of complex dtypes: (value, index) records. */
#define DEF_RECORD_LANES(NAME, T, LTR)                                      \
DEF_REC(NAME, T)                                                            \
DEF_SELECT(r##NAME, sr_##NAME, LTR)                                         \
static void                                                                 \
apart_##NAME(char *p, Py_ssize_t st, Py_ssize_t n, const int64_t *kth,      \
             Py_ssize_t nk, void *scratch, char *out, Py_ssize_t ost)       \
{                                                                           \
    sr_##NAME *r = scratch;                                                 \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(&r[i].v, p + i * st, sizeof(T));                             \
        r[i].i = i;                                                         \
    }                                                                       \
    select_all_r##NAME(r, n, kth, nk, NULL);                                \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(out + i * ost, &r[i].i, sizeof(int64_t));                    \
    }                                                                       \
}

DEF_SELECT_LANES(u8, uint8_t, LT_NUM, NAN_NO)
DEF_SELECT_LANES(i8, int8_t, LT_NUM, NAN_NO)
DEF_SELECT_LANES(u16, uint16_t, LT_NUM, NAN_NO)
DEF_SELECT_LANES(i16, int16_t, LT_NUM, NAN_NO)
DEF_SELECT_LANES(u32, uint32_t, LT_NUM, NAN_NO)
DEF_SELECT_LANES(i32, int32_t, LT_NUM, NAN_NO)
DEF_SELECT_LANES(u64, uint64_t, LT_NUM, NAN_NO)
DEF_SELECT_LANES(i64, int64_t, LT_NUM, NAN_NO)
DEF_SELECT_LANES(f16, uint16_t, LT_F16, NAN_NO)
DEF_SELECT_LANES(f32, float, LT_NUM, NAN_FLT)
DEF_SELECT_LANES(f64, double, LT_NUM, NAN_FLT)
DEF_SELECT_LANES(c64, sel_c64, LT_CPX, NAN_NO)
DEF_SELECT_LANES(c128, sel_c128, LT_CPX, NAN_NO)
DEF_RECORD_LANES(c64, sel_c64, LT_RCPX)
DEF_RECORD_LANES(c128, sel_c128, LT_RCPX)

#define LT_WORD(a, b) word_less((a), (b), ctx)
DEF_SELECT(w, uint64_t, LT_WORD)

/* argpartition by words (see Words), in out's lane when it is packed
 * (scratch NULL), else in scratch; NaN indices last. */
#define DEF_WORD_LANES(W, KT, CLS)                                          \
static uint64_t                                                             \
wkey_##W##_##CLS(const char *p, Py_ssize_t st, uint64_t i)                  \
{                                                                           \
    KT b;                                                                   \
    memcpy(&b, p + (Py_ssize_t)i * st, sizeof(KT));                         \
    return canon##W(b, CLS);                                                \
}                                                                           \
static void                                                                 \
wpart_##W##_##CLS(char *p, Py_ssize_t st, Py_ssize_t n, const int64_t *kth, \
                  Py_ssize_t nk, void *scratch, char *out, Py_ssize_t ost)  \
{                                                                           \
    uint64_t *w = scratch != NULL ? (uint64_t *)scratch : (uint64_t *)out;  \
    KT lo;                                                                  \
    int ib, sh;                                                             \
    const Py_ssize_t m = lane_words##W(p, st, n, CLS, w, &ib, &sh, &lo);    \
    const Words c = {p, st, ib, sh, wkey_##W##_##CLS};                      \
    select_all_w(w, m, kth, nk, &c);                                        \
    words_to_indices(w, m, n, ib, scratch != NULL ? out : NULL, ost);       \
}

DEF_WORD_LANES(8, uint8_t, 0)
DEF_WORD_LANES(8, uint8_t, 1)
DEF_WORD_LANES(16, uint16_t, 0)
DEF_WORD_LANES(16, uint16_t, 1)
DEF_WORD_LANES(16, uint16_t, 2)
DEF_WORD_LANES(32, uint32_t, 0)
DEF_WORD_LANES(32, uint32_t, 1)
DEF_WORD_LANES(32, uint32_t, 2)
DEF_WORD_LANES(64, uint64_t, 0)
DEF_WORD_LANES(64, uint64_t, 1)
DEF_WORD_LANES(64, uint64_t, 2)

typedef void (*select_lane_fn)(char *p, Py_ssize_t st, Py_ssize_t n, const int64_t *kth,
                               Py_ssize_t nk, void *scratch, char *out, Py_ssize_t ost);

typedef struct {
    select_lane_fn part, apart;
    int size, recsize;          /* bytes of a value and of an apart element */
    int words;                  /* apart selects words, in out when packed */
} SelectEntry;

#define SEL(NAME, T, W, CLS) {part_##NAME, wpart_##W##_##CLS, sizeof(T), sizeof(uint64_t), 1}
static const SelectEntry select_table[NDM_NNUMERIC] = {
    [NDM_BOOL] = SEL(u8, uint8_t, 8, 0),
    [NDM_INT8] = SEL(i8, int8_t, 8, 1),
    [NDM_UINT8] = SEL(u8, uint8_t, 8, 0),
    [NDM_INT16] = SEL(i16, int16_t, 16, 1),
    [NDM_UINT16] = SEL(u16, uint16_t, 16, 0),
    [NDM_INT32] = SEL(i32, int32_t, 32, 1),
    [NDM_UINT32] = SEL(u32, uint32_t, 32, 0),
    [NDM_INT64] = SEL(i64, int64_t, 64, 1),
    [NDM_UINT64] = SEL(u64, uint64_t, 64, 0),
    [NDM_FLOAT16] = SEL(f16, uint16_t, 16, 2),
    [NDM_FLOAT32] = SEL(f32, float, 32, 2),
    [NDM_FLOAT64] = SEL(f64, double, 64, 2),
    [NDM_COMPLEX64] = {part_c64, apart_c64, sizeof(sel_c64), sizeof(sr_c64), 0},
    [NDM_COMPLEX128] = {part_c128, apart_c128, sizeof(sel_c128), sizeof(sr_c128), 0},
};

/* Select kth (int64, ascending, each in [0, n)) in every lane of a along
 * axis: in place, or into out's indices (argpartition). */
static int
run_select(NdmArray *a, int axis, NdmArray *out, const int64_t *kth, Py_ssize_t nk)
{
    if (ndm_sort_check_dtype(a) < 0) {
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
    int in_place = out == NULL
                   ? a->strides[axis] == e->size && (a->flags & NDM_ALIGNED)
                   : e->words && out->strides[axis] == (Py_ssize_t)sizeof(uint64_t)
                     && (out->flags & NDM_ALIGNED);
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
        ndm_sort_next_lane(a, axis, out, idx, &p, &o);
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
    NdmArray *k = ndm_sort_array_arg(obj, "kth");
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
    NdmArray *a = ndm_sort_array_arg(obj, "_partition");
    if (a == NULL || ndm_sort_parse_axis(a, axis) < 0 || kth_arg(kobj, &kth, &nk) < 0
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
    NdmArray *a = ndm_sort_array_arg(obj, "_argpartition");
    if (a == NULL || ndm_sort_parse_axis(a, axis) < 0 || kth_arg(kobj, &kth, &nk) < 0
            || ndm_sort_check_dtype(a) < 0) {
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

static PyMethodDef select_functions[] = {
    {"_partition", partition, METH_VARARGS, "Introselect lanes in place (kernel)."},
    {"_argpartition", argpartition, METH_VARARGS, "Indices that partition lanes (kernel)."},
    {NULL, NULL, 0, NULL},
};

int
ndm_sortselect_init(PyObject *module)
{
    return PyModule_AddFunctions(module, select_functions);
}
