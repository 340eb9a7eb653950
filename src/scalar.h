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

/* A new writeable 0-d array holding the scalar's value (new reference). */
PyObject *ndm_scalar_as_0d_array(PyObject *scalar);

/* ---- Shared by scalar.c and scalarmath.c (the scalar room only) ---- */

typedef union NdmScalarValue {
    ndm_bool b;
    int8_t i8; uint8_t u8; int16_t i16; uint16_t u16;
    int32_t i32; uint32_t u32; int64_t i64; uint64_t u64;
    ndm_half f16; float f32; double f64;
    ndm_complex64 c64; ndm_complex128 c128;
} NdmScalarValue;

/* The layout of the numeric scalars other than float64 and complex128
 * (which extend Python's float and complex). */
typedef struct {
    PyObject_HEAD
    NdmScalarValue v;
} NdmNumScalar;

/* The concrete scalar types by type number (scalarmath's fast paths
 * compare Py_TYPE against them). */
extern PyTypeObject *ndm_scalar_types[NDM_NTYPES];

/* NdmTypeNum of an ndmem scalar (numeric, NDM_BYTES, NDM_UNICODE,
 * NDM_VOID), or -1 when obj is not one. */
int ndm_scalar_typenum(PyObject *obj);

/* A new numeric scalar of type t from a native value (bool: the singleton). */
PyObject *ndm_scalar_new(int t, const void *value);

/* Cast a native numeric value (no warnings, C semantics as NumPy's casts);
 * returns flags NDM_FPE_* raised by the cast (overflow to inf, invalid). */
int ndm_scalar_cast(int from, const void *src, int to, void *dst);
/* ndm_scalar_cast that also reports NDM_FPE_UNDERFLOW as NumPy's array
 * casts do: a nonzero value rounded into the subnormals (or to zero) of a
 * float16/float32/complex64 result. */
int ndm_scalar_cast_fpe(int from, const void *src, int to, void *dst);

#define NDM_FPE_DIVIDEBYZERO 1
#define NDM_FPE_OVERFLOW 2
#define NDM_FPE_UNDERFLOW 4
#define NDM_FPE_INVALID 8

/* Warn RuntimeWarning "<what> encountered in <name>" for each flag set,
 * in NumPy's order.  -1 when a warning was turned into an error. */
int ndm_scalar_fpe_warn(int flags, const char *name);

/* Half conversions with NumPy's rounding; *fpe gets NDM_FPE_OVERFLOW when
 * a finite value becomes inf. */
ndm_half ndm_scalar_double_to_half(double d, int *fpe);
double ndm_scalar_half_to_double(ndm_half h);

/* Store a Python int into integer type t (OverflowError with NumPy 2's
 * message when it does not fit). */
int ndm_scalar_pyint_to(PyObject *v, int t, void *out);

/* ndmem's ComplexWarning (a RuntimeWarning subclass, NumPy's
 * numpy.exceptions.ComplexWarning); ndmem._core._ComplexWarning. */
extern PyObject *ndm_complex_warning;

/* The number slots (scalarmath.c) for the concrete numeric types. */
extern PyType_Slot ndm_scalarmath_slots[];
PyObject *ndm_scalarmath_richcompare(PyObject *a, PyObject *b, int op);

#endif
