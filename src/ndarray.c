#include "ndarray.h"
#include "iter.h"

#include <structmember.h>

/* ------------------------------------------------------------------ */
/* flags                                                              */

static int
is_c_contiguous(const NdmArray *a)
{
    Py_ssize_t expected = a->descr->itemsize;
    for (int i = a->nd - 1; i >= 0; i--) {
        Py_ssize_t dim = a->shape[i];
        if (dim == 0) {
            return 1;
        }
        if (dim != 1) {
            if (a->strides[i] != expected) {
                return 0;
            }
            expected *= dim;
        }
    }
    return 1;
}

static int
is_f_contiguous(const NdmArray *a)
{
    Py_ssize_t expected = a->descr->itemsize;
    for (int i = 0; i < a->nd; i++) {
        Py_ssize_t dim = a->shape[i];
        if (dim == 0) {
            return 1;
        }
        if (dim != 1) {
            if (a->strides[i] != expected) {
                return 0;
            }
            expected *= dim;
        }
    }
    return 1;
}

static int
is_aligned(const NdmArray *a)
{
    uintptr_t bits = (uintptr_t)a->data;
    int alignment = a->descr->alignment;
    if (alignment <= 1) {
        return 1;
    }
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] == 0) {
            return 1;
        }
        if (a->shape[i] > 1) {
            bits |= (uintptr_t)a->strides[i];
        }
    }
    return (bits % (uintptr_t)alignment) == 0;
}

void
ndm_array_update_flags(NdmArray *a)
{
    a->flags &= ~(NDM_C_CONTIGUOUS | NDM_F_CONTIGUOUS | NDM_ALIGNED);
    if (is_c_contiguous(a)) {
        a->flags |= NDM_C_CONTIGUOUS;
    }
    if (is_f_contiguous(a)) {
        a->flags |= NDM_F_CONTIGUOUS;
    }
    if (is_aligned(a)) {
        a->flags |= NDM_ALIGNED;
    }
}

int
ndm_array_fail_unless_writeable(NdmArray *a)
{
    if (!(a->flags & NDM_WRITEABLE)) {
        PyErr_SetString(PyExc_ValueError, "assignment destination is read-only");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* construction                                                       */

/* NumPy's PyArray_SetBaseObject walk: skip views of the same type that do
 * not own their data, so a chain of slices points at the owner. */
static PyObject *
collapse_base(PyObject *base, PyTypeObject *subtype)
{
    while (NdmArray_Check(base)) {
        NdmArray *b = (NdmArray *)base;
        if ((b->flags & NDM_OWNDATA) || b->base == NULL
                || Py_TYPE(b->base) != subtype) {
            break;
        }
        base = b->base;
    }
    return base;
}

static int
call_array_finalize(PyObject *self, PyObject *parent)
{
    PyObject *finalize = PyObject_GetAttrString(self, "__array_finalize__");
    if (finalize == NULL) {
        return -1;
    }
    if (finalize == Py_None) {
        Py_DECREF(finalize);
        return 0;
    }
    PyObject *res = PyObject_CallOneArg(finalize, parent ? parent : Py_None);
    Py_DECREF(finalize);
    if (res == NULL) {
        return -1;
    }
    Py_DECREF(res);
    return 0;
}

PyObject *
ndm_array_new(PyTypeObject *subtype, NdmDtype *descr, int nd,
              const Py_ssize_t *shape, const Py_ssize_t *strides,
              char *data, int flags, PyObject *base)
{
    NdmArray *self = NULL;
    Py_ssize_t size = 1;
    int any_zero = 0;

    if (nd < 0 || nd > NDM_MAXDIMS) {
        PyErr_Format(PyExc_ValueError,
                     "maximum supported dimension for an ndarray is currently %d, found %d",
                     NDM_MAXDIMS, nd);
        goto fail;
    }
    for (int i = 0; i < nd; i++) {
        if (shape[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "negative dimensions are not allowed");
            goto fail;
        }
        if (shape[i] == 0) {
            any_zero = 1;
        }
    }
    /* Overflow is checked over the non-zero extents, as NumPy does. */
    Py_ssize_t itemsize = descr->itemsize;
    size_t product = itemsize > 0 ? (size_t)itemsize : 1;
    for (int i = 0; i < nd; i++) {
        if (shape[i] == 0) {
            continue;
        }
        if (product > (size_t)PY_SSIZE_T_MAX / (size_t)shape[i]) {
            PyErr_SetString(PyExc_ValueError,
                            "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
            goto fail;
        }
        product *= (size_t)shape[i];
        size *= shape[i];
    }
    if (any_zero) {
        size = 0;
    }

    self = (NdmArray *)subtype->tp_alloc(subtype, 0);
    if (self == NULL) {
        goto fail;
    }
    self->descr = descr;
    descr = NULL;
    self->nd = nd;
    if (nd <= NDM_INLINE_DIMS) {
        self->shape = self->dims_inline;
    }
    else {
        self->shape = PyMem_Malloc(2 * (size_t)nd * sizeof(Py_ssize_t));
        if (self->shape == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
    }
    self->strides = self->shape + nd;
    for (int i = 0; i < nd; i++) {
        self->shape[i] = shape[i];
    }
    if (strides != NULL) {
        for (int i = 0; i < nd; i++) {
            self->strides[i] = strides[i];
        }
    }
    else if (size == 0) {
        for (int i = 0; i < nd; i++) {
            self->strides[i] = 0;
        }
    }
    else if (flags & NDM_NEW_FORTRAN) {
        Py_ssize_t step = itemsize;
        for (int i = 0; i < nd; i++) {
            self->strides[i] = step;
            step *= shape[i];
        }
    }
    else {
        Py_ssize_t step = itemsize;
        for (int i = nd - 1; i >= 0; i--) {
            self->strides[i] = step;
            step *= shape[i];
        }
    }

    if (data == NULL) {
        self->buffer = ndm_buffer_new((size_t)size * (size_t)itemsize,
                                      (flags & NDM_NEW_ZEROED) != 0);
        if (self->buffer == NULL) {
            goto fail;
        }
        self->data = self->buffer->data;
        self->flags = NDM_OWNDATA | NDM_WRITEABLE;
    }
    else {
        self->data = data;
        self->flags = flags & NDM_WRITEABLE;
        if (base != NULL) {
            base = collapse_base(base, subtype);
            Py_INCREF(base);
            self->base = base;
        }
    }
    ndm_array_update_flags(self);

    if (subtype != ndm_state.ndarray_type
            && call_array_finalize((PyObject *)self, base) < 0) {
        goto fail;
    }
    return (PyObject *)self;

fail:
    Py_XDECREF(descr);
    Py_XDECREF(self);
    return NULL;
}

PyObject *
ndm_array_view(NdmArray *parent, NdmDtype *descr, int nd,
               const Py_ssize_t *shape, const Py_ssize_t *strides,
               char *data, PyTypeObject *subtype)
{
    if (subtype == NULL) {
        subtype = Py_TYPE(parent);
    }
    return ndm_array_new(subtype, descr, nd, shape, strides, data,
                         parent->flags & NDM_WRITEABLE, (PyObject *)parent);
}

static void
array_dealloc(NdmArray *self)
{
    PyTypeObject *type = Py_TYPE(self);
    if (self->weakreflist != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    ndm_buffer_free(self->buffer);
    Py_XDECREF(self->base);
    Py_XDECREF(self->descr);
    if (self->shape != NULL && self->shape != self->dims_inline) {
        PyMem_Free(self->shape);
    }
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

/* ------------------------------------------------------------------ */
/* attributes                                                          */

static PyObject *
shape_tuple(const Py_ssize_t *values, int nd)
{
    PyObject *t = PyTuple_New(nd);
    if (t == NULL) {
        return NULL;
    }
    for (int i = 0; i < nd; i++) {
        PyObject *v = PyLong_FromSsize_t(values[i]);
        if (v == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    return t;
}

static PyObject *
array_get_shape(NdmArray *self, void *Py_UNUSED(closure))
{
    return shape_tuple(self->shape, self->nd);
}

static PyObject *
array_get_strides(NdmArray *self, void *Py_UNUSED(closure))
{
    return shape_tuple(self->strides, self->nd);
}

static PyObject *
array_get_ndim(NdmArray *self, void *Py_UNUSED(closure))
{
    return PyLong_FromLong(self->nd);
}

static PyObject *
array_get_dtype(NdmArray *self, void *Py_UNUSED(closure))
{
    Py_INCREF(self->descr);
    return (PyObject *)self->descr;
}

static PyObject *
array_get_base(NdmArray *self, void *Py_UNUSED(closure))
{
    if (self->base == NULL) {
        Py_RETURN_NONE;
    }
    Py_INCREF(self->base);
    return self->base;
}

static PyObject *
array_get_size(NdmArray *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(ndm_array_size(self));
}

static PyObject *
array_get_itemsize(NdmArray *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(self->descr->itemsize);
}

static PyObject *
array_get_nbytes(NdmArray *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(ndm_array_nbytes(self));
}

static PyGetSetDef array_getset[] = {
    {"shape", (getter)array_get_shape, NULL, "Tuple of array dimensions.", NULL},
    {"strides", (getter)array_get_strides, NULL, "Bytes to step in each dimension.", NULL},
    {"ndim", (getter)array_get_ndim, NULL, "Number of dimensions.", NULL},
    {"dtype", (getter)array_get_dtype, NULL, "Data type of the elements.", NULL},
    {"base", (getter)array_get_base, NULL, "The object the memory comes from.", NULL},
    {"size", (getter)array_get_size, NULL, "Number of elements.", NULL},
    {"itemsize", (getter)array_get_itemsize, NULL, "Bytes per element.", NULL},
    {"nbytes", (getter)array_get_nbytes, NULL, "Bytes of the elements.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef array_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(NdmArray, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyMethodDef array_methods[] = {
    {NULL, NULL, 0, NULL},
};

static PyType_Slot array_slots[] = {
    {Py_tp_dealloc, array_dealloc},
    {Py_tp_getset, array_getset},
    {Py_tp_members, array_members},
    {Py_tp_methods, array_methods},
    {Py_mp_subscript, ndm_index_get},
    {Py_mp_ass_subscript, ndm_index_set},
    {Py_bf_getbuffer, ndm_buffer_getbuffer},
    {Py_bf_releasebuffer, ndm_buffer_releasebuffer},
    {Py_tp_doc, "ndarray(shape, dtype=float, buffer=None, offset=0, strides=None, order=None)\n\n"
                "An n-dimensional array of fixed-size items."},
    {0, NULL},
};

static PyType_Spec array_spec = {
    .name = "ndmem.ndarray",
    .basicsize = sizeof(NdmArray),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = array_slots,
};

int
ndm_array_init(PyObject *module)
{
    PyObject *type = PyType_FromModuleAndSpec(module, &array_spec, NULL);
    if (type == NULL) {
        return -1;
    }
    ndm_state.ndarray_type = (PyTypeObject *)type;
    if (PyModule_AddObjectRef(module, "ndarray", type) < 0) {
        return -1;
    }
    return 0;
}

PyObject *
ndm_array_copy(NdmArray *a, char order)
{
    (void)a; (void)order;
    PyErr_SetString(PyExc_NotImplementedError, "copy");
    return NULL;
}

int
ndm_array_add_methods(PyMethodDef *methods)
{
    PyTypeObject *type = ndm_state.ndarray_type;
    for (PyMethodDef *def = methods; def->ml_name != NULL; def++) {
        PyObject *descr = PyDescr_NewMethod(type, def);
        if (descr == NULL) {
            return -1;
        }
        int rc = PyDict_SetItemString(type->tp_dict, def->ml_name, descr);
        Py_DECREF(descr);
        if (rc < 0) {
            return -1;
        }
    }
    PyType_Modified(type);
    return 0;
}
