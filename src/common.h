/* Shared by every room of the C core: the Python headers, limits and the
 * process-wide state that module.c fills once at import. */
#ifndef NDM_COMMON_H
#define NDM_COMMON_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NDM_MAXDIMS 64

/* Types and objects the hot paths need without a module lookup.  module.c
 * fills this once and refuses a second initialisation in the same process,
 * so a borrowed pointer here is valid for the life of the extension. */
typedef struct NdmState {
    PyTypeObject *ndarray_type;
    PyTypeObject *dtype_type;
    PyTypeObject *flags_type;
    PyTypeObject *flatiter_type;
    PyObject *module;            /* ndmem._core, borrowed */
} NdmState;

extern NdmState ndm_state;

/* Each room adds its own functions and types to the module; module.c calls
 * these in dependency order. */
int ndm_alloc_init(PyObject *module);
int ndm_threads_init(PyObject *module);
int ndm_dtype_init(PyObject *module);
int ndm_scalar_init(PyObject *module);
int ndm_array_init(PyObject *module);
int ndm_buffer_init(PyObject *module);
int ndm_creation_init(PyObject *module);
int ndm_index_init(PyObject *module);
int ndm_iter_init(PyObject *module);
int ndm_ufunc_init(PyObject *module);
int ndm_reduce_init(PyObject *module);
int ndm_operators_init(PyObject *module);
int ndm_shape_init(PyObject *module);
int ndm_overlap_init(PyObject *module);
int ndm_random_init(PyObject *module);
int ndm_mmap_init(PyObject *module);
int ndm_fileio_init(PyObject *module);
int ndm_sort_init(PyObject *module);
int ndm_linalg_init(PyObject *module);
int ndm_evaluate_init(PyObject *module);

#endif
