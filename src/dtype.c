/* ndmem.dtype descriptors: the builtin table, making descriptors, parsing
 * of every NumPy spelling (strings, tuples, lists of fields, dicts:
 * structured, subarray and S/U/V dtypes), byte order and equivalence.  The
 * type's attributes, repr and equality live in dtype_attrs.c, promotion and
 * can_cast in dtype_promote.c, element conversion (getitem/setitem, Python
 * objects) in dtype_convert.c, casting loops in cast.c. */
#include "dtype.h"
#include "scalar.h"
#include "ndarray.h"
#include "dtype_internal.h"
#include <complex.h>
#include <math.h>
#include <stdarg.h>

static NdmDtype *builtins[NDM_NNUMERIC];
static NdmDtype *longlong_dt, *ulonglong_dt;   /* 'q' and 'Q' spellings */
static NdmDtype *unsized[3];                    /* S0, U0, V0 */

const BuiltinInfo ndm_dtype_binfo[NDM_NNUMERIC] = {
    {"bool", 'b', '?', 1, 0},
    {"int8", 'i', 'b', 1, 1},
    {"uint8", 'u', 'B', 1, 2},
    {"int16", 'i', 'h', 2, 3},
    {"uint16", 'u', 'H', 2, 4},
    {"int32", 'i', 'i', 4, 5},
    {"uint32", 'u', 'I', 4, 6},
    {"int64", 'i', 'l', 8, 7},
    {"uint64", 'u', 'L', 8, 8},
    {"float16", 'f', 'e', 2, 23},
    {"float32", 'f', 'f', 4, 11},
    {"float64", 'f', 'd', 8, 12},
    {"complex64", 'c', 'F', 8, 14},
    {"complex128", 'c', 'D', 16, 15},
};

static NdmDtype *
dtype_alloc(void)
{
    PyTypeObject *tp = ndm_state.dtype_type;
    NdmDtype *d = (NdmDtype *)tp->tp_alloc(tp, 0);
    if (d == NULL) {
        return NULL;
    }
    d->hash = -1;
    d->fields = NULL;
    d->names = NULL;
    d->scalar_type = NULL;
    ((DtypeFull *)d)->aligned = 0;
    ((DtypeFull *)d)->sub_base = NULL;
    ((DtypeFull *)d)->sub_shape = NULL;
    return d;
}

void
ndm_dtype_set_scalar_type(NdmDtype *d)
{
    PyTypeObject *st = ndm_scalar_type(d->type_num);
    Py_XINCREF(st);
    Py_XSETREF(d->scalar_type, st);
}

static NdmDtype *
make_numeric(int t, char byteorder, char chr)
{
    NdmDtype *d = dtype_alloc();
    if (d == NULL) {
        return NULL;
    }
    d->type_num = t;
    d->kind = ndm_dtype_binfo[t].kind;
    d->type_char = chr ? chr : ndm_dtype_binfo[t].chr;
    d->itemsize = ndm_dtype_binfo[t].size;
    d->alignment = t >= NDM_COMPLEX64 ? ndm_dtype_binfo[t].size / 2 : ndm_dtype_binfo[t].size;
    d->byteorder = d->itemsize == 1 ? '|' : byteorder;
    if (builtins[t] != NULL && builtins[t]->scalar_type != NULL) {
        d->scalar_type = builtins[t]->scalar_type;
        Py_INCREF(d->scalar_type);
    }
    else {
        ndm_dtype_set_scalar_type(d);
    }
    return d;
}

NdmDtype *
ndm_dtype_builtin(int type_num)
{
    if (type_num < 0 || type_num >= NDM_NNUMERIC || builtins[type_num] == NULL) {
        PyErr_SetString(PyExc_ValueError, "not a builtin numeric type");
        return NULL;
    }
    Py_INCREF(builtins[type_num]);
    return builtins[type_num];
}

NdmDtype *
ndm_dtype_new_flexible(int type_num, Py_ssize_t itemsize)
{
    if (type_num < NDM_BYTES || type_num > NDM_VOID || itemsize < 0) {
        PyErr_SetString(PyExc_ValueError, "bad flexible dtype");
        return NULL;
    }
    if (itemsize == 0 && unsized[type_num - NDM_BYTES] != NULL) {
        if (unsized[type_num - NDM_BYTES]->scalar_type == NULL) {
            ndm_dtype_set_scalar_type(unsized[type_num - NDM_BYTES]);
        }
        Py_INCREF(unsized[type_num - NDM_BYTES]);
        return unsized[type_num - NDM_BYTES];
    }
    NdmDtype *d = dtype_alloc();
    if (d == NULL) {
        return NULL;
    }
    d->type_num = type_num;
    d->kind = type_num == NDM_BYTES ? 'S' : type_num == NDM_UNICODE ? 'U' : 'V';
    d->type_char = d->kind;
    d->itemsize = itemsize;
    d->alignment = type_num == NDM_UNICODE ? 4 : 1;
    d->byteorder = type_num == NDM_UNICODE ? '=' : '|';
    ndm_dtype_set_scalar_type(d);
    return d;
}

/* (base, shape): shape an int or a tuple of ints; () gives base itself.
 * Steals base. */
static NdmDtype *
make_subarray(NdmDtype *base, PyObject *shape_obj)
{
    PyObject *shape;
    if (PyLong_Check(shape_obj)) {
        shape = PyTuple_Pack(1, shape_obj);
    }
    else if (PyTuple_Check(shape_obj) || PyList_Check(shape_obj)) {
        shape = PySequence_Tuple(shape_obj);
    }
    else {
        Py_DECREF(base);
        PyErr_SetString(PyExc_ValueError, "invalid shape in fixed-type tuple.");
        return NULL;
    }
    if (shape == NULL) {
        Py_DECREF(base);
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(shape), count = 1;
    if (n == 0) {
        Py_DECREF(shape);
        return base;
    }
    if (SUB_BASE(base) != NULL) {
        Py_DECREF(shape);
        Py_DECREF(base);
        PyErr_SetString(PyExc_NotImplementedError, "ndmem does not support nested subarray dtypes");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *o = PyTuple_GET_ITEM(shape, i);
        Py_ssize_t v = PyLong_Check(o) ? PyLong_AsSsize_t(o) : -1;
        if (v < 0 || v > ((Py_ssize_t)1 << 31)) {
            Py_DECREF(shape);
            Py_DECREF(base);
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_ValueError, "invalid shape in fixed-type tuple: "
                                "dimension smaller than zero.");
            }
            return NULL;
        }
        PyObject *norm = PyLong_FromSsize_t(v);
        if (norm == NULL) {
            Py_DECREF(shape);
            Py_DECREF(base);
            return NULL;
        }
        PyTuple_SET_ITEM(shape, i, norm);
        Py_DECREF(o);
        count *= v;
    }
    NdmDtype *d = dtype_alloc();
    if (d == NULL) {
        Py_DECREF(shape);
        Py_DECREF(base);
        return NULL;
    }
    d->type_num = NDM_VOID;
    d->kind = 'V';
    d->type_char = 'V';
    d->byteorder = '|';
    d->itemsize = base->itemsize * count;
    d->alignment = base->alignment;
    SUB_BASE(d) = base;
    SUB_SHAPE(d) = shape;
    ndm_dtype_set_scalar_type(d);
    return d;
}

Py_ssize_t
ndm_dtype_sub_count(NdmDtype *d)
{
    Py_ssize_t c = 1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(SUB_SHAPE(d)); i++) {
        c *= PyLong_AsSsize_t(PyTuple_GET_ITEM(SUB_SHAPE(d), i));
    }
    return c;
}

int
ndm_dtype_subarray(NdmDtype *d, NdmDtype **base, PyObject **shape)
{
    if (SUB_BASE(d) == NULL) {
        return 0;
    }
    *base = SUB_BASE(d);
    *shape = SUB_SHAPE(d);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                            */
/* ------------------------------------------------------------------ */

static PyObject *
not_understood(PyObject *spec)
{
    if (PyUnicode_Check(spec) || PyBytes_Check(spec)) {
        PyErr_Format(PyExc_TypeError, "data type %R not understood", spec);
    }
    else {
        PyErr_Format(PyExc_TypeError, "Cannot interpret '%R' as a data type", spec);
    }
    return NULL;
}

typedef struct {
    const char *name;
    int t;
    char chr;
} NameEntry;

static const NameEntry names_table[] = {
    {"bool", NDM_BOOL, 0}, {"bool_", NDM_BOOL, 0}, {"?", NDM_BOOL, 0}, {"b1", NDM_BOOL, 0},
    {"int8", NDM_INT8, 0}, {"i1", NDM_INT8, 0}, {"b", NDM_INT8, 0}, {"byte", NDM_INT8, 0},
    {"uint8", NDM_UINT8, 0}, {"u1", NDM_UINT8, 0}, {"B", NDM_UINT8, 0}, {"ubyte", NDM_UINT8, 0},
    {"int16", NDM_INT16, 0}, {"i2", NDM_INT16, 0}, {"h", NDM_INT16, 0}, {"short", NDM_INT16, 0},
    {"uint16", NDM_UINT16, 0}, {"u2", NDM_UINT16, 0}, {"H", NDM_UINT16, 0}, {"ushort", NDM_UINT16, 0},
    {"int32", NDM_INT32, 0}, {"i4", NDM_INT32, 0}, {"i", NDM_INT32, 0}, {"intc", NDM_INT32, 0},
    {"uint32", NDM_UINT32, 0}, {"u4", NDM_UINT32, 0}, {"I", NDM_UINT32, 0}, {"uintc", NDM_UINT32, 0},
    {"int64", NDM_INT64, 0}, {"i8", NDM_INT64, 0}, {"l", NDM_INT64, 0}, {"long", NDM_INT64, 0},
    {"int", NDM_INT64, 0}, {"int_", NDM_INT64, 0}, {"intp", NDM_INT64, 0}, {"p", NDM_INT64, 0},
    {"q", NDM_INT64, 'q'}, {"longlong", NDM_INT64, 'q'},
    {"uint64", NDM_UINT64, 0}, {"u8", NDM_UINT64, 0}, {"L", NDM_UINT64, 0}, {"ulong", NDM_UINT64, 0},
    {"uint", NDM_UINT64, 0}, {"uintp", NDM_UINT64, 0}, {"P", NDM_UINT64, 0},
    {"Q", NDM_UINT64, 'Q'}, {"ulonglong", NDM_UINT64, 'Q'},
    {"float16", NDM_FLOAT16, 0}, {"f2", NDM_FLOAT16, 0}, {"e", NDM_FLOAT16, 0}, {"half", NDM_FLOAT16, 0},
    {"float32", NDM_FLOAT32, 0}, {"f4", NDM_FLOAT32, 0}, {"f", NDM_FLOAT32, 0}, {"single", NDM_FLOAT32, 0},
    {"float64", NDM_FLOAT64, 0}, {"f8", NDM_FLOAT64, 0}, {"d", NDM_FLOAT64, 0}, {"double", NDM_FLOAT64, 0},
    {"float", NDM_FLOAT64, 0},
    {"complex64", NDM_COMPLEX64, 0}, {"c8", NDM_COMPLEX64, 0}, {"F", NDM_COMPLEX64, 0}, {"csingle", NDM_COMPLEX64, 0},
    {"complex128", NDM_COMPLEX128, 0}, {"c16", NDM_COMPLEX128, 0}, {"D", NDM_COMPLEX128, 0},
    {"cdouble", NDM_COMPLEX128, 0}, {"complex", NDM_COMPLEX128, 0},
    {NULL, 0, 0},
};

static NdmDtype *parse_string(PyObject *spec, const char *s, int align);

/* Byte order of a numeric parsed with prefix c ('\0' when none). */
static char
order_of(char c)
{
#if PY_BIG_ENDIAN
    if (c == '>') return '=';
    if (c == '<') return '<';
#else
    if (c == '<') return '=';
    if (c == '>') return '>';
#endif
    return '=';
}

static NdmDtype *
numeric_with_order(int t, char order, char chr)
{
    if (order == '=' || order == '|' || ndm_dtype_binfo[t].size == 1) {
        NdmDtype *r = chr == 'q' ? longlong_dt : chr == 'Q' ? ulonglong_dt : builtins[t];
        if (r->scalar_type == NULL) {
            ndm_dtype_set_scalar_type(r);
        }
        Py_INCREF(r);
        return r;
    }
    return make_numeric(t, order, chr);
}

static int
parse_size(const char *s, Py_ssize_t *out)
{
    if (*s == '\0') {
        return 0;
    }
    Py_ssize_t n = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > ((Py_ssize_t)1 << 40)) {
            return -1;
        }
        n = n * 10 + (*s - '0');
    }
    *out = n;
    return 1;
}

/* the first ',' outside parentheses, or NULL */
static const char *
top_comma(const char *s)
{
    int depth = 0;
    for (; *s; s++) {
        if (*s == '(') {
            depth++;
        }
        else if (*s == ')') {
            depth--;
        }
        else if (*s == ',' && depth == 0) {
            return s;
        }
    }
    return NULL;
}

static NdmDtype *
parse_comma(PyObject *spec, const char *s, int align)
{
    PyObject *parts = NULL, *names = NULL, *dtypes = NULL;
    NdmDtype *res = NULL;
    /* manual split on ',' (PyUnicode_Split with NULL splits on whitespace) */
    parts = PyList_New(0);
    if (parts == NULL) {
        return NULL;
    }
    const char *p = s;
    while (1) {
        const char *q = top_comma(p);
        size_t len = q ? (size_t)(q - p) : strlen(p);
        while (len > 0 && (*p == ' ')) {
            p++;
            len--;
        }
        while (len > 0 && p[len - 1] == ' ') {
            len--;
        }
        if (len > 0 || q != NULL) {
            PyObject *item = PyUnicode_FromStringAndSize(p, (Py_ssize_t)len);
            if (item == NULL || PyList_Append(parts, item) < 0) {
                Py_XDECREF(item);
                goto fail;
            }
            Py_DECREF(item);
        }
        if (q == NULL) {
            break;
        }
        p = q + 1;
    }
    Py_ssize_t n = PyList_GET_SIZE(parts);
    /* a trailing comma: 'i4,' is one field */
    if (n > 0 && PyUnicode_GET_LENGTH(PyList_GET_ITEM(parts, n - 1)) == 0) {
        if (PyList_SetSlice(parts, n - 1, n, NULL) < 0) {
            goto fail;
        }
        n--;
    }
    if (n == 0) {
        not_understood(spec);
        goto fail;
    }
    names = PyList_New(n);
    dtypes = PyList_New(n);
    if (names == NULL || dtypes == NULL) {
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *part = PyList_GET_ITEM(parts, i);
        const char *ps = PyUnicode_AsUTF8(part);
        if (ps == NULL) {
            goto fail;
        }
        if (*ps == '\0') {
            not_understood(spec);
            goto fail;
        }
        NdmDtype *fd = parse_string(spec, ps, align);
        if (fd == NULL) {
            goto fail;
        }
        PyList_SET_ITEM(dtypes, i, (PyObject *)fd);
        PyObject *nm = PyUnicode_FromFormat("f%zd", i);
        if (nm == NULL) {
            goto fail;
        }
        PyList_SET_ITEM(names, i, nm);
    }
    res = ndm_dtype_make_struct(names, dtypes, NULL, -1, align);
fail:
    Py_XDECREF(parts);
    Py_XDECREF(names);
    Py_XDECREF(dtypes);
    return res;
}

static NdmDtype *
parse_string(PyObject *spec, const char *s, int align)
{
    if (top_comma(s) != NULL) {
        return parse_comma(spec, s, align);
    }
    if (*s == '(' || (*s >= '1' && *s <= '9')) {
        /* subarray prefix: '(2,3)i4' or '2i4' */
        PyObject *shape = PyList_New(0);
        if (shape == NULL) {
            return NULL;
        }
        const char *p = s + (*s == '(');
        int paren = *s == '(';
        while (1) {
            while (*p == ' ') {
                p++;
            }
            if (*p < '0' || *p > '9') {
                break;
            }
            long v = 0;
            while (*p >= '0' && *p <= '9' && v < (1L << 31)) {
                v = v * 10 + (*p++ - '0');
            }
            PyObject *o = PyLong_FromLong(v);
            if (o == NULL || PyList_Append(shape, o) < 0) {
                Py_XDECREF(o);
                Py_DECREF(shape);
                return NULL;
            }
            Py_DECREF(o);
            while (*p == ' ') {
                p++;
            }
            if (!paren || *p != ',') {
                break;
            }
            p++;
        }
        if (paren) {
            if (*p != ')') {
                Py_DECREF(shape);
                return (NdmDtype *)not_understood(spec);
            }
            p++;
        }
        if (*p == '\0' || PyList_GET_SIZE(shape) == 0) {
            Py_DECREF(shape);
            return (NdmDtype *)not_understood(spec);
        }
        NdmDtype *base = parse_string(spec, p, align);
        if (base == NULL) {
            Py_DECREF(shape);
            return NULL;
        }
        NdmDtype *r = make_subarray(base, shape);
        Py_DECREF(shape);
        return r;
    }
    char order = '\0';
    if (*s == '<' || *s == '>' || *s == '=' || *s == '|') {
        order = *s++;
    }
    if (*s >= '0' && *s <= '9') {
        return (NdmDtype *)not_understood(spec);
    }
    if (*s == '\0') {
        return (NdmDtype *)not_understood(spec);
    }
    for (const NameEntry *e = names_table; e->name; e++) {
        if (strcmp(e->name, s) == 0) {
            /* long names do not take a byte-order prefix in NumPy either,
             * but accept it harmlessly for the short codes */
            return numeric_with_order(e->t, order_of(order), e->chr);
        }
    }
    /* flexible types */
    int t = -1;
    const char *rest = s + 1;
    if (strcmp(s, "str") == 0 || strcmp(s, "unicode") == 0) {
        t = NDM_UNICODE;
        rest = "";
    }
    else if (strcmp(s, "bytes") == 0 || strcmp(s, "bytes_") == 0 || strcmp(s, "str_") == 0) {
        t = s[0] == 's' ? NDM_UNICODE : NDM_BYTES;
        rest = "";
    }
    else if (strcmp(s, "void") == 0) {
        t = NDM_VOID;
        rest = "";
    }
    else if (*s == 'U') {
        t = NDM_UNICODE;
    }
    else if (*s == 'S' || *s == 'a') {
        t = NDM_BYTES;
        if (*s == 'a' && s[1] == '\0') {
            t = -1;
        }
    }
    else if (*s == 'V') {
        t = NDM_VOID;
    }
    if (t >= 0) {
        Py_ssize_t n = 0;
        int r = parse_size(rest, &n);
        if (r < 0) {
            return (NdmDtype *)not_understood(spec);
        }
        NdmDtype *d = ndm_dtype_new_flexible(t, t == NDM_UNICODE ? 4 * n : n);
        if (d != NULL && t == NDM_UNICODE && order_of(order) != '=' && n > 0) {
            d->byteorder = order_of(order);
        }
        else if (d != NULL && t == NDM_UNICODE && order_of(order) != '=' && n == 0) {
            NdmDtype *d2 = ndm_dtype_new_flexible(t, 0);
            Py_DECREF(d);
            d = d2;
        }
        return d;
    }
    return (NdmDtype *)not_understood(spec);
}

/* names: list/tuple of str; dtypes: list of NdmDtype; offsets: NULL for
 * packed (aligned if align) layout; itemsize -1 for computed. */
NdmDtype *
ndm_dtype_make_struct(PyObject *names, PyObject *dtypes, PyObject *offsets,
            Py_ssize_t itemsize, int align)
{
    Py_ssize_t n = PySequence_Size(names);
    if (n < 0) {
        return NULL;
    }
    if (PySequence_Size(dtypes) != n
            || (offsets != NULL && PySequence_Size(offsets) != n)) {
        PyErr_SetString(PyExc_ValueError,
                        "all items in the dictionary must have the same length.");
        return NULL;
    }
    NdmDtype *d = dtype_alloc();
    PyObject *fields = PyDict_New();
    PyObject *ntuple = PyTuple_New(n);
    if (d == NULL || fields == NULL || ntuple == NULL) {
        goto fail;
    }
    d->type_num = NDM_VOID;
    d->kind = 'V';
    d->type_char = 'V';
    d->byteorder = '|';
    Py_ssize_t total = 0, maxalign = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *name = PySequence_GetItem(names, i);
        if (name == NULL) {
            goto fail;
        }
        if (!PyUnicode_Check(name)) {
            Py_DECREF(name);
            PyErr_SetString(PyExc_ValueError, "field names must be strings");
            goto fail;
        }
        PyTuple_SET_ITEM(ntuple, i, name);
        if (PyDict_Contains(fields, name)) {
            PyErr_Format(PyExc_ValueError, "field %R occurs more than once", name);
            goto fail;
        }
        PyObject *fdo = PySequence_GetItem(dtypes, i);
        if (fdo == NULL) {
            goto fail;
        }
        NdmDtype *fd = (NdmDtype *)fdo;
        Py_ssize_t off;
        if (offsets != NULL) {
            PyObject *o = PySequence_GetItem(offsets, i);
            off = o ? PyLong_AsSsize_t(o) : -1;
            Py_XDECREF(o);
            if (off < 0) {
                Py_DECREF(fdo);
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_ValueError, "offsets must be non-negative");
                }
                goto fail;
            }
            if (off + fd->itemsize > total) {
                total = off + fd->itemsize;
            }
        }
        else {
            off = align ? round_up(total, fd->alignment) : total;
            total = off + fd->itemsize;
        }
        if (fd->alignment > maxalign) {
            maxalign = fd->alignment;
        }
        PyObject *tup = Py_BuildValue("(On)", fdo, off);
        Py_DECREF(fdo);
        if (tup == NULL || PyDict_SetItem(fields, name, tup) < 0) {
            Py_XDECREF(tup);
            goto fail;
        }
        Py_DECREF(tup);
    }
    if (align) {
        total = round_up(total, maxalign);
    }
    if (itemsize >= 0) {
        if (itemsize < total) {
            PyErr_Format(PyExc_ValueError,
                         "NumPy dtype descriptor requires %zd bytes, cannot "
                         "override to smaller itemsize of %zd", total, itemsize);
            goto fail;
        }
        total = itemsize;
    }
    d->itemsize = total;
    d->alignment = align ? (int)maxalign : 1;
    ((DtypeFull *)d)->aligned = align;
    d->fields = fields;
    d->names = ntuple;
    ndm_dtype_set_scalar_type(d);
    return d;
fail:
    Py_XDECREF(d);
    Py_XDECREF(fields);
    Py_XDECREF(ntuple);
    return NULL;
}

static NdmDtype *
from_list(PyObject *spec, int align)
{
    Py_ssize_t n = PyList_GET_SIZE(spec);
    PyObject *names = PyList_New(n), *dtypes = PyList_New(n);
    NdmDtype *res = NULL;
    if (names == NULL || dtypes == NULL) {
        goto fail;
    }
    if (n == 0) {
        res = ndm_dtype_make_struct(names, dtypes, NULL, -1, align);
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(spec, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) < 2 || PyTuple_GET_SIZE(item) > 3) {
            PyErr_Format(PyExc_TypeError, "data type not understood");
            goto fail;
        }
        PyObject *name = PyTuple_GET_ITEM(item, 0);
        if (PyTuple_Check(name)) {
            PyErr_SetString(PyExc_NotImplementedError,
                            "ndmem does not support field titles");
            goto fail;
        }
        if (!PyUnicode_Check(name)) {
            PyErr_SetString(PyExc_TypeError, "First element of field tuple is neither a tuple nor str");
            goto fail;
        }
        if (PyUnicode_GET_LENGTH(name) == 0) {
            name = PyUnicode_FromFormat("f%zd", i);
            if (name == NULL) {
                goto fail;
            }
        }
        else {
            Py_INCREF(name);
        }
        PyList_SET_ITEM(names, i, name);
        NdmDtype *fd = ndm_dtype_from_object_align(PyTuple_GET_ITEM(item, 1), align);
        if (fd == NULL) {
            goto fail;
        }
        if (PyTuple_GET_SIZE(item) == 3) {
            fd = make_subarray(fd, PyTuple_GET_ITEM(item, 2));
            if (fd == NULL) {
                goto fail;
            }
        }
        PyList_SET_ITEM(dtypes, i, (PyObject *)fd);
    }
    res = ndm_dtype_make_struct(names, dtypes, NULL, -1, align);
fail:
    Py_XDECREF(names);
    Py_XDECREF(dtypes);
    return res;
}

static NdmDtype *
from_dict(PyObject *spec, int align)
{
    PyObject *names = PyDict_GetItemString(spec, "names");
    PyObject *formats = PyDict_GetItemString(spec, "formats");
    PyObject *offsets = PyDict_GetItemString(spec, "offsets");
    PyObject *isz = PyDict_GetItemString(spec, "itemsize");
    PyObject *al = PyDict_GetItemString(spec, "aligned");
    PyObject *dtypes = NULL;
    NdmDtype *res = NULL;
    if (names == NULL || formats == NULL) {
        PyErr_SetString(PyExc_NotImplementedError,
                        "ndmem supports only the {'names': ..., 'formats': ...} dict form");
        return NULL;
    }
    if (al != NULL && PyObject_IsTrue(al)) {
        align = 1;
    }
    Py_ssize_t n = PySequence_Size(formats);
    if (n < 0) {
        return NULL;
    }
    dtypes = PyList_New(n);
    if (dtypes == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *f = PySequence_GetItem(formats, i);
        if (f == NULL) {
            goto fail;
        }
        NdmDtype *fd = ndm_dtype_from_object_align(f, align);
        Py_DECREF(f);
        if (fd == NULL) {
            goto fail;
        }
        PyList_SET_ITEM(dtypes, i, (PyObject *)fd);
    }
    Py_ssize_t itemsize = -1;
    if (isz != NULL) {
        itemsize = PyLong_AsSsize_t(isz);
        if (itemsize == -1 && PyErr_Occurred()) {
            goto fail;
        }
    }
    res = ndm_dtype_make_struct(names, dtypes, offsets, itemsize, align);
fail:
    Py_DECREF(dtypes);
    return res;
}

/* Strings already parsed to a builtin descriptor ('f8', 'float32', '<i4'),
 * and ndmem's scalar types: a dict lookup in place of the name table's
 * scan or the subtype tests.  Only the shared builtins are kept (a fresh
 * descriptor must stay fresh), so the dict is bounded by the spellings of
 * the table and the scalar types. */
static PyObject *builtin_spellings;

static NdmDtype *
parsed_builtin(PyObject *spec)
{
    if (builtin_spellings == NULL || (!PyUnicode_CheckExact(spec) && !PyType_Check(spec))) {
        return NULL;
    }
    PyObject *d = PyDict_GetItemWithError(builtin_spellings, spec);
    return d == NULL ? NULL : (NdmDtype *)Py_NewRef(d);
}

static NdmDtype *
remember_builtin(PyObject *spec, NdmDtype *r)
{
    if (r == NULL || (!PyUnicode_CheckExact(spec) && !PyType_Check(spec))) {
        return r;
    }
    int shared = r == longlong_dt || r == ulonglong_dt
                 || (r->type_num < NDM_NNUMERIC && r == builtins[r->type_num]);
    if (!shared) {
        return r;
    }
    if (builtin_spellings == NULL && (builtin_spellings = PyDict_New()) == NULL) {
        PyErr_Clear();
        return r;
    }
    if (PyDict_SetItem(builtin_spellings, spec, (PyObject *)r) < 0) {
        PyErr_Clear();
    }
    return r;
}

NdmDtype *
ndm_dtype_from_object_align(PyObject *spec, int align)
{
    if (spec == Py_None) {
        return ndm_dtype_builtin(NDM_FLOAT64);
    }
    if (NdmDtype_Check(spec)) {
        Py_INCREF(spec);
        return (NdmDtype *)spec;
    }
    if (PyType_Check(spec)) {
        PyTypeObject *tp = (PyTypeObject *)spec;
        NdmDtype *known = parsed_builtin(spec);
        if (known != NULL || PyErr_Occurred()) {
            return known;
        }
        for (int t = 0; t < NDM_NTYPES; t++) {
            PyTypeObject *st = ndm_scalar_type(t);
            if (st != NULL && (st == tp || PyType_IsSubtype(tp, st))) {
                if (t < NDM_NNUMERIC) {
                    /* only ndmem's own scalar types are remembered */
                    return st == tp ? remember_builtin(spec, ndm_dtype_builtin(t))
                                    : ndm_dtype_builtin(t);
                }
                return ndm_dtype_new_flexible(t, 0);
            }
        }
        if (tp == &PyBool_Type) {
            return ndm_dtype_builtin(NDM_BOOL);
        }
        if (tp == &PyLong_Type) {
            return ndm_dtype_builtin(NDM_INT64);
        }
        if (tp == &PyFloat_Type) {
            return ndm_dtype_builtin(NDM_FLOAT64);
        }
        if (tp == &PyComplex_Type) {
            return ndm_dtype_builtin(NDM_COMPLEX128);
        }
        if (tp == &PyUnicode_Type) {
            return ndm_dtype_new_flexible(NDM_UNICODE, 0);
        }
        if (tp == &PyBytes_Type) {
            return ndm_dtype_new_flexible(NDM_BYTES, 0);
        }
        if (tp == ndm_state.ndarray_type && tp != NULL) {
            goto fallthrough;
        }
        if (strncmp(tp->tp_name, "numpy.", 6) == 0) {
            /* NumPy's scalar types (interoperation without importing numpy) */
            const char *nm = strrchr(tp->tp_name, '.') + 1;
            PyObject *nmo = PyUnicode_FromString(nm);
            if (nmo == NULL) {
                return NULL;
            }
            NdmDtype *r = parse_string(nmo, nm, align);
            Py_DECREF(nmo);
            if (r != NULL || !PyErr_ExceptionMatches(PyExc_TypeError)) {
                return r;
            }
            PyErr_Clear();
            return (NdmDtype *)not_understood(spec);
        }
        PyObject *dt = PyObject_GetAttrString(spec, "dtype");
        if (dt != NULL) {
            if (NdmDtype_Check(dt)) {
                return (NdmDtype *)dt;
            }
            Py_DECREF(dt);
        }
        PyErr_Clear();
        goto fallthrough;
    }
    if (PyUnicode_Check(spec)) {
        NdmDtype *known = parsed_builtin(spec);
        if (known != NULL || PyErr_Occurred()) {
            return known;
        }
        const char *s = PyUnicode_AsUTF8(spec);
        if (s == NULL) {
            return NULL;
        }
        if (strcmp(s, "a") == 0 || (s[0] == 'a' && s[1] >= '0' && s[1] <= '9')) {
            if (PyErr_WarnEx(PyExc_DeprecationWarning,
                             "Data type alias 'a' was deprecated in NumPy 2.0. "
                             "Use the 'S' alias instead.", 1) < 0) {
                return NULL;
            }
        }
        return remember_builtin(spec, parse_string(spec, s, align));
    }
    if (PyBytes_Check(spec)) {
        PyObject *u = PyUnicode_FromEncodedObject(spec, "ascii", "strict");
        if (u == NULL) {
            PyErr_Clear();
            return (NdmDtype *)not_understood(spec);
        }
        NdmDtype *r = ndm_dtype_from_object_align(u, align);
        Py_DECREF(u);
        return r;
    }
    if (PyList_Check(spec)) {
        return from_list(spec, align);
    }
    if (PyDict_Check(spec)) {
        return from_dict(spec, align);
    }
    if (PyTuple_Check(spec) && PyTuple_GET_SIZE(spec) == 2) {
        NdmDtype *base = ndm_dtype_from_object_align(PyTuple_GET_ITEM(spec, 0), align);
        if (base == NULL) {
            return NULL;
        }
        PyObject *second = PyTuple_GET_ITEM(spec, 1);
        if (PyLong_Check(second) && base->itemsize == 0
                && !ndm_dtype_is_structured(base)) {
            Py_ssize_t n = PyLong_AsSsize_t(second);
            if (n < 0) {
                Py_DECREF(base);
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_TypeError, "data type not understood");
                }
                return NULL;
            }
            NdmDtype *r = ndm_dtype_new_flexible(base->type_num,
                                                base->type_num == NDM_UNICODE ? 4 * n : n);
            Py_DECREF(base);
            return r;
        }
        return make_subarray(base, second);
    }
    if (ndm_state.ndarray_type != NULL && NdmArray_Check(spec)) {
        PyErr_SetString(PyExc_TypeError, "Cannot construct a dtype from an array");
        return NULL;
    }
    if (strncmp(Py_TYPE(spec)->tp_name, "numpy.dtype", 11) == 0
            || strncmp(Py_TYPE(spec)->tp_name, "numpy.dtypes.", 13) == 0) {
        /* a NumPy dtype: through its spelling (str, or the dict form) */
        PyObject *names = PyObject_GetAttrString(spec, "names");
        if (names == NULL) {
            return NULL;
        }
        PyObject *form = NULL;
        if (names == Py_None) {
            form = PyObject_GetAttrString(spec, "str");
        }
        else {
            PyObject *fields = PyObject_GetAttrString(spec, "fields");
            PyObject *isz = PyObject_GetAttrString(spec, "itemsize");
            PyObject *formats = PyList_New(0), *offsets = PyList_New(0);
            if (fields != NULL && isz != NULL && formats != NULL && offsets != NULL) {
                Py_ssize_t n = PyTuple_Size(names);
                int ok = n >= 0;
                for (Py_ssize_t i = 0; ok && i < n; i++) {
                    PyObject *t = PyObject_GetItem(fields, PyTuple_GET_ITEM(names, i));
                    ok = t != NULL && PyTuple_Check(t) && PyTuple_GET_SIZE(t) >= 2
                         && PyList_Append(formats, PyTuple_GET_ITEM(t, 0)) == 0
                         && PyList_Append(offsets, PyTuple_GET_ITEM(t, 1)) == 0;
                    Py_XDECREF(t);
                }
                if (ok) {
                    form = Py_BuildValue("{sOsOsOsO}", "names", names, "formats", formats,
                                         "offsets", offsets, "itemsize", isz);
                }
            }
            Py_XDECREF(fields);
            Py_XDECREF(isz);
            Py_XDECREF(formats);
            Py_XDECREF(offsets);
        }
        Py_DECREF(names);
        if (form == NULL) {
            return NULL;
        }
        NdmDtype *r = ndm_dtype_from_object_align(form, align);
        Py_DECREF(form);
        return r;
    }
fallthrough:
    {
        /* objects with a .dtype attribute */
        if (!PyType_Check(spec)) {
            PyObject *dt = PyObject_GetAttrString(spec, "dtype");
            if (dt != NULL) {
                NdmDtype *r = NdmDtype_Check(dt) ? (Py_INCREF(dt), (NdmDtype *)dt) : NULL;
                Py_DECREF(dt);
                if (r != NULL) {
                    return r;
                }
            }
            PyErr_Clear();
        }
    }
    return (NdmDtype *)not_understood(spec);
}

NdmDtype *
ndm_dtype_from_object(PyObject *spec)
{
    return ndm_dtype_from_object_align(spec, 0);
}

int
ndm_dtype_converter_optional(PyObject *obj, NdmDtype **out)
{
    if (obj == Py_None) {
        *out = NULL;
        return 1;
    }
    *out = ndm_dtype_from_object(obj);
    return *out != NULL;
}

NdmDtype *
ndm_dtype_with_order(NdmDtype *d, char neworder)
{
    /* neworder: 'S' swap, '<', '>', '=', '|' */
    if (ndm_dtype_is_structured(d)) {
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        PyObject *dts = PyList_New(n), *offs = PyList_New(n);
        NdmDtype *r = NULL;
        if (dts == NULL || offs == NULL) {
            goto sfail;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *tup = PyDict_GetItem(d->fields, PyTuple_GET_ITEM(d->names, i));
            NdmDtype *fd = ndm_dtype_with_order((NdmDtype *)PyTuple_GET_ITEM(tup, 0), neworder);
            if (fd == NULL) {
                goto sfail;
            }
            PyList_SET_ITEM(dts, i, (PyObject *)fd);
            PyObject *o = PyTuple_GET_ITEM(tup, 1);
            Py_INCREF(o);
            PyList_SET_ITEM(offs, i, o);
        }
        r = ndm_dtype_make_struct(d->names, dts, offs, d->itemsize, is_aligned_struct(d));
        if (r != NULL) {
            r->alignment = d->alignment;
        }
    sfail:
        Py_XDECREF(dts);
        Py_XDECREF(offs);
        return r;
    }
    if (SUB_BASE(d) != NULL) {
        NdmDtype *b = ndm_dtype_with_order(SUB_BASE(d), neworder);
        return b ? make_subarray(b, SUB_SHAPE(d)) : NULL;
    }
    if (d->byteorder == '|' || neworder == '|') {
        Py_INCREF(d);
        return d;
    }
    char target;
    if (neworder == 'S') {
        target = ndm_dtype_isnative(d) ? (PY_BIG_ENDIAN ? '<' : '>') : (PY_BIG_ENDIAN ? '>' : '<');
    }
    else {
        target = neworder;
    }
    if (target == d->byteorder) {
        Py_INCREF(d);
        return d;
    }
    if (d->type_num < NDM_NNUMERIC) {
        return numeric_with_order(d->type_num, target, d->type_char);
    }
    NdmDtype *r = ndm_dtype_new_flexible(d->type_num, d->itemsize);
    if (r != NULL && d->itemsize > 0) {
        r->byteorder = target;
    }
    return r;
}

NdmDtype *
ndm_dtype_native(NdmDtype *d)
{
    if (ndm_dtype_is_structured(d)) {
        Py_INCREF(d);
        return d;
    }
    return ndm_dtype_with_order(d, '=');
}

int
ndm_dtype_equiv(NdmDtype *a, NdmDtype *b)
{
    if (a == b) {
        return 1;
    }
    if (a->type_num != b->type_num || a->itemsize != b->itemsize
            || ndm_dtype_isnative(a) != ndm_dtype_isnative(b)) {
        return 0;
    }
    if (SUB_BASE(a) != NULL || SUB_BASE(b) != NULL) {
        if (SUB_BASE(a) == NULL || SUB_BASE(b) == NULL) {
            return 0;
        }
        int eq = PyObject_RichCompareBool(SUB_SHAPE(a), SUB_SHAPE(b), Py_EQ);
        if (eq <= 0) {
            PyErr_Clear();
            return 0;
        }
        return ndm_dtype_equiv(SUB_BASE(a), SUB_BASE(b));
    }
    if (ndm_dtype_is_structured(a) || ndm_dtype_is_structured(b)) {
        if (!ndm_dtype_is_structured(a) || !ndm_dtype_is_structured(b)) {
            return 0;
        }
        int eq = PyObject_RichCompareBool(a->names, b->names, Py_EQ);
        if (eq <= 0) {
            PyErr_Clear();
            return 0;
        }
        Py_ssize_t n = PyTuple_GET_SIZE(a->names);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *k = PyTuple_GET_ITEM(a->names, i);
            PyObject *ta = PyDict_GetItem(a->fields, k);
            PyObject *tb = PyDict_GetItem(b->fields, k);
            if (ta == NULL || tb == NULL) {
                return 0;
            }
            if (PyLong_AsSsize_t(PyTuple_GET_ITEM(ta, 1)) != PyLong_AsSsize_t(PyTuple_GET_ITEM(tb, 1))) {
                return 0;
            }
            if (!ndm_dtype_equiv((NdmDtype *)PyTuple_GET_ITEM(ta, 0),
                                 (NdmDtype *)PyTuple_GET_ITEM(tb, 0))) {
                return 0;
            }
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Module init                                                        */
/* ------------------------------------------------------------------ */

int
ndm_dtype_init(PyObject *module)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, &ndm_dtype_spec, NULL);
    if (tp == NULL) {
        return -1;
    }
    ndm_state.dtype_type = (PyTypeObject *)tp;    /* module.c clears it */
    if (PyModule_AddObjectRef(module, "dtype", tp) < 0) {
        return -1;
    }
    for (int t = 0; t < NDM_NNUMERIC; t++) {
        if (builtins[t] == NULL && (builtins[t] = make_numeric(t, '=', 0)) == NULL) {
            return -1;
        }
    }
    if (longlong_dt == NULL && (longlong_dt = make_numeric(NDM_INT64, '=', 'q')) == NULL) {
        return -1;
    }
    if (ulonglong_dt == NULL && (ulonglong_dt = make_numeric(NDM_UINT64, '=', 'Q')) == NULL) {
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        if (unsized[i] == NULL && (unsized[i] = ndm_dtype_new_flexible(NDM_BYTES + i, 0)) == NULL) {
            return -1;
        }
    }
    if (ndm_dtype_promote_init(module) < 0) {
        return -1;
    }
    return 0;
}
