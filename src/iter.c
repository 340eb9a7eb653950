/* Broadcasting, the strided n-d loop that drives 1-d kernels, and array
 * assignment (dst[...] = src) built on it. */
#include "iter.h"
#include "scalar.h"
#include <string.h>

/* ------------------------------------------------------------------ */
/* shape formatting for messages                                      */

/* Append "(2,3)" / "(4,)" / "()" to buf (NumPy's compact shape text). */
static void
format_shape(char *buf, size_t cap, const Py_ssize_t *shape, int nd)
{
    size_t len = strlen(buf);
    if (len + 1 >= cap) {
        return;
    }
    int n = snprintf(buf + len, cap - len, "(");
    len += (size_t)(n > 0 ? n : 0);
    for (int i = 0; i < nd && len + 1 < cap; i++) {
        if (i + 1 < nd) {
            n = snprintf(buf + len, cap - len, "%zd,", shape[i]);
        }
        else if (nd == 1) {
            n = snprintf(buf + len, cap - len, "%zd,", shape[i]);
        }
        else {
            n = snprintf(buf + len, cap - len, "%zd", shape[i]);
        }
        if (n < 0) {
            return;
        }
        len += (size_t)n;
        if (len >= cap) {
            buf[cap - 1] = '\0';
            return;
        }
    }
    if (len + 1 < cap) {
        snprintf(buf + len, cap - len, ")");
    }
}

void
ndm_format_shape(char *buf, size_t cap, const Py_ssize_t *shape, int nd)
{
    if (cap > 0) {
        buf[0] = '\0';
    }
    format_shape(buf, cap, shape, nd);
}

/* ------------------------------------------------------------------ */
/* broadcasting                                                       */

static int
broadcast_error(int nop, NdmArray **ops)
{
    char buf[2048];
    strcpy(buf, "operands could not be broadcast together with shapes ");
    for (int i = 0; i < nop; i++) {
        format_shape(buf, sizeof(buf), ops[i]->shape, ops[i]->nd);
        size_t len = strlen(buf);
        if (len + 2 < sizeof(buf)) {
            buf[len] = ' ';
            buf[len + 1] = '\0';
        }
    }
    PyErr_SetString(PyExc_ValueError, buf);
    return -1;
}

int
ndm_broadcast_shape(int nop, NdmArray **ops, int *nd_out, Py_ssize_t *shape_out)
{
    int nd = 0;
    for (int k = 0; k < nop; k++) {
        if (ops[k]->nd > nd) {
            nd = ops[k]->nd;
        }
    }
    for (int i = 0; i < nd; i++) {
        shape_out[i] = 1;
    }
    for (int k = 0; k < nop; k++) {
        NdmArray *a = ops[k];
        int off = nd - a->nd;
        for (int j = 0; j < a->nd; j++) {
            Py_ssize_t d = a->shape[j];
            Py_ssize_t *r = &shape_out[off + j];
            if (d == *r || d == 1) {
                continue;
            }
            if (*r == 1) {
                *r = d;
            }
            else {
                return broadcast_error(nop, ops);
            }
        }
    }
    *nd_out = nd;
    return 0;
}

/* ------------------------------------------------------------------ */
/* loop set-up                                                        */

static inline Py_ssize_t
absz(Py_ssize_t v)
{
    return v < 0 ? -v : v;
}

/* Should axis b (currently outside) move inside axis a?  The first operand
 * whose strides on both axes are non-zero decides; ambiguous -> no. */
static int
should_swap(const NdmLoop *loop, int outer, int inner)
{
    for (int k = 0; k < loop->nop; k++) {
        Py_ssize_t so = loop->strides[k][outer], si = loop->strides[k][inner];
        if (so != 0 && si != 0) {
            return absz(so) < absz(si);
        }
    }
    return 0;
}

void
ndm_loop_optimize(NdmLoop *loop)
{
    int nop = loop->nop;
    int nd = loop->nd;

    for (int i = 0; i < nd; i++) {
        if (loop->shape[i] == 0) {
            loop->nd = 1;
            loop->shape[0] = 0;
            for (int k = 0; k < nop; k++) {
                loop->strides[k][0] = 0;
            }
            return;
        }
    }
    /* drop length-1 axes */
    int m = 0;
    for (int i = 0; i < nd; i++) {
        if (loop->shape[i] == 1) {
            continue;
        }
        loop->shape[m] = loop->shape[i];
        for (int k = 0; k < nop; k++) {
            loop->strides[k][m] = loop->strides[k][i];
        }
        m++;
    }
    nd = m;
    /* flip axes every operand walks backwards */
    for (int i = 0; i < nd; i++) {
        int any_neg = 0, any_pos = 0;
        for (int k = 0; k < nop; k++) {
            any_neg |= loop->strides[k][i] < 0;
            any_pos |= loop->strides[k][i] > 0;
        }
        if (any_neg && !any_pos) {
            for (int k = 0; k < nop; k++) {
                loop->data[k] += (loop->shape[i] - 1) * loop->strides[k][i];
                loop->strides[k][i] = -loop->strides[k][i];
            }
        }
    }
    /* insertion sort: smaller |stride| inner (later); stable for ties */
    for (int i = 1; i < nd; i++) {
        int j = i;
        while (j > 0 && should_swap(loop, j - 1, j)) {
            Py_ssize_t t = loop->shape[j - 1];
            loop->shape[j - 1] = loop->shape[j];
            loop->shape[j] = t;
            for (int k = 0; k < nop; k++) {
                t = loop->strides[k][j - 1];
                loop->strides[k][j - 1] = loop->strides[k][j];
                loop->strides[k][j] = t;
            }
            j--;
        }
    }
    /* coalesce from the inside out */
    if (nd > 1) {
        int out = nd - 1;   /* index of the current innermost merged axis */
        Py_ssize_t shp[NDM_MAXDIMS];
        Py_ssize_t str[NDM_MAXARGS][NDM_MAXDIMS];
        int cnt = 0;
        shp[0] = loop->shape[out];
        for (int k = 0; k < nop; k++) {
            str[k][0] = loop->strides[k][out];
        }
        for (int i = out - 1; i >= 0; i--) {
            int ok = 1;
            for (int k = 0; k < nop; k++) {
                if (loop->strides[k][i] != str[k][cnt] * shp[cnt]) {
                    ok = 0;
                    break;
                }
            }
            if (ok) {
                shp[cnt] *= loop->shape[i];
            }
            else {
                cnt++;
                shp[cnt] = loop->shape[i];
                for (int k = 0; k < nop; k++) {
                    str[k][cnt] = loop->strides[k][i];
                }
            }
        }
        nd = cnt + 1;
        for (int i = 0; i < nd; i++) {
            loop->shape[i] = shp[nd - 1 - i];
            for (int k = 0; k < nop; k++) {
                loop->strides[k][i] = str[k][nd - 1 - i];
            }
        }
    }
    if (nd == 0) {
        nd = 1;
        loop->shape[0] = 1;
        for (int k = 0; k < nop; k++) {
            loop->strides[k][0] = 0;
        }
    }
    loop->nd = nd;
}

/* ValueError "could not broadcast input array from shape (3,) into shape (2,)" */
static int
assign_broadcast_error(const Py_ssize_t *src_shape, int src_nd,
                       const Py_ssize_t *dst_shape, int dst_nd)
{
    char buf[1024];
    strcpy(buf, "could not broadcast input array from shape ");
    format_shape(buf, sizeof(buf), src_shape, src_nd);
    strncat(buf, " into shape ", sizeof(buf) - strlen(buf) - 1);
    format_shape(buf, sizeof(buf), dst_shape, dst_nd);
    PyErr_SetString(PyExc_ValueError, buf);
    return -1;
}

/* Strides of a (nd_a, shape_a, strides_a) broadcast to (nd, shape); leading
 * length-1 axes beyond nd are dropped as NumPy does for assignment.
 * Returns 0, or -1 when a cannot broadcast (no exception set). */
static int
broadcast_strides(int nd, const Py_ssize_t *shape, int nd_a,
                  const Py_ssize_t *shape_a, const Py_ssize_t *strides_a,
                  Py_ssize_t *out)
{
    while (nd_a > nd) {
        if (shape_a[0] != 1) {
            return -1;
        }
        shape_a++;
        strides_a++;
        nd_a--;
    }
    int off = nd - nd_a;
    for (int i = 0; i < nd; i++) {
        int j = i - off;
        if (j < 0) {
            out[i] = 0;
        }
        else if (shape_a[j] == shape[i]) {
            out[i] = shape[i] == 1 ? 0 : strides_a[j];
        }
        else if (shape_a[j] == 1) {
            out[i] = 0;
        }
        else {
            return -1;
        }
    }
    return 0;
}

int
ndm_loop_init(NdmLoop *loop, int nop, NdmArray **ops, int nd,
              const Py_ssize_t *shape)
{
    if (nop < 1 || nop > NDM_MAXARGS || nd < 0 || nd > NDM_MAXDIMS) {
        PyErr_SetString(PyExc_ValueError, "too many operands or dimensions for the loop");
        return -1;
    }
    loop->nop = nop;
    loop->nd = nd;
    for (int i = 0; i < nd; i++) {
        loop->shape[i] = shape[i];
    }
    for (int k = 0; k < nop; k++) {
        NdmArray *a = ops[k];
        if (broadcast_strides(nd, shape, a->nd, a->shape, a->strides,
                              loop->strides[k]) < 0) {
            return assign_broadcast_error(a->shape, a->nd, shape, nd);
        }
        loop->data[k] = a->data;
    }
    ndm_loop_optimize(loop);
    return 0;
}

/* ------------------------------------------------------------------ */
/* running                                                            */

#define NDM_GIL_THRESHOLD ((Py_ssize_t)1 << 14)

static void
loop_body(NdmLoop *loop, ndm_kernel kernel, void *ctx, int check, int *failed)
{
    int nd = loop->nd;
    int nop = loop->nop;
    Py_ssize_t inner = loop->shape[nd - 1];
    Py_ssize_t steps[NDM_MAXARGS];
    char *ptrs[NDM_MAXARGS];
    char *args[NDM_MAXARGS];
    Py_ssize_t idx[NDM_MAXDIMS];

    for (int k = 0; k < nop; k++) {
        steps[k] = loop->strides[k][nd - 1];
        ptrs[k] = loop->data[k];
    }
    if (nd == 1) {
        for (int k = 0; k < nop; k++) {
            args[k] = ptrs[k];
        }
        kernel(args, inner, steps, ctx);
        if (check && PyErr_Occurred()) {
            *failed = 1;
        }
        return;
    }
    for (int d = 0; d < nd - 1; d++) {
        idx[d] = 0;
    }
    for (;;) {
        for (int k = 0; k < nop; k++) {
            args[k] = ptrs[k];
        }
        kernel(args, inner, steps, ctx);
        if (check && PyErr_Occurred()) {
            *failed = 1;
            return;
        }
        int d = nd - 2;
        for (; d >= 0; d--) {
            if (++idx[d] < loop->shape[d]) {
                for (int k = 0; k < nop; k++) {
                    ptrs[k] += loop->strides[k][d];
                }
                break;
            }
            idx[d] = 0;
            for (int k = 0; k < nop; k++) {
                ptrs[k] -= loop->strides[k][d] * (loop->shape[d] - 1);
            }
        }
        if (d < 0) {
            return;
        }
    }
}

int
ndm_loop_run(NdmLoop *loop, ndm_kernel kernel, void *ctx, int gil_free)
{
    Py_ssize_t size = 1;
    for (int i = 0; i < loop->nd; i++) {
        size *= loop->shape[i];
    }
    if (size == 0) {
        return 0;
    }
    if (loop->nd == 0) {
        /* not optimised: a single element */
        NdmLoop one = *loop;
        one.nd = 1;
        one.shape[0] = 1;
        for (int k = 0; k < one.nop; k++) {
            one.strides[k][0] = 0;
        }
        return ndm_loop_run(&one, kernel, ctx, gil_free);
    }
    int failed = 0;
    if (gil_free) {
        if (size >= NDM_GIL_THRESHOLD) {
            Py_BEGIN_ALLOW_THREADS
            loop_body(loop, kernel, ctx, 0, &failed);
            Py_END_ALLOW_THREADS
        }
        else {
            loop_body(loop, kernel, ctx, 0, &failed);
        }
        return PyErr_Occurred() ? -1 : 0;
    }
    loop_body(loop, kernel, ctx, 1, &failed);
    return failed ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* copy and fill kernels                                              */

#define DEFINE_COPY(N)                                                      \
static void                                                                 \
copy_##N(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)     \
{                                                                           \
    (void)ctx;                                                              \
    char *dst = args[0];                                                    \
    const char *src = args[1];                                              \
    Py_ssize_t ds = steps[0], ss = steps[1];                                \
    if (ds == N && ss == N) {                                               \
        memcpy(dst, src, (size_t)n * N);                                    \
        return;                                                             \
    }                                                                       \
    if (ss == 0) {                                                          \
        char v[N];                                                          \
        memcpy(v, src, N);                                                  \
        if (ds == N) {                                                      \
            for (Py_ssize_t i = 0; i < n; i++) {                            \
                memcpy(dst + i * N, v, N);                                  \
            }                                                               \
            return;                                                         \
        }                                                                   \
        for (Py_ssize_t i = 0; i < n; i++, dst += ds) {                     \
            memcpy(dst, v, N);                                              \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    if (ds == N) {                                                          \
        for (Py_ssize_t i = 0; i < n; i++, src += ss) {                     \
            memcpy(dst + i * N, src, N);                                    \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    if (ss == N) {                                                          \
        for (Py_ssize_t i = 0; i < n; i++, dst += ds) {                     \
            memcpy(dst, src + i * N, N);                                    \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    for (Py_ssize_t i = 0; i < n; i++, dst += ds, src += ss) {              \
        memcpy(dst, src, N);                                                \
    }                                                                       \
}

DEFINE_COPY(1)
DEFINE_COPY(2)
DEFINE_COPY(4)
DEFINE_COPY(8)
DEFINE_COPY(16)

static void
copy_any(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    Py_ssize_t size = *(const Py_ssize_t *)ctx;
    char *dst = args[0];
    const char *src = args[1];
    Py_ssize_t ds = steps[0], ss = steps[1];
    if (ds == size && ss == size) {
        memmove(dst, src, (size_t)(n * size));
        return;
    }
    for (Py_ssize_t i = 0; i < n; i++, dst += ds, src += ss) {
        memmove(dst, src, (size_t)size);
    }
}

ndm_kernel
ndm_copy_kernel(Py_ssize_t itemsize)
{
    switch (itemsize) {
    case 1: return copy_1;
    case 2: return copy_2;
    case 4: return copy_4;
    case 8: return copy_8;
    case 16: return copy_16;
    default: return copy_any;
    }
}

static int
all_zero(const char *v, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (v[i] != 0) {
            return 0;
        }
    }
    return 1;
}

#define DEFINE_FILL(N, T)                                                   \
static void                                                                 \
fill_##N(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)     \
{                                                                           \
    const NdmFillCtx *f = (const NdmFillCtx *)ctx;                          \
    char *dst = args[0];                                                    \
    Py_ssize_t ds = steps[0];                                               \
    if (ds == N) {                                                          \
        if (all_zero(f->value, N)) {                                        \
            memset(dst, 0, (size_t)n * N);                                  \
            return;                                                         \
        }                                                                   \
        if (((uintptr_t)dst % sizeof(T)) == 0) {                            \
            T x;                                                            \
            memcpy(&x, f->value, sizeof(T));                                \
            T *restrict d = (T *)(void *)dst;                               \
            for (Py_ssize_t i = 0; i < n; i++) {                            \
                d[i] = x;                                                   \
            }                                                               \
            return;                                                         \
        }                                                                   \
    }                                                                       \
    char v[N];                                                              \
    memcpy(v, f->value, N);                                                 \
    for (Py_ssize_t i = 0; i < n; i++, dst += ds) {                         \
        memcpy(dst, v, N);                                                  \
    }                                                                       \
}

DEFINE_FILL(2, uint16_t)
DEFINE_FILL(4, uint32_t)
DEFINE_FILL(8, uint64_t)

static void
fill_16(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    const NdmFillCtx *f = (const NdmFillCtx *)ctx;
    char *dst = args[0];
    Py_ssize_t ds = steps[0];
    if (ds == 16 && all_zero(f->value, 16)) {
        memset(dst, 0, (size_t)n * 16);
        return;
    }
    char v[16];
    memcpy(v, f->value, 16);
    for (Py_ssize_t i = 0; i < n; i++, dst += ds) {
        memcpy(dst, v, 16);
    }
}

static void
fill_1(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    const NdmFillCtx *f = (const NdmFillCtx *)ctx;
    char *dst = args[0];
    Py_ssize_t ds = steps[0];
    char v = f->value[0];
    if (ds == 1) {
        memset(dst, (unsigned char)v, (size_t)n);
        return;
    }
    for (Py_ssize_t i = 0; i < n; i++, dst += ds) {
        *dst = v;
    }
}

static void
fill_any(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    const NdmFillCtx *f = (const NdmFillCtx *)ctx;
    char *dst = args[0];
    Py_ssize_t ds = steps[0];
    for (Py_ssize_t i = 0; i < n; i++, dst += ds) {
        memcpy(dst, f->value, (size_t)f->itemsize);
    }
}

ndm_kernel
ndm_fill_kernel(Py_ssize_t itemsize)
{
    switch (itemsize) {
    case 1: return fill_1;
    case 2: return fill_2;
    case 4: return fill_4;
    case 8: return fill_8;
    case 16: return fill_16;
    default: return fill_any;
    }
}

typedef struct {
    ndm_cast_fn fn;
    NdmDtype *from;
    NdmDtype *to;
    int failed;
} CastCtx;

static void
cast_kernel(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    CastCtx *c = (CastCtx *)ctx;
    if (c->failed) {
        return;
    }
    if (c->fn(args[1], steps[1], args[0], steps[0], n, c->from, c->to) < 0) {
        c->failed = 1;
    }
}

/* ------------------------------------------------------------------ */
/* assignment                                                         */

static const char *
casting_name(NdmCasting casting)
{
    switch (casting) {
    case NDM_NO_CASTING: return "no";
    case NDM_EQUIV_CASTING: return "equiv";
    case NDM_SAFE_CASTING: return "safe";
    case NDM_SAME_KIND_CASTING: return "same_kind";
    default: return "unsafe";
    }
}

int
ndm_cast_error(const char *what, NdmDtype *from, NdmDtype *to, NdmCasting casting)
{
    PyErr_Format(PyExc_TypeError,
                 "Cannot cast %s from %R to %R according to the rule '%s'",
                 what, (PyObject *)from, (PyObject *)to, casting_name(casting));
    return -1;
}

/* A fresh C-ordered array with a's dtype and values (no casting). */
static NdmArray *
copy_of(NdmArray *a)
{
    Py_INCREF(a->descr);
    NdmArray *tmp = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, a->descr,
                                              a->nd, a->shape, NULL, NULL, 0, NULL);
    if (tmp == NULL) {
        return NULL;
    }
    NdmLoop loop;
    loop.nop = 2;
    loop.nd = a->nd;
    for (int i = 0; i < a->nd; i++) {
        loop.shape[i] = a->shape[i];
        loop.strides[0][i] = tmp->strides[i];
        loop.strides[1][i] = a->strides[i];
    }
    loop.data[0] = tmp->data;
    loop.data[1] = a->data;
    ndm_loop_optimize(&loop);
    Py_ssize_t itemsize = a->descr->itemsize;
    ndm_loop_run(&loop, ndm_copy_kernel(itemsize), &itemsize, 1);
    return tmp;
}

/* A 2-d same-dtype copy whose source walks the destination's inner axis
 * with a long stride (a transpose, a C to F copy) goes tile by tile, so
 * the cache lines of both sides are used fully before they are evicted. */
#define COPY_TILE 32

static int
is_transposing_copy(const NdmLoop *loop, Py_ssize_t itemsize)
{
    if (loop->nd != 2 || loop->shape[0] < COPY_TILE || loop->shape[1] < COPY_TILE) {
        return 0;
    }
    Py_ssize_t src_inner = loop->strides[1][1], src_outer = loop->strides[1][0];
    return loop->strides[0][1] == itemsize && src_outer != 0
           && (src_outer < 0 ? -src_outer : src_outer) < (src_inner < 0 ? -src_inner : src_inner);
}

static void
tiled_copy_2d(const NdmLoop *loop, Py_ssize_t itemsize)
{
    ndm_kernel copy = ndm_copy_kernel(itemsize);
    const Py_ssize_t *ds = loop->strides[0], *ss = loop->strides[1];
    for (Py_ssize_t i0 = 0; i0 < loop->shape[0]; i0 += COPY_TILE) {
        Py_ssize_t i1 = i0 + COPY_TILE < loop->shape[0] ? i0 + COPY_TILE : loop->shape[0];
        for (Py_ssize_t j0 = 0; j0 < loop->shape[1]; j0 += COPY_TILE) {
            Py_ssize_t n = j0 + COPY_TILE < loop->shape[1] ? COPY_TILE : loop->shape[1] - j0;
            for (Py_ssize_t i = i0; i < i1; i++) {
                char *args[2] = {loop->data[0] + i * ds[0] + j0 * ds[1],
                                 loop->data[1] + i * ss[0] + j0 * ss[1]};
                Py_ssize_t steps[2] = {ds[1], ss[1]};
                copy(args, n, steps, &itemsize);
            }
        }
    }
}

/* The copy itself: dst and src already checked, src strides broadcast. */
static int
assign_raw(NdmArray *dst, NdmArray *src, const Py_ssize_t *src_strides)
{
    NdmLoop loop;
    loop.nop = 2;
    loop.nd = dst->nd;
    for (int i = 0; i < dst->nd; i++) {
        loop.shape[i] = dst->shape[i];
        loop.strides[0][i] = dst->strides[i];
        loop.strides[1][i] = src_strides[i];
    }
    loop.data[0] = dst->data;
    loop.data[1] = src->data;
    ndm_loop_optimize(&loop);
    if (ndm_dtype_equiv(src->descr, dst->descr)) {
        Py_ssize_t itemsize = dst->descr->itemsize;
        if (is_transposing_copy(&loop, itemsize)) {
            Py_BEGIN_ALLOW_THREADS
            tiled_copy_2d(&loop, itemsize);
            Py_END_ALLOW_THREADS
            return 0;
        }
        /* one thread, even into a new mapping: with a second one faulting
         * the destination in ahead, as large casts have (cast.c), an 80 MB
         * copy took 10-12 ms instead of 7.4-8 (memcpy is memory-bound, and
         * the pages it finds zeroed have left the cache) */
        return ndm_loop_run(&loop, ndm_copy_kernel(itemsize), &itemsize, 1);
    }
    CastCtx ctx;
    ctx.fn = ndm_dtype_get_cast(src->descr, dst->descr);
    ctx.from = src->descr;
    ctx.to = dst->descr;
    ctx.failed = 0;
    int gil_free = ndm_cast_is_gil_free(src->descr, dst->descr);
    int rc = ndm_loop_run(&loop, cast_kernel, &ctx, gil_free);
    if (ctx.failed) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError, "cast failed");
        }
        return -1;
    }
    return rc;
}

int
ndm_array_assign(NdmArray *dst, NdmArray *src, NdmCasting casting)
{
    Py_ssize_t sstr[NDM_MAXDIMS];

    if (ndm_array_fail_unless_writeable(dst) < 0) {
        return -1;
    }
    int same = ndm_dtype_equiv(src->descr, dst->descr);
    if (!same && casting != NDM_UNSAFE_CASTING
            && !ndm_dtype_can_cast(src->descr, dst->descr, casting)) {
        if (PyErr_Occurred()) {
            return -1;
        }
        return ndm_cast_error("array data", src->descr, dst->descr, casting);
    }
    if (broadcast_strides(dst->nd, dst->shape, src->nd, src->shape,
                          src->strides, sstr) < 0) {
        return assign_broadcast_error(src->shape, src->nd, dst->shape, dst->nd);
    }
    Py_ssize_t size = ndm_array_size(dst);
    if (size == 0) {
        /* NumPy warns when it picks the cast, before it looks at the size */
        if (src->descr->kind == 'c' && strchr("iuf", dst->descr->kind) != NULL) {
            return PyErr_WarnEx(ndm_complex_warning,
                                "Casting complex values to real discards the imaginary part", 1);
        }
        return 0;
    }
    if (src->data == dst->data && src->descr->itemsize == dst->descr->itemsize) {
        int identical = 1;
        for (int i = 0; i < dst->nd; i++) {
            if (dst->shape[i] > 1 && dst->strides[i] != sstr[i]) {
                identical = 0;
                break;
            }
        }
        if (identical) {
            if (same) {
                return 0;
            }
            /* element i is read before it is written: safe in place */
            return assign_raw(dst, src, sstr);
        }
    }
    if (ndm_overlap_may_share(dst, src)) {
        /* NumPy's PyArray_AssignArray: a 1-d destination whose stride points
         * the same way as the source's last one is copied element by element
         * with no temporary, backwards when the source starts below the
         * destination and reaches it (so strided overlaps can read values
         * already written, as in NumPy); any other overlap copies first */
        if (same && dst->nd == 1 && src->nd >= 1
                && !ndm_dtype_is_structured(dst->descr)
                && !(dst->strides[0] < 0 && src->strides[src->nd - 1] > 0)
                && !(dst->strides[0] > 0 && src->strides[src->nd - 1] < 0)) {
            Py_ssize_t itemsize = dst->descr->itemsize;
            Py_ssize_t n = dst->shape[0], ds = dst->strides[0], ss = sstr[0];
            char *d = dst->data, *s = src->data;
            if (ds < 0) {
                d += (n - 1) * ds;
                s += (n - 1) * ss;
                ds = -ds;
                ss = -ss;
            }
            if (s < d && s + n * ss > d) {
                d += (n - 1) * ds;
                s += (n - 1) * ss;
                ds = -ds;
                ss = -ss;
            }
            for (Py_ssize_t i = 0; i < n; i++, d += ds, s += ss) {
                memmove(d, s, (size_t)itemsize);
            }
            return 0;
        }
        NdmArray *tmp = copy_of(src);
        if (tmp == NULL) {
            return -1;
        }
        Py_ssize_t tstr[NDM_MAXDIMS];
        broadcast_strides(dst->nd, dst->shape, tmp->nd, tmp->shape, tmp->strides, tstr);
        int rc = assign_raw(dst, tmp, tstr);
        Py_DECREF(tmp);
        return rc;
    }
    return assign_raw(dst, src, sstr);
}

/* Fill dst with the itemsize bytes at value (already in dst's dtype). */
int
ndm_array_fill_raw(NdmArray *dst, const char *value)
{
    NdmLoop loop;
    loop.nop = 1;
    loop.nd = dst->nd;
    for (int i = 0; i < dst->nd; i++) {
        loop.shape[i] = dst->shape[i];
        loop.strides[0][i] = dst->strides[i];
    }
    loop.data[0] = dst->data;
    ndm_loop_optimize(&loop);
    NdmFillCtx ctx;
    ctx.value = value;
    ctx.itemsize = dst->descr->itemsize;
    return ndm_loop_run(&loop, ndm_fill_kernel(ctx.itemsize), &ctx, 1);
}

/* Python objects that are one element (not sequences) for dst's dtype. */
int
ndm_is_scalar_value(NdmDtype *descr, PyObject *value)
{
    if (PyLong_Check(value) || PyFloat_Check(value) || PyComplex_Check(value)
            || PyUnicode_Check(value) || PyBytes_Check(value)
            || value == Py_None || ndm_scalar_check(value)) {
        return 1;
    }
    if (PyTuple_Check(value) && ndm_dtype_is_structured(descr)) {
        return 1;
    }
    return 0;
}

int
ndm_array_assign_object(NdmArray *dst, PyObject *value)
{
    if (NdmArray_Check(value)) {
        return ndm_array_assign(dst, (NdmArray *)value, NDM_UNSAFE_CASTING);
    }
    if (ndm_array_fail_unless_writeable(dst) < 0) {
        return -1;
    }
    if (ndm_is_scalar_value(dst->descr, value)) {
        Py_ssize_t size = ndm_array_size(dst);
        if (size == 1) {
            return ndm_dtype_setitem(dst->descr, dst->data, value);
        }
        Py_ssize_t itemsize = dst->descr->itemsize;
        char stack[64];
        char *buf = stack;
        if (itemsize > (Py_ssize_t)sizeof(stack)) {
            buf = PyMem_Malloc((size_t)itemsize);
            if (buf == NULL) {
                PyErr_NoMemory();
                return -1;
            }
        }
        memset(buf, 0, (size_t)(itemsize > 0 ? itemsize : 1));
        int rc = ndm_dtype_setitem(dst->descr, buf, value);
        if (rc == 0 && size > 0) {
            rc = ndm_array_fill_raw(dst, buf);
        }
        if (buf != stack) {
            PyMem_Free(buf);
        }
        return rc;
    }
    NdmArray *arr = (NdmArray *)ndm_array_from_any(value, dst->descr, -1, 'K', 0);
    if (arr == NULL) {
        return -1;
    }
    int rc = ndm_array_assign(dst, arr, NDM_UNSAFE_CASTING);
    Py_DECREF(arr);
    return rc;
}

/* ------------------------------------------------------------------ */
/* module functions                                                   */

/* Masked copy: args dst, src, mask (bool bytes); ctx is the itemsize. */
static void
masked_copy(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    Py_ssize_t size = *(const Py_ssize_t *)ctx;
    char *dst = args[0];
    const char *src = args[1];
    const char *mask = args[2];
    for (Py_ssize_t i = 0; i < n; i++, dst += steps[0], src += steps[1], mask += steps[2]) {
        if (*mask) {
            memmove(dst, src, (size_t)size);
        }
    }
}

/* where(cond, x, y) in one pass: args out, cond (bool bytes), x, y, all of
 * out's dtype; ctx is the itemsize.  The select is branch-free so the
 * contiguous loop vectorizes. */
#define SELECT_LOOP(X, Y)                                                   \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        out[i] = c[i] ? (X) : (Y);                                          \
    }
#define DEFINE_SELECT(N, T)                                                 \
static void                                                                 \
select_##N(char **args, Py_ssize_t n, const Py_ssize_t *steps,             \
           void *Py_UNUSED(ctx))                                            \
{                                                                           \
    if (steps[0] == N && steps[1] == 1                                      \
            && (steps[2] == N || steps[2] == 0)                             \
            && (steps[3] == N || steps[3] == 0)                             \
            && (uintptr_t)args[0] % sizeof(T) == 0                          \
            && (uintptr_t)args[2] % sizeof(T) == 0                          \
            && (uintptr_t)args[3] % sizeof(T) == 0) {                       \
        T *restrict out = (T *)(void *)args[0];                             \
        const unsigned char *restrict c = (const unsigned char *)args[1];   \
        const T *restrict x = (const T *)(const void *)args[2];             \
        const T *restrict y = (const T *)(const void *)args[3];             \
        if (steps[2] && steps[3]) {                                         \
            SELECT_LOOP(x[i], y[i]);                                        \
        }                                                                   \
        else if (steps[2]) {                                                \
            const T yv = *y;                                                \
            SELECT_LOOP(x[i], yv);                                          \
        }                                                                   \
        else if (steps[3]) {                                                \
            const T xv = *x;                                                \
            SELECT_LOOP(xv, y[i]);                                          \
        }                                                                   \
        else {                                                              \
            const T xv = *x, yv = *y;                                       \
            SELECT_LOOP(xv, yv);                                            \
        }                                                                   \
        return;                                                             \
    }                                                                       \
    char *out = args[0];                                                    \
    const char *c = args[1], *x = args[2], *y = args[3];                    \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(out, *c ? x : y, N);                                         \
        out += steps[0]; c += steps[1]; x += steps[2]; y += steps[3];       \
    }                                                                       \
}

DEFINE_SELECT(1, uint8_t)
DEFINE_SELECT(2, uint16_t)
DEFINE_SELECT(4, uint32_t)
DEFINE_SELECT(8, uint64_t)

static void
select_any(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    size_t size = (size_t)*(const Py_ssize_t *)ctx;
    char *out = args[0];
    const char *c = args[1], *x = args[2], *y = args[3];
    for (Py_ssize_t i = 0; i < n; i++) {
        memmove(out, *c ? x : y, size);
        out += steps[0]; c += steps[1]; x += steps[2]; y += steps[3];
    }
}

/* _where_select(out, cond, x, y): out[...] = cond ? x : y with the three
 * inputs broadcast to out.  The caller (ndmem.where) has already made x and
 * y out's dtype and cond bool; out may not overlap the inputs. */
static PyObject *
where_select(PyObject *Py_UNUSED(module), PyObject *args)
{
    NdmArray *ops[4];
    if (!PyArg_ParseTuple(args, "O!O!O!O!:_where_select",
                          ndm_state.ndarray_type, &ops[0], ndm_state.ndarray_type, &ops[1],
                          ndm_state.ndarray_type, &ops[2], ndm_state.ndarray_type, &ops[3])) {
        return NULL;
    }
    NdmArray *out = ops[0];
    Py_ssize_t itemsize = out->descr->itemsize;
    if (ops[1]->descr->kind != 'b' || ops[1]->descr->itemsize != 1
            || !ndm_dtype_equiv(ops[2]->descr, out->descr)
            || !ndm_dtype_equiv(ops[3]->descr, out->descr)) {
        PyErr_SetString(PyExc_TypeError,
                        "_where_select needs a bool condition and x, y of out's dtype");
        return NULL;
    }
    if (ndm_array_fail_unless_writeable(out) < 0) {
        return NULL;
    }
    NdmLoop loop;
    if (ndm_loop_init(&loop, 4, ops, out->nd, out->shape) < 0) {
        return NULL;
    }
    ndm_kernel kernel;
    switch (itemsize) {
    case 1: kernel = select_1; break;
    case 2: kernel = select_2; break;
    case 4: kernel = select_4; break;
    case 8: kernel = select_8; break;
    default: kernel = select_any; break;
    }
    if (ndm_loop_run(&loop, kernel, &itemsize, 1) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static int
is_python_scalar(PyObject *obj)
{
    return PyLong_CheckExact(obj) || PyFloat_CheckExact(obj)
        || PyComplex_CheckExact(obj) || PyBool_Check(obj);
}

static PyObject *
copyto(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"dst", "src", "casting", "where", NULL};
    PyObject *dst_obj, *src_obj, *where_obj = Py_True;
    NdmCasting casting = NDM_SAME_KIND_CASTING;
    NdmArray *src = NULL, *mask = NULL, *casted = NULL;
    PyObject *result = NULL;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|O&O:copyto", kwlist,
                                     &dst_obj, &src_obj, ndm_casting_converter,
                                     &casting, &where_obj)) {
        return NULL;
    }
    if (!NdmArray_Check(dst_obj)) {
        PyErr_Format(PyExc_TypeError,
                     "copyto() argument 1 must be a numpy.ndarray, not %s",
                     Py_TYPE(dst_obj)->tp_name);
        return NULL;
    }
    NdmArray *dst = (NdmArray *)dst_obj;
    if (ndm_array_fail_unless_writeable(dst) < 0) {
        return NULL;
    }
    int pyscalar = is_python_scalar(src_obj);
    int weak = pyscalar && !PyBool_Check(src_obj);
    if (NdmArray_Check(src_obj)) {
        Py_INCREF(src_obj);
        src = (NdmArray *)src_obj;
    }
    else {
        src = (NdmArray *)ndm_array_from_any(src_obj, NULL, -1, 'K', 0);
        if (src == NULL) {
            goto fail;
        }
    }
    if (weak) {
        /* NEP 50: a Python int/float/complex whose kind the destination
         * holds is stored with the destination's rules whatever the casting
         * (OverflowError when out of range); otherwise its default dtype
         * must cast under the rule. */
        static const char order[] = "biufc";
        const char *ps = strchr(order, src->descr->kind);
        const char *pd = strchr(order, dst->descr->kind);
        int kind_ok = 0;
        if (ps != NULL && pd != NULL) {
            int rs = (int)(ps - order), rd = (int)(pd - order);
            if (rs == 1 && rd == 2) {
                rs = 2;
            }
            kind_ok = rs <= rd;
        }
        if (kind_ok) {
            if (where_obj == Py_True) {
                if (ndm_array_assign_object(dst, src_obj) < 0) {
                    goto fail;
                }
                Py_DECREF(src);
                Py_RETURN_NONE;
            }
            /* store the scalar once in dst's dtype, then go the masked way */
            Py_INCREF(dst->descr);
            casted = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, dst->descr,
                                               0, NULL, NULL, NULL, 0, NULL);
            if (casted == NULL
                    || ndm_dtype_setitem(dst->descr, casted->data, src_obj) < 0) {
                goto fail;
            }
            Py_SETREF(src, casted);
            casted = NULL;
            casting = NDM_UNSAFE_CASTING;
        }
    }
    if (pyscalar && casting != NDM_UNSAFE_CASTING
            && !ndm_dtype_equiv(src->descr, dst->descr)
            && !ndm_dtype_can_cast(src->descr, dst->descr, casting)) {
        ndm_cast_error("scalar", src->descr, dst->descr, casting);
        goto fail;
    }
    if (where_obj == Py_True) {
        if (ndm_array_assign(dst, src, casting) < 0) {
            goto fail;
        }
        Py_DECREF(src);
        Py_RETURN_NONE;
    }
    /* where= */
    {
        if (NdmArray_Check(where_obj)) {
            Py_INCREF(where_obj);
            mask = (NdmArray *)where_obj;
        }
        else {
            mask = (NdmArray *)ndm_array_from_any(where_obj, NULL, -1, 'K', 0);
            if (mask == NULL) {
                goto fail;
            }
        }
        if (mask->descr->type_num != NDM_BOOL) {
            PyErr_Format(PyExc_TypeError,
                         "Cannot cast array data from %R to dtype('bool') according to the rule 'safe'",
                         (PyObject *)mask->descr);
            goto fail;
        }
        if (!ndm_dtype_equiv(src->descr, dst->descr)
                && !ndm_dtype_can_cast(src->descr, dst->descr, casting)) {
            ndm_cast_error("array data", src->descr, dst->descr, casting);
            goto fail;
        }
        /* cast src to dst's dtype (a private copy also settles overlap) */
        Py_INCREF(dst->descr);
        casted = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, dst->descr,
                                           src->nd, src->shape, NULL, NULL, 0, NULL);
        if (casted == NULL || ndm_array_assign(casted, src, NDM_UNSAFE_CASTING) < 0) {
            goto fail;
        }
        NdmArray *ops[3] = {dst, casted, mask};
        NdmLoop loop;
        Py_ssize_t sstr[NDM_MAXDIMS];
        if (broadcast_strides(dst->nd, dst->shape, casted->nd, casted->shape,
                              casted->strides, sstr) < 0) {
            assign_broadcast_error(casted->shape, casted->nd, dst->shape, dst->nd);
            goto fail;
        }
        if (broadcast_strides(dst->nd, dst->shape, mask->nd, mask->shape,
                              mask->strides, sstr) < 0) {
            char buf[1024];
            strcpy(buf, "could not broadcast where mask from shape ");
            format_shape(buf, sizeof(buf), mask->shape, mask->nd);
            strncat(buf, " into shape ", sizeof(buf) - strlen(buf) - 1);
            format_shape(buf, sizeof(buf), dst->shape, dst->nd);
            PyErr_SetString(PyExc_ValueError, buf);
            goto fail;
        }
        if (ndm_loop_init(&loop, 3, ops, dst->nd, dst->shape) < 0) {
            goto fail;
        }
        Py_ssize_t itemsize = dst->descr->itemsize;
        if (ndm_loop_run(&loop, masked_copy, &itemsize, 1) < 0) {
            goto fail;
        }
    }
    result = Py_None;
    Py_INCREF(result);
fail:
    Py_XDECREF(src);
    Py_XDECREF(mask);
    Py_XDECREF(casted);
    return result;
}

#define SHAPES_MSG "broadcast_shapes() arguments must be shapes"

int
ndm_shape_from_object(PyObject *obj, const char *not_sequence, Py_ssize_t *shape, int *nd)
{
    if (PyIndex_Check(obj)) {
        Py_ssize_t v = PyNumber_AsSsize_t(obj, PyExc_ValueError);
        if (v == -1 && PyErr_Occurred()) {
            return -1;
        }
        shape[0] = v;
        *nd = 1;
    }
    else {
        PyObject *seq = PySequence_Fast(obj, not_sequence);
        if (seq == NULL) {
            return -1;
        }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        if (n > NDM_MAXDIMS) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_ValueError,
                         "maximum supported dimension for an ndarray is currently %d, found %zd",
                         NDM_MAXDIMS, n);
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_ssize_t v = PyNumber_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i),
                                              PyExc_ValueError);
            if (v == -1 && PyErr_Occurred()) {
                Py_DECREF(seq);
                return -1;
            }
            shape[i] = v;
        }
        *nd = (int)n;
        Py_DECREF(seq);
    }
    for (int i = 0; i < *nd; i++) {
        if (shape[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "negative dimensions are not allowed");
            return -1;
        }
    }
    return 0;
}

static PyObject *
spaced_shape(const Py_ssize_t *shape, int nd)
{
    PyObject *t = PyTuple_New(nd);
    if (t == NULL) {
        return NULL;
    }
    for (int i = 0; i < nd; i++) {
        PyObject *v = PyLong_FromSsize_t(shape[i]);
        if (v == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    PyObject *r = PyObject_Repr(t);
    Py_DECREF(t);
    return r;
}

static PyObject *
broadcast_shapes(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_ssize_t result[NDM_MAXDIMS];
    Py_ssize_t shape[NDM_MAXDIMS];
    Py_ssize_t first_shape[NDM_MAXDIMS];
    int rnd = 0, first_nd = 0, first_arg = -1;
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);

    for (Py_ssize_t a = 0; a < nargs; a++) {
        int nd;
        if (ndm_shape_from_object(PyTuple_GET_ITEM(args, a), SHAPES_MSG, shape, &nd) < 0) {
            return NULL;
        }
        if (nd > rnd) {
            for (int i = rnd - 1; i >= 0; i--) {
                result[i + nd - rnd] = result[i];
            }
            for (int i = 0; i < nd - rnd; i++) {
                result[i] = 1;
            }
            rnd = nd;
        }
        int off = rnd - nd;
        for (int j = 0; j < nd; j++) {
            Py_ssize_t *r = &result[off + j];
            if (shape[j] == *r || shape[j] == 1) {
                continue;
            }
            if (*r == 1) {
                *r = shape[j];
                continue;
            }
            /* Mismatch: NumPy names the first argument that set the axis. */
            PyObject *s0 = NULL, *s1 = NULL;
            int arg0 = 0;
            for (Py_ssize_t b = 0; b < a; b++) {
                if (ndm_shape_from_object(PyTuple_GET_ITEM(args, b), SHAPES_MSG,
                                          first_shape, &first_nd) < 0) {
                    return NULL;
                }
                int o = first_nd - (nd - j);
                if (o >= 0 && first_shape[o] != 1) {
                    arg0 = (int)b;
                    break;
                }
            }
            first_arg = arg0;
            if (ndm_shape_from_object(PyTuple_GET_ITEM(args, first_arg), SHAPES_MSG,
                                      first_shape, &first_nd) < 0) {
                return NULL;
            }
            s0 = spaced_shape(first_shape, first_nd);
            s1 = spaced_shape(shape, nd);
            if (s0 != NULL && s1 != NULL) {
                PyErr_Format(PyExc_ValueError,
                             "shape mismatch: objects cannot be broadcast to a single shape.  "
                             "Mismatch is between arg %d with shape %U and arg %zd with shape %U.",
                             first_arg, s0, a, s1);
            }
            Py_XDECREF(s0);
            Py_XDECREF(s1);
            return NULL;
        }
    }
    PyObject *t = PyTuple_New(rnd);
    if (t == NULL) {
        return NULL;
    }
    for (int i = 0; i < rnd; i++) {
        PyObject *v = PyLong_FromSsize_t(result[i]);
        if (v == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    return t;
}

static PyMethodDef iter_functions[] = {
    {"_where_select", where_select, METH_VARARGS,
     "_where_select(out, cond, x, y)\n--\n\nout[...] = cond ? x : y (same dtypes)."},
    {"copyto", (PyCFunction)(void (*)(void))copyto, METH_VARARGS | METH_KEYWORDS,
     "copyto(dst, src, casting='same_kind', where=True)\n--\n\n"
     "Copy values from one array to another, broadcasting as necessary."},
    {"broadcast_shapes", (PyCFunction)broadcast_shapes, METH_VARARGS,
     "broadcast_shapes(*args)\n--\n\n"
     "Broadcast the input shapes into a single shape."},
    {NULL, NULL, 0, NULL},
};

int
ndm_iter_init(PyObject *module)
{
    return PyModule_AddFunctions(module, iter_functions);
}
