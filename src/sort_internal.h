/* What sort.c shares with sort_select.c: argument checks, the lane
 * odometer and NumPy's complex order. */
#ifndef NDM_SORT_INTERNAL_H
#define NDM_SORT_INTERNAL_H

#include "ndarray.h"

/* Arrays of at least this many elements are sorted without the GIL. */
#define GIL_THRESHOLD 4096

/* Complex: NumPy's CFLOAT_LT (npysort_common.h), NaNs last. */
#define CLESS(ar, ai, br, bi)                                               \
    ((ar) < (br) ? ((ai) == (ai) || (bi) != (bi))                           \
     : (ar) > (br) ? ((bi) != (bi) && (ai) == (ai))                         \
     : ((ar) == (br) || ((ar) != (ar) && (br) != (br)))                     \
       ? ((ai) < (bi) || ((bi) != (bi) && (ai) == (ai)))                    \
     : ((br) != (br)))

/* obj as an ndarray, else TypeError naming `what`. */
NdmArray *ndm_sort_array_arg(PyObject *obj, const char *what);
/* 0 when a's dtype is native numeric, else -1 with TypeError. */
int ndm_sort_check_dtype(NdmArray *a);
/* 0 when axis is a normalized axis of a, else -1 with ValueError. */
int ndm_sort_parse_axis(NdmArray *a, int axis);
/* Step p (a's data) and o (out's, when out is not NULL) to the next lane
 * along axis: an odometer over the other axes, last fastest. */
void ndm_sort_next_lane(const NdmArray *a, int axis, const NdmArray *out, Py_ssize_t *idx,
                        char **p, char **o);
/* Adds _partition and _argpartition to the module (sort_select.c). */
int ndm_sortselect_init(PyObject *module);

#endif
