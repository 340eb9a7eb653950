/* Array creation: np.array's engine (ndm_array_from_any) and the module
 * functions array, asarray, asanyarray, ascontiguousarray, asfortranarray,
 * empty, zeros, ones, full, *_like, arange, linspace, eye, frombuffer. */
#include "ndarray.h"
#include "scalar.h"
#include "iter.h"

#include <math.h>

static const char COPY_MSG[] =
    "Unable to avoid copy while creating an array as requested.\n"
    "If using `np.array(obj, copy=False)` replace it with `np.asarray(obj)` "
    "to allow a copy when needed (no behavior change in NumPy 1.x).\n"
    "For more details, see https://numpy.org/devdocs/numpy_2_0_migration_guide.html"
    "#adapting-to-changes-in-the-copy-keyword.";

/* ------------------------------------------------------------------ */
/* builtin descriptors, cached (one reference kept for the process)     */

static NdmDtype *builtin_cache[NDM_NNUMERIC];

/* Borrowed. */
static NdmDtype *
builtin(int type_num)
{
    NdmDtype *d = builtin_cache[type_num];
    if (d == NULL) {
        d = ndm_dtype_builtin(type_num);
        if (d == NULL) {
            return NULL;
        }
        builtin_cache[type_num] = d;
    }
    return d;
}

/* New reference. */
static NdmDtype *
builtin_new(int type_num)
{
    NdmDtype *d = builtin(type_num);
    Py_XINCREF(d);
    return d;
}

/* ------------------------------------------------------------------ */
/* argument parsing (vectorcall)                                        */

static int
parse_args(const char *fname, const char *const *names, int n, int maxpos, int posonly,
           PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, PyObject **out)
{
    for (int i = 0; i < n; i++) {
        out[i] = NULL;
    }
    if (nargs > maxpos) {
        PyErr_Format(PyExc_TypeError,
                     "%s() takes at most %d positional arguments (%zd given)",
                     fname, maxpos, nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        out[i] = args[i];
    }
    if (kwnames != NULL) {
        Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t k = 0; k < nkw; k++) {
            PyObject *key = PyTuple_GET_ITEM(kwnames, k);
            int found = -1;
            for (int i = posonly; i < n; i++) {
                if (PyUnicode_CompareWithASCIIString(key, names[i]) == 0) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                PyErr_Format(PyExc_TypeError,
                             "%s() got an unexpected keyword argument '%U'", fname, key);
                return -1;
            }
            if (out[found] != NULL) {
                PyErr_Format(PyExc_TypeError,
                             "argument for %s() given by name ('%s') and position (%d)",
                             fname, names[found], found + 1);
                return -1;
            }
            out[found] = args[nargs + k];
        }
    }
    return 0;
}

static int
require_arg(const char *fname, const char *name, int pos, PyObject *value)
{
    if (value == NULL) {
        PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %d)",
                     fname, name, pos);
        return -1;
    }
    return 0;
}

/* order: NULL or None gives dflt. */
static int
conv_order(PyObject *o, char dflt, char *out)
{
    if (o == NULL || o == Py_None) {
        *out = dflt;
        return 0;
    }
    if (!PyUnicode_Check(o) && !PyBytes_Check(o)) {
        PyErr_Format(PyExc_TypeError, "order must be str, not %.200s", Py_TYPE(o)->tp_name);
        return -1;
    }
    const char *s = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : PyBytes_AS_STRING(o);
    if (s == NULL) {
        return -1;
    }
    if (s[0] != '\0' && s[1] == '\0') {
        char c = s[0];
        if (c >= 'a' && c <= 'z') {
            c = (char)(c - 'a' + 'A');
        }
        if (c == 'C' || c == 'F' || c == 'A' || c == 'K') {
            *out = c;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError,
                 "order must be one of 'C', 'F', 'A', or 'K' (got %R)", o);
    return -1;
}

/* order for functions that make a fresh array: 'C' or 'F' only. */
static int
conv_order_cf(PyObject *o, char *out)
{
    if (conv_order(o, 'C', out) < 0) {
        return -1;
    }
    if (*out != 'C' && *out != 'F') {
        PyErr_SetString(PyExc_ValueError, "only 'C' or 'F' order is permitted");
        return -1;
    }
    return 0;
}

/* copy: None -> -1 (if needed), else truthiness. */
static int
conv_copy(PyObject *o, int dflt, int *out)
{
    if (o == NULL) {
        *out = dflt;
        return 0;
    }
    if (o == Py_None) {
        *out = -1;
        return 0;
    }
    if (PyUnicode_Check(o)) {
        PyErr_SetString(PyExc_ValueError, "strings are not allowed for 'copy' keyword. "
                        "Use True/False/None instead.");
        return -1;
    }
    int t = PyObject_IsTrue(o);
    if (t < 0) {
        return -1;
    }
    *out = t;
    return 0;
}

/* dtype: NULL/None -> *out NULL; else new reference. */
static int
conv_dtype(PyObject *o, NdmDtype **out)
{
    *out = NULL;
    if (o == NULL || o == Py_None) {
        return 0;
    }
    if (NdmDtype_Check(o)) {
        Py_INCREF(o);
        *out = (NdmDtype *)o;
        return 0;
    }
    *out = ndm_dtype_from_object(o);
    return *out == NULL ? -1 : 0;
}

static int
check_device(PyObject *o)
{
    if (o == NULL || o == Py_None) {
        return 0;
    }
    if (PyUnicode_Check(o) && PyUnicode_CompareWithASCIIString(o, "cpu") == 0) {
        return 0;
    }
    PyErr_Format(PyExc_ValueError,
                 "Device not understood. Only \"cpu\" is allowed, but received: %S", o);
    return -1;
}

/* shape: an int or a sequence of ints. */
static int
conv_shape(PyObject *o, int *nd, Py_ssize_t *shape)
{
    if (PyLong_Check(o) || (!PySequence_Check(o) && PyIndex_Check(o))) {
        Py_ssize_t v = PyNumber_AsSsize_t(o, NULL);
        if (v == -1 && PyErr_Occurred()) {
            if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
                PyErr_SetString(PyExc_ValueError, "Maximum allowed dimension exceeded");
            }
            return -1;
        }
        *nd = 1;
        shape[0] = v;
        return 0;
    }
    if (PyUnicode_Check(o) || PyBytes_Check(o)) {
        PyErr_Format(PyExc_TypeError, "'%.200s' object cannot be interpreted as an integer",
                     Py_TYPE(o)->tp_name);
        return -1;
    }
    if (!PySequence_Check(o)) {
        PyErr_Format(PyExc_TypeError,
                     "expected a sequence of integers or a single integer, got '%S'", o);
        return -1;
    }
    PyObject *seq = PySequence_Fast(o, "expected a sequence of integers");
    if (seq == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > NDM_MAXDIMS) {
        PyErr_Format(PyExc_ValueError,
                     "maximum supported dimension for an ndarray is currently %d, found %zd",
                     NDM_MAXDIMS, n);
        Py_DECREF(seq);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        Py_ssize_t v = PyNumber_AsSsize_t(item, NULL);
        if (v == -1 && PyErr_Occurred()) {
            if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
                PyErr_SetString(PyExc_ValueError, "Maximum allowed dimension exceeded");
            }
            Py_DECREF(seq);
            return -1;
        }
        shape[i] = v;
    }
    *nd = (int)n;
    Py_DECREF(seq);
    return 0;
}

/* ------------------------------------------------------------------ */
/* strided copy with cast                                               */

static int
copy_strided(char *dst, const Py_ssize_t *dstrides, NdmDtype *ddt,
             const char *src, const Py_ssize_t *sstrides, NdmDtype *sdt,
             int nd, const Py_ssize_t *shape)
{
    Py_ssize_t idx[NDM_MAXDIMS];
    Py_ssize_t one = 1, zero = 0;
    for (int i = 0; i < nd; i++) {
        if (shape[i] == 0) {
            return 0;
        }
        idx[i] = 0;
    }
    const Py_ssize_t *pshape = shape;
    if (nd == 0) {
        nd = 1;
        pshape = &one;
        dstrides = &zero;
        sstrides = &zero;
    }
    int same = (ddt == sdt) || (ndm_dtype_equiv(ddt, sdt) && ddt->itemsize == sdt->itemsize);
    ndm_cast_fn cast = same ? NULL : ndm_dtype_get_cast(sdt, ddt);
    Py_ssize_t itemsize = ddt->itemsize;
    Py_ssize_t n = pshape[nd - 1];
    Py_ssize_t ds = dstrides[nd - 1], ss = sstrides[nd - 1];
    for (;;) {
        char *d = dst;
        const char *s = src;
        for (int i = 0; i < nd - 1; i++) {
            d += idx[i] * dstrides[i];
            s += idx[i] * sstrides[i];
        }
        if (same) {
            if (ds == itemsize && ss == itemsize) {
                memcpy(d, s, (size_t)(n * itemsize));
            }
            else {
                for (Py_ssize_t j = 0; j < n; j++) {
                    memcpy(d + j * ds, s + j * ss, (size_t)itemsize);
                }
            }
        }
        else if (cast(s, ss, d, ds, n, sdt, ddt) < 0) {
            return -1;
        }
        int i = nd - 2;
        for (; i >= 0; i--) {
            if (++idx[i] < pshape[i]) {
                break;
            }
            idx[i] = 0;
        }
        if (i < 0) {
            break;
        }
    }
    return 0;
}

static int
copy_into(NdmArray *dst, NdmArray *src)
{
    return copy_strided(dst->data, dst->strides, dst->descr,
                        src->data, src->strides, src->descr, src->nd, src->shape);
}

/* Fill every element of a freshly allocated (packed) array with the one
 * element at elem (dtype of arr). */
static void
replicate(NdmArray *arr, const char *elem)
{
    Py_ssize_t itemsize = arr->descr->itemsize;
    size_t total = (size_t)ndm_array_nbytes(arr);
    char *base = arr->data;
    if (total == 0 || itemsize == 0) {
        return;
    }
    /* packed arrays: every item lies in [data, data + nbytes); find the
     * lowest address (strides are non-negative for fresh arrays). */
    memmove(base, elem, (size_t)itemsize);
    size_t done = (size_t)itemsize;
    while (done < total) {
        size_t chunk = done < total - done ? done : total - done;
        memcpy(base + done, base, chunk);
        done += chunk;
    }
}

/* ------------------------------------------------------------------ */
/* new arrays                                                          */

/* A fresh array shaped like proto (or like shape when nd >= 0), layout per
 * order ('C', 'F', 'A', 'K'), descr stolen. */
static PyObject *
new_like(NdmArray *proto, PyTypeObject *subtype, NdmDtype *descr, char order,
         int nd, const Py_ssize_t *shape, int zeroed)
{
    int zflag = zeroed ? NDM_NEW_ZEROED : 0;
    if (nd < 0) {
        nd = proto->nd;
        shape = proto->shape;
    }
    else if (order == 'K' && nd != proto->nd) {
        order = 'C';
    }
    if (order == 'A') {
        order = ((proto->flags & NDM_F_CONTIGUOUS) && !(proto->flags & NDM_C_CONTIGUOUS))
                ? 'F' : 'C';
    }
    else if (order == 'K') {
        if ((proto->flags & NDM_C_CONTIGUOUS) || nd <= 1) {
            order = 'C';
        }
        else if (proto->flags & NDM_F_CONTIGUOUS) {
            order = 'F';
        }
    }
    if (order != 'K') {
        return ndm_array_new(subtype, descr, nd, shape, NULL, NULL,
                             zflag | (order == 'F' ? NDM_NEW_FORTRAN : 0), NULL);
    }
    /* keep the order of the strides (stable sort by |stride|, largest first) */
    int perm[NDM_MAXDIMS];
    Py_ssize_t strides[NDM_MAXDIMS];
    for (int i = 0; i < nd; i++) {
        perm[i] = i;
    }
    for (int i = 1; i < nd; i++) {
        int p = perm[i];
        Py_ssize_t sp = proto->strides[p] < 0 ? -proto->strides[p] : proto->strides[p];
        int j = i - 1;
        while (j >= 0) {
            Py_ssize_t sj = proto->strides[perm[j]];
            sj = sj < 0 ? -sj : sj;
            if (sj >= sp) {
                break;
            }
            perm[j + 1] = perm[j];
            j--;
        }
        perm[j + 1] = p;
    }
    Py_ssize_t stride = descr->itemsize;
    if (stride == 0) {
        stride = descr->type_num == NDM_UNICODE ? 4 : 1;
    }
    Py_ssize_t size = 1;
    for (int i = 0; i < nd; i++) {
        size *= shape[i];
    }
    for (int i = nd - 1; i >= 0; i--) {
        strides[perm[i]] = size == 0 ? 0 : stride;
        stride *= shape[perm[i]];
    }
    return ndm_array_new(subtype, descr, nd, shape, strides, NULL, zflag, NULL);
}

/* Prepend ones so that the result has at least ndmin dimensions (a view). */
static PyObject *
prepend_ones(PyObject *result, int ndmin, char order)
{
    NdmArray *a = (NdmArray *)result;
    if (ndmin <= a->nd) {
        return result;
    }
    if (ndmin > NDM_MAXDIMS) {
        PyErr_Format(PyExc_ValueError, "ndmin bigger than allowable number of dimensions "
                     "NPY_MAXDIMS (=%d)", NDM_MAXDIMS);
        Py_DECREF(result);
        return NULL;
    }
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    int k = ndmin - a->nd;
    Py_ssize_t newstride = a->descr->itemsize;
    int isfortran = (a->flags & NDM_F_CONTIGUOUS) && !(a->flags & NDM_C_CONTIGUOUS);
    if (order != 'F' && !isfortran && a->nd > 0) {
        newstride = a->strides[0] * a->shape[0];
    }
    for (int i = 0; i < k; i++) {
        shape[i] = 1;
        strides[i] = newstride;
    }
    for (int i = 0; i < a->nd; i++) {
        shape[k + i] = a->shape[i];
        strides[k + i] = a->strides[i];
    }
    Py_INCREF(a->descr);
    PyObject *view = ndm_array_view(a, a->descr, ndmin, shape, strides, a->data, NULL);
    Py_DECREF(result);
    return view;
}

/* The number of characters NumPy gives a number when it becomes a string
 * of unspecified length. */
static Py_ssize_t
string_length_for(NdmDtype *d)
{
    switch (d->type_num) {
        case NDM_BOOL: return 5;
        case NDM_INT8: return 4;
        case NDM_UINT8: return 3;
        case NDM_INT16: return 6;
        case NDM_UINT16: return 5;
        case NDM_INT32: return 11;
        case NDM_UINT32: return 10;
        case NDM_INT64: return 21;
        case NDM_UINT64: return 20;
        case NDM_FLOAT16: case NDM_FLOAT32: case NDM_FLOAT64: return 32;
        case NDM_COMPLEX64: case NDM_COMPLEX128: return 64;
        case NDM_BYTES: return d->itemsize;
        case NDM_UNICODE: return d->itemsize / 4;
        default: return d->itemsize;
    }
}

static int
is_unsized_flexible(NdmDtype *d)
{
    return d != NULL && d->itemsize == 0 && !ndm_dtype_is_structured(d)
           && (d->type_num == NDM_BYTES || d->type_num == NDM_UNICODE || d->type_num == NDM_VOID);
}

/* Unsized S/U/V target sized for n characters (new reference). */
static NdmDtype *
sized_flexible(NdmDtype *d, Py_ssize_t n)
{
    if (n < 1) {
        n = 1;
    }
    return ndm_dtype_new_flexible(d->type_num, d->type_num == NDM_UNICODE ? 4 * n : n);
}

/* ------------------------------------------------------------------ */
/* from an existing array                                              */

static PyObject *
from_array(NdmArray *a, NdmDtype *dtype, int copy, char order, int ndmin, int subok)
{
    NdmDtype *target;
    PyObject *result = NULL;

    if (dtype == NULL) {
        target = a->descr;
        Py_INCREF(target);
    }
    else if (is_unsized_flexible(dtype)) {
        if (a->descr->type_num == dtype->type_num) {
            target = a->descr;
            Py_INCREF(target);
        }
        else {
            target = sized_flexible(dtype, string_length_for(a->descr));
            if (target == NULL) {
                return NULL;
            }
        }
    }
    else {
        target = dtype;
        Py_INCREF(target);
    }
    int needs_cast = !(target == a->descr || ndm_dtype_equiv(target, a->descr));
    int order_ok = order == 'C' ? (a->flags & NDM_C_CONTIGUOUS) != 0
                 : order == 'F' ? (a->flags & NDM_F_CONTIGUOUS) != 0 : 1;
    int type_ok = subok || NdmArray_CheckExact(a);

    if (!needs_cast && order_ok && copy != 1) {
        if (type_ok) {
            Py_DECREF(target);
            Py_INCREF(a);
            result = (PyObject *)a;
        }
        else {
            result = ndm_array_view(a, target, a->nd, a->shape, a->strides, a->data,
                                    ndm_state.ndarray_type);
        }
    }
    else {
        if (copy == 0) {
            Py_DECREF(target);
            PyErr_SetString(PyExc_ValueError, COPY_MSG);
            return NULL;
        }
        PyTypeObject *subtype = subok ? Py_TYPE(a) : ndm_state.ndarray_type;
        result = new_like(a, subtype, target, order, -1, NULL, 0);
        if (result == NULL) {
            return NULL;
        }
        if (copy_into((NdmArray *)result, a) < 0) {
            Py_DECREF(result);
            return NULL;
        }
    }
    if (result == NULL) {
        return NULL;
    }
    return prepend_ones(result, ndmin, order);
}

/* ------------------------------------------------------------------ */
/* discovery of shape and dtype of nested sequences (NumPy's
 * PyArray_DiscoverDTypeAndShape)                                       */

typedef struct {
    NdmDtype *acc;          /* promoted so far (new reference) or NULL */
    NdmDtype *absorbed[4];  /* dtypes known to promote into acc unchanged */
    int discover_dtype;
    int want_strlen;        /* fixed dtype is an unsized S/U/V */
    Py_ssize_t strlen;
    int ragged;
    int max_reached;
    int tuple_leaf;         /* structured target: tuples are elements */
} Disc;

static int
is_python_scalar(PyObject *o)
{
    return PyFloat_Check(o) || PyLong_Check(o) || PyComplex_Check(o)
           || PyUnicode_Check(o) || PyBytes_Check(o) || ndm_scalar_check(o);
}

static int
acc_promote(Disc *d, NdmDtype *t)   /* borrows t */
{
    if (d->acc == t) {
        return 0;
    }
    if (d->acc == NULL) {
        Py_INCREF(t);
        d->acc = t;
        memset(d->absorbed, 0, sizeof(d->absorbed));
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        if (d->absorbed[i] == t) {
            return 0;
        }
    }
    NdmDtype *r = ndm_dtype_promote(d->acc, t);
    if (r == NULL) {
        return -1;
    }
    if (r == d->acc) {
        Py_DECREF(r);
        for (int i = 0; i < 4; i++) {
            if (d->absorbed[i] == NULL) {
                d->absorbed[i] = t;   /* builtins live forever; others may recur */
                break;
            }
        }
        return 0;
    }
    Py_SETREF(d->acc, r);
    memset(d->absorbed, 0, sizeof(d->absorbed));
    return 0;
}

static int
disc_scalar(PyObject *obj, Disc *d)
{
    if (d->want_strlen) {
        Py_ssize_t n;
        if (PyUnicode_Check(obj)) {
            n = PyUnicode_GET_LENGTH(obj);
        }
        else if (PyBytes_Check(obj)) {
            n = PyBytes_GET_SIZE(obj);
        }
        else {
            PyObject *s = PyObject_Str(obj);
            if (s == NULL) {
                return -1;
            }
            n = PyUnicode_GET_LENGTH(s);
            Py_DECREF(s);
        }
        if (n > d->strlen) {
            d->strlen = n;
        }
    }
    if (!d->discover_dtype) {
        return 0;
    }
    NdmDtype *t;
    if (PyFloat_CheckExact(obj)) {
        t = builtin(NDM_FLOAT64);
    }
    else if (PyBool_Check(obj)) {
        t = builtin(NDM_BOOL);
    }
    else if (PyLong_CheckExact(obj)) {
        int overflow;
        PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (overflow == 0) {
            t = builtin(NDM_INT64);
        }
        else {
            NdmDtype *n = ndm_dtype_discover(obj);
            if (n == NULL) {
                return -1;
            }
            int rc = acc_promote(d, n);
            Py_DECREF(n);
            return rc;
        }
    }
    else {
        NdmDtype *n = ndm_dtype_discover(obj);
        if (n == NULL) {
            return -1;
        }
        int rc = acc_promote(d, n);
        Py_DECREF(n);
        return rc;
    }
    if (t == NULL) {
        return -1;
    }
    return acc_promote(d, t);
}

/* NumPy's update_shape: 0, or -1 when ragged. */
static int
update_shape(int curr, int *max_nd, Py_ssize_t *out_shape, int new_nd,
             const Py_ssize_t *new_shape, int sequence, Disc *d)
{
    int success = 0;
    int reached = d->max_reached;
    if (curr + new_nd > *max_nd) {
        success = -1;
        new_nd = *max_nd - curr;
    }
    else if (!sequence && *max_nd != curr + new_nd) {
        *max_nd = curr + new_nd;
        if (reached) {
            success = -1;
        }
    }
    for (int i = 0; i < new_nd; i++) {
        if (!reached) {
            out_shape[curr + i] = new_shape[i];
        }
        else if (new_shape[i] != out_shape[curr + i]) {
            success = -1;
            if (!sequence) {
                *max_nd -= new_nd - i;
            }
            else {
                *max_nd = curr;
            }
            break;
        }
    }
    if (!sequence) {
        d->max_reached = 1;
    }
    return success;
}

static int
disc_array(NdmArray *arr, int curr, int max_nd, Py_ssize_t *out_shape, Disc *d)
{
    if (update_shape(curr, &max_nd, out_shape, arr->nd, arr->shape, 0, d) < 0) {
        d->ragged = 1;
        return max_nd;
    }
    if (d->want_strlen) {
        Py_ssize_t n = string_length_for(arr->descr);
        if (n > d->strlen) {
            d->strlen = n;
        }
    }
    if (d->discover_dtype && acc_promote(d, arr->descr) < 0) {
        return -1;
    }
    return max_nd;
}

/* __array_interface__ (version 3): a view of the described memory. */
static PyObject *
from_interface(PyObject *obj, PyObject *iface)
{
    NdmDtype *descr = NULL;
    PyObject *base = NULL, *result = NULL;
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    char *data = NULL;
    int readonly = 0, nd;

    if (!PyDict_Check(iface)) {
        PyErr_SetString(PyExc_ValueError, "Invalid __array_interface__ value, must be a dict");
        return NULL;
    }
    PyObject *typestr = PyDict_GetItemString(iface, "typestr");
    PyObject *shp = PyDict_GetItemString(iface, "shape");
    if (typestr == NULL || shp == NULL || !PyTuple_Check(shp)) {
        PyErr_SetString(PyExc_ValueError, "Missing __array_interface__ typestr or shape");
        return NULL;
    }
    PyObject *dspec = PyDict_GetItemString(iface, "descr");
    if (dspec != NULL && PyList_Check(dspec) && PyList_GET_SIZE(dspec) > 0
            && PyUnicode_Check(typestr) && PyUnicode_GET_LENGTH(typestr) > 1
            && PyUnicode_READ_CHAR(typestr, 1) == 'V') {
        PyObject *first = PyList_GET_ITEM(dspec, 0);
        if (PyTuple_Check(first) && PyTuple_GET_SIZE(first) >= 2
                && PyUnicode_Check(PyTuple_GET_ITEM(first, 0))
                && PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(first, 0)) > 0) {
            descr = ndm_dtype_from_object(dspec);
        }
    }
    if (descr == NULL) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        descr = ndm_dtype_from_object(typestr);
        if (descr == NULL) {
            return NULL;
        }
    }
    nd = (int)PyTuple_GET_SIZE(shp);
    if (nd > NDM_MAXDIMS) {
        PyErr_SetString(PyExc_ValueError, "__array_interface__ shape has too many dimensions");
        goto fail;
    }
    for (int i = 0; i < nd; i++) {
        shape[i] = PyNumber_AsSsize_t(PyTuple_GET_ITEM(shp, i), PyExc_OverflowError);
        if (shape[i] == -1 && PyErr_Occurred()) {
            goto fail;
        }
    }
    PyObject *dat = PyDict_GetItemString(iface, "data");
    if (dat != NULL && PyTuple_Check(dat)) {
        if (PyTuple_GET_SIZE(dat) != 2) {
            PyErr_SetString(PyExc_TypeError, "__array_interface__ data must be a 2-tuple with "
                            "(data pointer integer, read-only flag)");
            goto fail;
        }
        data = PyLong_AsVoidPtr(PyTuple_GET_ITEM(dat, 0));
        if (data == NULL && PyErr_Occurred()) {
            goto fail;
        }
        readonly = PyObject_IsTrue(PyTuple_GET_ITEM(dat, 1));
        if (readonly < 0) {
            goto fail;
        }
        /* A NULL pointer may only describe an empty array: the elements
         * would otherwise land in the 16-byte empty_data below. */
        int empty = 0;
        for (int i = 0; i < nd; i++) {
            empty |= shape[i] == 0;
        }
        if (data == NULL && !empty) {
            PyErr_SetString(PyExc_ValueError,
                            "data is NULL but array contains data, in older versions of "
                            "NumPy this may have used the scalar path.  To get the scalar "
                            "path you must leave the data field undefined.");
            goto fail;
        }
        Py_INCREF(obj);
        base = obj;
    }
    else {
        PyObject *src = (dat == NULL || dat == Py_None) ? obj : dat;
        Py_ssize_t len;
        base = ndm_buffer_acquire(src, 0, &data, &len, &readonly, NULL);
        if (base == NULL) {
            goto fail;
        }
    }
    PyObject *off = PyDict_GetItemString(iface, "offset");
    if (off != NULL) {
        Py_ssize_t o = PyNumber_AsSsize_t(off, PyExc_OverflowError);
        if (o == -1 && PyErr_Occurred()) {
            goto fail;
        }
        data += o;
    }
    PyObject *str = PyDict_GetItemString(iface, "strides");
    if (str != NULL && str != Py_None) {
        if (!PyTuple_Check(str) || PyTuple_GET_SIZE(str) != nd) {
            PyErr_SetString(PyExc_ValueError, "strides must be a tuple of the same length as shape");
            goto fail;
        }
        for (int i = 0; i < nd; i++) {
            strides[i] = PyNumber_AsSsize_t(PyTuple_GET_ITEM(str, i), PyExc_OverflowError);
            if (strides[i] == -1 && PyErr_Occurred()) {
                goto fail;
            }
        }
    }
    else {
        Py_ssize_t sd = descr->itemsize;
        for (int i = nd - 1; i >= 0; i--) {
            strides[i] = sd;
            sd *= shape[i] ? shape[i] : 1;   /* NumPy's _array_fill_strides */
        }
    }
    static char empty_data[16];
    result = ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, strides,
                           data ? data : empty_data, readonly ? 0 : NDM_WRITEABLE, base);
    descr = NULL;
fail:
    Py_XDECREF(descr);
    Py_XDECREF(base);
    return result;
}

/* An array for an array-like obj (buffer exporter other than str/bytes,
 * __array_interface__, __array__), else NULL without an exception. */
static PyObject *
arraylike_leaf(PyObject *obj)
{
    if (PyUnicode_Check(obj) || PyBytes_Check(obj) || PyList_CheckExact(obj)
            || PyTuple_CheckExact(obj) || PyDict_CheckExact(obj) || PyRange_Check(obj)) {
        return NULL;
    }
    if (PyObject_CheckBuffer(obj)) {
        return ndm_buffer_as_array(obj);
    }
    PyObject *iface = PyObject_GetAttrString(obj, "__array_interface__");
    if (iface != NULL) {
        PyObject *r = from_interface(obj, iface);
        Py_DECREF(iface);
        return r;
    }
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
        return NULL;
    }
    PyErr_Clear();
    PyObject *meth = PyObject_GetAttrString(obj, "__array__");
    if (meth == NULL) {
        if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            PyErr_Clear();
        }
        return NULL;
    }
    PyObject *r = PyObject_CallNoArgs(meth);
    Py_DECREF(meth);
    if (r == NULL) {
        return NULL;
    }
    if (NdmArray_Check(r)) {
        return r;
    }
    if (!PyUnicode_Check(r) && !PyBytes_Check(r) && PyObject_CheckBuffer(r)) {
        PyObject *a = ndm_buffer_as_array(r);
        Py_DECREF(r);
        return a;
    }
    Py_DECREF(r);
    PyErr_SetString(PyExc_ValueError, "object __array__ method not producing an array");
    return NULL;
}

static int
discover(PyObject *obj, int curr, int max_nd, Py_ssize_t *out_shape, Disc *d)
{
    if (is_python_scalar(obj) || (d->tuple_leaf && PyTuple_Check(obj))) {
        if (update_shape(curr, &max_nd, out_shape, 0, NULL, 0, d) < 0) {
            d->ragged = 1;
            return max_nd;
        }
        return disc_scalar(obj, d) < 0 ? -1 : max_nd;
    }
    if (NdmArray_Check(obj)) {
        return disc_array((NdmArray *)obj, curr, max_nd, out_shape, d);
    }
    PyObject *leaf = arraylike_leaf(obj);
    if (leaf != NULL) {
        int r = disc_array((NdmArray *)leaf, curr, max_nd, out_shape, d);
        Py_DECREF(leaf);
        return r;
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    if (!PySequence_Check(obj) || PySequence_Size(obj) < 0) {
        PyErr_Clear();
        if (update_shape(curr, &max_nd, out_shape, 0, NULL, 0, d) < 0) {
            d->ragged = 1;
            return max_nd;
        }
        return disc_scalar(obj, d) < 0 ? -1 : max_nd;
    }
    PyObject *seq = PySequence_Fast(obj, "expected a sequence");
    if (seq == NULL) {
        return -1;
    }
    Py_ssize_t size = PySequence_Fast_GET_SIZE(seq);
    if (update_shape(curr, &max_nd, out_shape, 1, &size, 1, d) < 0) {
        d->ragged = 1;
        Py_DECREF(seq);
        return max_nd;
    }
    if (size == 0) {
        d->max_reached = 1;
        Py_DECREF(seq);
        return curr + 1;
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    /* fast lane: a flat run of Python floats/ints/bools at the last level */
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *item = items[i];
        if (d->max_reached && curr + 1 == max_nd && !d->want_strlen
                && (PyFloat_CheckExact(item) || PyLong_CheckExact(item))) {
            if (d->discover_dtype && disc_scalar(item, d) < 0) {
                Py_DECREF(seq);
                return -1;
            }
            continue;
        }
        max_nd = discover(item, curr + 1, max_nd, out_shape, d);
        if (max_nd < 0) {
            Py_DECREF(seq);
            return -1;
        }
    }
    Py_DECREF(seq);
    return max_nd;
}

/* ------------------------------------------------------------------ */
/* filling                                                              */

enum { FAST_NONE, FAST_F64, FAST_I64, FAST_BOOL };

static int
fast_kind(NdmDtype *d)
{
    if (!ndm_dtype_isnative(d) || ndm_dtype_is_structured(d)) {
        return FAST_NONE;
    }
    switch (d->type_num) {
        case NDM_FLOAT64: return FAST_F64;
        case NDM_INT64: return FAST_I64;
        case NDM_BOOL: return FAST_BOOL;
        default: return FAST_NONE;
    }
}

static int
set_leaf(NdmDtype *descr, int fast, char *ptr, PyObject *item)
{
    if (fast == FAST_F64) {
        if (PyFloat_CheckExact(item)) {
            double v = PyFloat_AS_DOUBLE(item);
            memcpy(ptr, &v, sizeof(v));
            return 0;
        }
        if (PyLong_CheckExact(item)) {
            double v = PyLong_AsDouble(item);
            if (v == -1.0 && PyErr_Occurred()) {
                return -1;
            }
            memcpy(ptr, &v, sizeof(v));
            return 0;
        }
    }
    else if (fast == FAST_I64) {
        if (PyLong_CheckExact(item)) {
            int overflow;
            long long v = PyLong_AsLongLongAndOverflow(item, &overflow);
            if (!overflow && !(v == -1 && PyErr_Occurred())) {
                int64_t w = (int64_t)v;
                memcpy(ptr, &w, sizeof(w));
                return 0;
            }
            PyErr_Clear();
        }
    }
    else if (fast == FAST_BOOL) {
        if (item == Py_True || item == Py_False) {
            *ptr = item == Py_True;
            return 0;
        }
    }
    if (NdmArray_Check(item)) {
        NdmArray *a = (NdmArray *)item;
        return copy_strided(ptr, NULL, descr, a->data, NULL, a->descr, 0, NULL);
    }
    return ndm_dtype_setitem(descr, ptr, item);
}

static int
fill(PyObject *obj, int depth, NdmArray *arr, char *ptr, int fast)
{
    int nd = arr->nd;
    if (NdmArray_Check(obj)) {
        NdmArray *a = (NdmArray *)obj;
        return copy_strided(ptr, arr->strides + depth, arr->descr,
                            a->data, a->strides, a->descr, a->nd, a->shape);
    }
    if (depth == nd) {
        return set_leaf(arr->descr, fast, ptr, obj);
    }
    if (!is_python_scalar(obj)) {
        PyObject *leaf = arraylike_leaf(obj);
        if (leaf != NULL) {
            NdmArray *a = (NdmArray *)leaf;
            int rc = copy_strided(ptr, arr->strides + depth, arr->descr,
                                  a->data, a->strides, a->descr, a->nd, a->shape);
            Py_DECREF(leaf);
            return rc;
        }
        if (PyErr_Occurred()) {
            return -1;
        }
    }
    PyObject *seq = PySequence_Fast(obj, "expected a sequence");
    if (seq == NULL) {
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n != arr->shape[depth]) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError,
                        "setting an array element with a sequence. The sequence changed "
                        "size while the array was created.");
        return -1;
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t stride = arr->strides[depth];
    int rc = 0;
    if (depth == nd - 1) {
        for (Py_ssize_t i = 0; i < n; i++) {
            if (set_leaf(arr->descr, fast, ptr + i * stride, items[i]) < 0) {
                rc = -1;
                break;
            }
        }
    }
    else {
        for (Py_ssize_t i = 0; i < n; i++) {
            if (fill(items[i], depth + 1, arr, ptr + i * stride, fast) < 0) {
                rc = -1;
                break;
            }
        }
    }
    Py_DECREF(seq);
    return rc;
}

static PyObject *
from_nested(PyObject *obj, NdmDtype *dtype, int copy, char order, int ndmin, int ndmax)
{
    Py_ssize_t shape[NDM_MAXDIMS];
    Disc d;
    memset(&d, 0, sizeof(d));
    d.discover_dtype = dtype == NULL;
    d.want_strlen = is_unsized_flexible(dtype);
    d.tuple_leaf = dtype != NULL && ndm_dtype_is_structured(dtype);
    NdmDtype *descr = NULL;
    PyObject *result = NULL;

    int maxdims = ndmax >= 0 ? ndmax : NDM_MAXDIMS;
    int nd = discover(obj, 0, maxdims, shape, &d);
    if (nd < 0) {
        goto fail;
    }
    if (d.ragged) {
        if (nd == maxdims) {
            PyErr_Format(PyExc_ValueError,
                         "setting an array element with a sequence. The requested array "
                         "would exceed the maximum number of dimension of %d.", maxdims);
            goto fail;
        }
        PyObject *t = PyTuple_New(nd);
        if (t == NULL) {
            goto fail;
        }
        for (int i = 0; i < nd; i++) {
            PyObject *v = PyLong_FromSsize_t(shape[i]);
            if (v == NULL) {
                Py_DECREF(t);
                goto fail;
            }
            PyTuple_SET_ITEM(t, i, v);
        }
        PyErr_Format(PyExc_ValueError,
                     "setting an array element with a sequence. The requested array has "
                     "an inhomogeneous shape after %d dimensions. The detected shape was "
                     "%R + inhomogeneous part.", nd, t);
        Py_DECREF(t);
        goto fail;
    }
    if (copy == 0) {
        PyErr_SetString(PyExc_ValueError, COPY_MSG);
        goto fail;
    }
    if (dtype == NULL) {
        if (d.acc != NULL) {
            descr = d.acc;
            d.acc = NULL;
        }
        else {
            descr = builtin_new(NDM_FLOAT64);
        }
    }
    else if (d.want_strlen) {
        descr = sized_flexible(dtype, d.strlen);
    }
    else {
        Py_INCREF(dtype);
        descr = dtype;
    }
    if (descr == NULL) {
        goto fail;
    }
    int fast = fast_kind(descr);
    result = ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, NULL, NULL,
                           (order == 'F' ? NDM_NEW_FORTRAN : 0)
                           | (descr->type_num >= NDM_NNUMERIC ? NDM_NEW_ZEROED : 0), NULL);
    descr = NULL;
    if (result == NULL) {
        goto fail;
    }
    if (ndm_array_size((NdmArray *)result) > 0
            && fill(obj, 0, (NdmArray *)result, ((NdmArray *)result)->data, fast) < 0) {
        Py_CLEAR(result);
        goto fail;
    }
    Py_XDECREF(d.acc);
    return prepend_ones(result, ndmin, order);

fail:
    Py_XDECREF(d.acc);
    Py_XDECREF(descr);
    return NULL;
}

/* np.array / np.asarray / np.asanyarray with every argument. */
static PyObject *
from_any_ex(PyObject *obj, NdmDtype *dtype, int copy, char order, int ndmin, int subok,
            int ndmax)
{
    NdmDtype *sub_base;
    PyObject *sub_shape;
    if (dtype != NULL && ndm_dtype_subarray(dtype, &sub_base, &sub_shape)) {
        /* ndmin counts the subarray's axes: prepend only what they leave */
        int inner_ndmin = ndmin - (int)PyTuple_GET_SIZE(sub_shape);
        PyObject *elements = from_any_ex(obj, sub_base, copy, order,
                                         inner_ndmin > 0 ? inner_ndmin : 0, subok, ndmax);
        if (elements == NULL) {
            return NULL;
        }
        PyObject *spread = ndm_array_to_subarray((NdmArray *)elements, dtype);
        Py_DECREF(elements);
        return spread;
    }
    if (NdmArray_Check(obj)) {
        return from_array((NdmArray *)obj, dtype, copy, order, ndmin, subok);
    }
    if (!is_python_scalar(obj)) {
        PyObject *view = arraylike_leaf(obj);
        if (view != NULL) {
            PyObject *r = from_array((NdmArray *)view, dtype, copy, order, ndmin, 1);
            Py_DECREF(view);
            return r;
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    return from_nested(obj, dtype, copy, order, ndmin, ndmax);
}

static PyObject *
from_any(PyObject *obj, NdmDtype *dtype, int copy, char order, int ndmin, int subok)
{
    return from_any_ex(obj, dtype, copy, order, ndmin, subok, -1);
}

PyObject *
ndm_array_from_any(PyObject *obj, NdmDtype *dtype, int copy, char order, int ndmin)
{
    return from_any(obj, dtype, copy, order ? order : 'K', ndmin, 0);
}

/* ------------------------------------------------------------------ */
/* array, asarray, asanyarray, ascontiguousarray, asfortranarray       */

static PyObject *
py_array(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"object", "dtype", "copy", "order", "subok",
                                        "ndmin", "ndmax", "like"};
    PyObject *a[8];
    NdmDtype *dtype = NULL;
    int copy, subok = 0;
    char order;
    long ndmin = 0;

    if (nargs == 1 && kwnames == NULL) {
        return from_any(args[0], NULL, 1, 'K', 0, 0);
    }
    if (parse_args("array", names, 8, 2, 0, args, nargs, kwnames, a) < 0
            || require_arg("array", "object", 0, a[0]) < 0) {
        return NULL;
    }
    if (conv_copy(a[2], 1, &copy) < 0 || conv_order(a[3], 'K', &order) < 0) {
        return NULL;
    }
    if (a[4] != NULL && (subok = PyObject_IsTrue(a[4])) < 0) {
        return NULL;
    }
    if (a[5] != NULL) {
        ndmin = PyLong_AsLong(a[5]);
        if (ndmin == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (ndmin > NDM_MAXDIMS) {
            PyErr_Format(PyExc_ValueError, "ndmin bigger than allowable number of "
                         "dimensions NPY_MAXDIMS (=%d)", NDM_MAXDIMS);
            return NULL;
        }
    }
    long ndmax = -1;
    if (a[6] != NULL) {
        ndmax = PyLong_AsLong(a[6]);
        if (ndmax == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (ndmax < 0 || ndmax > NDM_MAXDIMS) {
            PyErr_Format(PyExc_ValueError, "ndmax must be in the range [0, NPY_MAXDIMS (%d)] ",
                         NDM_MAXDIMS);
            return NULL;
        }
    }
    if (conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    PyObject *r = from_any_ex(a[0], dtype, copy, order, (int)ndmin, subok, (int)ndmax);
    Py_XDECREF(dtype);
    return r;
}

static PyObject *
asarray_impl(const char *fname, int subok, PyObject *const *args, Py_ssize_t nargs,
             PyObject *kwnames)
{
    static const char *const names[] = {"a", "dtype", "order", "device", "copy", "like"};
    PyObject *a[6];
    NdmDtype *dtype = NULL;
    int copy;
    char order;

    if (nargs == 1 && kwnames == NULL) {
        if (NdmArray_CheckExact(args[0])) {
            Py_INCREF(args[0]);
            return args[0];
        }
        return from_any(args[0], NULL, -1, 'K', 0, subok);
    }
    if (parse_args(fname, names, 6, 3, 0, args, nargs, kwnames, a) < 0
            || require_arg(fname, "a", 0, a[0]) < 0) {
        return NULL;
    }
    if (conv_order(a[2], 'K', &order) < 0 || check_device(a[3]) < 0
            || conv_copy(a[4], -1, &copy) < 0 || conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    PyObject *r = from_any(a[0], dtype, copy, order, 0, subok);
    Py_XDECREF(dtype);
    return r;
}

static PyObject *
py_asarray(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return asarray_impl("asarray", 0, args, nargs, kwnames);
}

static PyObject *
py_asanyarray(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return asarray_impl("asanyarray", 1, args, nargs, kwnames);
}

static PyObject *
ascontig_impl(const char *fname, char order, PyObject *const *args, Py_ssize_t nargs,
              PyObject *kwnames)
{
    static const char *const names[] = {"a", "dtype", "like"};
    PyObject *a[3];
    NdmDtype *dtype = NULL;
    if (parse_args(fname, names, 3, 2, 0, args, nargs, kwnames, a) < 0
            || require_arg(fname, "a", 0, a[0]) < 0 || conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    PyObject *r = from_any(a[0], dtype, -1, order, 1, 0);
    Py_XDECREF(dtype);
    return r;
}

static PyObject *
py_ascontiguousarray(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs,
                     PyObject *kwnames)
{
    return ascontig_impl("ascontiguousarray", 'C', args, nargs, kwnames);
}

static PyObject *
py_asfortranarray(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs,
                  PyObject *kwnames)
{
    return ascontig_impl("asfortranarray", 'F', args, nargs, kwnames);
}

/* ------------------------------------------------------------------ */
/* empty, zeros, ones, full                                             */

enum { INIT_EMPTY, INIT_ZEROS, INIT_ONES, INIT_FULL };

static PyObject *
filled_new(NdmDtype *descr, int nd, const Py_ssize_t *shape, char order, int init)
{
    PyObject *r = ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, NULL, NULL,
                                (order == 'F' ? NDM_NEW_FORTRAN : 0)
                                | (init == INIT_ZEROS || descr->type_num >= NDM_NNUMERIC
                                   ? NDM_NEW_ZEROED : 0), NULL);
    if (r == NULL) {
        return NULL;
    }
    return r;
}

/* ones/full: NumPy's copyto(a, value, casting='unsafe'): the value becomes
 * an array first, then is cast (and broadcast) into every element. */
static int
fill_with(NdmArray *arr, int init, PyObject *value)
{
    PyObject *owned = NULL;
    if (init == INIT_EMPTY || init == INIT_ZEROS) {
        return 0;
    }
    if (init == INIT_ONES) {
        owned = PyLong_FromLong(1);
        if (owned == NULL) {
            return -1;
        }
        value = owned;
    }
    if (PyLong_CheckExact(value)) {
        /* a weak Python int is stored by value: out of range is an
         * OverflowError under any casting (NEP 50) */
        int rc = 0;
        if (ndm_array_size(arr) > 0) {
            memset(arr->data, 0, (size_t)arr->descr->itemsize);
            rc = ndm_dtype_setitem(arr->descr, arr->data, value);
            if (rc == 0) {
                replicate(arr, arr->data);
            }
        }
        Py_XDECREF(owned);
        return rc;
    }
    PyObject *v = from_any(value, NULL, -1, 'K', 0, 1);
    Py_XDECREF(owned);
    if (v == NULL) {
        return -1;
    }
    NdmArray *va = (NdmArray *)v;
    int rc = 0;
    if (va->nd == 0) {
        if (ndm_array_size(arr) > 0) {
            /* cast into the first element, then replicate */
            rc = copy_strided(arr->data, NULL, arr->descr, va->data, NULL, va->descr, 0, NULL);
            if (rc == 0) {
                replicate(arr, arr->data);
            }
        }
    }
    else {
        rc = ndm_array_assign(arr, va, NDM_UNSAFE_CASTING);
    }
    Py_DECREF(v);
    return rc;
}

static PyObject *
creator(const char *fname, int init, PyObject *const *args, Py_ssize_t nargs,
        PyObject *kwnames)
{
    static const char *const names[] = {"shape", "dtype", "order", "device", "like"};
    static const char *const fnames[] = {"shape", "fill_value", "dtype", "order", "device",
                                         "like"};
    PyObject *a[6];
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd;
    char order = 'C';
    NdmDtype *dtype = NULL;
    PyObject *value = NULL;

    if (init == INIT_FULL) {
        if (parse_args(fname, fnames, 6, 4, 0, args, nargs, kwnames, a) < 0
                || require_arg(fname, "shape", 0, a[0]) < 0
                || require_arg(fname, "fill_value", 1, a[1]) < 0) {
            return NULL;
        }
        value = a[1];
        a[1] = a[2];
        a[2] = a[3];
        a[3] = a[4];
    }
    else if (parse_args(fname, names, 5, 3, 0, args, nargs, kwnames, a) < 0
             || require_arg(fname, "shape", 0, a[0]) < 0) {
        return NULL;
    }
    if (conv_shape(a[0], &nd, shape) < 0 || conv_order_cf(a[2], &order) < 0
            || check_device(a[3]) < 0 || conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    if (dtype == NULL) {
        if (init == INIT_FULL) {
            PyObject *v = from_any(value, NULL, -1, 'K', 0, 1);
            if (v == NULL) {
                return NULL;
            }
            dtype = ((NdmArray *)v)->descr;
            Py_INCREF(dtype);
            Py_DECREF(v);
        }
        else {
            dtype = builtin_new(NDM_FLOAT64);
            if (dtype == NULL) {
                return NULL;
            }
        }
    }
    else if (is_unsized_flexible(dtype) && init != INIT_FULL) {
        Py_SETREF(dtype, sized_flexible(dtype, 1));
        if (dtype == NULL) {
            return NULL;
        }
    }
    PyObject *r = filled_new(dtype, nd, shape, order, init);
    if (r == NULL) {
        return NULL;
    }
    if (fill_with((NdmArray *)r, init, value) < 0) {
        Py_DECREF(r);
        return NULL;
    }
    return r;
}

static PyObject *
py_empty(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return creator("empty", INIT_EMPTY, args, nargs, kwnames);
}

static PyObject *
py_zeros(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return creator("zeros", INIT_ZEROS, args, nargs, kwnames);
}

static PyObject *
py_ones(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return creator("ones", INIT_ONES, args, nargs, kwnames);
}

static PyObject *
py_full(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return creator("full", INIT_FULL, args, nargs, kwnames);
}

/* ------------------------------------------------------------------ */
/* *_like                                                               */

static PyObject *
like_impl(const char *fname, int init, PyObject *const *args, Py_ssize_t nargs,
          PyObject *kwnames)
{
    static const char *const names[] = {"prototype", "dtype", "order", "subok", "shape",
                                        "device"};
    static const char *const znames[] = {"a", "dtype", "order", "subok", "shape", "device"};
    static const char *const fnames[] = {"a", "fill_value", "dtype", "order", "subok",
                                         "shape", "device"};
    PyObject *a[7];
    PyObject *value = NULL;
    NdmDtype *dtype = NULL;
    char order;
    int subok = 1;
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = -1;
    PyObject *proto = NULL, *r = NULL;

    if (init == INIT_FULL) {
        if (parse_args(fname, fnames, 7, 6, 0, args, nargs, kwnames, a) < 0
                || require_arg(fname, "a", 0, a[0]) < 0
                || require_arg(fname, "fill_value", 1, a[1]) < 0) {
            return NULL;
        }
        value = a[1];
        for (int i = 1; i < 6; i++) {
            a[i] = a[i + 1];
        }
    }
    else if (init == INIT_EMPTY) {
        if (parse_args(fname, names, 6, 5, 0, args, nargs, kwnames, a) < 0
                || require_arg(fname, "prototype", 0, a[0]) < 0) {
            return NULL;
        }
    }
    else if (parse_args(fname, znames, 6, 5, 0, args, nargs, kwnames, a) < 0
             || require_arg(fname, "a", 0, a[0]) < 0) {
        return NULL;
    }
    if (conv_order(a[2], 'K', &order) < 0 || check_device(a[5]) < 0) {
        return NULL;
    }
    if (a[3] != NULL && (subok = PyObject_IsTrue(a[3])) < 0) {
        return NULL;
    }
    if (a[4] != NULL && a[4] != Py_None && conv_shape(a[4], &nd, shape) < 0) {
        return NULL;
    }
    if (conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    proto = from_any(a[0], NULL, -1, 'K', 0, 1);
    if (proto == NULL) {
        goto done;
    }
    NdmArray *p = (NdmArray *)proto;
    if (dtype == NULL) {
        dtype = p->descr;
        Py_INCREF(dtype);
    }
    else if (is_unsized_flexible(dtype)) {
        Py_SETREF(dtype, sized_flexible(dtype, 1));
        if (dtype == NULL) {
            goto done;
        }
    }
    PyTypeObject *subtype = subok ? Py_TYPE(p) : ndm_state.ndarray_type;
    r = new_like(p, subtype, dtype, order, nd, nd >= 0 ? shape : NULL,
                 init == INIT_ZEROS || dtype->type_num >= NDM_NNUMERIC);
    dtype = NULL;
    if (r != NULL && fill_with((NdmArray *)r, init, value) < 0) {
        Py_CLEAR(r);
    }
done:
    Py_XDECREF(dtype);
    Py_XDECREF(proto);
    return r;
}

static PyObject *
py_empty_like(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return like_impl("empty_like", INIT_EMPTY, args, nargs, kwnames);
}

static PyObject *
py_zeros_like(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return like_impl("zeros_like", INIT_ZEROS, args, nargs, kwnames);
}

static PyObject *
py_ones_like(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return like_impl("ones_like", INIT_ONES, args, nargs, kwnames);
}

static PyObject *
py_full_like(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    return like_impl("full_like", INIT_FULL, args, nargs, kwnames);
}

/* ------------------------------------------------------------------ */
/* arange (NumPy's PyArray_ArangeObj)                                   */

#define INT_FILL(NAME, T)                                          \
    static void fill_##NAME(char *buf, Py_ssize_t length)         \
    {                                                              \
        T *b = (T *)buf;                                           \
        T start = b[0];                                            \
        T delta = (T)(b[1] - start);                               \
        for (Py_ssize_t i = 2; i < length; i++) {                  \
            b[i] = (T)((uint64_t)(int64_t)start                    \
                       + (uint64_t)i * (uint64_t)(int64_t)delta);  \
        }                                                          \
    }

INT_FILL(int8, int8_t)
INT_FILL(uint8, uint8_t)
INT_FILL(int16, int16_t)
INT_FILL(uint16, uint16_t)
INT_FILL(int32, int32_t)
INT_FILL(uint32, uint32_t)
INT_FILL(int64, int64_t)

static void
fill_uint64(char *buf, Py_ssize_t length)
{
    uint64_t *b = (uint64_t *)buf;
    uint64_t start = b[0], delta = b[1] - start;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[i] = start + (uint64_t)i * delta;
    }
}

static void
fill_float32(char *buf, Py_ssize_t length)
{
    float *b = (float *)buf;
    float start = b[0];
    float delta = b[1];
    delta -= start;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[i] = start + (float)i * delta;
    }
}

static void
fill_float64(char *buf, Py_ssize_t length)
{
    double *b = (double *)buf;
    double start = b[0];
    double delta = b[1];
    delta -= start;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[i] = start + (double)i * delta;
    }
}

static void
fill_float16(char *buf, Py_ssize_t length)
{
    ndm_half *b = (ndm_half *)buf;
    float start = ndm_half_to_float(b[0]);
    float delta = ndm_half_to_float(b[1]);
    delta -= start;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[i] = ndm_float_to_half(start + (float)i * delta);
    }
}

static void
fill_complex64(char *buf, Py_ssize_t length)
{
    float *b = (float *)buf;
    float sr = b[0], si = b[1];
    float dr = b[2] - sr, di = b[3] - si;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[2 * i] = sr + (float)i * dr;
        b[2 * i + 1] = si + (float)i * di;
    }
}

static void
fill_complex128(char *buf, Py_ssize_t length)
{
    double *b = (double *)buf;
    double sr = b[0], si = b[1];
    double dr = b[2] - sr, di = b[3] - si;
    for (Py_ssize_t i = 2; i < length; i++) {
        b[2 * i] = sr + (double)i * dr;
        b[2 * i + 1] = si + (double)i * di;
    }
}

static Py_ssize_t
safe_ceil(double value)
{
    double iv = ceil(value);
    if (isnan(iv)) {
        PyErr_SetString(PyExc_ValueError, "arange: cannot compute length");
        return -1;
    }
    if (!((double)PY_SSIZE_T_MIN <= iv && iv <= (double)PY_SSIZE_T_MAX)) {
        PyErr_SetString(PyExc_ValueError, "Maximum allowed size exceeded");
        return -1;
    }
    return (Py_ssize_t)iv;
}

/* NumPy's _calc_length; *next gets start + step when the length is > 0. */
static Py_ssize_t
calc_length(PyObject *start, PyObject *stop, PyObject *step, PyObject **next, int cmplx)
{
    Py_ssize_t len = 0;
    *next = NULL;
    PyObject *diff = PyNumber_Subtract(stop, start);
    if (diff == NULL) {
        if (PyTuple_Check(stop)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError,
                            "arange: scalar arguments expected instead of a tuple.");
        }
        return -1;
    }
    PyObject *zero = PyLong_FromLong(0);
    if (zero == NULL) {
        Py_DECREF(diff);
        return -1;
    }
    int nonzero = PyObject_RichCompareBool(diff, zero, Py_NE);
    PyObject *val = PyNumber_TrueDivide(diff, step);
    Py_DECREF(diff);
    if (nonzero < 0) {
        Py_DECREF(zero);
        Py_XDECREF(val);
        return -1;
    }
    if (!nonzero) {
        Py_DECREF(zero);
        Py_XDECREF(val);
        PyErr_Clear();
        return 0;
    }
    if (val == NULL) {
        Py_DECREF(zero);
        return -1;
    }
    int val_is_zero = PyObject_RichCompareBool(val, zero, Py_EQ);
    Py_DECREF(zero);
    if (val_is_zero < 0) {
        Py_DECREF(val);
        return -1;
    }
    if (cmplx && PyComplex_Check(val)) {
        Py_complex c = PyComplex_AsCComplex(val);
        Py_DECREF(val);
        if (c.real == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        Py_ssize_t l1 = safe_ceil(c.real);
        if (l1 == -1 && PyErr_Occurred()) {
            return -1;
        }
        Py_ssize_t l2 = safe_ceil(c.imag);
        if (l2 == -1 && PyErr_Occurred()) {
            return -1;
        }
        len = l1 < l2 ? l1 : l2;
    }
    else {
        double value = PyFloat_AsDouble(val);
        Py_DECREF(val);
        if (value == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        if (val_is_zero) {
            len = 1;
        }
        else {
            len = safe_ceil(value);
            if (len == -1 && PyErr_Occurred()) {
                return -1;
            }
        }
    }
    if (len > 0) {
        *next = PyNumber_Add(start, step);
        if (*next == NULL) {
            return -1;
        }
    }
    return len;
}

static PyObject *
arange_obj(PyObject *start, PyObject *stop, PyObject *step, NdmDtype *dtype_in)
{
    NdmDtype *dtype = NULL, *native = NULL;
    PyObject *range = NULL, *next = NULL, *result = NULL;
    PyObject *zero = NULL, *one = NULL;

    if ((start != NULL && PyTuple_Check(start)) || (stop != NULL && PyTuple_Check(stop))
            || (step != NULL && PyTuple_Check(step))) {
        PyErr_SetString(PyExc_TypeError, "arange: scalar arguments expected instead of a tuple.");
        return NULL;
    }
    if (dtype_in == NULL) {
        dtype = builtin_new(NDM_INT64);
        PyObject *vals[3] = {start, stop, step};
        for (int i = 0; i < 3 && dtype != NULL; i++) {
            if (vals[i] == NULL || vals[i] == Py_None) {
                continue;
            }
            NdmDtype *t;
            if (NdmArray_Check(vals[i])) {
                t = ((NdmArray *)vals[i])->descr;
                Py_INCREF(t);
            }
            else {
                t = ndm_dtype_discover(vals[i]);
            }
            if (t == NULL) {
                Py_CLEAR(dtype);
                break;
            }
            Py_SETREF(dtype, ndm_dtype_promote(dtype, t));
            Py_DECREF(t);
        }
        if (dtype == NULL) {
            return NULL;
        }
    }
    else {
        dtype = dtype_in;
        Py_INCREF(dtype);
    }
    if (dtype->type_num >= NDM_NNUMERIC) {
        PyErr_Format(PyExc_TypeError,
                     "arange() not supported for inputs with DType <class 'numpy.dtypes.%s'>.",
                     dtype->type_num == NDM_UNICODE ? "StrDType"
                     : dtype->type_num == NDM_BYTES ? "BytesDType" : "VoidDType");
        goto fail;
    }
    if (step == NULL || step == Py_None) {
        one = PyLong_FromLong(1);
        if (one == NULL) {
            goto fail;
        }
        step = one;
    }
    if (stop == NULL || stop == Py_None) {
        stop = start;
        zero = PyLong_FromLong(0);
        if (zero == NULL) {
            goto fail;
        }
        start = zero;
    }
    int cmplx = dtype->type_num == NDM_COMPLEX64 || dtype->type_num == NDM_COMPLEX128;
    Py_ssize_t length = calc_length(start, stop, step, &next, cmplx);
    if (length < 0 && PyErr_Occurred()) {
        goto fail;
    }
    if (length <= 0) {
        length = 0;
        result = ndm_array_new(ndm_state.ndarray_type, dtype, 1, &length, NULL, NULL, 0, NULL);
        dtype = NULL;
        goto done;
    }
    if (dtype->type_num == NDM_BOOL && length > 2) {
        PyErr_SetString(PyExc_TypeError, "arange() is only supported for booleans when the "
                        "result has at most length 2.");
        goto fail;
    }
    native = ndm_dtype_native(dtype);
    if (native == NULL) {
        goto fail;
    }
    Py_INCREF(native);
    range = ndm_array_new(ndm_state.ndarray_type, native, 1, &length, NULL, NULL, 0, NULL);
    if (range == NULL) {
        goto fail;
    }
    char *data = ((NdmArray *)range)->data;
    if (ndm_dtype_setitem(native, data, start) < 0) {
        goto fail;
    }
    if (length > 1 && ndm_dtype_setitem(native, data + native->itemsize, next) < 0) {
        goto fail;
    }
    if (length > 2) {
        switch (native->type_num) {
            case NDM_INT8: fill_int8(data, length); break;
            case NDM_UINT8: fill_uint8(data, length); break;
            case NDM_INT16: fill_int16(data, length); break;
            case NDM_UINT16: fill_uint16(data, length); break;
            case NDM_INT32: fill_int32(data, length); break;
            case NDM_UINT32: fill_uint32(data, length); break;
            case NDM_INT64: fill_int64(data, length); break;
            case NDM_UINT64: fill_uint64(data, length); break;
            case NDM_FLOAT16: fill_float16(data, length); break;
            case NDM_FLOAT32: fill_float32(data, length); break;
            case NDM_FLOAT64: fill_float64(data, length); break;
            case NDM_COMPLEX64: fill_complex64(data, length); break;
            case NDM_COMPLEX128: fill_complex128(data, length); break;
            default:
                PyErr_SetString(PyExc_ValueError, "no fill-function for data-type.");
                goto fail;
        }
    }
    if (native == dtype || ndm_dtype_equiv(native, dtype)) {
        result = range;
        range = NULL;
    }
    else {
        Py_INCREF(dtype);
        result = ndm_array_new(ndm_state.ndarray_type, dtype, 1, &length, NULL, NULL, 0, NULL);
        if (result == NULL || copy_into((NdmArray *)result, (NdmArray *)range) < 0) {
            Py_CLEAR(result);
        }
    }
    goto done;

fail:
    result = NULL;
done:
    Py_XDECREF(native);
    Py_XDECREF(dtype);
    Py_XDECREF(range);
    Py_XDECREF(next);
    Py_XDECREF(zero);
    Py_XDECREF(one);
    return result;
}

static PyObject *
py_arange(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"start", "stop", "step", "dtype", "device", "like"};
    PyObject *a[6];
    NdmDtype *dtype = NULL;

    /* fast path: arange(n) with a small Python int */
    if (nargs == 1 && kwnames == NULL && PyLong_CheckExact(args[0])) {
        int overflow;
        long long n = PyLong_AsLongLongAndOverflow(args[0], &overflow);
        if (!overflow && !(n == -1 && PyErr_Occurred())) {
            Py_ssize_t len = n > 0 ? (Py_ssize_t)n : 0;
            NdmDtype *d = builtin_new(NDM_INT64);
            if (d == NULL) {
                return NULL;
            }
            PyObject *r = ndm_array_new(ndm_state.ndarray_type, d, 1, &len, NULL, NULL, 0, NULL);
            if (r == NULL) {
                return NULL;
            }
            int64_t *p = (int64_t *)((NdmArray *)r)->data;
            for (Py_ssize_t i = 0; i < len; i++) {
                p[i] = i;
            }
            return r;
        }
        PyErr_Clear();
    }
    if (parse_args("arange", names, 6, 4, 0, args, nargs, kwnames, a) < 0) {
        return NULL;
    }
    if (check_device(a[4]) < 0) {
        return NULL;
    }
    PyObject *start = a[0], *stop = a[1], *step = a[2];
    if (stop == NULL) {
        if (start == NULL) {
            PyErr_SetString(PyExc_TypeError, "arange() requires stop to be specified.");
            return NULL;
        }
    }
    else if (start == NULL) {
        start = stop;
        stop = NULL;
    }
    if (conv_dtype(a[3], &dtype) < 0) {
        return NULL;
    }
    PyObject *r = arange_obj(start, stop, step, dtype);
    Py_XDECREF(dtype);
    return r;
}

/* ------------------------------------------------------------------ */
/* linspace (numpy/_core/function_base.py)                              */

/* The value of x after one operation rounded to the computation type. */
static double
lin_round(int t, double x)
{
    switch (t) {
        case NDM_FLOAT32: case NDM_COMPLEX64:
            return (double)(float)x;
        case NDM_FLOAT16:
            return ndm_half_to_double(ndm_float_to_half((float)x));
        default:
            return x;
    }
}

static int
lin_is_weak(PyObject *o)
{
    return (PyFloat_Check(o) || PyLong_Check(o) || PyComplex_Check(o)) && !ndm_scalar_check(o)
           && !NdmArray_Check(o);
}

/* NumPy's _array_converter(start, stop).result_type(ensure_inexact=True). */
static NdmDtype *
lin_result_type(PyObject *start, PyObject *stop, NdmArray *sa, NdmArray *ea)
{
    NdmDtype *strong = NULL;
    int weak_complex = 0;
    PyObject *objs[2] = {start, stop};
    NdmArray *arrs[2] = {sa, ea};
    for (int i = 0; i < 2; i++) {
        if (lin_is_weak(objs[i])) {
            weak_complex |= PyComplex_Check(objs[i]);
            continue;
        }
        NdmDtype *d = arrs[i]->descr;
        if (strong == NULL) {
            Py_INCREF(d);
            strong = d;
        }
        else {
            Py_SETREF(strong, ndm_dtype_promote(strong, d));
            if (strong == NULL) {
                return NULL;
            }
        }
    }
    int t;
    if (strong == NULL) {
        t = weak_complex ? NDM_COMPLEX128 : NDM_FLOAT64;
    }
    else {
        int s = strong->type_num;
        Py_DECREF(strong);
        switch (s) {
            case NDM_FLOAT16: case NDM_FLOAT32:
                t = weak_complex ? NDM_COMPLEX64 : s;
                break;
            case NDM_FLOAT64:
                t = weak_complex ? NDM_COMPLEX128 : s;
                break;
            case NDM_COMPLEX64: case NDM_COMPLEX128:
                t = s;
                break;
            default:
                if (s >= NDM_NNUMERIC) {
                    PyErr_SetString(PyExc_TypeError,
                                    "linspace: start and stop must be numbers");
                    return NULL;
                }
                t = weak_complex ? NDM_COMPLEX128 : NDM_FLOAT64;
        }
    }
    return builtin_new(t);
}

static void
lin_store(int t, char *p, double re, double im)
{
    switch (t) {
        case NDM_FLOAT16: {
            ndm_half h = ndm_float_to_half((float)re);
            memcpy(p, &h, 2);
            break;
        }
        case NDM_FLOAT32: {
            float f = (float)re;
            memcpy(p, &f, 4);
            break;
        }
        case NDM_COMPLEX64: {
            float f[2] = {(float)re, (float)im};
            memcpy(p, f, 8);
            break;
        }
        case NDM_COMPLEX128: {
            double f[2] = {re, im};
            memcpy(p, f, 16);
            break;
        }
        default:
            memcpy(p, &re, 8);
    }
}

/* The common float64 case of the fill below without its per-element type
 * switches: the same i * step + start, each rounded to double. */
static void
lin_fill_float64(double *restrict y, Py_ssize_t num, Py_ssize_t m, const double *work,
                 int endpoint)
{
    for (Py_ssize_t i = 0; i < num; i++) {
        double fi = (double)i;
        for (Py_ssize_t k = 0; k < m; k++) {
            y[i * m + k] = fi * work[8 * k + 6] + work[8 * k];
        }
    }
    if (endpoint && num > 1) {
        for (Py_ssize_t k = 0; k < m; k++) {
            y[(num - 1) * m + k] = work[8 * k + 2];
        }
    }
}

/* Offset of the broadcast element at flat index k of shape (nd, shape)
 * in an operand with its own (ond, oshape) and element stride 16. */
static Py_ssize_t
lin_offset(Py_ssize_t k, int nd, const Py_ssize_t *shape, int ond, const Py_ssize_t *oshape)
{
    Py_ssize_t off = 0, mult = 1;
    for (int i = nd - 1; i >= 0; i--) {
        Py_ssize_t idx = k % shape[i];
        k /= shape[i];
        int oi = i - (nd - ond);
        if (oi >= 0) {
            if (oshape[oi] != 1) {
                off += idx * mult;
            }
            mult *= oshape[oi];
        }
    }
    return off;
}

static PyObject *
py_linspace(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"start", "stop", "num", "endpoint", "retstep",
                                        "dtype", "axis", "device"};
    PyObject *a[8];
    NdmDtype *dtype = NULL, *dt = NULL, *c16 = NULL;
    PyObject *sa = NULL, *ea = NULL, *sc = NULL, *ec = NULL;
    PyObject *y = NULL, *stepobj = NULL, *result = NULL;
    double *work = NULL;
    Py_ssize_t num = 50;
    int endpoint = 1, retstep = 0;
    long axis = 0;

    if (parse_args("linspace", names, 8, 7, 0, args, nargs, kwnames, a) < 0
            || require_arg("linspace", "start", 0, a[0]) < 0
            || require_arg("linspace", "stop", 1, a[1]) < 0 || check_device(a[7]) < 0) {
        return NULL;
    }
    if (a[2] != NULL) {
        PyObject *idx = PyNumber_Index(a[2]);
        if (idx == NULL) {
            return NULL;
        }
        num = PyLong_AsSsize_t(idx);
        Py_DECREF(idx);
        if (num == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (num < 0) {
            PyErr_Format(PyExc_ValueError, "Number of samples, %zd, must be non-negative.", num);
            return NULL;
        }
    }
    if (a[3] != NULL && (endpoint = PyObject_IsTrue(a[3])) < 0) {
        return NULL;
    }
    if (a[4] != NULL && (retstep = PyObject_IsTrue(a[4])) < 0) {
        return NULL;
    }
    if (a[6] != NULL) {
        axis = PyLong_AsLong(a[6]);
        if (axis == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    long axis_raw = axis;
    if (conv_dtype(a[5], &dtype) < 0) {
        return NULL;
    }
    sa = from_any(a[0], NULL, -1, 'K', 0, 1);
    ea = sa ? from_any(a[1], NULL, -1, 'K', 0, 1) : NULL;
    if (ea == NULL) {
        goto fail;
    }
    dt = lin_result_type(a[0], a[1], (NdmArray *)sa, (NdmArray *)ea);
    if (dt == NULL) {
        goto fail;
    }
    int t = dt->type_num;
    int cplx = t == NDM_COMPLEX64 || t == NDM_COMPLEX128;

    /* broadcast the shapes of start and stop */
    NdmArray *s_arr = (NdmArray *)sa, *e_arr = (NdmArray *)ea;
    int bnd = s_arr->nd > e_arr->nd ? s_arr->nd : e_arr->nd;
    Py_ssize_t bshape[NDM_MAXDIMS];
    for (int i = 0; i < bnd; i++) {
        int si = i - (bnd - s_arr->nd), ei = i - (bnd - e_arr->nd);
        Py_ssize_t ds = si >= 0 ? s_arr->shape[si] : 1;
        Py_ssize_t de = ei >= 0 ? e_arr->shape[ei] : 1;
        if (ds != de && ds != 1 && de != 1) {
            PyErr_SetString(PyExc_ValueError,
                            "operands could not be broadcast together (linspace start/stop)");
            goto fail;
        }
        bshape[i] = ds == 1 ? de : ds;
    }
    if (bnd + 1 > NDM_MAXDIMS) {
        PyErr_SetString(PyExc_ValueError, "linspace: too many dimensions");
        goto fail;
    }
    if (axis < 0) {
        axis += bnd + 1;
    }
    if (axis < 0 || axis > bnd) {
        PyErr_Format(PyExc_ValueError, "axis %ld is out of bounds for array of dimension %d",
                     axis_raw, bnd + 1);
        goto fail;
    }
    Py_ssize_t m = 1;
    for (int i = 0; i < bnd; i++) {
        m *= bshape[i];
    }

    /* start and stop as packed complex128, values rounded to the type */
    c16 = builtin_new(NDM_COMPLEX128);
    if (c16 == NULL) {
        goto fail;
    }
    sc = from_array(s_arr, c16, 1, 'C', 0, 0);
    ec = sc ? from_array(e_arr, c16, 1, 'C', 0, 0) : NULL;
    if (ec == NULL) {
        goto fail;
    }
    NdmArray *scA = (NdmArray *)sc, *ecA = (NdmArray *)ec;
    /* work: per broadcast element start, stop, delta, step (re, im each) */
    work = PyMem_Malloc((size_t)(m > 0 ? m : 1) * 8 * sizeof(double));
    if (work == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t div = endpoint ? num - 1 : num;
    double rdiv = lin_round(t, (double)div);
    int any_zero = 0;
    for (Py_ssize_t k = 0; k < m; k++) {
        double *w = work + 8 * k;
        const double *sp = (const double *)scA->data
                           + 2 * lin_offset(k, bnd, bshape, scA->nd, scA->shape);
        const double *ep = (const double *)ecA->data
                           + 2 * lin_offset(k, bnd, bshape, ecA->nd, ecA->shape);
        w[0] = lin_round(t, sp[0]);
        w[1] = cplx ? lin_round(t, sp[1]) : 0.0;
        w[2] = lin_round(t, ep[0]);
        w[3] = cplx ? lin_round(t, ep[1]) : 0.0;
        w[4] = lin_round(t, w[2] - w[0]);
        w[5] = cplx ? lin_round(t, w[3] - w[1]) : 0.0;
        if (div > 0) {
            if (cplx) {
                /* NumPy's complex division by (div + 0j) (Smith) */
                double scl = lin_round(t, 1.0 / rdiv);
                w[6] = lin_round(t, lin_round(t, w[4] + lin_round(t, w[5] * 0.0)) * scl);
                w[7] = lin_round(t, lin_round(t, w[5] - lin_round(t, w[4] * 0.0)) * scl);
                any_zero |= (w[6] == 0 && w[7] == 0);
            }
            else {
                w[6] = lin_round(t, w[4] / rdiv);
                w[7] = 0.0;
                any_zero |= (w[6] == 0);
            }
        }
        else {
            w[6] = w[7] = NAN;
        }
    }

    /* y, shape (num,) + broadcast shape, C order */
    Py_ssize_t yshape[NDM_MAXDIMS];
    yshape[0] = num;
    for (int i = 0; i < bnd; i++) {
        yshape[i + 1] = bshape[i];
    }
    Py_INCREF(dt);
    y = ndm_array_new(ndm_state.ndarray_type, dt, bnd + 1, yshape, NULL, NULL, 0, NULL);
    if (y == NULL) {
        goto fail;
    }
    char *out = ((NdmArray *)y)->data;
    Py_ssize_t isz = dt->itemsize;
    double scl = cplx && div > 0 ? lin_round(t, 1.0 / rdiv) : 0.0;
    if (t == NDM_FLOAT64 && div > 0 && !any_zero)
        lin_fill_float64((double *)(void *)out, num, m, work, endpoint);
    else
    for (Py_ssize_t i = 0; i < num; i++) {
        double fi = lin_round(t, (double)i);
        for (Py_ssize_t k = 0; k < m; k++) {
            const double *w = work + 8 * k;
            double re, im = 0.0;
            if (div > 0 && !any_zero) {
                if (cplx) {
                    re = lin_round(t, lin_round(t, fi * w[6]) - lin_round(t, 0.0 * w[7]));
                    im = lin_round(t, lin_round(t, fi * w[7]) + lin_round(t, 0.0 * w[6]));
                }
                else {
                    re = lin_round(t, fi * w[6]);
                }
            }
            else if (div > 0) {
                if (cplx) {
                    double qr = lin_round(t, lin_round(t, fi + lin_round(t, 0.0 * 0.0)) * scl);
                    double qi = lin_round(t, lin_round(t, 0.0 - lin_round(t, fi * 0.0)) * scl);
                    re = lin_round(t, lin_round(t, qr * w[4]) - lin_round(t, qi * w[5]));
                    im = lin_round(t, lin_round(t, qr * w[5]) + lin_round(t, qi * w[4]));
                }
                else {
                    re = lin_round(t, lin_round(t, fi / rdiv) * w[4]);
                }
            }
            else {
                if (cplx) {
                    re = lin_round(t, lin_round(t, fi * w[4]) - lin_round(t, 0.0 * w[5]));
                    im = lin_round(t, lin_round(t, fi * w[5]) + lin_round(t, 0.0 * w[4]));
                }
                else {
                    re = lin_round(t, fi * w[4]);
                }
            }
            re = lin_round(t, re + w[0]);
            im = cplx ? lin_round(t, im + w[1]) : 0.0;
            if (endpoint && num > 1 && i == num - 1) {
                re = w[2];
                im = w[3];
            }
            lin_store(t, out + (i * m + k) * isz, re, im);
        }
    }

    /* step: a scalar, an array, or NaN when undefined */
    if (retstep) {
        if (div <= 0) {
            stepobj = PyFloat_FromDouble(NAN);
        }
        else if (bnd == 0) {
            char buf[16];
            lin_store(t, buf, work[6], work[7]);
            stepobj = ndm_scalar_from_data(dt, buf, NULL);
        }
        else {
            Py_INCREF(dt);
            stepobj = ndm_array_new(ndm_state.ndarray_type, dt, bnd, bshape, NULL, NULL, 0, NULL);
            if (stepobj != NULL) {
                for (Py_ssize_t k = 0; k < m; k++) {
                    lin_store(t, ((NdmArray *)stepobj)->data + k * isz, work[8 * k + 6],
                              work[8 * k + 7]);
                }
            }
        }
        if (stepobj == NULL) {
            goto fail;
        }
    }

    /* scalar start/stop: NumPy scales arange(num).reshape(-1) in place, so
     * the result is a view of a hidden array */
    if (bnd == 0 && div > 0) {
        NdmArray *ya = (NdmArray *)y;
        Py_INCREF(ya->descr);
        PyObject *v = ndm_array_view(ya, ya->descr, ya->nd, ya->shape, ya->strides, ya->data,
                                     NULL);
        if (v == NULL) {
            goto fail;
        }
        Py_SETREF(y, v);
    }

    /* moveaxis(y, 0, axis): a view */
    if (axis_raw != 0) {
        NdmArray *ya = (NdmArray *)y;
        Py_ssize_t vshape[NDM_MAXDIMS], vstrides[NDM_MAXDIMS];
        int j = 0;
        for (int i = 1; i <= bnd; i++) {
            if (j == axis) {
                vshape[j] = ya->shape[0];
                vstrides[j] = ya->strides[0];
                j++;
            }
            vshape[j] = ya->shape[i];
            vstrides[j] = ya->strides[i];
            j++;
        }
        if (j == axis) {
            vshape[j] = ya->shape[0];
            vstrides[j] = ya->strides[0];
        }
        Py_INCREF(ya->descr);
        PyObject *v = ndm_array_view(ya, ya->descr, ya->nd, vshape, vstrides, ya->data, NULL);
        if (v == NULL) {
            goto fail;
        }
        Py_SETREF(y, v);
    }

    /* astype(dtype, copy=False), flooring first for integer types */
    if (dtype != NULL && !(dtype == dt || ndm_dtype_equiv(dtype, dt))) {
        NdmArray *ya = (NdmArray *)y;
        int k = dtype->kind;
        if ((k == 'i' || k == 'u') && !cplx) {
            /* floor(y, out=y): every element, through the packed owner */
            NdmArray *own = ya->base != NULL ? (NdmArray *)ya->base : ya;
            Py_ssize_t n = ndm_array_size(own);
            for (Py_ssize_t q = 0; q < n; q++) {
                char *p = own->data + q * isz;
                double v;
                if (t == NDM_FLOAT16) {
                    ndm_half h;
                    memcpy(&h, p, 2);
                    v = ndm_half_to_double(h);
                }
                else if (t == NDM_FLOAT32) {
                    float f;
                    memcpy(&f, p, 4);
                    v = f;
                }
                else {
                    memcpy(&v, p, 8);
                }
                lin_store(t, p, floor(v), 0.0);
            }
        }
        Py_INCREF(dtype);
        PyObject *conv = new_like(ya, ndm_state.ndarray_type, dtype, 'K', -1, NULL, 0);
        if (conv == NULL || copy_into((NdmArray *)conv, ya) < 0) {
            Py_XDECREF(conv);
            goto fail;
        }
        Py_SETREF(y, conv);
    }
    if (retstep) {
        result = PyTuple_Pack(2, y, stepobj);
    }
    else {
        result = y;
        Py_INCREF(y);
    }
fail:
    PyMem_Free(work);
    Py_XDECREF(y);
    Py_XDECREF(stepobj);
    Py_XDECREF(sa);
    Py_XDECREF(ea);
    Py_XDECREF(sc);
    Py_XDECREF(ec);
    Py_XDECREF(c16);
    Py_XDECREF(dt);
    Py_XDECREF(dtype);
    return result;
}

/* ------------------------------------------------------------------ */
/* eye, frombuffer                                                      */

static PyObject *
py_eye(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"N", "M", "k", "dtype", "order", "device", "like"};
    PyObject *a[7];
    NdmDtype *dtype = NULL;
    char order;
    Py_ssize_t n, m, k = 0;

    if (parse_args("eye", names, 7, 5, 0, args, nargs, kwnames, a) < 0
            || require_arg("eye", "N", 0, a[0]) < 0) {
        return NULL;
    }
    n = PyNumber_AsSsize_t(a[0], PyExc_OverflowError);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    m = n;
    if (a[1] != NULL && a[1] != Py_None) {
        m = PyNumber_AsSsize_t(a[1], PyExc_OverflowError);
        if (m == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (a[2] != NULL) {
        k = PyNumber_AsSsize_t(a[2], PyExc_OverflowError);
        if (k == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (conv_order_cf(a[4], &order) < 0 || check_device(a[5]) < 0) {
        return NULL;
    }
    if (a[3] == NULL) {
        dtype = builtin_new(NDM_FLOAT64);
        if (dtype == NULL) {
            return NULL;
        }
    }
    else if (conv_dtype(a[3], &dtype) < 0) {
        return NULL;
    }
    else if (dtype == NULL) {
        dtype = builtin_new(NDM_FLOAT64);
        if (dtype == NULL) {
            return NULL;
        }
    }
    Py_ssize_t shape[2] = {n, m};
    PyObject *r = ndm_array_new(ndm_state.ndarray_type, dtype, 2, shape, NULL, NULL,
                                NDM_NEW_ZEROED | (order == 'F' ? NDM_NEW_FORTRAN : 0), NULL);
    if (r == NULL) {
        return NULL;
    }
    NdmArray *arr = (NdmArray *)r;
    if (k >= m || -k >= n || ndm_array_size(arr) == 0) {
        return r;
    }
    Py_ssize_t i0 = k >= 0 ? 0 : -k, j0 = k >= 0 ? k : 0;
    char *first = arr->data + i0 * arr->strides[0] + j0 * arr->strides[1];
    PyObject *one = PyLong_FromLong(1);
    if (one == NULL || ndm_dtype_setitem(arr->descr, first, one) < 0) {
        Py_XDECREF(one);
        Py_DECREF(r);
        return NULL;
    }
    Py_DECREF(one);
    Py_ssize_t step = arr->strides[0] + arr->strides[1];
    for (Py_ssize_t i = i0 + 1, j = j0 + 1; i < n && j < m; i++, j++) {
        memcpy(first + (i - i0) * step, first, (size_t)arr->descr->itemsize);
    }
    return r;
}

static PyObject *
py_frombuffer(PyObject *Py_UNUSED(m), PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[] = {"buffer", "dtype", "count", "offset", "like"};
    PyObject *a[5];
    NdmDtype *dtype = NULL;
    Py_ssize_t count = -1, offset = 0;
    char *data;
    Py_ssize_t len;
    int readonly = 0;

    if (parse_args("frombuffer", names, 5, 4, 0, args, nargs, kwnames, a) < 0
            || require_arg("frombuffer", "buffer", 0, a[0]) < 0) {
        return NULL;
    }
    if (a[2] != NULL) {
        count = PyNumber_AsSsize_t(a[2], PyExc_OverflowError);
        if (count == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (a[3] != NULL) {
        offset = PyNumber_AsSsize_t(a[3], PyExc_OverflowError);
        if (offset == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    if (conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    if (dtype == NULL && (dtype = builtin_new(NDM_FLOAT64)) == NULL) {
        return NULL;
    }
    PyObject *base = ndm_buffer_acquire(a[0], 0, &data, &len, &readonly, NULL);
    if (base == NULL) {
        Py_DECREF(dtype);
        return NULL;
    }
    if (offset < 0 || offset > len) {
        PyErr_Format(PyExc_ValueError,
                     "offset must be non-negative and no greater than buffer length (%zd)", len);
        goto fail;
    }
    data += offset;
    Py_ssize_t s = len - offset;
    Py_ssize_t itemsize = dtype->itemsize;
    Py_ssize_t n = count;
    if (n < 0) {
        if (itemsize == 0) {
            PyErr_SetString(PyExc_ValueError, "cannot determine count if itemsize is 0");
            goto fail;
        }
        if (s % itemsize != 0) {
            PyErr_SetString(PyExc_ValueError, "buffer size must be a multiple of element size");
            goto fail;
        }
        n = s / itemsize;
    }
    else if (itemsize != 0 && n > s / itemsize) {
        PyErr_SetString(PyExc_ValueError, "buffer is smaller than requested size");
        goto fail;
    }
    static char empty_data[16];
    Py_ssize_t stride = itemsize;
    PyObject *r = ndm_array_new(ndm_state.ndarray_type, dtype, 1, &n, &stride,
                                data ? data : empty_data,
                                readonly ? 0 : NDM_WRITEABLE, base);
    Py_DECREF(base);
    return r;

fail:
    Py_DECREF(dtype);
    Py_DECREF(base);
    return NULL;
}

/* ------------------------------------------------------------------ */

#define FASTKW(name, fn, doc) {name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL | METH_KEYWORDS, doc}

static PyMethodDef creation_methods[] = {
    FASTKW("array", py_array,
           "array(object, dtype=None, *, copy=True, order='K', subok=False, ndmin=0, "
           "ndmax=0, like=None)\n\nCreate an array."),
    FASTKW("asarray", py_asarray,
           "asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None)\n\n"
           "Convert the input to an array."),
    FASTKW("asanyarray", py_asanyarray,
           "asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None)\n\n"
           "Convert the input to an ndarray, but pass ndarray subclasses through."),
    FASTKW("ascontiguousarray", py_ascontiguousarray,
           "ascontiguousarray(a, dtype=None, *, like=None)\n\n"
           "Return a contiguous array (ndim >= 1) in memory (C order)."),
    FASTKW("asfortranarray", py_asfortranarray,
           "asfortranarray(a, dtype=None, *, like=None)\n\n"
           "Return an array (ndim >= 1) laid out in Fortran order in memory."),
    FASTKW("empty", py_empty,
           "empty(shape, dtype=None, order='C', *, device=None, like=None)\n\n"
           "Return a new array of given shape and type, without initializing entries."),
    FASTKW("zeros", py_zeros,
           "zeros(shape, dtype=None, order='C', *, device=None, like=None)\n\n"
           "Return a new array of given shape and type, filled with zeros."),
    FASTKW("ones", py_ones,
           "ones(shape, dtype=None, order='C', *, device=None, like=None)\n\n"
           "Return a new array of given shape and type, filled with ones."),
    FASTKW("full", py_full,
           "full(shape, fill_value, dtype=None, order='C', *, device=None, like=None)\n\n"
           "Return a new array of given shape and type, filled with fill_value."),
    FASTKW("empty_like", py_empty_like,
           "empty_like(prototype, /, dtype=None, order='K', subok=True, shape=None, *, "
           "device=None)\n\nReturn a new array with the same shape and type as a given array."),
    FASTKW("zeros_like", py_zeros_like,
           "zeros_like(a, dtype=None, order='K', subok=True, shape=None, *, device=None)\n\n"
           "Return an array of zeros with the same shape and type as a given array."),
    FASTKW("ones_like", py_ones_like,
           "ones_like(a, dtype=None, order='K', subok=True, shape=None, *, device=None)\n\n"
           "Return an array of ones with the same shape and type as a given array."),
    FASTKW("full_like", py_full_like,
           "full_like(a, fill_value, dtype=None, order='K', subok=True, shape=None, *, "
           "device=None)\n\nReturn a full array with the same shape and type as a given array."),
    FASTKW("arange", py_arange,
           "arange([start,] stop[, step,], dtype=None, *, device=None, like=None)\n\n"
           "Return evenly spaced values within a given interval."),
    FASTKW("linspace", py_linspace,
           "linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, "
           "*, device=None)\n\nReturn evenly spaced numbers over a specified interval."),
    FASTKW("eye", py_eye,
           "eye(N, M=None, k=0, dtype=float, order='C', *, device=None, like=None)\n\n"
           "Return a 2-D array with ones on the diagonal and zeros elsewhere."),
    FASTKW("frombuffer", py_frombuffer,
           "frombuffer(buffer, dtype=float, count=-1, offset=0, *, like=None)\n\n"
           "Interpret a buffer as a 1-dimensional array."),
    {NULL, NULL, 0, NULL},
};

int
ndm_creation_init(PyObject *module)
{
    return PyModule_AddFunctions(module, creation_methods);
}
