#include "ndarray.h"

PyObject *
ndm_array_from_any(PyObject *Py_UNUSED(obj), NdmDtype *Py_UNUSED(dtype), int Py_UNUSED(copy),
                   char Py_UNUSED(order), int Py_UNUSED(ndmin))
{
    PyErr_SetString(PyExc_NotImplementedError, "array()");
    return NULL;
}

int
ndm_creation_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
