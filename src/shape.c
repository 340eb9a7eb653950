/* Shape manipulation.  The algorithms live in python/ndmem/_shape.py, built
 * on the core's views; this file gives ndarray its shape methods (thin
 * trampolines into _shape), the one primitive Python cannot express:
 * a view with arbitrary geometry (as_strided), and C paths for the common
 * cases of reshape, ravel, flatten, concatenate and repeat. */
#include "ndarray.h"
#include "iter.h"

/* _strided_view(a, shape, strides, offset, writeable): a view of a's memory
 * starting offset bytes after a's data; no bounds check (as NumPy). */
static PyObject *
shape_strided_view(PyObject *Py_UNUSED(mod), PyObject *args)
{
    PyObject *arr, *shp, *strd, *res = NULL;
    Py_ssize_t offset;
    int writeable;
    Py_ssize_t dims[2 * 64];
    if (!PyArg_ParseTuple(args, "O!OOnp", ndm_state.ndarray_type, &arr, &shp,
                          &strd, &offset, &writeable)) {
        return NULL;
    }
    PyObject *s1 = PySequence_Fast(shp, "shape must be a sequence");
    if (s1 == NULL) {
        return NULL;
    }
    PyObject *s2 = PySequence_Fast(strd, "strides must be a sequence");
    if (s2 == NULL) {
        Py_DECREF(s1);
        return NULL;
    }
    Py_ssize_t nd = PySequence_Fast_GET_SIZE(s1);
    if (nd != PySequence_Fast_GET_SIZE(s2) || nd > 64) {
        PyErr_SetString(PyExc_ValueError, "mismatch in length of strides and shape");
        goto fail;
    }
    for (Py_ssize_t i = 0; i < nd; i++) {
        dims[i] = PyNumber_AsSsize_t(PySequence_Fast_GET_ITEM(s1, i), PyExc_OverflowError);
        if (dims[i] == -1 && PyErr_Occurred()) {
            goto fail;
        }
        if (dims[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "negative dimensions are not allowed");
            goto fail;
        }
        dims[64 + i] = PyNumber_AsSsize_t(PySequence_Fast_GET_ITEM(s2, i), PyExc_OverflowError);
        if (dims[64 + i] == -1 && PyErr_Occurred()) {
            goto fail;
        }
    }
    NdmArray *a = (NdmArray *)arr;
    Py_INCREF(a->descr);
    res = ndm_array_view(a, a->descr, (int)nd, dims, dims + 64, a->data + offset,
                         Py_TYPE(a));
    if (res != NULL && !writeable) {
        ((NdmArray *)res)->flags &= ~NDM_WRITEABLE;
    }
fail:
    Py_DECREF(s1);
    Py_DECREF(s2);
    return res;
}

/* ndmem._shape.<function>(self, *args) with the caller's vectorcall
 * keywords: the general path behind the C fast paths below. */
static PyObject *
call_shape_py(const char *function, PyObject *self, PyObject *const *args,
              Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *mod = PyImport_ImportModule("ndmem._shape");
    if (mod == NULL) {
        return NULL;
    }
    PyObject *fn = PyObject_GetAttrString(mod, function);
    Py_DECREF(mod);
    if (fn == NULL) {
        return NULL;
    }
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    Py_ssize_t total = nargs + nkw;
    PyObject *small[9];
    PyObject **stack = total + 1 <= 9 ? small : PyMem_New(PyObject *, total + 1);
    if (stack == NULL) {
        Py_DECREF(fn);
        return PyErr_NoMemory();
    }
    stack[0] = self;
    for (Py_ssize_t i = 0; i < total; i++) {
        stack[i + 1] = args[i];
    }
    PyObject *r = PyObject_Vectorcall(fn, stack, (size_t)nargs + 1, kwnames);
    if (stack != small) {
        PyMem_Free(stack);
    }
    Py_DECREF(fn);
    return r;
}

/* One shape entry for the fast path: an exact int that fits, else -2
 * (with no exception) to send the call down the general path. */
static int
fast_dim(PyObject *o, Py_ssize_t *out)
{
    if (!PyLong_CheckExact(o)) {
        return -2;
    }
    *out = PyLong_AsSsize_t(o);
    if (*out == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return -2;
    }
    return 0;
}

/* A new C-ordered copy of a with the given shape (size unchanged) as
 * NumPy's reshape and ravel make it: a 1-d copy owns its data (ravel,
 * flatten); otherwise the result views a C-ordered copy of a (reshape). */
static PyObject *
copy_reshaped(NdmArray *a, int nd, const Py_ssize_t *shape, int own)
{
    Py_ssize_t strides[NDM_MAXDIMS];
    if (!own) {
        PyObject *c = ndm_array_copy(a, 'C');
        if (c == NULL) {
            return NULL;
        }
        Py_ssize_t step = a->descr->itemsize;
        for (int i = nd - 1; i >= 0; i--) {
            strides[i] = step;
            step *= shape[i] > 0 ? shape[i] : 1;
        }
        Py_INCREF(a->descr);
        PyObject *r = ndm_array_view((NdmArray *)c, a->descr, nd, shape, strides,
                                     ((NdmArray *)c)->data, NULL);
        Py_DECREF(c);
        return r;
    }
    Py_INCREF(a->descr);
    PyObject *res = ndm_array_new(ndm_state.ndarray_type, a->descr, 1, shape, NULL, NULL, 0, NULL);
    if (res == NULL) {
        return NULL;
    }
    /* the new data seen with a's shape, packed, takes a's values */
    Py_ssize_t step = a->descr->itemsize;
    for (int i = a->nd - 1; i >= 0; i--) {
        strides[i] = step;
        step *= a->shape[i] > 0 ? a->shape[i] : 1;
    }
    Py_INCREF(a->descr);
    PyObject *dst = ndm_array_view((NdmArray *)res, a->descr, a->nd, a->shape, strides,
                                   ((NdmArray *)res)->data, NULL);
    if (dst == NULL || ndm_array_assign((NdmArray *)dst, a, NDM_NO_CASTING) < 0) {
        Py_XDECREF(dst);
        Py_DECREF(res);
        return NULL;
    }
    Py_DECREF(dst);
    return res;
}

/* a.reshape(...) in C for the everyday case (exact ints, no keywords, a
 * valid new shape); NULL without an exception when the general Python path
 * must decide (other spellings, errors, a subclass needing a copy). */
static PyObject *
reshape_fast(NdmArray *a, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    PyObject *const *items = args;
    Py_ssize_t nd = nargs;
    if (nargs == 1 && !PyLong_CheckExact(args[0])) {
        if (PyTuple_CheckExact(args[0])) {
            items = &PyTuple_GET_ITEM(args[0], 0);
            nd = PyTuple_GET_SIZE(args[0]);
        }
        else if (PyList_CheckExact(args[0])) {
            items = &PyList_GET_ITEM(args[0], 0);
            nd = PyList_GET_SIZE(args[0]);
        }
        else {
            return NULL;
        }
    }
    if (nd < 1 || nd > NDM_MAXDIMS) {
        return NULL;
    }
    int unknown = -1, same = nd == a->nd;
    Py_ssize_t known = 1;
    for (Py_ssize_t i = 0; i < nd; i++) {
        if (fast_dim(items[i], &shape[i]) < 0) {
            return NULL;
        }
        same = same && shape[i] == a->shape[i];
        if (shape[i] >= 0) {
            if (__builtin_mul_overflow(known, shape[i], &known)) {
                return NULL;
            }
        }
        else if (unknown >= 0) {
            return NULL;
        }
        else {
            unknown = (int)i;
        }
    }
    Py_ssize_t size = ndm_array_size(a);
    if (unknown >= 0) {
        if (known == 0 || size % known != 0) {
            return NULL;
        }
        shape[unknown] = size / known;
    }
    else if (known != size) {
        return NULL;
    }
    if (same) {
        /* the given shape equal to a's is a plain view, as NumPy */
        memcpy(strides, a->strides, (size_t)nd * sizeof(Py_ssize_t));
    }
    else if ((a->flags & NDM_C_CONTIGUOUS) || size == 0) {
        Py_ssize_t step = a->descr->itemsize;
        for (Py_ssize_t i = nd - 1; i >= 0; i--) {
            strides[i] = step;
            step *= shape[i] > 0 ? shape[i] : 1;
        }
    }
    else if (!ndm_array_nocopy_reshape(a, (int)nd, shape, strides)) {
        if (!NdmArray_CheckExact(a)) {
            return NULL;
        }
        return copy_reshaped(a, (int)nd, shape, 0);
    }
    Py_INCREF(a->descr);
    return ndm_array_view(a, a->descr, (int)nd, shape, strides, a->data, Py_TYPE(a));
}

static PyObject *
m_reshape(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (kwnames == NULL || PyTuple_GET_SIZE(kwnames) == 0) {
        PyObject *r = reshape_fast((NdmArray *)self, args, nargs);
        if (r != NULL || PyErr_Occurred()) {
            return r;
        }
    }
    return call_shape_py("_m_reshape", self, args, nargs, kwnames);
}

/* The order argument of ravel/flatten when it is one positional "C" or
 * "F" (or absent: 'C'); 0 for anything the Python path must read. */
static char
simple_order(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) {
        return 0;
    }
    if (nargs == 0) {
        return 'C';
    }
    if (nargs == 1 && PyUnicode_CheckExact(args[0])) {
        if (PyUnicode_CompareWithASCIIString(args[0], "C") == 0) {
            return 'C';
        }
        if (PyUnicode_CompareWithASCIIString(args[0], "F") == 0) {
            return 'F';
        }
    }
    return 0;
}

/* A 1-d copy of exact ndarray a in C or F order (F: the C-ordered copy of
 * the reversed-axes view). */
static PyObject *
flat_copy(NdmArray *a, char order)
{
    Py_ssize_t size = ndm_array_size(a);
    if (order == 'C' || a->nd < 2) {
        return copy_reshaped(a, 1, &size, 1);
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    for (int i = 0; i < a->nd; i++) {
        shape[i] = a->shape[a->nd - 1 - i];
        strides[i] = a->strides[a->nd - 1 - i];
    }
    Py_INCREF(a->descr);
    PyObject *t = ndm_array_view(a, a->descr, a->nd, shape, strides, a->data, NULL);
    if (t == NULL) {
        return NULL;
    }
    PyObject *r = copy_reshaped((NdmArray *)t, 1, &size, 1);
    Py_DECREF(t);
    return r;
}

/* a.ravel() / a.ravel('F'): a 1-d view when a is contiguous in that order,
 * else a copy (a subclass's copy and the other orders in Python). */
static PyObject *
m_ravel(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    NdmArray *a = (NdmArray *)self;
    char order = simple_order(args, nargs, kwnames);
    if (order != 0) {
        Py_ssize_t size = ndm_array_size(a), stride = a->descr->itemsize;
        if (a->flags & (order == 'C' ? NDM_C_CONTIGUOUS : NDM_F_CONTIGUOUS)) {
            Py_INCREF(a->descr);
            return ndm_array_view(a, a->descr, 1, &size, &stride, a->data, Py_TYPE(a));
        }
        if (NdmArray_CheckExact(a)) {
            return flat_copy(a, order);
        }
    }
    return call_shape_py("_m_ravel", self, args, nargs, kwnames);
}

/* a.squeeze(): a view without the length-1 axes, or a itself when it has
 * none (as NumPy); an axis argument goes to Python. */
static PyObject *
m_squeeze(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    NdmArray *a = (NdmArray *)self;
    if (nargs > 0 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0)) {
        return call_shape_py("_m_squeeze", self, args, nargs, kwnames);
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    int nd = 0;
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] != 1) {
            shape[nd] = a->shape[i];
            strides[nd] = a->strides[i];
            nd++;
        }
    }
    if (nd == a->nd) {
        Py_INCREF(self);
        return self;
    }
    Py_INCREF(a->descr);
    return ndm_array_view(a, a->descr, nd, shape, strides, a->data, Py_TYPE(a));
}

/* a.swapaxes(i, j) for in-range exact ints: the transposed view; the
 * rest (normalisation errors, other index types) in Python. */
static PyObject *
m_swapaxes(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    NdmArray *a = (NdmArray *)self;
    Py_ssize_t ax[2];
    if (nargs == 2 && (kwnames == NULL || PyTuple_GET_SIZE(kwnames) == 0)
            && fast_dim(args[0], &ax[0]) == 0 && fast_dim(args[1], &ax[1]) == 0
            && ax[0] >= -a->nd && ax[0] < a->nd && ax[1] >= -a->nd && ax[1] < a->nd) {
        Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
        int i = (int)(ax[0] < 0 ? ax[0] + a->nd : ax[0]);
        int j = (int)(ax[1] < 0 ? ax[1] + a->nd : ax[1]);
        memcpy(shape, a->shape, (size_t)a->nd * sizeof(Py_ssize_t));
        memcpy(strides, a->strides, (size_t)a->nd * sizeof(Py_ssize_t));
        shape[i] = a->shape[j];
        shape[j] = a->shape[i];
        strides[i] = a->strides[j];
        strides[j] = a->strides[i];
        Py_INCREF(a->descr);
        return ndm_array_view(a, a->descr, a->nd, shape, strides, a->data, Py_TYPE(a));
    }
    return call_shape_py("_m_swapaxes", self, args, nargs, kwnames);
}

/* a.flatten() / a.flatten('F'): a 1-d copy (other orders and subclasses
 * in Python). */
static PyObject *
m_flatten(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    char order = simple_order(args, nargs, kwnames);
    if (order != 0 && NdmArray_CheckExact(self)) {
        return flat_copy((NdmArray *)self, order);
    }
    return call_shape_py("_m_flatten", self, args, nargs, kwnames);
}

/* Results past this many bytes are filled without the GIL. */
#define REPEAT_GIL_BYTES (1 << 20)

/* Every element of a C-contiguous numeric array r times along axis (-1:
 * the flattening), as _shape._repeat_each makes it; NotImplemented for
 * anything else (other layouts and types, errors, count arrays). */
static PyObject *
repeat_fast(NdmArray *a, PyObject *reps, PyObject *axis_obj)
{
    if (!NdmArray_CheckExact(a) || !PyLong_CheckExact(reps) || a->nd == 0
            || a->descr->type_num >= NDM_NNUMERIC || !(a->flags & NDM_C_CONTIGUOUS)
            || (axis_obj != Py_None && !PyLong_CheckExact(axis_obj))) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    int overflow;
    long long r = PyLong_AsLongLongAndOverflow(reps, &overflow);
    if (overflow || r < 0 || r > PY_SSIZE_T_MAX) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = a->nd, axis = 0;
    if (axis_obj == Py_None) {
        nd = 1;
        shape[0] = ndm_array_size(a);
    }
    else {
        long ax = PyLong_AsLongAndOverflow(axis_obj, &overflow);
        if (overflow || ax < -nd || ax >= nd) {
            Py_RETURN_NOTIMPLEMENTED;
        }
        axis = (int)(ax < 0 ? ax + nd : ax);
        memcpy(shape, a->shape, (size_t)nd * sizeof(Py_ssize_t));
    }
    Py_ssize_t n = shape[axis], outer = 1, block = a->descr->itemsize;
    for (int d = 0; d < axis; d++) {
        outer *= shape[d];
    }
    for (int d = axis + 1; d < nd; d++) {
        block *= shape[d];
    }
    if (n > 0 && r > PY_SSIZE_T_MAX / n) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    shape[axis] = n * (Py_ssize_t)r;
    Py_INCREF(a->descr);
    NdmArray *out = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, a->descr, nd, shape,
                                              NULL, NULL, 0, NULL);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t units = outer * n, total = ndm_array_nbytes(out);
    const char *src = a->data;
    char *dst = out->data;
    PyThreadState *ts = total > REPEAT_GIL_BYTES ? PyEval_SaveThread() : NULL;
    for (Py_ssize_t u = 0; u < units; u++, src += block) {
        for (long long k = 0; k < r; k++, dst += block) {
            memcpy(dst, src, (size_t)block);
        }
    }
    if (ts != NULL) {
        PyEval_RestoreThread(ts);
    }
    return (PyObject *)out;
}

/* _repeat(a, repeats, axis): repeat_fast, for ndmem.repeat and tile. */
static PyObject *
shape_repeat(PyObject *Py_UNUSED(mod), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !NdmArray_Check(args[0])) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    return repeat_fast((NdmArray *)args[0], args[1], args[2]);
}

/* Method trampolines: a.name(*args, **kw) -> ndmem._shape._m_name(a, *args, **kw) */
static PyObject *
m_repeat(PyObject *self, PyObject *args, PyObject *kw)
{
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    if (kw == NULL && (nargs == 1 || nargs == 2)) {
        PyObject *r = repeat_fast((NdmArray *)self, PyTuple_GET_ITEM(args, 0),
                                  nargs == 2 ? PyTuple_GET_ITEM(args, 1) : Py_None);
        if (r != Py_NotImplemented) {
            return r;
        }
        Py_DECREF(r);
    }
    return ndm_array_call_python("ndmem._shape", "_m_repeat", self, args, kw);
}

#define KW (METH_VARARGS | METH_KEYWORDS)
#define KWFN(f) ((PyCFunction)(void (*)(void))(f))

static PyMethodDef shape_array_methods[] = {
    {"reshape", KWFN(m_reshape), METH_FASTCALL | METH_KEYWORDS,
     "a.reshape(*shape, order='C', copy=None)"},
    {"ravel", KWFN(m_ravel), METH_FASTCALL | METH_KEYWORDS, "a.ravel(order='C')"},
    {"flatten", KWFN(m_flatten), METH_FASTCALL | METH_KEYWORDS, "a.flatten(order='C')"},
    {"swapaxes", KWFN(m_swapaxes), METH_FASTCALL | METH_KEYWORDS, "a.swapaxes(axis1, axis2)"},
    {"squeeze", KWFN(m_squeeze), METH_FASTCALL | METH_KEYWORDS, "a.squeeze(axis=None)"},
    {"repeat", KWFN(m_repeat), KW, "a.repeat(repeats, axis=None)"},
    {NULL, NULL, 0, NULL},
};

static PyObject *
flat_get(PyObject *self, void *Py_UNUSED(closure))
{
    PyObject *args = PyTuple_New(0);
    if (args == NULL) {
        return NULL;
    }
    PyObject *r = ndm_array_call_python("ndmem._shape", "_flat_get", self, args, NULL);
    Py_DECREF(args);
    return r;
}

static int
flat_set(PyObject *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "Cannot delete array flat iterator");
        return -1;
    }
    PyObject *args = PyTuple_Pack(1, value);
    if (args == NULL) {
        return -1;
    }
    PyObject *r = ndm_array_call_python("ndmem._shape", "_flat_set", self, args, NULL);
    Py_DECREF(args);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

static PyGetSetDef shape_getsets[] = {
    {"flat", flat_get, flat_set, "A 1-D iterator over the array (C order).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static int
add_getsets(PyGetSetDef *defs)
{
    PyTypeObject *t = ndm_state.ndarray_type;
    PyObject *dict = t->tp_dict;
    for (PyGetSetDef *d = defs; d->name != NULL; d++) {
        PyObject *descr = PyDescr_NewGetSet(t, d);
        if (descr == NULL) {
            return -1;
        }
        int rc = PyDict_SetItemString(dict, d->name, descr);
        Py_DECREF(descr);
        if (rc < 0) {
            return -1;
        }
    }
    PyType_Modified(t);
    return 0;
}

/* _concatenate_fast(arrays, axis): np.concatenate for the everyday case,
 * a list or tuple of C-contiguous ndarrays of one native numeric dtype
 * and an int axis, as block copies into a new C-ordered array (the layout
 * NumPy picks for such inputs); None when the general path must run
 * (other inputs, or anything it has to reject). */
static PyObject *
shape_concatenate_fast(PyObject *Py_UNUSED(mod), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "_concatenate_fast(arrays, axis)");
        return NULL;
    }
    PyObject *seq = args[0];
    if ((!PyList_CheckExact(seq) && !PyTuple_CheckExact(seq)) || !PyLong_CheckExact(args[1])) {
        Py_RETURN_NONE;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    if (n < 1 || !NdmArray_CheckExact(items[0])) {
        Py_RETURN_NONE;
    }
    NdmArray *first = (NdmArray *)items[0];
    int nd = first->nd, type_num = first->descr->type_num;
    if (nd == 0 || type_num >= NDM_NNUMERIC || !ndm_dtype_isnative(first->descr)) {
        Py_RETURN_NONE;
    }
    int ovf;
    long axis = PyLong_AsLongAndOverflow(args[1], &ovf);
    if (ovf || (axis == -1 && PyErr_Occurred()) || axis < -nd || axis >= nd) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    if (axis < 0) {
        axis += nd;
    }
    Py_ssize_t shape[NDM_MAXDIMS];
    memcpy(shape, first->shape, (size_t)nd * sizeof(Py_ssize_t));
    shape[axis] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmArray *a = (NdmArray *)items[i];
        if (!NdmArray_CheckExact(items[i]) || a->nd != nd || a->descr->type_num != type_num
                || !ndm_dtype_isnative(a->descr) || !(a->flags & NDM_C_CONTIGUOUS)) {
            Py_RETURN_NONE;
        }
        for (int k = 0; k < nd; k++) {
            if (k != axis && a->shape[k] != shape[k]) {
                Py_RETURN_NONE;
            }
        }
        shape[axis] += a->shape[axis];
    }
    NdmDtype *descr = ndm_dtype_builtin(type_num);
    if (descr == NULL) {
        return NULL;
    }
    Py_ssize_t itemsize = descr->itemsize;
    PyObject *res = ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, NULL, NULL, 0, NULL);
    if (res == NULL) {
        return NULL;
    }
    Py_ssize_t outer = 1, inner = itemsize;
    for (int k = 0; k < axis; k++) {
        outer *= shape[k];
    }
    for (int k = (int)axis + 1; k < nd; k++) {
        inner *= shape[k];
    }
    char *dst = ((NdmArray *)res)->data;
    Py_ssize_t row = shape[axis] * inner, offset = 0;
    /* a large copy runs without the GIL; the tuple keeps the inputs alive
     * should another thread empty the list meanwhile */
    PyObject *hold = NULL;
    PyThreadState *ts = NULL;
    if (outer * row > (1 << 20)) {
        hold = PySequence_Tuple(seq);
        if (hold == NULL) {
            Py_DECREF(res);
            return NULL;
        }
        items = &PyTuple_GET_ITEM(hold, 0);
        ts = PyEval_SaveThread();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmArray *a = (NdmArray *)items[i];
        Py_ssize_t chunk = a->shape[axis] * inner;
        for (Py_ssize_t o = 0; o < outer && chunk > 0; o++) {
            memcpy(dst + o * row + offset, a->data + o * chunk, (size_t)chunk);
        }
        offset += chunk;
    }
    if (hold != NULL) {
        PyEval_RestoreThread(ts);
        Py_DECREF(hold);
    }
    return res;
}

static PyMethodDef shape_functions[] = {
    {"_concatenate_fast", KWFN(shape_concatenate_fast), METH_FASTCALL,
     "_concatenate_fast(arrays, axis): the common case of concatenate, or None"},
    {"_repeat", KWFN(shape_repeat), METH_FASTCALL,
     "_repeat(a, repeats, axis): the common case of repeat, or NotImplemented"},
    {"_strided_view", shape_strided_view, METH_VARARGS,
     "_strided_view(a, shape, strides, offset, writeable): view of a's memory"},
    {NULL, NULL, 0, NULL},
};

int
ndm_shape_init(PyObject *module)
{
    if (ndm_array_add_methods(shape_array_methods) < 0 || add_getsets(shape_getsets) < 0) {
        return -1;
    }
    return PyModule_AddFunctions(module, shape_functions);
}
