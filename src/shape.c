/* Shape manipulation.  The algorithms live in python/ndmem/_shape.py, built
 * on the core's views; this file gives ndarray its shape methods (thin
 * trampolines into _shape) and the one primitive Python cannot express:
 * a view with arbitrary geometry (as_strided). */
#include "ndarray.h"

/* _strided_view(a, shape, strides, offset, writeable): a view of a's memory
 * starting offset bytes after a's data; no bounds check (as NumPy). */
static PyObject *
shape_strided_view(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *arr, *shp, *strd, *res = NULL;
    Py_ssize_t offset;
    int writeable;
    Py_ssize_t dims[2 * 64];
    if (!PyArg_ParseTuple(args, "O!OOnp", ndm_state.ndarray_type, &arr, &shp,
                          &strd, &offset, &writeable)) {
        return NULL;
    }
    PyObject *s1 = PySequence_Fast(shp, "shape must be a sequence");
    if (s1 == NULL) {
        return NULL;
    }
    PyObject *s2 = PySequence_Fast(strd, "strides must be a sequence");
    if (s2 == NULL) {
        Py_DECREF(s1);
        return NULL;
    }
    Py_ssize_t nd = PySequence_Fast_GET_SIZE(s1);
    if (nd != PySequence_Fast_GET_SIZE(s2) || nd > 64) {
        PyErr_SetString(PyExc_ValueError, "mismatch in length of strides and shape");
        goto fail;
    }
    for (Py_ssize_t i = 0; i < nd; i++) {
        dims[i] = PyNumber_AsSsize_t(PySequence_Fast_GET_ITEM(s1, i), PyExc_OverflowError);
        if (dims[i] == -1 && PyErr_Occurred()) {
            goto fail;
        }
        if (dims[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "negative dimensions are not allowed");
            goto fail;
        }
        dims[64 + i] = PyNumber_AsSsize_t(PySequence_Fast_GET_ITEM(s2, i), PyExc_OverflowError);
        if (dims[64 + i] == -1 && PyErr_Occurred()) {
            goto fail;
        }
    }
    NdmArray *a = (NdmArray *)arr;
    Py_INCREF(a->descr);
    res = ndm_array_view(a, a->descr, (int)nd, dims, dims + 64, a->data + offset,
                         Py_TYPE(a));
    if (res != NULL && !writeable) {
        ((NdmArray *)res)->flags &= ~NDM_WRITEABLE;
    }
fail:
    Py_DECREF(s1);
    Py_DECREF(s2);
    return res;
}

/* Method trampolines: a.name(*args, **kw) -> ndmem._shape._m_name(a, *args, **kw) */
#define TRAMP(name) \
    static PyObject *m_##name(PyObject *self, PyObject *args, PyObject *kw) \
    { return ndm_array_call_python("ndmem._shape", "_m_" #name, self, args, kw); }

TRAMP(reshape)
TRAMP(ravel)
TRAMP(flatten)
TRAMP(swapaxes)
TRAMP(squeeze)
TRAMP(repeat)

#define KW (METH_VARARGS | METH_KEYWORDS)
#define KWFN(f) ((PyCFunction)(void (*)(void))(f))

static PyMethodDef shape_array_methods[] = {
    {"reshape", KWFN(m_reshape), KW, "a.reshape(*shape, order='C', copy=None)"},
    {"ravel", KWFN(m_ravel), KW, "a.ravel(order='C')"},
    {"flatten", KWFN(m_flatten), KW, "a.flatten(order='C')"},
    {"swapaxes", KWFN(m_swapaxes), KW, "a.swapaxes(axis1, axis2)"},
    {"squeeze", KWFN(m_squeeze), KW, "a.squeeze(axis=None)"},
    {"repeat", KWFN(m_repeat), KW, "a.repeat(repeats, axis=None)"},
    {NULL, NULL, 0, NULL},
};

static PyObject *
flat_get(PyObject *self, void *Py_UNUSED(closure))
{
    PyObject *args = PyTuple_New(0);
    if (args == NULL) {
        return NULL;
    }
    PyObject *r = ndm_array_call_python("ndmem._shape", "_flat_get", self, args, NULL);
    Py_DECREF(args);
    return r;
}

static int
flat_set(PyObject *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "Cannot delete array flat iterator");
        return -1;
    }
    PyObject *args = PyTuple_Pack(1, value);
    if (args == NULL) {
        return -1;
    }
    PyObject *r = ndm_array_call_python("ndmem._shape", "_flat_set", self, args, NULL);
    Py_DECREF(args);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

static PyGetSetDef shape_getsets[] = {
    {"flat", flat_get, flat_set, "A 1-D iterator over the array (C order).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static int
add_getsets(PyGetSetDef *defs)
{
    PyTypeObject *t = ndm_state.ndarray_type;
    PyObject *dict = t->tp_dict;
    for (PyGetSetDef *d = defs; d->name != NULL; d++) {
        PyObject *descr = PyDescr_NewGetSet(t, d);
        if (descr == NULL) {
            return -1;
        }
        int rc = PyDict_SetItemString(dict, d->name, descr);
        Py_DECREF(descr);
        if (rc < 0) {
            return -1;
        }
    }
    PyType_Modified(t);
    return 0;
}

static PyMethodDef shape_functions[] = {
    {"_strided_view", shape_strided_view, METH_VARARGS,
     "_strided_view(a, shape, strides, offset, writeable): view of a's memory"},
    {NULL, NULL, 0, NULL},
};

int
ndm_shape_init(PyObject *module)
{
    if (ndm_array_add_methods(shape_array_methods) < 0 || add_getsets(shape_getsets) < 0) {
        return -1;
    }
    return PyModule_AddFunctions(module, shape_functions);
}
