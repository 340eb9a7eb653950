/* Shared by reduce.c (ufunc.reduce/accumulate, methods) and
 * reduce_stats.c (argmin/argmax, var's fused pass): the reduction
 * iteration in NumPy's order. */
#ifndef NDM_REDUCE_INTERNAL_H
#define NDM_REDUCE_INTERNAL_H

#include "ufunc.h"

/* Inputs at least this large run with the GIL released. */
#define NDM_REDUCE_GIL_THRESHOLD 16384

/* A reduction's loop: dims sorted (0 innermost), length-1 dims dropped,
 * coalesced; strides of the accumulator (0 on reduced dims), the input
 * and the where mask. */
typedef struct RedIter {
    int nd;
    Py_ssize_t shape[NDM_MAXDIMS];
    Py_ssize_t so[NDM_MAXDIMS];     /* accumulator (0 on reduced axes) */
    Py_ssize_t si[NDM_MAXDIMS];     /* input */
    Py_ssize_t sm[NDM_MAXDIMS];     /* where mask */
    char red[NDM_MAXDIMS];
    char *out;
    char *in;
    const char *mask;               /* NULL: every element */
    int g;                          /* dims [0, g) form one inner loop */
    Py_ssize_t chunk;               /* kernel calls cover at most this many */
} RedIter;

/* np.asarray(obj) (new reference). */
NdmArray *ndm_reduce_as_array(PyObject *obj);

/* axis (None, int, tuple) as per-axis flags; the number of axes marked,
 * or -1 with NumPy's exception (AxisError, duplicate ValueError). */
int ndm_reduce_parse_axes(PyObject *axis, int nd, char *flags);

/* NumPy's iterator axis order: perm[0] innermost. */
void ndm_reduce_sort_axes(int nd, const Py_ssize_t *shape, int nops,
                          Py_ssize_t (*strides)[NDM_MAXDIMS], int *perm);

/* A new array laid out in perm's order (descr stolen). */
NdmArray *ndm_reduce_new_in_order(NdmDtype *descr, int nd,
                                  const Py_ssize_t *shape, const int *perm);

/* Fill it from full-rank strides[3] (accumulator, input, mask). */
void ndm_reduce_iter_build(RedIter *it, int nd, const Py_ssize_t *shape,
                           const int *perm, const char *red,
                           Py_ssize_t (*strides)[NDM_MAXDIMS]);

/* acc = op(acc, x[0], ..., x[n - 1]) with x at stride s, as the ufunc's
 * kernel computes it in a binary-reduce call; may_thread: called without
 * the GIL, so the work may go to the pool. */
typedef void (*ndm_red_fast_fn)(char *acc, const char *x, Py_ssize_t n,
                                Py_ssize_t s, int may_thread);

/* reduce_minmax.c: the fast path of maximum/minimum/fmax/fmin over
 * loop type type_num, or NULL. */
ndm_red_fast_fn ndm_reduce_minmax_fn(const char *ufname, int type_num);

/* reduce_minmax.c: argmax (want_max) or argmin of n > 0 contiguous
 * elements of type_num, or -1 when it has no fast path for the type. */
Py_ssize_t ndm_reduce_argext_contig(int type_num, int want_max, const char *p,
                                    Py_ssize_t n, int may_thread);

/* reduce_minmax.c: a.argmax() (want_max) / a.argmin() without arguments
 * on a C-contiguous, aligned, native exact ndarray whose type has a
 * kernel here: the int64 scalar ndmem._reduce would return; NULL without
 * an exception when that module must answer. */
PyObject *ndm_reduce_argext_method(PyObject *self, PyObject *args, PyObject *kwds,
                                   int want_max);

/* How a binary-reduce kernel call may be split across the pool. */
enum {
    NDM_SPLIT_NONE = 0,
    NDM_SPLIT_FREE,         /* associative and commutative, exact */
    NDM_SPLIT_PAIRWISE,     /* float32/64 add: along NumPy's pairwise tree */
};

/* reduce_minmax.c: run acc = op(acc, x[0..n)) at stride s as pieces on
 * the pool, with the same bits as one kernel call; 0 (nothing done) when
 * the call is too small or kind is NDM_SPLIT_NONE.  Call without the
 * GIL. */
int ndm_reduce_split(ndm_kernel kernel, int kind, char *acc, const char *x,
                     Py_ssize_t n, Py_ssize_t s, Py_ssize_t isz);

/* reduce_minmax.c: out[j] = op(out[j], x[i][j]) for rows i < m (at
 * byte stride rs) in row order, for n contiguous out and row elements of
 * type_num (copy_first: out = x[0] first, no identity); 0 (nothing done)
 * when there is no such kernel for ufname. */
int ndm_reduce_rows(const char *ufname, int type_num, char *out, const char *x,
                    Py_ssize_t n, Py_ssize_t m, Py_ssize_t rs, int copy_first,
                    int may_thread);

/* reduce_minmax.c: pick the kernels for the CPU (module init). */
void ndm_reduce_minmax_init(void);

/* reduce_stats.c: adds _argext and _var_sq to the module. */
int ndm_reduce_stats_init(PyObject *module);

#endif
