/* Arrays from a shape or a range: empty, zeros, ones, full, *_like, arange,
 * linspace, eye, frombuffer. */
#include "ndarray.h"
#include "scalar.h"
#include "iter.h"
#include "creation_internal.h"

#include <math.h>

/* ------------------------------------------------------------------ */
/* empty, zeros, ones, full                                             */

enum { INIT_EMPTY, INIT_ZEROS, INIT_ONES, INIT_FULL };

static PyObject *
filled_new(NdmDtype *descr, int nd, const Py_ssize_t *shape, char order, int init)
{
    PyObject *r = ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, NULL, NULL,
                                (order == 'F' ? NDM_NEW_FORTRAN : 0)
                                | (init == INIT_ZEROS || descr->type_num >= NDM_NNUMERIC
                                   ? NDM_NEW_ZEROED : 0), NULL);
    if (r == NULL) {
        return NULL;
    }
    return r;
}

/* ones/full: NumPy's copyto(a, value, casting='unsafe'): the value becomes
 * an array first, then is cast (and broadcast) into every element. */
static int
fill_with(NdmArray *arr, int init, PyObject *value)
{
    PyObject *owned = NULL;
    if (init == INIT_EMPTY || init == INIT_ZEROS) {
        return 0;
    }
    if (init == INIT_ONES) {
        owned = PyLong_FromLong(1);
        if (owned == NULL) {
            return -1;
        }
        value = owned;
    }
    if (PyLong_CheckExact(value)) {
        /* a weak Python int is stored by value: out of range is an
         * OverflowError under any casting (NEP 50) */
        int rc = 0;
        if (ndm_array_size(arr) > 0) {
            memset(arr->data, 0, (size_t)arr->descr->itemsize);
            rc = ndm_dtype_setitem(arr->descr, arr->data, value);
            if (rc == 0) {
                ndm_creation_replicate(arr, arr->data);
            }
        }
        Py_XDECREF(owned);
        return rc;
    }
    PyObject *v = ndm_creation_from_any(value, NULL, -1, 'K', 0, 1);
    Py_XDECREF(owned);
    if (v == NULL) {
        return -1;
    }
    NdmArray *va = (NdmArray *)v;
    int rc = 0;
    if (va->nd == 0) {
        if (ndm_array_size(arr) > 0) {
            /* cast into the first element, then replicate */
            rc = ndm_creation_copy_strided(arr->data, NULL, arr->descr, va->data, NULL,
                                           va->descr, 0, NULL);
            if (rc == 0) {
                ndm_creation_replicate(arr, arr->data);
            }
        }
    }
    else {
        rc = ndm_array_assign(arr, va, NDM_UNSAFE_CASTING);
    }
    Py_DECREF(v);
    return rc;
}

/* Parse fname's arguments (names[0] required).  full and full_like take
 * fill_value second: it goes to *value and the later arguments move down,
 * so a[] has the positions of the other constructors' parameters. */
static int
parse_fill_args(const char *fname, const char *const *names, int nnames, int npos,
                int init, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                PyObject **a, PyObject **value)
{
    if (ndm_creation_parse_args(fname, names, nnames, npos, 0, args, nargs, kwnames, a) < 0
            || ndm_creation_require_arg(fname, names[0], 0, a[0]) < 0) {
        return -1;
    }
    if (init != INIT_FULL) {
        return 0;
    }
    if (ndm_creation_require_arg(fname, "fill_value", 1, a[1]) < 0) {
        return -1;
    }
    *value = a[1];
    for (int i = 1; i < nnames - 1; i++) {
        a[i] = a[i + 1];
    }
    return 0;
}

static PyObject *
creator(const char *fname, int init, PyObject *const *args, Py_ssize_t nargs,
        PyObject *kwnames)
{
    static const char *const names[] = {"shape", "dtype", "order", "device", "like"};
    static const char *const fnames[] = {"shape", "fill_value", "dtype", "order", "device",
                                         "like"};
    PyObject *a[6];
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd;
    char order = 'C';
    NdmDtype *dtype = NULL;
    PyObject *value = NULL;

    int full = init == INIT_FULL;
    if (parse_fill_args(fname, full ? fnames : names, full ? 6 : 5, full ? 4 : 3, init,
                        args, nargs, kwnames, a, &value) < 0) {
        return NULL;
    }
    if (ndm_creation_conv_shape(a[0], &nd, shape) < 0
            || ndm_creation_conv_order_cf(a[2], &order) < 0
            || ndm_creation_check_device(a[3]) < 0 || ndm_creation_conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    if (dtype == NULL) {
        if (init == INIT_FULL) {
            PyObject *v = ndm_creation_from_any(value, NULL, -1, 'K', 0, 1);
            if (v == NULL) {
                return NULL;
            }
            dtype = ((NdmArray *)v)->descr;
            Py_INCREF(dtype);
            Py_DECREF(v);
        }
        else {
            dtype = ndm_creation_builtin_new(NDM_FLOAT64);
            if (dtype == NULL) {
                return NULL;
            }
        }
    }
    else if (ndm_creation_is_unsized_flexible(dtype) && init != INIT_FULL) {
        Py_SETREF(dtype, ndm_creation_sized_flexible(dtype, 1));
        if (dtype == NULL) {
            return NULL;
        }
    }
    PyObject *r = filled_new(dtype, nd, shape, order, init);
    if (r == NULL) {
        return NULL;
    }
    if (fill_with((NdmArray *)r, init, value) < 0) {
        Py_DECREF(r);
        return NULL;
    }
    return r;
}

static PyObject *
py_empty(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return creator("empty", INIT_EMPTY, args, nargs, kwnames);
}

static PyObject *
py_zeros(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return creator("zeros", INIT_ZEROS, args, nargs, kwnames);
}

static PyObject *
py_ones(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return creator("ones", INIT_ONES, args, nargs, kwnames);
}

static PyObject *
py_full(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return creator("full", INIT_FULL, args, nargs, kwnames);
}

/* ------------------------------------------------------------------ */
/* *_like                                                               */

static PyObject *
like_impl(const char *fname, int init, PyObject *const *args, Py_ssize_t nargs,
          PyObject *kwnames)
{
    static const char *const names[] = {"prototype", "dtype", "order", "subok", "shape",
                                        "device"};
    static const char *const znames[] = {"a", "dtype", "order", "subok", "shape", "device"};
    static const char *const fnames[] = {"a", "fill_value", "dtype", "order", "subok",
                                         "shape", "device"};
    PyObject *a[7];
    PyObject *value = NULL;
    NdmDtype *dtype = NULL;
    char order;
    int subok = 1;
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = -1;
    PyObject *proto = NULL, *r = NULL;

    int full = init == INIT_FULL;
    if (parse_fill_args(fname, full ? fnames : init == INIT_EMPTY ? names : znames,
                        full ? 7 : 6, full ? 6 : 5, init, args, nargs, kwnames, a, &value) < 0) {
        return NULL;
    }
    if (ndm_creation_conv_order(a[2], 'K', &order) < 0 || ndm_creation_check_device(a[5]) < 0) {
        return NULL;
    }
    if (a[3] != NULL && (subok = PyObject_IsTrue(a[3])) < 0) {
        return NULL;
    }
    if (a[4] != NULL && a[4] != Py_None && ndm_creation_conv_shape(a[4], &nd, shape) < 0) {
        return NULL;
    }
    if (ndm_creation_conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    proto = ndm_creation_from_any(a[0], NULL, -1, 'K', 0, 1);
    if (proto == NULL) {
        goto done;
    }
    NdmArray *p = (NdmArray *)proto;
    if (dtype == NULL) {
        dtype = p->descr;
        Py_INCREF(dtype);
    }
    else if (ndm_creation_is_unsized_flexible(dtype)) {
        Py_SETREF(dtype, ndm_creation_sized_flexible(dtype, 1));
        if (dtype == NULL) {
            goto done;
        }
    }
    PyTypeObject *subtype = subok ? Py_TYPE(p) : ndm_state.ndarray_type;
    r = ndm_creation_new_like(p, subtype, dtype, order, nd, nd >= 0 ? shape : NULL,
                              init == INIT_ZEROS || dtype->type_num >= NDM_NNUMERIC);
    dtype = NULL;
    if (r != NULL && fill_with((NdmArray *)r, init, value) < 0) {
        Py_CLEAR(r);
    }
done:
    Py_XDECREF(dtype);
    Py_XDECREF(proto);
    return r;
}

static PyObject *
py_empty_like(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return like_impl("empty_like", INIT_EMPTY, args, nargs, kwnames);
}

static PyObject *
py_zeros_like(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return like_impl("zeros_like", INIT_ZEROS, args, nargs, kwnames);
}

static PyObject *
py_ones_like(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return like_impl("ones_like", INIT_ONES, args, nargs, kwnames);
}

static PyObject *
py_full_like(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return like_impl("full_like", INIT_FULL, args, nargs, kwnames);
}

/* ------------------------------------------------------------------ */
/* arange (NumPy's PyArray_ArangeObj)                                   */

#define INT_FILL(NAME, T)                                          \
    static void fill_##NAME(char *buf, Py_ssize_t length)         \
    {                                                              \
        T *b = (T *)buf;                                           \
        T start = b[0];                                            \
        T delta = (T)(b[1] - start);                               \
        for (Py_ssize_t i = 2; i < length; i++) {                  \
            b[i] = (T)((uint64_t)(int64_t)start                    \
                       + (uint64_t)i * (uint64_t)(int64_t)delta);  \
        }                                                          \
    }

INT_FILL(int8, int8_t)
INT_FILL(uint8, uint8_t)
INT_FILL(int16, int16_t)
INT_FILL(uint16, uint16_t)
INT_FILL(int32, int32_t)
INT_FILL(uint32, uint32_t)
INT_FILL(int64, int64_t)

static void
fill_uint64(char *buf, Py_ssize_t length)
{
    uint64_t *b = (uint64_t *)buf;
    uint64_t start = b[0], delta = b[1] - start;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[i] = start + (uint64_t)i * delta;
    }
}

static void
fill_float32(char *buf, Py_ssize_t length)
{
    float *b = (float *)buf;
    float start = b[0];
    float delta = b[1];
    delta -= start;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[i] = start + (float)i * delta;
    }
}

static void
fill_float64(char *buf, Py_ssize_t length)
{
    double *b = (double *)buf;
    double start = b[0];
    double delta = b[1];
    delta -= start;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[i] = start + (double)i * delta;
    }
}

static void
fill_float16(char *buf, Py_ssize_t length)
{
    ndm_half *b = (ndm_half *)buf;
    float start = ndm_half_to_float(b[0]);
    float delta = ndm_half_to_float(b[1]);
    delta -= start;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[i] = ndm_float_to_half(start + (float)i * delta);
    }
}

static void
fill_complex64(char *buf, Py_ssize_t length)
{
    float *b = (float *)buf;
    float sr = b[0], si = b[1];
    float dr = b[2] - sr, di = b[3] - si;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[2 * i] = sr + (float)i * dr;
        b[2 * i + 1] = si + (float)i * di;
    }
}

static void
fill_complex128(char *buf, Py_ssize_t length)
{
    double *b = (double *)buf;
    double sr = b[0], si = b[1];
    double dr = b[2] - sr, di = b[3] - si;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[2 * i] = sr + (double)i * dr;
        b[2 * i + 1] = si + (double)i * di;
    }
}

static Py_ssize_t
safe_ceil(double value)
{
    double iv = ceil(value);
    if (isnan(iv)) {
        PyErr_SetString(PyExc_ValueError, "arange: cannot compute length");
        return -1;
    }
    if (!((double)PY_SSIZE_T_MIN <= iv && iv <= (double)PY_SSIZE_T_MAX)) {
        PyErr_SetString(PyExc_ValueError, "Maximum allowed size exceeded");
        return -1;
    }
    return (Py_ssize_t)iv;
}

/* NumPy's _calc_length; *next gets start + step when the length is > 0. */
static Py_ssize_t
calc_length(PyObject *start, PyObject *stop, PyObject *step, PyObject **next, int cmplx)
{
    Py_ssize_t len = 0;
    *next = NULL;
    PyObject *diff = PyNumber_Subtract(stop, start);
    if (diff == NULL) {
        if (PyTuple_Check(stop)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError,
                            "arange: scalar arguments expected instead of a tuple.");
        }
        return -1;
    }
    PyObject *zero = PyLong_FromLong(0);
    if (zero == NULL) {
        Py_DECREF(diff);
        return -1;
    }
    int nonzero = PyObject_RichCompareBool(diff, zero, Py_NE);
    PyObject *val = PyNumber_TrueDivide(diff, step);
    Py_DECREF(diff);
    if (nonzero < 0) {
        Py_DECREF(zero);
        Py_XDECREF(val);
        return -1;
    }
    if (!nonzero) {
        Py_DECREF(zero);
        if (val == NULL) {
            return -1;      /* a zero step: ZeroDivisionError even when empty, as NumPy */
        }
        Py_DECREF(val);
        return 0;
    }
    if (val == NULL) {
        Py_DECREF(zero);
        return -1;
    }
    int val_is_zero = PyObject_RichCompareBool(val, zero, Py_EQ);
    Py_DECREF(zero);
    if (val_is_zero < 0) {
        Py_DECREF(val);
        return -1;
    }
    if (cmplx && PyComplex_Check(val)) {
        Py_complex c = PyComplex_AsCComplex(val);
        Py_DECREF(val);
        if (c.real == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        Py_ssize_t l1 = safe_ceil(c.real);
        if (l1 == -1 && PyErr_Occurred()) {
            return -1;
        }
        Py_ssize_t l2 = safe_ceil(c.imag);
        if (l2 == -1 && PyErr_Occurred()) {
            return -1;
        }
        len = l1 < l2 ? l1 : l2;
    }
    else {
        double value = PyFloat_AsDouble(val);
        Py_DECREF(val);
        if (value == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        if (val_is_zero) {
            len = 1;
        }
        else {
            len = safe_ceil(value);
            if (len == -1 && PyErr_Occurred()) {
                return -1;
            }
        }
    }
    if (len > 0) {
        *next = PyNumber_Add(start, step);
        if (*next == NULL) {
            return -1;
        }
    }
    return len;
}

static PyObject *
arange_obj(PyObject *start, PyObject *stop, PyObject *step, NdmDtype *dtype_in)
{
    NdmDtype *dtype = NULL, *native = NULL;
    PyObject *range = NULL, *next = NULL, *result = NULL;
    PyObject *zero = NULL, *one = NULL;

    if ((start != NULL && PyTuple_Check(start)) || (stop != NULL && PyTuple_Check(stop))
            || (step != NULL && PyTuple_Check(step))) {
        PyErr_SetString(PyExc_TypeError, "arange: scalar arguments expected instead of a tuple.");
        return NULL;
    }
    if (dtype_in == NULL) {
        dtype = ndm_creation_builtin_new(NDM_INT64);
        PyObject *vals[3] = {start, stop, step};
        for (int i = 0; i < 3 && dtype != NULL; i++) {
            if (vals[i] == NULL || vals[i] == Py_None) {
                continue;
            }
            NdmDtype *t;
            if (NdmArray_Check(vals[i])) {
                t = ((NdmArray *)vals[i])->descr;
                Py_INCREF(t);
            }
            else {
                t = ndm_dtype_discover(vals[i]);
            }
            if (t == NULL) {
                Py_CLEAR(dtype);
                break;
            }
            Py_SETREF(dtype, ndm_dtype_promote(dtype, t));
            Py_DECREF(t);
        }
        if (dtype == NULL) {
            return NULL;
        }
    }
    else {
        dtype = dtype_in;
        Py_INCREF(dtype);
    }
    if (dtype->type_num >= NDM_NNUMERIC) {
        PyErr_Format(PyExc_TypeError,
                     "arange() not supported for inputs with DType <class 'numpy.dtypes.%s'>.",
                     dtype->type_num == NDM_UNICODE ? "StrDType"
                     : dtype->type_num == NDM_BYTES ? "BytesDType" : "VoidDType");
        goto fail;
    }
    if (step == NULL || step == Py_None) {
        one = PyLong_FromLong(1);
        if (one == NULL) {
            goto fail;
        }
        step = one;
    }
    if (stop == NULL || stop == Py_None) {
        stop = start;
        zero = PyLong_FromLong(0);
        if (zero == NULL) {
            goto fail;
        }
        start = zero;
    }
    int cmplx = dtype->type_num == NDM_COMPLEX64 || dtype->type_num == NDM_COMPLEX128;
    Py_ssize_t length = calc_length(start, stop, step, &next, cmplx);
    if (length < 0 && PyErr_Occurred()) {
        goto fail;
    }
    if (length <= 0) {
        length = 0;
        result = ndm_array_new(ndm_state.ndarray_type, dtype, 1, &length, NULL, NULL, 0, NULL);
        dtype = NULL;
        goto done;
    }
    if (dtype->type_num == NDM_BOOL && length > 2) {
        PyErr_SetString(PyExc_TypeError, "arange() is only supported for booleans when the "
                        "result has at most length 2.");
        goto fail;
    }
    native = ndm_dtype_native(dtype);
    if (native == NULL) {
        goto fail;
    }
    Py_INCREF(native);
    range = ndm_array_new(ndm_state.ndarray_type, native, 1, &length, NULL, NULL, 0, NULL);
    if (range == NULL) {
        goto fail;
    }
    char *data = ((NdmArray *)range)->data;
    if (ndm_dtype_setitem(native, data, start) < 0) {
        goto fail;
    }
    if (length > 1 && ndm_dtype_setitem(native, data + native->itemsize, next) < 0) {
        goto fail;
    }
    if (length > 2) {
        switch (native->type_num) {
            case NDM_INT8: fill_int8(data, length); break;
            case NDM_UINT8: fill_uint8(data, length); break;
            case NDM_INT16: fill_int16(data, length); break;
            case NDM_UINT16: fill_uint16(data, length); break;
            case NDM_INT32: fill_int32(data, length); break;
            case NDM_UINT32: fill_uint32(data, length); break;
            case NDM_INT64: fill_int64(data, length); break;
            case NDM_UINT64: fill_uint64(data, length); break;
            case NDM_FLOAT16: fill_float16(data, length); break;
            case NDM_FLOAT32: fill_float32(data, length); break;
            case NDM_FLOAT64: fill_float64(data, length); break;
            case NDM_COMPLEX64: fill_complex64(data, length); break;
            case NDM_COMPLEX128: fill_complex128(data, length); break;
            default:
                PyErr_SetString(PyExc_ValueError, "no fill-function for data-type.");
                goto fail;
        }
    }
    if (native == dtype || ndm_dtype_equiv(native, dtype)) {
        result = range;
        range = NULL;
    }
    else {
        Py_INCREF(dtype);
        result = ndm_array_new(ndm_state.ndarray_type, dtype, 1, &length, NULL, NULL, 0, NULL);
        if (result == NULL || ndm_creation_copy_into((NdmArray *)result, (NdmArray *)range) < 0) {
            Py_CLEAR(result);
        }
    }
    goto done;

fail:
    result = NULL;
done:
    Py_XDECREF(native);
    Py_XDECREF(dtype);
    Py_XDECREF(range);
    Py_XDECREF(next);
    Py_XDECREF(zero);
    Py_XDECREF(one);
    return result;
}

static PyObject *
py_arange(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"start", "stop", "step", "dtype", "device", "like"};
    PyObject *a[6];
    NdmDtype *dtype = NULL;

    /* fast path: arange(n) with a small Python int */
    if (nargs == 1 && kwnames == NULL && PyLong_CheckExact(args[0])) {
        int overflow;
        long long n = PyLong_AsLongLongAndOverflow(args[0], &overflow);
        if (!overflow && !(n == -1 && PyErr_Occurred())) {
            Py_ssize_t len = n > 0 ? (Py_ssize_t)n : 0;
            NdmDtype *d = ndm_creation_builtin_new(NDM_INT64);
            if (d == NULL) {
                return NULL;
            }
            PyObject *r = ndm_array_new(ndm_state.ndarray_type, d, 1, &len, NULL, NULL, 0, NULL);
            if (r == NULL) {
                return NULL;
            }
            int64_t *p = (int64_t *)((NdmArray *)r)->data;
            for (Py_ssize_t i = 0; i < len; i++) {
                p[i] = i;
            }
            return r;
        }
        PyErr_Clear();
    }
    if (ndm_creation_parse_args("arange", names, 6, 4, 0, args, nargs, kwnames, a) < 0) {
        return NULL;
    }
    if (ndm_creation_check_device(a[4]) < 0) {
        return NULL;
    }
    PyObject *start = a[0], *stop = a[1], *step = a[2];
    if (stop == NULL) {
        if (start == NULL) {
            PyErr_SetString(PyExc_TypeError, "arange() requires stop to be specified.");
            return NULL;
        }
    }
    else if (start == NULL) {
        start = stop;
        stop = NULL;
    }
    if (ndm_creation_conv_dtype(a[3], &dtype) < 0) {
        return NULL;
    }
    PyObject *r = arange_obj(start, stop, step, dtype);
    Py_XDECREF(dtype);
    return r;
}

/* ------------------------------------------------------------------ */
/* linspace (numpy/_core/function_base.py)                              */

/* The value of x after one operation rounded to the computation type. */
static double
lin_round(int t, double x)
{
    switch (t) {
        case NDM_FLOAT32: case NDM_COMPLEX64:
            return (double)(float)x;
        case NDM_FLOAT16:
            return ndm_half_to_double(ndm_float_to_half((float)x));
        default:
            return x;
    }
}

static int
lin_is_weak(PyObject *o)
{
    return (PyFloat_Check(o) || PyLong_Check(o) || PyComplex_Check(o)) && !ndm_scalar_check(o)
           && !NdmArray_Check(o);
}

/* NumPy's _array_converter(start, stop).result_type(ensure_inexact=True). */
static NdmDtype *
lin_result_type(PyObject *start, PyObject *stop, NdmArray *sa, NdmArray *ea)
{
    NdmDtype *strong = NULL;
    int weak_complex = 0;
    PyObject *objs[2] = {start, stop};
    NdmArray *arrs[2] = {sa, ea};
    for (int i = 0; i < 2; i++) {
        if (lin_is_weak(objs[i])) {
            weak_complex |= PyComplex_Check(objs[i]);
            continue;
        }
        NdmDtype *d = arrs[i]->descr;
        if (strong == NULL) {
            Py_INCREF(d);
            strong = d;
        }
        else {
            Py_SETREF(strong, ndm_dtype_promote(strong, d));
            if (strong == NULL) {
                return NULL;
            }
        }
    }
    int t;
    if (strong == NULL) {
        t = weak_complex ? NDM_COMPLEX128 : NDM_FLOAT64;
    }
    else {
        int s = strong->type_num;
        Py_DECREF(strong);
        switch (s) {
            case NDM_FLOAT16: case NDM_FLOAT32:
                t = weak_complex ? NDM_COMPLEX64 : s;
                break;
            case NDM_FLOAT64:
                t = weak_complex ? NDM_COMPLEX128 : s;
                break;
            case NDM_COMPLEX64: case NDM_COMPLEX128:
                t = s;
                break;
            default:
                if (s >= NDM_NNUMERIC) {
                    PyErr_SetString(PyExc_TypeError,
                                    "linspace: start and stop must be numbers");
                    return NULL;
                }
                t = weak_complex ? NDM_COMPLEX128 : NDM_FLOAT64;
        }
    }
    return ndm_creation_builtin_new(t);
}

static void
lin_store(int t, char *p, double re, double im)
{
    switch (t) {
        case NDM_FLOAT16: {
            ndm_half h = ndm_float_to_half((float)re);
            memcpy(p, &h, 2);
            break;
        }
        case NDM_FLOAT32: {
            float f = (float)re;
            memcpy(p, &f, 4);
            break;
        }
        case NDM_COMPLEX64: {
            float f[2] = {(float)re, (float)im};
            memcpy(p, f, 8);
            break;
        }
        case NDM_COMPLEX128: {
            double f[2] = {re, im};
            memcpy(p, f, 16);
            break;
        }
        default:
            memcpy(p, &re, 8);
    }
}

/* The common float64 case of the fill below without its per-element type
 * switches: the same i * step + start, each rounded to double. */
static void
lin_fill_float64(double *restrict y, Py_ssize_t num, Py_ssize_t m, const double *work,
                 int endpoint)
{
    for (Py_ssize_t i = 0; i < num; i++) {
        double fi = (double)i;
        for (Py_ssize_t k = 0; k < m; k++) {
            y[i * m + k] = fi * work[8 * k + 6] + work[8 * k];
        }
    }
    if (endpoint && num > 1) {
        for (Py_ssize_t k = 0; k < m; k++) {
            y[(num - 1) * m + k] = work[8 * k + 2];
        }
    }
}

/* Offset of the broadcast element at flat index k of shape (nd, shape)
 * in an operand with its own (ond, oshape) and element stride 16. */
static Py_ssize_t
lin_offset(Py_ssize_t k, int nd, const Py_ssize_t *shape, int ond, const Py_ssize_t *oshape)
{
    Py_ssize_t off = 0, mult = 1;
    for (int i = nd - 1; i >= 0; i--) {
        Py_ssize_t idx = k % shape[i];
        k /= shape[i];
        int oi = i - (nd - ond);
        if (oi >= 0) {
            if (oshape[oi] != 1) {
                off += idx * mult;
            }
            mult *= oshape[oi];
        }
    }
    return off;
}

static PyObject *
py_linspace(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"start", "stop", "num", "endpoint", "retstep",
                                        "dtype", "axis", "device"};
    PyObject *a[8];
    NdmDtype *dtype = NULL, *dt = NULL, *c16 = NULL;
    PyObject *sa = NULL, *ea = NULL, *sc = NULL, *ec = NULL;
    PyObject *y = NULL, *stepobj = NULL, *result = NULL;
    double *work = NULL;
    Py_ssize_t num = 50;
    int endpoint = 1, retstep = 0;
    long axis = 0;

    if (ndm_creation_parse_args("linspace", names, 8, 7, 0, args, nargs, kwnames, a) < 0
            || ndm_creation_require_arg("linspace", "start", 0, a[0]) < 0
            || ndm_creation_require_arg("linspace", "stop", 1, a[1]) < 0
            || ndm_creation_check_device(a[7]) < 0) {
        return NULL;
    }
    if (a[2] != NULL) {
        PyObject *idx = PyNumber_Index(a[2]);
        if (idx == NULL) {
            return NULL;
        }
        num = PyLong_AsSsize_t(idx);
        Py_DECREF(idx);
        if (num == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (num < 0) {
            PyErr_Format(PyExc_ValueError, "Number of samples, %zd, must be non-negative.", num);
            return NULL;
        }
    }
    if (a[3] != NULL && (endpoint = PyObject_IsTrue(a[3])) < 0) {
        return NULL;
    }
    if (a[4] != NULL && (retstep = PyObject_IsTrue(a[4])) < 0) {
        return NULL;
    }
    if (a[6] != NULL) {
        axis = PyLong_AsLong(a[6]);
        if (axis == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    long axis_raw = axis;
    if (ndm_creation_conv_dtype(a[5], &dtype) < 0) {
        return NULL;
    }
    sa = ndm_creation_from_any(a[0], NULL, -1, 'K', 0, 1);
    ea = sa ? ndm_creation_from_any(a[1], NULL, -1, 'K', 0, 1) : NULL;
    if (ea == NULL) {
        goto fail;
    }
    dt = lin_result_type(a[0], a[1], (NdmArray *)sa, (NdmArray *)ea);
    if (dt == NULL) {
        goto fail;
    }
    int t = dt->type_num;
    int cplx = t == NDM_COMPLEX64 || t == NDM_COMPLEX128;

    /* broadcast the shapes of start and stop */
    NdmArray *s_arr = (NdmArray *)sa, *e_arr = (NdmArray *)ea;
    int bnd = s_arr->nd > e_arr->nd ? s_arr->nd : e_arr->nd;
    Py_ssize_t bshape[NDM_MAXDIMS];
    for (int i = 0; i < bnd; i++) {
        int si = i - (bnd - s_arr->nd), ei = i - (bnd - e_arr->nd);
        Py_ssize_t ds = si >= 0 ? s_arr->shape[si] : 1;
        Py_ssize_t de = ei >= 0 ? e_arr->shape[ei] : 1;
        if (ds != de && ds != 1 && de != 1) {
            PyErr_SetString(PyExc_ValueError,
                            "operands could not be broadcast together (linspace start/stop)");
            goto fail;
        }
        bshape[i] = ds == 1 ? de : ds;
    }
    if (bnd + 1 > NDM_MAXDIMS) {
        PyErr_SetString(PyExc_ValueError, "linspace: too many dimensions");
        goto fail;
    }
    if (axis < 0) {
        axis += bnd + 1;
    }
    if (axis < 0 || axis > bnd) {
        PyErr_Format(PyExc_ValueError, "axis %ld is out of bounds for array of dimension %d",
                     axis_raw, bnd + 1);
        goto fail;
    }
    Py_ssize_t m = 1;
    for (int i = 0; i < bnd; i++) {
        m *= bshape[i];
    }

    /* start and stop as packed complex128, values rounded to the type */
    c16 = ndm_creation_builtin_new(NDM_COMPLEX128);
    if (c16 == NULL) {
        goto fail;
    }
    sc = ndm_creation_from_array(s_arr, c16, 1, 'C', 0, 0);
    ec = sc ? ndm_creation_from_array(e_arr, c16, 1, 'C', 0, 0) : NULL;
    if (ec == NULL) {
        goto fail;
    }
    NdmArray *scA = (NdmArray *)sc, *ecA = (NdmArray *)ec;
    /* work: per broadcast element start, stop, delta, step (re, im each) */
    work = PyMem_Malloc((size_t)(m > 0 ? m : 1) * 8 * sizeof(double));
    if (work == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t div = endpoint ? num - 1 : num;
    double rdiv = lin_round(t, (double)div);
    int any_zero = 0;
    for (Py_ssize_t k = 0; k < m; k++) {
        double *w = work + 8 * k;
        const double *sp = (const double *)scA->data
                           + 2 * lin_offset(k, bnd, bshape, scA->nd, scA->shape);
        const double *ep = (const double *)ecA->data
                           + 2 * lin_offset(k, bnd, bshape, ecA->nd, ecA->shape);
        w[0] = lin_round(t, sp[0]);
        w[1] = cplx ? lin_round(t, sp[1]) : 0.0;
        w[2] = lin_round(t, ep[0]);
        w[3] = cplx ? lin_round(t, ep[1]) : 0.0;
        w[4] = lin_round(t, w[2] - w[0]);
        w[5] = cplx ? lin_round(t, w[3] - w[1]) : 0.0;
        if (div > 0) {
            if (cplx) {
                /* NumPy's complex division by (div + 0j) (Smith) */
                double scl = lin_round(t, 1.0 / rdiv);
                w[6] = lin_round(t, lin_round(t, w[4] + lin_round(t, w[5] * 0.0)) * scl);
                w[7] = lin_round(t, lin_round(t, w[5] - lin_round(t, w[4] * 0.0)) * scl);
                any_zero |= (w[6] == 0 && w[7] == 0);
            }
            else {
                w[6] = lin_round(t, w[4] / rdiv);
                w[7] = 0.0;
                any_zero |= (w[6] == 0);
            }
        }
        else {
            w[6] = w[7] = NAN;
        }
    }

    /* y, shape (num,) + broadcast shape, C order */
    Py_ssize_t yshape[NDM_MAXDIMS];
    yshape[0] = num;
    for (int i = 0; i < bnd; i++) {
        yshape[i + 1] = bshape[i];
    }
    Py_INCREF(dt);
    y = ndm_array_new(ndm_state.ndarray_type, dt, bnd + 1, yshape, NULL, NULL, 0, NULL);
    if (y == NULL) {
        goto fail;
    }
    char *out = ((NdmArray *)y)->data;
    Py_ssize_t isz = dt->itemsize;
    double scl = cplx && div > 0 ? lin_round(t, 1.0 / rdiv) : 0.0;
    if (t == NDM_FLOAT64 && div > 0 && !any_zero)
        lin_fill_float64((double *)(void *)out, num, m, work, endpoint);
    else
    for (Py_ssize_t i = 0; i < num; i++) {
        double fi = lin_round(t, (double)i);
        for (Py_ssize_t k = 0; k < m; k++) {
            const double *w = work + 8 * k;
            double re, im = 0.0;
            if (div > 0 && !any_zero) {
                if (cplx) {
                    re = lin_round(t, lin_round(t, fi * w[6]) - lin_round(t, 0.0 * w[7]));
                    im = lin_round(t, lin_round(t, fi * w[7]) + lin_round(t, 0.0 * w[6]));
                }
                else {
                    re = lin_round(t, fi * w[6]);
                }
            }
            else if (div > 0) {
                if (cplx) {
                    double qr = lin_round(t, lin_round(t, fi + lin_round(t, 0.0 * 0.0)) * scl);
                    double qi = lin_round(t, lin_round(t, 0.0 - lin_round(t, fi * 0.0)) * scl);
                    re = lin_round(t, lin_round(t, qr * w[4]) - lin_round(t, qi * w[5]));
                    im = lin_round(t, lin_round(t, qr * w[5]) + lin_round(t, qi * w[4]));
                }
                else {
                    re = lin_round(t, lin_round(t, fi / rdiv) * w[4]);
                }
            }
            else {
                if (cplx) {
                    re = lin_round(t, lin_round(t, fi * w[4]) - lin_round(t, 0.0 * w[5]));
                    im = lin_round(t, lin_round(t, fi * w[5]) + lin_round(t, 0.0 * w[4]));
                }
                else {
                    re = lin_round(t, fi * w[4]);
                }
            }
            re = lin_round(t, re + w[0]);
            im = cplx ? lin_round(t, im + w[1]) : 0.0;
            if (endpoint && num > 1 && i == num - 1) {
                re = w[2];
                im = w[3];
            }
            lin_store(t, out + (i * m + k) * isz, re, im);
        }
    }

    /* step: a scalar, an array, or NaN when undefined */
    if (retstep) {
        if (div <= 0) {
            stepobj = PyFloat_FromDouble(NAN);
        }
        else if (bnd == 0) {
            char buf[16];
            lin_store(t, buf, work[6], work[7]);
            stepobj = ndm_scalar_from_data(dt, buf, NULL);
        }
        else {
            Py_INCREF(dt);
            stepobj = ndm_array_new(ndm_state.ndarray_type, dt, bnd, bshape, NULL, NULL, 0, NULL);
            if (stepobj != NULL) {
                for (Py_ssize_t k = 0; k < m; k++) {
                    lin_store(t, ((NdmArray *)stepobj)->data + k * isz, work[8 * k + 6],
                              work[8 * k + 7]);
                }
            }
        }
        if (stepobj == NULL) {
            goto fail;
        }
    }

    /* scalar start/stop: NumPy scales arange(num).reshape(-1) in place, so
     * the result is a view of a hidden array */
    if (bnd == 0 && div > 0) {
        NdmArray *ya = (NdmArray *)y;
        Py_INCREF(ya->descr);
        PyObject *v = ndm_array_view(ya, ya->descr, ya->nd, ya->shape, ya->strides, ya->data,
                                     NULL);
        if (v == NULL) {
            goto fail;
        }
        Py_SETREF(y, v);
    }

    /* moveaxis(y, 0, axis): a view */
    if (axis_raw != 0) {
        NdmArray *ya = (NdmArray *)y;
        Py_ssize_t vshape[NDM_MAXDIMS], vstrides[NDM_MAXDIMS];
        int j = 0;
        for (int i = 1; i <= bnd; i++) {
            if (j == axis) {
                vshape[j] = ya->shape[0];
                vstrides[j] = ya->strides[0];
                j++;
            }
            vshape[j] = ya->shape[i];
            vstrides[j] = ya->strides[i];
            j++;
        }
        if (j == axis) {
            vshape[j] = ya->shape[0];
            vstrides[j] = ya->strides[0];
        }
        Py_INCREF(ya->descr);
        PyObject *v = ndm_array_view(ya, ya->descr, ya->nd, vshape, vstrides, ya->data, NULL);
        if (v == NULL) {
            goto fail;
        }
        Py_SETREF(y, v);
    }

    /* astype(dtype, copy=False), flooring first for integer types */
    if (dtype != NULL && !(dtype == dt || ndm_dtype_equiv(dtype, dt))) {
        NdmArray *ya = (NdmArray *)y;
        int k = dtype->kind;
        if ((k == 'i' || k == 'u') && !cplx) {
            /* floor(y, out=y): every element, through the packed owner */
            NdmArray *own = ya->base != NULL ? (NdmArray *)ya->base : ya;
            Py_ssize_t n = ndm_array_size(own);
            for (Py_ssize_t q = 0; q < n; q++) {
                char *p = own->data + q * isz;
                double v;
                if (t == NDM_FLOAT16) {
                    ndm_half h;
                    memcpy(&h, p, 2);
                    v = ndm_half_to_double(h);
                }
                else if (t == NDM_FLOAT32) {
                    float f;
                    memcpy(&f, p, 4);
                    v = f;
                }
                else {
                    memcpy(&v, p, 8);
                }
                lin_store(t, p, floor(v), 0.0);
            }
        }
        Py_INCREF(dtype);
        PyObject *conv = ndm_creation_new_like(ya, ndm_state.ndarray_type, dtype, 'K', -1, NULL, 0);
        if (conv == NULL || ndm_creation_copy_into((NdmArray *)conv, ya) < 0) {
            Py_XDECREF(conv);
            goto fail;
        }
        Py_SETREF(y, conv);
    }
    if (retstep) {
        result = PyTuple_Pack(2, y, stepobj);
    }
    else {
        result = y;
        Py_INCREF(y);
    }
fail:
    PyMem_Free(work);
    Py_XDECREF(y);
    Py_XDECREF(stepobj);
    Py_XDECREF(sa);
    Py_XDECREF(ea);
    Py_XDECREF(sc);
    Py_XDECREF(ec);
    Py_XDECREF(c16);
    Py_XDECREF(dt);
    Py_XDECREF(dtype);
    return result;
}

/* ------------------------------------------------------------------ */
/* eye, frombuffer                                                      */

static PyObject *
py_eye(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"N", "M", "k", "dtype", "order", "device", "like"};
    PyObject *a[7];
    NdmDtype *dtype = NULL;
    char order;
    Py_ssize_t n, m, k = 0;

    if (ndm_creation_parse_args("eye", names, 7, 5, 0, args, nargs, kwnames, a) < 0
            || ndm_creation_require_arg("eye", "N", 0, a[0]) < 0) {
        return NULL;
    }
    n = PyNumber_AsSsize_t(a[0], PyExc_OverflowError);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    m = n;
    if (a[1] != NULL && a[1] != Py_None) {
        m = PyNumber_AsSsize_t(a[1], PyExc_OverflowError);
        if (m == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (a[2] != NULL) {
        k = PyNumber_AsSsize_t(a[2], PyExc_OverflowError);
        if (k == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (ndm_creation_conv_order_cf(a[4], &order) < 0 || ndm_creation_check_device(a[5]) < 0) {
        return NULL;
    }
    if (a[3] == NULL) {
        dtype = ndm_creation_builtin_new(NDM_FLOAT64);
        if (dtype == NULL) {
            return NULL;
        }
    }
    else if (ndm_creation_conv_dtype(a[3], &dtype) < 0) {
        return NULL;
    }
    else if (dtype == NULL) {
        dtype = ndm_creation_builtin_new(NDM_FLOAT64);
        if (dtype == NULL) {
            return NULL;
        }
    }
    Py_ssize_t shape[2] = {n, m};
    PyObject *r = ndm_array_new(ndm_state.ndarray_type, dtype, 2, shape, NULL, NULL,
                                NDM_NEW_ZEROED | (order == 'F' ? NDM_NEW_FORTRAN : 0), NULL);
    if (r == NULL) {
        return NULL;
    }
    NdmArray *arr = (NdmArray *)r;
    if (k >= m || -k >= n || ndm_array_size(arr) == 0) {
        return r;
    }
    Py_ssize_t i0 = k >= 0 ? 0 : -k, j0 = k >= 0 ? k : 0;
    char *first = arr->data + i0 * arr->strides[0] + j0 * arr->strides[1];
    PyObject *one = PyLong_FromLong(1);
    if (one == NULL || ndm_dtype_setitem(arr->descr, first, one) < 0) {
        Py_XDECREF(one);
        Py_DECREF(r);
        return NULL;
    }
    Py_DECREF(one);
    Py_ssize_t step = arr->strides[0] + arr->strides[1];
    for (Py_ssize_t i = i0 + 1, j = j0 + 1; i < n && j < m; i++, j++) {
        memcpy(first + (i - i0) * step, first, (size_t)arr->descr->itemsize);
    }
    return r;
}

static PyObject *
py_frombuffer(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"buffer", "dtype", "count", "offset", "like"};
    PyObject *a[5];
    NdmDtype *dtype = NULL;
    Py_ssize_t count = -1, offset = 0;
    char *data;
    Py_ssize_t len;
    int readonly = 0;

    if (ndm_creation_parse_args("frombuffer", names, 5, 4, 0, args, nargs, kwnames, a) < 0
            || ndm_creation_require_arg("frombuffer", "buffer", 0, a[0]) < 0) {
        return NULL;
    }
    if (a[2] != NULL) {
        count = PyNumber_AsSsize_t(a[2], PyExc_OverflowError);
        if (count == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (a[3] != NULL) {
        offset = PyNumber_AsSsize_t(a[3], PyExc_OverflowError);
        if (offset == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (ndm_creation_conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    if (dtype == NULL && (dtype = ndm_creation_builtin_new(NDM_FLOAT64)) == NULL) {
        return NULL;
    }
    PyObject *base = ndm_buffer_acquire(a[0], 0, &data, &len, &readonly, NULL);
    if (base == NULL) {
        Py_DECREF(dtype);
        return NULL;
    }
    if (offset < 0 || offset > len) {
        PyErr_Format(PyExc_ValueError,
                     "offset must be non-negative and no greater than buffer length (%zd)", len);
        goto fail;
    }
    data += offset;
    Py_ssize_t s = len - offset;
    Py_ssize_t itemsize = dtype->itemsize;
    Py_ssize_t n = count;
    if (n < 0) {
        if (itemsize == 0) {
            PyErr_SetString(PyExc_ValueError, "cannot determine count if itemsize is 0");
            goto fail;
        }
        if (s % itemsize != 0) {
            PyErr_SetString(PyExc_ValueError, "buffer size must be a multiple of element size");
            goto fail;
        }
        n = s / itemsize;
    }
    else if (itemsize != 0 && n > s / itemsize) {
        PyErr_SetString(PyExc_ValueError, "buffer is smaller than requested size");
        goto fail;
    }
    static char empty_data[16];
    Py_ssize_t stride = itemsize;
    PyObject *r = ndm_array_new(ndm_state.ndarray_type, dtype, 1, &n, &stride,
                                data ? data : empty_data,
                                readonly ? 0 : NDM_WRITEABLE, base);
    Py_DECREF(base);
    return r;

fail:
    Py_DECREF(dtype);
    Py_DECREF(base);
    return NULL;
}

#define FASTKW(name, fn, doc) {name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL | METH_KEYWORDS, doc}

static PyMethodDef ranges_methods[] = {
    FASTKW("empty", py_empty,
           "empty(shape, dtype=None, order='C', *, device=None, like=None)\n\n"
           "Return a new array of given shape and type, without initializing entries."),
    FASTKW("zeros", py_zeros,
           "zeros(shape, dtype=None, order='C', *, device=None, like=None)\n\n"
           "Return a new array of given shape and type, filled with zeros."),
    FASTKW("ones", py_ones,
           "ones(shape, dtype=None, order='C', *, device=None, like=None)\n\n"
           "Return a new array of given shape and type, filled with ones."),
    FASTKW("full", py_full,
           "full(shape, fill_value, dtype=None, order='C', *, device=None, like=None)\n\n"
           "Return a new array of given shape and type, filled with fill_value."),
    FASTKW("empty_like", py_empty_like,
           "empty_like(prototype, /, dtype=None, order='K', subok=True, shape=None, *, "
           "device=None)\n\nReturn a new array with the same shape and type as a given array."),
    FASTKW("zeros_like", py_zeros_like,
           "zeros_like(a, dtype=None, order='K', subok=True, shape=None, *, device=None)\n\n"
           "Return an array of zeros with the same shape and type as a given array."),
    FASTKW("ones_like", py_ones_like,
           "ones_like(a, dtype=None, order='K', subok=True, shape=None, *, device=None)\n\n"
           "Return an array of ones with the same shape and type as a given array."),
    FASTKW("full_like", py_full_like,
           "full_like(a, fill_value, dtype=None, order='K', subok=True, shape=None, *, "
           "device=None)\n\nReturn a full array with the same shape and type as a given array."),
    FASTKW("arange", py_arange,
           "arange([start,] stop[, step,], dtype=None, *, device=None, like=None)\n\n"
           "Return evenly spaced values within a given interval."),
    FASTKW("linspace", py_linspace,
           "linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, "
           "*, device=None)\n\nReturn evenly spaced numbers over a specified interval."),
    FASTKW("eye", py_eye,
           "eye(N, M=None, k=0, dtype=float, order='C', *, device=None, like=None)\n\n"
           "Return a 2-D array with ones on the diagonal and zeros elsewhere."),
    FASTKW("frombuffer", py_frombuffer,
           "frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None)\n\n"
           "Interpret a buffer as a 1-dimensional array."),
    {NULL, NULL, 0, NULL},
};

int
ndm_creation_ranges_init(PyObject *module)
{
    return PyModule_AddFunctions(module, ranges_methods);
}
