/* ndmem.dtype: descriptors, parsing of every NumPy spelling, attributes,
 * repr, equality, pickling, promotion and can_cast.  Element conversion
 * (getitem/setitem, Python objects) lives in dtype_convert.c, casting loops
 * in cast.c. */
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

typedef struct {
    const char *name;
    char kind, chr;
    int size, num;
} BuiltinInfo;

static const BuiltinInfo binfo[NDM_NNUMERIC] = {
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

static void
set_scalar_type(NdmDtype *d)
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
    d->kind = binfo[t].kind;
    d->type_char = chr ? chr : binfo[t].chr;
    d->itemsize = binfo[t].size;
    d->alignment = t >= NDM_COMPLEX64 ? binfo[t].size / 2 : binfo[t].size;
    d->byteorder = d->itemsize == 1 ? '|' : byteorder;
    if (builtins[t] != NULL && builtins[t]->scalar_type != NULL) {
        d->scalar_type = builtins[t]->scalar_type;
        Py_INCREF(d->scalar_type);
    }
    else {
        set_scalar_type(d);
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
            set_scalar_type(unsized[type_num - NDM_BYTES]);
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
    set_scalar_type(d);
    return d;
}

static int
is_aligned_struct(NdmDtype *d)
{
    return ((DtypeFull *)d)->aligned;
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
    set_scalar_type(d);
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
static NdmDtype *from_object(PyObject *spec, int align);

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
    if (order == '=' || order == '|' || binfo[t].size == 1) {
        NdmDtype *r = chr == 'q' ? longlong_dt : chr == 'Q' ? ulonglong_dt : builtins[t];
        if (r->scalar_type == NULL) {
            set_scalar_type(r);
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

static NdmDtype *make_struct(PyObject *names, PyObject *dtypes, PyObject *offsets,
                             Py_ssize_t itemsize, int align);

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
    res = make_struct(names, dtypes, NULL, -1, align);
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

/* round x up to a multiple of a */
static Py_ssize_t
round_up(Py_ssize_t x, Py_ssize_t a)
{
    return a > 1 ? (x + a - 1) / a * a : x;
}

/* names: list/tuple of str; dtypes: list of NdmDtype; offsets: NULL for
 * packed (aligned if align) layout; itemsize -1 for computed. */
static NdmDtype *
make_struct(PyObject *names, PyObject *dtypes, PyObject *offsets,
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
    set_scalar_type(d);
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
        res = make_struct(names, dtypes, NULL, -1, align);
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
        NdmDtype *fd = from_object(PyTuple_GET_ITEM(item, 1), align);
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
    res = make_struct(names, dtypes, NULL, -1, align);
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
        NdmDtype *fd = from_object(f, align);
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
    res = make_struct(names, dtypes, offsets, itemsize, align);
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

static NdmDtype *
from_object(PyObject *spec, int align)
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
        NdmDtype *r = from_object(u, align);
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
        NdmDtype *base = from_object(PyTuple_GET_ITEM(spec, 0), align);
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
        NdmDtype *r = from_object(form, align);
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
    return from_object(spec, 0);
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

static NdmDtype *
with_order(NdmDtype *d, char neworder)
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
            NdmDtype *fd = with_order((NdmDtype *)PyTuple_GET_ITEM(tup, 0), neworder);
            if (fd == NULL) {
                goto sfail;
            }
            PyList_SET_ITEM(dts, i, (PyObject *)fd);
            PyObject *o = PyTuple_GET_ITEM(tup, 1);
            Py_INCREF(o);
            PyList_SET_ITEM(offs, i, o);
        }
        r = make_struct(d->names, dts, offs, d->itemsize, is_aligned_struct(d));
        if (r != NULL) {
            r->alignment = d->alignment;
        }
    sfail:
        Py_XDECREF(dts);
        Py_XDECREF(offs);
        return r;
    }
    if (SUB_BASE(d) != NULL) {
        NdmDtype *b = with_order(SUB_BASE(d), neworder);
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
    return with_order(d, '=');
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
/* Attributes, repr                                                   */
/* ------------------------------------------------------------------ */

static char
shown_order(NdmDtype *d)
{
    if (d->byteorder == '|') {
        return '|';
    }
    if (d->byteorder == '=') {
        return PY_BIG_ENDIAN ? '>' : '<';
    }
    return d->byteorder;
}

static PyObject *
dtype_str_code(NdmDtype *d)
{
    char k = d->kind;
    Py_ssize_t n = d->itemsize;
    if (k == 'U') {
        n /= 4;
    }
    return PyUnicode_FromFormat("%c%c%zd", shown_order(d), k, n);
}

static PyObject *
dtype_name(NdmDtype *d)
{
    if (d->type_num < NDM_NNUMERIC) {
        return PyUnicode_FromString(binfo[d->type_num].name);
    }
    const char *base = d->type_num == NDM_BYTES ? "bytes" : d->type_num == NDM_UNICODE ? "str" : "void";
    if (d->itemsize == 0) {
        return PyUnicode_FromString(base);
    }
    return PyUnicode_FromFormat("%s%zd", base, d->itemsize * 8);
}

int
ndm_dtype_field_at(NdmDtype *d, Py_ssize_t i, NdmDtype **fd, Py_ssize_t *off)
{
    PyObject *tup = PyDict_GetItem(d->fields, PyTuple_GET_ITEM(d->names, i));
    if (tup == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "corrupt structured dtype");
        return -1;
    }
    *fd = (NdmDtype *)PyTuple_GET_ITEM(tup, 0);
    *off = PyLong_AsSsize_t(PyTuple_GET_ITEM(tup, 1));
    return 0;
}

static int
is_packed(NdmDtype *d)
{
    Py_ssize_t n = PyTuple_GET_SIZE(d->names), total = 0, maxal = 1;
    int al = is_aligned_struct(d);
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fd;
        Py_ssize_t off;
        if (ndm_dtype_field_at(d, i, &fd, &off) < 0) {
            PyErr_Clear();
            return 0;
        }
        Py_ssize_t want = al ? round_up(total, fd->alignment) : total;
        if (off != want) {
            return 0;
        }
        total = off + fd->itemsize;
        if (fd->alignment > maxal) {
            maxal = fd->alignment;
        }
    }
    return d->itemsize == (al ? round_up(total, maxal) : total);
}

static PyObject *struct_short(NdmDtype *d);

/* the spelling of a field dtype inside a structured repr */
static PyObject *
short_form(NdmDtype *d)
{
    if (ndm_dtype_is_structured(d)) {
        return struct_short(d);
    }
    if (SUB_BASE(d) != NULL) {
        PyObject *b = short_form(SUB_BASE(d));
        return b ? Py_BuildValue("(NO)", b, SUB_SHAPE(d)) : NULL;
    }
    if (d->type_num == NDM_BOOL) {
        return PyUnicode_FromString("?");
    }
    if (d->byteorder == '|') {
        Py_ssize_t n = d->type_num == NDM_UNICODE ? d->itemsize / 4 : d->itemsize;
        return PyUnicode_FromFormat("%c%zd", d->kind, n);
    }
    return dtype_str_code(d);
}

/* list-of-tuples or dict object whose repr is NumPy's structured repr */
static PyObject *struct_short_ex(NdmDtype *d, int force_dict);

static PyObject *
struct_short(NdmDtype *d)
{
    return struct_short_ex(d, 0);
}

static PyObject *
struct_short_ex(NdmDtype *d, int force_dict)
{
    Py_ssize_t n = PyTuple_GET_SIZE(d->names);
    if (!force_dict && is_packed(d)) {
        PyObject *lst = PyList_New(n);
        if (lst == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            NdmDtype *fd;
            Py_ssize_t off;
            PyObject *sf;
            if (ndm_dtype_field_at(d, i, &fd, &off) < 0 || (sf = short_form(fd)) == NULL) {
                Py_DECREF(lst);
                return NULL;
            }
            PyObject *t;
            if (SUB_BASE(fd) != NULL) {
                t = PyTuple_Pack(3, PyTuple_GET_ITEM(d->names, i),
                                 PyTuple_GET_ITEM(sf, 0), SUB_SHAPE(fd));
            }
            else {
                t = PyTuple_Pack(2, PyTuple_GET_ITEM(d->names, i), sf);
            }
            Py_DECREF(sf);
            if (t == NULL) {
                Py_DECREF(lst);
                return NULL;
            }
            PyList_SET_ITEM(lst, i, t);
        }
        return lst;
    }
    PyObject *names = PySequence_List(d->names);
    PyObject *formats = PyList_New(n), *offsets = PyList_New(n);
    PyObject *res = NULL;
    if (names == NULL || formats == NULL || offsets == NULL) {
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fd;
        Py_ssize_t off;
        PyObject *sf, *o;
        if (ndm_dtype_field_at(d, i, &fd, &off) < 0 || (sf = short_form(fd)) == NULL) {
            goto fail;
        }
        PyList_SET_ITEM(formats, i, sf);
        if ((o = PyLong_FromSsize_t(off)) == NULL) {
            goto fail;
        }
        PyList_SET_ITEM(offsets, i, o);
    }
    res = Py_BuildValue("{sOsOsOsn}", "names", names, "formats", formats,
                        "offsets", offsets, "itemsize", d->itemsize);
    /* Py_BuildValue's dict keeps insertion order of the format */
fail:
    Py_XDECREF(names);
    Py_XDECREF(formats);
    Py_XDECREF(offsets);
    return res;
}

static PyObject *
dtype_repr(PyObject *self)
{
    NdmDtype *d = (NdmDtype *)self;
    if (ndm_dtype_is_structured(d)) {
        PyObject *s = struct_short(d);
        if (s == NULL) {
            return NULL;
        }
        PyObject *r = PyUnicode_FromFormat(is_aligned_struct(d) ? "dtype(%R, align=True)" : "dtype(%R)", s);
        Py_DECREF(s);
        return r;
    }
    if (SUB_BASE(d) != NULL) {
        PyObject *s = short_form(d);
        PyObject *r = s ? PyUnicode_FromFormat("dtype(%R)", s) : NULL;
        Py_XDECREF(s);
        return r;
    }
    if (d->type_num < NDM_NNUMERIC) {
        if (d->byteorder == '=' || d->byteorder == '|') {
            return PyUnicode_FromFormat("dtype('%s')", binfo[d->type_num].name);
        }
        PyObject *c = dtype_str_code(d);
        PyObject *r = c ? PyUnicode_FromFormat("dtype('%U')", c) : NULL;
        Py_XDECREF(c);
        return r;
    }
    if (d->type_num == NDM_UNICODE) {
        if (d->itemsize == 0) {
            return PyUnicode_FromFormat("dtype('%cU')", shown_order(d));
        }
        return PyUnicode_FromFormat("dtype('%cU%zd')", shown_order(d), d->itemsize / 4);
    }
    if (d->itemsize == 0) {
        return PyUnicode_FromFormat("dtype('%c')", d->kind);
    }
    return PyUnicode_FromFormat("dtype('%c%zd')", d->kind, d->itemsize);
}

static PyObject *
dtype_strfunc(PyObject *self)
{
    NdmDtype *d = (NdmDtype *)self;
    if (ndm_dtype_is_structured(d)) {
        PyObject *s = struct_short_ex(d, is_aligned_struct(d));
        if (s == NULL) {
            return NULL;
        }
        if (is_aligned_struct(d) && PyDict_SetItemString(s, "aligned", Py_True) < 0) {
            Py_DECREF(s);
            return NULL;
        }
        PyObject *r = PyObject_Repr(s);
        Py_DECREF(s);
        return r;
    }
    if (d->type_num < NDM_NNUMERIC && ndm_dtype_isnative(d)) {
        return PyUnicode_FromString(binfo[d->type_num].name);
    }
    if (SUB_BASE(d) != NULL) {
        PyObject *s = short_form(d);
        PyObject *r = s ? PyObject_Repr(s) : NULL;
        Py_XDECREF(s);
        return r;
    }
    return dtype_str_code(d);
}

static PyObject *
descr_of(NdmDtype *d)
{
    if (!ndm_dtype_is_structured(d)) {
        PyObject *s = dtype_str_code(d);
        if (s == NULL) {
            return NULL;
        }
        PyObject *r = Py_BuildValue("[(sN)]", "", s);
        return r;
    }
    /* fields in offset order with padding */
    Py_ssize_t n = PyTuple_GET_SIZE(d->names);
    PyObject *lst = PyList_New(0);
    if (lst == NULL) {
        return NULL;
    }
    Py_ssize_t *order = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    if (order == NULL) {
        Py_DECREF(lst);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        order[i] = i;
    }
    /* insertion sort by offset (stable) */
    for (Py_ssize_t i = 1; i < n; i++) {
        Py_ssize_t j = i, oi, oj;
        NdmDtype *f;
        while (j > 0) {
            if (ndm_dtype_field_at(d, order[j], &f, &oi) < 0
                    || ndm_dtype_field_at(d, order[j - 1], &f, &oj) < 0) {
                PyMem_Free(order);
                Py_DECREF(lst);
                return NULL;
            }
            if (oj <= oi) {
                break;
            }
            Py_ssize_t tmp = order[j];
            order[j] = order[j - 1];
            order[j - 1] = tmp;
            j--;
        }
    }
    Py_ssize_t pos = 0;
    for (Py_ssize_t k = 0; k <= n; k++) {
        NdmDtype *fd = NULL;
        Py_ssize_t off = d->itemsize;
        if (k < n && ndm_dtype_field_at(d, order[k], &fd, &off) < 0) {
            goto fail;
        }
        if (off > pos) {
            PyObject *pad = Py_BuildValue("(sN)", "", PyUnicode_FromFormat("|V%zd", off - pos));
            if (pad == NULL || PyList_Append(lst, pad) < 0) {
                Py_XDECREF(pad);
                goto fail;
            }
            Py_DECREF(pad);
        }
        if (k == n) {
            break;
        }
        NdmDtype *fe = SUB_BASE(fd) != NULL ? SUB_BASE(fd) : fd;
        PyObject *sub = ndm_dtype_is_structured(fe) ? descr_of(fe) : dtype_str_code(fe);
        if (sub == NULL) {
            goto fail;
        }
        PyObject *t = SUB_BASE(fd) != NULL
                      ? PyTuple_Pack(3, PyTuple_GET_ITEM(d->names, order[k]), sub, SUB_SHAPE(fd))
                      : PyTuple_Pack(2, PyTuple_GET_ITEM(d->names, order[k]), sub);
        Py_DECREF(sub);
        if (t == NULL || PyList_Append(lst, t) < 0) {
            Py_XDECREF(t);
            goto fail;
        }
        Py_DECREF(t);
        if (off + fd->itemsize > pos) {
            pos = off + fd->itemsize;
        }
    }
    PyMem_Free(order);
    return lst;
fail:
    PyMem_Free(order);
    Py_DECREF(lst);
    return NULL;
}

static PyObject *get_name(PyObject *s, void *c) { (void)c; return dtype_name((NdmDtype *)s); }
static PyObject *get_str(PyObject *s, void *c) { (void)c; return dtype_str_code((NdmDtype *)s); }
static PyObject *get_char(PyObject *s, void *c) { (void)c; return PyUnicode_FromOrdinal(((NdmDtype *)s)->type_char); }
static PyObject *get_kind(PyObject *s, void *c) { (void)c; return PyUnicode_FromOrdinal(((NdmDtype *)s)->kind); }
static PyObject *get_itemsize(PyObject *s, void *c) { (void)c; return PyLong_FromSsize_t(((NdmDtype *)s)->itemsize); }
static PyObject *get_alignment(PyObject *s, void *c) { (void)c; return PyLong_FromLong(((NdmDtype *)s)->alignment); }
static PyObject *get_byteorder(PyObject *s, void *c) { (void)c; return PyUnicode_FromOrdinal(((NdmDtype *)s)->byteorder); }
static PyObject *get_descr(PyObject *s, void *c) { (void)c; return descr_of((NdmDtype *)s); }
static PyObject *
get_shape(PyObject *s, void *c)
{
    (void)c;
    if (SUB_SHAPE(s) != NULL) {
        Py_INCREF(SUB_SHAPE(s));
        return SUB_SHAPE(s);
    }
    return PyTuple_New(0);
}

static PyObject *
get_ndim(PyObject *s, void *c)
{
    (void)c;
    return PyLong_FromSsize_t(SUB_SHAPE(s) ? PyTuple_GET_SIZE(SUB_SHAPE(s)) : 0);
}

static PyObject *
get_subdtype(PyObject *s, void *c)
{
    (void)c;
    if (SUB_BASE(s) == NULL) {
        Py_RETURN_NONE;
    }
    return PyTuple_Pack(2, (PyObject *)SUB_BASE(s), SUB_SHAPE(s));
}
static PyObject *get_none(PyObject *s, void *c) { (void)s; (void)c; Py_RETURN_NONE; }
static PyObject *get_false(PyObject *s, void *c) { (void)s; (void)c; Py_RETURN_FALSE; }
static PyObject *
get_base(PyObject *s, void *c)
{
    (void)c;
    PyObject *b = SUB_BASE(s) ? (PyObject *)SUB_BASE(s) : s;
    Py_INCREF(b);
    return b;
}
static PyObject *get_isalignedstruct(PyObject *s, void *c) { (void)c; return PyBool_FromLong(is_aligned_struct((NdmDtype *)s)); }

static PyObject *
get_num(PyObject *s, void *c)
{
    (void)c;
    NdmDtype *d = (NdmDtype *)s;
    int num = d->type_num < NDM_NNUMERIC ? binfo[d->type_num].num
              : d->type_num == NDM_BYTES ? 18 : d->type_num == NDM_UNICODE ? 19 : 20;
    if (d->type_char == 'q') {
        num = 9;
    }
    else if (d->type_char == 'Q') {
        num = 10;
    }
    return PyLong_FromLong(num);
}

static long
flags_of(NdmDtype *d)
{
    if (SUB_BASE(d) != NULL) {
        return flags_of(SUB_BASE(d));
    }
    if (!ndm_dtype_is_structured(d)) {
        return d->type_num == NDM_UNICODE ? 8 : 0;
    }
    long f = 16 | (is_aligned_struct(d) ? 128 : 0);
    Py_ssize_t n = PyTuple_GET_SIZE(d->names);
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fd;
        Py_ssize_t off;
        if (ndm_dtype_field_at(d, i, &fd, &off) == 0) {
            f |= flags_of(fd) & ~128L;
        }
    }
    return f;
}

static int
all_native(NdmDtype *d)
{
    if (SUB_BASE(d) != NULL) {
        return 1;       /* NumPy looks at the subarray's own '|' order */
    }
    if (!ndm_dtype_is_structured(d)) {
        return ndm_dtype_isnative(d);
    }
    Py_ssize_t n = PyTuple_GET_SIZE(d->names);
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fd;
        Py_ssize_t off;
        if (ndm_dtype_field_at(d, i, &fd, &off) == 0 && !all_native(fd)) {
            return 0;
        }
    }
    return 1;
}

static PyObject *
get_isnative(PyObject *s, void *c)
{
    (void)c;
    return PyBool_FromLong(all_native((NdmDtype *)s));
}

static PyObject *
get_flags(PyObject *s, void *c)
{
    (void)c;
    return PyLong_FromLong(flags_of((NdmDtype *)s));
}

static PyObject *
get_isbuiltin(PyObject *s, void *c)
{
    (void)c;
    NdmDtype *d = (NdmDtype *)s;
    if (ndm_dtype_is_structured(d) || SUB_BASE(d) != NULL) {
        return PyLong_FromLong(0);
    }
    if (d->type_num < NDM_NNUMERIC) {
        return PyLong_FromLong(ndm_dtype_isnative(d));
    }
    return PyLong_FromLong(d->itemsize == 0);
}

static PyObject *
get_fields(PyObject *s, void *c)
{
    (void)c;
    NdmDtype *d = (NdmDtype *)s;
    if (d->fields == NULL) {
        Py_RETURN_NONE;
    }
    return PyDictProxy_New(d->fields);
}

static PyObject *
get_names(PyObject *s, void *c)
{
    (void)c;
    NdmDtype *d = (NdmDtype *)s;
    if (d->names == NULL) {
        Py_RETURN_NONE;
    }
    Py_INCREF(d->names);
    return d->names;
}

static PyObject *
get_type(PyObject *s, void *c)
{
    (void)c;
    NdmDtype *d = (NdmDtype *)s;
    if (d->scalar_type == NULL) {
        set_scalar_type(d);
    }
    if (d->scalar_type == NULL) {
        Py_RETURN_NONE;
    }
    Py_INCREF(d->scalar_type);
    return (PyObject *)d->scalar_type;
}

static PyGetSetDef dtype_getset[] = {
    {"name", get_name, NULL, NULL, NULL},
    {"str", get_str, NULL, NULL, NULL},
    {"char", get_char, NULL, NULL, NULL},
    {"kind", get_kind, NULL, NULL, NULL},
    {"itemsize", get_itemsize, NULL, NULL, NULL},
    {"alignment", get_alignment, NULL, NULL, NULL},
    {"byteorder", get_byteorder, NULL, NULL, NULL},
    {"isnative", get_isnative, NULL, NULL, NULL},
    {"isbuiltin", get_isbuiltin, NULL, NULL, NULL},
    {"isalignedstruct", get_isalignedstruct, NULL, NULL, NULL},
    {"descr", get_descr, NULL, NULL, NULL},
    {"fields", get_fields, NULL, NULL, NULL},
    {"names", get_names, NULL, NULL, NULL},
    {"type", get_type, NULL, NULL, NULL},
    {"num", get_num, NULL, NULL, NULL},
    {"flags", get_flags, NULL, NULL, NULL},
    {"shape", get_shape, NULL, NULL, NULL},
    {"ndim", get_ndim, NULL, NULL, NULL},
    {"subdtype", get_subdtype, NULL, NULL, NULL},
    {"metadata", get_none, NULL, NULL, NULL},
    {"hasobject", get_false, NULL, NULL, NULL},
    {"base", get_base, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyObject *
dtype_newbyteorder(PyObject *self, PyObject *args)
{
    const char *order = "S";
    if (!PyArg_ParseTuple(args, "|s:newbyteorder", &order)) {
        return NULL;
    }
    char c = order[0];
    switch (c) {
    case 's': case 'S': c = 'S'; break;
    case 'l': case 'L': case '<': c = '<'; break;
    case 'b': case 'B': case '>': c = '>'; break;
    case 'n': case 'N': case '=': c = '='; break;
    case 'i': case 'I': case '|': c = '|'; break;
    default:
        PyErr_Format(PyExc_ValueError, "%s is an unrecognized byteorder", order);
        return NULL;
    }
    return (PyObject *)with_order((NdmDtype *)self, c);
}

static PyObject *
dtype_reduce(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    NdmDtype *d = (NdmDtype *)self;
    PyObject *spec;
    if (ndm_dtype_is_structured(d)) {
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        PyObject *formats = PyList_New(n), *offsets = PyList_New(n);
        if (formats == NULL || offsets == NULL) {
            Py_XDECREF(formats);
            Py_XDECREF(offsets);
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *tup = PyDict_GetItem(d->fields, PyTuple_GET_ITEM(d->names, i));
            PyObject *a = PyTuple_GET_ITEM(tup, 0), *b = PyTuple_GET_ITEM(tup, 1);
            Py_INCREF(a);
            Py_INCREF(b);
            PyList_SET_ITEM(formats, i, a);
            PyList_SET_ITEM(offsets, i, b);
        }
        spec = Py_BuildValue("{sOsNsNsn}", "names", d->names, "formats", formats,
                             "offsets", offsets, "itemsize", d->itemsize);
    }
    else if (SUB_BASE(d) != NULL) {
        spec = PyTuple_Pack(2, (PyObject *)SUB_BASE(d), SUB_SHAPE(d));
    }
    else {
        spec = dtype_str_code(d);
        if (spec != NULL && d->type_char == 'q') {
            Py_SETREF(spec, PyUnicode_FromString("q"));
        }
        else if (spec != NULL && d->type_char == 'Q') {
            Py_SETREF(spec, PyUnicode_FromString("Q"));
        }
    }
    if (spec == NULL) {
        return NULL;
    }
    return Py_BuildValue("(O(NO))", (PyObject *)Py_TYPE(self), spec,
                         is_aligned_struct(d) ? Py_True : Py_False);
}

static PyMethodDef dtype_methods[] = {
    {"newbyteorder", dtype_newbyteorder, METH_VARARGS, NULL},
    {"__reduce__", dtype_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyObject *
dtype_new(PyTypeObject *Py_UNUSED(type), PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"dtype", "align", "copy", "metadata", NULL};
    PyObject *spec, *metadata = NULL;
    int align = 0, copy = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|ppO:dtype", kwlist,
                                     &spec, &align, &copy, &metadata)) {
        return NULL;
    }
    if (ndm_state.ndarray_type != NULL && NdmArray_Check(spec)) {
        PyErr_SetString(PyExc_TypeError, "Cannot construct a dtype from an array");
        return NULL;
    }
    if (align && NdmDtype_Check(spec) && ndm_dtype_is_structured((NdmDtype *)spec)
            && !is_aligned_struct((NdmDtype *)spec)) {
        NdmDtype *d = (NdmDtype *)spec;
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        PyObject *dts = PyList_New(n);
        if (dts == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            NdmDtype *fd;
            Py_ssize_t off;
            if (ndm_dtype_field_at(d, i, &fd, &off) < 0) {
                Py_DECREF(dts);
                return NULL;
            }
            Py_INCREF(fd);
            PyList_SET_ITEM(dts, i, (PyObject *)fd);
        }
        NdmDtype *r = make_struct(d->names, dts, NULL, -1, 1);
        Py_DECREF(dts);
        return (PyObject *)r;
    }
    return (PyObject *)from_object(spec, align);
}

static Py_hash_t
dtype_hash(PyObject *self)
{
    NdmDtype *d = (NdmDtype *)self;
    if (d->hash != -1) {
        return d->hash;
    }
    PyObject *key;
    if (ndm_dtype_is_structured(d)) {
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        key = PyTuple_New(n + 1);
        if (key == NULL) {
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            NdmDtype *fd;
            Py_ssize_t off;
            if (ndm_dtype_field_at(d, i, &fd, &off) < 0) {
                Py_DECREF(key);
                return -1;
            }
            Py_hash_t fh = dtype_hash((PyObject *)fd);
            PyObject *t = Py_BuildValue("(Onn)", PyTuple_GET_ITEM(d->names, i), (Py_ssize_t)fh, off);
            if (t == NULL) {
                Py_DECREF(key);
                return -1;
            }
            PyTuple_SET_ITEM(key, i, t);
        }
        PyTuple_SET_ITEM(key, n, PyLong_FromSsize_t(d->itemsize));
    }
    else if (SUB_BASE(d) != NULL) {
        key = Py_BuildValue("(nO)", (Py_ssize_t)dtype_hash((PyObject *)SUB_BASE(d)), SUB_SHAPE(d));
    }
    else {
        key = Py_BuildValue("(inii)", d->type_num, d->itemsize, ndm_dtype_isnative(d), 0x5eed);
    }
    if (key == NULL) {
        return -1;
    }
    Py_hash_t h = PyObject_Hash(key);
    Py_DECREF(key);
    if (h == -1 && !PyErr_Occurred()) {
        h = -2;
    }
    d->hash = h;
    return h;
}

static PyObject *
dtype_richcompare(PyObject *self, PyObject *other, int op)
{
    NdmDtype *a = (NdmDtype *)self, *b;
    if (NdmDtype_Check(other)) {
        b = (NdmDtype *)other;
        Py_INCREF(b);
    }
    else {
        b = ndm_dtype_from_object(other);
        if (b == NULL) {
            PyErr_Clear();
            if (op == Py_EQ) {
                Py_RETURN_FALSE;
            }
            if (op == Py_NE) {
                Py_RETURN_TRUE;
            }
            Py_RETURN_NOTIMPLEMENTED;
        }
    }
    int eq = ndm_dtype_equiv(a, b), r;
    switch (op) {
    case Py_EQ: r = eq; break;
    case Py_NE: r = !eq; break;
    case Py_LE: r = ndm_dtype_can_cast(a, b, NDM_SAFE_CASTING); break;
    case Py_LT: r = !eq && ndm_dtype_can_cast(a, b, NDM_SAFE_CASTING); break;
    case Py_GE: r = ndm_dtype_can_cast(b, a, NDM_SAFE_CASTING); break;
    default: r = !eq && ndm_dtype_can_cast(b, a, NDM_SAFE_CASTING); break;
    }
    Py_DECREF(b);
    return PyBool_FromLong(r);
}

static void
dtype_dealloc(PyObject *self)
{
    NdmDtype *d = (NdmDtype *)self;
    PyTypeObject *tp = Py_TYPE(self);
    Py_CLEAR(d->fields);
    Py_CLEAR(d->names);
    Py_CLEAR(d->scalar_type);
    Py_CLEAR(((DtypeFull *)d)->sub_base);
    Py_CLEAR(((DtypeFull *)d)->sub_shape);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static Py_ssize_t
dtype_len(PyObject *self)
{
    NdmDtype *d = (NdmDtype *)self;
    return d->names ? PyTuple_GET_SIZE(d->names) : 0;
}

static PyObject *
dtype_subscript(PyObject *self, PyObject *key)
{
    NdmDtype *d = (NdmDtype *)self;
    if (d->names == NULL) {
        PyErr_Format(PyExc_KeyError, "There are no fields in dtype %S.", self);
        return NULL;
    }
    if (PyUnicode_Check(key)) {
        PyObject *t = PyDict_GetItemWithError(d->fields, key);
        if (t == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_KeyError, "Field named %R not found.", key);
            }
            return NULL;
        }
        PyObject *r = PyTuple_GET_ITEM(t, 0);
        Py_INCREF(r);
        return r;
    }
    if (PyIndex_Check(key)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        Py_ssize_t n = PyTuple_GET_SIZE(d->names);
        if (i == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (i < 0) {
            i += n;
        }
        if (i < 0 || i >= n) {
            PyErr_Format(PyExc_IndexError, "Field index %zd out of range.", i);
            return NULL;
        }
        return dtype_subscript(self, PyTuple_GET_ITEM(d->names, i));
    }
    PyErr_SetString(PyExc_TypeError, "Field key must be an integer field offset, single field name, or list of field names.");
    return NULL;
}

static PyType_Slot dtype_slots[] = {
    {Py_tp_new, dtype_new},
    {Py_tp_dealloc, dtype_dealloc},
    {Py_tp_repr, dtype_repr},
    {Py_tp_str, dtype_strfunc},
    {Py_tp_hash, dtype_hash},
    {Py_tp_richcompare, dtype_richcompare},
    {Py_tp_getset, dtype_getset},
    {Py_tp_methods, dtype_methods},
    {Py_mp_length, dtype_len},
    {Py_mp_subscript, dtype_subscript},
    {0, NULL},
};

static PyType_Spec dtype_spec = {
    .name = "ndmem.dtype",
    .basicsize = sizeof(DtypeFull),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = dtype_slots,
};

/* ------------------------------------------------------------------ */
/* Promotion and can_cast                                             */
/* ------------------------------------------------------------------ */

/* bit i of safe_to[t]: t casts safely to i */
static int
numeric_safe(int a, int b)
{
    if (a == b || a == NDM_BOOL) {
        return 1;
    }
    char ka = binfo[a].kind, kb = binfo[b].kind;
    int sa = binfo[a].size, sb = binfo[b].size;
    switch (ka) {
    case 'i':
        if (kb == 'i') return sb >= sa;
        if (kb == 'u' || kb == 'b') return 0;
        if (kb == 'f') return sa == 1 ? 1 : sa == 2 ? sb >= 4 : sb >= 8;
        return sa <= 2 ? 1 : sb >= 16;
    case 'u':
        if (kb == 'u') return sb >= sa;
        if (kb == 'i') return sb > sa;
        if (kb == 'b') return 0;
        if (kb == 'f') return sa == 1 ? 1 : sa == 2 ? sb >= 4 : sb >= 8;
        return sa <= 2 ? 1 : sb >= 16;
    case 'f':
        if (kb == 'f') return sb >= sa;
        if (kb == 'c') return sb >= 2 * sa;
        return 0;
    case 'c':
        return kb == 'c' && sb >= sa;
    }
    return 0;
}

static const int promo_order[NDM_NNUMERIC] = {
    NDM_BOOL, NDM_INT8, NDM_UINT8, NDM_INT16, NDM_UINT16, NDM_FLOAT16, NDM_INT32,
    NDM_UINT32, NDM_FLOAT32, NDM_INT64, NDM_UINT64, NDM_FLOAT64, NDM_COMPLEX64,
    NDM_COMPLEX128,
};

static int
kind_rank(char k)
{
    switch (k) {
    case 'b': return 0;
    case 'u': return 1;
    case 'i': return 2;
    case 'f': return 3;
    case 'c': return 4;
    }
    return 5;
}

/* characters needed to print any value of numeric type t */
static Py_ssize_t
str_len_of(int t)
{
    static const Py_ssize_t lens[NDM_NNUMERIC] = {5, 4, 3, 6, 5, 11, 10, 21, 20, 32, 32, 32, 64, 64};
    return lens[t];
}

/* NumPy's numpy.exceptions.DTypePromotionError (a TypeError);
 * ndmem._core._DTypePromotionError */
static PyObject *promotion_error_type;

static PyObject *
promotion_error(NdmDtype *a, NdmDtype *b)
{
    PyErr_Format(promotion_error_type ? promotion_error_type : PyExc_TypeError,
                 "The DType %R could not be promoted by %R. This means that no common "
                 "DType exists for the given inputs.", a, b);
    return NULL;
}

static NdmDtype *
promote_struct(NdmDtype *a, NdmDtype *b)
{
    int eq = PyObject_RichCompareBool(a->names, b->names, Py_EQ);
    if (eq < 0) {
        return NULL;
    }
    if (!eq) {
        PyErr_Format(promotion_error_type, "field names `%R` and `%R` mismatch.", a->names, b->names);
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(a->names);
    PyObject *dts = PyList_New(n);
    if (dts == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fa, *fb, *p;
        Py_ssize_t oa, ob;
        if (ndm_dtype_field_at(a, i, &fa, &oa) < 0 || ndm_dtype_field_at(b, i, &fb, &ob) < 0
                || (p = ndm_dtype_promote(fa, fb)) == NULL) {
            Py_DECREF(dts);
            return NULL;
        }
        PyList_SET_ITEM(dts, i, (PyObject *)p);
    }
    NdmDtype *r = make_struct(a->names, dts, NULL, -1,
                              is_aligned_struct(a) || is_aligned_struct(b));
    Py_DECREF(dts);
    return r;
}

NdmDtype *
ndm_dtype_promote(NdmDtype *a, NdmDtype *b)
{
    int ta = a->type_num, tb = b->type_num;
    if (ta < NDM_NNUMERIC && tb < NDM_NNUMERIC) {
        for (int i = 0; i < NDM_NNUMERIC; i++) {
            int t = promo_order[i];
            if (numeric_safe(ta, t) && numeric_safe(tb, t)) {
                return ndm_dtype_builtin(t);
            }
        }
        return ndm_dtype_builtin(NDM_FLOAT64);
    }
    if (ta == NDM_VOID || tb == NDM_VOID) {
        if (ta == tb && ndm_dtype_equiv(a, b)) {
            return ndm_dtype_native(a);
        }
        if (ndm_dtype_is_structured(a) && ndm_dtype_is_structured(b)) {
            return promote_struct(a, b);
        }
        if (ta == tb && !ndm_dtype_is_structured(a) && !ndm_dtype_is_structured(b)) {
            PyErr_SetString(promotion_error_type,
                            "Invalid type promotion with void datatypes of different lengths. "
                            "Use the `np.bytes_` datatype instead to pad the shorter value with "
                            "trailing zero bytes.");
            return NULL;
        }
        return (NdmDtype *)promotion_error(a, b);
    }
    /* strings: lengths in characters */
    Py_ssize_t la = ta == NDM_UNICODE ? a->itemsize / 4 : ta == NDM_BYTES ? a->itemsize : str_len_of(ta);
    Py_ssize_t lb = tb == NDM_UNICODE ? b->itemsize / 4 : tb == NDM_BYTES ? b->itemsize : str_len_of(tb);
    Py_ssize_t n = la > lb ? la : lb;
    if (ta == NDM_UNICODE || tb == NDM_UNICODE) {
        return ndm_dtype_new_flexible(NDM_UNICODE, 4 * n);
    }
    return ndm_dtype_new_flexible(NDM_BYTES, n);
}

int
ndm_casting_converter(PyObject *obj, NdmCasting *out)
{
    const char *s = PyUnicode_Check(obj) ? PyUnicode_AsUTF8(obj) : NULL;
    if (s != NULL) {
        if (strcmp(s, "no") == 0) { *out = NDM_NO_CASTING; return 1; }
        if (strcmp(s, "equiv") == 0) { *out = NDM_EQUIV_CASTING; return 1; }
        if (strcmp(s, "safe") == 0) { *out = NDM_SAFE_CASTING; return 1; }
        if (strcmp(s, "same_kind") == 0) { *out = NDM_SAME_KIND_CASTING; return 1; }
        if (strcmp(s, "unsafe") == 0) { *out = NDM_UNSAFE_CASTING; return 1; }
    }
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError,
                 "casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' "
                 "(got %R)", obj);
    return 0;
}

static int
struct_can_cast(NdmDtype *from, NdmDtype *to, NdmCasting casting)
{
    /* by field name, as NumPy: names must match for casts better than unsafe */
    if (!ndm_dtype_is_structured(from) || !ndm_dtype_is_structured(to)) {
        return casting == NDM_UNSAFE_CASTING;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(from->names);
    if (PyTuple_GET_SIZE(to->names) != n) {
        return casting == NDM_UNSAFE_CASTING;
    }
    int layout_same = from->itemsize == to->itemsize;
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fa, *fb;
        Py_ssize_t oa, ob;
        if (ndm_dtype_field_at(from, i, &fa, &oa) < 0 || ndm_dtype_field_at(to, i, &fb, &ob) < 0) {
            PyErr_Clear();
            return 0;
        }
        int eq = PyObject_RichCompareBool(PyTuple_GET_ITEM(from->names, i),
                                          PyTuple_GET_ITEM(to->names, i), Py_EQ);
        if (eq < 0) {
            PyErr_Clear();
            return 0;
        }
        if (eq == 0 && casting <= NDM_EQUIV_CASTING) {
            return 0;
        }
        if (!ndm_dtype_can_cast(fa, fb, casting)) {
            return 0;
        }
        if (oa != ob) {
            layout_same = 0;
        }
    }
    if (casting <= NDM_EQUIV_CASTING && !layout_same) {
        return 0;
    }
    return 1;
}

int
ndm_dtype_can_cast(NdmDtype *from, NdmDtype *to, NdmCasting casting)
{
    if (casting == NDM_UNSAFE_CASTING) {
        return 1;
    }
    int ta = from->type_num, tb = to->type_num;
    if (ndm_dtype_is_structured(from) || ndm_dtype_is_structured(to)) {
        return struct_can_cast(from, to, casting);
    }
    if (SUB_BASE(from) != NULL || SUB_BASE(to) != NULL) {
        if (SUB_BASE(from) != NULL && SUB_BASE(to) != NULL
                && PyObject_RichCompareBool(SUB_SHAPE(from), SUB_SHAPE(to), Py_EQ) == 1) {
            return ndm_dtype_can_cast(SUB_BASE(from), SUB_BASE(to), casting);
        }
        PyErr_Clear();
        return 0;
    }
    if (casting == NDM_NO_CASTING || casting == NDM_EQUIV_CASTING) {
        if (ta != tb || from->itemsize != to->itemsize) {
            /* unsized flexible targets take any size of the same kind */
            return ta == tb && to->itemsize == 0 && ta >= NDM_NNUMERIC;
        }
        if (casting == NDM_NO_CASTING) {
            return ndm_dtype_isnative(from) == ndm_dtype_isnative(to);
        }
        return 1;
    }
    if (ta < NDM_NNUMERIC && tb < NDM_NNUMERIC) {
        if (numeric_safe(ta, tb)) {
            return 1;
        }
        if (casting == NDM_SAME_KIND_CASTING) {
            char ka = binfo[ta].kind, kb = binfo[tb].kind;
            if (ka == 'i' && kb == 'u') {
                return 0;
            }
            return kind_rank(ka) <= kind_rank(kb);
        }
        return 0;
    }
    if (tb == NDM_VOID) {
        return to->itemsize == 0 || to->itemsize >= from->itemsize;
    }
    if (ta == NDM_VOID) {
        return 0;
    }
    if (tb == NDM_BYTES || tb == NDM_UNICODE) {
        if (ta == NDM_UNICODE && tb == NDM_BYTES) {
            return 0;
        }
        if (to->itemsize == 0 || casting == NDM_SAME_KIND_CASTING) {
            return 1;
        }
        Py_ssize_t need = ta == NDM_UNICODE ? from->itemsize / 4 : ta == NDM_BYTES ? from->itemsize : str_len_of(ta);
        Py_ssize_t have = tb == NDM_UNICODE ? to->itemsize / 4 : to->itemsize;
        return have >= need;
    }
    /* string -> numeric */
    return 0;
}

/* ------------------------------------------------------------------ */
/* Module functions                                                   */
/* ------------------------------------------------------------------ */

static NdmDtype *
strong_dtype_of(PyObject *obj)
{
    if (ndm_state.ndarray_type != NULL && NdmArray_Check(obj)) {
        NdmDtype *d = ((NdmArray *)obj)->descr;
        Py_INCREF(d);
        return d;
    }
    if (ndm_scalar_check(obj)) {
        return ndm_scalar_get_dtype(obj);
    }
    return ndm_dtype_from_object(obj);
}

static PyObject *
mod_promote_types(PyObject *Py_UNUSED(m), PyObject *args)
{
    PyObject *o1, *o2;
    if (!PyArg_ParseTuple(args, "OO:promote_types", &o1, &o2)) {
        return NULL;
    }
    NdmDtype *a = ndm_dtype_from_object(o1), *b = a ? ndm_dtype_from_object(o2) : NULL;
    PyObject *r = NULL;
    if (a != NULL && b != NULL) {
        r = (PyObject *)ndm_dtype_promote(a, b);
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    return r;
}

static PyObject *
mod_can_cast(PyObject *Py_UNUSED(m), PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"from_", "to", "casting", NULL};
    PyObject *from, *to;
    NdmCasting casting = NDM_SAFE_CASTING;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|O&:can_cast", kwlist, &from, &to,
                                     ndm_casting_converter, &casting)) {
        return NULL;
    }
    if (PyLong_Check(from) || PyFloat_Check(from) || PyComplex_Check(from)) {
        if (!ndm_scalar_check(from)) {
            PyErr_SetString(PyExc_TypeError,
                            "can_cast() does not support Python ints, floats, and complex "
                            "because the result used to depend on the value.\nThis change was "
                            "part of adopting NEP 50, we may explicitly allow them again in the future.");
            return NULL;
        }
    }
    NdmDtype *a = strong_dtype_of(from);
    if (a == NULL) {
        return NULL;
    }
    NdmDtype *b = ndm_dtype_from_object(to);
    if (b == NULL) {
        Py_DECREF(a);
        return NULL;
    }
    int r = ndm_dtype_can_cast(a, b, casting);
    Py_DECREF(a);
    Py_DECREF(b);
    return PyBool_FromLong(r);
}

static PyObject *
mod_result_type(PyObject *Py_UNUSED(m), PyObject *args)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    NdmDtype *res = NULL;
    int weak = -1;   /* highest weak kind: 0 int, 1 float, 2 complex */
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "at least one array or dtype is required");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *o = PyTuple_GET_ITEM(args, i);
        if (!ndm_scalar_check(o) && !PyBool_Check(o)
                && (PyLong_Check(o) || PyFloat_Check(o) || PyComplex_Check(o))) {
            int k = PyLong_Check(o) ? 0 : PyFloat_Check(o) ? 1 : 2;
            if (k > weak) {
                weak = k;
            }
            continue;
        }
        NdmDtype *d = PyBool_Check(o) ? ndm_dtype_builtin(NDM_BOOL) : strong_dtype_of(o);
        if (d == NULL) {
            Py_XDECREF(res);
            return NULL;
        }
        if (res == NULL) {
            res = d;
            if (!ndm_dtype_is_structured(res) && !ndm_dtype_isnative(res)) {
                Py_SETREF(res, ndm_dtype_native(res));
                if (res == NULL) {
                    return NULL;
                }
            }
        }
        else {
            NdmDtype *p = ndm_dtype_promote(res, d);
            Py_DECREF(d);
            Py_DECREF(res);
            if (p == NULL) {
                return NULL;
            }
            res = p;
        }
    }
    if (weak < 0) {
        return (PyObject *)res;
    }
    int wt = weak == 0 ? NDM_INT64 : weak == 1 ? NDM_FLOAT64 : NDM_COMPLEX128;
    if (res == NULL) {
        return (PyObject *)ndm_dtype_builtin(wt);
    }
    if (res->type_num >= NDM_NNUMERIC) {
        NdmDtype *w = ndm_dtype_builtin(wt);
        if (w != NULL) {
            promotion_error(res, w);
            Py_DECREF(w);
        }
        Py_DECREF(res);
        return NULL;
    }
    int rk = kind_rank(res->kind);   /* b0 u1 i2 f3 c4 */
    int wk = weak == 0 ? 2 : weak == 1 ? 3 : 4;
    if (weak == 0 && rk >= 1) {
        return (PyObject *)res;
    }
    if (weak == 0) {
        Py_DECREF(res);
        return (PyObject *)ndm_dtype_builtin(NDM_INT64);
    }
    if (rk >= wk) {
        return (PyObject *)res;
    }
    int t;
    if (weak == 1) {
        t = NDM_FLOAT64;
    }
    else if (res->kind == 'f') {
        t = res->type_num == NDM_FLOAT64 ? NDM_COMPLEX128 : NDM_COMPLEX64;
    }
    else {
        t = NDM_COMPLEX128;
    }
    Py_DECREF(res);
    return (PyObject *)ndm_dtype_builtin(t);
}

static PyMethodDef dtype_module_functions[] = {
    {"promote_types", mod_promote_types, METH_VARARGS, "promote_types(type1, type2)"},
    {"can_cast", (PyCFunction)(void (*)(void))mod_can_cast, METH_VARARGS | METH_KEYWORDS,
     "can_cast(from_, to, casting='safe')"},
    {"result_type", mod_result_type, METH_VARARGS, "result_type(*arrays_and_dtypes)"},
    {NULL, NULL, 0, NULL},
};

int
ndm_dtype_init(PyObject *module)
{
    PyObject *tp = PyType_FromModuleAndSpec(module, &dtype_spec, NULL);
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
    if (promotion_error_type == NULL) {
        promotion_error_type = PyErr_NewExceptionWithDoc(
            "ndmem.exceptions.DTypePromotionError",
            "Multiple DTypes could not be converted to a common one.",
            PyExc_TypeError, NULL);
        if (promotion_error_type == NULL) {
            return -1;
        }
    }
    if (PyModule_AddObjectRef(module, "_DTypePromotionError", promotion_error_type) < 0) {
        return -1;
    }
    if (PyModule_AddFunctions(module, dtype_module_functions) < 0) {
        return -1;
    }
    return 0;
}

NdmDtype *
ndm_dtype_adapt_flexible(NdmDtype *from, NdmDtype *to)
{
    if (to->itemsize != 0 || ndm_dtype_is_structured(to) || to->type_num < NDM_NNUMERIC) {
        Py_INCREF(to);
        return to;
    }
    Py_ssize_t n;
    if (to->type_num == NDM_VOID) {
        n = from->itemsize;
    }
    else if (from->type_num == NDM_UNICODE) {
        n = from->itemsize / 4;
    }
    else if (from->type_num == NDM_BYTES || from->type_num == NDM_VOID) {
        n = from->itemsize;
    }
    else {
        n = str_len_of(from->type_num);
    }
    if (from->type_num == to->type_num) {
        Py_INCREF(from);
        return from;
    }
    return ndm_dtype_new_flexible(to->type_num, to->type_num == NDM_UNICODE ? 4 * n : n);
}
