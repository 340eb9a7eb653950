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

#endif
