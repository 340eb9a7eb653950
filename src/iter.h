/* Broadcasting and the strided n-d loop that drives 1-d kernels. */
#ifndef NDM_ITER_H
#define NDM_ITER_H

#include "ndarray.h"

#define NDM_MAXARGS 8

/* A 1-d kernel: n elements, args[i] advancing by steps[i] bytes.  Kernels
 * that can fail run with the GIL held and set a Python exception. */
typedef void (*ndm_kernel)(char **args, Py_ssize_t n, const Py_ssize_t *steps,
                           void *ctx);

/* nop operands viewed with one common shape (broadcast strides are 0),
 * dimensions coalesced where the layout allows, innermost last. */
typedef struct NdmLoop {
    int nop;
    int nd;
    Py_ssize_t shape[NDM_MAXDIMS];
    Py_ssize_t strides[NDM_MAXARGS][NDM_MAXDIMS];
    char *data[NDM_MAXARGS];
} NdmLoop;

/* The broadcast shape of nop arrays; ValueError "operands could not be
 * broadcast together with shapes (2,3) (4,) " as NumPy words it. */
int ndm_broadcast_shape(int nop, NdmArray **ops, int *nd_out,
                        Py_ssize_t *shape_out);

/* Set up loop over ops broadcast to (nd, shape).  An op that cannot
 * broadcast to the shape raises ValueError.  Dimensions are reordered so
 * the one with the smallest stride of ops[0] is innermost, then coalesced. */
int ndm_loop_init(NdmLoop *loop, int nop, NdmArray **ops, int nd,
                  const Py_ssize_t *shape);

/* Call kernel over every inner row.  gil_free: the kernel never touches
 * Python, so the GIL is released for large loops.  Returns -1 if the
 * kernel set an exception. */
int ndm_loop_run(NdmLoop *loop, ndm_kernel kernel, void *ctx, int gil_free);

/* dst[...] = src with src broadcast to dst's shape and cast to dst's dtype
 * under the casting rule (TypeError "Cannot cast array data from dtype(...)
 * to dtype(...) according to the rule 'safe'" when refused).  Overlapping
 * memory gives the result of copying src first. */
int ndm_array_assign(NdmArray *dst, NdmArray *src, NdmCasting casting);

/* dst[...] = value for any Python value (scalar, sequence, array), unsafe
 * casting as NumPy's setitem; fast path for scalars. */
int ndm_array_assign_object(NdmArray *dst, PyObject *value);

/* --- added by the iter room (helpers other rooms may use) --- */

/* Reorder and coalesce a loop whose nop, nd, shape, strides and data the
 * caller filled in by hand (ndm_loop_init does this for arrays).  Length-1
 * axes are dropped; axes that every operand walks backwards are flipped
 * (so iteration ORDER is unspecified: elementwise work only); afterwards
 * nd >= 1, and a size-0 loop has nd == 1, shape[0] == 0. */
void ndm_loop_optimize(NdmLoop *loop);

/* Same-dtype copy kernel: args[0] dst, args[1] src (step 0 = broadcast);
 * ctx points to a Py_ssize_t holding the itemsize.  Never needs the GIL. */
ndm_kernel ndm_copy_kernel(Py_ssize_t itemsize);

/* Fill kernel: args[0] dst; ctx points to an NdmFillCtx. GIL-free. */
typedef struct NdmFillCtx {
    const char *value;      /* itemsize bytes in the destination's dtype */
    Py_ssize_t itemsize;
} NdmFillCtx;
ndm_kernel ndm_fill_kernel(Py_ssize_t itemsize);

/* Fill every element of dst with the itemsize bytes at value (no checks). */
int ndm_array_fill_raw(NdmArray *dst, const char *value);

/* Is value a single element for an array of descr (Python/ndmem scalars,
 * str, bytes, None; tuples for structured dtypes)? */
int ndm_is_scalar_value(NdmDtype *descr, PyObject *value);

/* TypeError "Cannot cast <what> from dtype('f8') to dtype('i8') according
 * to the rule 'same_kind'"; what is "array data" or "scalar".  Returns -1. */
int ndm_cast_error(const char *what, NdmDtype *from, NdmDtype *to,
                   NdmCasting casting);

/* A shape argument: an int or a sequence of ints (TypeError not_sequence
 * otherwise; ValueError for more than NDM_MAXDIMS entries or a negative
 * dimension, as NumPy). */
int ndm_shape_from_object(PyObject *obj, const char *not_sequence, Py_ssize_t *shape,
                          int *nd);

/* NumPy's compact shape text "(2,3)", "(4,)", "()" into buf. */
void ndm_format_shape(char *buf, size_t cap, const Py_ssize_t *shape, int nd);

#endif
