/* ndmem.generic's attributes and methods (item, dtype, shape, real/imag,
 * astype, round, pickling, the methods forwarded to a 0-d array ...) and
 * those of number, integer and floating. */
#include "scalar.h"
#include "scalar_internal.h"
#include "ndarray.h"
#include <complex.h>
#include <math.h>
#include <float.h>
#include <stdlib.h>
#include <stdio.h>

/* ------------------------------------------------------------------ */
/* generic: attributes and methods                                    */
/* ------------------------------------------------------------------ */

PyObject *
ndm_scalar_gen_item_obj(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return ndm_scalar_num_to_python(t, num_ptr(self, t));
    }
    if (t == NDM_UNICODE || t == NDM_BYTES) {
        return ndm_scalar_flex_stripped(self);
    }
    if (t == NDM_VOID) {
        return ndm_scalar_void_item((VoidScalar *)self);
    }
    PyErr_SetString(PyExc_TypeError, "not an ndmem scalar");
    return NULL;
}

static PyObject *
gen_item(PyObject *self, PyObject *args)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (n > 1 || (n == 1 && !(PyTuple_GET_ITEM(args, 0) == Py_None))) {
        /* a.item(0) / a.item((,)) on a 0-d value: only 0 / () allowed */
        PyObject *a = n == 1 ? PyTuple_GET_ITEM(args, 0) : NULL;
        if (n == 1 && PyTuple_Check(a) && PyTuple_GET_SIZE(a) == 0) {
            return ndm_scalar_gen_item_obj(self);
        }
        if (n == 1 && PyIndex_Check(a)) {
            Py_ssize_t i = PyNumber_AsSsize_t(a, PyExc_IndexError);
            if (i == -1 && PyErr_Occurred()) {
                return NULL;
            }
            if (i == 0 || i == -1) {
                return ndm_scalar_gen_item_obj(self);
            }
            PyErr_Format(PyExc_IndexError, "index %zd is out of bounds for size 1", i);
            return NULL;
        }
        PyErr_SetString(PyExc_ValueError, "incorrect number of indices for array");
        return NULL;
    }
    return ndm_scalar_gen_item_obj(self);
}

static PyObject *
gen_tolist(PyObject *self, PyObject *Py_UNUSED(ig))
{
    return ndm_scalar_gen_item_obj(self);
}

static PyObject *
gen_get_dtype(PyObject *self, void *Py_UNUSED(c))
{
    return (PyObject *)ndm_scalar_get_dtype(self);
}

static Py_ssize_t
gen_itemsize_of(PyObject *self)
{
    int t = ndm_scalar_typenum(self);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return ndm_scalar_num_sizes[t];
    }
    if (t == NDM_UNICODE) {
        return 4 * PyUnicode_GET_LENGTH(self);
    }
    if (t == NDM_BYTES) {
        return PyBytes_GET_SIZE(self);
    }
    if (t == NDM_VOID) {
        return ((VoidScalar *)self)->descr->itemsize;
    }
    return 0;
}

static PyObject *
gen_get_itemsize(PyObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromSsize_t(gen_itemsize_of(self));
}

static PyObject *
gen_get_shape(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyTuple_New(0);
}

static PyObject *
gen_get_ndim(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyLong_FromLong(0);
}

static PyObject *
gen_get_size(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyLong_FromLong(1);
}

static PyObject *
gen_get_base(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    Py_RETURN_NONE;
}

static PyObject *
gen_get_T(PyObject *self, void *Py_UNUSED(c))
{
    Py_INCREF(self);
    return self;
}

static PyObject *
real_or_imag(PyObject *self, int imag)
{
    int t = ndm_scalar_typenum(self);
    if (t < 0 || t >= NDM_NNUMERIC) {
        if (!imag) {
            Py_INCREF(self);
            return self;
        }
        NdmDtype *d = ndm_scalar_get_dtype(self);
        if (d == NULL) {
            return NULL;
        }
        char zero[64] = {0};
        PyObject *r = d->itemsize <= 64 ? ndm_scalar_from_data(d, zero, NULL)
                                        : PyLong_FromLong(0);
        Py_DECREF(d);
        return r;
    }
    const char *p = num_ptr(self, t);
    if (t == NDM_COMPLEX64) {
        float f[2];
        memcpy(f, p, 8);
        return ndm_scalar_new(NDM_FLOAT32, &f[imag]);
    }
    if (t == NDM_COMPLEX128) {
        double f[2];
        memcpy(f, p, 16);
        return ndm_scalar_new(NDM_FLOAT64, &f[imag]);
    }
    if (!imag) {
        return ndm_scalar_new(t, p);
    }
    NdmScalarValue z;
    memset(&z, 0, sizeof z);
    return ndm_scalar_new(t, &z);
}

static PyObject *
gen_get_real(PyObject *self, void *Py_UNUSED(c))
{
    return real_or_imag(self, 0);
}

static PyObject *
gen_get_imag(PyObject *self, void *Py_UNUSED(c))
{
    return real_or_imag(self, 1);
}

static PyObject *
gen_conjugate(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    if (IS_COMPLEX(t)) {
        NdmScalarValue v;
        memcpy(&v, num_ptr(self, t), ndm_scalar_num_sizes[t]);
        if (t == NDM_COMPLEX64) {
            float f[2];
            memcpy(f, &v, 8);
            f[1] = -f[1];
            memcpy(&v, f, 8);
        }
        else {
            double f[2];
            memcpy(f, &v, 16);
            f[1] = -f[1];
            memcpy(&v, f, 16);
        }
        return ndm_scalar_new(t, &v);
    }
    if (t >= 0 && t < NDM_NNUMERIC) {
        return ndm_scalar_new(t, num_ptr(self, t));
    }
    Py_INCREF(self);
    return self;
}

static PyObject *
gen_astype(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"dtype", "order", "casting", "subok", "copy", NULL};
    PyObject *dtobj, *order = NULL, *casting = NULL, *subok = NULL, *copy = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OOOO:astype", kwlist,
                                     &dtobj, &order, &casting, &subok, &copy)) {
        return NULL;
    }
    NdmDtype *to = ndm_dtype_from_object(dtobj);
    if (to == NULL) {
        return NULL;
    }
    int t = ndm_scalar_typenum(self);
    int tt = to->type_num;
    PyObject *res = NULL;
    if (t >= 0 && t < NDM_NNUMERIC && tt >= 0 && tt < NDM_NNUMERIC) {
        NdmScalarValue v;
        if (ndm_scalar_cast_with_warnings(t, num_ptr(self, t), tt, &v) == 0) {
            res = ndm_scalar_new(tt, &v);
        }
        Py_DECREF(to);
        return res;
    }
    /* through an array element of the target dtype */
    NdmDtype *from = ndm_scalar_get_dtype(self);
    if (from == NULL) {
        Py_DECREF(to);
        return NULL;
    }
    Py_ssize_t shape0 = 0;
    PyObject *arr = ndm_array_new(ndm_state.ndarray_type, from, 0, &shape0, NULL, NULL, 0, NULL);
    if (arr != NULL) {
        const char *p = ndm_scalar_data(self);
        if (p == NULL) {
            Py_CLEAR(arr);
        }
        else {
            memcpy(((NdmArray *)arr)->data, p, ((NdmArray *)arr)->descr->itemsize);
        }
    }
    if (arr == NULL) {
        Py_DECREF(to);
        return NULL;
    }
    PyObject *conv = PyObject_CallMethod(arr, "astype", "O", (PyObject *)to);
    Py_DECREF(arr);
    Py_DECREF(to);
    if (conv == NULL) {
        return NULL;
    }
    if (ndm_state.ndarray_type && NdmArray_Check(conv) && ((NdmArray *)conv)->nd == 0) {
        res = ndm_scalar_from_data(((NdmArray *)conv)->descr, ((NdmArray *)conv)->data, NULL);
        Py_DECREF(conv);
        return res;
    }
    return conv;
}

static PyObject *
gen_reduce(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    if (t == NDM_VOID) {
        VoidScalar *v = (VoidScalar *)self;
        PyObject *fn = PyObject_GetAttrString(ndm_state.module, "_scalar_from_bytes");
        if (fn == NULL) {
            return NULL;
        }
        PyObject *b = PyBytes_FromStringAndSize(v->data, v->descr->itemsize);
        if (b == NULL) {
            Py_DECREF(fn);
            return NULL;
        }
        return Py_BuildValue("N(ON)", fn, (PyObject *)v->descr, b);
    }
    PyObject *val = ndm_scalar_gen_item_obj(self);
    if (val == NULL) {
        return NULL;
    }
    return Py_BuildValue("O(N)", (PyObject *)Py_TYPE(self), val);
}

PyObject *
ndm_scalar_from_bytes(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *dtobj;
    Py_buffer b;
    if (!PyArg_ParseTuple(args, "Oy*:_scalar_from_bytes", &dtobj, &b)) {
        return NULL;
    }
    NdmDtype *d = ndm_dtype_from_object(dtobj);
    PyObject *r = NULL;
    if (d != NULL) {
        if (b.len != d->itemsize) {
            PyErr_SetString(PyExc_ValueError, "wrong number of bytes for the dtype");
        }
        else {
            r = ndm_scalar_from_data(d, b.buf, NULL);
        }
        Py_DECREF(d);
    }
    PyBuffer_Release(&b);
    return r;
}

static PyObject *
gen_round(PyObject *self, PyObject *args)
{
    PyObject *nd = Py_None;
    if (!PyArg_ParseTuple(args, "|O:__round__", &nd)) {
        return NULL;
    }
    int t = ndm_scalar_typenum(self);
    if (t < 0 || t >= NDM_NNUMERIC) {
        PyErr_SetString(PyExc_TypeError, "type does not define __round__ method");
        return NULL;
    }
    const char *p = num_ptr(self, t);
    if (IS_COMPLEX(t) || t == NDM_BOOL) {
        PyErr_Format(PyExc_TypeError, "type %s doesn't define __round__ method",
                     Py_TYPE(self)->tp_name);
        return NULL;
    }
    if (nd == Py_None) {
        if (IS_FLOAT(t)) {
            double d;
            ndm_scalar_cast(t, p, NDM_FLOAT64, &d);
            PyObject *f = PyFloat_FromDouble(d);
            if (f == NULL) {
                return NULL;
            }
            PyObject *r = PyObject_CallMethod(f, "__round__", NULL);
            Py_DECREF(f);
            return r;
        }
        return ndm_scalar_num_to_python(t, p);
    }
    long decimals = PyLong_AsLong(nd);
    if (decimals == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (!IS_FLOAT(t) && decimals >= 0) {
        return ndm_scalar_new(t, p);
    }
    double x;
    ndm_scalar_cast(t, p, NDM_FLOAT64, &x);
    double y;
    if (decimals >= 0) {
        double f = pow(10.0, (double)decimals);
        y = nearbyint(x * f) / f;
        if (t == NDM_FLOAT32) {
            float ff = (float)pow(10.0, (double)decimals);
            float xf = (float)x;
            y = nearbyintf(xf * ff) / ff;
        }
    }
    else {
        double f = pow(10.0, (double)-decimals);
        y = nearbyint(x / f) * f;
    }
    NdmScalarValue v;
    if (ndm_scalar_cast_with_warnings(NDM_FLOAT64, &y, t, &v) < 0) {
        return NULL;
    }
    return ndm_scalar_new(t, &v);
}

static PyObject *
gen_complex(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    if (t < 0 || t >= NDM_NNUMERIC) {
        PyErr_SetString(PyExc_TypeError, "not a number");
        return NULL;
    }
    double c[2];
    ndm_scalar_cast(t, num_ptr(self, t), NDM_COMPLEX128, c);
    return PyComplex_FromDoubles(c[0], c[1]);
}

static PyObject *
float_is_integer(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    double d;
    ndm_scalar_cast(t, num_ptr(self, t), NDM_FLOAT64, &d);
    return PyBool_FromLong(isfinite(d) && floor(d) == d);
}

static PyObject *
gen_array_priority(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyFloat_FromDouble(-1000000.0);
}

static PyObject *
gen_get_strides(PyObject *Py_UNUSED(self), void *Py_UNUSED(c))
{
    return PyTuple_New(0);
}

static PyObject *
gen_get_nbytes(PyObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromSsize_t(gen_itemsize_of(self));
}

/* ---- NumPy's generic methods: run on a 0-d array, 0-d results back to
 * scalars (PyArray_Return) ---- */

PyObject *
ndm_scalar_as_0d_array(PyObject *scalar)
{
    NdmDtype *d = ndm_scalar_get_dtype(scalar);
    if (d == NULL) {
        return NULL;
    }
    Py_ssize_t itemsize = d->itemsize;
    PyObject *arr = ndm_array_new(ndm_state.ndarray_type, d, 0, NULL, NULL, NULL, 0, NULL);
    if (arr == NULL) {
        return NULL;
    }
    const char *p = ndm_scalar_data(scalar);
    if (p == NULL) {
        Py_DECREF(arr);
        return NULL;
    }
    memcpy(((NdmArray *)arr)->data, p, itemsize);
    return arr;
}

/* read-only, as the value a scalar method works on */
static PyObject *
scalar_as_array(PyObject *self)
{
    PyObject *arr = ndm_scalar_as_0d_array(self);
    if (arr != NULL) {
        ((NdmArray *)arr)->flags &= ~NDM_WRITEABLE;
    }
    return arr;
}

static PyObject *
array_return(PyObject *r)
{
    if (r != NULL && ndm_state.ndarray_type && NdmArray_CheckExact(r)
            && ((NdmArray *)r)->nd == 0) {
        PyObject *s = ndm_scalar_from_data(((NdmArray *)r)->descr, ((NdmArray *)r)->data, NULL);
        Py_DECREF(r);
        return s;
    }
    return r;
}

static PyObject *
forward_method(PyObject *self, const char *name, PyObject *args, PyObject *kwds)
{
    PyObject *arr = scalar_as_array(self);
    if (arr == NULL) {
        return NULL;
    }
    PyObject *meth = PyObject_GetAttrString(arr, name);
    Py_DECREF(arr);
    if (meth == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_Call(meth, args, kwds);
    Py_DECREF(meth);
    return array_return(r);
}

#define FORWARD(name)                                                        \
static PyObject *                                                          \
fw_##name(PyObject *self, PyObject *args, PyObject *kwds)                  \
{                                                                          \
    return forward_method(self, #name, args, kwds);                        \
}
#define FORWARD_DEF(name)                                                    \
    {#name, (PyCFunction)(void (*)(void))fw_##name, METH_VARARGS | METH_KEYWORDS, \
     "As ndarray." #name " on a 0-d array."},

#define FORWARDED(X) X(all) X(any) X(argmax) X(argmin) X(argsort) X(byteswap)  \
    X(clip) X(copy) X(cumprod) X(cumsum) X(diagonal) X(fill) X(flatten)       \
    X(max) X(mean) X(min) X(nonzero) X(prod) X(ravel) X(repeat) X(reshape)     \
    X(round) X(searchsorted) X(sort) X(squeeze) X(std) X(sum) X(swapaxes)     \
    X(take) X(tobytes) X(tofile) X(transpose) X(var) X(view)

FORWARDED(FORWARD)

/* NumPy's gentype_getarray: a fresh writeable 0-d array (not a scalar),
 * the dtype positional only (None given means float64 there, as
 * np.dtype(None)), no copy= keyword. */
static PyObject *
gen_dunder_array(PyObject *self, PyObject *args)
{
    PyObject *dtype = NULL;
    if (!PyArg_ParseTuple(args, "|O:__array__", &dtype)) {
        return NULL;
    }
    PyObject *arr = scalar_as_array(self);
    if (arr == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallMethod(arr, "astype", "OssOO", dtype == NULL
                                      ? (PyObject *)((NdmArray *)arr)->descr : dtype,
                                      "C", "unsafe", Py_False, Py_True);
    Py_DECREF(arr);
    return r;
}

static PyObject *
forward_attr(PyObject *self, const char *name)
{
    PyObject *arr = scalar_as_array(self);
    if (arr == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_GetAttrString(arr, name);
    Py_DECREF(arr);
    return r;
}

static PyObject *
gen_get_flags(PyObject *self, void *Py_UNUSED(c))
{
    return forward_attr(self, "flags");
}

static PyObject *
gen_get_data(PyObject *self, void *Py_UNUSED(c))
{
    return forward_attr(self, "data");
}

static PyObject *
gen_get_array_interface(PyObject *self, void *Py_UNUSED(c))
{
    PyObject *arr = scalar_as_array(self);
    if (arr == NULL) {
        return NULL;
    }
    /* The data must live as long as the consumer keeps the scalar (NumPy's
     * asarray keeps the object, not the dict): point into the scalar's own
     * value, read-only.  '__ref' as NumPy's dict has it. */
    const char *own = ndm_scalar_data(self);
    PyObject *r = own == NULL ? NULL : PyObject_GetAttrString(arr, "__array_interface__");
    PyObject *data = r == NULL ? NULL : Py_BuildValue("(NO)", PyLong_FromVoidPtr((void *)own),
                                                      Py_True);
    if (data == NULL || !PyDict_Check(r) || PyDict_SetItemString(r, "data", data) < 0
            || PyDict_SetItemString(r, "__ref", arr) < 0) {
        Py_CLEAR(r);
    }
    Py_XDECREF(data);
    Py_DECREF(arr);
    return r;
}

/* format(x, spec): NumPy formats the Python value (bool, int, float,
 * complex). */
static PyObject *
gen_format(PyObject *self, PyObject *args)
{
    PyObject *spec;
    if (!PyArg_ParseTuple(args, "U:__format__", &spec)) {
        return NULL;
    }
    int t = ndm_scalar_typenum(self);
    PyObject *obj;
    if (t >= 0 && t < NDM_NNUMERIC) {
        obj = ndm_scalar_num_to_python(t, num_ptr(self, t));
    }
    else {
        obj = PyObject_Str(self);
    }
    if (obj == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_Format(obj, spec);
    Py_DECREF(obj);
    return r;
}

/* x[()] is x, x[...] a 0-d array; anything else IndexError. */
PyObject *
ndm_scalar_num_subscript(PyObject *self, PyObject *key)
{
    if (PyTuple_Check(key) && PyTuple_GET_SIZE(key) == 0) {
        Py_INCREF(self);
        return self;
    }
    if (key == Py_Ellipsis) {
        PyObject *arr = scalar_as_array(self);
        if (arr != NULL) {
            ((NdmArray *)arr)->flags |= NDM_WRITEABLE;
        }
        return arr;
    }
    PyErr_SetString(PyExc_IndexError, "invalid index to scalar variable.");
    return NULL;
}

static PyObject *gen_copy(PyObject *self, PyObject *args);

PyMethodDef ndm_scalar_gen_methods[] = {
    {"item", (PyCFunction)gen_item, METH_VARARGS, "The value as a Python object."},
    {"tolist", (PyCFunction)gen_tolist, METH_NOARGS, "The value as a Python object."},
    {"conjugate", (PyCFunction)gen_conjugate, METH_NOARGS, "Complex conjugate."},
    {"conj", (PyCFunction)gen_conjugate, METH_NOARGS, "Complex conjugate."},
    {"astype", (PyCFunction)(void (*)(void))gen_astype, METH_VARARGS | METH_KEYWORDS,
     "The value cast to dtype, as a scalar."},
    {"__reduce__", (PyCFunction)gen_reduce, METH_NOARGS, "Pickle support."},
    {"__round__", (PyCFunction)gen_round, METH_VARARGS, "round(x[, ndigits])"},
    {"__format__", (PyCFunction)gen_format, METH_VARARGS, "format(x, spec)"},
    {"__copy__", (PyCFunction)gen_copy, METH_NOARGS, "copy.copy(x)"},
    {"__deepcopy__", (PyCFunction)gen_copy, METH_O, "copy.deepcopy(x)"},
    FORWARDED(FORWARD_DEF)
    {"__array__", (PyCFunction)gen_dunder_array, METH_VARARGS,
     "A 0-d array of the value: __array__([dtype])."},
    {NULL, NULL, 0, NULL},
};

PyGetSetDef ndm_scalar_gen_getset[] = {
    {"dtype", gen_get_dtype, NULL, "The scalar's dtype.", NULL},
    {"itemsize", gen_get_itemsize, NULL, "Bytes per element.", NULL},
    {"nbytes", gen_get_nbytes, NULL, "Bytes of the value.", NULL},
    {"shape", gen_get_shape, NULL, "()", NULL},
    {"strides", gen_get_strides, NULL, "()", NULL},
    {"ndim", gen_get_ndim, NULL, "0", NULL},
    {"size", gen_get_size, NULL, "1", NULL},
    {"base", gen_get_base, NULL, "None", NULL},
    {"T", gen_get_T, NULL, "The scalar itself.", NULL},
    {"real", gen_get_real, NULL, "Real part.", NULL},
    {"imag", gen_get_imag, NULL, "Imaginary part.", NULL},
    {"__array_priority__", gen_array_priority, NULL, "Lower than arrays.", NULL},
    {"flags", gen_get_flags, NULL, "Flags of the value (read-only).", NULL},
    {"data", gen_get_data, NULL, "A memoryview of the value.", NULL},
    {"__array_interface__", gen_get_array_interface, NULL, "Array interface.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyMethodDef ndm_scalar_number_methods[] = {
    {"__complex__", (PyCFunction)gen_complex, METH_NOARGS, "complex(x)"},
    {NULL, NULL, 0, NULL},
};

static PyObject *
float_as_integer_ratio(PyObject *self, PyObject *Py_UNUSED(ig))
{
    int t = ndm_scalar_typenum(self);
    double d;
    ndm_scalar_cast(t, num_ptr(self, t), NDM_FLOAT64, &d);
    PyObject *f = PyFloat_FromDouble(d);
    if (f == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallMethod(f, "as_integer_ratio", NULL);
    Py_DECREF(f);
    return r;
}

static PyObject *
int_is_integer(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(ig))
{
    Py_RETURN_TRUE;
}

static PyObject *
gen_copy(PyObject *self, PyObject *Py_UNUSED(args))
{
    int t = ndm_scalar_typenum(self);
    if (t >= 0 && t < NDM_NNUMERIC) {
        return ndm_scalar_new(t, num_ptr(self, t));
    }
    Py_INCREF(self);
    return self;
}

PyMethodDef ndm_scalar_floating_methods[] = {
    {"is_integer", (PyCFunction)float_is_integer, METH_NOARGS,
     "True if the value is finite and integral."},
    {"as_integer_ratio", (PyCFunction)float_as_integer_ratio, METH_NOARGS,
     "The value as a ratio of two Python ints."},
    {NULL, NULL, 0, NULL},
};

PyMethodDef ndm_scalar_integer_methods[] = {
    {"is_integer", (PyCFunction)int_is_integer, METH_NOARGS, "Always True."},
    {NULL, NULL, 0, NULL},
};
