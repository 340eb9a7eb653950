/* Shared by the ndarray files only: ndarray.c (the type, construction,
 * geometry, protocols), ndarray_attrs.c (attributes and the flags object),
 * ndarray_methods.c (copies, views, element access) and ndarray_pickle.c. */
#ifndef NDM_NDARRAY_INTERNAL_H
#define NDM_NDARRAY_INTERNAL_H

#include "ndarray.h"

#define KW (METH_VARARGS | METH_KEYWORDS)
#define KWFN(f) ((PyCFunction)(void (*)(void))(f))

static inline int
ndm_array_is_complex(NdmArray *a)
{
    return a->descr->type_num == NDM_COMPLEX64 || a->descr->type_num == NDM_COMPLEX128;
}

/* ---- ndarray.c ---- */

/* ndm_array_new with the object passed to a subclass's __array_finalize__
 * chosen by the caller (finalize_obj). */
PyObject *ndm_array_new_impl(PyTypeObject *subtype, NdmDtype *descr, int nd,
                             const Py_ssize_t *shape, const Py_ssize_t *strides,
                             char *data, int flags, PyObject *base, PyObject *finalize_obj);

/* A shape argument (an int or a sequence of ints) into out: nd, or -1. */
int ndm_array_shape_converter(PyObject *obj, Py_ssize_t *out);

/* order keyword: NULL/None keeps *out (the default). */
int ndm_array_order_converter(PyObject *obj, char *out);

/* Replace a's geometry (shape/strides) in place; flags recomputed. */
int ndm_array_set_geometry(NdmArray *a, int nd, const Py_ssize_t *shape,
                           const Py_ssize_t *strides);

/* ---- ndarray_attrs.c ---- */

/* A tuple of nd Python ints. */
PyObject *ndm_array_shape_tuple(const Py_ssize_t *values, int nd);

/* The view of self with its axes in the order perm. */
PyObject *ndm_array_transpose_view(NdmArray *self, const int *perm);

/* a.T (the getter; closure unused). */
PyObject *ndm_array_get_T(NdmArray *self, void *closure);

/* setflags: each argument -1 leave, 0 false, 1 true. */
int ndm_array_setflags_impl(NdmArray *a, int write, int align, int uic);

/* The shape and strides of self seen with descr (dtype setter, view). */
int ndm_array_dtype_change_geometry(NdmArray *self, NdmDtype *descr, Py_ssize_t *shape,
                                    Py_ssize_t *strides);

extern PyGetSetDef ndm_array_getset[];
extern PyType_Spec ndm_array_flags_spec;

/* ---- ndarray_methods.c ---- */

/* The bytes of self in order 'C', 'F', 'A' ('K' reads as 'C'). */
PyObject *ndm_array_bytes(NdmArray *self, char order);

extern PyMethodDef ndm_array_method_defs[];

/* ---- ndarray_pickle.c ---- */

extern PyMethodDef ndm_array_pickle_defs[];
/* _reconstruct and _frombuffer, added to the module by ndm_array_init. */
extern PyMethodDef ndm_array_pickle_functions[];

#endif
