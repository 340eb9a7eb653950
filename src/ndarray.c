#include "ndarray.h"
#include "ufunc.h"
#include "iter.h"

#include <structmember.h>

/* ------------------------------------------------------------------ */
/* flags                                                              */

static int
has_zero_dim(const NdmArray *a)
{
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] == 0) {
            return 1;
        }
    }
    return 0;
}

/* NumPy's _UpdateContiguousFlags: any zero-length dimension makes the array
 * both C and F contiguous; length-1 dimensions are ignored. */
static int
is_c_contiguous(const NdmArray *a)
{
    if (has_zero_dim(a)) {
        return 1;
    }
    Py_ssize_t expected = a->descr->itemsize;
    for (int i = a->nd - 1; i >= 0; i--) {
        Py_ssize_t dim = a->shape[i];
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
    if (has_zero_dim(a)) {
        return 1;
    }
    Py_ssize_t expected = a->descr->itemsize;
    for (int i = 0; i < a->nd; i++) {
        Py_ssize_t dim = a->shape[i];
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

/* The ndmem buffer the data of a view of base lives in, or NULL when the
 * memory is foreign.  A memoryview over an ndmem array (np.frombuffer(a))
 * leads back to that array's buffer. */
static NdmBuffer *
home_buffer(PyObject *base)
{
    if (PyMemoryView_Check(base)) {
        base = PyMemoryView_GET_BUFFER(base)->obj;
        if (base == NULL) {
            return NULL;
        }
    }
    return NdmArray_Check(base) ? ((NdmArray *)base)->link.buffer : NULL;
}

/* ndarray's own (do-nothing) __array_finalize__, borrowed from its dict. */
static PyObject *default_finalize;

static int
call_array_finalize(PyObject *self, PyObject *parent)
{
    if (default_finalize != NULL) {
        PyObject *name = PyUnicode_InternFromString("__array_finalize__");
        if (name == NULL) {
            return -1;
        }
        PyObject *found = _PyType_Lookup(Py_TYPE(self), name);
        Py_DECREF(name);
        if (found == default_finalize) {
            return 0;
        }
    }
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

/* NumPy's _update_descr_and_dimensions: an array of a subarray dtype
 * ('(2,3)i4') is an array of its base dtype with the subarray's shape
 * appended, the new axes C-contiguous inside each element.  Replaces *descr
 * (a reference the caller passed in) by the base. */
static int
expand_subarray(NdmDtype **descr, int *nd, const Py_ssize_t *shape,
                const Py_ssize_t *strides, Py_ssize_t *full_shape, Py_ssize_t *full_strides)
{
    NdmDtype *base;
    PyObject *sub;
    int n = *nd;
    for (int i = 0; i < n; i++) {
        full_shape[i] = shape[i];
        if (strides != NULL) {
            full_strides[i] = strides[i];
        }
    }
    while (ndm_dtype_subarray(*descr, &base, &sub)) {
        Py_ssize_t k = PyTuple_GET_SIZE(sub);
        if (n + k > NDM_MAXDIMS) {
            PyErr_Format(PyExc_ValueError,
                         "maximum supported dimension for an ndarray is currently %d, found %zd",
                         NDM_MAXDIMS, n + k);
            return -1;
        }
        for (Py_ssize_t j = 0; j < k; j++) {
            full_shape[n + j] = PyLong_AsSsize_t(PyTuple_GET_ITEM(sub, j));
        }
        Py_ssize_t step = base->itemsize;
        for (Py_ssize_t j = k - 1; j >= 0; j--) {
            full_strides[n + j] = step;
            step *= full_shape[n + j];
        }
        n += (int)k;
        Py_INCREF(base);
        Py_SETREF(*descr, base);
    }
    *nd = n;
    return 0;
}

/* ndm_array_new with the object passed to a subclass's __array_finalize__
 * chosen by the caller (NumPy passes the source array to copies, None to
 * ndarray.__new__ over a buffer). */
static PyObject *
new_impl(PyTypeObject *subtype, NdmDtype *descr, int nd,
         const Py_ssize_t *shape, const Py_ssize_t *strides,
         char *data, int flags, PyObject *base, PyObject *finalize_obj)
{
    NdmArray *self = NULL;
    Py_ssize_t size = 1;
    int any_zero = 0;
    Py_ssize_t full_shape[NDM_MAXDIMS], full_strides[NDM_MAXDIMS];

    NdmDtype *sub_base;
    PyObject *sub_shape;
    if (nd >= 0 && nd <= NDM_MAXDIMS && ndm_dtype_subarray(descr, &sub_base, &sub_shape)) {
        if (expand_subarray(&descr, &nd, shape, strides, full_shape, full_strides) < 0) {
            goto fail;
        }
        shape = full_shape;
        strides = strides != NULL ? full_strides : NULL;
    }
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
    else if (size == 0 && data == NULL) {
        /* fresh empty arrays get zero strides, as NumPy */
        for (int i = 0; i < nd; i++) {
            self->strides[i] = 0;
        }
    }
    else if (flags & NDM_NEW_FORTRAN) {
        /* over given data, zero extents count as 1 (_array_fill_strides) */
        Py_ssize_t step = itemsize;
        for (int i = 0; i < nd; i++) {
            self->strides[i] = step;
            step *= shape[i] ? shape[i] : 1;
        }
    }
    else {
        Py_ssize_t step = itemsize;
        for (int i = nd - 1; i >= 0; i--) {
            self->strides[i] = step;
            step *= shape[i] ? shape[i] : 1;
        }
    }

    if (data == NULL) {
        self->buffer = ndm_buffer_new((size_t)size * (size_t)itemsize,
                                      (flags & NDM_NEW_ZEROED) != 0);
        if (self->buffer == NULL) {
            goto fail;
        }
        self->buffer->owner = (PyObject *)self;
        ndm_buffer_attach(self->buffer, &self->link, (PyObject *)self);
        self->data = self->buffer->data;
        self->flags = NDM_OWNDATA | NDM_WRITEABLE;
        if (ndm_alloc_hook != NULL && ndm_alloc_notify((PyObject *)self) < 0) {
            goto fail;
        }
    }
    else {
        self->data = data;
        self->flags = flags & NDM_WRITEABLE;
        if (base != NULL) {
            /* the data lives where the uncollapsed base's does: after
             * __setstate__ the collapsed owner may hold a new buffer */
            NdmBuffer *home = home_buffer(base);
            if (home != NULL) {
                ndm_buffer_attach(home, &self->link, (PyObject *)self);
            }
            base = collapse_base(base, subtype);
            Py_INCREF(base);
            self->base = base;
        }
    }
    ndm_array_update_flags(self);
    if (ndm_alloc_pin_checks && ndm_alloc_check_pins() < 0) {
        goto fail;
    }

    if (subtype != ndm_state.ndarray_type
            && call_array_finalize((PyObject *)self, finalize_obj) < 0) {
        goto fail;
    }
    return (PyObject *)self;

fail:
    Py_XDECREF(descr);
    Py_XDECREF(self);
    return NULL;
}

PyObject *
ndm_array_new(PyTypeObject *subtype, NdmDtype *descr, int nd,
              const Py_ssize_t *shape, const Py_ssize_t *strides,
              char *data, int flags, PyObject *base)
{
    return new_impl(subtype, descr, nd, shape, strides, data, flags, base, base);
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
    ndm_buffer_detach(&self->link);
    ndm_buffer_disown(self->buffer);
    Py_XDECREF(self->base);
    Py_XDECREF(self->descr);
    if (self->shape != NULL && self->shape != self->dims_inline) {
        PyMem_Free(self->shape);
    }
    if (ndm_alloc_pin_checks) {
        /* a dealloc cannot raise: a PinWarning turned error is reported */
        PyObject *type_, *value, *tb;
        PyErr_Fetch(&type_, &value, &tb);
        if (ndm_alloc_check_pins() < 0) {
            PyErr_WriteUnraisable(NULL);
        }
        PyErr_Restore(type_, value, tb);
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

/* ------------------------------------------------------------------ */
/* the flags object                                                    */

typedef struct {
    PyObject_HEAD
    PyObject *array;    /* the array, or NULL for a detached snapshot */
    int flags;          /* snapshot, refreshed after every set */
} NdmFlags;

static PyObject *
flags_new_for(NdmArray *a)
{
    NdmFlags *f = PyObject_New(NdmFlags, ndm_state.flags_type);
    if (f == NULL) {
        return NULL;
    }
    Py_INCREF(a);
    f->array = (PyObject *)a;
    f->flags = a->flags;
    return (PyObject *)f;
}

static void
flags_dealloc(NdmFlags *self)
{
    PyTypeObject *type = Py_TYPE(self);
    Py_XDECREF(self->array);
    PyObject_Free(self);
    Py_DECREF(type);
}

/* NumPy's _IsWriteable: may WRITEABLE be set on a? */
static int
array_may_write(NdmArray *a)
{
    PyObject *base = a->base;
    if (base == NULL || (a->flags & NDM_OWNDATA)) {
        return 1;
    }
    while (NdmArray_Check(base)) {
        NdmArray *b = (NdmArray *)base;
        base = b->base;
        if (b->flags & NDM_WRITEABLE) {
            return 1;
        }
        if (base == NULL || (b->flags & NDM_OWNDATA)) {
            return 0;
        }
    }
    if (PyBytes_Check(base)) {
        return 0;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(base, &view, PyBUF_WRITABLE | PyBUF_SIMPLE) < 0) {
        PyErr_Clear();
        return 0;
    }
    PyBuffer_Release(&view);
    return 1;
}

/* setflags semantics shared by a.setflags and the flags object.
 * Each argument: -1 leave, 0 false, 1 true. */
static int
array_setflags_impl(NdmArray *a, int write, int align, int uic)
{
    if (align == 1) {
        int save = a->flags;
        ndm_array_update_flags(a);
        int ok = (a->flags & NDM_ALIGNED) != 0;
        a->flags = save;
        if (!ok) {
            PyErr_SetString(PyExc_ValueError,
                            "cannot set aligned flag of mis-aligned array to True");
            return -1;
        }
        a->flags |= NDM_ALIGNED;
    }
    else if (align == 0) {
        a->flags &= ~NDM_ALIGNED;
    }
    if (uic == 1) {
        PyErr_SetString(PyExc_ValueError, "cannot set WRITEBACKIFCOPY flag to True");
        return -1;
    }
    else if (uic == 0) {
        a->flags &= ~NDM_WRITEBACKIFCOPY;
    }
    if (write == 1) {
        if (!array_may_write(a)) {
            PyErr_SetString(PyExc_ValueError,
                            "cannot set WRITEABLE flag to True of this array");
            return -1;
        }
        a->flags |= NDM_WRITEABLE;
    }
    else if (write == 0) {
        a->flags &= ~NDM_WRITEABLE;
    }
    return 0;
}

static int
flags_set_common(NdmFlags *self, PyObject *value, int which, const char *name)
{
    if (value == NULL) {
        PyErr_Format(PyExc_AttributeError, "Cannot delete flags %s attribute", name);
        return -1;
    }
    if (self->array == NULL) {
        PyErr_SetString(PyExc_ValueError,
                        "Cannot set flags on array scalars.");
        return -1;
    }
    int truth = PyObject_IsTrue(value);
    if (truth < 0) {
        return -1;
    }
    NdmArray *a = (NdmArray *)self->array;
    int rc;
    if (which == NDM_WRITEABLE) {
        rc = array_setflags_impl(a, truth, -1, -1);
    }
    else if (which == NDM_ALIGNED) {
        rc = array_setflags_impl(a, -1, truth, -1);
    }
    else {
        rc = array_setflags_impl(a, -1, -1, truth);
    }
    self->flags = a->flags;
    return rc;
}

static int
flags_set_writeable(NdmFlags *self, PyObject *value, void *Py_UNUSED(c))
{
    return flags_set_common(self, value, NDM_WRITEABLE, "writeable");
}

static int
flags_set_aligned(NdmFlags *self, PyObject *value, void *Py_UNUSED(c))
{
    return flags_set_common(self, value, NDM_ALIGNED, "aligned");
}

static int
flags_set_wbic(NdmFlags *self, PyObject *value, void *Py_UNUSED(c))
{
    return flags_set_common(self, value, NDM_WRITEBACKIFCOPY, "writebackifcopy");
}

enum {
    FL_C, FL_F, FL_OWN, FL_W, FL_A, FL_X, FL_FNC, FL_FORC, FL_BEHAVED,
    FL_CARRAY, FL_FARRAY,
};

static int
flags_value(int fl, int which)
{
    int c = (fl & NDM_C_CONTIGUOUS) != 0;
    int f = (fl & NDM_F_CONTIGUOUS) != 0;
    int w = (fl & NDM_WRITEABLE) != 0;
    int al = (fl & NDM_ALIGNED) != 0;
    switch (which) {
    case FL_C: return c;
    case FL_F: return f;
    case FL_OWN: return (fl & NDM_OWNDATA) != 0;
    case FL_W: return w;
    case FL_A: return al;
    case FL_X: return (fl & NDM_WRITEBACKIFCOPY) != 0;
    case FL_FNC: return f && !c;
    case FL_FORC: return f || c;
    case FL_BEHAVED: return al && w;
    case FL_CARRAY: return c && al && w;
    /* NumPy tests "any of F_CONTIGUOUS, ALIGNED, WRITEABLE" here */
    case FL_FARRAY: return (f || al || w) && !c;
    }
    return 0;
}

static PyObject *
flags_get(NdmFlags *self, void *closure)
{
    return PyBool_FromLong(flags_value(self->flags, (int)(intptr_t)closure));
}

static PyObject *
flags_get_num(NdmFlags *self, void *Py_UNUSED(closure))
{
    return PyLong_FromLong(self->flags);
}

#define FLAG_GET(name, which) \
    {name, (getter)flags_get, NULL, NULL, (void *)(intptr_t)(which)}

static PyGetSetDef flags_getset[] = {
    FLAG_GET("c_contiguous", FL_C),
    FLAG_GET("contiguous", FL_C),
    FLAG_GET("f_contiguous", FL_F),
    FLAG_GET("fortran", FL_F),
    FLAG_GET("owndata", FL_OWN),
    {"writeable", (getter)flags_get, (setter)flags_set_writeable, NULL, (void *)(intptr_t)FL_W},
    {"aligned", (getter)flags_get, (setter)flags_set_aligned, NULL, (void *)(intptr_t)FL_A},
    {"writebackifcopy", (getter)flags_get, (setter)flags_set_wbic, NULL, (void *)(intptr_t)FL_X},
    FLAG_GET("fnc", FL_FNC),
    FLAG_GET("forc", FL_FORC),
    FLAG_GET("behaved", FL_BEHAVED),
    FLAG_GET("carray", FL_CARRAY),
    FLAG_GET("farray", FL_FARRAY),
    {"num", (getter)flags_get_num, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static const struct { const char *key; int which; } flag_keys[] = {
    {"C_CONTIGUOUS", FL_C}, {"C", FL_C}, {"CONTIGUOUS", FL_C},
    {"F_CONTIGUOUS", FL_F}, {"F", FL_F}, {"FORTRAN", FL_F},
    {"OWNDATA", FL_OWN}, {"O", FL_OWN},
    {"WRITEABLE", FL_W}, {"W", FL_W},
    {"ALIGNED", FL_A}, {"A", FL_A},
    {"WRITEBACKIFCOPY", FL_X}, {"X", FL_X},
    {"FNC", FL_FNC}, {"FORC", FL_FORC},
    {"BEHAVED", FL_BEHAVED}, {"B", FL_BEHAVED},
    {"CARRAY", FL_CARRAY}, {"CA", FL_CARRAY},
    {"FARRAY", FL_FARRAY}, {"FA", FL_FARRAY},
    {NULL, 0},
};

static int
flag_key_lookup(PyObject *key)
{
    const char *s = NULL;
    if (PyUnicode_Check(key)) {
        s = PyUnicode_AsUTF8(key);
        if (s == NULL) {
            return -1;
        }
    }
    else if (PyBytes_Check(key)) {
        s = PyBytes_AS_STRING(key);
    }
    if (s != NULL) {
        for (int i = 0; flag_keys[i].key != NULL; i++) {
            if (strcmp(s, flag_keys[i].key) == 0) {
                return flag_keys[i].which;
            }
        }
    }
    PyErr_SetString(PyExc_KeyError, "Unknown flag");
    return -1;
}

static PyObject *
flags_getitem(NdmFlags *self, PyObject *key)
{
    int which = flag_key_lookup(key);
    if (which < 0) {
        return NULL;
    }
    return PyBool_FromLong(flags_value(self->flags, which));
}

static int
flags_setitem(NdmFlags *self, PyObject *key, PyObject *value)
{
    int which = flag_key_lookup(key);
    if (which < 0) {
        return -1;
    }
    if (which == FL_W) {
        return flags_set_common(self, value, NDM_WRITEABLE, "writeable");
    }
    if (which == FL_A) {
        return flags_set_common(self, value, NDM_ALIGNED, "aligned");
    }
    if (which == FL_X) {
        return flags_set_common(self, value, NDM_WRITEBACKIFCOPY, "writebackifcopy");
    }
    PyErr_SetString(PyExc_KeyError, "Unknown flag");
    return -1;
}

static PyObject *
flags_repr(NdmFlags *self)
{
    int fl = self->flags;
#define TF(x) ((x) ? "True" : "False")
    return PyUnicode_FromFormat(
        "  C_CONTIGUOUS : %s\n  F_CONTIGUOUS : %s\n  OWNDATA : %s\n"
        "  WRITEABLE : %s\n  ALIGNED : %s\n  WRITEBACKIFCOPY : %s\n",
        TF(fl & NDM_C_CONTIGUOUS), TF(fl & NDM_F_CONTIGUOUS),
        TF(fl & NDM_OWNDATA), TF(fl & NDM_WRITEABLE), TF(fl & NDM_ALIGNED),
        TF(fl & NDM_WRITEBACKIFCOPY));
#undef TF
}

static PyObject *
flags_richcompare(PyObject *self, PyObject *other, int op)
{
    if (!Py_IS_TYPE(other, ndm_state.flags_type) || (op != Py_EQ && op != Py_NE)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    int eq = ((NdmFlags *)self)->flags == ((NdmFlags *)other)->flags;
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyType_Slot flags_slots[] = {
    {Py_tp_dealloc, flags_dealloc},
    {Py_tp_getset, flags_getset},
    {Py_tp_repr, flags_repr},
    {Py_tp_str, flags_repr},
    {Py_tp_richcompare, flags_richcompare},
    {Py_tp_hash, PyObject_HashNotImplemented},
    {Py_mp_subscript, flags_getitem},
    {Py_mp_ass_subscript, flags_setitem},
    {Py_tp_doc, "The memory layout flags of an array."},
    {0, NULL},
};

static PyType_Spec flags_spec = {
    .name = "ndmem._core.flagsobj",
    .basicsize = sizeof(NdmFlags),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = flags_slots,
};

/* ------------------------------------------------------------------ */
/* helpers                                                             */

/* NumPy's PyArray_IntpConverter for shapes: an int or a sequence of ints.
 * Returns nd, or -1 with an exception. */
static int
shape_converter(PyObject *obj, Py_ssize_t *out)
{
    if (obj == Py_None) {
        PyErr_SetString(PyExc_TypeError, "Use () not None as shape arguments");
        return -1;
    }
    if (PyLong_Check(obj) || (!PySequence_Check(obj) && PyIndex_Check(obj))) {
        Py_ssize_t v = PyNumber_AsSsize_t(obj, PyExc_ValueError);
        if (v == -1 && PyErr_Occurred()) {
            return -1;
        }
        out[0] = v;
        return 1;
    }
    if (PyUnicode_Check(obj) || PyBytes_Check(obj) || !PySequence_Check(obj)) {
        if (PyUnicode_Check(obj) || PyBytes_Check(obj)) {
            PyErr_Format(PyExc_TypeError,
                         "'%.200s' object cannot be interpreted as an integer",
                         Py_TYPE(obj)->tp_name);
        }
        else {
            PyErr_Format(PyExc_TypeError,
                         "expected a sequence of integers or a single integer, got '%R'", obj);
        }
        return -1;
    }
    PyObject *seq = PySequence_Fast(obj, "expected a sequence of integers");
    if (seq == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > NDM_MAXDIMS) {
        Py_DECREF(seq);
        PyErr_Format(PyExc_ValueError,
                     "maximum supported dimension for an ndarray is currently %d, found %zd",
                     NDM_MAXDIMS, n);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        Py_ssize_t v;
        if (!PyIndex_Check(item)) {
            PyErr_Format(PyExc_TypeError,
                         "'%.200s' object cannot be interpreted as an integer",
                         Py_TYPE(item)->tp_name);
            Py_DECREF(seq);
            return -1;
        }
        v = PyNumber_AsSsize_t(item, PyExc_ValueError);
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            return -1;
        }
        out[i] = v;
    }
    Py_DECREF(seq);
    return (int)n;
}

/* order keyword: NULL/None keeps *out (the default). */
static int
order_converter(PyObject *obj, char *out)
{
    if (obj == NULL || obj == Py_None) {
        return 0;
    }
    const char *s = NULL;
    if (PyUnicode_Check(obj)) {
        s = PyUnicode_AsUTF8(obj);
        if (s == NULL) {
            return -1;
        }
    }
    else if (PyBytes_Check(obj)) {
        s = PyBytes_AS_STRING(obj);
    }
    if (s != NULL && strlen(s) == 1) {
        char c = s[0];
        if (c >= 'a' && c <= 'z') {
            c = (char)(c - 'a' + 'A');
        }
        if (c == 'C' || c == 'F' || c == 'A' || c == 'K') {
            *out = c;
            return 0;
        }
    }
    if (s != NULL) {
        PyErr_Format(PyExc_ValueError,
                     "order must be one of 'C', 'F', 'A', or 'K' (got %R)", obj);
    }
    else {
        PyErr_Format(PyExc_TypeError,
                     "order must be str, not %.200s", Py_TYPE(obj)->tp_name);
    }
    return -1;
}

static PyObject *
get_axis_error(void)
{
    PyObject *cls = PyObject_GetAttrString(ndm_state.module, "AxisError");
    if (cls == NULL) {
        PyErr_Clear();
        Py_INCREF(PyExc_ValueError);
        return PyExc_ValueError;
    }
    return cls;
}

static int
normalize_axis(Py_ssize_t *axis, int nd)
{
    if (*axis < -nd || *axis >= nd) {
        PyObject *cls = get_axis_error();
        PyObject *msg = PyUnicode_FromFormat(
            "axis %zd is out of bounds for array of dimension %d", *axis, nd);
        if (msg != NULL) {
            PyErr_SetObject(cls, msg);
            Py_DECREF(msg);
        }
        Py_DECREF(cls);
        return -1;
    }
    if (*axis < 0) {
        *axis += nd;
    }
    return 0;
}

/* Replace a's geometry (shape/strides) in place. */
static int
set_geometry(NdmArray *a, int nd, const Py_ssize_t *shape, const Py_ssize_t *strides)
{
    Py_ssize_t *block;
    if (nd <= NDM_INLINE_DIMS) {
        block = a->dims_inline;
    }
    else {
        block = PyMem_Malloc(2 * (size_t)nd * sizeof(Py_ssize_t));
        if (block == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    Py_ssize_t tmp[2 * NDM_MAXDIMS];
    memcpy(tmp, shape, (size_t)nd * sizeof(Py_ssize_t));
    memcpy(tmp + nd, strides, (size_t)nd * sizeof(Py_ssize_t));
    if (a->shape != NULL && a->shape != a->dims_inline && a->shape != block) {
        PyMem_Free(a->shape);
    }
    a->shape = block;
    a->strides = block + nd;
    a->nd = nd;
    memcpy(block, tmp, 2 * (size_t)nd * sizeof(Py_ssize_t));
    ndm_array_update_flags(a);
    return 0;
}

int
ndm_array_nocopy_reshape(NdmArray *a, int newnd, const Py_ssize_t *newdims,
                         Py_ssize_t *newstrides)
{
    int oldnd = 0;
    Py_ssize_t olddims[NDM_MAXDIMS], oldstrides[NDM_MAXDIMS];
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] != 1) {
            olddims[oldnd] = a->shape[i];
            oldstrides[oldnd] = a->strides[i];
            oldnd++;
        }
    }
    int oi = 0, oj = 1, ni = 0, nj = 1;
    while (ni < newnd && oi < oldnd) {
        Py_ssize_t np_ = newdims[ni], op = olddims[oi];
        while (np_ != op) {
            if (np_ < op) {
                np_ *= newdims[nj++];
            }
            else {
                op *= olddims[oj++];
            }
        }
        for (int ok = oi; ok < oj - 1; ok++) {
            if (oldstrides[ok] != olddims[ok + 1] * oldstrides[ok + 1]) {
                return 0;
            }
        }
        newstrides[nj - 1] = oldstrides[oj - 1];
        for (int nk = nj - 1; nk > ni; nk--) {
            newstrides[nk - 1] = newstrides[nk] * newdims[nk];
        }
        ni = nj++;
        oi = oj++;
    }
    Py_ssize_t last = ni >= 1 ? newstrides[ni - 1] : a->descr->itemsize;
    for (int nk = ni; nk < newnd; nk++) {
        newstrides[nk] = last;
    }
    return 1;
}

/* NumPy's convert_shape_to_string: leading unknowns are skipped, later ones
 * print as "newaxis", and only a one-entry shape gets the trailing comma. */
static void
format_newshape(char *buf, size_t cap, const Py_ssize_t *vals, int n)
{
    int i = 0;
    while (i < n && vals[i] < 0) {
        i++;
    }
    if (i == n) {
        snprintf(buf, cap, "()");
        return;
    }
    size_t len = (size_t)snprintf(buf, cap, "(%zd", vals[i++]);
    for (; i < n && len < cap; i++) {
        if (vals[i] < 0) {
            len += (size_t)snprintf(buf + len, cap - len, ",newaxis");
        }
        else {
            len += (size_t)snprintf(buf + len, cap - len, ",%zd", vals[i]);
        }
    }
    if (len < cap) {
        snprintf(buf + len, cap - len, n == 1 ? ",)" : ")");
    }
}

/* Resolve the unknown (negative) dimension of a new shape against size,
 * as NumPy's _fix_unknown_dimension. */
static int
fix_unknown_dimension(Py_ssize_t *shape, int nd, Py_ssize_t size)
{
    int unknown = -1;
    Py_ssize_t known = 1;
    Py_ssize_t orig[NDM_MAXDIMS];
    memcpy(orig, shape, (size_t)nd * sizeof(Py_ssize_t));
    for (int i = 0; i < nd; i++) {
        if (shape[i] < 0) {
            if (unknown >= 0) {
                PyErr_SetString(PyExc_ValueError, "can only specify one unknown dimension");
                return -1;
            }
            unknown = i;
        }
        else {
            known *= shape[i];
        }
    }
    if (unknown >= 0) {
        if (known != 0 && size % known == 0) {
            shape[unknown] = size / known;
            return 0;
        }
    }
    else if (known == size) {
        return 0;
    }
    char buf[2048];
    format_newshape(buf, sizeof buf, orig, nd);
    PyErr_Format(PyExc_ValueError, "cannot reshape array of size %zd into shape %s",
                 size, buf);
    return -1;
}

/* ------------------------------------------------------------------ */
/* attributes                                                          */

static int
array_set_shape(NdmArray *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "Cannot delete array shape");
        return -1;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    int nd = shape_converter(value, shape);
    if (nd < 0) {
        return -1;
    }
    Py_ssize_t size = ndm_array_size(self);
    if (fix_unknown_dimension(shape, nd, size) < 0) {
        return -1;
    }
    if (size == 0) {
        for (int i = 0; i < nd; i++) {
            strides[i] = 0;
        }
        /* NumPy keeps packed strides for empty reshapes */
        Py_ssize_t step = self->descr->itemsize;
        for (int i = nd - 1; i >= 0; i--) {
            strides[i] = step;
            step *= shape[i] > 0 ? shape[i] : 1;
        }
    }
    else if (!ndm_array_nocopy_reshape(self, nd, shape, strides)) {
        PyErr_SetString(PyExc_AttributeError,
                        "Incompatible shape for in-place modification. Use "
                        "`.reshape()` to make a copy with the desired shape.");
        return -1;
    }
    return set_geometry(self, nd, shape, strides);
}

static PyObject *
array_get_flags(NdmArray *self, void *Py_UNUSED(closure))
{
    return flags_new_for(self);
}

static PyObject *
array_get_data(NdmArray *self, void *Py_UNUSED(closure))
{
    return PyMemoryView_FromObject((PyObject *)self);
}

static PyObject *
transpose_view(NdmArray *self, const int *perm)
{
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    for (int i = 0; i < self->nd; i++) {
        shape[i] = self->shape[perm[i]];
        strides[i] = self->strides[perm[i]];
    }
    Py_INCREF(self->descr);
    return ndm_array_view(self, self->descr, self->nd, shape, strides,
                          self->data, NULL);
}

static PyObject *
array_get_T(NdmArray *self, void *Py_UNUSED(closure))
{
    int perm[NDM_MAXDIMS];
    for (int i = 0; i < self->nd; i++) {
        perm[i] = self->nd - 1 - i;
    }
    return transpose_view(self, perm);
}

static int
is_complex(NdmArray *a)
{
    return a->descr->type_num == NDM_COMPLEX64 || a->descr->type_num == NDM_COMPLEX128;
}

/* The float dtype of a complex array's parts, same byte order. */
static NdmDtype *
part_dtype(NdmArray *a)
{
    int t = a->descr->type_num == NDM_COMPLEX64 ? NDM_FLOAT32 : NDM_FLOAT64;
    if (ndm_dtype_isnative(a->descr)) {
        return ndm_dtype_builtin(t);
    }
    PyObject *spec = PyUnicode_FromFormat("%cf%d", a->descr->byteorder,
                                          t == NDM_FLOAT32 ? 4 : 8);
    if (spec == NULL) {
        return NULL;
    }
    NdmDtype *d = ndm_dtype_from_object(spec);
    Py_DECREF(spec);
    return d;
}

static PyObject *
complex_part(NdmArray *self, int imag)
{
    NdmDtype *d = part_dtype(self);
    if (d == NULL) {
        return NULL;
    }
    return ndm_array_view(self, d, self->nd, self->shape, self->strides,
                          self->data + (imag ? d->itemsize : 0), NULL);
}

static PyObject *
array_get_real(NdmArray *self, void *Py_UNUSED(closure))
{
    if (is_complex(self)) {
        return complex_part(self, 0);
    }
    Py_INCREF(self);
    return (PyObject *)self;
}

static PyObject *
array_get_imag(NdmArray *self, void *Py_UNUSED(closure))
{
    if (is_complex(self)) {
        return complex_part(self, 1);
    }
    Py_INCREF(self->descr);
    NdmArray *r = (NdmArray *)new_impl(Py_TYPE(self), self->descr, self->nd,
                                       self->shape, NULL, NULL,
                                       NDM_NEW_ZEROED, NULL, (PyObject *)self);
    if (r == NULL) {
        return NULL;
    }
    r->flags &= ~NDM_WRITEABLE;
    return (PyObject *)r;
}

static int
set_part(NdmArray *self, PyObject *value, int imag)
{
    if (value == NULL) {
        PyErr_Format(PyExc_AttributeError, "Cannot delete array %s part",
                     imag ? "imaginary" : "real");
        return -1;
    }
    NdmArray *view;
    if (is_complex(self)) {
        view = (NdmArray *)complex_part(self, imag);
    }
    else if (imag) {
        PyErr_SetString(PyExc_TypeError, "array does not have imaginary part to set");
        return -1;
    }
    else {
        Py_INCREF(self);
        view = self;
    }
    if (view == NULL) {
        return -1;
    }
    int rc = ndm_array_fail_unless_writeable(view);
    if (rc == 0) {
        rc = ndm_array_assign_object(view, value);
    }
    Py_DECREF(view);
    return rc;
}

static int
array_set_real(NdmArray *self, PyObject *value, void *Py_UNUSED(closure))
{
    return set_part(self, value, 0);
}

static int
array_set_imag(NdmArray *self, PyObject *value, void *Py_UNUSED(closure))
{
    return set_part(self, value, 1);
}

static PyObject *
array_get_interface(NdmArray *self, void *Py_UNUSED(closure))
{
    PyObject *typestr = PyObject_GetAttrString((PyObject *)self->descr, "str");
    if (typestr == NULL) {
        return NULL;
    }
    PyObject *descr;
    if (ndm_dtype_is_structured(self->descr)) {
        descr = PyObject_GetAttrString((PyObject *)self->descr, "descr");
    }
    else {
        descr = Py_BuildValue("[(sO)]", "", typestr);
    }
    if (descr == NULL) {
        Py_DECREF(typestr);
        return NULL;
    }
    PyObject *strides = (self->flags & NDM_C_CONTIGUOUS)
        ? Py_NewRef(Py_None) : shape_tuple(self->strides, self->nd);
    PyObject *shape = shape_tuple(self->shape, self->nd);
    PyObject *ptr = PyLong_FromVoidPtr(self->data);
    if (strides == NULL || shape == NULL || ptr == NULL) {
        Py_XDECREF(strides);
        Py_XDECREF(shape);
        Py_XDECREF(ptr);
        Py_DECREF(descr);
        Py_DECREF(typestr);
        return NULL;
    }
    return Py_BuildValue("{s:(NO),s:N,s:N,s:N,s:N,s:i}",
                         "data", ptr, ndm_array_is_writeable(self) ? Py_False : Py_True,
                         "strides", strides, "descr", descr, "typestr", typestr,
                         "shape", shape, "version", 3);
}

static PyObject *
array_get_ctypes(NdmArray *self, void *Py_UNUSED(closure))
{
    PyObject *mod = PyImport_ImportModule("ndmem._internal");
    if (mod == NULL) {
        return NULL;
    }
    PyObject *res = PyObject_CallMethod(mod, "_ctypes", "ON", (PyObject *)self,
                                        PyLong_FromVoidPtr(self->data));
    Py_DECREF(mod);
    return res;
}

static PyObject *
array_get_priority(NdmArray *Py_UNUSED(self), void *Py_UNUSED(closure))
{
    return PyFloat_FromDouble(0.0);
}

static int array_set_dtype(NdmArray *self, PyObject *value, void *closure);
static int array_set_strides(NdmArray *self, PyObject *value, void *closure);

static PyGetSetDef array_getset[] = {
    {"shape", (getter)array_get_shape, (setter)array_set_shape, "Tuple of array dimensions.", NULL},
    {"strides", (getter)array_get_strides, (setter)array_set_strides, "Bytes to step in each dimension.", NULL},
    {"ndim", (getter)array_get_ndim, NULL, "Number of dimensions.", NULL},
    {"dtype", (getter)array_get_dtype, (setter)array_set_dtype, "Data type of the elements.", NULL},
    {"base", (getter)array_get_base, NULL, "The object the memory comes from.", NULL},
    {"size", (getter)array_get_size, NULL, "Number of elements.", NULL},
    {"itemsize", (getter)array_get_itemsize, NULL, "Bytes per element.", NULL},
    {"nbytes", (getter)array_get_nbytes, NULL, "Bytes of the elements.", NULL},
    {"flags", (getter)array_get_flags, NULL, "Memory layout flags.", NULL},
    {"data", (getter)array_get_data, NULL, "A memoryview of the data.", NULL},
    {"T", (getter)array_get_T, NULL, "The transposed array (a view).", NULL},
    {"real", (getter)array_get_real, (setter)array_set_real, "The real part.", NULL},
    {"imag", (getter)array_get_imag, (setter)array_set_imag, "The imaginary part.", NULL},
    {"__array_interface__", (getter)array_get_interface, NULL, "Array protocol: Python side.", NULL},
    {"ctypes", (getter)array_get_ctypes, NULL, "ctypes interface.", NULL},
    {"__array_priority__", (getter)array_get_priority, NULL, "Array priority.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ------------------------------------------------------------------ */
/* construction from Python                                            */

static PyObject *
array_tp_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"shape", "dtype", "buffer", "offset", "strides", "order", NULL};
    PyObject *shape_obj, *dtype_obj = Py_None, *buffer = Py_None;
    PyObject *strides_obj = Py_None, *order_obj = Py_None;
    Py_ssize_t offset = 0;
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    char order = 'C';
    NdmDtype *descr = NULL;
    PyObject *base = NULL, *res = NULL;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OOnOO:ndarray", kwlist,
                                     &shape_obj, &dtype_obj, &buffer, &offset,
                                     &strides_obj, &order_obj)) {
        return NULL;
    }
    int nd = shape_converter(shape_obj, shape);
    if (nd < 0) {
        return NULL;
    }
    if (order_converter(order_obj, &order) < 0) {
        return NULL;
    }
    int have_strides = strides_obj != Py_None;
    if (have_strides) {
        int ns = shape_converter(strides_obj, strides);
        if (ns < 0) {
            return NULL;
        }
        if (ns != nd) {
            PyErr_SetString(PyExc_ValueError,
                            "strides, if given, must be the same length as shape");
            return NULL;
        }
    }
    for (int i = 0; i < nd; i++) {
        if (shape[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "negative dimensions are not allowed");
            return NULL;
        }
    }
    descr = ndm_dtype_from_object(dtype_obj);
    if (descr == NULL) {
        return NULL;
    }
    Py_ssize_t itemsize = descr->itemsize;
    Py_ssize_t size = 1;
    for (int i = 0; i < nd; i++) {
        size *= shape[i];
    }
    int flags = order == 'F' ? NDM_NEW_FORTRAN : 0;
    char *data = NULL;
    Py_ssize_t len = size * itemsize;
    int readonly = 0;
    if (buffer != Py_None) {
        base = ndm_buffer_acquire(buffer, 0, &data, &len, &readonly, NULL);
        if (base == NULL) {
            goto fail;
        }
        if (offset < 0 || offset > len) {
            if (offset < 0) {
                PyErr_Format(PyExc_ValueError,
                             "offset must be non-negative and no greater than buffer length (%zd)",
                             len);
            }
            else {
                PyErr_SetString(PyExc_TypeError, "buffer is too small for requested array");
            }
            goto fail;
        }
        if (!have_strides && size * itemsize > len - offset) {
            PyErr_SetString(PyExc_TypeError, "buffer is too small for requested array");
            goto fail;
        }
        data += offset;
        len -= offset;
        if (!readonly) {
            flags |= NDM_WRITEABLE;
        }
    }
    if (have_strides && size > 0) {
        Py_ssize_t lower = 0, upper = itemsize;
        for (int i = 0; i < nd; i++) {
            Py_ssize_t ext = strides[i] * (shape[i] - 1);
            if (ext < 0) {
                lower += ext;
            }
            else {
                upper += ext;
            }
        }
        Py_ssize_t before = buffer != Py_None ? offset : 0;
        if (upper > len || lower < -before) {
            PyErr_SetString(PyExc_ValueError,
                            "strides is incompatible with shape of requested array and size of buffer");
            goto fail;
        }
    }
    if (buffer == Py_None) {
        if (have_strides) {
            /* own a packed block and lay the given strides over it */
            res = ndm_array_new(type, descr, nd, shape, NULL, NULL, flags, NULL);
            descr = NULL;
            if (res != NULL && set_geometry((NdmArray *)res, nd, shape, strides) < 0) {
                Py_CLEAR(res);
            }
        }
        else {
            res = ndm_array_new(type, descr, nd, shape, NULL, NULL, flags, NULL);
            descr = NULL;
        }
    }
    else {
        res = new_impl(type, descr, nd, shape, have_strides ? strides : NULL,
                       data, flags, base, NULL);
        descr = NULL;
    }
fail:
    Py_XDECREF(descr);
    Py_XDECREF(base);
    return res;
}

/* ------------------------------------------------------------------ */
/* protocols                                                           */

static Py_ssize_t
array_length(NdmArray *self)
{
    if (self->nd == 0) {
        PyErr_SetString(PyExc_TypeError, "len() of unsized object");
        return -1;
    }
    return self->shape[0];
}

static PyObject *
array_sq_item(NdmArray *self, Py_ssize_t i)
{
    return ndm_index_item(self, i);
}

static PyObject *
array_iter(NdmArray *self)
{
    if (self->nd == 0) {
        PyErr_SetString(PyExc_TypeError, "iteration over a 0-d array");
        return NULL;
    }
    return PySeqIter_New((PyObject *)self);
}

static int
array_bool(NdmArray *self)
{
    Py_ssize_t size = ndm_array_size(self);
    if (size == 1) {
        PyObject *v = ndm_dtype_toobject(self->descr, self->data);
        if (v == NULL) {
            return -1;
        }
        int r = PyObject_IsTrue(v);
        Py_DECREF(v);
        return r;
    }
    if (size == 0) {
        PyErr_SetString(PyExc_ValueError,
                        "The truth value of an empty array is ambiguous. "
                        "Use `array.size > 0` to check that an array is not empty.");
        return -1;
    }
    PyErr_SetString(PyExc_ValueError,
                    "The truth value of an array with more than one element is "
                    "ambiguous. Use a.any() or a.all()");
    return -1;
}

static PyObject *
scalar_value(NdmArray *self)
{
    if (self->nd != 0) {
        PyErr_SetString(PyExc_TypeError,
                        "only 0-dimensional arrays can be converted to Python scalars");
        return NULL;
    }
    return ndm_dtype_toobject(self->descr, self->data);
}

static PyObject *
array_int(NdmArray *self)
{
    PyObject *v = scalar_value(self);
    if (v == NULL) {
        return NULL;
    }
    PyObject *r = PyNumber_Long(v);
    Py_DECREF(v);
    return r;
}

static PyObject *
array_float(NdmArray *self)
{
    PyObject *v = scalar_value(self);
    if (v == NULL) {
        return NULL;
    }
    PyObject *r = PyNumber_Float(v);
    Py_DECREF(v);
    return r;
}

static PyObject *
array_complex(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *v = scalar_value(self);
    if (v == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallOneArg((PyObject *)&PyComplex_Type, v);
    Py_DECREF(v);
    return r;
}

static PyObject *
array_index(NdmArray *self)
{
    char k = self->descr->kind;
    if (self->nd != 0 || (k != 'i' && k != 'u')) {
        PyErr_SetString(PyExc_TypeError,
                        "only integer scalar arrays can be converted to a scalar index");
        return NULL;
    }
    PyObject *v = ndm_dtype_toobject(self->descr, self->data);
    if (v == NULL) {
        return NULL;
    }
    PyObject *r = PyNumber_Index(v);
    Py_DECREF(v);
    return r;
}

static PyObject *print_repr_fn, *print_str_fn;

static PyObject *
call_print(PyObject **cache, const char *name, PyObject *self)
{
    if (*cache == NULL) {
        PyObject *mod = PyImport_ImportModule("ndmem._print");
        if (mod == NULL) {
            return NULL;
        }
        *cache = PyObject_GetAttrString(mod, name);
        Py_DECREF(mod);
        if (*cache == NULL) {
            return NULL;
        }
    }
    return PyObject_CallOneArg(*cache, self);
}

static PyObject *
array_repr(PyObject *self)
{
    return call_print(&print_repr_fn, "_array_repr", self);
}

static PyObject *
array_str(PyObject *self)
{
    return call_print(&print_str_fn, "_array_str", self);
}

/* ------------------------------------------------------------------ */
/* copies                                                              */

/* Strides of a packed array of a's shape laid out as 'C', 'F' or 'K'
 * (order of a's strides, by magnitude, stable). */
static void
packed_strides(NdmArray *a, Py_ssize_t itemsize, char order, Py_ssize_t *out)
{
    int nd = a->nd;
    int perm[NDM_MAXDIMS];
    for (int i = 0; i < nd; i++) {
        perm[i] = i;
    }
    if (order == 'F') {
        for (int i = 0; i < nd; i++) {
            perm[i] = nd - 1 - i;
        }
    }
    else if (order == 'K') {
        /* stable insertion sort: larger |stride| first */
        for (int i = 1; i < nd; i++) {
            int p = perm[i];
            Py_ssize_t s = a->strides[p] < 0 ? -a->strides[p] : a->strides[p];
            int j = i;
            while (j > 0) {
                Py_ssize_t t = a->strides[perm[j - 1]];
                t = t < 0 ? -t : t;
                if (t >= s) {
                    break;
                }
                perm[j] = perm[j - 1];
                j--;
            }
            perm[j] = p;
        }
    }
    Py_ssize_t step = itemsize;
    for (int k = nd - 1; k >= 0; k--) {
        out[perm[k]] = step;
        step *= a->shape[perm[k]];
    }
}

static char
resolve_order(NdmArray *a, char order)
{
    if (order == 'A') {
        return ((a->flags & NDM_F_CONTIGUOUS) && !(a->flags & NDM_C_CONTIGUOUS)) ? 'F' : 'C';
    }
    if (order == 'K') {
        if (a->flags & NDM_C_CONTIGUOUS) {
            return 'C';
        }
        if (a->flags & NDM_F_CONTIGUOUS) {
            return 'F';
        }
    }
    return order;
}

/* A new, uninitialised array shaped like a (descr stolen). */
static NdmArray *
new_like(NdmArray *a, NdmDtype *descr, char order, PyTypeObject *subtype)
{
    order = resolve_order(a, order);
    if (order == 'K' && ndm_array_size(a) > 0) {
        Py_ssize_t strides[NDM_MAXDIMS];
        packed_strides(a, descr->itemsize, 'K', strides);
        NdmArray *r = (NdmArray *)new_impl(subtype, descr, a->nd, a->shape,
                                           NULL, NULL, 0, NULL, (PyObject *)a);
        if (r != NULL && set_geometry(r, a->nd, a->shape, strides) < 0) {
            Py_CLEAR(r);
        }
        return r;
    }
    return (NdmArray *)new_impl(subtype, descr, a->nd, a->shape, NULL, NULL,
                                order == 'F' ? NDM_NEW_FORTRAN : 0, NULL, (PyObject *)a);
}

PyObject *
ndm_array_copy(NdmArray *a, char order)
{
    Py_INCREF(a->descr);
    NdmArray *r = new_like(a, a->descr, order, Py_TYPE(a));
    if (r == NULL) {
        return NULL;
    }
    if (ndm_array_assign(r, a, NDM_UNSAFE_CASTING) < 0) {
        Py_DECREF(r);
        return NULL;
    }
    return (PyObject *)r;
}

static PyObject *
array_copy_method(NdmArray *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"order", NULL};
    PyObject *order_obj = NULL;
    char order = 'C';
    if (kwds == NULL && PyTuple_GET_SIZE(args) == 0) {
        /* a.copy(): no argument parsing (a tenth of a small copy) */
        return ndm_array_copy(self, order);
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:copy", kwlist, &order_obj)
            || order_converter(order_obj, &order) < 0) {
        return NULL;
    }
    return ndm_array_copy(self, order);
}

static PyObject *
array_dunder_copy(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    return ndm_array_copy(self, 'K');
}

static PyObject *
array_deepcopy(NdmArray *self, PyObject *Py_UNUSED(memo))
{
    return ndm_array_copy(self, 'K');
}

static PyObject *
array_astype(NdmArray *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"dtype", "order", "casting", "subok", "copy", NULL};
    PyObject *dtype_obj, *order_obj = NULL, *copy_obj = Py_True;
    NdmCasting casting = NDM_UNSAFE_CASTING;
    int subok = 1;
    char order = 'K';
    if (kwds == NULL && PyTuple_GET_SIZE(args) == 1) {
        dtype_obj = PyTuple_GET_ITEM(args, 0);
    }
    else if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO&pO:astype", kwlist,
                                          &dtype_obj, &order_obj, ndm_casting_converter,
                                          &casting, &subok, &copy_obj)) {
        return NULL;
    }
    if (order_converter(order_obj, &order) < 0) {
        return NULL;
    }
    int copy = PyObject_IsTrue(copy_obj);
    if (copy < 0) {
        return NULL;
    }
    NdmDtype *requested = ndm_dtype_from_object(dtype_obj);
    if (requested == NULL) {
        return NULL;
    }
    NdmDtype *descr = ndm_dtype_adapt_flexible(self->descr, requested);
    Py_DECREF(requested);
    if (descr == NULL) {
        return NULL;
    }
    if (!ndm_dtype_can_cast(self->descr, descr, casting)) {
        if (!PyErr_Occurred()) {
            ndm_cast_error(self->nd == 0 ? "scalar" : "array data", self->descr, descr,
                           casting);
        }
        Py_DECREF(descr);
        return NULL;
    }
    PyTypeObject *subtype = subok ? Py_TYPE(self) : ndm_state.ndarray_type;
    if (!copy && Py_TYPE(self) == subtype && ndm_dtype_equiv(self->descr, descr)
            && (order == 'K'
                || (order == 'A' && (self->flags & (NDM_C_CONTIGUOUS | NDM_F_CONTIGUOUS)))
                || (order == 'C' && (self->flags & NDM_C_CONTIGUOUS))
                || (order == 'F' && (self->flags & NDM_F_CONTIGUOUS)))) {
        Py_DECREF(descr);
        Py_INCREF(self);
        return (PyObject *)self;
    }
    NdmDtype *sub_base;
    PyObject *sub_shape;
    if (ndm_dtype_subarray(descr, &sub_base, &sub_shape)) {
        PyObject *spread = ndm_array_to_subarray(self, descr);
        Py_DECREF(descr);
        return spread;
    }
    NdmArray *r = new_like(self, descr, order, subtype);
    if (r == NULL) {
        return NULL;
    }
    if (ndm_array_assign(r, self, NDM_UNSAFE_CASTING) < 0) {
        Py_DECREF(r);
        return NULL;
    }
    return (PyObject *)r;
}

PyObject *
ndm_array_to_subarray(NdmArray *a, NdmDtype *descr)
{
    Py_INCREF(descr);
    NdmArray *r = (NdmArray *)new_impl(ndm_state.ndarray_type, descr, a->nd, a->shape, NULL,
                                       NULL, 0, NULL, (PyObject *)a);
    if (r == NULL) {
        return NULL;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    for (int i = 0; i < r->nd; i++) {
        shape[i] = i < a->nd ? a->shape[i] : 1;
        strides[i] = i < a->nd ? a->strides[i] : 0;
    }
    Py_INCREF(a->descr);
    NdmArray *spread = (NdmArray *)ndm_array_view(a, a->descr, r->nd, shape, strides, a->data,
                                                  ndm_state.ndarray_type);
    if (spread == NULL || ndm_array_assign(r, spread, NDM_UNSAFE_CASTING) < 0) {
        Py_XDECREF(spread);
        Py_DECREF(r);
        return NULL;
    }
    Py_DECREF(spread);
    return (PyObject *)r;
}

/* The shape and strides of self seen with descr (NumPy's dtype setter and
 * view rules); shape/strides hold self's on entry.  -1 with ValueError. */
static int
dtype_change_geometry(NdmArray *self, NdmDtype *descr, Py_ssize_t *shape,
                      Py_ssize_t *strides)
{
    int nd = self->nd;
    Py_ssize_t oldsize = self->descr->itemsize, newsize = descr->itemsize;
    if (newsize == oldsize) {
        return 0;
    }
    NdmDtype *sub_base;
    PyObject *sub_shape;
    const char *msg = NULL;
    if (nd == 0) {
        msg = "Changing the dtype of a 0d array is only supported if the itemsize is unchanged";
    }
    else if (ndm_dtype_subarray(descr, &sub_base, &sub_shape)) {
        msg = "Changing the dtype to a subarray type is only supported if the total itemsize is unchanged";
    }
    else {
        int ax = nd - 1;
        Py_ssize_t size = ndm_array_size(self);
        if (size != 0 && shape[ax] != 1 && strides[ax] != oldsize) {
            msg = "To change to a dtype of a different size, the last axis must be contiguous";
        }
        else if (newsize == 0) {
            msg = "Changing the dtype to a 0-size dtype is not supported";
        }
        else if (newsize < oldsize) {
            if (oldsize % newsize != 0) {
                msg = "When changing to a smaller dtype, its size must be a divisor of the size of original dtype";
            }
            else {
                shape[ax] *= oldsize / newsize;
                strides[ax] = newsize;
            }
        }
        else {
            Py_ssize_t newdim = shape[ax] * oldsize;
            if (newdim % newsize != 0) {
                msg = "When changing to a larger dtype, its size must be a divisor of the total size in bytes of the last axis of the array.";
            }
            else {
                shape[ax] = newdim / newsize;
                strides[ax] = newsize;
            }
        }
    }
    if (msg != NULL) {
        PyErr_SetString(PyExc_ValueError, msg);
        return -1;
    }
    return 0;
}

static int
array_set_dtype(NdmArray *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "Cannot delete array dtype");
        return -1;
    }
    NdmDtype *descr = ndm_dtype_from_object(value);
    if (descr == NULL) {
        return -1;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    memcpy(shape, self->shape, (size_t)self->nd * sizeof(Py_ssize_t));
    memcpy(strides, self->strides, (size_t)self->nd * sizeof(Py_ssize_t));
    if (dtype_change_geometry(self, descr, shape, strides) < 0) {
        Py_DECREF(descr);
        return -1;
    }
    Py_SETREF(self->descr, descr);
    return set_geometry(self, self->nd, shape, strides);
}

static int
array_set_strides(NdmArray *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "Cannot delete array strides");
        return -1;
    }
    if (PyErr_WarnEx(PyExc_DeprecationWarning,
                     "Setting the strides on a NumPy array has been deprecated in NumPy 2.4.\n"
                     "As an alternative, you can create a new view using "
                     "np.lib.stride_tricks.as_strided.", 1) < 0) {
        return -1;
    }
    Py_ssize_t strides[NDM_MAXDIMS];
    int n = shape_converter(value, strides);
    if (n < 0) {
        return -1;
    }
    if (n != self->nd) {
        PyErr_Format(PyExc_ValueError, "strides must be  same length as shape (%d)",
                     self->nd);
        return -1;
    }
    /* the memory available: the owner's buffer or the foreign export */
    NdmArray *owner = self;
    while (owner->base != NULL && NdmArray_Check(owner->base)) {
        owner = (NdmArray *)owner->base;
    }
    char *start;
    Py_ssize_t len;
    Py_buffer view;
    if (owner->base != NULL && PyObject_GetBuffer(owner->base, &view, PyBUF_SIMPLE) >= 0) {
        start = view.buf;
        len = view.len;
        PyBuffer_Release(&view);
    }
    else {
        PyErr_Clear();
        start = owner->data;
        len = ndm_array_nbytes(owner);
    }
    if (ndm_array_size(self) > 0) {
        Py_ssize_t lower = 0, upper = self->descr->itemsize;
        for (int i = 0; i < n; i++) {
            Py_ssize_t ext = strides[i] * (self->shape[i] - 1);
            if (ext < 0) {
                lower += ext;
            }
            else {
                upper += ext;
            }
        }
        Py_ssize_t off = self->data - start;
        if (off + lower < 0 || off + upper > len) {
            PyErr_SetString(PyExc_ValueError, "strides is not compatible with available memory");
            return -1;
        }
    }
    return set_geometry(self, self->nd, self->shape, strides);
}

static PyObject *
array_view_method(NdmArray *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"dtype", "type", NULL};
    PyObject *dtype_obj = NULL, *type_obj = NULL;
    if ((kwds != NULL || PyTuple_GET_SIZE(args) != 0)
            && !PyArg_ParseTupleAndKeywords(args, kwds, "|OO:view", kwlist,
                                            &dtype_obj, &type_obj)) {
        return NULL;
    }
    if (dtype_obj != NULL && PyType_Check(dtype_obj)
            && PyType_IsSubtype((PyTypeObject *)dtype_obj, ndm_state.ndarray_type)) {
        if (type_obj != NULL) {
            PyErr_SetString(PyExc_ValueError, "Cannot specify output type twice.");
            return NULL;
        }
        type_obj = dtype_obj;
        dtype_obj = NULL;
    }
    PyTypeObject *subtype = Py_TYPE(self);
    if (type_obj != NULL) {
        if (!PyType_Check(type_obj)
                || !PyType_IsSubtype((PyTypeObject *)type_obj, ndm_state.ndarray_type)) {
            PyErr_SetString(PyExc_ValueError, "Type must be a sub-type of ndarray type");
            return NULL;
        }
        subtype = (PyTypeObject *)type_obj;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    int nd = self->nd;
    memcpy(shape, self->shape, (size_t)nd * sizeof(Py_ssize_t));
    memcpy(strides, self->strides, (size_t)nd * sizeof(Py_ssize_t));
    NdmDtype *descr;
    if (dtype_obj == NULL || dtype_obj == Py_None) {
        Py_INCREF(self->descr);
        descr = self->descr;
    }
    else {
        descr = ndm_dtype_from_object(dtype_obj);
        if (descr == NULL) {
            return NULL;
        }
        if (dtype_change_geometry(self, descr, shape, strides) < 0) {
            Py_DECREF(descr);
            return NULL;
        }
    }
    return ndm_array_view(self, descr, nd, shape, strides, self->data, subtype);
}

/* ------------------------------------------------------------------ */
/* element access methods                                              */

/* The innermost lists of the commonest dtypes without the per-element
 * dispatch of ndm_dtype_toobject (tolist of floats was 3x NumPy's time). */
#define LEAF_LOOP(T, MAKE)                                                  \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        T x;                                                                \
        memcpy(&x, data + i * stride, sizeof(T));                           \
        PyObject *v = MAKE(x);                                              \
        if (v == NULL) {                                                    \
            Py_DECREF(list);                                                \
            return NULL;                                                    \
        }                                                                   \
        PyList_SET_ITEM(list, i, v);                                        \
    }                                                                       \
    return list;

static PyObject *
fast_leaf_list(NdmDtype *d, const char *data, Py_ssize_t n, Py_ssize_t stride)
{
    PyObject *list = PyList_New(n);
    if (list == NULL) {
        return NULL;
    }
    switch (d->type_num) {
    case NDM_FLOAT64: LEAF_LOOP(double, PyFloat_FromDouble)
    case NDM_FLOAT32: LEAF_LOOP(float, PyFloat_FromDouble)
    case NDM_INT64: LEAF_LOOP(int64_t, PyLong_FromLongLong)
    case NDM_INT32: LEAF_LOOP(int32_t, PyLong_FromLong)
    default: LEAF_LOOP(unsigned char, PyBool_FromLong)
    }
}
#undef LEAF_LOOP

static int
has_fast_leaf(NdmDtype *d)
{
    return ndm_dtype_isnative(d) && d->names == NULL
           && (d->type_num == NDM_FLOAT64 || d->type_num == NDM_FLOAT32
               || d->type_num == NDM_INT64 || d->type_num == NDM_INT32
               || d->type_num == NDM_BOOL);
}

static PyObject *
tolist_rec(NdmDtype *d, const char *data, int nd, const Py_ssize_t *shape,
           const Py_ssize_t *strides)
{
    if (nd == 0) {
        return ndm_dtype_toobject(d, data);
    }
    if (nd == 1 && has_fast_leaf(d)) {
        return fast_leaf_list(d, data, shape[0], strides[0]);
    }
    PyObject *list = PyList_New(shape[0]);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < shape[0]; i++) {
        PyObject *v = tolist_rec(d, data + i * strides[0], nd - 1, shape + 1, strides + 1);
        if (v == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, v);
    }
    return list;
}

static PyObject *
array_tolist(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    return tolist_rec(self->descr, self->data, self->nd, self->shape, self->strides);
}

static PyObject *
array_item(NdmArray *self, PyObject *args)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    Py_ssize_t size = ndm_array_size(self);
    if (n == 0) {
        if (size != 1) {
            PyErr_SetString(PyExc_ValueError,
                            "can only convert an array of size 1 to a Python scalar");
            return NULL;
        }
        return ndm_dtype_toobject(self->descr, self->data);
    }
    PyObject *idx = args;
    if (n == 1 && PyTuple_Check(PyTuple_GET_ITEM(args, 0))) {
        idx = PyTuple_GET_ITEM(args, 0);
        n = PyTuple_GET_SIZE(idx);
    }
    if (n == 1 && idx == args && !(self->nd == 1)) {
        /* one flat index in C order */
        Py_ssize_t v = PyNumber_AsSsize_t(PyTuple_GET_ITEM(args, 0), PyExc_IndexError);
        if (v == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (v < -size || v >= size) {
            PyErr_Format(PyExc_IndexError, "index %zd is out of bounds for size %zd", v, size);
            return NULL;
        }
        if (v < 0) {
            v += size;
        }
        const char *ptr = self->data;
        for (int i = self->nd - 1; i >= 0; i--) {
            ptr += (v % self->shape[i]) * self->strides[i];
            v /= self->shape[i];
        }
        return ndm_dtype_toobject(self->descr, ptr);
    }
    if (n != self->nd) {
        PyErr_SetString(PyExc_ValueError, "incorrect number of indices for array");
        return NULL;
    }
    const char *ptr = self->data;
    for (int i = 0; i < self->nd; i++) {
        Py_ssize_t v = PyNumber_AsSsize_t(PyTuple_GET_ITEM(idx, i), PyExc_IndexError);
        if (v == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (v < -self->shape[i] || v >= self->shape[i]) {
            PyErr_Format(PyExc_IndexError,
                         "index %zd is out of bounds for axis %d with size %zd",
                         v, i, self->shape[i]);
            return NULL;
        }
        if (v < 0) {
            v += self->shape[i];
        }
        ptr += v * self->strides[i];
    }
    return ndm_dtype_toobject(self->descr, ptr);
}

static PyObject *
array_fill(NdmArray *self, PyObject *value)
{
    if (ndm_array_fail_unless_writeable(self) < 0) {
        return NULL;
    }
    if (NdmArray_Check(value)) {
        if (((NdmArray *)value)->nd != 0) {
            PyErr_SetString(PyExc_ValueError, "setting an array element with a sequence.");
            return NULL;
        }
        if (ndm_array_assign(self, (NdmArray *)value, NDM_UNSAFE_CASTING) < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    /* NumPy packs the value into one element first (PyArray_Pack) */
    char *tmp = PyMem_Calloc(1, (size_t)(self->descr->itemsize > 0 ? self->descr->itemsize : 1));
    if (tmp == NULL) {
        return PyErr_NoMemory();
    }
    if (ndm_dtype_setitem(self->descr, tmp, value) < 0
            || ndm_array_fill_raw(self, tmp) < 0) {
        PyMem_Free(tmp);
        return NULL;
    }
    PyMem_Free(tmp);
    Py_RETURN_NONE;
}

static PyObject *
array_bytes(NdmArray *self, char order)
{
    if (order == 'K') {
        order = 'C';    /* NumPy's tobytes reads 'K' as 'C' */
    }
    order = resolve_order(self, order);
    Py_ssize_t nbytes = ndm_array_nbytes(self);
    int flag = order == 'F' ? NDM_F_CONTIGUOUS : NDM_C_CONTIGUOUS;
    if (self->flags & flag) {
        return PyBytes_FromStringAndSize(self->data, nbytes);
    }
    NdmArray *c = (NdmArray *)ndm_array_copy(self, order);
    if (c == NULL) {
        return NULL;
    }
    PyObject *r = PyBytes_FromStringAndSize(c->data, nbytes);
    Py_DECREF(c);
    return r;
}

static PyObject *
array_tobytes(NdmArray *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"order", NULL};
    PyObject *order_obj = NULL;
    char order = 'C';
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:tobytes", kwlist, &order_obj)
            || order_converter(order_obj, &order) < 0) {
        return NULL;
    }
    return array_bytes(self, order);
}

static PyObject *
array_sizeof(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    Py_ssize_t n = 96 + 2 * (Py_ssize_t)self->nd * 8;
    if (self->flags & NDM_OWNDATA) {
        n += ndm_array_nbytes(self);
    }
    return PyLong_FromSsize_t(n);
}

static PyObject *
array_transpose(NdmArray *self, PyObject *args)
{
    PyObject *axes = args;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    int perm[NDM_MAXDIMS];
    if (n == 1) {
        PyObject *a0 = PyTuple_GET_ITEM(args, 0);
        if (a0 == Py_None) {
            n = 0;
        }
        else if (PySequence_Check(a0)) {
            axes = a0;
            n = PySequence_Size(a0);
            if (n < 0) {
                return NULL;
            }
        }
    }
    if (n == 0) {
        return array_get_T(self, NULL);
    }
    /* NumPy converts every entry to an integer before comparing the count:
     * a.transpose("x") is a TypeError, not "axes don't match". */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_GetItem(axes, i);
        if (item == NULL) {
            return NULL;
        }
        Py_ssize_t ax = PyNumber_AsSsize_t(item, PyExc_IndexError);
        Py_DECREF(item);
        if (ax == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (n != self->nd) {
        PyErr_SetString(PyExc_ValueError, "axes don't match array");
        return NULL;
    }
    char seen[NDM_MAXDIMS] = {0};
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_GetItem(axes, i);
        if (item == NULL) {
            return NULL;
        }
        Py_ssize_t ax = PyNumber_AsSsize_t(item, PyExc_IndexError);
        Py_DECREF(item);
        if (ax == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (normalize_axis(&ax, self->nd) < 0) {
            return NULL;
        }
        if (seen[ax]) {
            PyErr_SetString(PyExc_ValueError, "repeated axis in transpose");
            return NULL;
        }
        seen[ax] = 1;
        perm[i] = (int)ax;
    }
    return transpose_view(self, perm);
}

static PyObject *
array_conjugate(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    if (!is_complex(self)) {
        Py_INCREF(self);
        return (PyObject *)self;
    }
    NdmDtype *native = ndm_dtype_native(self->descr);
    if (native == NULL) {
        return NULL;
    }
    NdmArray *r = new_like(self, native, 'K', Py_TYPE(self));
    if (r == NULL) {
        return NULL;
    }
    if (ndm_array_assign(r, self, NDM_UNSAFE_CASTING) < 0) {
        Py_DECREF(r);
        return NULL;
    }
    /* flip the sign bit of every imaginary part: the copy is packed */
    Py_ssize_t half = r->descr->itemsize / 2;
    Py_ssize_t n = ndm_array_size(r);
    Py_ssize_t lo = 0;
    for (int i = 0; i < r->nd; i++) {
        if (r->strides[i] < 0) {
            lo += r->strides[i] * (r->shape[i] - 1);
        }
    }
    unsigned char *p = (unsigned char *)r->data + lo;
    int big = PY_BIG_ENDIAN;
    Py_ssize_t at = half + (big ? 0 : half - 1);
    for (Py_ssize_t i = 0; i < n; i++) {
        p[i * 2 * half + at] ^= 0x80;
    }
    return (PyObject *)r;
}

static PyObject *
array_setflags(NdmArray *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"write", "align", "uic", NULL};
    PyObject *w = Py_None, *al = Py_None, *u = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OOO:setflags", kwlist, &w, &al, &u)) {
        return NULL;
    }
    int vw = -1, va = -1, vu = -1;
    if ((w != Py_None && (vw = PyObject_IsTrue(w)) < 0)
            || (al != Py_None && (va = PyObject_IsTrue(al)) < 0)
            || (u != Py_None && (vu = PyObject_IsTrue(u)) < 0)) {
        return NULL;
    }
    if (array_setflags_impl(self, vw, va, vu) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
array_finalize_default(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(obj))
{
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ */
/* pickling                                                            */

static PyObject *
array_reduce(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *recon = PyObject_GetAttrString(ndm_state.module, "_reconstruct");
    if (recon == NULL) {
        return NULL;
    }
    int fortran = (self->flags & NDM_F_CONTIGUOUS) && !(self->flags & NDM_C_CONTIGUOUS);
    PyObject *raw = array_bytes(self, fortran ? 'F' : 'C');
    PyObject *shape = shape_tuple(self->shape, self->nd);
    if (raw == NULL || shape == NULL) {
        Py_XDECREF(raw);
        Py_XDECREF(shape);
        Py_DECREF(recon);
        return NULL;
    }
    return Py_BuildValue("N(O(n)y)(iNONN)", recon, (PyObject *)Py_TYPE(self), (Py_ssize_t)0,
                         "b", 1, shape, (PyObject *)self->descr,
                         PyBool_FromLong(fortran), raw);
}

/* Protocol 5: contiguous plain arrays travel as a PickleBuffer (out of band
 * when the pickler takes buffers), as NumPy's array_reduce_ex. */
static PyObject *
array_reduce_ex(NdmArray *self, PyObject *args)
{
    int protocol;
    if (!PyArg_ParseTuple(args, "i:__reduce_ex__", &protocol)) {
        return NULL;
    }
    int c = (self->flags & NDM_C_CONTIGUOUS) != 0;
    int f = (self->flags & NDM_F_CONTIGUOUS) != 0;
    if (protocol < 5 || (!c && !f) || Py_TYPE(self) != ndm_state.ndarray_type
            || self->descr->itemsize == 0) {
        return PyObject_CallMethod((PyObject *)self, "__reduce__", NULL);
    }
    PyObject *fn = PyObject_GetAttrString(ndm_state.module, "_frombuffer");
    if (fn == NULL) {
        return NULL;
    }
    PyObject *obj = c ? Py_NewRef((PyObject *)self) : array_get_T(self, NULL);
    if (obj == NULL) {
        Py_DECREF(fn);
        return NULL;
    }
    PyObject *buf = PyPickleBuffer_FromObject(obj);
    Py_DECREF(obj);
    PyObject *shape = shape_tuple(self->shape, self->nd);
    if (buf == NULL || shape == NULL) {
        Py_XDECREF(buf);
        Py_XDECREF(shape);
        Py_DECREF(fn);
        return NULL;
    }
    return Py_BuildValue("N(NONC)", fn, buf, (PyObject *)self->descr, shape,
                         c ? 'C' : 'F');
}

static PyObject *
array_frombuffer_pickle(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *bufobj, *dtype_obj, *shape_obj, *order_obj;
    if (!PyArg_ParseTuple(args, "OOOO:_frombuffer", &bufobj, &dtype_obj, &shape_obj,
                          &order_obj)) {
        return NULL;
    }
    char order = 'C';
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = shape_converter(shape_obj, shape);
    if (nd < 0 || order_converter(order_obj, &order) < 0) {
        return NULL;
    }
    NdmDtype *descr = ndm_dtype_from_object(dtype_obj);
    if (descr == NULL) {
        return NULL;
    }
    char *data;
    Py_ssize_t len;
    int readonly;
    PyObject *base = ndm_buffer_acquire(bufobj, 0, &data, &len, &readonly, NULL);
    if (base == NULL) {
        Py_DECREF(descr);
        return NULL;
    }
    Py_ssize_t size = 1;
    for (int i = 0; i < nd; i++) {
        size *= shape[i] < 0 ? 0 : shape[i];
    }
    if (size * descr->itemsize != len) {
        PyErr_SetString(PyExc_ValueError, "buffer size does not match array size");
        Py_DECREF(descr);
        Py_DECREF(base);
        return NULL;
    }
    int flags = (readonly ? 0 : NDM_WRITEABLE) | (order == 'F' ? NDM_NEW_FORTRAN : 0);
    PyObject *res = ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, NULL,
                                  data, flags, base);
    Py_DECREF(base);
    return res;
}

static PyObject *
array_setstate(NdmArray *self, PyObject *args)
{
    PyObject *state;
    if (!PyArg_ParseTuple(args, "O:__setstate__", &state)) {
        return NULL;
    }
    if (!PyTuple_Check(state)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__ argument must be a tuple");
        return NULL;
    }
    PyObject *shape_obj, *dtype_obj, *raw;
    int fortran, version = 1;
    Py_ssize_t n = PyTuple_GET_SIZE(state);
    if (n == 5) {
        if (!PyArg_ParseTuple(state, "iOOpO:__setstate__", &version, &shape_obj,
                              &dtype_obj, &fortran, &raw)) {
            return NULL;
        }
    }
    else if (!PyArg_ParseTuple(state, "OOpO:__setstate__", &shape_obj, &dtype_obj,
                               &fortran, &raw)) {
        return NULL;
    }
    if (version != 0 && version != 1) {
        PyErr_Format(PyExc_ValueError, "can't handle version %d of numpy.ndarray pickle",
                     version);
        return NULL;
    }
    if (!NdmDtype_Check(dtype_obj)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__ expects a dtype");
        return NULL;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    int nd = shape_converter(shape_obj, shape);
    if (nd < 0) {
        return NULL;
    }
    NdmDtype *descr = (NdmDtype *)dtype_obj;
    Py_ssize_t size = 1;
    for (int i = 0; i < nd; i++) {
        if (shape[i] < 0) {
            PyErr_SetString(PyExc_TypeError, "impossible dimension while unpickling array");
            return NULL;
        }
        size *= shape[i];
    }
    Py_buffer view;
    if (PyObject_GetBuffer(raw, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (view.len != size * descr->itemsize) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "buffer size does not match array size");
        return NULL;
    }
    NdmBuffer *buf = ndm_buffer_new((size_t)view.len, 0);
    if (buf == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    memcpy(buf->data, view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
    Py_INCREF(descr);
    if (!ndm_dtype_isnative(descr) && !ndm_dtype_is_structured(descr)
            && (descr->type_num < NDM_NNUMERIC || descr->type_num == NDM_UNICODE)) {
        /* NumPy's setstate stores non-native data in native order */
        NdmDtype *native = ndm_dtype_native(descr);
        if (native == NULL) {
            Py_DECREF(descr);
            ndm_buffer_free(buf);
            return NULL;
        }
        Py_ssize_t unit = descr->itemsize;
        if (descr->type_num == NDM_COMPLEX64 || descr->type_num == NDM_COMPLEX128) {
            unit /= 2;
        }
        else if (descr->type_num == NDM_UNICODE) {
            unit = 4;
        }
        for (Py_ssize_t off = 0; unit > 1 && off + unit <= view.len; off += unit) {
            char *q = buf->data + off;
            for (Py_ssize_t i = 0, j = unit - 1; i < j; i++, j--) {
                char t = q[i];
                q[i] = q[j];
                q[j] = t;
            }
        }
        Py_SETREF(descr, native);
    }
    Py_ssize_t step = descr->itemsize;
    /* NumPy's _array_fill_strides: zero extents count as 1 */
    if (fortran) {
        for (int i = 0; i < nd; i++) {
            strides[i] = step;
            step *= shape[i] ? shape[i] : 1;
        }
    }
    else {
        for (int i = nd - 1; i >= 0; i--) {
            strides[i] = step;
            step *= shape[i] ? shape[i] : 1;
        }
    }
    Py_ssize_t old_shape[NDM_MAXDIMS], old_strides[NDM_MAXDIMS];
    int old_nd = self->nd;
    memcpy(old_shape, self->shape, (size_t)old_nd * sizeof(Py_ssize_t));
    memcpy(old_strides, self->strides, (size_t)old_nd * sizeof(Py_ssize_t));
    if (set_geometry(self, nd, shape, strides) < 0) {
        Py_DECREF(descr);
        ndm_buffer_free(buf);
        return NULL;
    }
    (void)old_shape; (void)old_strides;
    /* views of the old data keep it until they go (an orphaned buffer) */
    ndm_buffer_detach(&self->link);
    ndm_buffer_disown(self->buffer);
    buf->owner = (PyObject *)self;
    ndm_buffer_attach(buf, &self->link, (PyObject *)self);
    self->buffer = buf;
    self->data = buf->data;
    Py_CLEAR(self->base);
    Py_SETREF(self->descr, descr);
    self->flags = NDM_OWNDATA | NDM_WRITEABLE;
    ndm_array_update_flags(self);
    Py_RETURN_NONE;
}

static PyObject *
array_reconstruct(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *subtype, *shape_obj, *dummy;
    if (!PyArg_ParseTuple(args, "OOO:_reconstruct", &subtype, &shape_obj, &dummy)) {
        return NULL;
    }
    if (!PyType_Check(subtype)
            || !PyType_IsSubtype((PyTypeObject *)subtype, ndm_state.ndarray_type)) {
        PyErr_SetString(PyExc_TypeError, "_reconstruct: First argument must be a sub-type of ndarray");
        return NULL;
    }
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = shape_converter(shape_obj, shape);
    if (nd < 0) {
        return NULL;
    }
    NdmDtype *d = ndm_dtype_builtin(NDM_UINT8);
    if (d == NULL) {
        return NULL;
    }
    return ndm_array_new((PyTypeObject *)subtype, d, nd, shape, NULL, NULL, 0, NULL);
}

static PyMethodDef module_functions[] = {
    {"_reconstruct", array_reconstruct, METH_VARARGS,
     "Construct an empty array. Used by pickle."},
    {"_frombuffer", array_frombuffer_pickle, METH_VARARGS,
     "An array over a pickled buffer (pickle protocol 5)."},
    {NULL, NULL, 0, NULL},
};

static PyObject *
array_class_getitem(PyObject *cls, PyObject *args)
{
    Py_ssize_t n = PyTuple_Check(args) ? PyTuple_GET_SIZE(args) : 1;
    if (n > 2 || n < 1) {
        PyErr_Format(PyExc_TypeError, "Too %s arguments for %s",
                     n > 2 ? "many" : "few", ((PyTypeObject *)cls)->tp_name);
        return NULL;
    }
    return Py_GenericAlias(cls, args);
}

static PyObject *
array_dumps(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *pickle = PyImport_ImportModule("pickle");
    if (pickle == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallMethod(pickle, "dumps", "Oi", (PyObject *)self, 2);
    Py_DECREF(pickle);
    return r;
}

static PyObject *
array_dump(NdmArray *self, PyObject *file)
{
    PyObject *pickle = PyImport_ImportModule("pickle");
    if (pickle == NULL) {
        return NULL;
    }
    PyObject *r;
    if (PyUnicode_Check(file) || PyBytes_Check(file) || PyObject_HasAttrString(file, "__fspath__")) {
        PyObject *io = PyImport_ImportModule("io");
        PyObject *f = io ? PyObject_CallMethod(io, "open", "Os", file, "wb") : NULL;
        Py_XDECREF(io);
        if (f == NULL) {
            Py_DECREF(pickle);
            return NULL;
        }
        r = PyObject_CallMethod(pickle, "dump", "OOi", (PyObject *)self, f, 2);
        PyObject *c = PyObject_CallMethod(f, "close", NULL);
        Py_DECREF(f);
        if (c == NULL) {
            Py_CLEAR(r);
        }
        Py_XDECREF(c);
    }
    else {
        r = PyObject_CallMethod(pickle, "dump", "OOi", (PyObject *)self, file, 2);
    }
    Py_DECREF(pickle);
    if (r == NULL) {
        return NULL;
    }
    Py_DECREF(r);
    Py_RETURN_NONE;
}

static PyMemberDef array_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(NdmArray, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

#define KW (METH_VARARGS | METH_KEYWORDS)
#define KWFN(f) ((PyCFunction)(void (*)(void))(f))

static PyMethodDef array_methods[] = {
    {"copy", KWFN(array_copy_method), KW, "a.copy(order='C')"},
    {"__copy__", (PyCFunction)array_dunder_copy, METH_NOARGS, "copy.copy(a)"},
    {"__deepcopy__", (PyCFunction)array_deepcopy, METH_O, "copy.deepcopy(a)"},
    {"astype", KWFN(array_astype), KW,
     "a.astype(dtype, order='K', casting='unsafe', subok=True, copy=True)"},
    {"view", KWFN(array_view_method), KW, "a.view([dtype][, type])"},
    {"__array__", KWFN(ndm_creation_dunder_array), KW,
     "a.__array__([dtype], /, *, copy=None)"},
    {"tolist", (PyCFunction)array_tolist, METH_NOARGS, "Nested lists of Python scalars."},
    {"item", (PyCFunction)array_item, METH_VARARGS, "a.item(*args)"},
    {"fill", (PyCFunction)array_fill, METH_O, "a.fill(value)"},
    {"tobytes", KWFN(array_tobytes), KW, "a.tobytes(order='C')"},
    {"__sizeof__", (PyCFunction)array_sizeof, METH_NOARGS, "Size in memory, in bytes."},
    {"transpose", (PyCFunction)array_transpose, METH_VARARGS, "a.transpose(*axes)"},
    {"conj", (PyCFunction)array_conjugate, METH_NOARGS, "Complex conjugate."},
    {"conjugate", (PyCFunction)array_conjugate, METH_NOARGS, "Complex conjugate."},
    {"setflags", KWFN(array_setflags), KW, "a.setflags(write=None, align=None, uic=None)"},
    {"__array_finalize__", (PyCFunction)array_finalize_default, METH_O,
     "Called when a view or copy of a subclass is made; does nothing here."},
    {"__complex__", (PyCFunction)array_complex, METH_NOARGS, "complex(a)"},
    {"__reduce__", (PyCFunction)array_reduce, METH_NOARGS, "Pickle support."},
    {"__reduce_ex__", (PyCFunction)array_reduce_ex, METH_VARARGS, "Pickle support."},
    {"dumps", (PyCFunction)array_dumps, METH_NOARGS, "The pickle of the array as bytes."},
    {"dump", (PyCFunction)array_dump, METH_O, "Pickle the array to a file or path."},
    {"__class_getitem__", (PyCFunction)array_class_getitem, METH_O | METH_CLASS,
     "ndarray[shape, dtype] for type hints."},
    {"__setstate__", (PyCFunction)array_setstate, METH_VARARGS, "Pickle support."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot array_slots[] = {
    {Py_tp_new, array_tp_new},
    {Py_tp_dealloc, array_dealloc},
    {Py_tp_getset, array_getset},
    {Py_tp_members, array_members},
    {Py_tp_methods, array_methods},
    {Py_tp_repr, array_repr},
    {Py_tp_str, array_str},
    {Py_tp_iter, array_iter},
    {Py_sq_length, array_length},
    {Py_sq_item, array_sq_item},
    {Py_mp_length, array_length},
    {Py_mp_subscript, ndm_index_get},
    {Py_mp_ass_subscript, ndm_index_set},
    {Py_nb_bool, array_bool},
    {Py_nb_int, array_int},
    {Py_nb_float, array_float},
    {Py_nb_index, array_index},
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

/* The array's own slots followed by the operators' (operators.c). */
static int
assemble_slots(void)
{
    static PyType_Slot all[64];
    size_t n = 0;
    for (PyType_Slot *s = array_slots; s->slot != 0; s++) {
        all[n++] = *s;
    }
    for (PyType_Slot *s = ndm_operator_slots; s->slot != 0; s++) {
        if (n + 1 >= sizeof all / sizeof all[0]) {
            PyErr_SetString(PyExc_SystemError, "too many ndarray slots");
            return -1;
        }
        all[n++] = *s;
    }
    all[n] = (PyType_Slot){0, NULL};
    array_spec.slots = all;
    return 0;
}

int
ndm_array_init(PyObject *module)
{
    if (assemble_slots() < 0) {
        return -1;
    }
    PyObject *type = PyType_FromModuleAndSpec(module, &array_spec, NULL);
    if (type == NULL) {
        return -1;
    }
    ndm_state.ndarray_type = (PyTypeObject *)type;
    if (PyModule_AddObjectRef(module, "ndarray", type) < 0) {
        return -1;
    }
    default_finalize = PyDict_GetItemString(((PyTypeObject *)type)->tp_dict,
                                            "__array_finalize__");
    PyObject *ftype = PyType_FromModuleAndSpec(module, &flags_spec, NULL);
    if (ftype == NULL) {
        return -1;
    }
    ndm_state.flags_type = (PyTypeObject *)ftype;
    if (PyModule_AddFunctions(module, module_functions) < 0) {
        return -1;
    }
    if (!PyObject_HasAttrString(module, "AxisError")) {
        PyObject *bases = PyTuple_Pack(2, PyExc_ValueError, PyExc_IndexError);
        if (bases == NULL) {
            return -1;
        }
        PyObject *exc = PyErr_NewException("ndmem.exceptions.AxisError", bases, NULL);
        Py_DECREF(bases);
        if (exc == NULL || PyModule_AddObject(module, "AxisError", exc) < 0) {
            Py_XDECREF(exc);
            return -1;
        }
    }
    return 0;
}

PyObject *
ndm_array_call_python(const char *module, const char *function, PyObject *self,
                      PyObject *args, PyObject *kwds)
{
    PyObject *name = PyUnicode_FromString(module);
    if (name == NULL) {
        return NULL;
    }
    PyObject *mod = PyImport_GetModule(name);
    Py_DECREF(name);
    if (mod == NULL && (PyErr_Occurred() || (mod = PyImport_ImportModule(module)) == NULL)) {
        return NULL;
    }
    PyObject *fn = PyObject_GetAttrString(mod, function);
    Py_DECREF(mod);
    if (fn == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *small[8];
    PyObject **stack = n + 1 <= 8 ? small : PyMem_New(PyObject *, n + 1);
    if (stack == NULL) {
        Py_DECREF(fn);
        return PyErr_NoMemory();
    }
    stack[0] = self;
    for (Py_ssize_t i = 0; i < n; i++) {
        stack[i + 1] = PyTuple_GET_ITEM(args, i);
    }
    PyObject *r = PyObject_VectorcallDict(fn, stack, (size_t)n + 1, kwds);
    if (stack != small) {
        PyMem_Free(stack);
    }
    Py_DECREF(fn);
    return r;
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
