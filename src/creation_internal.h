/* Shared by creation.c (arrays from data: array, asarray, ... and
 * ndm_array_from_any) and creation_ranges.c (arrays from a shape or a range:
 * empty, zeros, ones, full, *_like, arange, linspace, eye, frombuffer):
 * vectorcall argument parsing and the copy and fill helpers both use. */
#ifndef NDM_CREATION_INTERNAL_H
#define NDM_CREATION_INTERNAL_H

#include "ndarray.h"

/* A builtin descriptor by type number (new reference). */
NdmDtype *ndm_creation_builtin_new(int type_num);

/* Vectorcall arguments into out[0..n) by position or keyword names[i]
 * (NULL when absent); the first posonly are positional-only, at most
 * maxpos positional.  TypeError as CPython words it. */
int ndm_creation_parse_args(const char *fname, const char *const *names, int n, int maxpos,
                            int posonly, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames, PyObject **out);

/* TypeError "fname() missing required argument" when value is NULL. */
int ndm_creation_require_arg(const char *fname, const char *name, int pos, PyObject *value);

/* order: NULL or None gives dflt; any of 'C', 'F', 'A', 'K'. */
int ndm_creation_conv_order(PyObject *o, char dflt, char *out);

/* order for functions that make a fresh array: 'C' or 'F' only. */
int ndm_creation_conv_order_cf(PyObject *o, char *out);

/* dtype: NULL/None -> *out NULL; else new reference. */
int ndm_creation_conv_dtype(PyObject *o, NdmDtype **out);

/* device=: None or "cpu", NumPy's ValueError otherwise. */
int ndm_creation_check_device(PyObject *o);

/* shape: an int or a sequence of ints. */
int ndm_creation_conv_shape(PyObject *o, int *nd, Py_ssize_t *shape);

/* Element-by-element copy of an n-d strided block with a cast from sdt to
 * ddt (-1 with the cast's exception). */
int ndm_creation_copy_strided(char *dst, const Py_ssize_t *dstrides, NdmDtype *ddt,
                              const char *src, const Py_ssize_t *sstrides, NdmDtype *sdt,
                              int nd, const Py_ssize_t *shape);

/* dst[...] = src, same shape, casting as needed. */
int ndm_creation_copy_into(NdmArray *dst, NdmArray *src);

/* Fill every element of a freshly allocated (packed) array with the one
 * element at elem (dtype of arr). */
void ndm_creation_replicate(NdmArray *arr, const char *elem);

/* A fresh array shaped like proto (or like shape when nd >= 0), layout per
 * order ('C', 'F', 'A', 'K'), descr stolen. */
PyObject *ndm_creation_new_like(NdmArray *proto, PyTypeObject *subtype, NdmDtype *descr,
                                char order, int nd, const Py_ssize_t *shape, int zeroed);

/* An S, U or V dtype without a size ('S', 'U', 'V'). */
int ndm_creation_is_unsized_flexible(NdmDtype *d);

/* Unsized S/U/V target sized for n characters (new reference). */
NdmDtype *ndm_creation_sized_flexible(NdmDtype *d, Py_ssize_t n);

/* np.array's rules for an existing array a (dtype borrowed, may be NULL). */
PyObject *ndm_creation_from_array(NdmArray *a, NdmDtype *dtype, int copy, char order,
                                  int ndmin, int subok);

/* np.array's rules for any object (dtype borrowed, may be NULL). */
PyObject *ndm_creation_from_any(PyObject *obj, NdmDtype *dtype, int copy, char order,
                                int ndmin, int subok);

/* Adds the functions of creation_ranges.c to the module. */
int ndm_creation_ranges_init(PyObject *module);

#endif
