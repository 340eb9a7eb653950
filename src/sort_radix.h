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

DEF_KEYS(8, uint8_t, 0)
DEF_KEYS(16, uint16_t, 0x7C00u)
DEF_KEYS(32, uint32_t, 0x7F800000u)
DEF_KEYS(64, uint64_t, 0x7FF0000000000000ull)

#endif
