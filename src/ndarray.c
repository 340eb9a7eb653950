/* The ndarray type: the single constructor (ndm_array_new) and dealloc,
 * contiguity and alignment flags, `base` collapse, shape and order
 * arguments, in-place geometry changes, ndarray(...), the number and
 * sequence protocols, and the type's slots and method tables.  Attributes
 * and the flags object are in ndarray_attrs.c, copies, views and element
 * methods in ndarray_methods.c, pickling in ndarray_pickle.c. */
#include "ndarray.h"
#include "ndarray_internal.h"
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
PyObject *
ndm_array_new_impl(PyTypeObject *subtype, NdmDtype *descr, int nd,
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
    return ndm_array_new_impl(subtype, descr, nd, shape, strides, data, flags, base, base);
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
/* helpers                                                             */

/* NumPy's PyArray_IntpConverter for shapes: an int or a sequence of ints.
 * Returns nd, or -1 with an exception. */
int
ndm_array_shape_converter(PyObject *obj, Py_ssize_t *out)
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
int
ndm_array_order_converter(PyObject *obj, char *out)
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

/* Replace a's geometry (shape/strides) in place. */
int
ndm_array_set_geometry(NdmArray *a, int nd, const Py_ssize_t *shape, const Py_ssize_t *strides)
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
    int nd = ndm_array_shape_converter(shape_obj, shape);
    if (nd < 0) {
        return NULL;
    }
    if (ndm_array_order_converter(order_obj, &order) < 0) {
        return NULL;
    }
    int have_strides = strides_obj != Py_None;
    if (have_strides) {
        int ns = ndm_array_shape_converter(strides_obj, strides);
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
            if (res != NULL && ndm_array_set_geometry((NdmArray *)res, nd, shape, strides) < 0) {
                Py_CLEAR(res);
            }
        }
        else {
            res = ndm_array_new(type, descr, nd, shape, NULL, NULL, flags, NULL);
            descr = NULL;
        }
    }
    else {
        res = ndm_array_new_impl(type, descr, nd, shape, have_strides ? strides : NULL,
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

static PyMemberDef array_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(NdmArray, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyMethodDef array_methods[] = {
    {"__array__", KWFN(ndm_creation_dunder_array), KW,
     "a.__array__([dtype], /, *, copy=None)"},
    {"__complex__", (PyCFunction)array_complex, METH_NOARGS, "complex(a)"},
    {"__class_getitem__", (PyCFunction)array_class_getitem, METH_O | METH_CLASS,
     "ndarray[shape, dtype] for type hints."},
    {NULL, NULL, 0, NULL},
};

/* array_methods, then the methods of ndarray_methods.c and
 * ndarray_pickle.c (filled by assemble_slots). */
static PyMethodDef all_methods[48];

static PyType_Slot array_slots[] = {
    {Py_tp_new, array_tp_new},
    {Py_tp_dealloc, array_dealloc},
    {Py_tp_getset, ndm_array_getset},
    {Py_tp_members, array_members},
    {Py_tp_methods, all_methods},
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
    PyMethodDef *tables[] = {array_methods, ndm_array_method_defs, ndm_array_pickle_defs};
    size_t m = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (PyMethodDef *d = tables[t]; d->ml_name != NULL; d++) {
            if (m + 1 >= sizeof all_methods / sizeof all_methods[0]) {
                PyErr_SetString(PyExc_SystemError, "too many ndarray methods");
                return -1;
            }
            all_methods[m++] = *d;
        }
    }
    all_methods[m] = (PyMethodDef){NULL, NULL, 0, NULL};
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
    PyObject *ftype = PyType_FromModuleAndSpec(module, &ndm_array_flags_spec, NULL);
    if (ftype == NULL) {
        return -1;
    }
    ndm_state.flags_type = (PyTypeObject *)ftype;
    if (PyModule_AddFunctions(module, ndm_array_pickle_functions) < 0) {
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
