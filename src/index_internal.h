/* Private to the index room (index.c and index_advanced.c): the parsed
 * form of an index and the helpers both halves share. */
#ifndef NDM_INDEX_INTERNAL_H
#define NDM_INDEX_INTERNAL_H

#include "ndarray.h"

#define MAX_ENTRIES (2 * NDM_MAXDIMS + 2)

enum {
    IDX_INT = 1,
    IDX_SLICE,
    IDX_NEWAXIS,
    IDX_ELLIPSIS,
    IDX_FANCY,      /* integer array (arr: int64, owned) */
    IDX_BOOLARR,    /* boolean array (arr, owned) */
    IDX_BOOL0,      /* True / False scalar (value) */
};

typedef struct {
    int kind;
    Py_ssize_t value;       /* INT value; BOOL0 truth; ELLIPSIS dims */
    PyObject *slice;        /* SLICE, borrowed from the key */
    NdmArray *arr;          /* FANCY / BOOLARR, owned */
} Entry;

typedef struct {
    Entry e[MAX_ENTRIES];
    int n;
    int used;               /* array dimensions consumed */
    int has_fancy;
    int has_ellipsis;
    int has_newaxis;
    int has_slice;
    int has_scalar_array;   /* a 0-d integer array: results are copies */
} Parsed;


/* IndexError "index 5 is out of bounds for axis 0 with size 3"; -1 */
int ndm_index_out_of_bounds(Py_ssize_t v, int axis, Py_ssize_t size);

/* IndexError "number of dimensions must be within [0, 64], ..."; -1 */
int ndm_index_too_many_dims(int nd);

/* IndexError "only integers, slices (`:`), ...": -1 */
int ndm_index_error_only(void);

/* Wrap a negative index and check bounds. */
static inline int
ndm_index_normalize(Py_ssize_t *v, int axis, Py_ssize_t size)
{
    Py_ssize_t x = *v;
    if (x < 0) {
        x += size;
    }
    if (x < 0 || x >= size) {
        return ndm_index_out_of_bounds(*v, axis, size);
    }
    *v = x;
    return 0;
}

/* Advanced indexing (index_advanced.c): p has at least one integer or
 * boolean array, or a True/False. */
PyObject *ndm_index_advanced_get(NdmArray *self, Parsed *p);
int ndm_index_advanced_set(NdmArray *self, Parsed *p, PyObject *value);

#endif
