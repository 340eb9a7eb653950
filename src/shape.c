#include "ndarray.h"

int
ndm_shape_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
