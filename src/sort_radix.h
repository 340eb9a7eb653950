/* The unsigned keys sort.c orders values by, and the in-place radix sorts
 * of such keys under its value sorts and argsorts.  The sorts need no heap
 * and a bounded stack (under 80 kB), so a sort's only array-sized buffer
 * is its output. */
#ifndef NDM_SORT_RADIX_H
#define NDM_SORT_RADIX_H

#include "common.h"

/* Sort k[0..n) ascending in place.  Not stable: the callers sort keys
 * whose equal values are indistinguishable (values, or (key, index)
 * words). */
void ndm_sortradix_u16(uint16_t *k, Py_ssize_t n);
void ndm_sortradix_u32(uint32_t *k, Py_ssize_t n);
void ndm_sortradix_u64(uint64_t *k, Py_ssize_t n);

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

static inline int
bit_length(uint64_t x)
{
    return x == 0 ? 0 : 64 - __builtin_clzll(x);
}

/* The words argsort and argpartition order a lane by: ((key - least key)
 * >> *sh) << *ib | index, the non-NaN elements' in w[0, m) in lane order,
 * then the NaNs' bare indices.  *ib is the index's bit count, *sh the low
 * key bits dropped to fit 64 (ties in the kept bits are then settled by
 * the full keys), *lo the least key.  Returns m. */
#define DEF_WORDS(W, KT)                                                    \
static inline Py_ssize_t                                                    \
lane_words##W(const char *p, Py_ssize_t st, Py_ssize_t n, int cls,          \
              uint64_t *w, int *ib, int *sh, KT *lo)                        \
{                                                                           \
    KT least = (KT)~(KT)0, most = 0;                                        \
    Py_ssize_t nn = 0;                                                      \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        KT b;                                                               \
        memcpy(&b, p + i * st, sizeof(KT));                                 \
        if (isnan##W(b, cls)) {                                             \
            nn++;                                                           \
            continue;                                                       \
        }                                                                   \
        KT c = canon##W(b, cls);                                            \
        least = c < least ? c : least;                                      \
        most = c > most ? c : most;                                         \
    }                                                                       \
    const Py_ssize_t m = n - nn;                                            \
    *ib = bit_length((uint64_t)(n - 1));                                    \
    const int kb = m > 0 ? bit_length((uint64_t)(KT)(most - least)) : 0;    \
    *sh = kb + *ib > 64 ? kb + *ib - 64 : 0;                                \
    for (Py_ssize_t i = 0, j = 0, t = m; i < n; i++) {                      \
        KT b;                                                               \
        memcpy(&b, p + i * st, sizeof(KT));                                 \
        if (isnan##W(b, cls)) {                                             \
            w[t++] = (uint64_t)i;                                           \
            continue;                                                       \
        }                                                                   \
        w[j++] = (((uint64_t)(KT)(canon##W(b, cls) - least) >> *sh) << *ib) \
                 | (uint64_t)i;                                             \
    }                                                                       \
    *lo = least;                                                            \
    return m;                                                               \
}

/* The ordered words w[0, m) of lane_words (NaN indices after them, n in
 * all) reduced to their indices; copied to out at step ost when the words
 * were built in scratch (out not NULL). */
static inline void
words_to_indices(uint64_t *w, Py_ssize_t m, Py_ssize_t n, int ib, char *out, Py_ssize_t ost)
{
    const uint64_t imask = ((uint64_t)1 << ib) - 1;
    for (Py_ssize_t i = 0; i < m; i++) {
        w[i] &= imask;
    }
    if (out != NULL) {
        for (Py_ssize_t i = 0; i < n; i++) {
            memcpy(out + i * ost, &w[i], sizeof(int64_t));
        }
    }
}

DEF_KEYS(8, uint8_t, 0)
DEF_KEYS(16, uint16_t, 0x7C00u)
DEF_KEYS(32, uint32_t, 0x7F800000u)
DEF_KEYS(64, uint64_t, 0x7FF0000000000000ull)
DEF_WORDS(8, uint8_t)
DEF_WORDS(16, uint16_t)
DEF_WORDS(32, uint32_t)
DEF_WORDS(64, uint64_t)

#endif
