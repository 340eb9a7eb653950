#include "alloc.h"
#include "ndarray.h"

#include <sys/mman.h>

NdmAllocStats ndm_alloc_stats;
NdmBuffer ndm_live_buffers = {.prev = &ndm_live_buffers, .next = &ndm_live_buffers};
PyObject *ndm_alloc_hook;
int ndm_alloc_pin_checks;

/* no_copy() is per thread: the exception class to raise (an owned
 * reference) sits in thread-local storage; forbid_threads counts the threads
 * that have one, so allocation pays a TSS lookup only while some do. */
static Py_tss_t forbid_key = Py_tss_NEEDS_INIT;
static int forbid_threads;
/* warn_pins(): the fraction of a buffer views must cover, and the category. */
static double pin_threshold;
static PyObject *pin_category;

#ifndef NDMEM_NO_COUNTERS
static void
count_allocation(NdmBuffer *buffer)
{
    long long n = (long long)buffer->nbytes;
    ndm_alloc_stats.live_bytes += n;
    ndm_alloc_stats.live_buffers += 1;
    ndm_alloc_stats.total_allocated += n;
    ndm_alloc_stats.allocations += 1;
    buffer->serial = ndm_alloc_stats.allocations;
    if (buffer->mapped) {
        ndm_alloc_stats.live_mapped_bytes += n;
    }
    else {
        ndm_alloc_stats.live_heap_bytes += n;
    }
    if (ndm_alloc_stats.live_bytes > ndm_alloc_stats.peak_bytes) {
        ndm_alloc_stats.peak_bytes = ndm_alloc_stats.live_bytes;
    }
    buffer->next = &ndm_live_buffers;
    buffer->prev = ndm_live_buffers.prev;
    ndm_live_buffers.prev->next = buffer;
    ndm_live_buffers.prev = buffer;
    /* Failure to trace (tracemalloc off, or out of memory in it) must not
     * fail the allocation itself; a buffer not traced needs no untracking
     * (tracemalloc forgets everything when it stops). */
    buffer->traced = PyTraceMalloc_Track(NDM_TRACEMALLOC_DOMAIN,
                                         (uintptr_t)buffer->data, buffer->nbytes) == 0;
}

static void
count_release(NdmBuffer *buffer)
{
    long long n = (long long)buffer->nbytes;
    ndm_alloc_stats.live_bytes -= n;
    ndm_alloc_stats.live_buffers -= 1;
    ndm_alloc_stats.total_freed += n;
    if (buffer->mapped) {
        ndm_alloc_stats.live_mapped_bytes -= n;
    }
    else {
        ndm_alloc_stats.live_heap_bytes -= n;
    }
    buffer->prev->next = buffer->next;
    buffer->next->prev = buffer->prev;
    if (buffer->traced) {
        (void)PyTraceMalloc_Untrack(NDM_TRACEMALLOC_DOMAIN, (uintptr_t)buffer->data);
    }
}
#else
#define count_allocation(buffer) ((void)(buffer))
#define count_release(buffer) ((void)(buffer))
#endif

/* As NumPy does: where transparent huge pages are "madvise", large buffers
 * ask for them, so touching a big array costs a fault per 2 MiB rather than
 * per 4 KiB page.  Advice that the kernel refuses changes nothing. */
static void
advise_hugepages(char *data, size_t nbytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t start = ((uintptr_t)data + 4095) & ~(uintptr_t)4095;
    uintptr_t end = (uintptr_t)data + nbytes;
    if (end > start) {
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
#else
    (void)data;
    (void)nbytes;
#endif
}

#define PAGE_BYTES ((uintptr_t)4096)
#define HUGE_BYTES ((uintptr_t)2 << 20)
_Static_assert(NDM_BUFFER_HEADER <= 4096, "a mapped buffer's header fits in one page");

/* A mapping for nbytes of data whose data starts on a 2 MiB boundary, the
 * header in the page before it: the kernel can back every whole 2 MiB of
 * the data with one huge page.  An unaligned start leaves up to 2 MiB at
 * the head in 4 KiB pages, ~500 more page faults per array (a fresh
 * 40 MB sin() spent about 1 ms of its 6-10 ms faulting them).  The slack
 * reserved for the alignment is unmapped again at once; nothing past the
 * data's last page stays mapped, so RSS grows by the data alone.
 * Returns the header's address; *mapped is the length from its page. */
static char *
map_aligned(size_t nbytes, size_t *mapped)
{
    size_t reserve = nbytes + HUGE_BYTES + PAGE_BYTES;
    if (reserve < nbytes) {
        return NULL;
    }
    char *block = mmap(NULL, reserve, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) {
        return NULL;
    }
    uintptr_t lo = (uintptr_t)block, hi = lo + reserve;
    uintptr_t data = (lo + PAGE_BYTES + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
    uintptr_t start = data - PAGE_BYTES;
    uintptr_t end = (data + nbytes + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
    if (start > lo) {
        (void)munmap(block, start - lo);
    }
    if (hi > end) {
        (void)munmap((void *)end, hi - end);
    }
    *mapped = end - start;
    return (char *)(data - NDM_BUFFER_HEADER);
}

void
ndm_buffer_prefault(char *lo, char *hi)
{
    uintptr_t start = ((uintptr_t)lo + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
    uintptr_t end = ((uintptr_t)hi + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
    if (end <= start) {
        return;
    }
#ifdef MADV_POPULATE_WRITE
    if (madvise((void *)start, end - start, MADV_POPULATE_WRITE) == 0) {
        return;
    }
#endif
    /* kernels before 5.14: an atomic or of 0 is a store that leaves the
     * byte as it is, even when another thread writes it meanwhile */
    for (uintptr_t page = start; page < end; page += PAGE_BYTES) {
        (void)__atomic_fetch_or((char *)page, 0, __ATOMIC_RELAXED);
    }
}

NdmBuffer *
ndm_buffer_new(size_t nbytes, int zeroed)
{
    char *block;
    size_t total;
    size_t mapped = 0;

    PyObject *forbid_exc;
    if (forbid_threads > 0
            && (forbid_exc = PyThread_tss_get(&forbid_key)) != NULL) {
        PyErr_Format(forbid_exc,
                     "ndmem.memory.no_copy(): an operation allocated %zu bytes of array data",
                     nbytes);
        return NULL;
    }
    if (nbytes > (size_t)PY_SSIZE_T_MAX - NDM_BUFFER_HEADER) {
        PyErr_NoMemory();
        return NULL;
    }
    total = nbytes + NDM_BUFFER_HEADER;
    if (nbytes >= NDM_MMAP_THRESHOLD) {
        block = map_aligned(nbytes, &mapped);
    }
    else {
        block = zeroed ? calloc(1, total) : malloc(total);
    }
    if (block == NULL) {
        PyErr_Format(PyExc_MemoryError,
                     "Unable to allocate %zu bytes for an array", nbytes);
        return NULL;
    }
    NdmBuffer *buffer = (NdmBuffer *)block;
    buffer->data = block + NDM_BUFFER_HEADER;
    if (nbytes >= NDM_HUGEPAGE_THRESHOLD) {
        advise_hugepages(buffer->data, nbytes);
    }
    buffer->nbytes = nbytes;
    buffer->mapped = mapped;
    buffer->owner = NULL;
    buffer->views.prev = buffer->views.next = &buffer->views;
    buffer->views.buffer = buffer;
    buffer->views.array = NULL;
    buffer->nviews = 0;
    buffer->pin_warned = 0;
    buffer->traced = 0;
    buffer->serial = 0;
    count_allocation(buffer);
    return buffer;
}

void
ndm_buffer_free(NdmBuffer *buffer)
{
    if (buffer == NULL) {
        return;
    }
    count_release(buffer);
    if (buffer->mapped) {
        /* map_aligned put the header in the mapping's first page */
        munmap((void *)((uintptr_t)buffer & ~(PAGE_BYTES - 1)), buffer->mapped);
    }
    else {
        free(buffer);
    }
}

void
ndm_buffer_attach(NdmBuffer *buffer, NdmViewLink *link, PyObject *array)
{
    link->buffer = buffer;
    link->array = array;
#ifndef NDMEM_NO_COUNTERS
    link->next = &buffer->views;
    link->prev = buffer->views.prev;
    buffer->views.prev->next = link;
    buffer->views.prev = link;
#endif
    buffer->nviews++;
}

void
ndm_buffer_detach(NdmViewLink *link)
{
    NdmBuffer *buffer = link->buffer;
    if (buffer == NULL) {
        return;
    }
#ifndef NDMEM_NO_COUNTERS
    link->prev->next = link->next;
    link->next->prev = link->prev;
    link->prev = link->next = NULL;
#endif
    link->buffer = NULL;
    buffer->nviews--;
    if (buffer->nviews == 0 && buffer->owner == NULL) {
        ndm_buffer_free(buffer);
    }
}

void
ndm_buffer_disown(NdmBuffer *buffer)
{
    if (buffer == NULL) {
        return;
    }
    buffer->owner = NULL;
    if (buffer->nviews == 0) {
        ndm_buffer_free(buffer);
    }
}

int
ndm_alloc_notify(PyObject *array)
{
    NdmArray *a = (NdmArray *)array;
    PyObject *shape = PyTuple_New(a->nd);
    if (shape == NULL) {
        return -1;
    }
    for (int i = 0; i < a->nd; i++) {
        PyObject *n = PyLong_FromSsize_t(a->shape[i]);
        if (n == NULL) {
            Py_DECREF(shape);
            return -1;
        }
        PyTuple_SET_ITEM(shape, i, n);
    }
    /* The hook may clear itself; hold it for the call. */
    PyObject *hook = Py_NewRef(ndm_alloc_hook);
    PyObject *res = PyObject_CallFunction(hook, "nOO",
                                          (Py_ssize_t)a->link.buffer->nbytes,
                                          shape, (PyObject *)a->descr);
    Py_DECREF(hook);
    Py_DECREF(shape);
    if (res == NULL) {
        return -1;
    }
    Py_DECREF(res);
    return 0;
}

/* ------------------------------------------------------------------ */
/* what keeps a buffer alive                                           */

#ifndef NDMEM_NO_COUNTERS
/* The bytes [*lo, *hi) of the buffer that array a can reach. */
static void
array_extent(NdmArray *a, NdmBuffer *buffer, Py_ssize_t *lo, Py_ssize_t *hi)
{
    Py_ssize_t start = (Py_ssize_t)(a->data - buffer->data);
    Py_ssize_t low = 0, high = 0;
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] == 0) {
            *lo = *hi = start;
            return;
        }
        Py_ssize_t reach = (a->shape[i] - 1) * a->strides[i];
        if (reach < 0) {
            low += reach;
        }
        else {
            high += reach;
        }
    }
    *lo = start + low;
    *hi = start + high + a->descr->itemsize;
}

/* Does anything but the arrays viewing buffer hold its owner? */
static int
owner_held(NdmBuffer *buffer)
{
    if (buffer->owner == NULL) {
        return 0;
    }
    Py_ssize_t from_views = 0;
    for (NdmViewLink *l = buffer->views.next; l != &buffer->views; l = l->next) {
        if (((NdmArray *)l->array)->base == buffer->owner) {
            from_views++;
        }
    }
    return Py_REFCNT(buffer->owner) > from_views;
}

static int
compare_extent(const void *x, const void *y)
{
    const Py_ssize_t *a = x, *b = y;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

/* Bytes of buffer covered by the views other than the owner (the union of
 * their extents), or -1 with MemoryError. */
static Py_ssize_t
views_cover(NdmBuffer *buffer)
{
    Py_ssize_t n = 0;
    Py_ssize_t *ext = PyMem_Malloc(2 * (size_t)(buffer->nviews + 1) * sizeof(Py_ssize_t));
    if (ext == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (NdmViewLink *l = buffer->views.next; l != &buffer->views; l = l->next) {
        if (l->array != buffer->owner) {
            array_extent((NdmArray *)l->array, buffer, &ext[2 * n], &ext[2 * n + 1]);
            n++;
        }
    }
    qsort(ext, (size_t)n, 2 * sizeof(Py_ssize_t), compare_extent);
    Py_ssize_t covered = 0, end = PY_SSIZE_T_MIN;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t lo = ext[2 * i], hi = ext[2 * i + 1];
        if (lo < end) {
            lo = end;
        }
        if (hi > lo) {
            covered += hi - lo;
            end = hi;
        }
    }
    PyMem_Free(ext);
    return covered;
}

int
ndm_alloc_check_pins(void)
{
    static int checking;
    int status = 0;
    if (checking || pin_category == NULL) {
        return 0;
    }
    checking = 1;
    for (NdmBuffer *b = ndm_live_buffers.next; b != &ndm_live_buffers; b = b->next) {
        if (b->pin_warned || b->nviews < (b->owner != NULL ? 2 : 1) || owner_held(b)) {
            continue;
        }
        Py_ssize_t covered = views_cover(b);
        if (covered < 0) {
            status = -1;
            break;
        }
        if ((double)covered >= pin_threshold * (double)b->nbytes) {
            continue;
        }
        b->pin_warned = 1;
        /* Warning may run Python code that frees buffers: stop after it. */
        Py_ssize_t basis_points = (Py_ssize_t)(10000.0 * (double)covered / (double)b->nbytes);
        status = PyErr_WarnFormat(
            pin_category, 1,
            "a buffer of %zu bytes is kept alive only by views reaching %zd bytes "
            "of it (%zd.%02zd%%); copy them to release it (ndmem.memory.pinned())",
            b->nbytes, covered, basis_points / 100, basis_points % 100);
        break;
    }
    checking = 0;
    return status;
}

/* (address, nbytes, mapped, owner or None, owner held elsewhere,
 *  [(array, offset, lo, hi), ...], serial) for one buffer. */
static PyObject *
buffer_record(NdmBuffer *b, int held)
{
    PyObject *views = PyList_New(0);
    if (views == NULL) {
        return NULL;
    }
    for (NdmViewLink *l = b->views.next; l != &b->views; l = l->next) {
        NdmArray *a = (NdmArray *)l->array;
        Py_ssize_t lo, hi;
        array_extent(a, b, &lo, &hi);
        PyObject *item = Py_BuildValue("Onnn", (PyObject *)a,
                                       (Py_ssize_t)(a->data - b->data), lo, hi);
        if (item == NULL || PyList_Append(views, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(views);
            return NULL;
        }
        Py_DECREF(item);
    }
    return Py_BuildValue("KnnOONL", (unsigned long long)(uintptr_t)b->data,
                         (Py_ssize_t)b->nbytes, (Py_ssize_t)b->mapped,
                         b->owner != NULL ? b->owner : Py_None,
                         held ? Py_True : Py_False, views, b->serial);
}
#else
int
ndm_alloc_check_pins(void)
{
    return 0;
}
#endif

#ifdef NDMEM_NO_COUNTERS
static PyObject *
no_counters(void)
{
    PyErr_SetString(PyExc_RuntimeError,
                    "ndmem was built with NDMEM_NO_COUNTERS: no allocator records");
    return NULL;
}
#endif

static PyObject *
alloc_buffer_of(PyObject *Py_UNUSED(module), PyObject *arg)
{
    if (!NdmArray_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "expected an ndmem array");
        return NULL;
    }
#ifndef NDMEM_NO_COUNTERS
    NdmBuffer *b = ((NdmArray *)arg)->link.buffer;
    if (b == NULL) {
        Py_RETURN_NONE;
    }
    return buffer_record(b, owner_held(b));
#else
    return no_counters();
#endif
}

static PyObject *
alloc_buffers(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(args))
{
#ifndef NDMEM_NO_COUNTERS
    /* Records are built before any reference to an owner is taken, so each
     * record's "held" flag sees the refcounts as the caller left them. */
    Py_ssize_t n = 0;
    for (NdmBuffer *b = ndm_live_buffers.next; b != &ndm_live_buffers; b = b->next) {
        n++;
    }
    int *held = PyMem_Malloc((size_t)(n + 1) * sizeof(int));
    if (held == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t i = 0;
    for (NdmBuffer *b = ndm_live_buffers.next; b != &ndm_live_buffers; b = b->next) {
        held[i++] = owner_held(b);
    }
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        goto fail;
    }
    i = 0;
    for (NdmBuffer *b = ndm_live_buffers.next; b != &ndm_live_buffers && i < n;
         b = b->next, i++) {
        PyObject *rec = buffer_record(b, held[i]);
        if (rec == NULL || PyList_Append(list, rec) < 0) {
            Py_XDECREF(rec);
            goto fail;
        }
        Py_DECREF(rec);
    }
    PyMem_Free(held);
    return list;
fail:
    PyMem_Free(held);
    Py_XDECREF(list);
    return NULL;
#else
    return no_counters();
#endif
}

static PyObject *
alloc_stats(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(args))
{
    return Py_BuildValue(
        "{sLsLsLsLsLsLsLsLsL}",
        "live_bytes", ndm_alloc_stats.live_bytes,
        "live_buffers", ndm_alloc_stats.live_buffers,
        "peak_bytes", ndm_alloc_stats.peak_bytes,
        "total_allocated", ndm_alloc_stats.total_allocated,
        "total_freed", ndm_alloc_stats.total_freed,
        "allocations", ndm_alloc_stats.allocations,
        "live_heap_bytes", ndm_alloc_stats.live_heap_bytes,
        "live_mapped_bytes", ndm_alloc_stats.live_mapped_bytes,
        "live_file_mapped_bytes", ndm_alloc_stats.live_file_mapped_bytes);
}

static PyObject *
alloc_reset_peak(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(args))
{
    long long old = ndm_alloc_stats.peak_bytes;
    ndm_alloc_stats.peak_bytes = ndm_alloc_stats.live_bytes;
    return PyLong_FromLongLong(old);
}

static PyObject *
alloc_set_peak(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long long peak = PyLong_AsLongLong(arg);
    if (peak == -1 && PyErr_Occurred()) {
        return NULL;
    }
    ndm_alloc_stats.peak_bytes = peak > ndm_alloc_stats.live_bytes
                                 ? peak : ndm_alloc_stats.live_bytes;
    Py_RETURN_NONE;
}

/* Swap *slot for arg (None clears it) and return the previous value. */
static PyObject *
swap_slot(PyObject **slot, PyObject *arg)
{
    PyObject *old = *slot != NULL ? *slot : Py_NewRef(Py_None);
    *slot = arg == Py_None ? NULL : Py_NewRef(arg);
    return old;
}

static PyObject *
alloc_forbid(PyObject *Py_UNUSED(module), PyObject *arg)
{
    if (arg != Py_None && !(PyType_Check(arg)
            && PyType_IsSubtype((PyTypeObject *)arg, (PyTypeObject *)PyExc_Exception))) {
        PyErr_SetString(PyExc_TypeError, "expected an exception class or None");
        return NULL;
    }
    PyObject *old = PyThread_tss_get(&forbid_key);
    PyObject *new = arg == Py_None ? NULL : arg;
    if (PyThread_tss_set(&forbid_key, new) != 0) {
        PyErr_SetString(PyExc_RuntimeError, "no_copy: thread-local storage failed");
        return NULL;
    }
    Py_XINCREF(new);
    forbid_threads += (new != NULL) - (old != NULL);
    /* the reference the slot held becomes the caller's */
    return old != NULL ? old : Py_NewRef(Py_None);
}

static PyObject *
alloc_set_hook(PyObject *Py_UNUSED(module), PyObject *arg)
{
    if (arg != Py_None && !PyCallable_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "expected a callable or None");
        return NULL;
    }
    return swap_slot(&ndm_alloc_hook, arg);
}

static PyObject *
alloc_warn_pins(PyObject *Py_UNUSED(module), PyObject *args)
{
    double threshold;
    PyObject *category;
    if (!PyArg_ParseTuple(args, "dO:_alloc_warn_pins", &threshold, &category)) {
        return NULL;
    }
    if (category != Py_None && !(PyType_Check(category)
            && PyType_IsSubtype((PyTypeObject *)category,
                                (PyTypeObject *)PyExc_Warning))) {
        PyErr_SetString(PyExc_TypeError, "expected a Warning subclass or None");
        return NULL;
    }
#ifdef NDMEM_NO_COUNTERS
    if (category != Py_None) {
        return no_counters();
    }
#endif
    pin_threshold = threshold;
    Py_XSETREF(pin_category, category == Py_None ? NULL : Py_NewRef(category));
    ndm_alloc_pin_checks = pin_category != NULL;
    if (pin_category != NULL) {
        /* a new threshold applies afresh to every buffer */
        for (NdmBuffer *b = ndm_live_buffers.next; b != &ndm_live_buffers; b = b->next) {
            b->pin_warned = 0;
        }
    }
    Py_RETURN_NONE;
}

static PyObject *
alloc_check_pins(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(args))
{
#ifndef NDMEM_NO_COUNTERS
    if (ndm_alloc_check_pins() < 0) {
        return NULL;
    }
#endif
    Py_RETURN_NONE;
}

static PyMethodDef alloc_functions[] = {
    {"_alloc_stats", alloc_stats, METH_NOARGS,
     "Exact counters of array data owned by ndmem."},
    {"_alloc_reset_peak", alloc_reset_peak, METH_NOARGS,
     "Set the peak to the bytes live now; return the previous peak."},
    {"_alloc_set_peak", alloc_set_peak, METH_O,
     "Set the peak to max(value, live bytes)."},
    {"_alloc_forbid", alloc_forbid, METH_O,
     "Make every allocation in this thread raise this exception class (None: allow); returns the previous one."},
    {"_alloc_set_hook", alloc_set_hook, METH_O,
     "Call hook(nbytes, shape, dtype) for every new array buffer (None: off); returns the previous hook."},
    {"_alloc_warn_pins", alloc_warn_pins, METH_VARARGS,
     "Warn with category when views covering less than threshold of a buffer are all that keep it."},
    {"_alloc_check_pins", alloc_check_pins, METH_NOARGS,
     "Run the PinWarning check now."},
    {"_alloc_buffer_of", alloc_buffer_of, METH_O,
     "The record of the buffer an array's data lives in, or None."},
    {"_alloc_buffers", alloc_buffers, METH_NOARGS,
     "Records of every live buffer."},
    {NULL, NULL, 0, NULL},
};

int
ndm_alloc_init(PyObject *module)
{
    if (PyModule_AddFunctions(module, alloc_functions) < 0) {
        return -1;
    }
    if (!PyThread_tss_is_created(&forbid_key) && PyThread_tss_create(&forbid_key) != 0) {
        PyErr_SetString(PyExc_RuntimeError, "cannot create thread-local storage");
        return -1;
    }
#ifdef NDMEM_NO_COUNTERS
    if (PyModule_AddIntConstant(module, "_alloc_counters", 0) < 0) {
        return -1;
    }
#else
    if (PyModule_AddIntConstant(module, "_alloc_counters", 1) < 0) {
        return -1;
    }
#endif
    return PyModule_AddIntConstant(module, "_tracemalloc_domain",
                                   NDM_TRACEMALLOC_DOMAIN);
}
