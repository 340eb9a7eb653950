/* ndarray methods that make arrays or read elements: copy, astype, view,
 * tolist, item, fill, tobytes, transpose, conj, setflags, __sizeof__. */
#include "ndarray.h"
#include "ndarray_internal.h"
#include "iter.h"

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
        NdmArray *r = (NdmArray *)ndm_array_new_impl(subtype, descr, a->nd, a->shape,
                                           NULL, NULL, 0, NULL, (PyObject *)a);
        if (r != NULL && ndm_array_set_geometry(r, a->nd, a->shape, strides) < 0) {
            Py_CLEAR(r);
        }
        return r;
    }
    return (NdmArray *)ndm_array_new_impl(subtype, descr, a->nd, a->shape, NULL, NULL,
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
            || ndm_array_order_converter(order_obj, &order) < 0) {
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
    if (ndm_array_order_converter(order_obj, &order) < 0) {
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
    NdmArray *r = (NdmArray *)ndm_array_new_impl(ndm_state.ndarray_type, descr, a->nd, a->shape, NULL,
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
        if (ndm_array_dtype_change_geometry(self, descr, shape, strides) < 0) {
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

PyObject *
ndm_array_bytes(NdmArray *self, char order)
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
            || ndm_array_order_converter(order_obj, &order) < 0) {
        return NULL;
    }
    return ndm_array_bytes(self, order);
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
        return ndm_array_get_T(self, NULL);
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
    return ndm_array_transpose_view(self, perm);
}

static PyObject *
array_conjugate(NdmArray *self, PyObject *Py_UNUSED(ignored))
{
    if (!ndm_array_is_complex(self)) {
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
    if (ndm_array_setflags_impl(self, vw, va, vu) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
array_finalize_default(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(obj))
{
    Py_RETURN_NONE;
}


PyMethodDef ndm_array_method_defs[] = {
    {"copy", KWFN(array_copy_method), KW, "a.copy(order='C')"},
    {"__copy__", (PyCFunction)array_dunder_copy, METH_NOARGS, "copy.copy(a)"},
    {"__deepcopy__", (PyCFunction)array_deepcopy, METH_O, "copy.deepcopy(a)"},
    {"astype", KWFN(array_astype), KW,
     "a.astype(dtype, order='K', casting='unsafe', subok=True, copy=True)"},
    {"view", KWFN(array_view_method), KW, "a.view([dtype][, type])"},
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
    {NULL, NULL, 0, NULL},
};
