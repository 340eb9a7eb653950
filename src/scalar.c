/* Scalar types: ndmem.generic and NumPy 2's hierarchy below it, the
 * concrete numeric scalars, str_, bytes_ and void: their tables,
 * construction, number conversions and type creation.  Arithmetic lives in
 * scalarmath.c, casts and Python values in scalar_convert.c, the float repr
 * in scalar_format.c, generic's methods in scalar_methods.c, void's slots
 * in scalar_void.c. */
#include "scalar.h"
#include "scalar_internal.h"
#include "ndarray.h"
#include "ufunc.h"
#include <complex.h>
#include <math.h>
#include <float.h>
#include <stdlib.h>
#include <stdio.h>

/* ------------------------------------------------------------------ */
/* Layouts and tables                                                 */
/* ------------------------------------------------------------------ */

enum {
    A_GENERIC, A_NUMBER, A_INTEGER, A_SIGNED, A_UNSIGNED, A_INEXACT,
    A_FLOATING, A_COMPLEX, A_FLEXIBLE, A_CHARACTER, A_N
};

static const char *abstract_names[A_N] = {
    "ndmem.generic", "ndmem.number", "ndmem.integer", "ndmem.signedinteger",
    "ndmem.unsignedinteger", "ndmem.inexact", "ndmem.floating",
    "ndmem.complexfloating", "ndmem.flexible", "ndmem.character",
};
static const int abstract_parent[A_N] = {
    -1, A_GENERIC, A_NUMBER, A_INTEGER, A_INTEGER, A_NUMBER, A_INEXACT,
    A_INEXACT, A_GENERIC, A_FLEXIBLE,
};

const char *ndm_scalar_type_names[NDM_NTYPES] = {
    "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
    "uint64", "float16", "float32", "float64", "complex64", "complex128",
    "bytes_", "str_", "void",
};

const int ndm_scalar_num_sizes[NDM_NNUMERIC] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 4, 8, 8, 16};

static PyTypeObject *abstract_types[A_N];
PyTypeObject *ndm_scalar_types[NDM_NTYPES];
static PyObject *bool_values[2];
PyObject *ndm_complex_warning;

int
ndm_scalar_typenum(PyObject *obj)
{
    PyTypeObject *tp = Py_TYPE(obj);
    for (int t = 0; t < NDM_NTYPES; t++) {
        if (tp == ndm_scalar_types[t]) {
            return t;
        }
    }
    if (abstract_types[A_GENERIC] == NULL
            || !PyType_IsSubtype(tp, abstract_types[A_GENERIC])) {
        return -1;
    }
    for (int t = 0; t < NDM_NTYPES; t++) {
        if (ndm_scalar_types[t] && PyType_IsSubtype(tp, ndm_scalar_types[t])) {
            return t;
        }
    }
    return -1;
}

static int
type_typenum(PyTypeObject *tp)
{
    /* the exact types first: a subtype walk per entry made np.float64(x)
     * slow */
    for (int t = 0; t < NDM_NTYPES; t++) {
        if (tp == ndm_scalar_types[t]) {
            return t;
        }
    }
    for (int t = 0; t < NDM_NTYPES; t++) {
        if (PyType_IsSubtype(tp, ndm_scalar_types[t])) {
            return t;
        }
    }
    return -1;
}

PyTypeObject *
ndm_scalar_type(int type_num)
{
    if (type_num < 0 || type_num >= NDM_NTYPES) {
        return NULL;
    }
    return ndm_scalar_types[type_num];
}

int
ndm_scalar_check(PyObject *obj)
{
    return abstract_types[A_GENERIC] != NULL
           && PyObject_TypeCheck(obj, abstract_types[A_GENERIC]);
}

static PyObject *
new_of_type(PyTypeObject *tp, int t, const void *value)
{
    PyObject *o = tp->tp_alloc(tp, 0);
    if (o == NULL) {
        return NULL;
    }
    memcpy(num_ptr(o, t), value, ndm_scalar_num_sizes[t]);
    return o;
}

PyObject *
ndm_scalar_new(int t, const void *value)
{
    if (t == NDM_BOOL) {
        PyObject *r = bool_values[*(const ndm_bool *)value != 0];
        Py_INCREF(r);
        return r;
    }
    return new_of_type(ndm_scalar_types[t], t, value);
}

PyObject *
ndm_scalar_bool(int v)
{
    PyObject *r = bool_values[v != 0];
    Py_INCREF(r);
    return r;
}

/* ------------------------------------------------------------------ */
/* Deallocation                                                       */
/* ------------------------------------------------------------------ */

static void
num_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static void
str_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyMem_Free(((StrScalar *)self)->obval);
    ((StrScalar *)self)->obval = NULL;
    PyUnicode_Type.tp_dealloc(self);
    Py_DECREF(tp);
}

static void
bytes_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyBytes_Type.tp_dealloc(self);
    Py_DECREF(tp);
}

static void
void_dealloc(PyObject *self)
{
    VoidScalar *v = (VoidScalar *)self;
    PyTypeObject *tp = Py_TYPE(self);
    if (v->base == NULL) {
        PyMem_Free(v->data);
    }
    Py_XDECREF(v->base);
    Py_XDECREF(v->descr);
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* ------------------------------------------------------------------ */
/* Construction                                                       */
/* ------------------------------------------------------------------ */

static PyObject *str_new_from(PyTypeObject *tp, PyObject *s);
static PyObject *bytes_new_from(PyTypeObject *tp, PyObject *b);

/* A value of numeric type t from any object, NumPy's scalar constructor
 * rules.  Returns 1 with *result set when obj turned into an array (or
 * something other than a plain value), 0 with out filled, -1 on error. */
static int
value_from_object(PyObject *obj, int t, void *out, PyObject **result)
{
    int st = ndm_scalar_typenum(obj);
    *result = NULL;
    if (st >= 0 && st < NDM_NNUMERIC) {
        return ndm_scalar_cast_with_warnings(st, num_ptr(obj, st), t, out);
    }
    if (ndm_state.ndarray_type && NdmArray_Check(obj)) {
        goto as_array;
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
        goto as_array;
    }
    if (t == NDM_BOOL) {
        int b = PyObject_IsTrue(obj);
        if (b < 0) {
            return -1;
        }
        *(ndm_bool *)out = (ndm_bool)b;
        return 0;
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
        goto as_array;
    }
    if (IS_INT(t)) {
        PyObject *l = PyNumber_Long(obj);
        if (l == NULL) {
            return -1;
        }
        int r = ndm_scalar_pyint_to(l, t, out);
        Py_DECREF(l);
        return r;
    }
    if (IS_FLOAT(t)) {
        double d;
        if (obj == Py_None) {
            d = NAN;
        }
        else if (PyFloat_Check(obj)) {
            d = PyFloat_AS_DOUBLE(obj);
        }
        else {
            PyObject *f = PyNumber_Float(obj);
            if (f == NULL) {
                return -1;
            }
            d = PyFloat_AS_DOUBLE(f);
            Py_DECREF(f);
        }
        int fpe = ndm_scalar_cast(NDM_FLOAT64, &d, t, out);
        return ndm_scalar_fpe_warn(fpe, "cast");
    }
    /* complex */
    {
        Py_complex c;
        if (obj == Py_None) {
            c.real = NAN;
            c.imag = NAN;
        }
        else {
            PyObject *co;
            if (PyBytes_Check(obj)) {
                PyObject *u = PyUnicode_FromEncodedObject(obj, "ascii", "strict");
                if (u == NULL) {
                    return -1;
                }
                co = PyObject_CallOneArg((PyObject *)&PyComplex_Type, u);
                Py_DECREF(u);
            }
            else {
                co = PyObject_CallOneArg((PyObject *)&PyComplex_Type, obj);
            }
            if (co == NULL) {
                return -1;
            }
            c = PyComplex_AsCComplex(co);
            Py_DECREF(co);
        }
        int fpe = ndm_scalar_cast(NDM_COMPLEX128, &c, t, out);
        return ndm_scalar_fpe_warn(fpe, "cast");
    }
as_array: {
        NdmDtype *d = ndm_dtype_builtin(t);
        if (d == NULL) {
            return -1;
        }
        PyObject *arr = ndm_array_from_any(obj, d, 1, 'K', 0);
        Py_DECREF(d);
        if (arr == NULL) {
            return -1;
        }
        if (((NdmArray *)arr)->nd == 0) {
            PyObject *s = ndm_scalar_from_data(((NdmArray *)arr)->descr,
                                               ((NdmArray *)arr)->data, NULL);
            Py_DECREF(arr);
            *result = s;
            return s ? 1 : -1;
        }
        *result = arr;
        return 1;
    }
}

static PyObject *
num_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    int t = type_typenum(type);
    NdmScalarValue v;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    memset(&v, 0, sizeof v);
    if (t < 0 || t >= NDM_NNUMERIC) {
        PyErr_SetString(PyExc_TypeError, "not a numeric scalar type");
        return NULL;
    }
    if (kwds != NULL && PyDict_GET_SIZE(kwds) > 0) {
        PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", ndm_scalar_type_names[t]);
        return NULL;
    }
    if (IS_COMPLEX(t) && n == 2) {
        PyObject *co = PyObject_Call((PyObject *)&PyComplex_Type, args, NULL);
        if (co == NULL) {
            return NULL;
        }
        Py_complex c = PyComplex_AsCComplex(co);
        Py_DECREF(co);
        ndm_scalar_cast(NDM_COMPLEX128, &c, t, &v);
    }
    else if (n > 1) {
        if (IS_FLOAT(t) || IS_COMPLEX(t)) {
            PyErr_Format(PyExc_TypeError, "%s expected at most %d argument%s, got %zd",
                         IS_COMPLEX(t) ? "complex" : "float", IS_COMPLEX(t) ? 2 : 1,
                         IS_COMPLEX(t) ? "s" : "", n);
        }
        else {
            PyErr_Format(PyExc_TypeError, "function takes at most 1 argument (%zd given)", n);
        }
        return NULL;
    }
    else if (n == 1) {
        PyObject *res;
        int r = value_from_object(PyTuple_GET_ITEM(args, 0), t, &v, &res);
        if (r < 0) {
            return NULL;
        }
        if (r == 1) {
            if (ndm_scalar_typenum(res) == t && !PyType_IsSubtype(Py_TYPE(res), type)) {
                /* a subclass asked for: rebuild with that type */
                PyObject *o = new_of_type(type, t, num_ptr(res, t));
                Py_DECREF(res);
                return o;
            }
            return res;
        }
    }
    if (t == NDM_BOOL && type == ndm_scalar_types[NDM_BOOL]) {
        return ndm_scalar_bool(v.b);
    }
    return new_of_type(type, t, &v);
}

static PyObject *
str_new_from(PyTypeObject *tp, PyObject *s)
{
    PyObject *args = PyTuple_Pack(1, s);
    if (args == NULL) {
        return NULL;
    }
    PyObject *r = PyUnicode_Type.tp_new(tp, args, NULL);
    Py_DECREF(args);
    return r;
}

static PyObject *
bytes_new_from(PyTypeObject *tp, PyObject *b)
{
    PyObject *args = PyTuple_Pack(1, b);
    if (args == NULL) {
        return NULL;
    }
    PyObject *r = PyBytes_Type.tp_new(tp, args, NULL);
    Py_DECREF(args);
    return r;
}

static PyObject *
str_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *r = PyUnicode_Type.tp_new(type, args, kwds);
    if (r != NULL) {
        ((StrScalar *)r)->obval = NULL;
    }
    return r;
}

static PyObject *
bytes_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    /* NumPy: bytes(obj) when that works, else str(obj) encoded (the value
     * keeps trailing NULs; repr, str and item() drop them) */
    PyObject *b = NULL, *r;
    if (PyTuple_GET_SIZE(args) != 1 || (kwds != NULL && PyDict_GET_SIZE(kwds) > 0)) {
        return PyBytes_Type.tp_new(type, args, kwds);
    }
    PyObject *a = PyTuple_GET_ITEM(args, 0);
    if (PyUnicode_Check(a)) {
        b = PyUnicode_AsASCIIString(a);
    }
    else {
        b = PyObject_CallOneArg((PyObject *)&PyBytes_Type, a);
        if (b == NULL && (PyErr_ExceptionMatches(PyExc_TypeError)
                          || PyErr_ExceptionMatches(PyExc_ValueError))) {
            PyErr_Clear();
            PyObject *s = PyObject_Str(a);
            if (s == NULL) {
                return NULL;
            }
            b = PyUnicode_AsASCIIString(s);
            Py_DECREF(s);
        }
    }
    if (b == NULL) {
        return NULL;
    }
    r = bytes_new_from(type, b);
    Py_DECREF(b);
    return r;
}

static PyObject *
void_new_raw(PyTypeObject *tp, NdmDtype *descr, const char *ptr, PyObject *base)
{
    VoidScalar *v = (VoidScalar *)tp->tp_alloc(tp, 0);
    if (v == NULL) {
        return NULL;
    }
    Py_INCREF(descr);
    v->descr = descr;
    if (base != NULL) {
        Py_INCREF(base);
        v->base = base;
        v->data = (char *)ptr;
    }
    else {
        v->data = PyMem_Malloc(descr->itemsize > 0 ? (size_t)descr->itemsize : 1);
        if (v->data == NULL) {
            Py_DECREF(v);
            PyErr_NoMemory();
            return NULL;
        }
        if (ptr != NULL) {
            memcpy(v->data, ptr, descr->itemsize);
        }
        else {
            memset(v->data, 0, descr->itemsize);
        }
    }
    return (PyObject *)v;
}

static PyObject *
void_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"length_or_data", "dtype", NULL};
    PyObject *obj, *dtobj = NULL;
    NdmDtype *d = NULL;
    PyObject *res = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:void", kwlist, &obj, &dtobj)) {
        return NULL;
    }
    if (dtobj != NULL && dtobj != Py_None) {
        d = ndm_dtype_from_object(dtobj);
        if (d == NULL) {
            return NULL;
        }
        if (d->type_num != NDM_VOID) {
            PyErr_SetString(PyExc_TypeError,
                            "void: descr must be a `void.` dtype (got a different dtype)");
            goto fail;
        }
        res = void_new_raw(type, d, NULL, NULL);
        if (res == NULL) {
            goto fail;
        }
        if (PyBytes_Check(obj)) {
            Py_ssize_t n = PyBytes_GET_SIZE(obj);
            memcpy(((VoidScalar *)res)->data, PyBytes_AS_STRING(obj),
                   n < d->itemsize ? n : d->itemsize);
        }
        else if (ndm_dtype_setitem(d, ((VoidScalar *)res)->data, obj) < 0) {
            Py_CLEAR(res);
        }
        Py_DECREF(d);
        return res;
    }
    if (PyLong_Check(obj) || PyIndex_Check(obj)) {
        Py_ssize_t n = PyNumber_AsSsize_t(obj, PyExc_OverflowError);
        if (n == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (n < 0) {
            PyErr_Format(PyExc_ValueError, "Negative dimensions are not allowed");
            return NULL;
        }
        d = ndm_dtype_new_flexible(NDM_VOID, n);
        if (d == NULL) {
            return NULL;
        }
        res = void_new_raw(type, d, NULL, NULL);
        Py_DECREF(d);
        return res;
    }
    if (PyBytes_Check(obj) || PyByteArray_Check(obj) || PyObject_CheckBuffer(obj)) {
        Py_buffer view;
        if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) {
            return NULL;
        }
        d = ndm_dtype_new_flexible(NDM_VOID, view.len);
        if (d != NULL) {
            res = void_new_raw(type, d, view.buf, NULL);
            Py_DECREF(d);
        }
        PyBuffer_Release(&view);
        return res;
    }
    PyErr_Format(PyExc_TypeError, "void() argument must be an int or bytes-like, not '%s'",
                 Py_TYPE(obj)->tp_name);
    return NULL;
fail:
    Py_XDECREF(d);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* From array data                                                    */
/* ------------------------------------------------------------------ */

static void
byteswap(char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n / 2; i++) {
        char c = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = c;
    }
}

PyObject *
ndm_scalar_from_data(NdmDtype *d, const char *ptr, PyObject *base)
{
    int t = d->type_num;
    if (t >= 0 && t < NDM_NNUMERIC) {
        NdmScalarValue v;
        memcpy(&v, ptr, ndm_scalar_num_sizes[t]);
        if (!ndm_dtype_isnative(d)) {
            if (IS_COMPLEX(t)) {
                byteswap((char *)&v, ndm_scalar_num_sizes[t] / 2);
                byteswap((char *)&v + ndm_scalar_num_sizes[t] / 2, ndm_scalar_num_sizes[t] / 2);
            }
            else {
                byteswap((char *)&v, ndm_scalar_num_sizes[t]);
            }
        }
        return ndm_scalar_new(t, &v);
    }
    if (t == NDM_UNICODE) {
        Py_ssize_t n = d->itemsize / 4;
        Py_UCS4 *buf = PyMem_Malloc((n > 0 ? n : 1) * sizeof(Py_UCS4));
        if (buf == NULL) {
            return PyErr_NoMemory();
        }
        memcpy(buf, ptr, n * 4);
        if (!ndm_dtype_isnative(d)) {
            for (Py_ssize_t i = 0; i < n; i++) {
                byteswap((char *)&buf[i], 4);
            }
        }
        while (n > 0 && buf[n - 1] == 0) {
            n--;
        }
        PyObject *u = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
        PyMem_Free(buf);
        if (u == NULL) {
            return NULL;
        }
        PyObject *r = str_new_from(ndm_scalar_types[NDM_UNICODE], u);
        Py_DECREF(u);
        if (r != NULL) {
            ((StrScalar *)r)->obval = NULL;
        }
        return r;
    }
    if (t == NDM_BYTES) {
        Py_ssize_t n = d->itemsize;
        while (n > 0 && ptr[n - 1] == 0) {
            n--;
        }
        PyObject *b = PyBytes_FromStringAndSize(ptr, n);
        if (b == NULL) {
            return NULL;
        }
        PyObject *r = bytes_new_from(ndm_scalar_types[NDM_BYTES], b);
        Py_DECREF(b);
        return r;
    }
    if (t == NDM_VOID) {
        return void_new_raw(ndm_scalar_types[NDM_VOID], d, ptr, base);
    }
    PyErr_SetString(PyExc_TypeError, "unknown dtype for a scalar");
    return NULL;
}

NdmDtype *
ndm_scalar_get_dtype(PyObject *obj)
{
    int t = ndm_scalar_typenum(obj);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return ndm_dtype_builtin(t);
    }
    if (t == NDM_UNICODE) {
        return ndm_dtype_new_flexible(NDM_UNICODE, 4 * PyUnicode_GET_LENGTH(obj));
    }
    if (t == NDM_BYTES) {
        return ndm_dtype_new_flexible(NDM_BYTES, PyBytes_GET_SIZE(obj));
    }
    if (t == NDM_VOID) {
        NdmDtype *d = ((VoidScalar *)obj)->descr;
        Py_INCREF(d);
        return d;
    }
    PyErr_SetString(PyExc_TypeError, "not an ndmem scalar");
    return NULL;
}

const char *
ndm_scalar_data(PyObject *obj)
{
    int t = ndm_scalar_typenum(obj);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return num_ptr(obj, t);
    }
    if (t == NDM_UNICODE) {
        StrScalar *s = (StrScalar *)obj;
        if (s->obval == NULL) {
            Py_ssize_t n = PyUnicode_GET_LENGTH(obj);
            s->obval = PyMem_Malloc((n > 0 ? n : 1) * sizeof(Py_UCS4));
            if (s->obval == NULL) {
                PyErr_NoMemory();
                return NULL;
            }
            if (n > 0 && PyUnicode_AsUCS4(obj, s->obval, n, 0) == NULL) {
                PyMem_Free(s->obval);
                s->obval = NULL;
                return NULL;
            }
        }
        return (const char *)s->obval;
    }
    if (t == NDM_BYTES) {
        return PyBytes_AS_STRING(obj);
    }
    if (t == NDM_VOID) {
        return ((VoidScalar *)obj)->data;
    }
    PyErr_SetString(PyExc_TypeError, "not an ndmem scalar");
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Number conversions and hashing                                     */
/* ------------------------------------------------------------------ */

static PyObject *
num_int(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    const char *p = num_ptr(self, t);
    if (IS_FLOAT(t) || IS_COMPLEX(t)) {
        double d[2];
        if (IS_COMPLEX(t)) {
            if (ndm_scalar_cast_with_warnings(t, p, NDM_FLOAT64, d) < 0) {
                return NULL;
            }
        }
        else {
            ndm_scalar_cast(t, p, NDM_FLOAT64, d);
        }
        return PyLong_FromDouble(d[0]);
    }
    if (t == NDM_BOOL) {
        return PyLong_FromLong(((NumScalar *)self)->v.b != 0);
    }
    return ndm_scalar_num_to_python(t, p);
}

static PyObject *
num_float(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    double d;
    if (IS_COMPLEX(t)) {
        if (ndm_scalar_cast_with_warnings(t, num_ptr(self, t), NDM_FLOAT64, &d) < 0) {
            return NULL;
        }
    }
    else {
        ndm_scalar_cast(t, num_ptr(self, t), NDM_FLOAT64, &d);
    }
    return PyFloat_FromDouble(d);
}

static int
num_bool(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    ndm_bool b;
    ndm_scalar_cast(t, num_ptr(self, t), NDM_BOOL, &b);
    return b != 0;
}

static PyObject *
num_index(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    return ndm_scalar_num_to_python(t, num_ptr(self, t));
}

static Py_hash_t
num_hash(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    const char *p = num_ptr(self, t);
    if (IS_FLOAT(t)) {
        double d;
        ndm_scalar_cast(t, p, NDM_FLOAT64, &d);
        return _Py_HashDouble(self, d);
    }
    PyObject *o = ndm_scalar_num_to_python(t, p);
    if (o == NULL) {
        return -1;
    }
    Py_hash_t h = PyObject_Hash(o);
    Py_DECREF(o);
    return h;
}

/* ------------------------------------------------------------------ */
/* str_ and bytes_                                                    */
/* ------------------------------------------------------------------ */

/* The exact str/bytes value without trailing NULs (as NumPy shows it). */
PyObject *
ndm_scalar_flex_stripped(PyObject *self)
{
    if (PyUnicode_Check(self)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(self);
        while (n > 0 && PyUnicode_READ_CHAR(self, n - 1) == 0) {
            n--;
        }
        return PyUnicode_Substring(self, 0, n);
    }
    Py_ssize_t n = PyBytes_GET_SIZE(self);
    const char *p = PyBytes_AS_STRING(self);
    while (n > 0 && p[n - 1] == 0) {
        n--;
    }
    return PyBytes_FromStringAndSize(p, n);
}

static PyObject *
str_str(PyObject *self)
{
    PyObject *plain = ndm_scalar_flex_stripped(self);
    if (plain == NULL || PyUnicode_Check(plain)) {
        return plain;
    }
    PyObject *r = PyObject_Str(plain);
    Py_DECREF(plain);
    return r;
}

static PyObject *
flex_repr(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    PyObject *plain = ndm_scalar_flex_stripped(self);
    if (plain == NULL) {
        return NULL;
    }
    PyObject *base = PyObject_Repr(plain);
    Py_DECREF(plain);
    if (base == NULL) {
        return NULL;
    }
    PyObject *r = PyUnicode_FromFormat("np.%s(%U)", ndm_scalar_type_names[t], base);
    Py_DECREF(base);
    return r;
}

/* ------------------------------------------------------------------ */
/* Type creation                                                      */
/* ------------------------------------------------------------------ */

static PyType_Slot generic_slots[] = {
    {Py_tp_methods, ndm_scalar_gen_methods},
    {Py_tp_getset, ndm_scalar_gen_getset},
    {Py_tp_doc, (void *)"Base class for ndmem scalar types (numpy.generic)."},
    {0, NULL},
};

static PyType_Slot number_slots[] = {
    {Py_tp_methods, ndm_scalar_number_methods},
    {0, NULL},
};

static PyType_Slot floating_slots[] = {
    {Py_tp_methods, ndm_scalar_floating_methods},
    {0, NULL},
};

static PyType_Slot integer_slots[] = {
    {Py_tp_methods, ndm_scalar_integer_methods},
    {0, NULL},
};

static PyType_Slot empty_slots[] = {
    {0, NULL},
};

static PyObject *
make_type(const char *name, int basicsize, int itemsize, unsigned flags,
          PyType_Slot *slots, PyObject *bases)
{
    PyType_Spec spec = {
        .name = name,
        .basicsize = basicsize,
        .itemsize = itemsize,
        .flags = flags,
        .slots = slots,
    };
    return PyType_FromSpecWithBases(&spec, bases);
}

#define MAX_SLOTS 64

static int
append_slots(PyType_Slot *dst, int n, const PyType_Slot *src)
{
    for (; src->slot != 0; src++) {
        if (n >= MAX_SLOTS - 1) {
            break;
        }
        dst[n++] = *src;
    }
    dst[n].slot = 0;
    dst[n].pfunc = NULL;
    return n;
}

static PyMethodDef module_functions[] = {
    {"_scalar_from_bytes", ndm_scalar_from_bytes, METH_VARARGS,
     "Rebuild a scalar from its dtype and bytes (pickle support)."},
    {NULL, NULL, 0, NULL},
};

static int
add_alias(PyObject *module, const char *alias, int t)
{
    return PyModule_AddObjectRef(module, alias, (PyObject *)ndm_scalar_types[t]);
}

int
ndm_scalar_init(PyObject *module)
{
    PyObject *bases = NULL;
    char names_buf[NDM_NTYPES][40];

    for (int a = 0; a < A_N; a++) {
        PyType_Slot *slots = a == A_GENERIC ? generic_slots
                           : a == A_NUMBER ? number_slots
                           : a == A_FLOATING ? floating_slots
                           : a == A_INTEGER ? integer_slots : empty_slots;
        if (abstract_parent[a] >= 0) {
            bases = PyTuple_Pack(1, (PyObject *)abstract_types[abstract_parent[a]]);
            if (bases == NULL) {
                return -1;
            }
        }
        PyObject *tp = make_type(abstract_names[a], (int)sizeof(PyObject), 0,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE
                                 | Py_TPFLAGS_DISALLOW_INSTANTIATION, slots, bases);
        Py_CLEAR(bases);
        if (tp == NULL) {
            return -1;
        }
        abstract_types[a] = (PyTypeObject *)tp;
        if (PyModule_AddObjectRef(module, abstract_names[a] + 6, tp) < 0) {
            return -1;
        }
    }

    static PyType_Slot common_num[] = {
        {Py_tp_new, num_new},
        {Py_tp_dealloc, num_dealloc},
        {Py_tp_repr, ndm_scalar_num_repr},
        {Py_tp_str, ndm_scalar_num_str},
        {Py_tp_hash, num_hash},
        {Py_tp_richcompare, ndm_scalarmath_richcompare},
        {Py_nb_int, num_int},
        {Py_nb_float, num_float},
        {Py_nb_bool, num_bool},
        {Py_mp_subscript, ndm_scalar_num_subscript},
        {0, NULL},
    };
    static PyType_Slot index_slot[] = {
        {Py_nb_index, num_index},
        {0, NULL},
    };

    for (int t = 0; t < NDM_NTYPES; t++) {
        PyObject *parent;
        PyObject *pybase = NULL;
        int basicsize = (int)sizeof(NumScalar);
        int itemsize = 0;
        PyType_Slot slots[MAX_SLOTS];
        int ns = 0;
        slots[0].slot = 0;
        slots[0].pfunc = NULL;
        snprintf(names_buf[t], sizeof names_buf[t], "ndmem.%s", ndm_scalar_type_names[t]);
        if (t < NDM_NNUMERIC) {
            ns = append_slots(slots, ns, common_num);
            ns = append_slots(slots, ns, ndm_scalarmath_slots);
            if (IS_INT(t)) {
                ns = append_slots(slots, ns, index_slot);
            }
        }
        if (t == NDM_BOOL) {
            parent = (PyObject *)abstract_types[A_GENERIC];
        }
        else if (IS_INT(t)) {
            parent = (PyObject *)abstract_types[IS_SIGNED(t) ? A_SIGNED : A_UNSIGNED];
        }
        else if (IS_FLOAT(t)) {
            parent = (PyObject *)abstract_types[A_FLOATING];
            if (t == NDM_FLOAT64) {
                pybase = (PyObject *)&PyFloat_Type;
                basicsize = (int)sizeof(PyFloatObject);
            }
        }
        else if (IS_COMPLEX(t)) {
            parent = (PyObject *)abstract_types[A_COMPLEX];
            if (t == NDM_COMPLEX128) {
                pybase = (PyObject *)&PyComplex_Type;
                basicsize = (int)sizeof(PyComplexObject);
            }
        }
        else if (t == NDM_UNICODE) {
            parent = (PyObject *)abstract_types[A_CHARACTER];
            pybase = (PyObject *)&PyUnicode_Type;
            basicsize = (int)sizeof(StrScalar);
            PyType_Slot s[] = {
                {Py_tp_new, str_new}, {Py_tp_dealloc, str_dealloc},
                {Py_tp_repr, flex_repr}, {Py_tp_str, str_str}, {0, NULL},
            };
            ns = append_slots(slots, ns, s);
        }
        else if (t == NDM_BYTES) {
            parent = (PyObject *)abstract_types[A_CHARACTER];
            pybase = (PyObject *)&PyBytes_Type;
            basicsize = 0;
            itemsize = 0;
            PyType_Slot s[] = {
                {Py_tp_new, bytes_new}, {Py_tp_dealloc, bytes_dealloc},
                {Py_tp_repr, flex_repr}, {Py_tp_str, str_str}, {0, NULL},
            };
            ns = append_slots(slots, ns, s);
        }
        else {
            parent = (PyObject *)abstract_types[A_FLEXIBLE];
            basicsize = (int)sizeof(VoidScalar);
            PyType_Slot s[] = {
                {Py_tp_new, void_new}, {Py_tp_dealloc, void_dealloc},
                {Py_tp_repr, ndm_scalar_void_repr}, {Py_tp_str, ndm_scalar_void_str},
                {Py_mp_subscript, ndm_scalar_void_getitem}, {Py_mp_ass_subscript, ndm_scalar_void_setitem},
                {Py_mp_length, ndm_scalar_void_length}, {Py_sq_length, ndm_scalar_void_length},
                {Py_tp_richcompare, ndm_scalar_void_richcompare}, {Py_tp_hash, ndm_scalar_void_hash},
                {0, NULL},
            };
            ns = append_slots(slots, ns, s);
        }
        if (pybase == NULL) {
            bases = PyTuple_Pack(1, parent);
        }
        else if (t == NDM_UNICODE || t == NDM_BYTES) {
            bases = PyTuple_Pack(2, pybase, parent);
        }
        else {
            bases = PyTuple_Pack(2, parent, pybase);
        }
        if (bases == NULL) {
            return -1;
        }
        /* the name must outlive the type: PyType_FromSpec copies it */
        PyObject *tp = make_type(names_buf[t], basicsize, itemsize,
                                 Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots, bases);
        Py_CLEAR(bases);
        if (tp == NULL) {
            return -1;
        }
        ndm_scalar_types[t] = (PyTypeObject *)tp;
        if (PyModule_AddObjectRef(module, ndm_scalar_type_names[t], tp) < 0) {
            return -1;
        }
    }

    /* the bool singletons */
    for (int i = 0; i < 2; i++) {
        PyTypeObject *bt = ndm_scalar_types[NDM_BOOL];
        PyObject *o = bt->tp_alloc(bt, 0);
        if (o == NULL) {
            return -1;
        }
        ((NumScalar *)o)->v.b = (ndm_bool)i;
        bool_values[i] = o;
    }

    if (PyModule_AddObjectRef(module, "bool_", (PyObject *)ndm_scalar_types[NDM_BOOL]) < 0
            || PyModule_AddObjectRef(module, "True_", bool_values[1]) < 0
            || PyModule_AddObjectRef(module, "False_", bool_values[0]) < 0) {
        return -1;
    }
    static const struct { const char *alias; int t; } aliases[] = {
        {"byte", NDM_INT8}, {"ubyte", NDM_UINT8}, {"short", NDM_INT16},
        {"ushort", NDM_UINT16}, {"intc", NDM_INT32}, {"uintc", NDM_UINT32},
        {"int_", NDM_INT64}, {"intp", NDM_INT64}, {"uintp", NDM_UINT64},
        {"long", NDM_INT64}, {"ulong", NDM_UINT64}, {"longlong", NDM_INT64},
        {"ulonglong", NDM_UINT64}, {"half", NDM_FLOAT16}, {"single", NDM_FLOAT32},
        {"double", NDM_FLOAT64}, {"csingle", NDM_COMPLEX64}, {"cdouble", NDM_COMPLEX128},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (add_alias(module, aliases[i].alias, aliases[i].t) < 0) {
            return -1;
        }
    }
    if (ndm_complex_warning == NULL) {
        ndm_complex_warning = PyErr_NewExceptionWithDoc(
            "ndmem.exceptions.ComplexWarning",
            "Casting a complex value to a real type discards its imaginary part.",
            PyExc_RuntimeWarning, NULL);
        if (ndm_complex_warning == NULL) {
            return -1;
        }
    }
    if (PyModule_AddObjectRef(module, "_ComplexWarning", ndm_complex_warning) < 0) {
        return -1;
    }
    if (PyModule_AddFunctions(module, module_functions) < 0) {
        return -1;
    }

    /* link the builtin descriptors to their scalar types */
    for (int t = 0; t < NDM_NNUMERIC; t++) {
        NdmDtype *d = ndm_dtype_builtin(t);
        if (d == NULL) {
            return -1;
        }
        if (d->scalar_type == NULL) {
            Py_INCREF(ndm_scalar_types[t]);
            d->scalar_type = ndm_scalar_types[t];
        }
        Py_DECREF(d);
    }
    return 0;
}
