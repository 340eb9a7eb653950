/* ndarray.tofile and the C helpers of python/ndmem/_fileio.py, which does
 * the file-object work (paths, positions, text rules).
 *
 * Binary writes go straight to a descriptor, as NumPy's PyArray_ToFile:
 *  - no copy of a C-contiguous array (one write() from its buffer);
 *  - a non-contiguous array goes out through a 64 KiB staging buffer, with
 *    long contiguous runs written in place, so the peak stays flat;
 *  - large writes first reserve their blocks with fallocate (NumPy's
 *    npy_fallocate).  On ext4 this is what makes overwriting a file fast:
 *    without reserved blocks the close() of a file truncated and rewritten
 *    starts writeback of every delayed-allocation page (auto_da_alloc), and
 *    the next O_TRUNC of that file then waits for it.
 * Text: an integer scanner and a number formatter, so that text fromfile
 * and tofile need no Python object per item in the common cases. */
#include "ndarray.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* NumPy's threshold: below it the extra system call is not worth it. */
#define FALLOCATE_MIN (16 << 20)
/* One write() at most this long, so a signal is looked at between writes. */
#define WRITE_MAX ((Py_ssize_t)1 << 30)
#define STAGE_BYTES (64 << 10)

static PyObject *
array_tofile(PyObject *self, PyObject *args, PyObject *kwds)
{
    return ndm_array_call_python("ndmem._fileio", "tofile", self, args, kwds);
}

/* Write n bytes at p to fd, retrying short writes and EINTR.  Called with
 * the GIL released; it takes the GIL only to run signal handlers.
 * 0, or -1 with a Python exception set. */
static int
write_all(int fd, const char *p, Py_ssize_t n, PyThreadState **ts)
{
    while (n > 0) {
        ssize_t got = write(fd, p, (size_t)(n < WRITE_MAX ? n : WRITE_MAX));
        if (got < 0) {
            int err = errno;
            if (err != EINTR) {
                PyEval_RestoreThread(*ts);
                errno = err;
                PyErr_SetFromErrno(PyExc_OSError);
                *ts = NULL;
                return -1;
            }
        }
        else if (got == 0) {
            /* no progress and no error: give up rather than spin */
            PyEval_RestoreThread(*ts);
            *ts = NULL;
            PyErr_Format(PyExc_OSError, "%zd requested and 0 written", n);
            return -1;
        }
        else {
            p += got;
            n -= got;
        }
        if (got < 0 || n > 0) {
            PyEval_RestoreThread(*ts);
            if (PyErr_CheckSignals() < 0) {
                *ts = NULL;
                return -1;
            }
            *ts = PyEval_SaveThread();
        }
    }
    return 0;
}

/* Shape and strides of a in C order with length-1 axes dropped and axes
 * merged where one steps over the whole of the next.  Returns nd (>= 1). */
static int
c_order_dims(const NdmArray *a, Py_ssize_t *shape, Py_ssize_t *strides)
{
    int nd = 0;
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] == 1) {
            continue;
        }
        if (nd > 0 && strides[nd - 1] == a->shape[i] * a->strides[i]) {
            shape[nd - 1] *= a->shape[i];
            strides[nd - 1] = a->strides[i];
            continue;
        }
        shape[nd] = a->shape[i];
        strides[nd] = a->strides[i];
        nd++;
    }
    if (nd == 0) {
        shape[0] = 1;
        strides[0] = 0;
        nd = 1;
    }
    return nd;
}

/* The elements of a non-empty, non-contiguous a in C order.  Runs of
 * `run` bytes are contiguous in memory: whole inner rows when the inner
 * axis is packed, single items otherwise. */
static int
write_runs(int fd, const NdmArray *a, char *stage, PyThreadState **ts)
{
    Py_ssize_t shape[NDM_MAXDIMS], strides[NDM_MAXDIMS], index[NDM_MAXDIMS];
    Py_ssize_t itemsize = a->descr->itemsize, used = 0;
    int nd = c_order_dims(a, shape, strides);
    Py_ssize_t run = itemsize, count = shape[nd - 1], step = strides[nd - 1];
    int outer = nd - 1;
    const char *row = a->data;

    if (step == itemsize) {
        run = itemsize * shape[nd - 1];
        count = 1;
    }
    memset(index, 0, sizeof(index));
    for (;;) {
        const char *p = row;
        for (Py_ssize_t k = 0; k < count; k++, p += step) {
            if (run >= STAGE_BYTES) {
                if (write_all(fd, stage, used, ts) < 0
                        || write_all(fd, p, run, ts) < 0) {
                    return -1;
                }
                used = 0;
                continue;
            }
            if (used + run > STAGE_BYTES) {
                if (write_all(fd, stage, used, ts) < 0) {
                    return -1;
                }
                used = 0;
            }
            memcpy(stage + used, p, (size_t)run);
            used += run;
        }
        /* next row: odometer over the outer axes */
        int i = outer - 1;
        for (; i >= 0; i--) {
            row += strides[i];
            if (++index[i] < shape[i]) {
                break;
            }
            row -= strides[i] * shape[i];
            index[i] = 0;
        }
        if (i < 0) {
            break;
        }
    }
    return write_all(fd, stage, used, ts);
}

/* The staging buffer is an I/O buffer like stdio's, not array data: plain
 * malloc, outside alloc.c's counters (NumPy's FILE buffer is not traced
 * either). */
static int
write_strided(int fd, const NdmArray *a, PyThreadState **ts)
{
    char *stage = malloc(STAGE_BYTES);
    if (stage == NULL) {
        PyEval_RestoreThread(*ts);
        *ts = NULL;
        PyErr_NoMemory();
        return -1;
    }
    int rc = write_runs(fd, a, stage, ts);
    free(stage);
    return rc;
}

/* _fileio_write(arr, fd): write arr's bytes in C order to fd at its
 * position; returns the number of bytes written. */
static PyObject *
fileio_write(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *obj;
    int fd;

    if (!PyArg_ParseTuple(args, "O!i:_fileio_write", ndm_state.ndarray_type, &obj, &fd)) {
        return NULL;
    }
    NdmArray *a = (NdmArray *)obj;
    Py_ssize_t nbytes = ndm_array_nbytes(a);
    if (nbytes == 0) {
        return PyLong_FromLong(0);
    }
    PyThreadState *ts = PyEval_SaveThread();
    if (nbytes >= FALLOCATE_MIN) {
#if defined(__linux__) && defined(FALLOC_FL_KEEP_SIZE)
        /* KEEP_SIZE: append-mode files and short writes keep their true
         * size.  Only ENOSPC is reported here; anything else (no support,
         * a pipe) shows up in write() if it matters. */
        off_t pos = lseek(fd, 0, SEEK_CUR);
        if (pos >= 0 && fallocate(fd, FALLOC_FL_KEEP_SIZE, pos, (off_t)nbytes) < 0
                && errno == ENOSPC) {
            PyEval_RestoreThread(ts);
            return PyErr_Format(PyExc_OSError,
                                "Not enough free space to write %zd bytes", nbytes);
        }
#endif
    }
    int rc = (a->flags & NDM_C_CONTIGUOUS)
        ? write_all(fd, a->data, nbytes, &ts)
        : write_strided(fd, a, &ts);
    if (rc < 0) {
        return NULL;        /* write_all took the GIL back */
    }
    PyEval_RestoreThread(ts);
    return PyLong_FromSsize_t(nbytes);
}

/* Whitespace as str.isspace() and the re module's \s see it, in ASCII. */
static inline int
is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static inline int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* s[pos:] starts with the lower-case word w, in any case. */
static int
starts_with_word(const char *s, Py_ssize_t pos, Py_ssize_t len, const char *w)
{
    for (; *w; w++, pos++) {
        if (pos >= len || (s[pos] | 0x20) != *w) {
            return 0;
        }
    }
    return 1;
}

/* The end of the float item at pos, as _fileio._FLOAT matches it:
 * [+-]? (inf(inity)? | nan | (\d+\.?\d* | \.\d+)(e[+-]?\d+)?), any case;
 * -1 for no item, or for nan(...) which float() refuses (Python decides). */
static Py_ssize_t
float_item_end(const char *s, Py_ssize_t pos, Py_ssize_t len)
{
    if (pos < len && (s[pos] == '+' || s[pos] == '-')) {
        pos++;
    }
    if (starts_with_word(s, pos, len, "inf")) {
        return starts_with_word(s, pos + 3, len, "inity") ? pos + 8 : pos + 3;
    }
    if (starts_with_word(s, pos, len, "nan")) {
        return pos + 3 < len && s[pos + 3] == '(' ? -1 : pos + 3;
    }
    Py_ssize_t start = pos;
    while (pos < len && is_digit(s[pos])) {
        pos++;
    }
    if (pos > start) {
        if (pos < len && s[pos] == '.') {
            pos++;
            while (pos < len && is_digit(s[pos])) {
                pos++;
            }
        }
    }
    else if (pos + 1 < len && s[pos] == '.' && is_digit(s[pos + 1])) {
        pos += 2;
        while (pos < len && is_digit(s[pos])) {
            pos++;
        }
    }
    else {
        return -1;
    }
    if (pos < len && (s[pos] | 0x20) == 'e') {
        Py_ssize_t e = pos + 1;
        if (e < len && (s[e] == '+' || s[e] == '-')) {
            e++;
        }
        if (e < len && is_digit(s[e])) {
            while (e < len && is_digit(s[e])) {
                e++;
            }
            pos = e;
        }
    }
    return pos;
}

/* The int64 item at pos into *v; its end, or -1 for no item or a value
 * past int64. */
static Py_ssize_t
int_item(const char *s, Py_ssize_t pos, Py_ssize_t len, int64_t *v)
{
    int negative = pos < len && s[pos] == '-';
    if (pos < len && (s[pos] == '-' || s[pos] == '+')) {
        pos++;
    }
    Py_ssize_t start = pos;
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t u = 0;
    while (pos < len && is_digit(s[pos])) {
        unsigned d = (unsigned)(s[pos] - '0');
        if (u > (limit - d) / 10) {
            return -1;
        }
        u = u * 10 + d;
        pos++;
    }
    if (pos == start) {
        return -1;
    }
    *v = negative ? (int64_t)(0 - u) : (int64_t)u;
    return pos;
}

/* The float item s[pos:end] into *v, converted as float() does.  0, or -1
 * (no exception) for an item too long for the local buffer. */
static int
float_value(const char *s, Py_ssize_t pos, Py_ssize_t end, double *v)
{
    char buf[128];
    if (end - pos >= (Py_ssize_t)sizeof buf) {
        return -1;
    }
    memcpy(buf, s + pos, (size_t)(end - pos));
    buf[end - pos] = '\0';
    char *stop;
    *v = PyOS_string_to_double(buf, &stop, NULL);
    if (*stop != '\0') {
        PyErr_Clear();
        return -1;
    }
    return 0;
}

/* One pass of NumPy's text reading loop (_fileio._scan) over ASCII text:
 * count the items (out == NULL) or store them as int64 or float64.
 * Returns the number of items, or -1 where the Python reader must decide:
 * an item or separator it would refuse (it raises the error), or a value
 * this pass cannot hold. */
static Py_ssize_t
scan_numbers(const char *s, Py_ssize_t len, char sep, Py_ssize_t count,
             int floats, char *out)
{
    Py_ssize_t pos = 0, n = 0;
    while (count < 0 || n < count) {
        while (pos < len && is_space((unsigned char)s[pos])) {
            pos++;
        }
        if (pos == len) {
            break;
        }
        Py_ssize_t end;
        if (floats) {
            end = float_item_end(s, pos, len);
            if (end >= 0 && out != NULL
                    && float_value(s, pos, end, (double *)out + n) < 0) {
                return -1;
            }
            if (end >= 0 && out == NULL && end - pos >= 128) {
                return -1;      /* float_value would refuse it */
            }
        }
        else {
            int64_t v;
            end = int_item(s, pos, len, &v);
            if (end >= 0 && out != NULL) {
                ((int64_t *)out)[n] = v;
            }
        }
        if (end < 0) {
            return -1;
        }
        pos = end;
        n++;
        if (sep == 0) {
            /* whitespace separator: at least one blank, or the end */
            if (pos < len && !is_space((unsigned char)s[pos])) {
                return -1;
            }
            continue;
        }
        while (pos < len && is_space((unsigned char)s[pos])) {
            pos++;
        }
        if (pos == len) {
            break;
        }
        if (s[pos] != sep) {
            return -1;
        }
        pos++;
    }
    return n;
}

/* _fileio_parse(text, sep, count, floats): the numbers of an ASCII str as
 * an int64 or float64 array, or None where the Python reader must decide.
 * sep is '' (whitespace separates) or one non-blank character, with
 * optional blanks around it; count < 0 reads all. */
static PyObject *
fileio_parse(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *text, *sep_obj;
    Py_ssize_t count;
    int floats;

    if (!PyArg_ParseTuple(args, "UUnp:_fileio_parse", &text, &sep_obj, &count, &floats)) {
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(text) || !PyUnicode_IS_ASCII(sep_obj)
            || PyUnicode_GET_LENGTH(sep_obj) > 1) {
        Py_RETURN_NONE;
    }
    const char *s = (const char *)PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    char sep = PyUnicode_GET_LENGTH(sep_obj) ? *(const char *)PyUnicode_DATA(sep_obj) : 0;
    if (sep != 0 && is_space((unsigned char)sep)) {
        Py_RETURN_NONE;
    }
    Py_ssize_t n = scan_numbers(s, len, sep, count, floats, NULL);
    if (n < 0) {
        Py_RETURN_NONE;
    }
    NdmDtype *descr = ndm_dtype_builtin(floats ? NDM_FLOAT64 : NDM_INT64);
    if (descr == NULL) {
        return NULL;
    }
    PyObject *arr = ndm_array_new(ndm_state.ndarray_type, descr, 1, &n, NULL, NULL, 0, NULL);
    if (arr == NULL) {
        return NULL;
    }
    /* the text is immutable: the second pass sees what the first saw */
    if (scan_numbers(s, len, sep, count, floats, ((NdmArray *)arr)->data) != n) {
        Py_DECREF(arr);
        Py_RETURN_NONE;
    }
    return arr;
}

/* A growing text buffer for fileio_format. */
typedef struct {
    char *p;
    Py_ssize_t len, cap;
} TextBuf;

static int
text_put(TextBuf *b, const char *s, Py_ssize_t n)
{
    if (b->len + n > b->cap) {
        Py_ssize_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        char *p = PyMem_Realloc(b->p, (size_t)cap);
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, (size_t)n);
    b->len += n;
    return 0;
}

/* One item as str() of the Python object tolist() would give. */
static int
format_item(TextBuf *b, int type_num, const char *ptr)
{
    char digits[32];
    int n;
    switch (type_num) {
    case NDM_BOOL:
        return *ptr ? text_put(b, "True", 4) : text_put(b, "False", 5);
#define SIGNED(T, C) case T: { C v; memcpy(&v, ptr, sizeof v); \
        n = snprintf(digits, sizeof digits, "%lld", (long long)v); break; }
#define UNSIGNED(T, C) case T: { C v; memcpy(&v, ptr, sizeof v); \
        n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v); break; }
    SIGNED(NDM_INT8, int8_t) SIGNED(NDM_INT16, int16_t)
    SIGNED(NDM_INT32, int32_t) SIGNED(NDM_INT64, int64_t)
    UNSIGNED(NDM_UINT8, uint8_t) UNSIGNED(NDM_UINT16, uint16_t)
    UNSIGNED(NDM_UINT32, uint32_t) UNSIGNED(NDM_UINT64, uint64_t)
#undef SIGNED
#undef UNSIGNED
    default: {
        double v;
        if (type_num == NDM_FLOAT32) {
            float f;
            memcpy(&f, ptr, sizeof f);
            v = f;
        }
        else {
            memcpy(&v, ptr, sizeof v);
        }
        /* what float.__repr__ (and so str) calls */
        char *r = PyOS_double_to_string(v, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
        if (r == NULL) {
            return -1;
        }
        int rc = text_put(b, r, (Py_ssize_t)strlen(r));
        PyMem_Free(r);
        return rc;
    }
    }
    return text_put(b, digits, n);
}

/* _fileio_format(arr, sep): sep.join(map(str, arr.tolist())) for a 1-d
 * C-contiguous array of native bool, integers, float32 or float64, built
 * without a Python object per item; None for any other array. */
static PyObject *
fileio_format(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *obj, *sep_obj;

    if (!PyArg_ParseTuple(args, "O!U:_fileio_format", ndm_state.ndarray_type, &obj, &sep_obj)) {
        return NULL;
    }
    NdmArray *a = (NdmArray *)obj;
    int t = a->descr->type_num;
    if (a->nd != 1 || !(a->flags & NDM_C_CONTIGUOUS) || !ndm_dtype_isnative(a->descr)
            || !(t <= NDM_UINT64 || t == NDM_FLOAT32 || t == NDM_FLOAT64)
            || a->descr->names != NULL || !PyUnicode_IS_ASCII(sep_obj)) {
        Py_RETURN_NONE;
    }
    const char *sep = (const char *)PyUnicode_DATA(sep_obj);
    Py_ssize_t seplen = PyUnicode_GET_LENGTH(sep_obj), n = a->shape[0];
    Py_ssize_t itemsize = a->descr->itemsize;
    TextBuf b = {NULL, 0, 0};
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((i > 0 && text_put(&b, sep, seplen) < 0)
                || format_item(&b, t, a->data + i * itemsize) < 0) {
            goto fail;
        }
    }
    result = PyUnicode_DecodeASCII(b.p ? b.p : "", b.len, NULL);
fail:
    PyMem_Free(b.p);
    return result;
}

static PyMethodDef fileio_methods[] = {
    {"tofile", (PyCFunction)(void (*)(void))array_tofile, METH_VARARGS | METH_KEYWORDS,
     "a.tofile(fid, sep='', format='%s')\n\n"
     "Write the array to a file as binary (sep='') or text, in C order."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef fileio_functions[] = {
    {"_fileio_write", fileio_write, METH_VARARGS,
     "_fileio_write(arr, fd)\n\n"
     "Write arr's bytes in C order to the descriptor fd at its position,\n"
     "without copying the array; returns the number of bytes written."},
    {"_fileio_parse", fileio_parse, METH_VARARGS,
     "_fileio_parse(text, sep, count, floats)\n\n"
     "The numbers of ASCII text as an int64 or float64 array, read as\n"
     "NumPy's text fromfile does (sep '' or one non-blank character), or\n"
     "None where the Python reader must decide."},
    {"_fileio_format", fileio_format, METH_VARARGS,
     "_fileio_format(arr, sep)\n\n"
     "sep.join(map(str, arr.tolist())) for a 1-d contiguous array of native\n"
     "bool, integers, float32 or float64; None for any other array."},
    {NULL, NULL, 0, NULL},
};

int
ndm_fileio_init(PyObject *module)
{
    if (PyModule_AddFunctions(module, fileio_functions) < 0) {
        return -1;
    }
    return ndm_array_add_methods(fileio_methods);
}
