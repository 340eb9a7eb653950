/* The one allocator of array data.  Every byte of array data that ndmem owns
 * comes from ndm_buffer_new and goes back through ndm_buffer_free, so the
 * counters here are exact. */
#ifndef NDM_ALLOC_H
#define NDM_ALLOC_H

#include "common.h"

/* Links an array into the registry of the buffer it views. */
typedef struct NdmViewLink {
    struct NdmViewLink *prev;
    struct NdmViewLink *next;
} NdmViewLink;

/* An owned data buffer.  The header sits in the same allocation as the data,
 * NDM_BUFFER_HEADER bytes before it.  Every live buffer is on one list, and
 * every array viewing a buffer (its owner included) is on the buffer's ring
 * of views, so "what keeps this alive" is answered in O(views). */
typedef struct NdmBuffer {
    char *data;
    size_t nbytes;          /* bytes of array data asked for */
    size_t mapped;          /* length of the mmap()ed region, 0 when from the heap */
    PyObject *owner;        /* the array that owns the data (borrowed) */
    NdmViewLink views;      /* ring head of the arrays viewing the data */
    Py_ssize_t nviews;
    struct NdmBuffer *prev; /* all live buffers */
    struct NdmBuffer *next;
} NdmBuffer;

#define NDM_BUFFER_HEADER ((sizeof(NdmBuffer) + 63) / 64 * 64)

/* Buffers at least this large are mapped straight from the kernel so that
 * freeing them returns the pages at once (glibc may keep heap blocks). */
#define NDM_MMAP_THRESHOLD ((size_t)1 << 20)

/* tracemalloc domain under which array data is reported ("ndm"). */
#define NDM_TRACEMALLOC_DOMAIN 0x6E646D

typedef struct NdmAllocStats {
    long long live_bytes;
    long long live_buffers;
    long long peak_bytes;
    long long total_allocated;
    long long total_freed;
    long long allocations;
    long long live_heap_bytes;
    long long live_mapped_bytes;
} NdmAllocStats;

extern NdmAllocStats ndm_alloc_stats;

/* Returns NULL with MemoryError set on failure.  zeroed: the data reads as 0. */
NdmBuffer *ndm_buffer_new(size_t nbytes, int zeroed);
void ndm_buffer_free(NdmBuffer *buffer);

/* The registry of views (owner included). */
void ndm_buffer_attach(NdmBuffer *buffer, NdmViewLink *link);
void ndm_buffer_detach(NdmBuffer *buffer, NdmViewLink *link);

/* The ring of all live buffers (head is a sentinel). */
extern NdmBuffer ndm_live_buffers;

#endif
