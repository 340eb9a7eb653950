/* The one allocator of array data.  Every byte of array data that ndmem owns
 * comes from ndm_buffer_new and goes back through this file, so the counters
 * here are exact.
 *
 * Compiling with -DNDMEM_NO_COUNTERS leaves out the counters, the tracemalloc
 * reports, the list of live buffers and the rings of views (only the number
 * of views is kept, which ownership needs): benchmarks/bench_counters.py
 * compares such a build with a normal one. */
#ifndef NDM_ALLOC_H
#define NDM_ALLOC_H

#include "common.h"

struct NdmBuffer;

/* Embedded in every array: links it into the ring of the arrays whose data
 * lives in one buffer, so attaching and detaching cost no allocation. */
typedef struct NdmViewLink {
    struct NdmViewLink *prev;
    struct NdmViewLink *next;
    struct NdmBuffer *buffer;   /* the buffer the array's data lives in, or NULL */
    PyObject *array;            /* the array this link is part of (borrowed) */
} NdmViewLink;

/* An owned data buffer.  The header sits in the same allocation as the data,
 * NDM_BUFFER_HEADER bytes before it.  Every live buffer is on one list, and
 * every array viewing a buffer (its owner included) is on the buffer's ring
 * of views, so "what keeps this alive" is answered in O(views).
 *
 * The owner normally outlives its views (they hold it as their base).  When
 * it goes first anyway (its state was replaced by __setstate__), the buffer
 * becomes an orphan and is freed with its last view. */
typedef struct NdmBuffer {
    char *data;
    size_t nbytes;          /* bytes of array data asked for */
    size_t mapped;          /* length of the mmap()ed region, 0 when from the heap */
    PyObject *owner;        /* the array that owns the data (borrowed), NULL for an orphan */
    NdmViewLink views;      /* ring head of the arrays viewing the data */
    Py_ssize_t nviews;
    int pin_warned;         /* a PinWarning was issued for this buffer */
    int traced;             /* reported to tracemalloc */
    long long serial;       /* its number among all allocations (1, 2, ...) */
    struct NdmBuffer *prev; /* all live buffers */
    struct NdmBuffer *next;
} NdmBuffer;

#define NDM_BUFFER_HEADER ((sizeof(NdmBuffer) + 63) / 64 * 64)

/* Buffers at least this large are mapped straight from the kernel.  glibc
 * does the same for blocks this size whatever its dynamic threshold (32 MiB
 * is DEFAULT_MMAP_THRESHOLD_MAX on 64-bit), so big arrays return their pages
 * on free while mid-sized ones reuse the heap as they do under NumPy. */
#define NDM_MMAP_THRESHOLD ((size_t)32 << 20)

/* Buffers at least this large ask for transparent huge pages (NumPy's 4 MiB). */
#define NDM_HUGEPAGE_THRESHOLD ((size_t)4 << 20)

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
    long long live_file_mapped_bytes;   /* memmap files (mmap.c), not array data */
} NdmAllocStats;

extern NdmAllocStats ndm_alloc_stats;

/* Returns NULL with MemoryError set on failure (or the no_copy() exception
 * while allocations are forbidden).  zeroed: the data reads as 0. */
NdmBuffer *ndm_buffer_new(size_t nbytes, int zeroed);

/* Fault in the pages that start within [lo, hi) for writing, as first
 * stores would (huge pages where the mapping has them), changing no byte.
 * Lets one thread take a fresh mapping's page faults while others fill
 * the pages already faulted. */
void ndm_buffer_prefault(char *lo, char *hi);

/* Free a buffer that no array has been attached to (error paths). */
void ndm_buffer_free(NdmBuffer *buffer);

/* The registry of views (owner included).  attach records that array's data
 * lives in buffer; detach undoes it and frees an orphaned buffer whose last
 * view this was. */
void ndm_buffer_attach(NdmBuffer *buffer, NdmViewLink *link, PyObject *array);
void ndm_buffer_detach(NdmViewLink *link);

/* The owner lets go of its buffer (after detaching its own link): freed now
 * unless views remain, then freed with the last of them. */
void ndm_buffer_disown(NdmBuffer *buffer);

/* The ring of all live buffers (head is a sentinel). */
extern NdmBuffer ndm_live_buffers;

/* Set while ndmem.memory.track(log=True) runs; a single pointer test when off. */
extern PyObject *ndm_alloc_hook;

/* Report the array that just got a fresh buffer to the hook. */
int ndm_alloc_notify(PyObject *array);

/* Nonzero while PinWarning checks are on (ndmem.memory.warn_pins). */
extern int ndm_alloc_pin_checks;

/* Warn about buffers only small views keep alive; -1 if the warning raised. */
int ndm_alloc_check_pins(void);

#endif
