/* Shared by the dtype files: dtype.c (descriptors, parsing), dtype_attrs.c
 * (the type's attributes and repr), dtype_promote.c (promotion, can_cast)
 * and dtype_convert.c (element conversion): the private layout of every
 * descriptor, the builtin table and the field and subarray accessors. */
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

static inline int
is_aligned_struct(NdmDtype *d)
{
    return ((DtypeFull *)d)->aligned;
}

/* round x up to a multiple of a */
static inline Py_ssize_t
round_up(Py_ssize_t x, Py_ssize_t a)
{
    return a > 1 ? (x + a - 1) / a * a : x;
}

/* The builtin numeric types by type number (dtype.c). */
typedef struct {
    const char *name;
    char kind, chr;
    int size, num;
} BuiltinInfo;

extern const BuiltinInfo ndm_dtype_binfo[NDM_NNUMERIC];

/* ---- dtype.c ---- */

/* d->scalar_type set to the scalar type of its type number. */
void ndm_dtype_set_scalar_type(NdmDtype *d);

/* names: list/tuple of str; dtypes: list of NdmDtype; offsets: NULL for
 * packed (aligned if align) layout; itemsize -1 for computed. */
NdmDtype *ndm_dtype_make_struct(PyObject *names, PyObject *dtypes, PyObject *offsets,
                                Py_ssize_t itemsize, int align);

/* dtype(spec, align=align): ndm_dtype_from_object with the align flag. */
NdmDtype *ndm_dtype_from_object_align(PyObject *spec, int align);

/* d with byte order neworder: 'S' swap, '<', '>', '=', '|' (fields too). */
NdmDtype *ndm_dtype_with_order(NdmDtype *d, char neworder);

/* ---- dtype_attrs.c ---- */

extern PyType_Spec ndm_dtype_spec;

/* ---- dtype_promote.c ---- */

/* DTypePromotionError and promote_types/can_cast/result_type. */
int ndm_dtype_promote_init(PyObject *module);

#endif
