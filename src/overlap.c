#include "ndarray.h"

int
ndm_overlap_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
