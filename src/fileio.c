/* ndarray.tofile.  The work is in python/ndmem/_fileio.py (file objects,
 * text formatting); this file only hangs the method on the C type, which
 * Python code cannot do. */
#include "ndarray.h"

static PyObject *
array_tofile(PyObject *self, PyObject *args, PyObject *kwds)
{
    PyObject *module = NULL, *func = NULL, *full = NULL, *res = NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(args);

    module = PyImport_ImportModule("ndmem._fileio");
    if (module == NULL) {
        goto fail;
    }
    func = PyObject_GetAttrString(module, "tofile");
    if (func == NULL) {
        goto fail;
    }
    full = PyTuple_New(n + 1);
    if (full == NULL) {
        goto fail;
    }
    Py_INCREF(self);
    PyTuple_SET_ITEM(full, 0, self);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(args, i);
        Py_INCREF(item);
        PyTuple_SET_ITEM(full, i + 1, item);
    }
    res = PyObject_Call(func, full, kwds);
fail:
    Py_XDECREF(full);
    Py_XDECREF(func);
    Py_XDECREF(module);
    return res;
}

static PyMethodDef fileio_methods[] = {
    {"tofile", (PyCFunction)(void (*)(void))array_tofile, METH_VARARGS | METH_KEYWORDS,
     "a.tofile(fid, sep='', format='%s')\n\n"
     "Write the array to a file as binary (sep='') or text, in C order."},
    {NULL, NULL, 0, NULL},
};

int
ndm_fileio_init(PyObject *Py_UNUSED(module))
{
    return ndm_array_add_methods(fileio_methods);
}
