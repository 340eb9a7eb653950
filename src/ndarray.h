/* The array object.  Every array, owner or view, is made by ndm_array_new. */
#ifndef NDM_NDARRAY_H
#define NDM_NDARRAY_H

#include "common.h"
#include "alloc.h"
#include "dtype.h"

/* Flag bits, NumPy's values. */
#define NDM_C_CONTIGUOUS   0x0001
#define NDM_F_CONTIGUOUS   0x0002
#define NDM_OWNDATA        0x0004
#define NDM_ALIGNED        0x0100
#define NDM_WRITEABLE      0x0400
#define NDM_WRITEBACKIFCOPY 0x2000

/* ndm_array_new options */
#define NDM_NEW_FORTRAN    0x10000   /* packed strides in Fortran order */
#define NDM_NEW_ZEROED     0x20000   /* fresh data reads as zeros */

#define NDM_INLINE_DIMS 4

typedef struct NdmArray {
    PyObject_HEAD
    char *data;
    int nd;
    int flags;
    Py_ssize_t *shape;          /* nd extents, then nd strides (same block) */
    Py_ssize_t *strides;
    NdmDtype *descr;
    PyObject *base;             /* owner array, or foreign exporter; NULL if OWNDATA */
    NdmBuffer *buffer;          /* the owned buffer when OWNDATA, else NULL */
    NdmViewLink link;           /* on the view ring of the buffer the data lives in */
    PyObject *weakreflist;
    Py_ssize_t dims_inline[2 * NDM_INLINE_DIMS];
} NdmArray;

#define NdmArray_Check(op) PyObject_TypeCheck((op), ndm_state.ndarray_type)
#define NdmArray_CheckExact(op) Py_IS_TYPE((op), ndm_state.ndarray_type)

static inline Py_ssize_t
ndm_array_size(const NdmArray *a)
{
    Py_ssize_t n = 1;
    for (int i = 0; i < a->nd; i++) {
        n *= a->shape[i];
    }
    return n;
}

static inline Py_ssize_t
ndm_array_nbytes(const NdmArray *a)
{
    return ndm_array_size(a) * a->descr->itemsize;
}

static inline int
ndm_array_is_writeable(const NdmArray *a)
{
    return (a->flags & NDM_WRITEABLE) != 0;
}

/* The single constructor.
 *   subtype  ndarray or a subclass (its __array_finalize__ is called).
 *   descr    stolen.
 *   shape    nd extents (checked: negative -> ValueError, too big -> ValueError).
 *   strides  NULL for a packed layout (C, or F with NDM_NEW_FORTRAN).
 *   data     NULL: allocate through alloc.c and own it (NDM_NEW_ZEROED for
 *            zeros); otherwise the data belongs to base and the array is a
 *            view that holds base (collapsed as NumPy does).
 *   flags    NDM_NEW_* options, and NDM_WRITEABLE for views.
 *   base     the object data belongs to (array or buffer exporter), or NULL.
 * Returns a new reference or NULL with an exception set. */
PyObject *ndm_array_new(PyTypeObject *subtype, NdmDtype *descr, int nd,
                        const Py_ssize_t *shape, const Py_ssize_t *strides,
                        char *data, int flags, PyObject *base);

/* A view of parent with new geometry and dtype (descr stolen): same
 * subtype, WRITEABLE inherited, base collapsed to the owner. */
PyObject *ndm_array_view(NdmArray *parent, NdmDtype *descr, int nd,
                         const Py_ssize_t *shape, const Py_ssize_t *strides,
                         char *data, PyTypeObject *subtype);

/* Recompute C/F contiguity and ALIGNED from shape/strides/data. */
void ndm_array_update_flags(NdmArray *a);

/* NumPy's _attempt_nocopy_reshape (C order): 1 with newstrides filled
 * when a (size > 0) can be viewed with shape newdims, else 0. */
int ndm_array_nocopy_reshape(NdmArray *a, int newnd, const Py_ssize_t *newdims,
                             Py_ssize_t *newstrides);

/* Raise ValueError "assignment destination is read-only" unless writeable. */
int ndm_array_fail_unless_writeable(NdmArray *a);

/* A new array with a's values: order 'C', 'F', 'A' or 'K' as NumPy. */
PyObject *ndm_array_copy(NdmArray *a, char order);

/* np.array(obj, dtype=, copy=, order=, ndmin=): copy is 1 (always),
 * 0 (never: ValueError if a copy is needed) or -1 (if needed).
 * dtype NULL discovers it.  Implemented in creation.c. */
/* a converted to a subarray dtype as NumPy's astype and array() do: shape
 * a.shape + the subarray's, each element broadcast over its subarray
 * (unsafe casting; descr borrowed). */
PyObject *ndm_array_to_subarray(NdmArray *a, NdmDtype *descr);

PyObject *ndm_array_from_any(PyObject *obj, NdmDtype *dtype, int copy,
                             char order, int ndmin);

/* ndarray.__array__(dtype=None, /, *, copy=None) as NumPy 2 (creation.c). */
PyObject *ndm_creation_dunder_array(PyObject *self, PyObject *args, PyObject *kwds);

/* An element of a at the byte pointer ptr as an ndmem scalar. */
static inline PyObject *
ndm_array_getitem_ptr(NdmArray *a, const char *ptr)
{
    return ndm_dtype_getitem(a->descr, ptr);
}

/* Let another room contribute methods to ndarray (called from its init,
 * which runs after ndm_array_init).  defs must outlive the type. */
int ndm_array_add_methods(PyMethodDef *defs);

/* A method written in Python: module.function(self, *args, **kwds), the
 * module imported on first use (after ndmem itself). */
PyObject *ndm_array_call_python(const char *module, const char *function,
                                PyObject *self, PyObject *args, PyObject *kwds);

/* Implemented in linalg.c: a @ b of two packed 1-d or 2-d arrays of one
 * native numeric dtype, or NotImplemented (new reference) for ndmem.matmul. */
PyObject *ndm_linalg_matmul_fast(NdmArray *a, NdmArray *b);

/* Implemented in overlap.c: do the byte ranges of a and b intersect? */
int ndm_overlap_may_share(NdmArray *a, NdmArray *b);

/* Implemented in index.c. */
PyObject *ndm_index_get(NdmArray *self, PyObject *key);
int ndm_index_set(NdmArray *self, PyObject *key, PyObject *value);
/* self[i] for a C integer (negative counts from the end): a scalar for 1-d,
 * else a view; IndexError as NumPy.  For sq_item and iteration. */
PyObject *ndm_index_item(NdmArray *self, Py_ssize_t i);

/* Implemented in buffer.c: the buffer procs of ndarray. */
int ndm_buffer_getbuffer(PyObject *self, Py_buffer *view, int flags);
void ndm_buffer_releasebuffer(PyObject *self, Py_buffer *view);

/* Implemented in buffer.c: take hold of a foreign exporter's memory.  On
 * success *data, *len and *readonly describe the bytes and the return value
 * is a new reference to the object an array viewing them must keep as its
 * base: a memoryview when the exporter's type releases buffers (bytearray,
 * array.array, mmap), else the exporter itself (bytes), as NumPy does.
 * *format gets the PEP 3118 format's dtype (new reference) when format is not
 * NULL.  NULL with an exception (TypeError if obj has no buffer). */
PyObject *ndm_buffer_acquire(PyObject *obj, int want_writeable, char **data,
                             Py_ssize_t *len, int *readonly, NdmDtype **format);

/* Implemented in buffer.c: np.asarray(exporter) for any object with the
 * buffer protocol: an array viewing its memory with the dtype, shape and
 * strides of its PEP 3118 export, base a memoryview (as NumPy).  New
 * reference, or NULL with an exception. */
PyObject *ndm_buffer_as_array(PyObject *obj);

#endif
