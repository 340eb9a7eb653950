/* File mappings behind ndmem.memmap.
 *
 * A _FileMap owns one mmap()ed region of a file, as Python's mmap.mmap does
 * for NumPy's memmap: the root memmap array holds it as its base, every view
 * holds the root, so the region stays mapped while any array can reach it
 * and the last dealloc unmaps it.  It exports its bytes through the buffer
 * protocol without a release slot, so ndarray.__new__(buffer=map) keeps the
 * map itself as the base (as NumPy keeps the mmap object).
 *
 * Unlike mmap.mmap it has no public close(): closing while an array points
 * into the region would leave a dangling pointer.  _close_array() unmaps on
 * behalf of the root memmap only when nothing but that array holds the map,
 * and turns the array into an empty, read-only one first. */
#include "ndarray.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { ACCESS_READ, ACCESS_WRITE, ACCESS_COPY };

typedef struct {
    PyObject_HEAD
    char *addr;         /* NULL once unmapped */
    size_t length;
    int access;
} FileMap;

/* Where a closed memmap's data pointer goes: aligned for any dtype, never
 * read or written since the array is empty. */
static max_align_t closed_data[1];

static void
unmap(FileMap *self)
{
    if (self->addr == NULL) {
        return;
    }
    char *addr = self->addr;
    size_t length = self->length;
    self->addr = NULL;
    /* Unmapping dirty shared pages can take a while. */
    Py_BEGIN_ALLOW_THREADS
    munmap(addr, length);
    Py_END_ALLOW_THREADS
    ndm_alloc_stats.live_file_mapped_bytes -= (long long)length;
}

static PyObject *
filemap_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"fileno", "length", "offset", "access", NULL};
    int fd;
    Py_ssize_t length, offset;
    int access_char;
    struct stat st;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "innC:_FileMap", kwlist,
                                     &fd, &length, &offset, &access_char)) {
        return NULL;
    }
    int access, prot, flags;
    switch (access_char) {
    case 'r':
        access = ACCESS_READ;
        prot = PROT_READ;
        flags = MAP_SHARED;
        break;
    case 'w':
        access = ACCESS_WRITE;
        prot = PROT_READ | PROT_WRITE;
        flags = MAP_SHARED;
        break;
    case 'c':
        access = ACCESS_COPY;
        prot = PROT_READ | PROT_WRITE;
        flags = MAP_PRIVATE;
        break;
    default:
        PyErr_SetString(PyExc_ValueError, "access must be 'r', 'w' or 'c'");
        return NULL;
    }
    if (length < 0) {
        PyErr_SetString(PyExc_OverflowError, "memory mapped length must be positive");
        return NULL;
    }
    if (offset < 0) {
        PyErr_SetString(PyExc_OverflowError, "memory mapped offset must be positive");
        return NULL;
    }
    if (offset % sysconf(_SC_PAGESIZE) != 0) {
        PyErr_SetString(PyExc_ValueError,
                        "mmap offset must be a multiple of the allocation granularity");
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    /* mmap.mmap's rules: length 0 maps the rest of the file. */
    if (S_ISREG(st.st_mode)) {
        if (length == 0) {
            if (st.st_size == 0) {
                PyErr_SetString(PyExc_ValueError, "cannot mmap an empty file");
                return NULL;
            }
            if (offset >= st.st_size) {
                PyErr_SetString(PyExc_ValueError, "mmap offset is greater than file size");
                return NULL;
            }
            length = (Py_ssize_t)(st.st_size - offset);
        }
        else if (offset > st.st_size || st.st_size - offset < length) {
            PyErr_SetString(PyExc_ValueError, "mmap length is greater than file size");
            return NULL;
        }
    }
    if (length == 0) {
        PyErr_SetString(PyExc_ValueError, "cannot mmap an empty file");
        return NULL;
    }

    FileMap *self = (FileMap *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    void *addr;
    Py_BEGIN_ALLOW_THREADS
    addr = mmap(NULL, (size_t)length, prot, flags, fd, (off_t)offset);
    Py_END_ALLOW_THREADS
    if (addr == MAP_FAILED) {
        PyErr_SetFromErrno(PyExc_OSError);
        Py_DECREF(self);
        return NULL;
    }
    self->addr = addr;
    self->length = (size_t)length;
    self->access = access;
    ndm_alloc_stats.live_file_mapped_bytes += (long long)length;
    return (PyObject *)self;
}

static void
filemap_dealloc(FileMap *self)
{
    PyTypeObject *type = Py_TYPE(self);
    unmap(self);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static int
filemap_getbuffer(FileMap *self, Py_buffer *view, int flags)
{
    if (self->addr == NULL) {
        PyErr_SetString(PyExc_ValueError, "mmap closed or invalid");
        view->obj = NULL;
        return -1;
    }
    return PyBuffer_FillInfo(view, (PyObject *)self, self->addr,
                             (Py_ssize_t)self->length,
                             self->access == ACCESS_READ, flags);
}

static Py_ssize_t
filemap_length(FileMap *self)
{
    if (self->addr == NULL) {
        PyErr_SetString(PyExc_ValueError, "mmap closed or invalid");
        return -1;
    }
    return (Py_ssize_t)self->length;
}

static PyObject *
filemap_flush(FileMap *self, PyObject *Py_UNUSED(args))
{
    if (self->addr == NULL) {
        PyErr_SetString(PyExc_ValueError, "mmap closed or invalid");
        return NULL;
    }
    /* A copy-on-write or read-only map has nothing to write back. */
    if (self->access != ACCESS_WRITE) {
        Py_RETURN_NONE;
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = msync(self->addr, self->length, MS_SYNC);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    Py_RETURN_NONE;
}

/* The caller (memmap.close) has checked that nothing else holds the map or
 * the array; here the array is emptied before the pages go away so that no
 * path through it can reach them. */
static PyObject *
filemap_close_array(FileMap *self, PyObject *arg)
{
    if (!NdmArray_Check(arg) || ((NdmArray *)arg)->base != (PyObject *)self) {
        PyErr_SetString(PyExc_TypeError,
                        "_close_array expects the array whose base is this map");
        return NULL;
    }
    NdmArray *a = (NdmArray *)arg;
    if (self->addr == NULL) {
        Py_RETURN_NONE;
    }
    /* Every shape block has room for one extent and one stride. */
    a->nd = 1;
    a->strides = a->shape + 1;
    a->shape[0] = 0;
    a->strides[0] = a->descr->itemsize;
    a->data = (char *)closed_data;
    a->flags &= ~NDM_WRITEABLE;
    ndm_array_update_flags(a);
    unmap(self);
    Py_RETURN_NONE;
}

static PyObject *
filemap_get_closed(FileMap *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(self->addr == NULL);
}

static PyObject *
filemap_repr(FileMap *self)
{
    static const char *names[] = {"ACCESS_READ", "ACCESS_WRITE", "ACCESS_COPY"};
    if (self->addr == NULL) {
        return PyUnicode_FromString("<ndmem file map closed=True>");
    }
    return PyUnicode_FromFormat("<ndmem file map closed=False, access=%s, length=%zu>",
                                names[self->access], self->length);
}

static PyMethodDef filemap_methods[] = {
    {"flush", (PyCFunction)filemap_flush, METH_NOARGS,
     "Write changes of a shared writable map back to the file (msync)."},
    {"_close_array", (PyCFunction)filemap_close_array, METH_O,
     "Empty the root array and unmap (memmap.close checks the holders)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef filemap_getset[] = {
    {"closed", (getter)filemap_get_closed, NULL, "True once unmapped.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot filemap_slots[] = {
    {Py_tp_new, filemap_new},
    {Py_tp_dealloc, filemap_dealloc},
    {Py_tp_repr, filemap_repr},
    {Py_tp_methods, filemap_methods},
    {Py_tp_getset, filemap_getset},
    {Py_sq_length, filemap_length},
    {Py_bf_getbuffer, filemap_getbuffer},
    {Py_tp_doc, "_FileMap(fileno, length, offset, access): a region of a file "
                "mapped with mmap(2); access 'r', 'w' (shared) or 'c' (private)."},
    {0, NULL},
};

static PyType_Spec filemap_spec = {
    .name = "ndmem._core._FileMap",
    .basicsize = sizeof(FileMap),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = filemap_slots,
};

int
ndm_mmap_init(PyObject *module)
{
    PyObject *type = PyType_FromSpec(&filemap_spec);
    if (type == NULL) {
        return -1;
    }
    int rc = PyModule_AddObjectRef(module, "_FileMap", type);
    Py_DECREF(type);
    if (rc < 0) {
        return -1;
    }
    return PyModule_AddIntConstant(module, "_mmap_granularity", sysconf(_SC_PAGESIZE));
}
