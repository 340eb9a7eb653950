/* Shared by the scalar type files only: scalar.c (tables, construction,
 * type creation), scalar_convert.c (casts and Python values),
 * scalar_format.c (NumPy 2 float repr), scalar_methods.c (generic's
 * attributes and methods) and scalar_void.c (structured scalars). */
#ifndef NDM_SCALAR_INTERNAL_H
#define NDM_SCALAR_INTERNAL_H

#include "scalar.h"

typedef NdmNumScalar NumScalar;

typedef struct {
    PyUnicodeObject base;
    Py_UCS4 *obval;             /* UCS4 copy made on demand */
} StrScalar;

typedef struct {
    PyObject_HEAD
    NdmDtype *descr;
    char *data;
    PyObject *base;             /* NULL: data is ours (PyMem) */
} VoidScalar;

#define IS_INT(t) ((t) >= NDM_INT8 && (t) <= NDM_UINT64)
#define IS_SIGNED(t) ((t) == NDM_INT8 || (t) == NDM_INT16 || (t) == NDM_INT32 || (t) == NDM_INT64)
#define IS_FLOAT(t) ((t) >= NDM_FLOAT16 && (t) <= NDM_FLOAT64)
#define IS_COMPLEX(t) ((t) == NDM_COMPLEX64 || (t) == NDM_COMPLEX128)

static inline char *
num_ptr(PyObject *o, int t)
{
    if (t == NDM_FLOAT64) {
        return (char *)&((PyFloatObject *)o)->ob_fval;
    }
    if (t == NDM_COMPLEX128) {
        return (char *)&((PyComplexObject *)o)->cval;
    }
    return (char *)&((NumScalar *)o)->v;
}

/* ---- scalar.c ---- */

/* Names of the concrete types (without "ndmem."), by type number. */
extern const char *ndm_scalar_type_names[NDM_NTYPES];
/* Bytes of a numeric value, by type number. */
extern const int ndm_scalar_num_sizes[NDM_NNUMERIC];
/* The bool singleton (new reference). */
PyObject *ndm_scalar_bool(int v);
/* The exact str/bytes value without trailing NULs (as NumPy shows it). */
PyObject *ndm_scalar_flex_stripped(PyObject *self);

/* ---- scalar_convert.c ---- */

/* A cast between scalar types with NumPy's warnings (ComplexWarning,
 * RuntimeWarning for overflow/invalid): -1 when one became an error. */
int ndm_scalar_cast_with_warnings(int from, const void *src, int to, void *dst);
/* The Python bool/int/float/complex of a numeric value of type t. */
PyObject *ndm_scalar_num_to_python(int t, const void *p);

/* ---- scalar_format.c ---- */

PyObject *ndm_scalar_num_str(PyObject *self);
PyObject *ndm_scalar_num_repr(PyObject *self);

/* ---- scalar_methods.c ---- */

/* x.item(): the Python value of any ndmem scalar. */
PyObject *ndm_scalar_gen_item_obj(PyObject *self);
/* _scalar_from_bytes(dtype, bytes) (pickle support). */
PyObject *ndm_scalar_from_bytes(PyObject *mod, PyObject *args);
/* x[()] and x[...] of a numeric scalar. */
PyObject *ndm_scalar_num_subscript(PyObject *self, PyObject *key);
extern PyMethodDef ndm_scalar_gen_methods[];
extern PyGetSetDef ndm_scalar_gen_getset[];
extern PyMethodDef ndm_scalar_number_methods[];
extern PyMethodDef ndm_scalar_floating_methods[];
extern PyMethodDef ndm_scalar_integer_methods[];

/* ---- scalar_void.c: the slots of ndmem.void ---- */

/* The fields of a structured void as a tuple (item()), else its bytes. */
PyObject *ndm_scalar_void_item(VoidScalar *v);
PyObject *ndm_scalar_void_getitem(PyObject *self, PyObject *key);
int ndm_scalar_void_setitem(PyObject *self, PyObject *key, PyObject *value);
Py_ssize_t ndm_scalar_void_length(PyObject *self);
PyObject *ndm_scalar_void_str(PyObject *self);
PyObject *ndm_scalar_void_repr(PyObject *self);
PyObject *ndm_scalar_void_richcompare(PyObject *a, PyObject *b, int op);
Py_hash_t ndm_scalar_void_hash(PyObject *self);

#endif
