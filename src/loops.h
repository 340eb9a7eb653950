/* The kernel table of every ufunc: dtype-generic 1-d loops (loops.c,
 * loops_math.c) and the declarative description ufunc.c builds the
 * ufunc objects from.  Loop macros shared by the kernel files live here. */
#ifndef NDM_LOOPS_H
#define NDM_LOOPS_H

#include "iter.h"

#define NDM_UFUNC_MAXOPS 4

/* One typed inner loop.  types[] holds an NdmTypeNum per operand, inputs
 * then outputs.  The kernel receives aligned, native-order operands of
 * exactly these types (ufunc.c buffers and casts anything else) and may
 * be called with the GIL released unless NDM_LOOP_NEEDS_GIL is set.
 * Floating-point exceptions are reported through the C fenv flags
 * (feraiseexcept for integer division by zero / overflow, as NumPy's
 * npy_set_floatstatus_*), which ufunc.c clears before and tests after. */
typedef struct NdmLoopDef {
    signed char types[NDM_UFUNC_MAXOPS];
    ndm_kernel kernel;
    unsigned flags;
} NdmLoopDef;

#define NDM_LOOP_NEEDS_GIL 1u

/* What ufunc.reduce starts from (NumPy's ufunc.identity). */
typedef enum NdmIdentity {
    NDM_IDENTITY_NONE = 0,          /* no identity, not reorderable */
    NDM_IDENTITY_REORDERABLE,       /* None, but reduce over several axes is fine (maximum) */
    NDM_IDENTITY_ZERO,
    NDM_IDENTITY_ONE,
    NDM_IDENTITY_MINUS_ONE,         /* bitwise_and */
    NDM_IDENTITY_FALSE,             /* logical_or: False */
    NDM_IDENTITY_TRUE,              /* logical_and: True */
    NDM_IDENTITY_MINUS_INF,         /* logaddexp, logaddexp2: -inf */
} NdmIdentity;

/* One ufunc.  loops[] is in NumPy's order (ufunc.types), because type
 * resolution is NumPy's: promote the inputs (NEP 50), then take the first
 * loop the promoted inputs cast to safely. */
typedef struct NdmUfuncDef {
    const char *name;
    int nin;
    int nout;
    NdmIdentity identity;
    const char *doc;
    const NdmLoopDef *loops;
    int nloops;
} NdmUfuncDef;

/* Every ufunc ndmem has, in one table (loops.c). */
extern const NdmUfuncDef ndm_ufunc_defs[];
extern const int ndm_ufunc_ndefs;

/* Every kernel skeleton is compiled twice, for the x86-64 baseline and for
 * x86-64-v3 (AVX2, FMA off in ISO C mode so results are unchanged), and
 * the loader picks one for the CPU (as NumPy's dispatch does). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define NDM_KERNEL_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NDM_KERNEL_CLONES
#endif

/* ---- Loop skeletons shared by loops.c and loops_math.c ----
 * Every kernel is one of these shapes around a scalar operation F (a
 * static inline function, so the contiguous loops vectorize): a unit-step
 * path over typed restrict pointers, the scalar-broadcast paths (one input
 * step 0), and a strided path for everything else.  The typed paths are
 * taken only when the output is the input itself (in place) or does not
 * overlap it, so restrict holds; a call like accumulate's (output one
 * element past the input) runs the strided path, element by element. */

/* pn bytes at p and qn bytes at q: the same start, or disjoint. */
#define NDM_SAME_OR_DISJOINT(p, pn, q, qn)                                  \
    ((const char *)(p) == (const char *)(q) ||                              \
     (const char *)(p) + (pn) <= (const char *)(q) ||                       \
     (const char *)(q) + (qn) <= (const char *)(p))

#define NDM_UNARY_KERNEL(NAME, TI, TO, F)                                   \
NDM_KERNEL_CLONES static void                                               \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    char *ip = args[0], *op = args[1];                                      \
    const Py_ssize_t is = steps[0], os = steps[1];                          \
    if (is == (Py_ssize_t)sizeof(TI) && os == (Py_ssize_t)sizeof(TO) &&     \
            NDM_SAME_OR_DISJOINT(ip, n * is, op, n * os)) {                 \
        const TI *restrict a = (const TI *)ip;                              \
        TO *restrict o = (TO *)op;                                          \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            o[i] = F(a[i]);                                                 \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    for (Py_ssize_t i = 0; i < n; i++, ip += is, op += os) {                \
        *(TO *)op = F(*(const TI *)ip);                                     \
    }                                                                       \
}

/* Two outputs (modf, frexp): F(in, &out2) returns out1. */
#define NDM_UNARY2_KERNEL(NAME, TI, TO1, TO2, F)                            \
NDM_KERNEL_CLONES static void                                               \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    char *ip = args[0], *o1 = args[1], *o2 = args[2];                       \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        *(TO1 *)o1 = F(*(const TI *)ip, (TO2 *)o2);                         \
        ip += steps[0]; o1 += steps[1]; o2 += steps[2];                     \
    }                                                                       \
}

/* The body of a binary kernel; a kernel may put its own reduce path
 * (args[0] == args[2], both steps 0) before it. */
#define NDM_BINARY_BODY(T1, T2, TO, F)                                      \
    char *i1 = args[0], *i2 = args[1], *op = args[2];                       \
    const Py_ssize_t s1 = steps[0], s2 = steps[1], so = steps[2];           \
    if (so == (Py_ssize_t)sizeof(TO) &&                                     \
            NDM_SAME_OR_DISJOINT(i1, s1 ? n * s1 : (Py_ssize_t)sizeof(T1),  \
                                 op, n * so) &&                             \
            NDM_SAME_OR_DISJOINT(i2, s2 ? n * s2 : (Py_ssize_t)sizeof(T2),  \
                                 op, n * so)) {                             \
        TO *restrict o = (TO *)op;                                          \
        if (s1 == (Py_ssize_t)sizeof(T1) && s2 == (Py_ssize_t)sizeof(T2)) { \
            const T1 *restrict a = (const T1 *)i1;                          \
            const T2 *restrict b = (const T2 *)i2;                          \
            for (Py_ssize_t i = 0; i < n; i++) {                            \
                o[i] = F(a[i], b[i]);                                       \
            }                                                               \
            return;                                                         \
        }                                                                   \
        if (s1 == 0 && s2 == (Py_ssize_t)sizeof(T2)) {                      \
            const T1 a = *(const T1 *)i1;                                   \
            const T2 *restrict b = (const T2 *)i2;                          \
            for (Py_ssize_t i = 0; i < n; i++) {                            \
                o[i] = F(a, b[i]);                                          \
            }                                                               \
            return;                                                         \
        }                                                                   \
        if (s1 == (Py_ssize_t)sizeof(T1) && s2 == 0) {                      \
            const T1 *restrict a = (const T1 *)i1;                          \
            const T2 b = *(const T2 *)i2;                                   \
            for (Py_ssize_t i = 0; i < n; i++) {                            \
                o[i] = F(a[i], b);                                          \
            }                                                               \
            return;                                                         \
        }                                                                   \
    }                                                                       \
    for (Py_ssize_t i = 0; i < n; i++, i1 += s1, i2 += s2, op += so) {      \
        *(TO *)op = F(*(const T1 *)i1, *(const T2 *)i2);                    \
    }

/* NumPy's IS_BINARY_REDUCE: out[0] op= in2[i] for all i. */
#define NDM_IS_BINARY_REDUCE                                                \
    (args[0] == args[2] && steps[0] == 0 && steps[2] == 0)

/* Sequential reduce for same-type loops: keeps the accumulator in a
 * register instead of storing it each element. */
#define NDM_BINARY_REDUCE_SEQ(T, F)                                         \
    if (NDM_IS_BINARY_REDUCE) {                                             \
        T acc = *(T *)args[0];                                              \
        const char *i2r = args[1];                                          \
        const Py_ssize_t s2r = steps[1];                                    \
        if (s2r == (Py_ssize_t)sizeof(T)) {                                 \
            const T *restrict b = (const T *)i2r;                           \
            for (Py_ssize_t i = 0; i < n; i++) {                            \
                acc = F(acc, b[i]);                                         \
            }                                                               \
        }                                                                   \
        else {                                                              \
            for (Py_ssize_t i = 0; i < n; i++, i2r += s2r) {                \
                acc = F(acc, *(const T *)i2r);                              \
            }                                                               \
        }                                                                   \
        *(T *)args[0] = acc;                                                \
        return;                                                             \
    }

/* Reduce in interleaved accumulators, for associative and commutative F
 * (integer add, maximum ...): VT is a GCC vector of LANES elements of T
 * and VF the same operation on whole vectors, so the chain of F runs
 * LANES * 4 wide in registers. */
#define NDM_BINARY_REDUCE_VEC(T, VT, LANES, F, VF)                          \
    if (NDM_IS_BINARY_REDUCE && steps[1] == (Py_ssize_t)sizeof(T)           \
            && n >= 8 * (LANES)) {                                          \
        const char *b = args[1];                                            \
        VT r0, r1, r2, r3, v;                                               \
        Py_ssize_t i;                                                       \
        memcpy(&r0, b, sizeof(VT));                                         \
        memcpy(&r1, b + sizeof(VT), sizeof(VT));                            \
        memcpy(&r2, b + 2 * sizeof(VT), sizeof(VT));                        \
        memcpy(&r3, b + 3 * sizeof(VT), sizeof(VT));                        \
        for (i = 4 * (LANES); i + 4 * (LANES) <= n; i += 4 * (LANES)) {     \
            const char *q = b + i * (Py_ssize_t)sizeof(T);                  \
            memcpy(&v, q, sizeof(VT));                                      \
            r0 = VF(r0, v);                                                 \
            memcpy(&v, q + sizeof(VT), sizeof(VT));                         \
            r1 = VF(r1, v);                                                 \
            memcpy(&v, q + 2 * sizeof(VT), sizeof(VT));                     \
            r2 = VF(r2, v);                                                 \
            memcpy(&v, q + 3 * sizeof(VT), sizeof(VT));                     \
            r3 = VF(r3, v);                                                 \
        }                                                                   \
        r0 = VF(VF(r0, r1), VF(r2, r3));                                    \
        T acc = *(T *)args[0];                                              \
        for (int k = 0; k < (LANES); k++) {                                 \
            acc = F(acc, r0[k]);                                            \
        }                                                                   \
        for (; i < n; i++) {                                                \
            acc = F(acc, ((const T *)b)[i]);                                \
        }                                                                   \
        *(T *)args[0] = acc;                                                \
        return;                                                             \
    }

/* Same-type binary kernel with a vector reduce (NDM_BINARY_REDUCE_VEC). */
#define NDM_BINARY_KERNEL_RV(NAME, T, VT, LANES, F, VF)                     \
NDM_KERNEL_CLONES static void                                               \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    NDM_BINARY_REDUCE_VEC(T, VT, LANES, F, VF)                              \
    NDM_BINARY_REDUCE_SEQ(T, F)                                             \
    NDM_BINARY_BODY(T, T, T, F)                                             \
}

#define NDM_BINARY_KERNEL(NAME, T1, T2, TO, F)                              \
NDM_KERNEL_CLONES static void                                               \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    NDM_BINARY_BODY(T1, T2, TO, F)                                          \
}

/* Same-type binary kernel with the sequential reduce path. */
#define NDM_BINARY_KERNEL_R(NAME, T, F)                                     \
NDM_KERNEL_CLONES static void                                               \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    NDM_BINARY_REDUCE_SEQ(T, F)                                             \
    NDM_BINARY_BODY(T, T, T, F)                                             \
}

/* Two outputs (divmod): F(a, b, &out2) returns out1. */
#define NDM_BINARY2_KERNEL(NAME, T, F)                                      \
NDM_KERNEL_CLONES static void                                               \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    char *i1 = args[0], *i2 = args[1], *o1 = args[2], *o2 = args[3];        \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        *(T *)o1 = F(*(const T *)i1, *(const T *)i2, (T *)o2);              \
        i1 += steps[0]; i2 += steps[1]; o1 += steps[2]; o2 += steps[3];     \
    }                                                                       \
}

/* Three inputs (clip). */
#define NDM_TERNARY_KERNEL(NAME, T, F)                                      \
NDM_KERNEL_CLONES static void                                               \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    char *i1 = args[0], *i2 = args[1], *i3 = args[2], *op = args[3];       \
    if (steps[0] == (Py_ssize_t)sizeof(T) && steps[1] == 0 &&               \
            steps[2] == 0 && steps[3] == (Py_ssize_t)sizeof(T)) {           \
        const T *restrict a = (const T *)i1;                                \
        const T lo = *(const T *)i2, hi = *(const T *)i3;                   \
        T *restrict o = (T *)op;                                            \
        for (Py_ssize_t i = 0; i < n; i++) {                                \
            o[i] = F(a[i], lo, hi);                                         \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        *(T *)op = F(*(const T *)i1, *(const T *)i2, *(const T *)i3);       \
        i1 += steps[0]; i2 += steps[1]; i3 += steps[2]; op += steps[3];     \
    }                                                                       \
}

#endif
