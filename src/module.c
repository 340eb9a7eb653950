#include "common.h"

NdmState ndm_state;

static int
core_exec(PyObject *module)
{
    if (ndm_state.module != NULL) {
        PyErr_SetString(PyExc_ImportError,
                        "ndmem._core can be initialised only once per process");
        return -1;
    }
    ndm_state.module = module;
    if (ndm_alloc_init(module) < 0
            || ndm_threads_init(module) < 0
            || ndm_dtype_init(module) < 0
            || ndm_scalar_init(module) < 0
            || ndm_array_init(module) < 0
            || ndm_buffer_init(module) < 0
            || ndm_iter_init(module) < 0
            || ndm_index_init(module) < 0
            || ndm_creation_init(module) < 0
            || ndm_ufunc_init(module) < 0
            || ndm_reduce_init(module) < 0
            || ndm_operators_init(module) < 0
            || ndm_shape_init(module) < 0
            || ndm_overlap_init(module) < 0
            || ndm_mmap_init(module) < 0
            || ndm_fileio_init(module) < 0
            || ndm_random_init(module) < 0
            || ndm_linalg_init(module) < 0
            || ndm_sort_init(module) < 0
            || ndm_evaluate_init(module) < 0) {
        return -1;
    }
    return 0;
}

static void
core_free(void *Py_UNUSED(module))
{
    Py_CLEAR(ndm_state.ndarray_type);
    Py_CLEAR(ndm_state.dtype_type);
    Py_CLEAR(ndm_state.flags_type);
    Py_CLEAR(ndm_state.flatiter_type);
}

static PyModuleDef_Slot core_slots[] = {
    {Py_mod_exec, core_exec},
    {0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "ndmem._core",
    .m_doc = "The C core of ndmem: arrays, dtypes, scalars, kernels and the allocator.",
    .m_size = 0,
    .m_slots = core_slots,
    .m_free = core_free,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    return PyModuleDef_Init(&core_module);
}
