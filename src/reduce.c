/* Axis reductions: ufunc.reduce/accumulate and the reduction methods. */
#include "ufunc.h"

int
ndm_reduce_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
