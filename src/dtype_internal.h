/* Shared by dtype.c (descriptors) and dtype_convert.c (element
 * conversion): the private layout of every descriptor and the field and
 * subarray accessors. */
#ifndef NDM_DTYPE_INTERNAL_H
#define NDM_DTYPE_INTERNAL_H

#include "dtype.h"

/* Private extension of the public struct (all descriptors are made in dtype.c). */
typedef struct {
    NdmDtype d;
    int aligned;        /* structured dtype made with align=True */
    NdmDtype *sub_base; /* subarray dtype ('<i4', (2, 3)): element dtype */
    PyObject *sub_shape;    /* and its shape (tuple); NULL otherwise */
} DtypeFull;

#define SUB_BASE(d) (((DtypeFull *)(d))->sub_base)
#define SUB_SHAPE(d) (((DtypeFull *)(d))->sub_shape)

/* Field i of a structured dtype: its dtype (borrowed) and byte offset;
 * -1 with an exception if the fields table is inconsistent. */
int ndm_dtype_field_at(NdmDtype *d, Py_ssize_t i, NdmDtype **fd, Py_ssize_t *off);

/* Number of elements in a subarray dtype's shape. */
Py_ssize_t ndm_dtype_sub_count(NdmDtype *d);

#endif
