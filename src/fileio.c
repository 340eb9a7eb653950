/* ndarray.tofile and the raw writer under it.  The file-object work is in
 * python/ndmem/_fileio.py (paths, positions, text formatting); this file
 * hangs the method on the C type and writes an array's bytes in C order
 * straight to a descriptor, as NumPy's PyArray_ToFile does:
 *  - no copy of a C-contiguous array (one write() from its buffer);
 *  - a non-contiguous array goes out through a small stack buffer, with
 *    long contiguous runs written in place, so the peak stays flat;
 *  - large writes first reserve their blocks with fallocate (NumPy's
 *    npy_fallocate).  On ext4 this is what makes overwriting a file fast:
 *    without reserved blocks the close() of a file truncated and rewritten
 *    starts writeback of every delayed-allocation page (auto_da_alloc), and
 *    the next O_TRUNC of that file then waits for it. */
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
