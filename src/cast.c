/* Casting loops: a table of strided numeric loops generated from
 * NDM_FOR_EACH_NUMERIC (contiguous fast path, aligned native path, and a
 * buffered path for unaligned or byte-swapped data), string and structured
 * casts, and a fallback through Python objects for every other pair. */
#include "dtype.h"
#include "scalar.h"
#include "threads.h"
#include "loops_simd.h"
#include "alloc.h"
#include <complex.h>
#include <fenv.h>
#include <math.h>


/* copy n elements of size `size` (unit `unit` for swapping: complex halves)
 * into a packed native buffer */
static void
gather_swap(char *restrict out, const char *src, Py_ssize_t ss, Py_ssize_t n,
            int size, int unit, int swap)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *p = src + i * ss;
        char *q = out + i * size;
        memcpy(q, p, size);
        if (!swap) {
            continue;
        }
        for (int k = 0; k < size; k += unit) {
            if (unit == 2) {
                uint16_t v; memcpy(&v, q + k, 2); v = __builtin_bswap16(v); memcpy(q + k, &v, 2);
            }
            else if (unit == 4) {
                uint32_t v; memcpy(&v, q + k, 4); v = __builtin_bswap32(v); memcpy(q + k, &v, 4);
            }
            else if (unit == 8) {
                uint64_t v; memcpy(&v, q + k, 8); v = __builtin_bswap64(v); memcpy(q + k, &v, 8);
            }
        }
    }
}

static void
scatter_swap(char *dst, Py_ssize_t ds, const char *restrict in, Py_ssize_t n,
             int size, int unit, int swap)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        char *q = dst + i * ds;
        memcpy(q, in + i * size, size);
        if (!swap) {
            continue;
        }
        for (int k = 0; k < size; k += unit) {
            if (unit == 2) {
                uint16_t v; memcpy(&v, q + k, 2); v = __builtin_bswap16(v); memcpy(q + k, &v, 2);
            }
            else if (unit == 4) {
                uint32_t v; memcpy(&v, q + k, 4); v = __builtin_bswap32(v); memcpy(q + k, &v, 4);
            }
            else if (unit == 8) {
                uint64_t v; memcpy(&v, q + k, 8); v = __builtin_bswap64(v); memcpy(q + k, &v, 8);
            }
        }
    }
}

/* ---- half floats (round to nearest even, as NumPy's halffloat.c) ---- */

double
ndm_half_to_double(ndm_half h)
{
    uint64_t sgn = (uint64_t)(h & 0x8000) << 48, bits;
    uint16_t ex = h & 0x7c00, sig = h & 0x3ff;
    double r;
    if (ex == 0) {
        r = (double)sig * 0x1p-24;       /* zero or subnormal, exact */
        return sgn ? -r : r;
    }
    if (ex == 0x7c00) {
        bits = sgn | 0x7ff0000000000000ULL | ((uint64_t)sig << 42);   /* inf, NaN payload */
    }
    else {
        bits = sgn | ((uint64_t)((h & 0x7fff) + 0xfc000) << 42);
    }
    memcpy(&r, &bits, 8);
    return r;
}

float
ndm_half_to_float(ndm_half h)
{
    uint32_t sgn = (uint32_t)(h & 0x8000) << 16, bits;
    uint16_t ex = h & 0x7c00, sig = h & 0x3ff;
    float r;
    if (ex == 0) {
        r = (float)sig * 0x1p-24f;
        return sgn ? -r : r;
    }
    if (ex == 0x7c00) {
        bits = sgn | 0x7f800000u | ((uint32_t)sig << 13);
    }
    else {
        bits = sgn | ((uint32_t)((h & 0x7fff) + 0x1c000) << 13);
    }
    memcpy(&r, &bits, 4);
    return r;
}

ndm_half
ndm_double_to_half(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    int e = (int)((bits >> 52) & 0x7ff) - 1023;
    if ((bits & 0x7fffffffffffffffULL) == 0) {
        return (ndm_half)((bits >> 48) & 0x8000);
    }
    if (e == 1024 && (bits & 0xfffffffffffffULL) != 0) {
        /* NaN keeps the top of its payload, as NumPy's halffloat.c */
        uint16_t ret = (uint16_t)(0x7c00 + ((bits & 0xfffffffffffffULL) >> 42));
        if (ret == 0x7c00) {
            ret++;
        }
        return (ndm_half)(((bits >> 48) & 0x8000) | ret);
    }
    if (e >= -14 && e <= 15) {
        /* normal half result: round the 52-bit mantissa to 10 bits, ties to even */
        uint16_t sign = (uint16_t)((bits >> 48) & 0x8000);
        uint64_t sig = bits & 0xfffffffffffffULL;
        uint64_t rest = sig & ((1ULL << 42) - 1), halfway = 1ULL << 41;
        uint32_t h = ((uint32_t)(e + 15) << 10) | (uint32_t)(sig >> 42);
        if (rest > halfway || (rest == halfway && (h & 1))) {
            h++;                        /* may carry into the exponent */
        }
        if (h >= 0x7c00) {
            feraiseexcept(FE_OVERFLOW);
            h = 0x7c00;
        }
        return (ndm_half)(sign | h);
    }
    int fpe = 0;
    ndm_half h = ndm_scalar_double_to_half(d, &fpe);
    if (fpe & NDM_FPE_OVERFLOW) {
        feraiseexcept(FE_OVERFLOW);
    }
    else if (fabs(d) < 0x1p-14 && ndm_half_to_double(h) != d) {
        /* as NumPy's halffloat.c: rounded into the subnormals or to zero */
        feraiseexcept(FE_UNDERFLOW);
    }
    return h;
}

ndm_half
ndm_float_to_half(float f)
{
    return ndm_double_to_half((double)f);   /* float -> double is exact */
}

/* Warn for FPE flags raised by a cast (takes the GIL if needed). */
int
ndm_cast_warn_fpe(int fpe)
{
    PyGILState_STATE st = PyGILState_Ensure();
    int rc = ndm_scalar_fpe_warn(fpe, "cast");
    PyGILState_Release(st);
    return rc;
}

#define NDM_CAST_LOOPS_STORAGE static
#define NDM_CAST_LOOPS baseline_loops
#include "cast_loops.h"

static int
is_intkind(int t)
{
    return t >= NDM_INT8 && t <= NDM_UINT64;
}

#define CHUNK 512

_Thread_local int ndm_cast_defer_fpe;

/* One numeric cast, which large casts split into ntasks ranges over the
 * worker pool. */
typedef struct CastJob {
    ndm_cast_raw_loop loop;
    const char *src;
    Py_ssize_t ss;
    char *dst;
    Py_ssize_t ds, n;
    NdmDtype *sd, *dd;
    int ntasks;
} CastJob;

/* Elements [s, e) of the job. */
static void
cast_range(const CastJob *job, Py_ssize_t s, Py_ssize_t e)
{
    NdmDtype *sd = job->sd, *dd = job->dd;
    const char *src = job->src + s * job->ss;
    char *dst = job->dst + s * job->ds;
    Py_ssize_t ss = job->ss, ds = job->ds, n = e - s;
    int native = ndm_dtype_isnative(sd) && ndm_dtype_isnative(dd);
    int aligned = ((uintptr_t)src % sd->alignment == 0) && (ss % sd->alignment == 0)
                  && ((uintptr_t)dst % dd->alignment == 0) && (ds % dd->alignment == 0);
    if (native && aligned) {
        job->loop(src, ss, dst, ds, n);
        return;
    }
    union { char c[CHUNK * 16]; double align; } bin, bout;
    Py_ssize_t isz = sd->itemsize, osz = dd->itemsize;
    for (Py_ssize_t start = 0; start < n; start += CHUNK) {
        Py_ssize_t m = n - start < CHUNK ? n - start : CHUNK;
        gather_swap(bin.c, src + start * ss, ss, m, (int)isz,
                    sd->kind == 'c' ? (int)isz / 2 : (int)isz, !ndm_dtype_isnative(sd));
        job->loop(bin.c, isz, bout.c, osz, m);
        scatter_swap(dst + start * ds, ds, bout.c, m, (int)osz,
                     dd->kind == 'c' ? (int)osz / 2 : (int)osz, !ndm_dtype_isnative(dd));
    }
}

/* Where task t's share ends, on a multiple of 64 elements (whole cache
 * lines of a contiguous destination, relative to its start). */
static Py_ssize_t
cast_task_end(void *arg, int t)
{
    const CastJob *job = arg;
    if (t < 0) {
        return 0;
    }
    if (t + 1 >= job->ntasks) {
        return job->n;
    }
    Py_ssize_t q = job->n / job->ntasks, r = job->n % job->ntasks;
    return (q * (t + 1) + r * (t + 1) / job->ntasks) / 64 * 64;
}

static void
cast_task(void *arg, int t)
{
    Py_ssize_t s = cast_task_end(arg, t - 1), e = cast_task_end(arg, t);
    if (s < e) {
        cast_range(arg, s, e);
    }
}

/* Do the source and destination bytes of a cast not overlap at all?  Only
 * then may its elements be converted in any order. */
static int
disjoint(const char *src, Py_ssize_t ss, const char *dst, Py_ssize_t ds, Py_ssize_t n,
         NdmDtype *sd, NdmDtype *dd)
{
    const char *slo = ss < 0 ? src + (n - 1) * ss : src;
    const char *shi = (ss < 0 ? src : src + (n - 1) * ss) + sd->itemsize;
    const char *dlo = ds < 0 ? dst + (n - 1) * ds : dst;
    const char *dhi = (ds < 0 ? dst : dst + (n - 1) * ds) + dd->itemsize;
    return shi <= dlo || dhi <= slo;
}

/* The flags a narrowing cast reports, as NumPy's cast loops do. */
#define CAST_FE (FE_INVALID | FE_OVERFLOW | FE_UNDERFLOW)

static int
numeric_cast(const char *src, Py_ssize_t ss, char *dst, Py_ssize_t ds, Py_ssize_t n,
             NdmDtype *sd, NdmDtype *dd)
{
    int ts = sd->type_num, td = dd->type_num;
#ifdef NDM_SIMD_X86
    ndm_cast_raw_loop loop = (ndm_simd_avx512 ? ndm_cast_avx512_loops : baseline_loops)[ts][td];
#else
    ndm_cast_raw_loop loop = baseline_loops[ts][td];
#endif
    if (n <= 0) {
        return 0;
    }
    if (sd->kind == 'c' && dd->kind != 'c' && dd->kind != 'b') {
        PyGILState_STATE st = PyGILState_Ensure();
        int rc = PyErr_WarnEx(ndm_complex_warning,
                              "Casting complex values to real discards the imaginary part", 1);
        PyGILState_Release(st);
        if (rc < 0) {
            return -1;
        }
    }
    int check = (sd->kind == 'f' || sd->kind == 'c')
                && (is_intkind(td) || td == NDM_FLOAT16 || dd->itemsize < sd->itemsize
                    || (dd->kind == 'c' && dd->itemsize < 2 * sd->itemsize));
    check = (check || td == NDM_FLOAT16) && !ndm_cast_defer_fpe;
    /* feclearexcept rewrites the whole x87 environment (slower than a small
     * cast): only when a flag is up */
    if (check && fetestexcept(CAST_FE)) {
        feclearexcept(CAST_FE);
    }
    CastJob job = {loop, src, ss, dst, ds, n, sd, dd, 1};
    /* a plain native conversion runs at memory speed; half floats (in
     * software) and byte swaps cost enough per element to split earlier */
    int stream = td != NDM_FLOAT16 && ts != NDM_FLOAT16 && ndm_dtype_isnative(sd)
                 && ndm_dtype_isnative(dd);
    Py_ssize_t min_split = stream ? ndm_threads_min_stream() : 2 * NDM_THREADS_MIN_CHUNK;
    /* a destination this large is usually a new mapping (astype, a copy):
     * one thread faults its pages in while the others convert behind it */
    int fresh = ds == dd->itemsize && (size_t)n * (size_t)ds >= NDM_MMAP_THRESHOLD;
    if ((n >= min_split || fresh) && ndm_threads_count() > 1
            && disjoint(src, ss, dst, ds, n, sd, dd)) {
        Py_ssize_t ntasks = n / NDM_THREADS_MIN_CHUNK;
        int most = 4 * ndm_threads_count();
        job.ntasks = ntasks < most ? (int)ntasks : most;
        if (fresh) {
            NdmPrefault pf = {.size = n, .nout = 1, .data = {dst}, .itemsize = {ds},
                              .task_end = cast_task_end};
            ndm_threads_run_prefaulted(job.ntasks, cast_task, &job, &pf);
        }
        else {
            ndm_threads_run(job.ntasks, cast_task, &job);
        }
    }
    else {
        cast_range(&job, 0, n);
    }
    if (check) {
        int fe = fetestexcept(CAST_FE), fpe = 0;
        if (fe & FE_INVALID) {
            fpe |= NDM_FPE_INVALID;
        }
        if (fe & FE_OVERFLOW) {
            fpe |= NDM_FPE_OVERFLOW;
        }
        if (fe & FE_UNDERFLOW) {
            fpe |= NDM_FPE_UNDERFLOW;
        }
        if (fpe && ndm_cast_warn_fpe(fpe) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- byte strings, unicode, raw void: copy with truncation / NUL padding ---- */
static int
copy_pad_cast(const char *src, Py_ssize_t ss, char *dst, Py_ssize_t ds, Py_ssize_t n,
              NdmDtype *sd, NdmDtype *dd)
{
    Py_ssize_t a = sd->itemsize, b = dd->itemsize, m = a < b ? a : b;
    for (Py_ssize_t i = 0; i < n; i++) {
        memmove(dst + i * ds, src + i * ss, m);
        if (b > m) {
            memset(dst + i * ds + m, 0, b - m);
        }
    }
    return 0;
}

/* ---- through Python objects ---- */
static int
object_cast(const char *src, Py_ssize_t ss, char *dst, Py_ssize_t ds, Py_ssize_t n,
            NdmDtype *sd, NdmDtype *dd)
{
    /* numbers print as their scalars (str(np.float32(0.1)) is '0.1');
     * strings parse as their scalars (NumPy's messages show np.str_('x')) */
    int use_scalar = (sd->type_num < NDM_NNUMERIC
                      && (dd->type_num == NDM_BYTES || dd->type_num == NDM_UNICODE))
                     || ((sd->type_num == NDM_BYTES || sd->type_num == NDM_UNICODE)
                         && dd->type_num < NDM_NNUMERIC);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *o = use_scalar ? ndm_dtype_getitem(sd, src + i * ss)
                                 : ndm_dtype_toobject(sd, src + i * ss);
        if (o == NULL) {
            return -1;
        }
        int rc = ndm_dtype_setitem(dd, dst + i * ds, o);
        Py_DECREF(o);
        if (rc < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- structured: by position ---- */
static int
struct_cast(const char *src, Py_ssize_t ss, char *dst, Py_ssize_t ds, Py_ssize_t n,
            NdmDtype *sd, NdmDtype *dd)
{
    if (ndm_dtype_equiv(sd, dd)) {
        return copy_pad_cast(src, ss, dst, ds, n, sd, dd);
    }
    Py_ssize_t nf = PyTuple_GET_SIZE(dd->names);
    if (PyTuple_GET_SIZE(sd->names) != nf) {
        PyErr_Format(PyExc_TypeError,
                     "Cannot cast array data from %R to %R: structures have different "
                     "numbers of fields", (PyObject *)sd, (PyObject *)dd);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        memset(dst + i * ds, 0, dd->itemsize);
    }
    for (Py_ssize_t f = 0; f < nf; f++) {
        PyObject *ta = PyDict_GetItem(sd->fields, PyTuple_GET_ITEM(sd->names, f));
        PyObject *tb = PyDict_GetItem(dd->fields, PyTuple_GET_ITEM(dd->names, f));
        if (ta == NULL || tb == NULL) {
            PyErr_SetString(PyExc_RuntimeError, "corrupt structured dtype");
            return -1;
        }
        NdmDtype *fa = (NdmDtype *)PyTuple_GET_ITEM(ta, 0), *fb = (NdmDtype *)PyTuple_GET_ITEM(tb, 0);
        Py_ssize_t oa = PyLong_AsSsize_t(PyTuple_GET_ITEM(ta, 1));
        Py_ssize_t ob = PyLong_AsSsize_t(PyTuple_GET_ITEM(tb, 1));
        int rc;
        if (ndm_dtype_equiv(fa, fb)) {
            rc = copy_pad_cast(src + oa, ss, dst + ob, ds, n, fa, fb);
        }
        else {
            rc = ndm_dtype_get_cast(fa, fb)(src + oa, ss, dst + ob, ds, n, fa, fb);
        }
        if (rc < 0) {
            return -1;
        }
    }
    return 0;
}

/* a structured dtype with one field casts that field (as NumPy) */
static int
single_field_cast(const char *src, Py_ssize_t ss, char *dst, Py_ssize_t ds, Py_ssize_t n,
                  NdmDtype *sd, NdmDtype *dd)
{
    PyObject *t = PyDict_GetItem(sd->fields, PyTuple_GET_ITEM(sd->names, 0));
    if (t == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "corrupt structured dtype");
        return -1;
    }
    NdmDtype *fd = (NdmDtype *)PyTuple_GET_ITEM(t, 0);
    Py_ssize_t off = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 1));
    if (ndm_dtype_equiv(fd, dd)) {
        return copy_pad_cast(src + off, ss, dst, ds, n, fd, dd);
    }
    return ndm_dtype_get_cast(fd, dd)(src + off, ss, dst, ds, n, fd, dd);
}

ndm_cast_fn
ndm_dtype_get_cast(NdmDtype *from, NdmDtype *to)
{
    int a = from->type_num, b = to->type_num;
    if (a < NDM_NNUMERIC && b < NDM_NNUMERIC) {
        return numeric_cast;
    }
    if (ndm_dtype_is_structured(from) && ndm_dtype_is_structured(to)) {
        return struct_cast;
    }
    if (ndm_dtype_is_structured(from) && PyTuple_GET_SIZE(from->names) == 1) {
        return single_field_cast;
    }
    NdmDtype *sb;
    PyObject *sh;
    if (ndm_dtype_subarray(from, &sb, &sh) || ndm_dtype_subarray(to, &sb, &sh)) {
        return ndm_dtype_equiv(from, to) ? copy_pad_cast : object_cast;
    }
    if (b == NDM_VOID && !ndm_dtype_is_structured(to) && !ndm_dtype_is_structured(from)) {
        return copy_pad_cast;      /* raw bytes */
    }
    if (a == b && !ndm_dtype_is_structured(from) && !ndm_dtype_is_structured(to)
            && (a == NDM_BYTES || a == NDM_VOID
                || (a == NDM_UNICODE && ndm_dtype_isnative(from) == ndm_dtype_isnative(to)))) {
        return copy_pad_cast;
    }
    return object_cast;
}

int
ndm_cast_is_gil_free(NdmDtype *from, NdmDtype *to)
{
    return ndm_dtype_get_cast(from, to) == numeric_cast;
}
