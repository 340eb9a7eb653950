/* The ufunc type (ufunc.c), its reductions (reduce.c) and the array
 * operators (operators.c) that call it. */
#ifndef NDM_UFUNC_H
#define NDM_UFUNC_H

#include "loops.h"

typedef struct NdmUfunc {
    PyObject_HEAD
    const NdmUfuncDef *def;
    PyObject *weakreflist;
} NdmUfunc;

/* The ufunc object called name ("add", "sqrt" ...), borrowed; NULL with
 * AttributeError if ndmem has none. */
PyObject *ndm_ufunc_lookup(const char *name);

/* ufunc(*args, **kwds) from C: the full __call__ (NEP 50 promotion,
 * out=, where=, dtype=, casting=, broadcasting, overlap, warnings). */
PyObject *ndm_ufunc_call(PyObject *ufunc, PyObject *args, PyObject *kwds);

/* Binary and unary shortcuts for operators: ufunc(a, b) / ufunc(a),
 * and the in-place form ufunc(a, b, out=a) returning a new reference
 * to a.  a or b may be any Python object the ufunc accepts. */
PyObject *ndm_ufunc_binary(const char *name, PyObject *a, PyObject *b);
PyObject *ndm_ufunc_unary(const char *name, PyObject *a);
PyObject *ndm_ufunc_inplace(const char *name, PyObject *a, PyObject *b);

/* The loop for the given input dtypes (NEP 50 already applied by the
 * caller: weak Python scalars replaced by the dtype they take), or NULL
 * with NumPy's UFuncTypeError-like TypeError ("ufunc 'add' did not
 * contain a loop with signature matching types ..."). */
const NdmLoopDef *ndm_ufunc_find_loop(const NdmUfuncDef *def,
                                      const int *in_types);

/* Report floating-point flags (NDM_FPE_* of scalar.h) raised by name's
 * kernels under the current errstate: ignore, warn (RuntimeWarning
 * "divide by zero encountered in divide"), raise (FloatingPointError),
 * call, print, log.  -1 with an exception set when it raised. */
int ndm_ufunc_fpe_report(int flags, const char *name);

/* The flags among flags the current errstate does not ignore (a caller
 * that would replay the work to report them knows whether it must); -1
 * with an exception set. */
int ndm_ufunc_fpe_noticed(int flags);

/* The fenv exception flags as NDM_FPE_* (and clear them). */
int ndm_ufunc_fpe_take(void);

/* ufunc methods implemented in reduce.c (METH_VARARGS | METH_KEYWORDS
 * on the ufunc object). */
PyObject *ndm_ufunc_reduce(PyObject *ufunc, PyObject *args, PyObject *kwds);
PyObject *ndm_ufunc_accumulate(PyObject *ufunc, PyObject *args, PyObject *kwds);

/* The ndarray's number slots and rich comparison (operators.c); ndarray.c
 * appends these to its own slot table. */
extern PyType_Slot ndm_operator_slots[];

#endif
