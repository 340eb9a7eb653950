/* ndarray attributes: the flags object and setflags' rules, shape, strides,
 * dtype (getters and setters), base, size, T, real/imag,
 * __array_interface__, ctypes. */
#include "ndarray.h"
#include "ndarray_internal.h"
#include "iter.h"

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
int
ndm_array_setflags_impl(NdmArray *a, int write, int align, int uic)
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
        rc = ndm_array_setflags_impl(a, truth, -1, -1);
    }
    else if (which == NDM_ALIGNED) {
        rc = ndm_array_setflags_impl(a, -1, truth, -1);
    }
    else {
        rc = ndm_array_setflags_impl(a, -1, -1, truth);
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

PyType_Spec ndm_array_flags_spec = {
    .name = "ndmem._core.flagsobj",
    .basicsize = sizeof(NdmFlags),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = flags_slots,
};

/* ------------------------------------------------------------------ */
/* attributes                                                          */

PyObject *
ndm_array_shape_tuple(const Py_ssize_t *values, int nd)
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
    return ndm_array_shape_tuple(self->shape, self->nd);
}

static PyObject *
array_get_strides(NdmArray *self, void *Py_UNUSED(closure))
{
    return ndm_array_shape_tuple(self->strides, self->nd);
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

static int
array_set_shape(NdmArray *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "Cannot delete array shape");
        return -1;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    int nd = ndm_array_shape_converter(value, shape);
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
    return ndm_array_set_geometry(self, nd, shape, strides);
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

PyObject *
ndm_array_transpose_view(NdmArray *self, const int *perm)
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

PyObject *
ndm_array_get_T(NdmArray *self, void *Py_UNUSED(closure))
{
    int perm[NDM_MAXDIMS];
    for (int i = 0; i < self->nd; i++) {
        perm[i] = self->nd - 1 - i;
    }
    return ndm_array_transpose_view(self, perm);
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
    if (ndm_array_is_complex(self)) {
        return complex_part(self, 0);
    }
    Py_INCREF(self);
    return (PyObject *)self;
}

static PyObject *
array_get_imag(NdmArray *self, void *Py_UNUSED(closure))
{
    if (ndm_array_is_complex(self)) {
        return complex_part(self, 1);
    }
    Py_INCREF(self->descr);
    NdmArray *r = (NdmArray *)ndm_array_new_impl(Py_TYPE(self), self->descr, self->nd,
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
    if (ndm_array_is_complex(self)) {
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
        ? Py_NewRef(Py_None) : ndm_array_shape_tuple(self->strides, self->nd);
    PyObject *shape = ndm_array_shape_tuple(self->shape, self->nd);
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

/* The shape and strides of self seen with descr (NumPy's dtype setter and
 * view rules); shape/strides hold self's on entry.  -1 with ValueError. */
int
ndm_array_dtype_change_geometry(NdmArray *self, NdmDtype *descr, Py_ssize_t *shape,
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
    if (ndm_array_dtype_change_geometry(self, descr, shape, strides) < 0) {
        Py_DECREF(descr);
        return -1;
    }
    Py_SETREF(self->descr, descr);
    return ndm_array_set_geometry(self, self->nd, shape, strides);
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
    int n = ndm_array_shape_converter(value, strides);
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
    return ndm_array_set_geometry(self, self->nd, self->shape, strides);
}

PyGetSetDef ndm_array_getset[] = {
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
    {"T", (getter)ndm_array_get_T, NULL, "The transposed array (a view).", NULL},
    {"real", (getter)array_get_real, (setter)array_set_real, "The real part.", NULL},
    {"imag", (getter)array_get_imag, (setter)array_set_imag, "The imaginary part.", NULL},
    {"__array_interface__", (getter)array_get_interface, NULL, "Array protocol: Python side.", NULL},
    {"ctypes", (getter)array_get_ctypes, NULL, "ctypes interface.", NULL},
    {"__array_priority__", (getter)array_get_priority, NULL, "Array priority.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};
