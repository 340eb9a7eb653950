/* Arrays from data: np.array's engine (ndm_array_from_any) and the module
 * functions array, asarray, asanyarray, ascontiguousarray, asfortranarray.
 * Arrays from a shape or a range are in creation_ranges.c. */
#include "ndarray.h"
#include "scalar.h"
#include "iter.h"
#include "creation_internal.h"

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
NdmDtype *
ndm_creation_builtin_new(int type_num)
{
    NdmDtype *d = builtin(type_num);
    Py_XINCREF(d);
    return d;
}

/* ------------------------------------------------------------------ */
/* argument parsing (vectorcall)                                        */

int
ndm_creation_parse_args(const char *fname, const char *const *names, int n, int maxpos, int posonly,
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

int
ndm_creation_require_arg(const char *fname, const char *name, int pos, PyObject *value)
{
    if (value == NULL) {
        PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %d)",
                     fname, name, pos);
        return -1;
    }
    return 0;
}

/* order: NULL or None gives dflt. */
int
ndm_creation_conv_order(PyObject *o, char dflt, char *out)
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
int
ndm_creation_conv_order_cf(PyObject *o, char *out)
{
    if (ndm_creation_conv_order(o, 'C', out) < 0) {
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
int
ndm_creation_conv_dtype(PyObject *o, NdmDtype **out)
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

int
ndm_creation_check_device(PyObject *o)
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
int
ndm_creation_conv_shape(PyObject *o, int *nd, Py_ssize_t *shape)
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

int
ndm_creation_copy_strided(char *dst, const Py_ssize_t *dstrides, NdmDtype *ddt,
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

int
ndm_creation_copy_into(NdmArray *dst, NdmArray *src)
{
    return ndm_creation_copy_strided(dst->data, dst->strides, dst->descr,
                                     src->data, src->strides, src->descr, src->nd, src->shape);
}

/* The first `done` bytes at base copied over the rest of [base, base + total). */
static void
replicate_by_doubling(char *base, size_t done, size_t total)
{
    while (done < total) {
        size_t chunk = done < total - done ? done : total - done;
        memcpy(base + done, base, chunk);
        done += chunk;
    }
}

/* Fill every element of a freshly allocated (packed) array with the one
 * element at elem (dtype of arr). */
void
ndm_creation_replicate(NdmArray *arr, const char *elem)
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
    int word = itemsize <= 16 && (itemsize & (itemsize - 1)) == 0;
    if (word && total >= 4096 && total < NDM_MMAP_THRESHOLD) {
        /* the fill kernel stores whole words where doubling memcpy reads
         * back all it writes (below a page its set-up costs more than
         * that; past the cache, memcpy's non-temporal stores win); the
         * element is copied out first, as the fill writes over it */
        char value[16];
        memcpy(value, base, (size_t)itemsize);
        (void)ndm_array_fill_raw(arr, value);   /* a fill cannot fail */
        return;
    }
    if (total < ((size_t)1 << 20)) {
        replicate_by_doubling(base, (size_t)itemsize, total);
        return;
    }
    Py_BEGIN_ALLOW_THREADS
    replicate_by_doubling(base, (size_t)itemsize, total);
    Py_END_ALLOW_THREADS
}

/* ------------------------------------------------------------------ */
/* new arrays                                                          */

/* A fresh array shaped like proto (or like shape when nd >= 0), layout per
 * order ('C', 'F', 'A', 'K'), descr stolen. */
PyObject *
ndm_creation_new_like(NdmArray *proto, PyTypeObject *subtype, NdmDtype *descr, char order,
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

int
ndm_creation_is_unsized_flexible(NdmDtype *d)
{
    return d != NULL && d->itemsize == 0 && !ndm_dtype_is_structured(d)
           && (d->type_num == NDM_BYTES || d->type_num == NDM_UNICODE || d->type_num == NDM_VOID);
}

/* Unsized S/U/V target sized for n characters (new reference). */
NdmDtype *
ndm_creation_sized_flexible(NdmDtype *d, Py_ssize_t n)
{
    if (n < 1) {
        n = 1;
    }
    return ndm_dtype_new_flexible(d->type_num, d->type_num == NDM_UNICODE ? 4 * n : n);
}

/* ------------------------------------------------------------------ */
/* from an existing array                                              */

PyObject *
ndm_creation_from_array(NdmArray *a, NdmDtype *dtype, int copy, char order, int ndmin, int subok)
{
    NdmDtype *target;
    PyObject *result = NULL;

    if (dtype == NULL) {
        target = a->descr;
        Py_INCREF(target);
    }
    else if (ndm_creation_is_unsized_flexible(dtype)) {
        if (a->descr->type_num == dtype->type_num) {
            target = a->descr;
            Py_INCREF(target);
        }
        else {
            target = ndm_creation_sized_flexible(dtype, string_length_for(a->descr));
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
        result = ndm_creation_new_like(a, subtype, target, order, -1, NULL, 0);
        if (result == NULL) {
            return NULL;
        }
        if (ndm_creation_copy_into((NdmArray *)result, a) < 0) {
            Py_DECREF(result);
            return NULL;
        }
    }
    if (result == NULL) {
        return NULL;
    }
    return prepend_ones(result, ndmin, order);
}

/* NumPy 2's array_getarray: self (a base-class view for a subclass) when
 * no dtype change and no copy is asked; otherwise a C-order copy, as its
 * PyArray_CastToType makes; copy=False when one is needed is the usual
 * ValueError. */
PyObject *
ndm_creation_dunder_array(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"dtype", "copy", NULL};
    PyObject *dtype_obj = NULL, *copy_obj = NULL;
    NdmDtype *dtype;
    int copy;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O$O:__array__", kwlist,
                                     &dtype_obj, &copy_obj)
            || ndm_creation_conv_dtype(dtype_obj, &dtype) < 0) {
        return NULL;
    }
    if (conv_copy(copy_obj, -1, &copy) < 0) {
        Py_XDECREF(dtype);
        return NULL;
    }
    NdmArray *a = (NdmArray *)self;
    int needs_cast = dtype != NULL && !ndm_dtype_equiv(dtype, a->descr);
    if (needs_cast && copy == 0) {
        Py_DECREF(dtype);
        PyErr_SetString(PyExc_ValueError, COPY_MSG);
        return NULL;
    }
    PyObject *r = copy == 1 || needs_cast
                  ? ndm_creation_from_array(a, dtype, 1, 'C', 0, 0)
                  : ndm_creation_from_array(a, NULL, -1, 'K', 0, 0);
    Py_XDECREF(dtype);
    return r;
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
        return ndm_creation_copy_strided(ptr, NULL, descr, a->data, NULL, a->descr, 0, NULL);
    }
    return ndm_dtype_setitem(descr, ptr, item);
}

static int
fill(PyObject *obj, int depth, NdmArray *arr, char *ptr, int fast)
{
    int nd = arr->nd;
    if (NdmArray_Check(obj)) {
        NdmArray *a = (NdmArray *)obj;
        return ndm_creation_copy_strided(ptr, arr->strides + depth, arr->descr,
                                         a->data, a->strides, a->descr, a->nd, a->shape);
    }
    if (depth == nd) {
        return set_leaf(arr->descr, fast, ptr, obj);
    }
    if (!is_python_scalar(obj)) {
        PyObject *leaf = arraylike_leaf(obj);
        if (leaf != NULL) {
            NdmArray *a = (NdmArray *)leaf;
            int rc = ndm_creation_copy_strided(ptr, arr->strides + depth, arr->descr,
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
    d.want_strlen = ndm_creation_is_unsized_flexible(dtype);
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
            descr = ndm_creation_builtin_new(NDM_FLOAT64);
        }
    }
    else if (d.want_strlen) {
        descr = ndm_creation_sized_flexible(dtype, d.strlen);
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
        return ndm_creation_from_array((NdmArray *)obj, dtype, copy, order, ndmin, subok);
    }
    if (!is_python_scalar(obj)) {
        PyObject *view = arraylike_leaf(obj);
        if (view != NULL) {
            PyObject *r = ndm_creation_from_array((NdmArray *)view, dtype, copy, order, ndmin, 1);
            Py_DECREF(view);
            return r;
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    return from_nested(obj, dtype, copy, order, ndmin, ndmax);
}

PyObject *
ndm_creation_from_any(PyObject *obj, NdmDtype *dtype, int copy, char order, int ndmin, int subok)
{
    return from_any_ex(obj, dtype, copy, order, ndmin, subok, -1);
}

PyObject *
ndm_array_from_any(PyObject *obj, NdmDtype *dtype, int copy, char order, int ndmin)
{
    return ndm_creation_from_any(obj, dtype, copy, order ? order : 'K', ndmin, 0);
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
        return ndm_creation_from_any(args[0], NULL, 1, 'K', 0, 0);
    }
    if (ndm_creation_parse_args("array", names, 8, 2, 0, args, nargs, kwnames, a) < 0
            || ndm_creation_require_arg("array", "object", 0, a[0]) < 0) {
        return NULL;
    }
    if (conv_copy(a[2], 1, &copy) < 0 || ndm_creation_conv_order(a[3], 'K', &order) < 0) {
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
    if (ndm_creation_conv_dtype(a[1], &dtype) < 0) {
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
        return ndm_creation_from_any(args[0], NULL, -1, 'K', 0, subok);
    }
    if (ndm_creation_parse_args(fname, names, 6, 3, 0, args, nargs, kwnames, a) < 0
            || ndm_creation_require_arg(fname, "a", 0, a[0]) < 0) {
        return NULL;
    }
    if (ndm_creation_conv_order(a[2], 'K', &order) < 0 || ndm_creation_check_device(a[3]) < 0
            || conv_copy(a[4], -1, &copy) < 0 || ndm_creation_conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    PyObject *r = ndm_creation_from_any(a[0], dtype, copy, order, 0, subok);
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
    if (ndm_creation_parse_args(fname, names, 3, 2, 0, args, nargs, kwnames, a) < 0
            || ndm_creation_require_arg(fname, "a", 0, a[0]) < 0
            || ndm_creation_conv_dtype(a[1], &dtype) < 0) {
        return NULL;
    }
    PyObject *r = ndm_creation_from_any(a[0], dtype, -1, order, 1, 0);
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
    {NULL, NULL, 0, NULL},
};

int
ndm_creation_init(PyObject *module)
{
    if (PyModule_AddFunctions(module, creation_methods) < 0) {
        return -1;
    }
    return ndm_creation_ranges_init(module);
}
