/* Element conversion for ndmem.dtype: one element between its bytes and a
 * Python object (getitem/setitem, toobject), byte swapping, and the
 * helpers array printing and tolist use. */
#include "dtype.h"
#include "scalar.h"
#include "ndarray.h"
#include "dtype_internal.h"
#include <complex.h>
#include <math.h>

/* ------------------------------------------------------------------ */
/* Element conversion                                                 */
/* ------------------------------------------------------------------ */

static void
swap_bytes(char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n / 2; i++) {
        char t = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = t;
    }
}

void
ndm_dtype_copy_swap(NdmDtype *d, char *dst, const char *src)
{
    memcpy(dst, src, d->itemsize);
    if (ndm_dtype_isnative(d) || d->byteorder == '|') {
        return;
    }
    if (d->type_num == NDM_UNICODE) {
        for (Py_ssize_t i = 0; i + 4 <= d->itemsize; i += 4) {
            swap_bytes(dst + i, 4);
        }
    }
    else if (d->kind == 'c') {
        swap_bytes(dst, d->itemsize / 2);
        swap_bytes(dst + d->itemsize / 2, d->itemsize / 2);
    }
    else if (d->type_num < NDM_NNUMERIC) {
        swap_bytes(dst, d->itemsize);
    }
}

/* a subarray element as a new array of its base dtype (as NumPy) */
static PyObject *
subarray_to_array(NdmDtype *d, const char *ptr)
{
    Py_ssize_t dims[NDM_MAXDIMS];
    Py_ssize_t nd = PyTuple_GET_SIZE(SUB_SHAPE(d));
    if (nd > NDM_MAXDIMS) {
        PyErr_SetString(PyExc_ValueError, "subarray has too many dimensions");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nd; i++) {
        dims[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(SUB_SHAPE(d), i));
    }
    Py_INCREF(SUB_BASE(d));
    PyObject *arr = ndm_array_new(ndm_state.ndarray_type, SUB_BASE(d), (int)nd, dims,
                                  NULL, NULL, 0, NULL);
    if (arr == NULL) {
        return NULL;
    }
    if (d->itemsize > 0) {
        memcpy(((NdmArray *)arr)->data, ptr, d->itemsize);
    }
    return arr;
}

static int
subarray_setitem(NdmDtype *d, char *ptr, PyObject *value)
{
    NdmDtype *base = SUB_BASE(d);
    Py_ssize_t count = ndm_dtype_sub_count(d);
    PyObject *arr = PyObject_CallMethod(ndm_state.module, "asarray", "OO", value, (PyObject *)base);
    if (arr == NULL) {
        return -1;
    }
    PyObject *bytes = PyObject_CallMethod(arr, "tobytes", NULL);
    Py_ssize_t size = NdmArray_Check(arr) ? ndm_array_size((NdmArray *)arr) : -1;
    Py_DECREF(arr);
    if (bytes == NULL) {
        return -1;
    }
    int rc = 0;
    if (!PyBytes_Check(bytes) || base->itemsize <= 0) {
        memset(ptr, 0, d->itemsize);
    }
    else if (size == count && PyBytes_GET_SIZE(bytes) == d->itemsize) {
        memcpy(ptr, PyBytes_AS_STRING(bytes), d->itemsize);
    }
    else if (size == 1) {
        for (Py_ssize_t i = 0; i < count; i++) {
            memcpy(ptr + i * base->itemsize, PyBytes_AS_STRING(bytes), base->itemsize);
        }
    }
    else {
        PyErr_Format(PyExc_ValueError,
                     "could not broadcast input array of size %zd into subarray shape %R",
                     size, SUB_SHAPE(d));
        rc = -1;
    }
    Py_DECREF(bytes);
    return rc;
}

PyObject *
ndm_dtype_getitem(NdmDtype *d, const char *ptr)
{
    if (SUB_BASE(d) != NULL) {
        return subarray_to_array(d, ptr);
    }
    return ndm_scalar_from_data(d, ptr, NULL);
}

static PyObject *
numeric_to_object(int t, const NdmScalarValue *v)
{
    switch (t) {
    case NDM_BOOL: return PyBool_FromLong(v->b);
    case NDM_INT8: return PyLong_FromLong(v->i8);
    case NDM_UINT8: return PyLong_FromLong(v->u8);
    case NDM_INT16: return PyLong_FromLong(v->i16);
    case NDM_UINT16: return PyLong_FromLong(v->u16);
    case NDM_INT32: return PyLong_FromLong(v->i32);
    case NDM_UINT32: return PyLong_FromUnsignedLong(v->u32);
    case NDM_INT64: return PyLong_FromLongLong(v->i64);
    case NDM_UINT64: return PyLong_FromUnsignedLongLong(v->u64);
    case NDM_FLOAT16: return PyFloat_FromDouble(ndm_half_to_double(v->f16));
    case NDM_FLOAT32: return PyFloat_FromDouble(v->f32);
    case NDM_FLOAT64: return PyFloat_FromDouble(v->f64);
    case NDM_COMPLEX64: return PyComplex_FromDoubles(crealf(v->c64), cimagf(v->c64));
    default: return PyComplex_FromDoubles(creal(v->c128), cimag(v->c128));
    }
}

PyObject *
ndm_dtype_toobject(NdmDtype *d, const char *ptr)
{
    if (SUB_BASE(d) != NULL) {
        return subarray_to_array(d, ptr);
    }
    if (ndm_dtype_is_structured(d)) {
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        PyObject *t = PyTuple_New(n);
        if (t == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            NdmDtype *fd;
            Py_ssize_t off;
            PyObject *v;
            if (ndm_dtype_field_at(d, i, &fd, &off) < 0 || (v = ndm_dtype_toobject(fd, ptr + off)) == NULL) {
                Py_DECREF(t);
                return NULL;
            }
            PyTuple_SET_ITEM(t, i, v);
        }
        return t;
    }
    if (d->type_num < NDM_NNUMERIC) {
        NdmScalarValue v;
        ndm_dtype_copy_swap(d, (char *)&v, ptr);
        return numeric_to_object(d->type_num, &v);
    }
    Py_ssize_t n = d->itemsize;
    if (d->type_num == NDM_BYTES) {
        while (n > 0 && ptr[n - 1] == 0) {
            n--;
        }
        return PyBytes_FromStringAndSize(ptr, n);
    }
    if (d->type_num == NDM_VOID) {
        return PyBytes_FromStringAndSize(ptr, n);
    }
    Py_ssize_t len = n / 4;
    Py_UCS4 *buf = PyMem_Malloc(len ? len * 4 : 4);
    if (buf == NULL) {
        return PyErr_NoMemory();
    }
    memcpy(buf, ptr, len * 4);
    if (!ndm_dtype_isnative(d)) {
        for (Py_ssize_t i = 0; i < len; i++) {
            swap_bytes((char *)&buf[i], 4);
        }
    }
    while (len > 0 && buf[len - 1] == 0) {
        len--;
    }
    PyObject *r = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, len);
    PyMem_Free(buf);
    return r;
}

static void
store_native(NdmDtype *d, char *ptr, const void *native)
{
    ndm_dtype_copy_swap(d, ptr, native);   /* swapping is symmetric */
}

static int
set_string(NdmDtype *d, char *ptr, PyObject *value)
{
    PyObject *s;
    if (PyUnicode_Check(value)) {
        s = value;
        Py_INCREF(s);
    }
    else if (PyBytes_Check(value)) {
        if (d->type_num == NDM_BYTES) {
            Py_ssize_t n = PyBytes_GET_SIZE(value);
            if (n > d->itemsize) {
                n = d->itemsize;
            }
            memcpy(ptr, PyBytes_AS_STRING(value), n);
            memset(ptr + n, 0, d->itemsize - n);
            return 0;
        }
        s = PyUnicode_FromEncodedObject(value, "ascii", "strict");
    }
    else if (ndm_state.ndarray_type != NULL && NdmArray_Check(value)) {
        NdmArray *a = (NdmArray *)value;
        if (ndm_array_size(a) != 1 || a->nd != 0) {
            PyErr_SetString(PyExc_ValueError, "setting an array element with a sequence.");
            return -1;
        }
        PyObject *item = ndm_dtype_toobject(a->descr, a->data);
        if (item == NULL) {
            return -1;
        }
        int rc = set_string(d, ptr, item);
        Py_DECREF(item);
        return rc;
    }
    else if (PyList_Check(value) || PyTuple_Check(value)) {
        PyErr_SetString(PyExc_ValueError, "setting an array element with a sequence");
        return -1;
    }
    else {
        s = PyObject_Str(value);
    }
    if (s == NULL) {
        return -1;
    }
    int rc = 0;
    if (d->type_num == NDM_BYTES) {
        PyObject *b = PyUnicode_AsASCIIString(s);
        if (b == NULL) {
            rc = -1;
        }
        else {
            rc = set_string(d, ptr, b);
            Py_DECREF(b);
        }
    }
    else {
        Py_ssize_t cap = d->itemsize / 4, n = PyUnicode_GET_LENGTH(s);
        if (n > cap) {
            n = cap;
        }
        Py_UCS4 *buf = PyMem_Calloc(cap ? cap : 1, 4);
        if (buf == NULL) {
            PyErr_NoMemory();
            rc = -1;
        }
        else {
            PyObject *sub = PyUnicode_Substring(s, 0, n);
            if (sub == NULL || (n > 0 && PyUnicode_AsUCS4(sub, buf, n, 0) == NULL)) {
                rc = -1;
            }
            Py_XDECREF(sub);
            if (rc == 0) {
                if (!ndm_dtype_isnative(d)) {
                    for (Py_ssize_t i = 0; i < cap; i++) {
                        swap_bytes((char *)&buf[i], 4);
                    }
                }
                memcpy(ptr, buf, cap * 4);
            }
            PyMem_Free(buf);
        }
    }
    Py_DECREF(s);
    return rc;
}

int ndm_cast_warn_fpe(int fpe);

static int
set_numeric(NdmDtype *d, char *ptr, PyObject *value)
{
    int t = d->type_num;
    NdmScalarValue v;
    memset(&v, 0, sizeof(v));
    int st = ndm_scalar_typenum(value);
    if (st >= 0 && st < NDM_NNUMERIC) {
        NdmDtype *sd = ndm_scalar_get_dtype(value);
        if (sd == NULL) {
            return -1;
        }
        char skind = sd->kind;
        Py_ssize_t ssize = sd->itemsize;
        Py_DECREF(sd);
        int via_int = (d->kind == 'i' || d->kind == 'u')
                      && (skind == 'f' || ((skind == 'i' || skind == 'u') && ssize > d->itemsize));
        if (!via_int) {
            if (skind == 'c' && d->kind != 'c' && d->kind != 'b') {
                if (PyErr_WarnEx(ndm_complex_warning,
                                 "Casting complex values to real discards the imaginary part", 1) < 0) {
                    return -1;
                }
            }
            int fpe = ndm_scalar_cast_fpe(st, ndm_scalar_data(value), t, &v);
            if (fpe && ndm_cast_warn_fpe(fpe) < 0) {
                return -1;
            }
            store_native(d, ptr, &v);
            return 0;
        }
    }
    if (ndm_state.ndarray_type != NULL && NdmArray_Check(value)) {
        NdmArray *a = (NdmArray *)value;
        if (a->nd != 0) {
            PyErr_SetString(PyExc_ValueError, "setting an array element with a sequence.");
            return -1;
        }
        PyObject *item = ndm_dtype_getitem(a->descr, a->data);
        if (item == NULL) {
            return -1;
        }
        int rc = set_numeric(d, ptr, item);
        Py_DECREF(item);
        return rc;
    }
    if (t == NDM_BOOL) {
        int b = PyObject_IsTrue(value);
        if (b < 0) {
            return -1;
        }
        v.b = (ndm_bool)b;
        store_native(d, ptr, &v);
        return 0;
    }
    if (d->kind == 'i' || d->kind == 'u') {
        PyObject *iv;
        if (PyLong_Check(value)) {
            iv = value;
            Py_INCREF(iv);
        }
        else if (PyUnicode_Check(value) || PyBytes_Check(value)) {
            iv = PyObject_CallOneArg((PyObject *)&PyLong_Type, value);
        }
        else {
            iv = PyNumber_Long(value);
        }
        if (iv == NULL) {
            return -1;
        }
        int rc = ndm_scalar_pyint_to(iv, t, &v);
        Py_DECREF(iv);
        if (rc < 0) {
            return -1;
        }
        store_native(d, ptr, &v);
        return 0;
    }
    double re = 0, im = 0;
    if (value == Py_None) {
        re = NAN;
        im = d->kind == 'c' ? NAN : 0;
    }
    else if (PyUnicode_Check(value) || PyBytes_Check(value)) {
        /* float()/complex() of the object itself: their messages show its repr */
        PyObject *s = value;
        if (PyBytes_Check(value) && d->kind == 'c') {
            s = PyUnicode_FromEncodedObject(value, "ascii", "strict");
            if (s == NULL) {
                return -1;
            }
        }
        else {
            Py_INCREF(s);
        }
        PyObject *num = PyObject_CallOneArg(d->kind == 'c' ? (PyObject *)&PyComplex_Type
                                                          : (PyObject *)&PyFloat_Type, s);
        Py_DECREF(s);
        if (num == NULL) {
            return -1;
        }
        if (d->kind == 'c') {
            Py_complex c = PyComplex_AsCComplex(num);
            re = c.real;
            im = c.imag;
        }
        else {
            re = PyFloat_AsDouble(num);
        }
        Py_DECREF(num);
    }
    else if (d->kind == 'c') {
        Py_complex c = PyComplex_AsCComplex(value);
        if (c.real == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        re = c.real;
        im = c.imag;
    }
    else {
        if (PyList_Check(value) || PyTuple_Check(value)) {
            PyErr_SetString(PyExc_ValueError, "setting an array element with a sequence.");
            return -1;
        }
        if (PyComplex_Check(value)) {
            PyErr_SetString(PyExc_TypeError,
                            "float() argument must be a string or a real number, not 'complex'");
            return -1;
        }
        re = PyFloat_AsDouble(value);
        if (re == -1.0 && PyErr_Occurred()) {
            return -1;
        }
    }
    int fpe = 0;
    switch (t) {
    case NDM_FLOAT16:
        v.f16 = ndm_scalar_double_to_half(re, &fpe);
        break;
    case NDM_FLOAT32:
        v.f32 = (float)re;
        if (isinf(v.f32) && isfinite(re)) {
            fpe |= NDM_FPE_OVERFLOW;
        }
        break;
    case NDM_FLOAT64:
        v.f64 = re;
        break;
    case NDM_COMPLEX64:
        v.c64 = CMPLXF((float)re, (float)im);
        if ((isinf((float)re) && isfinite(re)) || (isinf((float)im) && isfinite(im))) {
            fpe |= NDM_FPE_OVERFLOW;
        }
        break;
    default:
        v.c128 = CMPLX(re, im);
        break;
    }
    if (fpe && ndm_cast_warn_fpe(fpe) < 0) {
        return -1;
    }
    store_native(d, ptr, &v);
    return 0;
}

int
ndm_dtype_setitem(NdmDtype *d, char *ptr, PyObject *value)
{
    if (SUB_BASE(d) != NULL) {
        return subarray_setitem(d, ptr, value);
    }
    if (ndm_dtype_is_structured(d)) {
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        if (ndm_scalar_typenum(value) == NDM_VOID) {
            NdmDtype *sd = ndm_scalar_get_dtype(value);
            if (sd == NULL) {
                return -1;
            }
            int rc;
            if (ndm_dtype_equiv(sd, d)) {
                memmove(ptr, ndm_scalar_data(value), d->itemsize);
                rc = 0;
            }
            else {
                rc = ndm_dtype_get_cast(sd, d)(ndm_scalar_data(value), 0, ptr, 0, 1, sd, d);
            }
            Py_DECREF(sd);
            return rc;
        }
        if (PyTuple_Check(value)) {
            if (PyTuple_GET_SIZE(value) != n) {
                PyErr_Format(PyExc_ValueError,
                             "could not assign tuple of length %zd to structure with %zd fields.",
                             PyTuple_GET_SIZE(value), n);
                return -1;
            }
            for (Py_ssize_t i = 0; i < n; i++) {
                NdmDtype *fd;
                Py_ssize_t off;
                if (ndm_dtype_field_at(d, i, &fd, &off) < 0
                        || ndm_dtype_setitem(fd, ptr + off, PyTuple_GET_ITEM(value, i)) < 0) {
                    return -1;
                }
            }
            return 0;
        }
        if (ndm_state.ndarray_type != NULL && NdmArray_Check(value)) {
            NdmArray *a = (NdmArray *)value;
            if (a->nd != 0) {
                PyErr_SetString(PyExc_ValueError, "setting an array element with a sequence.");
                return -1;
            }
            return ndm_dtype_get_cast(a->descr, d)(a->data, 0, ptr, 0, 1, a->descr, d);
        }
        /* a scalar goes into every field */
        memset(ptr, 0, d->itemsize);
        for (Py_ssize_t i = 0; i < n; i++) {
            NdmDtype *fd;
            Py_ssize_t off;
            if (ndm_dtype_field_at(d, i, &fd, &off) < 0 || ndm_dtype_setitem(fd, ptr + off, value) < 0) {
                return -1;
            }
        }
        return 0;
    }
    if (d->type_num < NDM_NNUMERIC) {
        return set_numeric(d, ptr, value);
    }
    if (d->type_num == NDM_VOID) {
        Py_buffer view;
        if (PyObject_GetBuffer(value, &view, PyBUF_SIMPLE) < 0) {
            return -1;
        }
        Py_ssize_t n = view.len < d->itemsize ? view.len : d->itemsize;
        memcpy(ptr, view.buf, n);
        memset(ptr + n, 0, d->itemsize - n);
        PyBuffer_Release(&view);
        return 0;
    }
    return set_string(d, ptr, value);
}

NdmDtype *
ndm_dtype_discover(PyObject *item)
{
    if (PyBool_Check(item)) {
        return ndm_dtype_builtin(NDM_BOOL);
    }
    if (ndm_scalar_check(item)) {
        return ndm_scalar_get_dtype(item);
    }
    if (PyLong_Check(item)) {
        int overflow = 0;
        (void)PyLong_AsLongLongAndOverflow(item, &overflow);
        if (overflow == 0) {
            return ndm_dtype_builtin(NDM_INT64);
        }
        if (overflow > 0) {
            (void)PyLong_AsUnsignedLongLong(item);
            if (!PyErr_Occurred()) {
                return ndm_dtype_builtin(NDM_UINT64);
            }
            PyErr_Clear();
        }
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C long");
        return NULL;
    }
    if (PyFloat_Check(item)) {
        return ndm_dtype_builtin(NDM_FLOAT64);
    }
    if (PyComplex_Check(item)) {
        return ndm_dtype_builtin(NDM_COMPLEX128);
    }
    if (PyUnicode_Check(item)) {
        return ndm_dtype_new_flexible(NDM_UNICODE, 4 * PyUnicode_GET_LENGTH(item));
    }
    if (PyBytes_Check(item)) {
        return ndm_dtype_new_flexible(NDM_BYTES, PyBytes_GET_SIZE(item));
    }
    if (ndm_state.ndarray_type != NULL && NdmArray_Check(item)) {
        NdmDtype *d = ((NdmArray *)item)->descr;
        Py_INCREF(d);
        return d;
    }
    PyErr_Format(PyExc_TypeError, "ndmem has no dtype for objects of type '%.200s'",
                 Py_TYPE(item)->tp_name);
    return NULL;
}

