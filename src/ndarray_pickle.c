/* ndarray pickling: __reduce__/__reduce_ex__ (protocol 5 buffers),
 * __setstate__, dumps/dump, and the module's _reconstruct/_frombuffer. */
#include "ndarray.h"
#include "ndarray_internal.h"

/* ------------------------------------------------------------------ */
/* pickling                                                            */

static PyObject *
array_reduce(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *recon = PyObject_GetAttrString(ndm_state.module, "_reconstruct");
    if (recon == NULL) {
        return NULL;
    }
    int fortran = (self->flags & NDM_F_CONTIGUOUS) && !(self->flags & NDM_C_CONTIGUOUS);
    PyObject *raw = ndm_array_bytes(self, fortran ? 'F' : 'C');
    PyObject *shape = ndm_array_shape_tuple(self->shape, self->nd);
    if (raw == NULL || shape == NULL) {
        Py_XDECREF(raw);
        Py_XDECREF(shape);
        Py_DECREF(recon);
        return NULL;
    }
    return Py_BuildValue("N(O(n)y)(iNONN)", recon, (PyObject *)Py_TYPE(self), (Py_ssize_t)0,
                         "b", 1, shape, (PyObject *)self->descr,
                         PyBool_FromLong(fortran), raw);
}

/* Protocol 5: contiguous plain arrays travel as a PickleBuffer (out of band
 * when the pickler takes buffers), as NumPy's array_reduce_ex. */
static PyObject *
array_reduce_ex(NdmArray *self, PyObject *args)
{
    int protocol;
    if (!PyArg_ParseTuple(args, "i:__reduce_ex__", &protocol)) {
        return NULL;
    }
    int c = (self->flags & NDM_C_CONTIGUOUS) != 0;
    int f = (self->flags & NDM_F_CONTIGUOUS) != 0;
    if (protocol < 5 || (!c && !f) || Py_TYPE(self) != ndm_state.ndarray_type
            || self->descr->itemsize == 0) {
        return PyObject_CallMethod((PyObject *)self, "__reduce__", NULL);
    }
    PyObject *fn = PyObject_GetAttrString(ndm_state.module, "_frombuffer");
    if (fn == NULL) {
        return NULL;
    }
    PyObject *obj = c ? Py_NewRef((PyObject *)self) : ndm_array_get_T(self, NULL);
    if (obj == NULL) {
        Py_DECREF(fn);
        return NULL;
    }
    PyObject *buf = PyPickleBuffer_FromObject(obj);
    Py_DECREF(obj);
    PyObject *shape = ndm_array_shape_tuple(self->shape, self->nd);
    if (buf == NULL || shape == NULL) {
        Py_XDECREF(buf);
        Py_XDECREF(shape);
        Py_DECREF(fn);
        return NULL;
    }
    return Py_BuildValue("N(NONC)", fn, buf, (PyObject *)self->descr, shape,
                         c ? 'C' : 'F');
}

static PyObject *
array_frombuffer_pickle(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *bufobj, *dtype_obj, *shape_obj, *order_obj;
    if (!PyArg_ParseTuple(args, "OOOO:_frombuffer", &bufobj, &dtype_obj, &shape_obj,
                          &order_obj)) {
        return NULL;
    }
    char order = 'C';
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = ndm_array_shape_converter(shape_obj, shape);
    if (nd < 0 || ndm_array_order_converter(order_obj, &order) < 0) {
        return NULL;
    }
    NdmDtype *descr = ndm_dtype_from_object(dtype_obj);
    if (descr == NULL) {
        return NULL;
    }
    char *data;
    Py_ssize_t len;
    int readonly;
    PyObject *base = ndm_buffer_acquire(bufobj, 0, &data, &len, &readonly, NULL);
    if (base == NULL) {
        Py_DECREF(descr);
        return NULL;
    }
    Py_ssize_t size = 1;
    for (int i = 0; i < nd; i++) {
        size *= shape[i] < 0 ? 0 : shape[i];
    }
    if (size * descr->itemsize != len) {
        PyErr_SetString(PyExc_ValueError, "buffer size does not match array size");
        Py_DECREF(descr);
        Py_DECREF(base);
        return NULL;
    }
    int flags = (readonly ? 0 : NDM_WRITEABLE) | (order == 'F' ? NDM_NEW_FORTRAN : 0);
    PyObject *res = ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, NULL,
                                  data, flags, base);
    Py_DECREF(base);
    return res;
}

static PyObject *
array_setstate(NdmArray *self, PyObject *args)
{
    PyObject *state;
    if (!PyArg_ParseTuple(args, "O:__setstate__", &state)) {
        return NULL;
    }
    if (!PyTuple_Check(state)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__ argument must be a tuple");
        return NULL;
    }
    PyObject *shape_obj, *dtype_obj, *raw;
    int fortran, version = 1;
    Py_ssize_t n = PyTuple_GET_SIZE(state);
    if (n == 5) {
        if (!PyArg_ParseTuple(state, "iOOpO:__setstate__", &version, &shape_obj,
                              &dtype_obj, &fortran, &raw)) {
            return NULL;
        }
    }
    else if (!PyArg_ParseTuple(state, "OOpO:__setstate__", &shape_obj, &dtype_obj,
                               &fortran, &raw)) {
        return NULL;
    }
    if (version != 0 && version != 1) {
        PyErr_Format(PyExc_ValueError, "can't handle version %d of numpy.ndarray pickle",
                     version);
        return NULL;
    }
    if (!NdmDtype_Check(dtype_obj)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__ expects a dtype");
        return NULL;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    int nd = ndm_array_shape_converter(shape_obj, shape);
    if (nd < 0) {
        return NULL;
    }
    NdmDtype *descr = (NdmDtype *)dtype_obj;
    Py_ssize_t size = 1;
    for (int i = 0; i < nd; i++) {
        if (shape[i] < 0) {
            PyErr_SetString(PyExc_TypeError, "impossible dimension while unpickling array");
            return NULL;
        }
        size *= shape[i];
    }
    Py_buffer view;
    if (PyObject_GetBuffer(raw, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (view.len != size * descr->itemsize) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "buffer size does not match array size");
        return NULL;
    }
    NdmBuffer *buf = ndm_buffer_new((size_t)view.len, 0);
    if (buf == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    memcpy(buf->data, view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
    Py_INCREF(descr);
    if (!ndm_dtype_isnative(descr) && !ndm_dtype_is_structured(descr)
            && (descr->type_num < NDM_NNUMERIC || descr->type_num == NDM_UNICODE)) {
        /* NumPy's setstate stores non-native data in native order */
        NdmDtype *native = ndm_dtype_native(descr);
        if (native == NULL) {
            Py_DECREF(descr);
            ndm_buffer_free(buf);
            return NULL;
        }
        Py_ssize_t unit = descr->itemsize;
        if (descr->type_num == NDM_COMPLEX64 || descr->type_num == NDM_COMPLEX128) {
            unit /= 2;
        }
        else if (descr->type_num == NDM_UNICODE) {
            unit = 4;
        }
        for (Py_ssize_t off = 0; unit > 1 && off + unit <= view.len; off += unit) {
            char *q = buf->data + off;
            for (Py_ssize_t i = 0, j = unit - 1; i < j; i++, j--) {
                char t = q[i];
                q[i] = q[j];
                q[j] = t;
            }
        }
        Py_SETREF(descr, native);
    }
    Py_ssize_t step = descr->itemsize;
    /* NumPy's _array_fill_strides: zero extents count as 1 */
    if (fortran) {
        for (int i = 0; i < nd; i++) {
            strides[i] = step;
            step *= shape[i] ? shape[i] : 1;
        }
    }
    else {
        for (int i = nd - 1; i >= 0; i--) {
            strides[i] = step;
            step *= shape[i] ? shape[i] : 1;
        }
    }
    Py_ssize_t old_shape[NDM_MAXDIMS], old_strides[NDM_MAXDIMS];
    int old_nd = self->nd;
    memcpy(old_shape, self->shape, (size_t)old_nd * sizeof(Py_ssize_t));
    memcpy(old_strides, self->strides, (size_t)old_nd * sizeof(Py_ssize_t));
    if (ndm_array_set_geometry(self, nd, shape, strides) < 0) {
        Py_DECREF(descr);
        ndm_buffer_free(buf);
        return NULL;
    }
    (void)old_shape; (void)old_strides;
    /* views of the old data keep it until they go (an orphaned buffer) */
    ndm_buffer_detach(&self->link);
    ndm_buffer_disown(self->buffer);
    buf->owner = (PyObject *)self;
    ndm_buffer_attach(buf, &self->link, (PyObject *)self);
    self->buffer = buf;
    self->data = buf->data;
    Py_CLEAR(self->base);
    Py_SETREF(self->descr, descr);
    self->flags = NDM_OWNDATA | NDM_WRITEABLE;
    ndm_array_update_flags(self);
    Py_RETURN_NONE;
}

static PyObject *
array_reconstruct(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *subtype, *shape_obj, *dummy;
    if (!PyArg_ParseTuple(args, "OOO:_reconstruct", &subtype, &shape_obj, &dummy)) {
        return NULL;
    }
    if (!PyType_Check(subtype)
            || !PyType_IsSubtype((PyTypeObject *)subtype, ndm_state.ndarray_type)) {
        PyErr_SetString(PyExc_TypeError, "_reconstruct: First argument must be a sub-type of ndarray");
        return NULL;
    }
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = ndm_array_shape_converter(shape_obj, shape);
    if (nd < 0) {
        return NULL;
    }
    NdmDtype *d = ndm_dtype_builtin(NDM_UINT8);
    if (d == NULL) {
        return NULL;
    }
    return ndm_array_new((PyTypeObject *)subtype, d, nd, shape, NULL, NULL, 0, NULL);
}

PyMethodDef ndm_array_pickle_functions[] = {
    {"_reconstruct", array_reconstruct, METH_VARARGS,
     "Construct an empty array. Used by pickle."},
    {"_frombuffer", array_frombuffer_pickle, METH_VARARGS,
     "An array over a pickled buffer (pickle protocol 5)."},
    {NULL, NULL, 0, NULL},
};

static PyObject *
array_dumps(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *pickle = PyImport_ImportModule("pickle");
    if (pickle == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallMethod(pickle, "dumps", "Oi", (PyObject *)self, 2);
    Py_DECREF(pickle);
    return r;
}

static PyObject *
array_dump(NdmArray *self, PyObject *file)
{
    PyObject *pickle = PyImport_ImportModule("pickle");
    if (pickle == NULL) {
        return NULL;
    }
    PyObject *r;
    if (PyUnicode_Check(file) || PyBytes_Check(file) || PyObject_HasAttrString(file, "__fspath__")) {
        PyObject *io = PyImport_ImportModule("io");
        PyObject *f = io ? PyObject_CallMethod(io, "open", "Os", file, "wb") : NULL;
        Py_XDECREF(io);
        if (f == NULL) {
            Py_DECREF(pickle);
            return NULL;
        }
        r = PyObject_CallMethod(pickle, "dump", "OOi", (PyObject *)self, f, 2);
        PyObject *c = PyObject_CallMethod(f, "close", NULL);
        Py_DECREF(f);
        if (c == NULL) {
            Py_CLEAR(r);
        }
        Py_XDECREF(c);
    }
    else {
        r = PyObject_CallMethod(pickle, "dump", "OOi", (PyObject *)self, file, 2);
    }
    Py_DECREF(pickle);
    if (r == NULL) {
        return NULL;
    }
    Py_DECREF(r);
    Py_RETURN_NONE;
}


PyMethodDef ndm_array_pickle_defs[] = {
    {"__reduce__", (PyCFunction)array_reduce, METH_NOARGS, "Pickle support."},
    {"__reduce_ex__", (PyCFunction)array_reduce_ex, METH_VARARGS, "Pickle support."},
    {"dumps", (PyCFunction)array_dumps, METH_NOARGS, "The pickle of the array as bytes."},
    {"dump", (PyCFunction)array_dump, METH_O, "Pickle the array to a file or path."},
    {"__setstate__", (PyCFunction)array_setstate, METH_VARARGS, "Pickle support."},
    {NULL, NULL, 0, NULL},
};
