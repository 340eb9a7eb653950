/* The ndarray's arithmetic operators and comparisons, through the ufuncs. */
#include "ufunc.h"

PyType_Slot ndm_operator_slots[] = {
    {0, NULL},
};

int
ndm_operators_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
