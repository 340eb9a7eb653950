#include "ndarray.h"

int
ndm_buffer_getbuffer(PyObject *Py_UNUSED(self), Py_buffer *Py_UNUSED(view), int Py_UNUSED(flags))
{
    PyErr_SetString(PyExc_BufferError, "not yet");
    return -1;
}

void
ndm_buffer_releasebuffer(PyObject *Py_UNUSED(self), Py_buffer *Py_UNUSED(view))
{
}

int
ndm_buffer_init(PyObject *Py_UNUSED(module))
{
    return 0;
}

PyObject *
ndm_buffer_acquire(PyObject *obj, int want_writeable, char **data,
                   Py_ssize_t *len, int *readonly, NdmDtype **format)
{
    (void)obj; (void)want_writeable; (void)data; (void)len; (void)readonly; (void)format;
    PyErr_SetString(PyExc_NotImplementedError, "buffer import");
    return NULL;
}
