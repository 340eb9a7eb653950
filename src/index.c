/* a[key] and a[key] = value: parsing the key, basic indexing (views and
 * scalars), fields, and the entry points; advanced indexing (copies) is in
 * index_advanced.c. */
#include "index_internal.h"
#include "iter.h"
#include "scalar.h"

static const char only_msg[] =
    "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) "
    "and integer or boolean arrays are valid indices";

static void
parsed_clear(Parsed *p)
{
    for (int i = 0; i < p->n; i++) {
        Py_CLEAR(p->e[i].arr);
    }
    p->n = 0;
}

int
ndm_index_error_only(void)
{
    PyErr_SetString(PyExc_IndexError, only_msg);
    return -1;
}

/* An integer too big for an index (PyLong_AsSsize_t failed): NumPy turns
 * one in [2**63, 2**64) into a uint64 index that does not fit intp
 * (OverflowError), and anything else into an object, not an index. */
static int
too_big_index(PyObject *obj)
{
    if (!PyErr_ExceptionMatches(PyExc_OverflowError)) {
        return -1;
    }
    PyErr_Clear();
    unsigned long long u = PyLong_AsUnsignedLongLong(obj);
    if (u == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        return ndm_index_error_only();
    }
    PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C long");
    return -1;
}

/* An integer index from any object with __index__; IndexError on overflow. */
static int
index_from_object(PyObject *obj, Py_ssize_t *out)
{
    PyObject *v = PyNumber_Index(obj);
    if (v == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            return ndm_index_error_only();
        }
        return -1;
    }
    Py_ssize_t r = PyLong_AsSsize_t(v);
    if (r == -1 && PyErr_Occurred()) {
        int rc = too_big_index(v);
        Py_DECREF(v);
        return rc;
    }
    Py_DECREF(v);
    *out = r;
    return 0;
}

/* A 0-d array's element as a Python object. */
static PyObject *
zero_d_item(NdmArray *a)
{
    return ndm_dtype_toobject(a->descr, a->data);
}

/* An int64 array with a's values (a itself when it already is one). */
static NdmArray *
as_intp(NdmArray *a)
{
    if (a->descr->type_num == NDM_INT64 && ndm_dtype_isnative(a->descr)) {
        Py_INCREF(a);
        return a;
    }
    NdmDtype *d = ndm_dtype_builtin(NDM_INT64);
    if (d == NULL) {
        return NULL;
    }
    NdmArray *r = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, d, a->nd,
                                            a->shape, NULL, NULL, 0, NULL);
    if (r == NULL) {
        return NULL;
    }
    if (ndm_array_assign(r, a, NDM_UNSAFE_CASTING) < 0) {
        Py_DECREF(r);
        return NULL;
    }
    return r;
}

/* Classify an array used as an index into e (steals arr). from_seq: it
 * came from a Python sequence (an empty one means an empty intp index). */
static int
classify_array(Entry *e, NdmArray *arr, int from_seq)
{
    char kind = arr->descr->kind;
    if (kind == 'b') {
        if (arr->nd == 0) {
            e->kind = IDX_BOOL0;
            e->value = arr->data[0] != 0;
            Py_DECREF(arr);
            return 0;
        }
        e->kind = IDX_BOOLARR;
        e->arr = arr;
        return 0;
    }
    if (kind == 'i' || kind == 'u') {
        if (arr->nd == 0) {
            PyObject *v = zero_d_item(arr);
            Py_DECREF(arr);
            if (v == NULL) {
                return -1;
            }
            int rc = index_from_object(v, &e->value);
            Py_DECREF(v);
            e->kind = IDX_INT;
            return rc;
        }
        e->arr = as_intp(arr);
        Py_DECREF(arr);
        if (e->arr == NULL) {
            return -1;
        }
        e->kind = IDX_FANCY;
        return 0;
    }
    if (from_seq && ndm_array_size(arr) == 0) {
        NdmDtype *d = ndm_dtype_builtin(NDM_INT64);
        if (d == NULL) {
            Py_DECREF(arr);
            return -1;
        }
        e->arr = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, d, arr->nd,
                                           arr->shape, NULL, NULL, 0, NULL);
        Py_DECREF(arr);
        if (e->arr == NULL) {
            return -1;
        }
        e->kind = IDX_FANCY;
        return 0;
    }
    Py_DECREF(arr);
    if (from_seq) {
        return ndm_index_error_only();
    }
    PyErr_SetString(PyExc_IndexError,
                    "arrays used as indices must be of integer (or boolean) type");
    return -1;
}

static int
parse_one(Entry *e, PyObject *obj, Parsed *p)
{
    e->arr = NULL;
    e->slice = NULL;
    e->value = 0;
    if (PyLong_CheckExact(obj)) {
        Py_ssize_t v = PyLong_AsSsize_t(obj);
        if (v == -1 && PyErr_Occurred()) {
            return too_big_index(obj);
        }
        e->kind = IDX_INT;
        e->value = v;
        return 0;
    }
    if (PySlice_Check(obj)) {
        e->kind = IDX_SLICE;
        e->slice = obj;
        p->has_slice = 1;
        return 0;
    }
    if (obj == Py_None) {
        e->kind = IDX_NEWAXIS;
        p->has_newaxis = 1;
        return 0;
    }
    if (obj == Py_Ellipsis) {
        if (p->has_ellipsis) {
            PyErr_SetString(PyExc_IndexError,
                            "an index can only have a single ellipsis ('...')");
            return -1;
        }
        e->kind = IDX_ELLIPSIS;
        p->has_ellipsis = 1;
        return 0;
    }
    if (PyBool_Check(obj)) {
        e->kind = IDX_BOOL0;
        e->value = obj == Py_True;
        p->has_fancy = 1;
        return 0;
    }
    if (NdmArray_Check(obj)) {
        Py_INCREF(obj);
        if (classify_array(e, (NdmArray *)obj, 0) < 0) {
            return -1;
        }
        if (e->kind != IDX_INT) {
            p->has_fancy = 1;
        }
        else {
            p->has_scalar_array = 1;
        }
        return 0;
    }
    if (ndm_scalar_check(obj)) {
        NdmDtype *d = ndm_scalar_get_dtype(obj);
        if (d == NULL) {
            return -1;
        }
        char kind = d->kind;
        const char *data = ndm_scalar_data(obj);
        if (kind == 'b') {
            Py_DECREF(d);
            e->kind = IDX_BOOL0;
            e->value = data != NULL && data[0] != 0;
            p->has_fancy = 1;
            return 0;
        }
        if ((kind == 'i' || kind == 'u') && data != NULL) {
            /* the value in native order, without relying on __index__ */
            PyObject *v = ndm_dtype_toobject(d, data);
            Py_DECREF(d);
            if (v == NULL) {
                return -1;
            }
            e->kind = IDX_INT;
            int rc = index_from_object(v, &e->value);
            Py_DECREF(v);
            return rc;
        }
        Py_DECREF(d);
        if (kind == 'i' || kind == 'u') {
            e->kind = IDX_INT;
            return index_from_object(obj, &e->value);
        }
        return ndm_index_error_only();
    }
    if (PyLong_Check(obj)) {
        e->kind = IDX_INT;
        return index_from_object(obj, &e->value);
    }
    if (PyFloat_Check(obj) || PyComplex_Check(obj) || PyUnicode_Check(obj)
            || PyBytes_Check(obj) || PyDict_Check(obj)) {
        return ndm_index_error_only();
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)
            || (PySequence_Check(obj) && !PyIndex_Check(obj))) {
        NdmArray *arr = (NdmArray *)ndm_array_from_any(obj, NULL, -1, 'K', 0);
        if (arr == NULL) {
            if (PyErr_ExceptionMatches(PyExc_OverflowError)
                    || PyErr_ExceptionMatches(PyExc_TypeError)) {
                /* NumPy makes an object array of it: not an integer index */
                PyErr_Clear();
                return ndm_index_error_only();
            }
            return -1;
        }
        if (classify_array(e, arr, 1) < 0) {
            return -1;
        }
        if (e->kind != IDX_INT) {
            p->has_fancy = 1;
        }
        return 0;
    }
    if (PyIndex_Check(obj)) {
        e->kind = IDX_INT;
        return index_from_object(obj, &e->value);
    }
    /* objects exporting arrays (__array__, buffers) */
    if (PyObject_CheckBuffer(obj) || PyObject_HasAttrString(obj, "__array_interface__")
            || PyObject_HasAttrString(obj, "__array__")) {
        NdmArray *arr = (NdmArray *)ndm_array_from_any(obj, NULL, -1, 'K', 0);
        if (arr == NULL) {
            return -1;
        }
        if (classify_array(e, arr, 0) < 0) {
            return -1;
        }
        if (e->kind != IDX_INT) {
            p->has_fancy = 1;
        }
        return 0;
    }
    return ndm_index_error_only();
}

int
ndm_index_too_many_dims(int nd)
{
    PyErr_Format(PyExc_IndexError,
                 "number of dimensions must be within [0, %d], indexing result would have %d",
                 NDM_MAXDIMS, nd);
    return -1;
}

static int
parse_index(NdmArray *self, PyObject *key, Parsed *p)
{
    p->n = 0;
    p->used = 0;
    p->has_fancy = p->has_ellipsis = p->has_newaxis = p->has_slice = 0;
    p->has_scalar_array = 0;
    if (PyTuple_Check(key)) {
        Py_ssize_t n = PyTuple_GET_SIZE(key);
        if (n > MAX_ENTRIES) {
            PyErr_Format(PyExc_IndexError,
                         "too many indices for array: array is %d-dimensional, but %zd were indexed",
                         self->nd, n);
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            if (parse_one(&p->e[i], PyTuple_GET_ITEM(key, i), p) < 0) {
                p->n = (int)i;
                parsed_clear(p);
                return -1;
            }
            p->n = (int)i + 1;
        }
    }
    else {
        if (parse_one(&p->e[0], key, p) < 0) {
            return -1;
        }
        p->n = 1;
    }
    int used = 0;
    for (int i = 0; i < p->n; i++) {
        switch (p->e[i].kind) {
        case IDX_INT: case IDX_SLICE: case IDX_FANCY:
            used++;
            break;
        case IDX_BOOLARR:
            used += p->e[i].arr->nd;
            break;
        default:
            break;
        }
    }
    if (used > self->nd) {
        PyErr_Format(PyExc_IndexError,
                     "too many indices for array: array is %d-dimensional, but %d were indexed",
                     self->nd, used);
        parsed_clear(p);
        return -1;
    }
    p->used = used;
    int result_nd = self->nd - used;
    for (int i = 0; i < p->n; i++) {
        switch (p->e[i].kind) {
        case IDX_ELLIPSIS:
            p->e[i].value = self->nd - used;
            break;
        case IDX_SLICE: case IDX_NEWAXIS:
            result_nd++;
            break;
        default:
            break;
        }
    }
    if (!p->has_fancy && result_nd > NDM_MAXDIMS) {
        parsed_clear(p);
        return ndm_index_too_many_dims(result_nd);
    }
    return 0;
}

int
ndm_index_out_of_bounds(Py_ssize_t v, int axis, Py_ssize_t size)
{
    PyErr_Format(PyExc_IndexError,
                 "index %zd is out of bounds for axis %d with size %zd",
                 v, axis, size);
    return -1;
}


/* ------------------------------------------------------------------ */
/* basic indexing                                                     */

typedef struct {
    int nd;
    Py_ssize_t shape[NDM_MAXDIMS];
    Py_ssize_t strides[NDM_MAXDIMS];
    char *data;
    int scalar;     /* every dimension taken by an integer */
} Basic;

static int
apply_basic(NdmArray *self, Parsed *p, Basic *b)
{
    int ax = 0, nd = 0;
    char *data = self->data;
    for (int i = 0; i < p->n; i++) {
        Entry *e = &p->e[i];
        switch (e->kind) {
        case IDX_INT: {
            Py_ssize_t v = e->value;
            if (ndm_index_normalize(&v, ax, self->shape[ax]) < 0) {
                return -1;
            }
            data += v * self->strides[ax];
            ax++;
            break;
        }
        case IDX_SLICE: {
            Py_ssize_t start, stop, step;
            if (PySlice_Unpack(e->slice, &start, &stop, &step) < 0) {
                return -1;
            }
            Py_ssize_t len = PySlice_AdjustIndices(self->shape[ax], &start, &stop, step);
            if (nd >= NDM_MAXDIMS) {
                return ndm_index_too_many_dims(nd + 1);
            }
            if (len <= 0) {     /* NumPy: an empty slice points at 0, step 1 */
                len = 0;
                start = 0;
                step = 1;
            }
            b->shape[nd] = len;
            b->strides[nd] = step * self->strides[ax];
            data += start * self->strides[ax];
            nd++;
            ax++;
            break;
        }
        case IDX_NEWAXIS:
            if (nd >= NDM_MAXDIMS) {
                return ndm_index_too_many_dims(nd + 1 + (self->nd - ax));
            }
            b->shape[nd] = 1;
            b->strides[nd] = 0;
            nd++;
            break;
        case IDX_ELLIPSIS:
            for (Py_ssize_t k = 0; k < e->value; k++) {
                if (nd >= NDM_MAXDIMS) {
                    return ndm_index_too_many_dims(nd + (int)(e->value - k));
                }
                b->shape[nd] = self->shape[ax];
                b->strides[nd] = self->strides[ax];
                nd++;
                ax++;
            }
            break;
        default:
            PyErr_SetString(PyExc_SystemError, "advanced index in basic indexing");
            return -1;
        }
    }
    for (; ax < self->nd; ax++) {
        if (nd >= NDM_MAXDIMS) {
            return ndm_index_too_many_dims(nd + self->nd - ax);
        }
        b->shape[nd] = self->shape[ax];
        b->strides[nd] = self->strides[ax];
        nd++;
    }
    b->nd = nd;
    b->data = data;
    b->scalar = !p->has_ellipsis && !p->has_newaxis && !p->has_slice
                && p->used == self->nd;
    return 0;
}

static PyObject *
element(NdmArray *self, const char *ptr)
{
    if (ndm_dtype_is_structured(self->descr)) {
        return ndm_scalar_from_data(self->descr, ptr, (PyObject *)self);
    }
    return ndm_dtype_getitem(self->descr, ptr);
}

static PyObject *
basic_view(NdmArray *self, Basic *b)
{
    Py_INCREF(self->descr);
    return ndm_array_view(self, self->descr, b->nd, b->shape, b->strides,
                          b->data, NULL);
}

/* ------------------------------------------------------------------ */
/* fields                                                             */

static PyObject *
field_view(NdmArray *self, PyObject *name)
{
    PyObject *info = PyDict_GetItemWithError(self->descr->fields, name);
    if (info == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_ValueError, "no field of name %U", name);
        }
        return NULL;
    }
    if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) < 2
            || !NdmDtype_Check(PyTuple_GET_ITEM(info, 0))) {
        PyErr_SetString(PyExc_SystemError, "malformed fields of a structured dtype");
        return NULL;
    }
    NdmDtype *fd = (NdmDtype *)PyTuple_GET_ITEM(info, 0);
    Py_ssize_t offset = PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 1));
    if (offset == -1 && PyErr_Occurred()) {
        return NULL;
    }
    NdmDtype *sub_base;
    PyObject *sub_shape;
    if (!ndm_dtype_subarray(fd, &sub_base, &sub_shape)) {
        Py_INCREF(fd);
        return ndm_array_view(self, fd, self->nd, self->shape, self->strides,
                              self->data + offset, NULL);
    }
    /* a subarray field: its shape is appended, C-contiguous in the item */
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];
    Py_ssize_t nsub = PyTuple_GET_SIZE(sub_shape);
    if (self->nd + nsub > NDM_MAXDIMS) {
        return PyErr_Format(PyExc_ValueError,
                            "number of dimensions must be within [0, %d]", NDM_MAXDIMS), NULL;
    }
    for (int i = 0; i < self->nd; i++) {
        shape[i] = self->shape[i];
        strides[i] = self->strides[i];
    }
    Py_ssize_t step = sub_base->itemsize;
    for (Py_ssize_t k = nsub - 1; k >= 0; k--) {
        Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(sub_shape, k));
        if (n == -1 && PyErr_Occurred()) {
            return NULL;
        }
        shape[self->nd + k] = n;
        strides[self->nd + k] = step;
        step *= n;
    }
    Py_INCREF(sub_base);
    return ndm_array_view(self, sub_base, self->nd + (int)nsub, shape, strides,
                          self->data + offset, NULL);
}

static int
is_name_list(PyObject *key)
{
    if (!PyList_Check(key) || PyList_GET_SIZE(key) == 0) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(key); i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(key, i))) {
            return 0;
        }
    }
    return 1;
}

/* a[['f1', 'f2']]: a view whose dtype keeps those fields at their offsets. */
static PyObject *
multi_field_view(NdmArray *self, PyObject *names)
{
    PyObject *spec = NULL, *nl = NULL, *fl = NULL, *ol = NULL, *res = NULL;
    Py_ssize_t n = PyList_GET_SIZE(names);
    nl = PyList_New(n);
    fl = PyList_New(n);
    ol = PyList_New(n);
    if (nl == NULL || fl == NULL || ol == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        PyObject *info = PyDict_GetItemWithError(self->descr->fields, name);
        if (info == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_SetObject(PyExc_KeyError, name);
            }
            goto done;
        }
        for (Py_ssize_t j = 0; j < i; j++) {
            int eq = PyObject_RichCompareBool(PyList_GET_ITEM(names, j), name, Py_EQ);
            if (eq < 0) {
                goto done;
            }
            if (eq) {
                PyErr_Format(PyExc_ValueError, "duplicate field of name %R", name);
                goto done;
            }
        }
        Py_INCREF(name);
        PyList_SET_ITEM(nl, i, name);
        Py_INCREF(PyTuple_GET_ITEM(info, 0));
        PyList_SET_ITEM(fl, i, PyTuple_GET_ITEM(info, 0));
        Py_INCREF(PyTuple_GET_ITEM(info, 1));
        PyList_SET_ITEM(ol, i, PyTuple_GET_ITEM(info, 1));
    }
    spec = Py_BuildValue("{sOsOsOsn}", "names", nl, "formats", fl, "offsets", ol,
                         "itemsize", self->descr->itemsize);
    if (spec == NULL) {
        goto done;
    }
    NdmDtype *d = ndm_dtype_from_object(spec);
    if (d == NULL) {
        goto done;
    }
    res = ndm_array_view(self, d, self->nd, self->shape, self->strides,
                         self->data, NULL);
done:
    Py_XDECREF(spec);
    Py_XDECREF(nl);
    Py_XDECREF(fl);
    Py_XDECREF(ol);
    return res;
}

/* ------------------------------------------------------------------ */
/* entry points                                                       */

/* NumPy's copy in KEEPORDER (PyArray_NewLikeArray): C or F layout when the
 * view has it, else axes by decreasing |stride|. */
static PyObject *
copy_keep_order(NdmArray *self, Basic *b)
{
    Py_ssize_t itemsize = self->descr->itemsize;
    Py_ssize_t strides[NDM_MAXDIMS];
    int perm[NDM_MAXDIMS];
    int nd = b->nd;
    int flags = 0;
    Py_INCREF(self->descr);
    NdmArray *view = (NdmArray *)ndm_array_view(self, self->descr, nd, b->shape,
                                                b->strides, b->data,
                                                ndm_state.ndarray_type);
    if (view == NULL) {
        return NULL;
    }
    const Py_ssize_t *use = NULL;
    if (view->flags & NDM_C_CONTIGUOUS) {
        use = NULL;
    }
    else if (view->flags & NDM_F_CONTIGUOUS) {
        flags = NDM_NEW_FORTRAN;
    }
    else {
        for (int d = 0; d < nd; d++) {
            int q = d;
            Py_ssize_t sd = b->strides[d] < 0 ? -b->strides[d] : b->strides[d];
            while (q > 0) {
                Py_ssize_t sp = b->strides[perm[q - 1]];
                if (sp < 0) {
                    sp = -sp;
                }
                if (sp >= sd) {
                    break;
                }
                perm[q] = perm[q - 1];
                q--;
            }
            perm[q] = d;
        }
        Py_ssize_t step = itemsize;
        for (int q = nd - 1; q >= 0; q--) {
            strides[perm[q]] = step;
            step *= b->shape[perm[q]];
        }
        if (ndm_array_size(view) > 0) {
            use = strides;
        }
    }
    Py_INCREF(self->descr);
    NdmArray *r = (NdmArray *)ndm_array_new(Py_TYPE(self), self->descr, nd, b->shape,
                                            use, NULL, flags, (PyObject *)self);
    if (r == NULL || ndm_array_assign(r, view, NDM_UNSAFE_CASTING) < 0) {
        Py_XDECREF(r);
        Py_DECREF(view);
        return NULL;
    }
    Py_DECREF(view);
    return (PyObject *)r;
}

/* a[i, j, ...] with exactly nd plain ints: the element pointer.  Returns
 * 1 with *ptr set, 0 when the key is not of that form, -1 on error. */
static int
int_tuple_ptr(NdmArray *self, PyObject *key, char **ptr)
{
    Py_ssize_t n = PyTuple_GET_SIZE(key);
    if (n != self->nd || n == 0) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyLong_CheckExact(PyTuple_GET_ITEM(key, i))) {
            return 0;
        }
    }
    /* every integer is converted before any bound is checked, as NumPy */
    Py_ssize_t vals[NDM_MAXDIMS];
    for (Py_ssize_t i = 0; i < n; i++) {
        vals[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(key, i));
        if (vals[i] == -1 && PyErr_Occurred()) {
            return too_big_index(PyTuple_GET_ITEM(key, i));
        }
    }
    char *p = self->data;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (ndm_index_normalize(&vals[i], (int)i, self->shape[i]) < 0) {
            return -1;
        }
        p += vals[i] * self->strides[i];
    }
    *ptr = p;
    return 1;
}

PyObject *
ndm_index_item(NdmArray *self, Py_ssize_t v)
{
    if (self->nd == 0) {
        PyErr_SetString(PyExc_IndexError,
                        "too many indices for array: array is 0-dimensional, but 1 were indexed");
        return NULL;
    }
    if (ndm_index_normalize(&v, 0, self->shape[0]) < 0) {
        return NULL;
    }
    char *ptr = self->data + v * self->strides[0];
    if (self->nd == 1) {
        return element(self, ptr);
    }
    Py_INCREF(self->descr);
    return ndm_array_view(self, self->descr, self->nd - 1, self->shape + 1,
                          self->strides + 1, ptr, NULL);
}

PyObject *
ndm_index_get(NdmArray *self, PyObject *key)
{
    /* fast path: one integer */
    if (PyLong_CheckExact(key)) {
        Py_ssize_t v = PyLong_AsSsize_t(key);
        if (v == -1 && PyErr_Occurred()) {
            too_big_index(key);
            return NULL;
        }
        return ndm_index_item(self, v);
    }
    if (PyTuple_CheckExact(key)) {
        char *ptr;
        int r = int_tuple_ptr(self, key, &ptr);
        if (r < 0) {
            return NULL;
        }
        if (r > 0) {
            return element(self, ptr);
        }
    }
    if (key == Py_Ellipsis) {
        Py_INCREF(self->descr);
        return ndm_array_view(self, self->descr, self->nd, self->shape,
                              self->strides, self->data, NULL);
    }
    if (PyUnicode_Check(key)) {
        if (ndm_dtype_is_structured(self->descr)) {
            return field_view(self, key);
        }
        ndm_index_error_only();
        return NULL;
    }
    if (ndm_dtype_is_structured(self->descr) && is_name_list(key)) {
        return multi_field_view(self, key);
    }

    Parsed p;
    if (parse_index(self, key, &p) < 0) {
        return NULL;
    }
    PyObject *res = NULL;
    if (!p.has_fancy) {
        Basic b;
        if (apply_basic(self, &p, &b) == 0) {
            if (b.scalar) {
                res = element(self, b.data);
            }
            else if (p.has_scalar_array) {
                /* NumPy: a 0-d integer array makes it advanced: a copy */
                res = copy_keep_order(self, &b);
            }
            else {
                res = basic_view(self, &b);
            }
        }
    }
    else {
        res = ndm_index_advanced_get(self, &p);
    }
    parsed_clear(&p);
    return res;
}

/* a[i] = value for one element at ptr. */
static int
set_element(NdmArray *self, char *ptr, PyObject *value)
{
    if (!NdmArray_Check(value)) {
        /* as NumPy's PyArray_Pack: the dtype decides (a list into an int
         * array is a TypeError, into a float array a ValueError) */
        return ndm_dtype_setitem(self->descr, ptr, value);
    }
    NdmArray *arr = (NdmArray *)value;
    if (arr->nd != 0) {
        /* NumPy's per-dtype setitem: complex calls complex(arr), bool takes
         * the truth of a one-element array, strings refuse sequences */
        if (self->descr->kind == 'c') {
            PyErr_SetString(PyExc_TypeError,
                            "only 0-dimensional arrays can be converted to Python scalars");
            return -1;
        }
        if (self->descr->kind != 'b' || ndm_array_size(arr) != 1) {
            /* the string setitems word it without the full stop */
            int text = self->descr->kind == 'U' || self->descr->kind == 'S';
            PyErr_SetString(PyExc_ValueError, text ? "setting an array element with a sequence"
                                                   : "setting an array element with a sequence.");
            return -1;
        }
        Py_INCREF(arr->descr);
        arr = (NdmArray *)ndm_array_view(arr, arr->descr, 0, NULL, NULL, arr->data,
                                         ndm_state.ndarray_type);
        if (arr == NULL) {
            return -1;
        }
    }
    else {
        Py_INCREF(arr);
    }
    Py_INCREF(self->descr);
    NdmArray *view = (NdmArray *)ndm_array_view(self, self->descr, 0, NULL, NULL,
                                                ptr, ndm_state.ndarray_type);
    if (view == NULL) {
        Py_DECREF(arr);
        return -1;
    }
    int rc = ndm_array_assign(view, arr, NDM_UNSAFE_CASTING);
    Py_DECREF(view);
    Py_DECREF(arr);
    return rc;
}

/* Assign to a basic view of self without making a view object: the
 * assignment code only reads the geometry, dtype and flags of its
 * destination, so a stack descriptor stands in for it (no allocation, no
 * view registration, no __array_finalize__). */
static int
assign_basic(NdmArray *self, Basic *b, PyObject *value)
{
    NdmArray view;
    memset(&view, 0, sizeof(view));
    Py_SET_REFCNT((PyObject *)&view, 1);
    Py_SET_TYPE((PyObject *)&view, ndm_state.ndarray_type);
    view.data = b->data;
    view.nd = b->nd;
    view.shape = b->shape;
    view.strides = b->strides;
    view.descr = self->descr;
    view.flags = self->flags & NDM_WRITEABLE;
    ndm_array_update_flags(&view);
    if ((PyList_Check(value) || PyTuple_Check(value))
            && !ndm_is_scalar_value(self->descr, value)) {
        /* NumPy discovers a nested sequence only as deep as the
         * destination (PyArray_CopyObject) */
        if (ndm_array_fail_unless_writeable(&view) < 0) {
            return -1;
        }
        NdmArray *arr = (NdmArray *)ndm_array_from_any(value, self->descr, -1, 'K', 0);
        if (arr == NULL) {
            return -1;
        }
        int rc = -1;
        if (arr->nd > b->nd) {
            PyErr_Format(PyExc_ValueError,
                         "setting an array element with a sequence. The requested "
                         "array would exceed the maximum number of dimension of %d.",
                         b->nd);
        }
        else {
            rc = ndm_array_assign(&view, arr, NDM_UNSAFE_CASTING);
        }
        Py_DECREF(arr);
        return rc;
    }
    return ndm_array_assign_object(&view, value);
}

int
ndm_index_set(NdmArray *self, PyObject *key, PyObject *value)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_ValueError, "cannot delete array elements");
        return -1;
    }
    if (ndm_array_fail_unless_writeable(self) < 0) {
        return -1;
    }
    if (PyLong_CheckExact(key) && self->nd >= 1) {
        Py_ssize_t v = PyLong_AsSsize_t(key);
        if (v == -1 && PyErr_Occurred()) {
            return too_big_index(key);
        }
        if (ndm_index_normalize(&v, 0, self->shape[0]) < 0) {
            return -1;
        }
        char *ptr = self->data + v * self->strides[0];
        if (self->nd == 1) {
            return set_element(self, ptr, value);
        }
        Basic b;
        b.nd = self->nd - 1;
        for (int i = 0; i < b.nd; i++) {
            b.shape[i] = self->shape[i + 1];
            b.strides[i] = self->strides[i + 1];
        }
        b.data = ptr;
        return assign_basic(self, &b, value);
    }
    if (PyTuple_CheckExact(key)) {
        char *ptr;
        int r = int_tuple_ptr(self, key, &ptr);
        if (r < 0) {
            return -1;
        }
        if (r > 0) {
            return set_element(self, ptr, value);
        }
    }
    if (PyUnicode_Check(key)) {
        if (!ndm_dtype_is_structured(self->descr)) {
            return ndm_index_error_only();
        }
        NdmArray *view = (NdmArray *)field_view(self, key);
        if (view == NULL) {
            return -1;
        }
        int rc = ndm_array_assign_object(view, value);
        Py_DECREF(view);
        return rc;
    }
    if (ndm_dtype_is_structured(self->descr) && is_name_list(key)) {
        NdmArray *view = (NdmArray *)multi_field_view(self, key);
        if (view == NULL) {
            return -1;
        }
        int rc = ndm_array_assign_object(view, value);
        Py_DECREF(view);
        return rc;
    }

    Parsed p;
    if (parse_index(self, key, &p) < 0) {
        return -1;
    }
    int rc = -1;
    if (!p.has_fancy) {
        Basic b;
        if (apply_basic(self, &p, &b) == 0) {
            if (b.scalar) {
                rc = set_element(self, b.data, value);
            }
            else {
                rc = assign_basic(self, &b, value);
            }
        }
    }
    else {
        rc = ndm_index_advanced_set(self, &p, value);
    }
    parsed_clear(&p);
    return rc;
}

int
ndm_index_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
