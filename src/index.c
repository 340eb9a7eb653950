#include "ndarray.h"

PyObject *
ndm_index_get(NdmArray *Py_UNUSED(self), PyObject *Py_UNUSED(key))
{
    PyErr_SetString(PyExc_NotImplementedError, "indexing");
    return NULL;
}

int
ndm_index_set(NdmArray *Py_UNUSED(self), PyObject *Py_UNUSED(key), PyObject *Py_UNUSED(value))
{
    PyErr_SetString(PyExc_NotImplementedError, "indexing");
    return -1;
}

int
ndm_index_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
