/* The buffer protocol, both ways.
 *
 * Export: ndarray's bf_getbuffer/bf_releasebuffer with NumPy's PEP 3118
 * format strings ('d', '>q', 'Zd', '3s', '3w', 'T{b:a:=i:b:}' ...).  The
 * shape, strides and format of one export live in one block allocated per
 * export (view->internal) and freed in releasebuffer.
 *
 * Import: ndm_buffer_acquire (frombuffer's rule for the base object) and
 * ndm_buffer_as_array (np.asarray(exporter): a view with the exporter's
 * dtype, shape and strides, kept alive through a memoryview). */
#include "ndarray.h"

/* ------------------------------------------------------------------ */
/* a growable string                                                   */

typedef struct {
    char *s;
    size_t len;
    size_t cap;
} Str;

static int
str_grow(Str *str, size_t extra)
{
    if (str->len + extra + 1 <= str->cap) {
        return 0;
    }
    size_t cap = str->cap ? str->cap : 32;
    while (cap < str->len + extra + 1) {
        cap *= 2;
    }
    char *s = PyMem_Realloc(str->s, cap);
    if (s == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    str->s = s;
    str->cap = cap;
    return 0;
}

static int
str_char(Str *str, char c)
{
    if (str_grow(str, 1) < 0) {
        return -1;
    }
    str->s[str->len++] = c;
    str->s[str->len] = '\0';
    return 0;
}

static int
str_cat(Str *str, const char *text)
{
    size_t n = strlen(text);
    if (str_grow(str, n) < 0) {
        return -1;
    }
    memcpy(str->s + str->len, text, n + 1);
    str->len += n;
    return 0;
}

/* ------------------------------------------------------------------ */
/* export: dtype -> PEP 3118 format (NumPy's _buffer_format_string)     */

static int
natively_aligned_at(NdmDtype *descr, NdmArray *arr, Py_ssize_t offset)
{
    if (descr == arr->descr) {
        return (arr->flags & NDM_ALIGNED) != 0;
    }
    Py_ssize_t align = descr->alignment > 0 ? descr->alignment : 1;
    if ((uintptr_t)arr->data % (uintptr_t)align != 0) {
        return 0;
    }
    if (offset % align != 0 || descr->itemsize % align != 0) {
        return 0;
    }
    for (int k = 0; k < arr->nd; k++) {
        if (arr->shape[k] > 1 && arr->strides[k] % align != 0) {
            return 0;
        }
    }
    return 1;
}

/* The byte order as NumPy's descr->byteorder would read: '=' for native
 * multi-byte types whatever spelling the dtype keeps, '|' when order does
 * not apply. */
static char
effective_byteorder(NdmDtype *d)
{
    if (d->byteorder == '|') {
        return '|';
    }
    if (ndm_dtype_isnative(d)) {
        return '=';
    }
    return d->byteorder;
}

static int
format_append(NdmDtype *descr, Str *str, NdmArray *arr, Py_ssize_t *offset,
              char *active)
{
    char buf[64];

    if (ndm_dtype_is_structured(descr)) {
        Py_ssize_t base_offset = *offset;
        if (str_cat(str, "T{") < 0) {
            return -1;
        }
        Py_ssize_t n = PyTuple_GET_SIZE(descr->names);
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *name = PyTuple_GET_ITEM(descr->names, k);
            PyObject *item = PyDict_GetItemWithError(descr->fields, name);
            if (item == NULL || !PyTuple_Check(item) || PyTuple_GET_SIZE(item) < 2
                    || !NdmDtype_Check(PyTuple_GET_ITEM(item, 0))) {
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_ValueError, "invalid field in structured dtype");
                }
                return -1;
            }
            NdmDtype *child = (NdmDtype *)PyTuple_GET_ITEM(item, 0);
            Py_ssize_t new_offset = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 1));
            if (new_offset == -1 && PyErr_Occurred()) {
                return -1;
            }
            new_offset += base_offset;
            if (*offset > new_offset) {
                PyErr_SetString(PyExc_ValueError,
                                "dtypes with overlapping or out-of-order fields are not "
                                "representable as buffers. Consider reordering the fields.");
                return -1;
            }
            while (*offset < new_offset) {
                if (str_char(str, 'x') < 0) {
                    return -1;
                }
                ++*offset;
            }
            if (format_append(child, str, arr, offset, active) < 0) {
                return -1;
            }
            const char *utf8 = PyUnicode_AsUTF8(name);
            if (utf8 == NULL) {
                return -1;
            }
            if (strchr(utf8, ':') != NULL) {
                PyErr_SetString(PyExc_ValueError,
                                "':' is not an allowed character in buffer field names");
                return -1;
            }
            if (str_char(str, ':') < 0 || str_cat(str, utf8) < 0 || str_char(str, ':') < 0) {
                return -1;
            }
        }
        /* NumPy 2 writes no trailing padding; the item size says it */
        *offset = base_offset + descr->itemsize;
        return str_char(str, '}');
    }

    int standard = 1;
    char order = effective_byteorder(descr);
    int aligned = natively_aligned_at(descr, arr, *offset);
    *offset += descr->itemsize;
    if (order == '=' && aligned) {
        standard = 0;
        if (*active != '@') {
            if (str_char(str, '@') < 0) {
                return -1;
            }
            *active = '@';
        }
    }
    else if (order == '<' || order == '>' || order == '=') {
        if (*active != order) {
            if (str_char(str, order) < 0) {
                return -1;
            }
            *active = order;
        }
    }

    const char *code = NULL;
    switch (descr->type_num) {
        case NDM_BOOL: code = "?"; break;
        case NDM_INT8: code = "b"; break;
        case NDM_UINT8: code = "B"; break;
        case NDM_INT16: code = "h"; break;
        case NDM_UINT16: code = "H"; break;
        case NDM_INT32: code = "i"; break;
        case NDM_UINT32: code = "I"; break;
        case NDM_INT64: code = standard ? "q" : "l"; break;
        case NDM_UINT64: code = standard ? "Q" : "L"; break;
        case NDM_FLOAT16: code = "e"; break;
        case NDM_FLOAT32: code = "f"; break;
        case NDM_FLOAT64: code = "d"; break;
        case NDM_COMPLEX64: code = "Zf"; break;
        case NDM_COMPLEX128: code = "Zd"; break;
        case NDM_BYTES:
            PyOS_snprintf(buf, sizeof(buf), "%zds", descr->itemsize);
            code = buf;
            break;
        case NDM_UNICODE:
            PyOS_snprintf(buf, sizeof(buf), "%zdw", descr->itemsize / 4);
            code = buf;
            break;
        case NDM_VOID:
            PyOS_snprintf(buf, sizeof(buf), "%zdx", descr->itemsize);
            code = buf;
            break;
        default:
            PyErr_Format(PyExc_ValueError, "cannot include dtype '%c' in a buffer",
                         descr->type_char);
            return -1;
    }
    return str_cat(str, code);
}

/* One block per export: shape, strides, then the format string. */
typedef struct {
    Py_ssize_t *shape;
    Py_ssize_t *strides;
    char *format;
} ExportInfo;

int
ndm_buffer_getbuffer(PyObject *obj, Py_buffer *view, int flags)
{
    NdmArray *self = (NdmArray *)obj;
    Str fmt = {NULL, 0, 0};
    ExportInfo *info = NULL;

    if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS
            && !(self->flags & NDM_C_CONTIGUOUS)) {
        PyErr_SetString(PyExc_ValueError, "ndarray is not C-contiguous");
        return -1;
    }
    if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS
            && !(self->flags & NDM_F_CONTIGUOUS)) {
        PyErr_SetString(PyExc_ValueError, "ndarray is not Fortran contiguous");
        return -1;
    }
    if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS
            && !(self->flags & (NDM_C_CONTIGUOUS | NDM_F_CONTIGUOUS))) {
        PyErr_SetString(PyExc_ValueError, "ndarray is not contiguous");
        return -1;
    }
    if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES
            && !(self->flags & NDM_C_CONTIGUOUS)) {
        PyErr_SetString(PyExc_ValueError, "ndarray is not C-contiguous");
        return -1;
    }
    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && !(self->flags & NDM_WRITEABLE)) {
        PyErr_SetString(PyExc_ValueError, "buffer source array is read-only");
        return -1;
    }
    if (view == NULL) {
        PyErr_SetString(PyExc_ValueError, "NULL view in getbuffer");
        return -1;
    }

    if ((flags & PyBUF_FORMAT) == PyBUF_FORMAT) {
        Py_ssize_t offset = 0;
        char active = '@';
        if (format_append(self->descr, &fmt, self, &offset, &active) < 0) {
            goto fail;
        }
        if (fmt.s == NULL && str_cat(&fmt, "") < 0) {
            goto fail;
        }
    }

    int nd = self->nd;
    size_t fmtlen = fmt.s ? fmt.len + 1 : 0;
    info = PyMem_Malloc(sizeof(ExportInfo) + 2 * (size_t)nd * sizeof(Py_ssize_t) + fmtlen);
    if (info == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    info->shape = (Py_ssize_t *)(info + 1);
    info->strides = info->shape + nd;
    info->format = NULL;
    if (fmt.s != NULL) {
        info->format = (char *)(info->strides + nd);
        memcpy(info->format, fmt.s, fmtlen);
    }
    PyMem_Free(fmt.s);
    fmt.s = NULL;

    int want_f = (flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS;
    Py_ssize_t itemsize = self->descr->itemsize;
    if ((self->flags & NDM_C_CONTIGUOUS)
            && !(want_f && (self->flags & NDM_F_CONTIGUOUS))) {
        Py_ssize_t sd = itemsize;
        for (int k = nd - 1; k >= 0; k--) {
            info->shape[k] = self->shape[k];
            info->strides[k] = sd;
            sd *= self->shape[k];
        }
    }
    else if (self->flags & NDM_F_CONTIGUOUS) {
        Py_ssize_t sd = itemsize;
        for (int k = 0; k < nd; k++) {
            info->shape[k] = self->shape[k];
            info->strides[k] = sd;
            sd *= self->shape[k];
        }
    }
    else {
        for (int k = 0; k < nd; k++) {
            info->shape[k] = self->shape[k];
            info->strides[k] = self->strides[k];
        }
    }

    view->buf = self->data;
    view->suboffsets = NULL;
    view->itemsize = itemsize;
    view->readonly = !(self->flags & NDM_WRITEABLE);
    view->internal = info;
    view->len = ndm_array_nbytes(self);
    view->format = ((flags & PyBUF_FORMAT) == PyBUF_FORMAT) ? info->format : NULL;
    if ((flags & PyBUF_ND) == PyBUF_ND) {
        view->ndim = nd;
        view->shape = nd ? info->shape : NULL;
    }
    else {
        view->ndim = 0;
        view->shape = NULL;
    }
    view->strides = ((flags & PyBUF_STRIDES) == PyBUF_STRIDES && nd) ? info->strides : NULL;
    Py_INCREF(obj);
    view->obj = obj;
    return 0;

fail:
    PyMem_Free(fmt.s);
    PyMem_Free(info);
    return -1;
}

void
ndm_buffer_releasebuffer(PyObject *Py_UNUSED(self), Py_buffer *view)
{
    if (view != NULL && view->internal != NULL) {
        PyMem_Free(view->internal);
        view->internal = NULL;
    }
}

/* ------------------------------------------------------------------ */
/* import: PEP 3118 format -> dtype (NumPy's _dtype_from_pep3118)       */

typedef struct {
    const char *s;
    char order;     /* '@' '=' '<' '>' '^' */
} Parser;

static void
skip_space(Parser *p)
{
    while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r') {
        p->s++;
    }
}

/* A leaf type letter into a dtype spec string like "<i4".  Sets *align.
 * Returns 0, or -1 (unknown letter, no exception). */
static int
leaf_spec(Parser *p, char letter, int complex_, Py_ssize_t count,
          char *spec, size_t specsize, Py_ssize_t *itemsize, Py_ssize_t *align)
{
    int native = (p->order == '@' || p->order == '^');
    char kind = 0;
    Py_ssize_t size = 0;
    switch (letter) {
        case '?': kind = 'b'; size = 1; break;
        case 'c': kind = 'S'; size = 1; break;
        case 'b': kind = 'i'; size = 1; break;
        case 'B': kind = 'u'; size = 1; break;
        case 'h': kind = 'i'; size = 2; break;
        case 'H': kind = 'u'; size = 2; break;
        case 'i': kind = 'i'; size = 4; break;
        case 'I': kind = 'u'; size = 4; break;
        case 'l': kind = 'i'; size = native ? (Py_ssize_t)sizeof(long) : 4; break;
        case 'L': kind = 'u'; size = native ? (Py_ssize_t)sizeof(long) : 4; break;
        case 'q': kind = 'i'; size = 8; break;
        case 'Q': kind = 'u'; size = 8; break;
        case 'n': if (!native) return -1; kind = 'i'; size = sizeof(Py_ssize_t); break;
        case 'N': if (!native) return -1; kind = 'u'; size = sizeof(size_t); break;
        case 'e': kind = 'f'; size = 2; break;
        case 'f': kind = complex_ ? 'c' : 'f'; size = complex_ ? 8 : 4; break;
        case 'd': kind = complex_ ? 'c' : 'f'; size = complex_ ? 16 : 8; break;
        case 's': kind = 'S'; size = count; break;
        case 'w': kind = 'U'; size = count * 4; break;
        case 'x': kind = 'V'; size = count; break;
        default: return -1;
    }
    if (complex_ && kind != 'c') {
        return -1;
    }
    char order;
    switch (p->order) {
        case '<': order = '<'; break;
        case '>': order = '>'; break;
        default:
#if PY_BIG_ENDIAN
            order = '>';
#else
            order = '<';
#endif
    }
    if (kind == 'b') {
        PyOS_snprintf(spec, specsize, "?");
    }
    else if (kind == 'S' || kind == 'V' || size == 1) {
        PyOS_snprintf(spec, specsize, "|%c%zd", kind, size);
    }
    else if (kind == 'U') {
        PyOS_snprintf(spec, specsize, "%cU%zd", order, count);
    }
    else {
        PyOS_snprintf(spec, specsize, "%c%c%zd", order, kind, size);
    }
    *itemsize = size;
    if (kind == 'S' || kind == 'V' || kind == 'b') {
        *align = 1;
    }
    else if (kind == 'U') {
        *align = 4;
    }
    else if (kind == 'c') {
        *align = size / 2;
    }
    else {
        *align = size;
    }
    return 0;
}

static Py_ssize_t
lcm(Py_ssize_t a, Py_ssize_t b)
{
    Py_ssize_t x = a, y = b;
    while (y != 0) {
        Py_ssize_t t = x % y;
        x = y;
        y = t;
    }
    return x ? a / x * b : 1;
}

static PyObject *parse_struct(Parser *p, int nested, Py_ssize_t *itemsize_out,
                              Py_ssize_t *align_out, Py_ssize_t want_itemsize);

/* Item: [shape][count]letter or T{...}, new reference to a dtype spec
 * object (str, dict, or (spec, shape) tuple).  *is_padding for 'x'. */
static PyObject *
parse_item(Parser *p, Py_ssize_t *itemsize, Py_ssize_t *align, int *is_padding)
{
    PyObject *shape = NULL;
    PyObject *spec = NULL;
    *is_padding = 0;

    skip_space(p);
    if (*p->s == '(') {
        shape = PyList_New(0);
        if (shape == NULL) {
            return NULL;
        }
        p->s++;
        for (;;) {
            skip_space(p);
            char *end;
            long v = strtol(p->s, &end, 10);
            if (end == p->s) {
                goto bad;
            }
            p->s = end;
            PyObject *o = PyLong_FromLong(v);
            if (o == NULL || PyList_Append(shape, o) < 0) {
                Py_XDECREF(o);
                goto fail;
            }
            Py_DECREF(o);
            skip_space(p);
            if (*p->s == ',') {
                p->s++;
                continue;
            }
            if (*p->s == ')') {
                p->s++;
                break;
            }
            goto bad;
        }
        skip_space(p);
    }
    Py_ssize_t count = 1;
    int has_count = 0;
    if (*p->s >= '0' && *p->s <= '9') {
        char *end;
        count = (Py_ssize_t)strtol(p->s, &end, 10);
        p->s = end;
        has_count = 1;
    }
    if (*p->s == 'T' && p->s[1] == '{') {
        p->s += 2;
        spec = parse_struct(p, 1, itemsize, align, 0);
        if (spec == NULL) {
            goto fail;
        }
    }
    else {
        int complex_ = 0;
        if (*p->s == 'Z') {
            complex_ = 1;
            p->s++;
        }
        char letter = *p->s;
        if (letter == '\0') {
            goto bad;
        }
        p->s++;
        char buf[64];
        if (leaf_spec(p, letter, complex_, count, buf, sizeof(buf), itemsize, align) < 0) {
            goto bad;
        }
        if (letter == 's' || letter == 'w' || letter == 'x') {
            has_count = 0;
            count = 1;
        }
        *is_padding = letter == 'x';
        spec = PyUnicode_FromString(buf);
        if (spec == NULL) {
            goto fail;
        }
    }
    if (has_count && count != 1) {
        PyObject *t = Py_BuildValue("(O(n))", spec, count);
        Py_SETREF(spec, t);
        if (spec == NULL) {
            goto fail;
        }
        *itemsize *= count;
    }
    if (shape != NULL) {
        Py_ssize_t total = 1;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(shape); i++) {
            total *= PyLong_AsSsize_t(PyList_GET_ITEM(shape, i));
        }
        PyObject *tshape = PyList_AsTuple(shape);
        if (tshape == NULL) {
            goto fail;
        }
        PyObject *t = PyTuple_Pack(2, spec, tshape);
        Py_DECREF(tshape);
        Py_SETREF(spec, t);
        if (spec == NULL) {
            goto fail;
        }
        *itemsize *= total;
    }
    Py_XDECREF(shape);
    return spec;

bad:
    PyErr_SetString(PyExc_ValueError, "invalid PEP 3118 format");
fail:
    Py_XDECREF(shape);
    Py_XDECREF(spec);
    return NULL;
}

/* The body of T{...} (nested) or a whole format (top level).  Returns a
 * dict spec {'names','formats','offsets','itemsize'}, or at top level a
 * single unnamed item unwrapped. */
static PyObject *
parse_struct(Parser *p, int nested, Py_ssize_t *itemsize_out, Py_ssize_t *align_out,
             Py_ssize_t want_itemsize)
{
    PyObject *names = PyList_New(0);
    PyObject *formats = PyList_New(0);
    PyObject *offsets = PyList_New(0);
    PyObject *result = NULL;
    Py_ssize_t offset = 0, common_align = 1, extra = 0;
    Py_ssize_t last_size = 0;
    int last_padding = 0;
    int auto_name = 0;

    if (names == NULL || formats == NULL || offsets == NULL) {
        goto fail;
    }
    for (;;) {
        skip_space(p);
        char c = *p->s;
        if (c == '\0') {
            if (nested) {
                goto bad;
            }
            break;
        }
        if (c == '}') {
            if (!nested) {
                goto bad;
            }
            p->s++;
            break;
        }
        if (c == '@' || c == '=' || c == '<' || c == '>' || c == '^' || c == '!') {
            p->order = c == '!' ? '>' : c;
            p->s++;
            continue;
        }
        Py_ssize_t size = 0, align = 1;
        int padding = 0;
        PyObject *spec = parse_item(p, &size, &align, &padding);
        if (spec == NULL) {
            goto fail;
        }
        if (p->order == '@') {
            Py_ssize_t start_pad = (align - offset % align) % align;
            offset += start_pad;
            common_align = lcm(common_align, align);
        }
        last_size = size;
        last_padding = padding;
        if (padding) {
            Py_DECREF(spec);
            offset += size;
            continue;
        }
        PyObject *name = NULL;
        skip_space(p);
        if (*p->s == ':') {
            const char *start = ++p->s;
            while (*p->s && *p->s != ':') {
                p->s++;
            }
            if (*p->s != ':') {
                Py_DECREF(spec);
                goto bad;
            }
            name = PyUnicode_FromStringAndSize(start, p->s - start);
            p->s++;
        }
        else {
            name = PyUnicode_FromFormat("f%d", auto_name);
        }
        auto_name++;
        PyObject *off = PyLong_FromSsize_t(offset);
        if (name == NULL || off == NULL || PyList_Append(names, name) < 0
                || PyList_Append(formats, spec) < 0 || PyList_Append(offsets, off) < 0) {
            Py_XDECREF(name);
            Py_XDECREF(off);
            Py_DECREF(spec);
            goto fail;
        }
        Py_DECREF(name);
        Py_DECREF(off);
        Py_DECREF(spec);
        offset += size;
    }
    offset += extra;
    if (p->order == '@') {
        offset += (common_align - offset % common_align) % common_align;
    }
    *itemsize_out = offset;
    *align_out = common_align;
    if (!nested && PyList_GET_SIZE(names) == 1 && !last_padding
            && PyLong_AsSsize_t(PyList_GET_ITEM(offsets, 0)) == 0 && last_size == offset) {
        PyObject *n0 = PyList_GET_ITEM(names, 0);
        if (PyUnicode_CompareWithASCIIString(n0, "f0") == 0) {
            result = PyList_GET_ITEM(formats, 0);
            Py_INCREF(result);
            goto done;
        }
    }
    if (!nested && PyList_GET_SIZE(names) == 0) {
        goto bad;
    }
    /* NumPy exports no trailing padding: take the exporter's item size */
    if (!nested && want_itemsize > offset) {
        offset = want_itemsize;
        *itemsize_out = offset;
    }
    result = Py_BuildValue("{sOsOsOsn}", "names", names, "formats", formats,
                           "offsets", offsets, "itemsize", offset);
    goto done;

bad:
    PyErr_SetString(PyExc_ValueError, "invalid PEP 3118 format");
fail:
    result = NULL;
done:
    Py_XDECREF(names);
    Py_XDECREF(formats);
    Py_XDECREF(offsets);
    return result;
}

/* PEP 3118 format -> ndmem dtype (new reference). */
static NdmDtype *
dtype_from_format(const char *format, Py_ssize_t want_itemsize)
{
    if (format == NULL) {
        return ndm_dtype_builtin(NDM_UINT8);
    }
    /* fast path: one native letter */
    const char *f = format;
    if (*f == '@') {
        f++;
    }
    if (f[0] != '\0' && f[1] == '\0') {
        int t = -1;
        switch (f[0]) {
            case '?': t = NDM_BOOL; break;
            case 'b': t = NDM_INT8; break;
            case 'B': t = NDM_UINT8; break;
            case 'h': t = NDM_INT16; break;
            case 'H': t = NDM_UINT16; break;
            case 'i': t = NDM_INT32; break;
            case 'I': t = NDM_UINT32; break;
            case 'l': t = sizeof(long) == 8 ? NDM_INT64 : NDM_INT32; break;
            case 'L': t = sizeof(long) == 8 ? NDM_UINT64 : NDM_UINT32; break;
            case 'q': case 'n': t = NDM_INT64; break;
            case 'Q': case 'N': t = NDM_UINT64; break;
            case 'e': t = NDM_FLOAT16; break;
            case 'f': t = NDM_FLOAT32; break;
            case 'd': t = NDM_FLOAT64; break;
            default: break;
        }
        if (t >= 0) {
            return ndm_dtype_builtin(t);
        }
    }
    Parser p = {format, '@'};
    Py_ssize_t itemsize, align;
    PyObject *spec = parse_struct(&p, 0, &itemsize, &align, want_itemsize);
    if (spec == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "'%s' is not a valid PEP 3118 buffer format string",
                     format);
        return NULL;
    }
    /* NumPy exports no trailing padding: take the exporter's item size */
    if (want_itemsize > 0 && PyDict_Check(spec)) {
        PyObject *isz = PyDict_GetItemString(spec, "itemsize");
        if (isz != NULL && PyLong_AsSsize_t(isz) < want_itemsize) {
            PyObject *w = PyLong_FromSsize_t(want_itemsize);
            if (w == NULL || PyDict_SetItemString(spec, "itemsize", w) < 0) {
                Py_XDECREF(w);
                Py_DECREF(spec);
                return NULL;
            }
            Py_DECREF(w);
        }
    }
    NdmDtype *d = ndm_dtype_from_object(spec);
    Py_DECREF(spec);
    return d;
}

/* ------------------------------------------------------------------ */
/* import                                                              */

PyObject *
ndm_buffer_acquire(PyObject *obj, int want_writeable, char **data,
                   Py_ssize_t *len, int *readonly, NdmDtype **format)
{
    PyObject *base;
    Py_buffer view;
    int fmtflag = format != NULL ? PyBUF_FORMAT : 0;

    if (format != NULL) {
        *format = NULL;
    }
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.200s'",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    if (Py_TYPE(obj)->tp_as_buffer != NULL
            && Py_TYPE(obj)->tp_as_buffer->bf_releasebuffer != NULL) {
        base = PyMemoryView_FromObject(obj);
        if (base == NULL) {
            return NULL;
        }
        /* NumPy's own arrays refuse a simple buffer with ValueError. */
        if (NdmArray_Check(obj)
                && !PyBuffer_IsContiguous(PyMemoryView_GET_BUFFER(base), 'C')) {
            Py_DECREF(base);
            PyErr_SetString(PyExc_ValueError, "ndarray is not C-contiguous");
            return NULL;
        }
    }
    else {
        Py_INCREF(obj);
        base = obj;
    }
    if (PyObject_GetBuffer(base, &view, PyBUF_WRITABLE | PyBUF_SIMPLE | fmtflag) < 0) {
        if (want_writeable) {
            goto fail;
        }
        PyErr_Clear();
        if (PyObject_GetBuffer(base, &view, PyBUF_SIMPLE | fmtflag) < 0) {
            goto fail;
        }
        *readonly = 1;
    }
    else {
        *readonly = view.readonly ? 1 : 0;
    }
    *data = view.buf;
    *len = view.len;
    if (format != NULL) {
        *format = dtype_from_format(view.format, 0);
        if (*format == NULL) {
            PyBuffer_Release(&view);
            goto fail;
        }
    }
    /* base is an array, a memoryview or an object without releasebuffer:
     * the memory stays valid while base lives. */
    PyBuffer_Release(&view);
    return base;

fail:
    Py_DECREF(base);
    return NULL;
}

PyObject *
ndm_buffer_as_array(PyObject *obj)
{
    PyObject *mv = PyMemoryView_FromObject(obj);
    NdmDtype *descr = NULL;
    PyObject *result = NULL;
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS];

    if (mv == NULL) {
        return NULL;
    }
    Py_buffer *view = PyMemoryView_GET_BUFFER(mv);
    descr = dtype_from_format(view->format, view->itemsize);
    if (descr == NULL) {
        goto fail;
    }
    if (descr->itemsize != view->itemsize) {
        PyErr_Format(PyExc_RuntimeError,
                     "Item size %zd for PEP 3118 buffer format string %s does not "
                     "match the dtype %c item size %zd.",
                     view->itemsize, view->format ? view->format : "B",
                     descr->type_char, descr->itemsize);
        goto fail;
    }
    int nd = view->ndim;
    if (nd > NDM_MAXDIMS) {
        PyErr_Format(PyExc_RuntimeError, "PEP 3118 buffer has too many dimensions");
        goto fail;
    }
    if (view->suboffsets != NULL) {
        PyErr_SetString(PyExc_BufferError, "NumPy currently does not support importing "
                        "buffers which include suboffsets as they are not compatible "
                        "with the NumPy memory layout without a copy.  Consider copying "
                        "the original before trying to convert it to a NumPy array.");
        goto fail;
    }
    if (view->shape != NULL) {
        for (int k = 0; k < nd; k++) {
            shape[k] = view->shape[k];
        }
        if (view->strides != NULL) {
            for (int k = 0; k < nd; k++) {
                strides[k] = view->strides[k];
            }
        }
        else {
            Py_ssize_t sd = view->itemsize;
            for (int k = nd - 1; k >= 0; k--) {
                strides[k] = sd;
                sd *= shape[k];
            }
        }
    }
    else if (nd == 1) {
        shape[0] = view->len / view->itemsize;
        strides[0] = view->itemsize;
    }
    else if (nd > 1) {
        PyErr_SetString(PyExc_RuntimeError, "ndim computed from the PEP 3118 buffer "
                        "format is greater than 1, but shape is NULL.");
        goto fail;
    }
    NdmDtype *element;
    PyObject *sub_shape;
    if (ndm_dtype_subarray(descr, &element, &sub_shape)) {
        /* A repeated item ('2h') becomes trailing dimensions, as NumPy's
         * array constructors expand subarray dtypes. */
        Py_ssize_t nsub = PyTuple_GET_SIZE(sub_shape);
        if (nd + nsub > NDM_MAXDIMS) {
            PyErr_Format(PyExc_RuntimeError, "PEP 3118 buffer has too many dimensions");
            goto fail;
        }
        Py_ssize_t step = element->itemsize;
        for (Py_ssize_t k = nsub - 1; k >= 0; k--) {
            shape[nd + k] = PyLong_AsSsize_t(PyTuple_GET_ITEM(sub_shape, k));
            strides[nd + k] = step;
            step *= shape[nd + k];
        }
        nd += (int)nsub;
        Py_INCREF(element);
        Py_SETREF(descr, element);
    }
    static char empty_data[16];
    result = ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, strides,
                           view->buf ? (char *)view->buf : empty_data, view->readonly ? 0 : NDM_WRITEABLE, mv);
    descr = NULL;
fail:
    Py_XDECREF(descr);
    Py_DECREF(mv);
    return result;
}

int
ndm_buffer_init(PyObject *Py_UNUSED(module))
{
    return 0;
}
