#include "scalar.h"

int
ndm_scalar_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
