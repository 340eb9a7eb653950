#include "scalar.h"

/* Placeholder until the scalar room lands. */
PyTypeObject *ndm_scalar_type(int t) { (void)t; return NULL; }
PyObject *ndm_scalar_from_data(NdmDtype *d, const char *p, PyObject *b)
{ (void)d; (void)p; (void)b; PyErr_SetString(PyExc_NotImplementedError, "scalars"); return NULL; }
int ndm_scalar_check(PyObject *o) { (void)o; return 0; }
NdmDtype *ndm_scalar_get_dtype(PyObject *o) { (void)o; PyErr_SetString(PyExc_NotImplementedError, "scalars"); return NULL; }
const char *ndm_scalar_data(PyObject *o) { (void)o; return NULL; }

int
ndm_scalar_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
