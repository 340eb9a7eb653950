#include "dtype.h"

int
ndm_dtype_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
