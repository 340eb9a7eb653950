#include "iter.h"

int
ndm_iter_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
