#include "alloc.h"

#include <sys/mman.h>

NdmAllocStats ndm_alloc_stats;
NdmBuffer ndm_live_buffers = {.prev = &ndm_live_buffers, .next = &ndm_live_buffers};

static void
count_allocation(NdmBuffer *buffer)
{
    long long n = (long long)buffer->nbytes;
    ndm_alloc_stats.live_bytes += n;
    ndm_alloc_stats.live_buffers += 1;
    ndm_alloc_stats.total_allocated += n;
    ndm_alloc_stats.allocations += 1;
    if (buffer->mapped) {
        ndm_alloc_stats.live_mapped_bytes += n;
    }
    else {
        ndm_alloc_stats.live_heap_bytes += n;
    }
    if (ndm_alloc_stats.live_bytes > ndm_alloc_stats.peak_bytes) {
        ndm_alloc_stats.peak_bytes = ndm_alloc_stats.live_bytes;
    }
    /* Failure to trace (tracemalloc off, or out of memory in it) must not
     * fail the allocation itself. */
    (void)PyTraceMalloc_Track(NDM_TRACEMALLOC_DOMAIN,
                              (uintptr_t)buffer->data, buffer->nbytes);
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
    (void)PyTraceMalloc_Untrack(NDM_TRACEMALLOC_DOMAIN, (uintptr_t)buffer->data);
}

NdmBuffer *
ndm_buffer_new(size_t nbytes, int zeroed)
{
    char *block;
    size_t total;

    if (nbytes > (size_t)PY_SSIZE_T_MAX - NDM_BUFFER_HEADER) {
        PyErr_NoMemory();
        return NULL;
    }
    total = nbytes + NDM_BUFFER_HEADER;
    if (nbytes >= NDM_MMAP_THRESHOLD) {
        block = mmap(NULL, total, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (block == MAP_FAILED) {
            PyErr_Format(PyExc_MemoryError,
                         "Unable to allocate %zu bytes for an array", nbytes);
            return NULL;
        }
    }
    else {
        block = zeroed ? calloc(1, total) : malloc(total);
        if (block == NULL) {
            PyErr_Format(PyExc_MemoryError,
                         "Unable to allocate %zu bytes for an array", nbytes);
            return NULL;
        }
    }
    NdmBuffer *buffer = (NdmBuffer *)block;
    buffer->data = block + NDM_BUFFER_HEADER;
    buffer->nbytes = nbytes;
    buffer->mapped = nbytes >= NDM_MMAP_THRESHOLD ? total : 0;
    buffer->owner = NULL;
    buffer->views.prev = buffer->views.next = &buffer->views;
    buffer->nviews = 0;
    buffer->next = &ndm_live_buffers;
    buffer->prev = ndm_live_buffers.prev;
    ndm_live_buffers.prev->next = buffer;
    ndm_live_buffers.prev = buffer;
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
    buffer->prev->next = buffer->next;
    buffer->next->prev = buffer->prev;
    if (buffer->mapped) {
        munmap(buffer, buffer->mapped);
    }
    else {
        free(buffer);
    }
}

void
ndm_buffer_attach(NdmBuffer *buffer, NdmViewLink *link)
{
    link->next = &buffer->views;
    link->prev = buffer->views.prev;
    buffer->views.prev->next = link;
    buffer->views.prev = link;
    buffer->nviews++;
}

void
ndm_buffer_detach(NdmBuffer *buffer, NdmViewLink *link)
{
    link->prev->next = link->next;
    link->next->prev = link->prev;
    link->prev = link->next = NULL;
    buffer->nviews--;
}

static PyObject *
alloc_stats(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(args))
{
    return Py_BuildValue(
        "{sLsLsLsLsLsLsLsL}",
        "live_bytes", ndm_alloc_stats.live_bytes,
        "live_buffers", ndm_alloc_stats.live_buffers,
        "peak_bytes", ndm_alloc_stats.peak_bytes,
        "total_allocated", ndm_alloc_stats.total_allocated,
        "total_freed", ndm_alloc_stats.total_freed,
        "allocations", ndm_alloc_stats.allocations,
        "live_heap_bytes", ndm_alloc_stats.live_heap_bytes,
        "live_mapped_bytes", ndm_alloc_stats.live_mapped_bytes);
}

static PyObject *
alloc_reset_peak(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(args))
{
    ndm_alloc_stats.peak_bytes = ndm_alloc_stats.live_bytes;
    Py_RETURN_NONE;
}

static PyMethodDef alloc_functions[] = {
    {"_alloc_stats", alloc_stats, METH_NOARGS,
     "Exact counters of array data owned by ndmem."},
    {"_alloc_reset_peak", alloc_reset_peak, METH_NOARGS,
     "Set the peak to the bytes live now."},
    {NULL, NULL, 0, NULL},
};

int
ndm_alloc_init(PyObject *module)
{
    if (PyModule_AddFunctions(module, alloc_functions) < 0) {
        return -1;
    }
    return PyModule_AddIntConstant(module, "_tracemalloc_domain",
                                   NDM_TRACEMALLOC_DOMAIN);
}
