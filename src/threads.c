/* Worker pool (see threads.h).  For now every task runs in the caller; the
 * pool itself lands with issue 8. */
#include "threads.h"

static int thread_count = 1;

int
ndm_threads_count(void)
{
    return thread_count;
}

void
ndm_threads_run(int ntasks, ndm_task_fn task, void *ctx)
{
    for (int i = 0; i < ntasks; i++)
        task(ctx, i);
}

static PyObject *
set_num_threads(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < 1 || n > 1024) {
        PyErr_SetString(PyExc_ValueError, "number of threads must be between 1 and 1024");
        return NULL;
    }
    thread_count = (int)n;
    Py_RETURN_NONE;
}

static PyObject *
get_num_threads(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromLong(thread_count);
}

static PyMethodDef threads_methods[] = {
    {"set_num_threads", set_num_threads, METH_O,
     "set_num_threads(n)\n--\n\nUse up to n threads for large elementwise operations and reductions."},
    {"get_num_threads", get_num_threads, METH_NOARGS,
     "get_num_threads()\n--\n\nThe number of threads large operations may use."},
    {NULL, NULL, 0, NULL},
};

int
ndm_threads_init(PyObject *module)
{
    return PyModule_AddFunctions(module, threads_methods);
}
