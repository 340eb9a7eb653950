/* The ndmem.dtype type: attributes (str, name, descr, fields, flags ...),
 * repr/str of every kind of descriptor, newbyteorder, pickling, dtype(),
 * hashing and equality, len() and fields by name or index. */
#include "dtype.h"
#include "scalar.h"
#include "ndarray.h"
#include "dtype_internal.h"
#include <stdarg.h>

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
        return PyUnicode_FromString(ndm_dtype_binfo[d->type_num].name);
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
            return PyUnicode_FromFormat("dtype('%s')", ndm_dtype_binfo[d->type_num].name);
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
        return PyUnicode_FromString(ndm_dtype_binfo[d->type_num].name);
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
    int num = d->type_num < NDM_NNUMERIC ? ndm_dtype_binfo[d->type_num].num
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
        ndm_dtype_set_scalar_type(d);
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
    return (PyObject *)ndm_dtype_with_order((NdmDtype *)self, c);
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
        NdmDtype *r = ndm_dtype_make_struct(d->names, dts, NULL, -1, 1);
        Py_DECREF(dts);
        return (PyObject *)r;
    }
    return (PyObject *)ndm_dtype_from_object_align(spec, align);
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

PyType_Spec ndm_dtype_spec = {
    .name = "ndmem.dtype",
    .basicsize = sizeof(DtypeFull),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = dtype_slots,
};
