#include "iter.h"

/* Placeholder until the iteration room lands. */
static int
not_ready(void)
{
    PyErr_SetString(PyExc_NotImplementedError, "iteration room not built yet");
    return -1;
}

int ndm_broadcast_shape(int nop, NdmArray **ops, int *nd, Py_ssize_t *shape)
{ (void)nop; (void)ops; (void)nd; (void)shape; return not_ready(); }
int ndm_loop_init(NdmLoop *l, int nop, NdmArray **ops, int nd, const Py_ssize_t *shape)
{ (void)l; (void)nop; (void)ops; (void)nd; (void)shape; return not_ready(); }
int ndm_loop_run(NdmLoop *l, ndm_kernel k, void *c, int g) { (void)l; (void)k; (void)c; (void)g; return not_ready(); }
int ndm_array_assign(NdmArray *d, NdmArray *s, NdmCasting c) { (void)d; (void)s; (void)c; return not_ready(); }
int ndm_array_assign_object(NdmArray *d, PyObject *v) { (void)d; (void)v; return not_ready(); }

int
ndm_iter_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
