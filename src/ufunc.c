#include "ndarray.h"

int
ndm_ufunc_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
