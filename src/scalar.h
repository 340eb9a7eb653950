/* Scalar types: ndmem.generic and its NumPy hierarchy (number, integer,
 * signedinteger, ..., float64(float), complex128(complex), str_(str),
 * bytes_(bytes), void). */
#ifndef NDM_SCALAR_H
#define NDM_SCALAR_H

#include "dtype.h"

/* The scalar type of a builtin type number (borrowed). */
PyTypeObject *ndm_scalar_type(int type_num);

/* A new scalar holding the element of dtype d at ptr (any byte order or
 * alignment).  For structured (void) elements, base is the array the bytes
 * live in, so the scalar can be a view into it (may be NULL: copy). */
PyObject *ndm_scalar_from_data(NdmDtype *d, const char *ptr, PyObject *base);

/* Is obj an instance of ndmem.generic? */
int ndm_scalar_check(PyObject *obj);

/* The dtype of an ndmem scalar (new reference). */
NdmDtype *ndm_scalar_get_dtype(PyObject *obj);

/* Pointer to the scalar's value in native byte order, itemsize bytes of
 * ndm_scalar_get_dtype(obj) (valid while obj lives). */
const char *ndm_scalar_data(PyObject *obj);

#endif
