/* Data-type descriptors (ndmem.dtype), element conversion to and from Python
 * objects, promotion and casting. */
#ifndef NDM_DTYPE_H
#define NDM_DTYPE_H

#include "common.h"

typedef enum NdmTypeNum {
    NDM_BOOL = 0,
    NDM_INT8, NDM_UINT8, NDM_INT16, NDM_UINT16,
    NDM_INT32, NDM_UINT32, NDM_INT64, NDM_UINT64,
    NDM_FLOAT16, NDM_FLOAT32, NDM_FLOAT64,
    NDM_COMPLEX64, NDM_COMPLEX128,
    NDM_NNUMERIC,
    NDM_BYTES = NDM_NNUMERIC,   /* 'S<n>' */
    NDM_UNICODE,                /* 'U<n>', UCS4 */
    NDM_VOID,                   /* 'V<n>' and structured */
    NDM_NTYPES
} NdmTypeNum;

typedef uint8_t ndm_bool;
typedef uint16_t ndm_half;      /* IEEE binary16 bits */
typedef float _Complex ndm_complex64;
typedef double _Complex ndm_complex128;

/* The dtype table every kernel expands from:
 * X(NAME, name, c_type) with NAME the NdmTypeNum suffix. */
#define NDM_FOR_EACH_NUMERIC(X)                  \
    X(BOOL, bool, ndm_bool)                      \
    X(INT8, int8, int8_t)                        \
    X(UINT8, uint8, uint8_t)                     \
    X(INT16, int16, int16_t)                     \
    X(UINT16, uint16, uint16_t)                  \
    X(INT32, int32, int32_t)                     \
    X(UINT32, uint32, uint32_t)                  \
    X(INT64, int64, int64_t)                     \
    X(UINT64, uint64, uint64_t)                  \
    X(FLOAT16, float16, ndm_half)                \
    X(FLOAT32, float32, float)                   \
    X(FLOAT64, float64, double)                  \
    X(COMPLEX64, complex64, ndm_complex64)       \
    X(COMPLEX128, complex128, ndm_complex128)

typedef struct NdmDtype {
    PyObject_HEAD
    int type_num;           /* NdmTypeNum */
    char kind;              /* 'b' 'i' 'u' 'f' 'c' 'S' 'U' 'V' */
    char type_char;         /* NumPy's dtype.char: '?' 'b' 'B' 'h' ... 'S' 'U' 'V' */
    char byteorder;         /* as NumPy reports it: '=' '<' '>' '|' */
    Py_ssize_t itemsize;
    int alignment;
    PyObject *fields;       /* structured: dict name -> (dtype, offset); else NULL */
    PyObject *names;        /* structured: tuple of names in order; else NULL */
    PyTypeObject *scalar_type;  /* ndmem.float64 ...; strong reference */
    Py_hash_t hash;         /* cached, -1 until computed */
} NdmDtype;

#define NdmDtype_Check(op) PyObject_TypeCheck((op), ndm_state.dtype_type)

/* True when the bytes are in this machine's order (or order does not apply). */
static inline int
ndm_dtype_isnative(const NdmDtype *d)
{
#if PY_BIG_ENDIAN
    return d->byteorder != '<';
#else
    return d->byteorder != '>';
#endif
}

static inline int
ndm_dtype_is_structured(const NdmDtype *d)
{
    return d->names != NULL;
}

/* New reference to the native-order builtin descriptor of a numeric type. */
NdmDtype *ndm_dtype_builtin(int type_num);

/* New reference to a flexible descriptor: NDM_BYTES/NDM_UNICODE/NDM_VOID with
 * the item size in bytes (a 'U5' has itemsize 20). */
NdmDtype *ndm_dtype_new_flexible(int type_num, Py_ssize_t itemsize);

/* dtype(obj): everything NumPy accepts (type objects, strings, tuples,
 * lists of fields, dicts, dtypes).  None gives float64.  New reference;
 * NULL with TypeError on an unknown spelling. */
NdmDtype *ndm_dtype_from_object(PyObject *spec);

/* "O&" converter: *out gets a new reference, or NULL for None. */
int ndm_dtype_converter_optional(PyObject *obj, NdmDtype **out);

/* Subarray dtypes (dtype(('<i4', (2, 3))), fields ('a', 'i4', (2,))):
 * 1 with *base (element dtype) and *shape (tuple of ints) borrowed, or 0
 * when d is not one.  NumPy appends the shape to an array's shape when
 * such a dtype is given to an array constructor. */
int ndm_dtype_subarray(NdmDtype *d, NdmDtype **base, PyObject **shape);

/* Same type in native byte order (new reference, maybe d itself). */
NdmDtype *ndm_dtype_native(NdmDtype *d);

/* Same layout and meaning (NumPy's PyArray_EquivTypes). */
int ndm_dtype_equiv(NdmDtype *a, NdmDtype *b);

/* The dtype NumPy gives a Python object when it is an array element:
 * bool -> bool, int -> int64 (uint64 if it only fits there), float ->
 * float64, complex -> complex128, str -> U<len>, bytes -> S<len>, an ndmem
 * scalar -> its dtype.  New reference, or NULL with TypeError. */
NdmDtype *ndm_dtype_discover(PyObject *item);

/* np.promote_types: new reference, or NULL with TypeError. */
NdmDtype *ndm_dtype_promote(NdmDtype *a, NdmDtype *b);

/* Element access.  ptr may be unaligned and in non-native order.
 * getitem: an ndmem scalar (np.float64, np.str_, np.void ...).
 * toobject: the builtin Python object (item()/tolist()).
 * setitem: store any Python object or ndmem scalar with NumPy's rules and
 * exception types (OverflowError for out-of-range Python ints, ValueError
 * for unparsable strings, TypeError for unsupported objects). */
PyObject *ndm_dtype_getitem(NdmDtype *d, const char *ptr);

/* Copy one element (d->itemsize bytes) from src to dst, swapping it into
 * or out of native order when d is byte-swapped (complex: each half;
 * U: each code point).  Either pointer may be unaligned. */
void ndm_dtype_copy_swap(NdmDtype *d, char *dst, const char *src);
PyObject *ndm_dtype_toobject(NdmDtype *d, const char *ptr);
int ndm_dtype_setitem(NdmDtype *d, char *ptr, PyObject *value);

typedef enum NdmCasting {
    NDM_NO_CASTING = 0,
    NDM_EQUIV_CASTING,
    NDM_SAFE_CASTING,
    NDM_SAME_KIND_CASTING,
    NDM_UNSAFE_CASTING,
} NdmCasting;

/* "O&" converter for casting= keywords ('no', 'equiv', 'safe', ...). */
int ndm_casting_converter(PyObject *obj, NdmCasting *out);

int ndm_dtype_can_cast(NdmDtype *from, NdmDtype *to, NdmCasting casting);

/* The cast target NumPy uses (astype): when `to` is an unsized S/U/V, a
 * sized descriptor fit for the values of `from` (f8 -> U32, i4 -> S11,
 * S3 -> U3, i4 -> V4); otherwise `to`.  New reference. */
NdmDtype *ndm_dtype_adapt_flexible(NdmDtype *from, NdmDtype *to);

/* A strided 1-d cast of n elements from src_dtype to dst_dtype (any byte
 * order, any alignment).  Returns 0, or -1 with an exception set.  It may
 * need the GIL: call it with the GIL held unless ndm_cast_is_gil_free. */
typedef int (*ndm_cast_fn)(const char *src, Py_ssize_t src_stride,
                           char *dst, Py_ssize_t dst_stride, Py_ssize_t n,
                           NdmDtype *src_dtype, NdmDtype *dst_dtype);

/* Never NULL: pairs without a dedicated loop go through Python objects. */
ndm_cast_fn ndm_dtype_get_cast(NdmDtype *from, NdmDtype *to);

/* Set by ufunc.c around the casts of its buffered loops: numeric casts
 * then leave overflow/invalid in the fenv flags for the ufunc to report
 * under its own name (as NumPy), instead of warning "in cast". */
extern _Thread_local int ndm_cast_defer_fpe;
int ndm_cast_is_gil_free(NdmDtype *from, NdmDtype *to);

/* IEEE half conversions (round to nearest even). */
float ndm_half_to_float(ndm_half h);
double ndm_half_to_double(ndm_half h);
ndm_half ndm_float_to_half(float f);
ndm_half ndm_double_to_half(double d);

#endif
