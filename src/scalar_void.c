/* ndmem.void: structured and raw-bytes scalars: fields by name or index,
 * item(), str/repr (through the array printer for structured values),
 * comparison and hashing. */
#include "scalar.h"
#include "scalar_internal.h"
#include "ndarray.h"
#include <stdio.h>

/* ------------------------------------------------------------------ */
/* void                                                               */
/* ------------------------------------------------------------------ */

static PyObject *
void_field_info(VoidScalar *v, PyObject *key, NdmDtype **fd, Py_ssize_t *off)
{
    NdmDtype *d = v->descr;
    PyObject *name = key;
    if (!ndm_dtype_is_structured(d) || d->fields == NULL) {
        PyErr_SetString(PyExc_IndexError, "invalid index");
        return NULL;
    }
    if (!PyUnicode_Check(key)) {
        if (!PyIndex_Check(key)) {
            PyErr_SetString(PyExc_IndexError, "invalid index");
            return NULL;
        }
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) {
            return NULL;
        }
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        Py_ssize_t j = i < 0 ? i + n : i;
        if (j < 0 || j >= n) {
            PyErr_Format(PyExc_IndexError, "invalid index (%zd)", i);
            return NULL;
        }
        name = PyTuple_GET_ITEM(d->names, j);
    }
    PyObject *info = PyDict_GetItemWithError(d->fields, name);
    if (info == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_ValueError, "no field of name %S", name);
        }
        return NULL;
    }
    if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) < 2
            || !NdmDtype_Check(PyTuple_GET_ITEM(info, 0))) {
        PyErr_SetString(PyExc_RuntimeError, "malformed fields of a structured dtype");
        return NULL;
    }
    *fd = (NdmDtype *)PyTuple_GET_ITEM(info, 0);
    *off = PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 1));
    if (*off == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return name;
}

PyObject *
ndm_scalar_void_getitem(PyObject *self, PyObject *key)
{
    VoidScalar *v = (VoidScalar *)self;
    NdmDtype *fd;
    Py_ssize_t off;
    if (!PyList_Check(key)) {
        if (void_field_info(v, key, &fd, &off) == NULL) {
            return NULL;
        }
        NdmDtype *sub_base;
        PyObject *sub_shape;
        if (!ndm_dtype_subarray(fd, &sub_base, &sub_shape)) {
            return ndm_scalar_from_data(fd, v->data + off, v->base ? v->base : self);
        }
    }
    /* field lists and subarray fields: NumPy indexes a 0-d array over the
     * scalar's bytes (voidtype_subscript), so the result views the array
     * the scalar came from */
    int writeable = v->base != NULL && NdmArray_Check(v->base)
                    && (((NdmArray *)v->base)->flags & NDM_WRITEABLE);
    Py_INCREF(v->descr);
    PyObject *zero_d = ndm_array_new(ndm_state.ndarray_type, v->descr, 0, NULL, NULL,
                                     v->data, writeable ? NDM_WRITEABLE : 0, self);
    if (zero_d == NULL) {
        return NULL;
    }
    PyObject *res = ndm_index_get((NdmArray *)zero_d, key);
    Py_DECREF(zero_d);
    if (res != NULL && NdmArray_Check(res) && ((NdmArray *)res)->nd == 0) {
        NdmArray *r = (NdmArray *)res;
        PyObject *item = ndm_scalar_from_data(r->descr, r->data, res);
        Py_DECREF(res);
        return item;
    }
    return res;
}

int
ndm_scalar_void_setitem(PyObject *self, PyObject *key, PyObject *value)
{
    VoidScalar *v = (VoidScalar *)self;
    NdmDtype *fd;
    Py_ssize_t off;
    if (value == NULL) {
        PyErr_SetString(PyExc_ValueError, "cannot delete a field of a void scalar");
        return -1;
    }
    if (void_field_info(v, key, &fd, &off) == NULL) {
        return -1;
    }
    if (v->base != NULL && ndm_state.ndarray_type && NdmArray_Check(v->base)
            && ndm_array_fail_unless_writeable((NdmArray *)v->base) < 0) {
        return -1;
    }
    return ndm_dtype_setitem(fd, v->data + off, value);
}

Py_ssize_t
ndm_scalar_void_length(PyObject *self)
{
    VoidScalar *v = (VoidScalar *)self;
    if (v->descr->names == NULL) {
        return 0;
    }
    return PyTuple_GET_SIZE(v->descr->names);
}

PyObject *
ndm_scalar_void_item(VoidScalar *v)
{
    NdmDtype *d = v->descr;
    if (!ndm_dtype_is_structured(d)) {
        return PyBytes_FromStringAndSize(v->data, d->itemsize);
    }
    Py_ssize_t n = PyTuple_GET_SIZE(d->names);
    PyObject *tup = PyTuple_New(n);
    if (tup == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fd;
        Py_ssize_t off;
        PyObject *item;
        if (void_field_info(v, PyTuple_GET_ITEM(d->names, i), &fd, &off) == NULL) {
            goto fail;
        }
        NdmDtype *sub_base;
        PyObject *sub_shape;
        if (ndm_dtype_subarray(fd, &sub_base, &sub_shape)) {
            /* NumPy's item of a subarray field is an array */
            item = ndm_scalar_void_getitem((PyObject *)v, PyTuple_GET_ITEM(d->names, i));
        }
        else if (fd->type_num == NDM_VOID) {
            PyObject *sub = ndm_scalar_from_data(fd, v->data + off, NULL);
            if (sub == NULL) {
                goto fail;
            }
            item = ndm_scalar_void_item((VoidScalar *)sub);
            Py_DECREF(sub);
        }
        else {
            item = ndm_dtype_toobject(fd, v->data + off);
        }
        if (item == NULL) {
            goto fail;
        }
        PyTuple_SET_ITEM(tup, i, item);
    }
    return tup;
fail:
    Py_DECREF(tup);
    return NULL;
}

static PyObject *
void_bytes_text(VoidScalar *v)
{
    /* b'\x61\x62': every byte hex-escaped, as NumPy prints void */
    Py_ssize_t n = v->descr->itemsize;
    PyObject *w = PyUnicode_New(3 + 4 * n, 127);
    if (w == NULL) {
        return NULL;
    }
    char *s = (char *)PyUnicode_DATA(w);
    static const char hex[] = "0123456789ABCDEF";
    s[0] = 'b';
    s[1] = '\'';
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v->data[i];
        s[2 + 4 * i] = '\\';
        s[3 + 4 * i] = 'x';
        s[4 + 4 * i] = hex[c >> 4];
        s[5 + 4 * i] = hex[c & 15];
    }
    s[2 + 4 * n] = '\'';
    return w;
}

/* The value text of a structured void: (field, field, ...), each field
 * as NumPy's StructuredVoidFormat prints it with float_kind=str. */
static PyObject *
void_value_text(VoidScalar *v)
{
    NdmDtype *d = v->descr;
    if (!ndm_dtype_is_structured(d)) {
        return void_bytes_text(v);
    }
    Py_ssize_t n = PyTuple_GET_SIZE(d->names);
    PyObject *parts = PyList_New(0), *res = NULL, *sep = NULL;
    if (parts == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fd;
        Py_ssize_t off;
        PyObject *text = NULL;
        if (void_field_info(v, PyTuple_GET_ITEM(d->names, i), &fd, &off) == NULL) {
            goto fail;
        }
        PyObject *sc = ndm_scalar_from_data(fd, v->data + off, NULL);
        if (sc == NULL) {
            goto fail;
        }
        int ft = fd->type_num;
        if (ft == NDM_VOID) {
            text = void_value_text((VoidScalar *)sc);
        }
        else if (ft == NDM_UNICODE || ft == NDM_BYTES) {
            PyObject *plain = ndm_scalar_gen_item_obj(sc);
            text = plain ? PyObject_Repr(plain) : NULL;
            Py_XDECREF(plain);
        }
        else {
            text = PyObject_Str(sc);
        }
        Py_DECREF(sc);
        if (text == NULL || PyList_Append(parts, text) < 0) {
            Py_XDECREF(text);
            goto fail;
        }
        Py_DECREF(text);
    }
    sep = PyUnicode_FromString(", ");
    if (sep == NULL) {
        goto fail;
    }
    PyObject *joined = PyUnicode_Join(sep, parts);
    if (joined == NULL) {
        goto fail;
    }
    res = PyUnicode_FromFormat(n == 1 ? "(%U,)" : "(%U)", joined);
    Py_DECREF(joined);
fail:
    Py_XDECREF(sep);
    Py_DECREF(parts);
    return res;
}

/* NumPy's C code calls arrayprint's _void_scalar_to_string for structured
 * voids; ndmem's printing module has the same helper.  NULL without an
 * exception when it is not available (then the C text is used). */
static PyObject *
void_text_from_print(PyObject *self, int is_repr)
{
    if (!ndm_dtype_is_structured(((VoidScalar *)self)->descr)) {
        return NULL;
    }
    PyObject *mod = PyImport_ImportModule("ndmem._print");
    if (mod == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *fn = PyObject_GetAttrString(mod, "_void_scalar_to_string");
    Py_DECREF(mod);
    if (fn == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *r = PyObject_CallFunction(fn, "OO", self, is_repr ? Py_True : Py_False);
    Py_DECREF(fn);
    if (r == NULL) {
        PyErr_Clear();
    }
    return r;
}

PyObject *
ndm_scalar_void_str(PyObject *self)
{
    PyObject *r = void_text_from_print(self, 0);
    if (r != NULL) {
        return r;
    }
    return void_value_text((VoidScalar *)self);
}

PyObject *
ndm_scalar_void_repr(PyObject *self)
{
    PyObject *pr = void_text_from_print(self, 1);
    if (pr != NULL) {
        return pr;
    }
    VoidScalar *v = (VoidScalar *)self;
    PyObject *val = void_value_text(v);
    if (val == NULL) {
        return NULL;
    }
    if (!ndm_dtype_is_structured(v->descr)) {
        PyObject *r = PyUnicode_FromFormat("np.void(%U)", val);
        Py_DECREF(val);
        return r;
    }
    PyObject *ds = PyObject_Str((PyObject *)v->descr);
    if (ds == NULL) {
        Py_DECREF(val);
        return NULL;
    }
    PyObject *r = PyUnicode_FromFormat("np.void(%U, dtype=%U)", val, ds);
    Py_DECREF(val);
    Py_DECREF(ds);
    return r;
}

PyObject *
ndm_scalar_void_richcompare(PyObject *a, PyObject *b, int op)
{
    if ((op != Py_EQ && op != Py_NE) || ndm_scalar_typenum(b) != NDM_VOID
            || ndm_scalar_typenum(a) != NDM_VOID) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    VoidScalar *x = (VoidScalar *)a, *y = (VoidScalar *)b;
    int eq;
    if (!ndm_dtype_is_structured(x->descr) || !ndm_dtype_is_structured(y->descr)) {
        eq = x->descr->itemsize == y->descr->itemsize
             && memcmp(x->data, y->data, x->descr->itemsize) == 0;
    }
    else {
        PyObject *ix = ndm_scalar_void_item(x), *iy = ix ? ndm_scalar_void_item(y) : NULL;
        if (iy == NULL) {
            Py_XDECREF(ix);
            return NULL;
        }
        eq = PyObject_RichCompareBool(ix, iy, Py_EQ);
        Py_DECREF(ix);
        Py_DECREF(iy);
        if (eq < 0) {
            return NULL;
        }
    }
    return ndm_scalar_bool(op == Py_EQ ? eq : !eq);
}

Py_hash_t
ndm_scalar_void_hash(PyObject *self)
{
    PyObject *it = ndm_scalar_void_item((VoidScalar *)self);
    if (it == NULL) {
        return -1;
    }
    Py_hash_t h = PyObject_Hash(it);
    Py_DECREF(it);
    return h;
}
