/* Worker pool (see threads.h).
 *
 * One job at a time: the caller publishes (task, ctx, ntasks) under the
 * pool mutex, wakes the workers, claims tasks itself through an atomic
 * counter and then waits until every task is finished and every worker
 * that joined has left the job.  A worker joins a job only under the
 * mutex while the job is open, so once the caller closes it no straggler
 * can touch the next job's state.  Which thread runs a task never changes
 * what the task computes: callers split their work by task index.
 *
 * Workers are detached and never touch Python: at interpreter exit they
 * sleep on the condition variable and vanish with the process, so nothing
 * has to join them.  Shrinking the pool asks the surplus workers to exit;
 * growing it starts new ones lazily on the next job. */
#include "threads.h"   /* first: Python.h sets _GNU_SOURCE for sched.h */
#include <errno.h>
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "dtype.h"
#include "alloc.h"

#define MAX_THREADS 1024

typedef struct Worker {
    int quit;                 /* under pool_lock: leave at the next wakeup */
} Worker;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
/* Held by the thread whose job owns the pool; others run serially. */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

static int thread_count = 1;            /* configured, caller included */
static Py_ssize_t min_stream = (Py_ssize_t)1 << 24;
static Worker *workers[MAX_THREADS];    /* under pool_lock */
static int nworkers;                    /* under pool_lock */

/* The current job; the plain fields are written under pool_lock before
 * the job opens and read by workers under pool_lock when they join. */
static struct {
    ndm_task_fn task;
    void *ctx;
    int ntasks;
    int open;
    int seats;                /* workers that may still join */
    int busy;                 /* workers inside the job */
    int done;                 /* tasks finished */
    unsigned long generation;
    int defer_fpe;
    fenv_t env;
    atomic_int next;          /* next unclaimed task */
    atomic_int fpe;           /* union of the flags raised by workers */
} job;

static _Thread_local int in_task;

static int
claim_and_run(ndm_task_fn task, void *ctx, int ntasks)
{
    int ran = 0;
    for (;;) {
        int i = atomic_fetch_add_explicit(&job.next, 1, memory_order_relaxed);
        if (i >= ntasks) {
            return ran;
        }
        task(ctx, i);
        ran++;
    }
}

static void *
worker_main(void *arg)
{
    Worker *self = arg;
    unsigned long seen = 0;

    in_task = 1;
    pthread_mutex_lock(&pool_lock);
    for (;;) {
        while (!self->quit && !(job.open && job.seats > 0 && job.generation != seen)) {
            pthread_cond_wait(&wake_cv, &pool_lock);
        }
        if (self->quit) {
            break;
        }
        seen = job.generation;
        job.seats--;
        job.busy++;
        ndm_task_fn task = job.task;
        void *ctx = job.ctx;
        int ntasks = job.ntasks;
        ndm_cast_defer_fpe = job.defer_fpe;
        fesetenv(&job.env);
        pthread_mutex_unlock(&pool_lock);

        feclearexcept(FE_ALL_EXCEPT);
        int ran = claim_and_run(task, ctx, ntasks);
        int raised = fetestexcept(FE_ALL_EXCEPT);
        if (raised) {
            atomic_fetch_or_explicit(&job.fpe, raised, memory_order_relaxed);
        }

        pthread_mutex_lock(&pool_lock);
        job.done += ran;
        job.busy--;
        if (job.busy == 0 && job.done == job.ntasks) {
            pthread_cond_signal(&done_cv);
        }
    }
    pthread_mutex_unlock(&pool_lock);
    free(self);
    return NULL;
}

/* Start workers until want are alive (under pool_lock).  Signals are
 * blocked in workers so that they are always delivered to Python's
 * threads.  Returns the number alive. */
static int
start_workers(int want)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    while (nworkers < want) {
        Worker *w = calloc(1, sizeof *w);
        if (w == NULL) {
            break;
        }
        pthread_attr_t attr;
        pthread_t tid;
        if (pthread_attr_init(&attr) != 0) {
            free(w);
            break;
        }
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&tid, &attr, worker_main, w);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            free(w);
            break;
        }
        workers[nworkers++] = w;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return nworkers;
}

/* Ask workers past keep to exit (under pool_lock). */
static void
stop_workers(int keep)
{
    if (nworkers <= keep) {
        return;
    }
    while (nworkers > keep) {
        workers[--nworkers]->quit = 1;
        workers[nworkers] = NULL;
    }
    pthread_cond_broadcast(&wake_cv);
}

int
ndm_threads_count(void)
{
    return thread_count;
}

Py_ssize_t
ndm_threads_min_stream(void)
{
    return min_stream;
}

static void
run_serial(int ntasks, ndm_task_fn task, void *ctx)
{
    for (int i = 0; i < ntasks; i++) {
        task(ctx, i);
    }
}

void
ndm_threads_run(int ntasks, ndm_task_fn task, void *ctx)
{
    int want = thread_count;
    if (ntasks <= 1 || want <= 1 || in_task || pthread_mutex_trylock(&run_lock) != 0) {
        run_serial(ntasks, task, ctx);
        return;
    }
    pthread_mutex_lock(&pool_lock);
    int avail = start_workers(want - 1);
    if (avail == 0) {
        pthread_mutex_unlock(&pool_lock);
        pthread_mutex_unlock(&run_lock);
        run_serial(ntasks, task, ctx);
        return;
    }
    job.task = task;
    job.ctx = ctx;
    job.ntasks = ntasks;
    job.done = 0;
    job.busy = 0;
    job.seats = ntasks - 1 < want - 1 ? ntasks - 1 : want - 1;
    job.generation++;
    job.defer_fpe = ndm_cast_defer_fpe;
    fegetenv(&job.env);
    atomic_store_explicit(&job.next, 0, memory_order_relaxed);
    atomic_store_explicit(&job.fpe, 0, memory_order_relaxed);
    job.open = 1;
    pthread_cond_broadcast(&wake_cv);
    pthread_mutex_unlock(&pool_lock);

    in_task = 1;
    int ran = claim_and_run(task, ctx, ntasks);
    in_task = 0;

    pthread_mutex_lock(&pool_lock);
    job.done += ran;
    while (job.busy > 0 || job.done < job.ntasks) {
        pthread_cond_wait(&done_cv, &pool_lock);
    }
    job.open = 0;
    int raised = atomic_load_explicit(&job.fpe, memory_order_relaxed);
    pthread_mutex_unlock(&pool_lock);
    pthread_mutex_unlock(&run_lock);
    if (raised) {
        feraiseexcept(raised);
    }
}

typedef struct Prefaulted {
    ndm_task_fn task;
    void *ctx;
    const NdmPrefault *pf;
    _Atomic Py_ssize_t faulted;    /* elements whose pages are in */
} Prefaulted;

#define PREFAULT_STEP_BYTES ((Py_ssize_t)2 << 20)

static void
prefault_outputs(Prefaulted *pre)
{
    const NdmPrefault *pf = pre->pf;
    Py_ssize_t widest = 1;
    for (int k = 0; k < pf->nout; k++) {
        if (pf->itemsize[k] > widest) {
            widest = pf->itemsize[k];
        }
    }
    Py_ssize_t step = PREFAULT_STEP_BYTES / widest;
    for (Py_ssize_t s = 0; s < pf->size; s += step) {
        Py_ssize_t e = pf->size - s < step ? pf->size : s + step;
        for (int k = 0; k < pf->nout; k++) {
            ndm_buffer_prefault(pf->data[k] + s * pf->itemsize[k],
                                pf->data[k] + e * pf->itemsize[k]);
        }
        atomic_store_explicit(&pre->faulted, e, memory_order_release);
    }
}

static void
prefaulted_task(void *arg, int t)
{
    Prefaulted *pre = arg;
    /* task 0 is claimed first, so whoever waits below has a thread
     * faulting for it (run serially, task 0 is already done) */
    if (t == 0) {
        prefault_outputs(pre);
        return;
    }
    Py_ssize_t end = pre->pf->task_end(pre->ctx, t - 1);
    while (atomic_load_explicit(&pre->faulted, memory_order_acquire) < end) {
        sched_yield();
    }
    pre->task(pre->ctx, t - 1);
}

void
ndm_threads_run_prefaulted(int ntasks, ndm_task_fn task, void *ctx, const NdmPrefault *pf)
{
    Prefaulted pre = {.task = task, .ctx = ctx, .pf = pf};
    atomic_init(&pre.faulted, 0);
    ndm_threads_run(ntasks + 1, prefaulted_task, &pre);
}

/* The child of fork() has only the forking thread: the workers, and any
 * job another thread was running, are gone.  It starts from a fresh pool
 * (same thread count) that starts its workers on the first job.  The
 * parent holds pool_lock across fork so the child copies a consistent
 * state; run_lock may be copied held by a thread that does not exist in
 * the child, so it is made anew. */
static void
atfork_prepare(void)
{
    pthread_mutex_lock(&pool_lock);
}

static void
atfork_parent(void)
{
    pthread_mutex_unlock(&pool_lock);
}

static void
atfork_child(void)
{
    pthread_mutex_init(&pool_lock, NULL);
    pthread_mutex_init(&run_lock, NULL);
    pthread_cond_init(&wake_cv, NULL);
    pthread_cond_init(&done_cv, NULL);
    for (int i = 0; i < nworkers; i++) {
        free(workers[i]);
        workers[i] = NULL;
    }
    nworkers = 0;
    job.open = 0;
    job.busy = 0;
    in_task = 0;
}

static int
default_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n >= 1) {
            return n < MAX_THREADS ? n : MAX_THREADS;
        }
    }
    return 1;
}

static void
set_count(int n)
{
    pthread_mutex_lock(&pool_lock);
    thread_count = n;
    stop_workers(n - 1);
    pthread_mutex_unlock(&pool_lock);
}

static PyObject *
set_num_threads(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError)) {
            return NULL;
        }
        PyErr_Clear();
        n = 0;
    }
    if (n < 1 || n > MAX_THREADS) {
        PyErr_SetString(PyExc_ValueError, "number of threads must be between 1 and 1024");
        return NULL;
    }
    set_count((int)n);
    Py_RETURN_NONE;
}

static PyObject *
get_num_threads(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromLong(thread_count);
}

/* Private: set the memory-bound split threshold, return the old one. */
static PyObject *
set_stream_threshold(PyObject *Py_UNUSED(module), PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (n < 2 * NDM_THREADS_MIN_CHUNK) {
        PyErr_SetString(PyExc_ValueError, "threshold below 2 * NDM_THREADS_MIN_CHUNK");
        return NULL;
    }
    Py_ssize_t old = min_stream;
    min_stream = n;
    return PyLong_FromSsize_t(old);
}

static PyMethodDef threads_methods[] = {
    {"set_num_threads", set_num_threads, METH_O,
     "set_num_threads(n)\n--\n\n"
     "Use up to n threads (the caller included) for large elementwise\n"
     "operations and reductions.  n is an integer in [1, 1024]; the default\n"
     "is the number of CPUs this process may run on, or NDMEM_NUM_THREADS."},
    {"get_num_threads", get_num_threads, METH_NOARGS,
     "get_num_threads()\n--\n\nThe number of threads large operations may use."},
    {"_set_stream_threshold", set_stream_threshold, METH_O,
     "_set_stream_threshold(n)\n--\n\n"
     "Split memory-bound loops from n elements; returns the previous value."},
    {NULL, NULL, 0, NULL},
};

/* NDMEM_NUM_THREADS: an integer in [1, 1024].  Anything else warns
 * (RuntimeWarning) and the default stays: a stray environment variable
 * should not make the import fail. */
static int
count_from_env(int *n)
{
    const char *s = getenv("NDMEM_NUM_THREADS");
    if (s == NULL || *s == '\0') {
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\n') {
        end++;
    }
    if (errno == 0 && end != s && *end == '\0' && v >= 1 && v <= MAX_THREADS) {
        *n = (int)v;
        return 0;
    }
    return PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                            "NDMEM_NUM_THREADS=%.40s ignored: expected an integer "
                            "between 1 and 1024", s);
}

int
ndm_threads_init(PyObject *module)
{
    static int atfork_done;
    int n = default_count();
    if (count_from_env(&n) < 0) {
        return -1;
    }
    if (!atfork_done) {
        if (pthread_atfork(atfork_prepare, atfork_parent, atfork_child) != 0) {
            PyErr_SetString(PyExc_RuntimeError, "pthread_atfork failed");
            return -1;
        }
        atfork_done = 1;
    }
    set_count(n);
    return PyModule_AddFunctions(module, threads_methods);
}
