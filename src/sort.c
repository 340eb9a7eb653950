/* Sorting and searching kernels: in-place sort and argsort along an axis,
 * searchsorted, nonzero and bincount.  The public functions (sort, unique,
 * percentile, ...) are Python in python/ndmem/_sort.py and _order_stats.py
 * over these.
 *
 * Integer, bool and float lanes are sorted as unsigned keys that order as
 * NumPy compares: signed ints flip the sign bit, floats flip the sign bit
 * (positives) or all bits (negatives).  The keys replace the values in
 * place and are sorted by sort_radix.c's in-place radix sort, so a sort
 * needs no buffer beyond its output (NumPy's quicksort needs none either).
 * Equal keys are equal values, so that sort is stable in effect, and one
 * kernel serves every `kind`, with a speed that does not depend on the
 * input order, except in two cases a float lane handles apart: NaNs (equal
 * and largest for NumPy) go to the end in their input order before the
 * sort, and when a lane holds zeros of both signs (equal for NumPy), their
 * signs are noted in input order, a bit each, and rewritten over the zero
 * run after the sort, as a stable sort leaves them.  8-bit lanes are
 * counting sorts.  A lane already in order is left as it is, a strictly
 * decreasing one reversed (one pass, which other input ends early).
 *
 * argsort packs each element's key (less the lane's least key) above its
 * index into one 64-bit word, in the output array itself, and sorts those
 * words: words are distinct and order by key, then index, which is a
 * stable argsort.  When key and index need more than 64 bits, the words
 * hold the key's high bits, and runs of equal high bits are then ordered
 * by the bits that were left out (read again from the input).  Complex
 * lanes use a stable merge sort with NumPy's lexicographic comparison (NaNs
 * last).
 *
 * partition/argpartition select in sort_select.c.
 *
 * Lanes that are not packed (any stride, unaligned) are sorted in a
 * lane-sized copy, as NumPy does; scratch is not array data, so it comes
 * from PyMem_RawMalloc, and the GIL is released around the loop over
 * lanes. */
#include "ndarray.h"
#include "sort_internal.h"
#include "sort_radix.h"

#define INSERTION_MAX 24

typedef struct {
    void *k;                   /* a value lane that is not packed */
    uint64_t *w;               /* argsort words, when out's lane is not packed */
    void *v, *vt;              /* complex records and their merge scratch */
    uint8_t *z;                /* signs of a float lane's zeros, a bit each */
    size_t zcap;               /* bytes at z */
    int nomem;                 /* z could not grow: that lane was left as it was */
} Scratch;

/* ------------------------------------------------------------ lanes */

typedef void (*sort_lane_fn)(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s);
typedef void (*arg_lane_fn)(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s,
                            char *out, Py_ssize_t ost);

/* 8-bit lanes: counting sorts, in the lane itself whatever its stride.
 * FLIP orders int8 as unsigned.  Four histograms, summed after, keep runs
 * of one value from serialising on one counter. */
#define DEF_COUNT(CLS, FLIP)                                                \
static void                                                                 \
count8_##CLS(const char *p, Py_ssize_t st, Py_ssize_t n, Py_ssize_t *cnt)   \
{                                                                           \
    Py_ssize_t c[4][256];                                                   \
    memset(c, 0, sizeof(c));                                                \
    Py_ssize_t i = 0;                                                       \
    for (; i + 4 <= n; i += 4) {                                            \
        c[0][(uint8_t)p[i * st] ^ FLIP]++;                                  \
        c[1][(uint8_t)p[(i + 1) * st] ^ FLIP]++;                            \
        c[2][(uint8_t)p[(i + 2) * st] ^ FLIP]++;                            \
        c[3][(uint8_t)p[(i + 3) * st] ^ FLIP]++;                            \
    }                                                                       \
    for (; i < n; i++) {                                                    \
        c[0][(uint8_t)p[i * st] ^ FLIP]++;                                  \
    }                                                                       \
    for (int d = 0; d < 256; d++) {                                         \
        cnt[d] = c[0][d] + c[1][d] + c[2][d] + c[3][d];                     \
    }                                                                       \
}                                                                           \
static void                                                                 \
sort_8_##CLS(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s)              \
{                                                                           \
    (void)s;                                                                \
    Py_ssize_t cnt[256], i = 0;                                             \
    count8_##CLS(p, st, n, cnt);                                            \
    for (int d = 0; d < 256; d++) {                                         \
        const char v = (char)(d ^ FLIP);                                    \
        if (st == 1) {                                                      \
            memset(p + i, v, (size_t)cnt[d]);                               \
            i += cnt[d];                                                    \
            continue;                                                       \
        }                                                                   \
        for (Py_ssize_t e = i + cnt[d]; i < e; i++) {                       \
            p[i * st] = v;                                                  \
        }                                                                   \
    }                                                                       \
}                                                                           \
static void                                                                 \
argsort_8_##CLS(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s,           \
                char *out, Py_ssize_t ost)                                  \
{                                                                           \
    (void)s;                                                                \
    Py_ssize_t cnt[256], sum = 0;                                           \
    count8_##CLS(p, st, n, cnt);                                            \
    for (int d = 0; d < 256; d++) {                                         \
        Py_ssize_t c = cnt[d];                                              \
        cnt[d] = sum;                                                       \
        sum += c;                                                           \
    }                                                                       \
    if (ost == (Py_ssize_t)sizeof(int64_t)) {                               \
        int64_t *o = (int64_t *)out;                                        \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            o[cnt[(uint8_t)p[i * st] ^ FLIP]++] = i;                        \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        int64_t x = i;                                                      \
        memcpy(out + cnt[(uint8_t)p[i * st] ^ FLIP]++ * ost, &x, sizeof(x));\
    }                                                                       \
}

DEF_COUNT(0, 0)
DEF_COUNT(1, 0x80)

/* Float lanes, before their sort (see the head of this file): NaNs to the
 * end in input order; the signs of the zeros into s->z when both occur.
 * Sets *m to the count of non-NaNs and *nz to that of zeros when mixed
 * (else 0).  -1 when s->z could not grow (the lane is unchanged). */
#define DEF_FLOAT_PREP(W, KT)                                               \
static int                                                                  \
float_prep##W(KT *k, Py_ssize_t n, Py_ssize_t *m, Py_ssize_t *nz, Scratch *s)\
{                                                                           \
    Py_ssize_t nn = 0, z = 0;                                               \
    int neg = 0, pos = 0;                                                   \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        nn += isnan##W(k[i], 2);                                            \
        if (iszero##W(k[i], 2)) {                                           \
            z++;                                                            \
            neg |= (k[i] & sign##W()) != 0;                                 \
            pos |= (k[i] & sign##W()) == 0;                                 \
        }                                                                   \
    }                                                                       \
    *nz = 0;                                                                \
    if (neg && pos) {                                                       \
        size_t need = ((size_t)z + 7) / 8;                                  \
        if (need > s->zcap) {                                               \
            uint8_t *t = PyMem_RawRealloc(s->z, need);                      \
            if (t == NULL) {                                                \
                s->nomem = 1;                                               \
                return -1;                                                  \
            }                                                               \
            s->z = t;                                                       \
            s->zcap = need;                                                 \
        }                                                                   \
        memset(s->z, 0, need);                                              \
        for (Py_ssize_t i = 0, j = 0; i < n; i++) {                         \
            if (iszero##W(k[i], 2)) {                                       \
                s->z[j >> 3] |= (uint8_t)(((k[i] & sign##W()) != 0) << (j & 7));\
                j++;                                                        \
            }                                                               \
        }                                                                   \
        *nz = z;                                                            \
    }                                                                       \
    /* from the back: each NaN is swapped behind the ones found before */ \
    for (Py_ssize_t i = n - 1, w = n; nn > 0 && i >= 0; i--) {              \
        if (isnan##W(k[i], 2)) {                                            \
            KT t = k[--w];                                                  \
            k[w] = k[i];                                                    \
            k[i] = t;                                                       \
        }                                                                   \
    }                                                                       \
    *m = n - nn;                                                            \
    return 0;                                                               \
}                                                                           \
/* The zero run of the sorted keys k[0..m) gets the signs of s->z. */      \
static void                                                                 \
zero_fix##W(KT *k, Py_ssize_t m, Py_ssize_t nz, const uint8_t *z)           \
{                                                                           \
    const KT kneg = inv##W(sign##W(), 2);                                   \
    Py_ssize_t lo = 0, hi = m;                                              \
    while (lo < hi) {                                                       \
        Py_ssize_t mid = lo + (hi - lo) / 2;                                \
        if (k[mid] < kneg) {                                                \
            lo = mid + 1;                                                   \
        }                                                                   \
        else {                                                              \
            hi = mid;                                                       \
        }                                                                   \
    }                                                                       \
    for (Py_ssize_t j = 0; j < nz; j++) {                                   \
        k[lo + j] = inv##W((z[j >> 3] >> (j & 7)) & 1 ? sign##W() : 0, 2); \
    }                                                                       \
}

DEF_FLOAT_PREP(16, uint16_t)
DEF_FLOAT_PREP(32, uint32_t)
DEF_FLOAT_PREP(64, uint64_t)

#define DEF_LANES(W, KT, CLS)                                               \
/* 1 when the lane is in order already (NumPy's order: then it is its own \
 * stable sort), -1 when strictly decreasing, else 0, usually after a few \
 * elements. */                                                           \
static int                                                                  \
lane_order_##W##_##CLS(const char *p, Py_ssize_t st, Py_ssize_t n)          \
{                                                                           \
    int up = 1, down = 1;                                                   \
    KT b;                                                                   \
    memcpy(&b, p, sizeof(KT));                                              \
    KT prev = canon##W(b, CLS);                                             \
    for (Py_ssize_t i = 1; i < n && (up || down); i++) {                    \
        memcpy(&b, p + i * st, sizeof(KT));                                 \
        KT c = canon##W(b, CLS);                                            \
        up &= c >= prev;                                                    \
        down &= c < prev;                                                   \
        prev = c;                                                           \
    }                                                                       \
    return up ? 1 : down ? -1 : 0;                                          \
}                                                                           \
/* Value sort, in the lane when it is packed (s->k NULL), else in s->k. */  \
static void                                                                 \
sort_##W##_##CLS(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s)          \
{                                                                           \
    const int order = lane_order_##W##_##CLS(p, st, n);                     \
    if (order != 0) {                                                       \
        for (Py_ssize_t i = 0, j = n - 1; order < 0 && i < j; i++, j--) {   \
            KT t;                                                           \
            memcpy(&t, p + i * st, sizeof(KT));                             \
            memcpy(p + i * st, p + j * st, sizeof(KT));                     \
            memcpy(p + j * st, &t, sizeof(KT));                             \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    KT *k = s->k != NULL ? (KT *)s->k : (KT *)p;                            \
    if (s->k != NULL) {                                                     \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            memcpy(&k[i], p + i * st, sizeof(KT));                          \
        }                                                                   \
    }                                                                       \
    Py_ssize_t m = n, nz = 0;                                               \
    if (CLS == 2 && float_prep##W(k, n, &m, &nz, s) < 0) {                  \
        return;                                                             \
    }                                                                       \
    for (Py_ssize_t i = 0; CLS != 0 && i < m; i++) {                        \
        k[i] = inv##W(k[i], CLS);                                           \
    }                                                                       \
    ndm_sortradix_u##W(k, m);                                               \
    if (nz > 0) {                                                           \
        zero_fix##W(k, m, nz, s->z);                                        \
    }                                                                       \
    for (Py_ssize_t i = 0; CLS != 0 && i < m; i++) {                        \
        k[i] = back##W(k[i], CLS);                                          \
    }                                                                       \
    if (s->k != NULL) {                                                     \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            memcpy(p + i * st, &k[i], sizeof(KT));                          \
        }                                                                   \
    }                                                                       \
}                                                                           \
static inline uint64_t                                                      \
key_##W##_##CLS(const char *p, Py_ssize_t st, uint64_t i, KT lo)            \
{                                                                           \
    KT b;                                                                   \
    memcpy(&b, p + (Py_ssize_t)i * st, sizeof(KT));                         \
    return (uint64_t)(KT)(canon##W(b, CLS) - lo);                           \
}                                                                           \
/* w[0..m) are sorted words of ib index bits under key bits from bit sh   \
 * up: order each run of equal key bits by the bits below sh, as many as  \
 * fit beside the index at a time. */                                     \
static void                                                                 \
ties_##W##_##CLS(const char *p, Py_ssize_t st, uint64_t *w, Py_ssize_t m,   \
                 int ib, int sh, KT lo)                                     \
{                                                                           \
    const uint64_t imask = ((uint64_t)1 << ib) - 1;                         \
    const int nsh = sh > 64 - ib ? sh - (64 - ib) : 0;                      \
    const uint64_t fmask = ((uint64_t)1 << (sh - nsh)) - 1;                 \
    for (Py_ssize_t i = 0; i < m;) {                                        \
        Py_ssize_t j = i + 1;                                               \
        while (j < m && (w[j] >> ib) == (w[i] >> ib)) {                     \
            j++;                                                            \
        }                                                                   \
        if (j - i > 1) {                                                    \
            for (Py_ssize_t t = i; t < j; t++) {                            \
                uint64_t x = w[t] & imask;                                  \
                w[t] = (((key_##W##_##CLS(p, st, x, lo) >> nsh) & fmask) << ib) | x;\
            }                                                               \
            ndm_sortradix_u64(w + i, j - i);                                \
            if (nsh > 0) {                                                  \
                ties_##W##_##CLS(p, st, w + i, j - i, ib, nsh, lo);         \
            }                                                               \
        }                                                                   \
        i = j;                                                              \
    }                                                                       \
}                                                                           \
/* Stable argsort: (key - least key, index) words, in out's lane when it  \
 * is packed (s->w NULL), else in s->w; NaN indices last in order. */     \
static void                                                                 \
argsort_##W##_##CLS(char *p, Py_ssize_t st, Py_ssize_t n, Scratch *s,       \
                    char *out, Py_ssize_t ost)                              \
{                                                                           \
    const int order = lane_order_##W##_##CLS(p, st, n);                     \
    if (order != 0) {                                                       \
        /* in order or strictly decreasing (common cases): the identity   \
         * or its reverse */                                              \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            int64_t x = order > 0 ? i : n - 1 - i;                          \
            memcpy(out + i * ost, &x, sizeof(x));                           \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    uint64_t *w = s->w != NULL ? s->w : (uint64_t *)out;                    \
    KT lo;                                                                  \
    int ib, sh;                                                             \
    const Py_ssize_t m = lane_words##W(p, st, n, CLS, w, &ib, &sh, &lo);    \
    ndm_sortradix_u64(w, m);                                                \
    if (sh > 0) {                                                           \
        ties_##W##_##CLS(p, st, w, m, ib, sh, lo);                          \
    }                                                                       \
    words_to_indices(w, m, n, ib, s->w != NULL ? out : NULL, ost);          \
}

DEF_LANES(16, uint16_t, 0)
DEF_LANES(16, uint16_t, 1)
DEF_LANES(16, uint16_t, 2)
DEF_LANES(32, uint32_t, 0)
DEF_LANES(32, uint32_t, 1)
DEF_LANES(32, uint32_t, 2)
DEF_LANES(64, uint64_t, 0)
DEF_LANES(64, uint64_t, 1)
DEF_LANES(64, uint64_t, 2)

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

NdmArray *
ndm_sort_array_arg(PyObject *obj, const char *what)
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

int
ndm_sort_check_dtype(NdmArray *a)
{
    return sortable(a) != NULL ? 0 : -1;
}

static void
scratch_free(Scratch *s)
{
    PyMem_RawFree(s->k);
    PyMem_RawFree(s->w);
    PyMem_RawFree(s->v);
    PyMem_RawFree(s->vt);
    PyMem_RawFree(s->z);
}

/* Scratch for lanes of n elements: a copy of a value lane that is not
 * packed, words for an argsort lane of out that is not, records for
 * complex.  Packed lanes and 8-bit lanes need none. */
static int
scratch_alloc(Scratch *s, const SortEntry *e, Py_ssize_t n, int arg, int packed)
{
    size_t m = (size_t)(n > 0 ? n : 1);
    int ok = 1;
    memset(s, 0, sizeof(*s));
    if (e->keysize > 1 && !packed) {
        if (arg) {
            ok = (s->w = PyMem_RawMalloc(m * sizeof(uint64_t))) != NULL;
        }
        else {
            ok = (s->k = PyMem_RawMalloc(m * (size_t)e->keysize)) != NULL;
        }
    }
    else if (e->keysize == 0) {
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
void
ndm_sort_next_lane(const NdmArray *a, int axis, const NdmArray *out, Py_ssize_t *idx,
                   char **p, char **o)
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
    int packed = out != NULL
                 ? out->strides[axis] == (Py_ssize_t)sizeof(int64_t) && (out->flags & NDM_ALIGNED)
                 : a->strides[axis] == e->keysize && (a->flags & NDM_ALIGNED);
    if (scratch_alloc(&s, e, n, out != NULL, packed) < 0) {
        return -1;
    }
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    Py_ssize_t nlanes = size / n;
    char *p = a->data, *o = out != NULL ? out->data : NULL;
    Py_ssize_t ost = out != NULL ? out->strides[axis] : 0;
    int gil_free = size >= GIL_THRESHOLD;
    PyThreadState *ts = gil_free ? PyEval_SaveThread() : NULL;
    for (Py_ssize_t lane = 0; lane < nlanes && !s.nomem; lane++) {
        if (out != NULL) {
            e->arg(p, a->strides[axis], n, &s, o, ost);
        }
        else {
            e->sort(p, a->strides[axis], n, &s);
        }
        ndm_sort_next_lane(a, axis, out, idx, &p, &o);
    }
    if (ts != NULL) {
        PyEval_RestoreThread(ts);
    }
    scratch_free(&s);
    if (s.nomem) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

int
ndm_sort_parse_axis(NdmArray *a, int axis)
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
    NdmArray *a = ndm_sort_array_arg(obj, "_sort_inplace");
    if (a == NULL || ndm_sort_parse_axis(a, axis) < 0 || ndm_array_fail_unless_writeable(a) < 0
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
    NdmArray *a = ndm_sort_array_arg(obj, "_argsort");
    if (a == NULL || ndm_sort_parse_axis(a, axis) < 0 || sortable(a) == NULL) {
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

/* ------------------------------------------------------------ unique */

/* Keep the first of each run of equal values of a sorted lane, in place;
 * with equal_nan, the first NaN only (NaNs are last).  Returns the count
 * kept.  Values compare as NumPy's != does (0.0 == -0.0, NaN != NaN). */
#define DEF_UNIQUE(W, KT, CLS)                                              \
static Py_ssize_t                                                           \
unique_##W##_##CLS(char *p, Py_ssize_t n, int equal_nan)                    \
{                                                                           \
    KT *k = (KT *)p;                                                        \
    Py_ssize_t u = n > 0;                                                   \
    for (Py_ssize_t i = 1; i < n; i++) {                                    \
        KT a = k[i - 1], b = k[i];                                          \
        if (isnan##W(b, CLS) ? !(equal_nan && isnan##W(a, CLS))            \
                             : canon##W(a, CLS) != canon##W(b, CLS)) {      \
            k[u++] = b;                                                     \
        }                                                                   \
    }                                                                       \
    return u;                                                               \
}

DEF_UNIQUE(8, uint8_t, 0)
DEF_UNIQUE(16, uint16_t, 0)
DEF_UNIQUE(16, uint16_t, 2)
DEF_UNIQUE(32, uint32_t, 0)
DEF_UNIQUE(32, uint32_t, 2)
DEF_UNIQUE(64, uint64_t, 0)
DEF_UNIQUE(64, uint64_t, 2)

typedef Py_ssize_t (*unique_fn)(char *p, Py_ssize_t n, int equal_nan);

/* Signed ints are equal exactly when their bits are. */
static const unique_fn unique_table[NDM_NNUMERIC] = {
    [NDM_BOOL] = unique_8_0, [NDM_INT8] = unique_8_0, [NDM_UINT8] = unique_8_0,
    [NDM_INT16] = unique_16_0, [NDM_UINT16] = unique_16_0,
    [NDM_INT32] = unique_32_0, [NDM_UINT32] = unique_32_0,
    [NDM_INT64] = unique_64_0, [NDM_UINT64] = unique_64_0,
    [NDM_FLOAT16] = unique_16_2, [NDM_FLOAT32] = unique_32_2,
    [NDM_FLOAT64] = unique_64_2,
};

/* _unique_sorted(a, equal_nan): a 1-d packed sorted array of a native
 * bool, integer or float dtype; moves its distinct values to the front
 * (see DEF_UNIQUE) and returns their count.  np.unique then needs no mask
 * and no temporaries, only the sorted copy and its result. */
static PyObject *
unique_sorted(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *obj;
    int equal_nan;
    if (!PyArg_ParseTuple(args, "Op:_unique_sorted", &obj, &equal_nan)) {
        return NULL;
    }
    NdmArray *a = ndm_sort_array_arg(obj, "_unique_sorted");
    if (a == NULL || ndm_array_fail_unless_writeable(a) < 0) {
        return NULL;
    }
    int t = a->descr->type_num;
    if (a->nd != 1 || t < 0 || t >= NDM_NNUMERIC || unique_table[t] == NULL
            || !ndm_dtype_isnative(a->descr) || (a->shape[0] > 1
            && !(a->strides[0] == a->descr->itemsize && (a->flags & NDM_ALIGNED)))) {
        PyErr_SetString(PyExc_TypeError, "_unique_sorted: needs a packed 1-d real array");
        return NULL;
    }
    Py_ssize_t u, n = a->shape[0];
    Py_BEGIN_ALLOW_THREADS
    u = unique_table[t](a->data, n, equal_nan);
    Py_END_ALLOW_THREADS
    return PyLong_FromSsize_t(u);
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
    NdmArray *a = ndm_sort_array_arg(aobj, "_searchsorted"), *v;
    if (a == NULL || (v = ndm_sort_array_arg(vobj, "_searchsorted")) == NULL
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
    NdmArray *b = ndm_sort_array_arg(obj, "_nonzero");
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
    NdmArray *x = ndm_sort_array_arg(xobj, "_bincount"), *w = NULL;
    if (x == NULL) {
        return NULL;
    }
    if (wobj != Py_None && (w = ndm_sort_array_arg(wobj, "_bincount")) == NULL) {
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
    NdmArray *a = ndm_sort_array_arg(obj, "_diagonal_view");
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
    {"_unique_sorted", unique_sorted, METH_VARARGS, "Distinct values of a sorted array (kernel)."},
    {"_searchsorted", searchsorted, METH_VARARGS, "Binary search (kernel)."},
    {"_nonzero", nonzero, METH_O, "Coordinates of True elements (kernel)."},
    {"_bincount", bincount, METH_VARARGS, "Counts of non-negative ints (kernel)."},
    {"_diagonal_view", diagonal_view, METH_VARARGS, "Read-only strided view (diagonal)."},
    {NULL, NULL, 0, NULL},
};

int
ndm_sort_init(PyObject *module)
{
    if (PyModule_AddFunctions(module, sort_functions) < 0
            || ndm_sortselect_init(module) < 0) {
        return -1;
    }
    return ndm_array_add_methods(sort_methods);
}
