#include "dtype.h"

/* Placeholder until the dtype room lands: every entry point fails cleanly. */
static void *
not_ready(void)
{
    PyErr_SetString(PyExc_NotImplementedError, "dtype room not built yet");
    return NULL;
}

NdmDtype *ndm_dtype_builtin(int t) { (void)t; return not_ready(); }
NdmDtype *ndm_dtype_new_flexible(int t, Py_ssize_t s) { (void)t; (void)s; return not_ready(); }
NdmDtype *ndm_dtype_from_object(PyObject *o) { (void)o; return not_ready(); }
int ndm_dtype_converter_optional(PyObject *o, NdmDtype **out) { (void)o; *out = NULL; not_ready(); return 0; }
NdmDtype *ndm_dtype_native(NdmDtype *d) { (void)d; return not_ready(); }
int ndm_dtype_equiv(NdmDtype *a, NdmDtype *b) { return a == b; }
NdmDtype *ndm_dtype_discover(PyObject *o) { (void)o; return not_ready(); }
NdmDtype *ndm_dtype_promote(NdmDtype *a, NdmDtype *b) { (void)a; (void)b; return not_ready(); }
PyObject *ndm_dtype_getitem(NdmDtype *d, const char *p) { (void)d; (void)p; return not_ready(); }
PyObject *ndm_dtype_toobject(NdmDtype *d, const char *p) { (void)d; (void)p; return not_ready(); }
int ndm_dtype_setitem(NdmDtype *d, char *p, PyObject *v) { (void)d; (void)p; (void)v; not_ready(); return -1; }
int ndm_casting_converter(PyObject *o, NdmCasting *c) { (void)o; *c = NDM_UNSAFE_CASTING; not_ready(); return 0; }
int ndm_dtype_can_cast(NdmDtype *a, NdmDtype *b, NdmCasting c) { (void)a; (void)b; (void)c; return 0; }
static int no_cast(const char *s, Py_ssize_t ss, char *d, Py_ssize_t ds, Py_ssize_t n, NdmDtype *a, NdmDtype *b)
{ (void)s; (void)ss; (void)d; (void)ds; (void)n; (void)a; (void)b; not_ready(); return -1; }
ndm_cast_fn ndm_dtype_get_cast(NdmDtype *a, NdmDtype *b) { (void)a; (void)b; return no_cast; }
int ndm_cast_is_gil_free(NdmDtype *a, NdmDtype *b) { (void)a; (void)b; return 0; }
float ndm_half_to_float(ndm_half h) { (void)h; return 0; }
double ndm_half_to_double(ndm_half h) { (void)h; return 0; }
ndm_half ndm_float_to_half(float f) { (void)f; return 0; }
ndm_half ndm_double_to_half(double d) { (void)d; return 0; }

int
ndm_dtype_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
