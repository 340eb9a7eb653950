/* The process-wide worker pool that large elementwise kernels, reductions
 * and ndmem.evaluate share.  One pool for the whole extension so that the
 * thread count set by ndmem.set_num_threads() (or NDMEM_NUM_THREADS at
 * import) holds everywhere and nested parallelism cannot oversubscribe the
 * machine. */
#ifndef NDM_THREADS_H
#define NDM_THREADS_H

#include "common.h"

/* Work below this many elements is not split: a wakeup costs more than the
 * loop saves. */
#define NDM_THREADS_MIN_CHUNK ((Py_ssize_t)1 << 16)

/* Memory-bound work (a copy, a cast, an add: a few operations per element
 * loaded) is split only from this many elements: one core keeps up with
 * memory, so a second thread mostly adds its wakeup (measured on 2 cores:
 * no gain for add/greater up to 1e7 elements).  2^24 by default; tests
 * lower it through ndmem._core._set_stream_threshold. */
Py_ssize_t ndm_threads_min_stream(void);

typedef void (*ndm_task_fn)(void *ctx, int task);

/* The number of threads kernels may use, at least 1. */
int ndm_threads_count(void);

/* Run task(ctx, i) for every i in [0, ntasks) and return when all are done.
 * The calling thread takes part.  Tasks must not touch Python objects (they
 * run in threads Python does not know); call without the GIL where you can
 * (holding it is safe, but stalls every other Python thread meanwhile).  Floating-point exception flags raised by any task are
 * raised again in the calling thread before return, so the caller's usual
 * fetestexcept() check sees them; the caller's floating-point environment
 * (rounding, ndm_cast_defer_fpe) holds in every task.  Never fails: when
 * the pool cannot run (one thread configured, a nested call from a task,
 * another thread's job in progress, thread creation failed) the tasks run
 * serially in the caller, in order.  A forked child starts a fresh pool. */
void ndm_threads_run(int ntasks, ndm_task_fn task, void *ctx);

/* Outputs a job fills front to back, fresh from mmap: no page of theirs
 * is in memory yet.  data[k] is output k's element 0 and its elements
 * follow each other (itemsize[k] apart); tasks fill the elements
 * [task_end(ctx, t - 1), task_end(ctx, t)) of every output. */
#define NDM_PREFAULT_MAX 4
typedef struct NdmPrefault {
    Py_ssize_t size;
    int nout;
    char *data[NDM_PREFAULT_MAX];
    Py_ssize_t itemsize[NDM_PREFAULT_MAX];
    Py_ssize_t (*task_end)(void *ctx, int task);
} NdmPrefault;

/* ndm_threads_run for a job that fills fresh outputs: one thread faults
 * their pages in, a step at a time and in order, while the others run the
 * tasks, each once its share is in.  The kernel zeroes each new page as
 * it faults it in, and that costs more than most loops' own stores: one
 * thread doing all of it runs at a steady speed on a VM, two faulting at
 * once anywhere from twice that to half (a fresh 80 MB output: 8 ms from
 * one thread; 4.5 to 20 ms from two).  Serially, the faulting comes first. */
void ndm_threads_run_prefaulted(int ntasks, ndm_task_fn task, void *ctx, const NdmPrefault *pf);

#endif
