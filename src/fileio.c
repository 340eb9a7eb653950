/* ndarray.tofile.  The work is in python/ndmem/_fileio.py (file objects,
 * text formatting); this file only hangs the method on the C type, which
 * Python code cannot do. */
#include "ndarray.h"

static PyObject *
array_tofile(PyObject *self, PyObject *args, PyObject *kwds)
{
    return ndm_array_call_python("ndmem._fileio", "tofile", self, args, kwds);
}

static PyMethodDef fileio_methods[] = {
    {"tofile", (PyCFunction)(void (*)(void))array_tofile, METH_VARARGS | METH_KEYWORDS,
     "a.tofile(fid, sep='', format='%s')\n\n"
     "Write the array to a file as binary (sep='') or text, in C order."},
    {NULL, NULL, 0, NULL},
};

int
ndm_fileio_init(PyObject *Py_UNUSED(module))
{
    return ndm_array_add_methods(fileio_methods);
}
