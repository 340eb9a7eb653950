/* Private to the ufunc files (ufunc.c, ufunc_resolve.c, ufunc_exec.c):
 * the call state passed from argument parsing to type resolution and to
 * the strided execution. */
#ifndef NDM_UFUNC_INTERNAL_H
#define NDM_UFUNC_INTERNAL_H

#include "ufunc.h"

/* A Python int/float/complex input: NEP 50 "weak" scalar. */
enum { WEAK_NONE = 0, WEAK_INT, WEAK_FLOAT, WEAK_COMPLEX };

/* The ufunc object: the contract's NdmUfunc, then what ufunc.c keeps. */
typedef struct NdmUfuncObject {
    NdmUfunc base;
    vectorcallfunc vectorcall;
} NdmUfuncObject;

/* One call in progress: operands in NumPy's order (inputs, outputs). */
typedef struct NdmUfuncCall {
    const NdmUfuncDef *def;
    int nin, nout, nop;
    PyObject *in_obj[NDM_UFUNC_MAXOPS];   /* borrowed: the objects passed */
    int weak[NDM_UFUNC_MAXOPS];           /* WEAK_* per input */
    NdmArray *ops[NDM_UFUNC_MAXOPS];      /* owned; NULL: weak / not given */
    int out_given;                        /* any output passed (out= or positional) */
    int out_none_given;                   /* out=None spelled explicitly */
    int sig[NDM_UFUNC_MAXOPS];            /* fixed loop types (signature=/dtype=), -1 free */
    int have_sig;
    NdmCasting casting;
    char order;                           /* 'K' 'C' 'F' 'A' */
    int subok;
    PyObject *where_obj;                  /* borrowed; NULL means True */
    const NdmLoopDef *loop;
    /* 0-d operands for scalars (Python and ndmem) and 0-d results, kept
     * in the call instead of allocated: no array data, no allocation to
     * count.  ops[i] == &scratch[i] for those; never a Python object
     * anyone else holds. */
    unsigned scratch_mask;
    NdmArray scratch[NDM_UFUNC_MAXOPS];
    NdmDtype *scratch_descr[NDM_UFUNC_MAXOPS];    /* owned */
    union { double d; long long l; char c[32]; } scratch_data[NDM_UFUNC_MAXOPS];
} NdmUfuncCall;

/* Make ops[i] a 0-d scratch operand of descr (stolen) over data (NULL:
 * the call's own storage for one element). */
NdmArray *ndm_ufunc_scratch(NdmUfuncCall *call, int i, NdmDtype *descr,
                            const char *data);

/* ufunc_resolve.c: pick the loop (NEP 50 weak scalars, NumPy's linear
 * search), then turn weak scalars into 0-d arrays of the loop's types and
 * check the casting rule for every operand.  -1 with NumPy's errors. */
int ndm_ufunc_resolve(NdmUfuncCall *call);

/* Parse signature= (string 'ff->f', 'ff', tuple of dtypes/None) or
 * dtype= into call->sig.  -1 with an exception. */
int ndm_ufunc_parse_signature(NdmUfuncCall *call, PyObject *signature,
                              PyObject *dtype);

/* ufunc_exec.c: run the loop over ops[0..nop) (outputs allocated),
 * broadcast to (nd, shape), with an optional bool mask (where=).  Casts
 * operands whose dtype, byte order or alignment differ from the loop's
 * in chunks.  Clears and reports floating-point flags. */
int ndm_ufunc_execute(NdmUfuncCall *call, NdmArray *mask, int nd,
                      const Py_ssize_t *shape);

/* The strides of a new array of the given shape laid out in the order of
 * the operands' strides (NumPy's K order, nditer's axis ordering). */
void ndm_ufunc_k_strides(int nops, NdmArray **ops, int nd,
                         const Py_ssize_t *shape, Py_ssize_t itemsize,
                         Py_ssize_t *strides_out);

/* NumPy's UFuncTypeError (a TypeError): no loop for the dtypes, or an
 * operand refused by the casting rule.  Created by ufunc.c's init. */
extern PyObject *ndm_ufunc_type_error;

/* ufunc_exec.c: errstate. */
int ndm_ufunc_errstate_init(PyObject *module);

#endif
