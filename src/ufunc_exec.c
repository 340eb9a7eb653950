/* Running a resolved ufunc loop: NumPy's K-order output layout, the
 * buffered strided loop (casts in chunks of NDM_UFUNC_BUFSIZE elements, as
 * NumPy's buffered nditer, never a full-size temporary), where= masks, and
 * floating-point error reporting under the errstate. */
#include <fenv.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "ufunc_internal.h"
#include "scalar.h"
#include "threads.h"
#include "alloc.h"

#define NDM_UFUNC_BUFSIZE 8192
#define GIL_THRESHOLD ((Py_ssize_t)1 << 14)

#ifndef NDM_FPE_UNDERFLOW
#define NDM_FPE_UNDERFLOW 4
#endif

#define FE_NDM_ALL (FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID)

/* ------------------------------------------------------------------ */
/* output layout                                                      */

static inline Py_ssize_t
absz(Py_ssize_t v)
{
    return v < 0 ? -v : v;
}

/* Stride of op on axis ax of the broadcast shape (0 where broadcast or
 * length 1, as nditer sees it). */
static Py_ssize_t
op_stride(NdmArray *a, int nd, const Py_ssize_t *shape, int ax)
{
    int j = ax - (nd - a->nd);
    if (j < 0 || shape[ax] == 1 || a->shape[j] != shape[ax]) {
        return 0;
    }
    return a->strides[j];
}

void
ndm_ufunc_k_strides(int nops, NdmArray **ops, int nd, const Py_ssize_t *shape,
                    Py_ssize_t itemsize, Py_ssize_t *strides_out)
{
    /* perm[p]: the C axis at iterator position p, innermost first;
     * npyiter_find_best_axis_ordering's insertion sort. */
    int perm[NDM_MAXDIMS];
    for (int p = 0; p < nd; p++) {
        perm[p] = nd - 1 - p;
    }
    for (int i0 = 1; i0 < nd; i0++) {
        int ipos = i0;
        int ax0 = perm[i0];
        for (int i1 = i0 - 1; i1 >= 0; i1--) {
            int ambig = 1, swap = 0;
            int ax1 = perm[i1];
            for (int k = 0; k < nops; k++) {
                if (ops[k] == NULL) {
                    continue;
                }
                Py_ssize_t s0 = op_stride(ops[k], nd, shape, ax0);
                Py_ssize_t s1 = op_stride(ops[k], nd, shape, ax1);
                if (s0 != 0 && s1 != 0) {
                    if (absz(s1) <= absz(s0)) {
                        swap = 0;
                    }
                    else if (ambig) {
                        swap = 1;
                    }
                    ambig = 0;
                }
            }
            if (!ambig) {
                if (swap) {
                    ipos = i1;
                }
                else {
                    break;
                }
            }
        }
        if (ipos != i0) {
            for (int p = i0; p > ipos; p--) {
                perm[p] = perm[p - 1];
            }
            perm[ipos] = ax0;
        }
    }
    Py_ssize_t s = itemsize;
    for (int p = 0; p < nd; p++) {
        strides_out[perm[p]] = s;
        s *= shape[perm[p]];
    }
}

/* ------------------------------------------------------------------ */
/* floating-point status                                              */

int
ndm_ufunc_fpe_take(void)
{
    int raised = fetestexcept(FE_NDM_ALL);
    if (raised == 0) {
        return 0;
    }
    feclearexcept(FE_NDM_ALL);
    int flags = 0;
    if (raised & FE_DIVBYZERO) {
        flags |= NDM_FPE_DIVIDEBYZERO;
    }
    if (raised & FE_OVERFLOW) {
        flags |= NDM_FPE_OVERFLOW;
    }
    if (raised & FE_UNDERFLOW) {
        flags |= NDM_FPE_UNDERFLOW;
    }
    if (raised & FE_INVALID) {
        flags |= NDM_FPE_INVALID;
    }
    return flags;
}

/* The errstate lives in a context variable (as NumPy 2's extobj): a tuple
 * (divide, over, under, invalid, callback, bufsize), see _ufunc_config.py. */
static PyObject *errstate_var;

enum { MODE_IGNORE = 0, MODE_WARN, MODE_RAISE, MODE_CALL, MODE_PRINT, MODE_LOG };

int
ndm_ufunc_errstate_init(PyObject *module)
{
    PyObject *dflt = Py_BuildValue("(iiiiOn)", MODE_WARN, MODE_WARN, MODE_IGNORE,
                                   MODE_WARN, Py_None, (Py_ssize_t)NDM_UFUNC_BUFSIZE);
    if (dflt == NULL) {
        return -1;
    }
    errstate_var = PyContextVar_New("ndmem._errstate", dflt);
    Py_DECREF(dflt);
    if (errstate_var == NULL) {
        return -1;
    }
    Py_INCREF(errstate_var);
    if (PyModule_AddObject(module, "_errstate_var", errstate_var) < 0) {
        Py_DECREF(errstate_var);
        return -1;
    }
    return 0;
}

static int
handle_one(int mode, PyObject *callback, const char *what, const char *name,
           int flags)
{
    char msg[160];
    switch (mode) {
    case MODE_WARN:
        snprintf(msg, sizeof msg, "%s encountered in %s", what, name);
        return PyErr_WarnEx(PyExc_RuntimeWarning, msg, 1);
    case MODE_RAISE:
        PyErr_Format(PyExc_FloatingPointError, "%s encountered in %s", what, name);
        return -1;
    case MODE_CALL: {
        if (callback == Py_None) {
            PyErr_Format(PyExc_NameError,
                         "python callback specified for %s (in  %s) but no function found.",
                         what, name);
            return -1;
        }
        PyObject *r = PyObject_CallFunction(callback, "si", what, flags);
        Py_XDECREF(r);
        return r == NULL ? -1 : 0;
    }
    case MODE_PRINT:
        PySys_WriteStderr("Warning: %s encountered in %s\n", what, name);
        return 0;
    case MODE_LOG: {
        if (callback == Py_None) {
            PyErr_Format(PyExc_NameError,
                         "log specified for %s (in %s) but no object with write method found.",
                         what, name);
            return -1;
        }
        snprintf(msg, sizeof msg, "Warning: %s encountered in %s\n", what, name);
        PyObject *r = PyObject_CallMethod(callback, "write", "s", msg);
        Py_XDECREF(r);
        return r == NULL ? -1 : 0;
    }
    default:
        return 0;
    }
}

static const struct { int flag; const char *what; } fpe_kinds[] = {
    {NDM_FPE_DIVIDEBYZERO, "divide by zero"},
    {NDM_FPE_OVERFLOW, "overflow"},
    {NDM_FPE_UNDERFLOW, "underflow"},
    {NDM_FPE_INVALID, "invalid value"},
};

/* The errstate's mode per fpe_kinds entry and its callback (borrowed
 * from *state, a new reference the caller releases).  -1 on error. */
static int
errstate_modes(int modes[4], PyObject **callback, PyObject **state)
{
    static const int defaults[4] = {MODE_WARN, MODE_WARN, MODE_IGNORE, MODE_WARN};
    *state = NULL;
    *callback = Py_None;
    memcpy(modes, defaults, sizeof defaults);
    if (errstate_var == NULL || PyContextVar_Get(errstate_var, NULL, state) < 0) {
        return -1;
    }
    if (*state != NULL && PyTuple_Check(*state) && PyTuple_GET_SIZE(*state) == 6) {
        for (int i = 0; i < 4; i++) {
            modes[i] = (int)PyLong_AsLong(PyTuple_GET_ITEM(*state, i));
        }
        *callback = PyTuple_GET_ITEM(*state, 4);
    }
    if (PyErr_Occurred()) {
        Py_CLEAR(*state);
        return -1;
    }
    return 0;
}

int
ndm_ufunc_fpe_report(int flags, const char *name)
{
    if (flags == 0) {
        return 0;
    }
    int modes[4];
    PyObject *state, *callback;
    if (errstate_modes(modes, &callback, &state) < 0) {
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < 4 && rc == 0; i++) {
        if (flags & fpe_kinds[i].flag) {
            rc = handle_one(modes[i], callback, fpe_kinds[i].what, name, flags);
        }
    }
    Py_XDECREF(state);
    return rc;
}

int
ndm_ufunc_fpe_noticed(int flags)
{
    int modes[4];
    PyObject *state, *callback;
    if (flags == 0) {
        return 0;
    }
    if (errstate_modes(modes, &callback, &state) < 0) {
        return -1;
    }
    Py_XDECREF(state);
    int noticed = 0;
    for (int i = 0; i < 4; i++) {
        if ((flags & fpe_kinds[i].flag) && modes[i] != MODE_IGNORE) {
            noticed |= fpe_kinds[i].flag;
        }
    }
    return noticed;
}

/* The current setbufsize() value (elements per buffered chunk). */
static Py_ssize_t
current_bufsize(void)
{
    PyObject *state = NULL;
    Py_ssize_t n = NDM_UFUNC_BUFSIZE;
    if (errstate_var != NULL && PyContextVar_Get(errstate_var, NULL, &state) == 0
            && state != NULL && PyTuple_Check(state) && PyTuple_GET_SIZE(state) == 6) {
        n = PyLong_AsSsize_t(PyTuple_GET_ITEM(state, 5));
        if (n < 16) {
            PyErr_Clear();
            n = NDM_UFUNC_BUFSIZE;
        }
    }
    PyErr_Clear();
    Py_XDECREF(state);
    return n;
}

/* ------------------------------------------------------------------ */
/* the buffered loop                                                  */

typedef struct Exec {
    NdmLoop loop;
    int nin, nop, has_mask;
    Py_ssize_t bufsize;
    ndm_kernel kernel;
    int needs_gil;
    ndm_cast_fn cast[NDM_UFUNC_MAXOPS];   /* NULL: the kernel reads/writes in place */
    NdmDtype *op_dtype[NDM_UFUNC_MAXOPS];  /* borrowed */
    NdmDtype *loop_dtype[NDM_UFUNC_MAXOPS];/* owned */
    Py_ssize_t isz[NDM_UFUNC_MAXOPS];
    char *buf[NDM_UFUNC_MAXOPS];
} Exec;

/* Cast back the outputs of elements [s, e) of the current chunk. */
static int
flush_outputs(Exec *ex, char **base, const Py_ssize_t *steps, Py_ssize_t s,
              Py_ssize_t e)
{
    for (int k = ex->nin; k < ex->nop; k++) {
        if (ex->cast[k] == NULL) {
            continue;
        }
        if (ex->cast[k](ex->buf[k] + s * ex->isz[k], ex->isz[k],
                        base[k] + s * steps[k], steps[k], e - s,
                        ex->loop_dtype[k], ex->op_dtype[k]) < 0) {
            return -1;
        }
    }
    return 0;
}

/* After a kernel call on elements [s, e): cast the outputs back even when
 * the kernel raised (NumPy's buffers are flushed before the error
 * propagates, so the computed elements land in out=). */
static int
finish_chunk(Exec *ex, char **base, const Py_ssize_t *steps, Py_ssize_t s,
             Py_ssize_t e)
{
    if (!(ex->needs_gil && PyErr_Occurred())) {
        return flush_outputs(ex, base, steps, s, e);
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    int rc = flush_outputs(ex, base, steps, s, e);
    if (rc < 0) {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
    }
    else {
        PyErr_Restore(type, value, tb);
    }
    return -1;
}

/* One inner row of n elements starting at ptrs. */
static int
run_row(Exec *ex, char **ptrs, const Py_ssize_t *steps, Py_ssize_t n)
{
    char *args[NDM_UFUNC_MAXOPS], *base[NDM_UFUNC_MAXOPS];
    Py_ssize_t st[NDM_UFUNC_MAXOPS];
    Py_ssize_t mstep = ex->has_mask ? steps[ex->nop] : 0;

    for (Py_ssize_t off = 0; off < n; off += ex->bufsize) {
        Py_ssize_t m = n - off < ex->bufsize ? n - off : ex->bufsize;
        for (int k = 0; k < ex->nop; k++) {
            base[k] = ptrs[k] + off * steps[k];
            if (ex->cast[k] == NULL) {
                args[k] = base[k];
                st[k] = steps[k];
                continue;
            }
            args[k] = ex->buf[k];
            st[k] = ex->isz[k];
            if (k < ex->nin) {
                Py_ssize_t cnt = m;
                if (steps[k] == 0) {
                    cnt = 1;
                    st[k] = 0;
                }
                if (ex->cast[k](base[k], steps[k], ex->buf[k], ex->isz[k], cnt,
                                ex->op_dtype[k], ex->loop_dtype[k]) < 0) {
                    return -1;
                }
            }
        }
        if (!ex->has_mask) {
            ex->kernel(args, m, st, NULL);
            if (finish_chunk(ex, base, steps, 0, m) < 0) {
                return -1;
            }
            continue;
        }
        const char *mp = ptrs[ex->nop] + off * mstep;
        Py_ssize_t i = 0;
        while (i < m) {
            while (i < m && !mp[i * mstep]) {
                i++;
            }
            Py_ssize_t s = i;
            while (i < m && mp[i * mstep]) {
                i++;
            }
            if (i == s) {
                break;
            }
            char *run[NDM_UFUNC_MAXOPS];
            for (int k = 0; k < ex->nop; k++) {
                run[k] = args[k] + s * st[k];
            }
            ex->kernel(run, i - s, st, NULL);
            if (finish_chunk(ex, base, steps, s, i) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

static int
run_all(Exec *ex)
{
    NdmLoop *loop = &ex->loop;
    int nd = loop->nd, nops = loop->nop;
    Py_ssize_t steps[NDM_MAXARGS];
    char *ptrs[NDM_MAXARGS];
    Py_ssize_t idx[NDM_MAXDIMS];

    for (int k = 0; k < nops; k++) {
        steps[k] = loop->strides[k][nd - 1];
        ptrs[k] = loop->data[k];
    }
    for (int d = 0; d < nd; d++) {
        idx[d] = 0;
    }
    for (;;) {
        if (run_row(ex, ptrs, steps, loop->shape[nd - 1]) < 0) {
            return -1;
        }
        int d = nd - 2;
        for (; d >= 0; d--) {
            if (++idx[d] < loop->shape[d]) {
                for (int k = 0; k < nops; k++) {
                    ptrs[k] += loop->strides[k][d];
                }
                break;
            }
            idx[d] = 0;
            for (int k = 0; k < nops; k++) {
                ptrs[k] -= loop->strides[k][d] * (loop->shape[d] - 1);
            }
        }
        if (d < 0) {
            return 0;
        }
    }
}

/* ------------------------------------------------------------------ */
/* the loop split over the worker pool                                */

/* Below this many elements a call never wakes the pool. */
#define PAR_MIN_SIZE (2 * NDM_THREADS_MIN_CHUNK)
/* Tasks per thread: a little slack so that a thread the OS delays does
 * not hold the whole call up. */
#define PAR_TASKS_PER_THREAD 8

typedef struct Par {
    Exec *ex;
    int buffered;
    int ntasks;
    Py_ssize_t size;
    Py_ssize_t align, align_off;   /* chunk starts: align_off + m * align */
    atomic_int failed;             /* 1: error set, 2: out of memory */
} Par;

/* Loops of a few instructions per element run at memory speed: a second
 * thread pays only on very large arrays (ndm_threads_min_stream).  The others
 * (transcendental functions, integer division, power, anything on complex
 * or half floats) from PAR_MIN_SIZE. */
static Py_ssize_t
par_min_size(const Exec *ex, const char *name)
{
    for (int k = 0; k < ex->nop; k++) {
        if (ex->loop_dtype[k]->kind == 'c' || ex->loop_dtype[k]->type_num == NDM_FLOAT16) {
            return PAR_MIN_SIZE;
        }
    }
    static const char *const streaming[] = {
        "absolute", "add", "bitwise_and", "bitwise_or", "bitwise_xor", "ceil",
        "conjugate", "copysign", "divide", "equal", "fabs", "floor", "fmax", "fmin",
        "greater", "greater_equal", "invert", "isfinite", "isinf", "isnan",
        "left_shift", "less", "less_equal", "logical_and", "logical_not",
        "logical_or", "logical_xor", "maximum", "minimum", "multiply", "negative",
        "not_equal", "positive", "right_shift", "rint", "sign", "signbit",
        "reciprocal", "sqrt", "square", "subtract", "true_divide", "trunc",
    };
    for (size_t i = 0; i < sizeof streaming / sizeof *streaming; i++) {
        if (strcmp(name, streaming[i]) == 0) {
            return ndm_threads_min_stream();
        }
    }
    return PAR_MIN_SIZE;
}

/* An output this call mapped has no pages yet: the kernel zeroes each huge
 * page when it is first written, which costs more than the loop's own
 * stores.  Such loops split even when they stream, so that both threads
 * fault and fill their halves at once. */
static int
fresh_mapped_output(const NdmUfuncCall *call, Py_ssize_t size)
{
    if (call->out_given) {
        return 0;
    }
    for (int k = call->nin; k < call->nop; k++) {
        if ((size_t)size * (size_t)call->ops[k]->descr->itemsize >= NDM_MMAP_THRESHOLD) {
            return 1;
        }
    }
    return 0;
}

/* Can the fresh outputs be faulted in ahead of the tasks filling them
 * (ndm_threads_run_prefaulted)?  When the loop writes them in memory
 * order, one element after the next. */
static int
outputs_in_memory_order(const Exec *ex, NdmArray **ops)
{
    if (ex->loop.nd != 1 || ex->nop - ex->nin > NDM_PREFAULT_MAX) {
        return 0;
    }
    for (int k = ex->nin; k < ex->nop; k++) {
        if (ex->loop.strides[k][0] != ops[k]->descr->itemsize) {
            return 0;
        }
    }
    return 1;
}

/* Elements [s, e) of the loop in C order of its (coalesced) shape. */
static int
run_range(Exec *ex, Py_ssize_t s, Py_ssize_t e)
{
    NdmLoop *loop = &ex->loop;
    int nd = loop->nd, nops = loop->nop;
    Py_ssize_t inner_len = loop->shape[nd - 1];
    Py_ssize_t steps[NDM_MAXARGS], idx[NDM_MAXDIMS];
    char *row[NDM_MAXARGS], *p[NDM_MAXARGS];
    Py_ssize_t inner = s % inner_len, outer = s / inner_len;

    for (int k = 0; k < nops; k++) {
        steps[k] = loop->strides[k][nd - 1];
        row[k] = loop->data[k];
    }
    for (int d = nd - 2; d >= 0; d--) {
        idx[d] = outer % loop->shape[d];
        outer /= loop->shape[d];
        for (int k = 0; k < nops; k++) {
            row[k] += idx[d] * loop->strides[k][d];
        }
    }
    while (s < e) {
        Py_ssize_t n = inner_len - inner < e - s ? inner_len - inner : e - s;
        for (int k = 0; k < nops; k++) {
            p[k] = row[k] + inner * steps[k];
        }
        if (run_row(ex, p, steps, n) < 0) {
            return -1;
        }
        s += n;
        inner = 0;
        for (int d = nd - 2; d >= 0; d--) {
            if (++idx[d] < loop->shape[d]) {
                for (int k = 0; k < nops; k++) {
                    row[k] += loop->strides[k][d];
                }
                break;
            }
            idx[d] = 0;
            for (int k = 0; k < nops; k++) {
                row[k] -= loop->strides[k][d] * (loop->shape[d] - 1);
            }
        }
    }
    return 0;
}

/* Where task t starts: an even share, moved down to an aligned element. */
static Py_ssize_t
par_bound(const Par *par, int t)
{
    if (t <= 0) {
        return 0;
    }
    if (t >= par->ntasks) {
        return par->size;
    }
    Py_ssize_t q = par->size / par->ntasks, r = par->size % par->ntasks;
    Py_ssize_t b = q * t + r * t / par->ntasks;
    if (b > par->align_off) {
        b = par->align_off + (b - par->align_off) / par->align * par->align;
    }
    return b;
}

static Py_ssize_t
par_task_end(void *arg, int t)
{
    return par_bound(arg, t + 1);
}

static void
par_task(void *arg, int t)
{
    Par *par = arg;
    Py_ssize_t s = par_bound(par, t), e = par_bound(par, t + 1);
    if (s >= e) {
        return;
    }
    /* each task casts through buffers of its own; plain malloc, as
     * PyMem_RawMalloc would take the GIL in a worker while tracemalloc
     * traces */
    Exec ex = *par->ex;
    int rc = 0;
    if (!par->buffered) {
        ex.bufsize = e - s;
    }
    else {
        Py_ssize_t cap = e - s < ex.bufsize ? e - s : ex.bufsize;
        for (int k = 0; k < ex.nop; k++) {
            ex.buf[k] = NULL;
        }
        for (int k = 0; k < ex.nop && rc == 0; k++) {
            if (ex.cast[k] != NULL) {
                ex.buf[k] = malloc((size_t)(cap * ex.isz[k]));
                rc = ex.buf[k] == NULL ? -2 : 0;
            }
        }
    }
    if (rc == 0) {
        rc = run_range(&ex, s, e);
    }
    if (rc < 0) {
        atomic_store(&par->failed, -rc);
    }
    if (par->buffered) {
        for (int k = 0; k < ex.nop; k++) {
            free(ex.buf[k]);
        }
    }
}

/* The extent [lo, hi) of the bytes operand k of the loop touches. */
static void
op_extent(const NdmLoop *loop, int k, Py_ssize_t item, const char **lo,
          const char **hi)
{
    Py_ssize_t neg = 0, pos = 0;
    for (int d = 0; d < loop->nd; d++) {
        Py_ssize_t span = (loop->shape[d] - 1) * loop->strides[k][d];
        if (span < 0) {
            neg += span;
        }
        else {
            pos += span;
        }
    }
    *lo = loop->data[k] + neg;
    *hi = loop->data[k] + pos + item;
}

/* Can the elements be computed in any order?  Every output must be
 * disjoint from every other operand, or walk the very same elements as
 * an input (in-place), and no cast may need the GIL on the way (complex
 * to real warns). */
static int
par_safe(Exec *ex, NdmArray **ops)
{
    NdmLoop *loop = &ex->loop;
    for (int k = 0; k < ex->nop; k++) {
        if (ex->cast[k] == NULL) {
            continue;
        }
        NdmDtype *from = k < ex->nin ? ex->op_dtype[k] : ex->loop_dtype[k];
        NdmDtype *to = k < ex->nin ? ex->loop_dtype[k] : ex->op_dtype[k];
        if (from->kind == 'c' && to->kind != 'c' && to->kind != 'b') {
            return 0;
        }
    }
    for (int k = ex->nin; k < ex->nop; k++) {
        const char *klo, *khi;
        op_extent(loop, k, ops[k]->descr->itemsize, &klo, &khi);
        for (int j = 0; j < loop->nop; j++) {
            if (j == k) {
                continue;
            }
            const char *jlo, *jhi;
            op_extent(loop, j, ops[j]->descr->itemsize, &jlo, &jhi);
            if (khi <= jlo || jhi <= klo) {
                continue;
            }
            int same = j < ex->nin && loop->data[j] == loop->data[k]
                       && ops[j]->descr->itemsize == ops[k]->descr->itemsize;
            for (int d = 0; same && d < loop->nd; d++) {
                same = loop->strides[j][d] == loop->strides[k][d];
            }
            if (!same) {
                return 0;
            }
        }
    }
    return 1;
}

/* Run the loop split over ntasks tasks (GIL released).  Chunk starts fall
 * on 64-byte boundaries of a contiguous first output, so no cache line is
 * written by two threads. */
static int
run_parallel(Exec *ex, Py_ssize_t size, int nthreads, int buffered, int prefault, NdmArray **ops)
{
    Par par;
    Py_ssize_t ntasks = size / NDM_THREADS_MIN_CHUNK;
    if (ntasks > (Py_ssize_t)nthreads * PAR_TASKS_PER_THREAD) {
        ntasks = (Py_ssize_t)nthreads * PAR_TASKS_PER_THREAD;
    }
    par.ex = ex;
    par.buffered = buffered;
    par.ntasks = (int)ntasks;
    par.size = size;
    par.align = 64;
    par.align_off = 0;
    atomic_init(&par.failed, 0);
    NdmLoop *loop = &ex->loop;
    int o = ex->nin;
    Py_ssize_t osz = ops[o]->descr->itemsize;
    if (loop->nd == 1 && loop->strides[o][0] == osz && osz > 0 && 64 % osz == 0
            && (uintptr_t)loop->data[o] % (uintptr_t)osz == 0) {
        par.align = 64 / osz;
        par.align_off = (Py_ssize_t)((64 - (uintptr_t)loop->data[o] % 64) % 64) / osz;
    }
    Py_BEGIN_ALLOW_THREADS
    if (prefault) {
        NdmPrefault pf = {.size = size, .nout = ex->nop - ex->nin, .task_end = par_task_end};
        for (int k = 0; k < pf.nout; k++) {
            pf.data[k] = loop->data[ex->nin + k];
            pf.itemsize[k] = loop->strides[ex->nin + k][0];
        }
        ndm_threads_run_prefaulted(par.ntasks, par_task, &par, &pf);
    }
    else {
        ndm_threads_run(par.ntasks, par_task, &par);
    }
    Py_END_ALLOW_THREADS
    int failed = atomic_load(&par.failed);
    if (failed == 2 && !PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    if (failed && !PyErr_Occurred()) {
        PyErr_SetString(PyExc_RuntimeError, "ufunc loop failed in a worker thread");
    }
    return failed ? -1 : 0;
}

static int
needs_buffer(NdmArray *a, NdmDtype *loop_dtype)
{
    return a->descr->type_num != loop_dtype->type_num || !ndm_dtype_isnative(a->descr)
           || !(a->flags & NDM_ALIGNED);
}

int
ndm_ufunc_execute(NdmUfuncCall *call, NdmArray *mask, int nd, const Py_ssize_t *shape)
{
    Exec ex;
    NdmArray *ops[NDM_MAXARGS];
    int nop = call->nop, rc = -1, gil_free, buffered = 0;
    Py_ssize_t size = 1;

    /* the loop geometry is filled by ndm_loop_init; clearing the whole
     * struct would cost more than a small ufunc call */
    for (int k = 0; k < NDM_UFUNC_MAXOPS; k++) {
        ex.cast[k] = NULL;
        ex.op_dtype[k] = NULL;
        ex.loop_dtype[k] = NULL;
        ex.buf[k] = NULL;
    }
    ex.nin = call->nin;
    ex.nop = nop;
    ex.has_mask = mask != NULL;
    ex.kernel = call->loop->kernel;
    ex.needs_gil = (call->loop->flags & NDM_LOOP_NEEDS_GIL) != 0;
    gil_free = !ex.needs_gil;
    for (int k = 0; k < nop; k++) {
        ops[k] = call->ops[k];
    }
    if (mask != NULL) {
        ops[nop] = mask;
    }
    if (ndm_loop_init(&ex.loop, nop + (mask != NULL), ops, nd, shape) < 0) {
        return -1;
    }
    for (int i = 0; i < ex.loop.nd; i++) {
        size *= ex.loop.shape[i];
    }
    if (size == 0) {
        return 0;
    }
    ex.bufsize = NDM_UFUNC_BUFSIZE;
    for (int k = 0; k < nop; k++) {
        ex.loop_dtype[k] = ndm_dtype_builtin(call->loop->types[k]);
        if (ex.loop_dtype[k] == NULL) {
            goto done;
        }
        ex.isz[k] = ex.loop_dtype[k]->itemsize;
        if (!needs_buffer(ops[k], ex.loop_dtype[k])) {
            continue;
        }
        ex.op_dtype[k] = ops[k]->descr;
        if (k < call->nin) {
            ex.cast[k] = ndm_dtype_get_cast(ops[k]->descr, ex.loop_dtype[k]);
            gil_free &= ndm_cast_is_gil_free(ops[k]->descr, ex.loop_dtype[k]);
        }
        else {
            ex.cast[k] = ndm_dtype_get_cast(ex.loop_dtype[k], ops[k]->descr);
            gil_free &= ndm_cast_is_gil_free(ex.loop_dtype[k], ops[k]->descr);
        }
        if (!buffered) {
            ex.bufsize = current_bufsize();
        }
        Py_ssize_t cap = size < ex.bufsize ? size : ex.bufsize;
        ex.buf[k] = PyMem_Malloc((size_t)(cap * ex.isz[k]));
        if (ex.buf[k] == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        buffered = 1;
    }
    if (fetestexcept(FE_NDM_ALL)) {
        feclearexcept(FE_NDM_ALL);
    }
    int nthreads = 1, fresh = fresh_mapped_output(call, size);
    if (gil_free && size >= PAR_MIN_SIZE && (fresh || size >= par_min_size(&ex, call->def->name))) {
        nthreads = ndm_threads_count();
    }
    if (nthreads > 1 && par_safe(&ex, ops)) {
        ndm_cast_defer_fpe = buffered;
        rc = run_parallel(&ex, size, nthreads, buffered,
                          fresh && outputs_in_memory_order(&ex, ops), ops);
        ndm_cast_defer_fpe = 0;
    }
    else if (!buffered && mask == NULL) {
        rc = ndm_loop_run(&ex.loop, ex.kernel, NULL, gil_free);
    }
    else {
        ndm_cast_defer_fpe = 1;
        if (gil_free && size >= GIL_THRESHOLD) {
            Py_BEGIN_ALLOW_THREADS
            rc = run_all(&ex);
            Py_END_ALLOW_THREADS
        }
        else {
            rc = run_all(&ex);
        }
        ndm_cast_defer_fpe = 0;
    }
    int flags = ndm_ufunc_fpe_take();
    if (rc == 0 && flags && ndm_ufunc_fpe_report(flags, call->def->name) < 0) {
        rc = -1;
    }
done:
    for (int k = 0; k < nop; k++) {
        Py_XDECREF(ex.loop_dtype[k]);
        PyMem_Free(ex.buf[k]);
    }
    return rc;
}
