/* Axis reductions: ufunc.reduce and ufunc.accumulate.
 *
 * The iteration copies what NumPy's reduction iterator does, because float
 * results depend on the order of the additions: axes are ordered by the
 * strides of the operands (NumPy's stable insertion sort, innermost = the
 * smallest stride, ties kept in C order), length-1 axes dropped, adjacent
 * axes coalesced.  When the innermost axis is reduced the kernel is called
 * as a binary reduce (args[0] == args[2], steps 0), so the float add kernel
 * sums pairwise; otherwise every output row accumulates out[j] op= a[i, j].
 * An input that needs a cast is cast in chunks of NumPy's buffer size (8192
 * elements) along the inner axis, and each chunk is reduced on its own, as
 * NumPy's buffered iterator does. */
#include "reduce_internal.h"
#include "scalar.h"

#define BUFSIZE 8192

/* ---------------------------------------------------------------- axes */

static int
raise_axis_error(Py_ssize_t axis, int nd)
{
    PyObject *cls = PyObject_GetAttrString(ndm_state.module, "AxisError");
    if (cls == NULL) {
        return -1;
    }
    PyObject *exc = PyObject_CallFunction(cls, "ni", axis, nd);
    Py_DECREF(cls);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
    return -1;
}

/* An axis as NumPy reads it: an integer, not a bool. */
static Py_ssize_t
axis_value(PyObject *obj)
{
    if (PyBool_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "an integer is required");
        return -1;
    }
    return PyNumber_AsSsize_t(obj, PyExc_OverflowError);
}

static int
mark_axis(PyObject *obj, int nd, char *flags)
{
    Py_ssize_t ax = axis_value(obj);
    if (ax == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (ax < -nd || ax >= nd) {
        return raise_axis_error(ax, nd);
    }
    if (ax < 0) {
        ax += nd;
    }
    if (flags[ax]) {
        PyErr_SetString(PyExc_ValueError, "duplicate value in 'axis'");
        return -1;
    }
    flags[ax] = 1;
    return 0;
}

/* axis (None, an int or a tuple of ints) as per-axis flags; returns the
 * number of axes marked, or -1.  As NumPy, a 0-d array takes axis 0 or -1
 * as "no axis". */
int
ndm_reduce_parse_axes(PyObject *axis, int nd, char *flags)
{
    memset(flags, 0, NDM_MAXDIMS);
    if (axis == NULL || axis == Py_None) {
        memset(flags, 1, nd);
        return nd;
    }
    if (PyTuple_Check(axis)) {
        /* every axis in bounds before any duplicate is reported, as NumPy */
        char scratch[NDM_MAXDIMS];
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(axis); i++) {
            memset(scratch, 0, NDM_MAXDIMS);
            if (mark_axis(PyTuple_GET_ITEM(axis, i), nd, scratch) < 0) {
                return -1;
            }
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(axis); i++) {
            if (mark_axis(PyTuple_GET_ITEM(axis, i), nd, flags) < 0) {
                return -1;
            }
        }
        return (int)PyTuple_GET_SIZE(axis);
    }
    if (nd == 0) {
        Py_ssize_t ax = axis_value(axis);
        if (ax == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (ax != 0 && ax != -1) {
            return raise_axis_error(ax, 0);
        }
        return 0;
    }
    if (mark_axis(axis, nd, flags) < 0) {
        return -1;
    }
    return 1;
}

/* ------------------------------------------------------- axis ordering */

/* NumPy's npyiter_find_best_axis_ordering: perm[0] is the innermost axis.
 * strides[op][axis]; zero strides (and length-1 axes) never decide. */
void
ndm_reduce_sort_axes(int nd, const Py_ssize_t *shape, int nops,
          Py_ssize_t (*strides)[NDM_MAXDIMS], int *perm)
{
    for (int p = 0; p < nd; p++) {
        perm[p] = nd - 1 - p;
    }
    for (int i0 = 1; i0 < nd; i0++) {
        int ipos = i0;
        int j0 = perm[i0];
        for (int i1 = i0 - 1; i1 >= 0; i1--) {
            int ambig = 1, shouldswap = 0;
            int j1 = perm[i1];
            for (int op = 0; op < nops; op++) {
                Py_ssize_t s0 = shape[j0] == 1 ? 0 : strides[op][j0];
                Py_ssize_t s1 = shape[j1] == 1 ? 0 : strides[op][j1];
                if (s0 != 0 && s1 != 0) {
                    if ((s1 < 0 ? -s1 : s1) <= (s0 < 0 ? -s0 : s0)) {
                        shouldswap = 0;
                    }
                    else if (ambig) {
                        shouldswap = 1;
                    }
                    ambig = 0;
                }
            }
            if (!ambig) {
                if (shouldswap) {
                    ipos = i1;
                }
                else {
                    break;
                }
            }
        }
        if (ipos != i0) {
            for (int i1 = i0; i1 > ipos; i1--) {
                perm[i1] = perm[i1 - 1];
            }
            perm[ipos] = j0;
        }
    }
}

/* A new array of descr (stolen) and shape whose layout follows perm
 * (perm[0] innermost), as NumPy's iterator allocates its outputs: a fresh
 * packed buffer is re-strided in perm's order (the same bytes). */
NdmArray *
ndm_reduce_new_in_order(NdmDtype *descr, int nd, const Py_ssize_t *shape, const int *perm)
{
    NdmArray *a = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, descr,
                                            nd, shape, NULL, NULL, 0, NULL);
    if (a == NULL || ndm_array_size(a) == 0) {
        return a;
    }
    Py_ssize_t cur = a->descr->itemsize;
    for (int p = 0; p < nd; p++) {
        a->strides[perm[p]] = cur;
        cur *= shape[perm[p]];
    }
    ndm_array_update_flags(a);
    return a;
}

/* ------------------------------------------------------ the reduce loop */


typedef struct RedCtx {
    ndm_kernel kernel;
    Py_ssize_t isz;                 /* loop dtype's itemsize */
    ndm_cast_fn cast;               /* input -> loop dtype, NULL if none needed */
    NdmDtype *from;
    NdmDtype *to;
    char *buf;                      /* BUFSIZE loop elements */
    char *mbuf;                     /* BUFSIZE mask bytes */
    ndm_red_fast_fn fast;           /* binary-reduce calls, NULL: kernel */
    int may_thread;                 /* runs without the GIL */
    int split;                      /* NDM_SPLIT_*: how calls may split */
    const char *ufname;
    int skip_first;                 /* no identity: first visits copy */
    int failed;
} RedCtx;

/* Fill it from perm'd full-rank strides, dropping length-1 axes and
 * coalescing as NumPy's iterator does. */
void
ndm_reduce_iter_build(RedIter *it, int nd, const Py_ssize_t *shape, const int *perm,
              const char *red, Py_ssize_t (*strides)[NDM_MAXDIMS])
{
    int n = 0;
    for (int p = 0; p < nd; p++) {
        int k = perm[p];
        if (shape[k] == 1) {
            continue;
        }
        it->shape[n] = shape[k];
        it->so[n] = strides[0][k];
        it->si[n] = strides[1][k];
        it->sm[n] = strides[2][k];
        it->red[n] = red[k];
        n++;
    }
    if (n == 0) {
        it->shape[0] = 1;
        it->so[0] = it->si[0] = it->sm[0] = 0;
        it->red[0] = 0;
        n = 1;
    }
    int m = 0;
    for (int d = 1; d < n; d++) {
        Py_ssize_t sh = it->shape[m];
        if (it->red[m] == it->red[d] && it->so[m] * sh == it->so[d]
                && it->si[m] * sh == it->si[d] && it->sm[m] * sh == it->sm[d]) {
            it->shape[m] *= it->shape[d];
            continue;
        }
        m++;
        it->shape[m] = it->shape[d];
        it->so[m] = it->so[d];
        it->si[m] = it->si[d];
        it->sm[m] = it->sm[d];
        it->red[m] = it->red[d];
    }
    it->nd = m + 1;
}

static void
call_runs(RedCtx *c, char *out, Py_ssize_t so, char *src, Py_ssize_t ss,
          const char *mask, Py_ssize_t sm, Py_ssize_t n)
{
    Py_ssize_t steps[3] = {so, ss, so};
    Py_ssize_t k = 0;
    while (k < n) {
        Py_ssize_t len = n - k;
        if (mask != NULL) {
            while (k < n && !mask[k * sm]) {
                k++;
            }
            len = 0;
            while (k + len < n && mask[(k + len) * sm]) {
                len++;
            }
            if (len == 0) {
                break;
            }
        }
        if (c->fast != NULL && so == 0) {
            c->fast(out, src + k * ss, len, ss, c->may_thread);
        }
        else if (so != 0 || !c->may_thread
                 || !ndm_reduce_split(c->kernel, c->split, out, src + k * ss,
                                      len, ss, c->isz)) {
            char *args[3] = {out + k * so, src + k * ss, out + k * so};
            c->kernel(args, len, steps, NULL);
        }
        k += len;
    }
}

/* NumPy 2.3's choice of the buffered inner loop (nditer_api.c,
 * npyiter_find_buffering_setup): grow the inner loop outwards over the
 * sorted axes while the cost (1 + buffered operands) per element does not
 * rise; an operand whose axes stop collapsing must be buffered (copied
 * flat), and growth stops at the axis where the output's stride switches
 * between zero and non-zero (the "outer reduce" axis).  This decides
 * which elements each pairwise sum covers. */
static void
plan_core(RedIter *it, int cast_in, int has_mask)
{
    Py_ssize_t *st[3] = {it->so, it->si, it->sm};
    int nops = has_mask ? 3 : 2;
    int single[3] = {1, 1, 1};
    int cost = 1 + cast_in, outer_red = 0, stop = 0;
    Py_ssize_t size = it->shape[0];
    int best_dim = 0, best_cost = cost;
    Py_ssize_t best_size = size, best_core = 1;
    for (int idim = 1; idim < it->nd; idim++) {
        if (outer_red || (size >= BUFSIZE && cost > 1)) {
            break;
        }
        for (int op = 0; op < nops; op++) {
            Py_ssize_t ps = st[op][idim - 1], cs = st[op][idim];
            if (single[op] == idim) {
                if (ps * it->shape[idim - 1] == cs) {
                    single[op]++;
                    continue;
                }
                if (op == 0 && cs != 0 && ps != 0) {
                    /* out= with a layout of its own: NumPy would buffer
                     * it; these axes are not reduced, so the order of the
                     * additions is the same when the core stops here. */
                    stop = 1;
                    break;
                }
                if (!(op == 1 && cast_in)) {
                    cost++;
                }
            }
            if (op == 0 && (cs == 0 || ps == 0)) {
                outer_red = idim;
            }
        }
        if (stop) {
            break;
        }
        Py_ssize_t core = size;
        size *= it->shape[idim];
        double bufsize = (double)size;
        if (bufsize > BUFSIZE && cost > 1) {
            bufsize = BUFSIZE;
        }
        if (cost * (double)best_size <= best_cost * bufsize) {
            best_cost = cost;
            best_core = core;
            best_size = size;
            best_dim = idim;
        }
    }
    if (outer_red && best_dim == outer_red) {
        /* One kernel call per core; the buffer holds whole cores. */
        it->g = best_dim;
        it->chunk = 0;
        return;
    }
    it->g = best_dim + 1;
    int buffered = cast_in || best_dim > 0;
    Py_ssize_t per = BUFSIZE / best_core;
    it->chunk = !buffered ? 0 : (per > 0 ? per * best_core : best_core);
}

/* One inner run of n elements from src (in the input's dtype when raw,
 * else already loop elements). */
static void
red_inner(RedCtx *c, char *out, Py_ssize_t so, char *in, Py_ssize_t si,
          const char *mask, Py_ssize_t sm, Py_ssize_t n, int first,
          Py_ssize_t chunk, int raw)
{
    ndm_cast_fn cast = raw ? c->cast : NULL;
    Py_ssize_t start = 0;
    if (first) {
        for (Py_ssize_t k = 0; k < (so != 0 ? n : 1) && !c->failed; k++) {
            if (cast == NULL) {
                memcpy(out + k * so, in + k * si, c->isz);
            }
            else if (cast(in + k * si, 0, out + k * so, 0, 1, c->from, c->to) < 0) {
                c->failed = 1;
            }
        }
        if (so != 0) {
            return;
        }
        start = 1;
    }
    if (chunk <= 0) {
        chunk = n;
    }
    if (cast != NULL && chunk > BUFSIZE) {
        chunk = BUFSIZE;
    }
    for (Py_ssize_t c0 = 0; c0 < n && !c->failed; c0 += chunk) {
        Py_ssize_t end = c0 + chunk < n ? c0 + chunk : n;
        Py_ssize_t lo = start > c0 ? start : c0;
        if (lo >= end) {
            continue;
        }
        char *src = in + lo * si;
        Py_ssize_t ss = si;
        if (cast != NULL) {
            if (cast(src, si, c->buf, c->isz, end - lo, c->from, c->to) < 0) {
                c->failed = 1;
                return;
            }
            src = c->buf;
            ss = c->isz;
        }
        call_runs(c, out + lo * so, so, src, ss,
                  mask != NULL ? mask + lo * sm : NULL, sm, end - lo);
    }
}

/* Copy elements [c0, c0 + m) of the core (dims [0, g) in iteration
 * order) into the buffers, cast to the loop dtype. */
static void
gather(RedCtx *c, RedIter *it, const char *pi, const char *pm,
       Py_ssize_t c0, Py_ssize_t m)
{
    Py_ssize_t idx[NDM_MAXDIMS], rest = c0;
    for (int d = 0; d < it->g; d++) {
        idx[d] = rest % it->shape[d];
        rest /= it->shape[d];
        pi += idx[d] * it->si[d];
        if (pm != NULL) {
            pm += idx[d] * it->sm[d];
        }
    }
    Py_ssize_t k = 0;
    while (k < m) {
        Py_ssize_t seg = it->shape[0] - idx[0];
        if (seg > m - k) {
            seg = m - k;
        }
        if (c->cast != NULL) {
            if (c->cast(pi, it->si[0], c->buf + k * c->isz, c->isz, seg,
                        c->from, c->to) < 0) {
                c->failed = 1;
                return;
            }
        }
        else {
            for (Py_ssize_t j = 0; j < seg; j++) {
                memcpy(c->buf + (k + j) * c->isz, pi + j * it->si[0], c->isz);
            }
        }
        if (pm != NULL) {
            for (Py_ssize_t j = 0; j < seg; j++) {
                c->mbuf[k + j] = pm[j * it->sm[0]];
            }
        }
        k += seg;
        pi += seg * it->si[0];
        if (pm != NULL) {
            pm += seg * it->sm[0];
        }
        idx[0] += seg;
        for (int d = 0; d + 1 < it->g && idx[d] == it->shape[d]; d++) {
            pi += it->si[d + 1] - it->si[d] * it->shape[d];
            if (pm != NULL) {
                pm += it->sm[d + 1] - it->sm[d] * it->shape[d];
            }
            idx[d] = 0;
            idx[d + 1]++;
        }
    }
}

static void
red_core(RedCtx *c, RedIter *it, char *po, char *pi, const char *pm, int first)
{
    if (it->g == 1) {
        red_inner(c, po, it->so[0], pi, it->si[0], pm, it->sm[0],
                  it->shape[0], first, it->chunk, 1);
        return;
    }
    Py_ssize_t n = 1;
    for (int d = 0; d < it->g; d++) {
        n *= it->shape[d];
    }
    Py_ssize_t chunk = it->chunk > 0 && it->chunk < BUFSIZE ? it->chunk : BUFSIZE;
    for (Py_ssize_t c0 = 0; c0 < n && !c->failed; c0 += chunk) {
        Py_ssize_t m = c0 + chunk < n ? chunk : n - c0;
        gather(c, it, pi, pm, c0, m);
        if (c->failed) {
            return;
        }
        red_inner(c, po + c0 * it->so[0], it->so[0], c->buf, c->isz,
                  pm != NULL ? c->mbuf : NULL, 1, m, first && c0 == 0, 0, 0);
    }
}

static void
red_run(RedIter *it, RedCtx *c)
{
    /* An outer axis of contiguous rows into a contiguous result. */
    if (it->nd == 2 && it->g == 1 && it->chunk == 0 && !it->red[0] && it->red[1]
            && it->mask == NULL && c->cast == NULL
            && it->so[0] == c->isz && it->si[0] == c->isz && it->so[1] == 0
            && ndm_reduce_rows(c->ufname, c->to->type_num, it->out, it->in,
                               it->shape[0], it->shape[1], it->si[1],
                               c->skip_first, c->may_thread)) {
        return;
    }
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    char *po = it->out, *pi = it->in;
    const char *pm = it->mask;
    int nd = it->nd;
    for (;;) {
        int first = c->skip_first;
        for (int d = it->g; first && d < nd; d++) {
            if (it->red[d] && idx[d] != 0) {
                first = 0;
            }
        }
        red_core(c, it, po, pi, pm, first);
        if (c->failed) {
            return;
        }
        int d = it->g;
        for (; d < nd; d++) {
            idx[d]++;
            po += it->so[d];
            pi += it->si[d];
            if (pm != NULL) {
                pm += it->sm[d];
            }
            if (idx[d] < it->shape[d]) {
                break;
            }
            po -= it->so[d] * it->shape[d];
            pi -= it->si[d] * it->shape[d];
            if (pm != NULL) {
                pm -= it->sm[d] * it->shape[d];
            }
            idx[d] = 0;
        }
        if (d >= nd) {
            return;
        }
    }
}

/* ----------------------------------------------------- shared set-up */

NdmArray *
ndm_reduce_as_array(PyObject *obj)
{
    if (NdmArray_Check(obj)) {
        Py_INCREF(obj);
        return (NdmArray *)obj;
    }
    return (NdmArray *)ndm_array_from_any(obj, NULL, -1, 'K', 0);
}

/* out= as given to a ufunc method: None, an array or a 1-tuple of one. */
static int
parse_out(PyObject *obj, NdmArray **out)
{
    *out = NULL;
    if (obj == NULL || obj == Py_None) {
        return 0;
    }
    if (PyTuple_Check(obj)) {
        if (PyTuple_GET_SIZE(obj) != 1) {
            PyErr_SetString(PyExc_ValueError,
                            "The 'out' tuple must have exactly one entry");
            return -1;
        }
        obj = PyTuple_GET_ITEM(obj, 0);
        if (obj == Py_None) {
            return 0;
        }
    }
    if (!NdmArray_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "return arrays must be of ArrayType");
        return -1;
    }
    if (ndm_array_fail_unless_writeable((NdmArray *)obj) < 0) {
        return -1;
    }
    *out = (NdmArray *)obj;
    return 0;
}

/* keepdims= as NumPy parses it: an integer (bool included), not None. */
static int
keepdims_converter(PyObject *obj, int *out)
{
    if (PyFloat_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "integer argument expected, got float");
        return 0;
    }
    PyObject *v = PyNumber_Index(obj);
    if (v == NULL) {
        return 0;
    }
    *out = PyObject_IsTrue(v);
    Py_DECREF(v);
    return *out < 0 ? 0 : 1;
}

static int
is_add_or_multiply(const NdmUfuncDef *def)
{
    return strcmp(def->name, "add") == 0 || strcmp(def->name, "multiply") == 0;
}

/* How the reduce calls of def over loop type ld may split (threads). */
static int
split_kind(const NdmUfuncDef *def, NdmDtype *ld)
{
    static const char *const exact[] = {"add", "multiply", "bitwise_and",
                                        "bitwise_or", "bitwise_xor", "logical_and",
                                        "logical_or", "maximum", "minimum", NULL};
    if (strcmp(def->name, "add") == 0 && (ld->type_num == NDM_FLOAT64
                                         || ld->type_num == NDM_FLOAT32)) {
        return NDM_SPLIT_PAIRWISE;
    }
    if (ld->kind != 'b' && ld->kind != 'i' && ld->kind != 'u') {
        return NDM_SPLIT_NONE;
    }
    for (int k = 0; exact[k] != NULL; k++) {
        if (strcmp(def->name, exact[k]) == 0) {
            return NDM_SPLIT_FREE;
        }
    }
    return NDM_SPLIT_NONE;
}

/* The loop a reduction runs, NumPy's rules: dtype= fixes it; else out=
 * takes part in the promotion; else the input's dtype, except that add
 * and multiply accumulate bools and small integers in the platform
 * integer.  The loop must have identical operand types. */
static const NdmLoopDef *
reduce_loop(const NdmUfuncDef *def, NdmDtype *in, NdmDtype *dtype,
            NdmArray *out, const char *method)
{
    int types[2];
    int t;
    if (dtype != NULL) {
        t = dtype->type_num;
    }
    else if (out != NULL && out->descr->type_num < NDM_NNUMERIC
             && in->type_num < NDM_NNUMERIC) {
        types[0] = out->descr->type_num;
        types[1] = in->type_num;
        const NdmLoopDef *l = ndm_ufunc_find_loop(def, types);
        if (l == NULL) {
            return NULL;
        }
        t = l->types[0];
    }
    else {
        t = in->type_num;
        if (is_add_or_multiply(def) && (t == NDM_BOOL
                || ((in->kind == 'i' || in->kind == 'u') && in->itemsize < 8))) {
            t = in->kind == 'u' ? NDM_UINT64 : NDM_INT64;
        }
    }
    if (t >= NDM_NNUMERIC) {
        PyErr_Format(PyExc_TypeError,
                     "the resolved dtypes are not compatible with %s.%s",
                     def->name, method);
        return NULL;
    }
    types[0] = types[1] = t;
    const NdmLoopDef *loop = ndm_ufunc_find_loop(def, types);
    if (loop == NULL) {
        return NULL;
    }
    if (loop->types[1] == loop->types[0] && loop->types[2] == loop->types[0]) {
        return loop;
    }
    /* NumPy's logical ufuncs reduce anything as booleans. */
    if (strncmp(def->name, "logical_", 8) == 0) {
        types[0] = types[1] = NDM_BOOL;
        loop = ndm_ufunc_find_loop(def, types);
        if (loop == NULL) {
            return NULL;
        }
        if (loop->types[1] == loop->types[0] && loop->types[2] == loop->types[0]) {
            return loop;
        }
    }
    PyErr_Format(PyExc_TypeError,
                 "No loop matching the specified signature and casting was "
                 "found for ufunc %s", def->name);
    return NULL;
}

/* The ufunc's identity as an element of ld in buf: 1, or 0 if it has none. */
static int
identity_bytes(const NdmUfuncDef *def, NdmDtype *ld, char *buf)
{
    switch (def->identity) {
    case NDM_IDENTITY_ZERO:
    case NDM_IDENTITY_FALSE:
        memset(buf, 0, ld->itemsize);
        return 1;
    case NDM_IDENTITY_ONE:
    case NDM_IDENTITY_TRUE:
        return ndm_dtype_setitem(ld, buf, Py_True) < 0 ? -1 : 1;
    case NDM_IDENTITY_MINUS_INF: {
        PyObject *v = PyFloat_FromDouble(-Py_HUGE_VAL);
        if (v == NULL) {
            return -1;
        }
        int rc = ndm_dtype_setitem(ld, buf, v);
        Py_DECREF(v);
        return rc < 0 ? -1 : 1;
    }
    case NDM_IDENTITY_MINUS_ONE:
        if (ld->kind == 'b') {
            return ndm_dtype_setitem(ld, buf, Py_True) < 0 ? -1 : 1;
        }
        memset(buf, 0xff, ld->itemsize);
        return 1;
    default:
        return 0;
    }
}

/* where= as a bool mask broadcast to arr's shape: *mask gets a new
 * reference (NULL for where=True) and sm its full-rank strides. */
static int
get_mask(PyObject *where, NdmArray *arr, NdmArray **mask, Py_ssize_t *sm)
{
    *mask = NULL;
    memset(sm, 0, NDM_MAXDIMS * sizeof(Py_ssize_t));
    if (where == NULL || where == Py_True) {
        return 0;
    }
    NdmArray *m;
    if (NdmArray_Check(where)) {
        m = ndm_reduce_as_array(where);
    }
    else {
        /* Python values are converted to bool (NumPy: [1, 0] is fine,
         * an int array is not). */
        NdmDtype *b = ndm_dtype_builtin(NDM_BOOL);
        if (b == NULL) {
            return -1;
        }
        m = (NdmArray *)ndm_array_from_any(where, b, -1, 'K', 0);
        Py_DECREF(b);
    }
    if (m == NULL) {
        return -1;
    }
    if (m->descr->type_num != NDM_BOOL) {
        NdmDtype *b = ndm_dtype_builtin(NDM_BOOL);
        if (b != NULL) {
            ndm_cast_error("array data", m->descr, b, NDM_SAFE_CASTING);
            Py_DECREF(b);
        }
        Py_DECREF(m);
        return -1;
    }
    int off = arr->nd - m->nd;
    int ok = off >= 0;
    for (int k = 0; ok && k < m->nd; k++) {
        if (m->shape[k] == arr->shape[off + k]) {
            sm[off + k] = m->strides[k];
        }
        else if (m->shape[k] != 1) {
            ok = 0;
        }
    }
    if (!ok) {
        char a[256], b[256];
        ndm_format_shape(a, sizeof(a), arr->shape, arr->nd);
        ndm_format_shape(b, sizeof(b), m->shape, m->nd);
        PyErr_Format(PyExc_ValueError,
                     "operands could not be broadcast together with shapes %s %s ",
                     a, b);
        Py_DECREF(m);
        return -1;
    }
    *mask = m;
    return 0;
}

static int
usable_in_place(NdmArray *a, NdmDtype *ld)
{
    return a->descr->type_num == ld->type_num && ndm_dtype_isnative(a->descr)
           && (a->flags & NDM_ALIGNED);
}

/* The result for an input of an ndarray subclass: its __array_wrap__
 * (arr, None, return_scalar) as NumPy's reductions call it, else a view
 * as the subclass (NumPy's ndarray.__array_wrap__ gives subclasses 0-d
 * arrays, not scalars). */
static PyObject *
wrap_subclass(PyObject *input, NdmArray *res, int scalar_ok)
{
    int scalar = scalar_ok && res->nd == 0;
    PyObject *wrap = PyObject_GetAttrString(input, "__array_wrap__");
    if (wrap == NULL) {
        PyErr_Clear();
        Py_INCREF(res->descr);
        return ndm_array_view(res, res->descr, res->nd, res->shape, res->strides,
                              res->data, Py_TYPE(input));
    }
    PyObject *r = PyObject_CallFunction(wrap, "OOO", (PyObject *)res, Py_None,
                                        scalar ? Py_True : Py_False);
    Py_DECREF(wrap);
    return r;
}

/* ------------------------------------------------------- ufunc.reduce */

PyObject *
ndm_ufunc_reduce(PyObject *ufunc, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"array", "axis", "dtype", "out", "keepdims",
                             "initial", "where", NULL};
    PyObject *array, *axis = NULL, *out_obj = NULL, *initial = NULL, *where = NULL;
    NdmDtype *dtype = NULL;
    int keepdims = 0;
    NdmArray *arr = NULL, *out = NULL, *acc = NULL, *mask = NULL;
    PyObject *result = NULL;
    NdmDtype *real = NULL;
    RedCtx ctx = {0};
    const NdmUfuncDef *def = ((NdmUfunc *)ufunc)->def;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO&OO&OO:reduce", kwlist,
                                     &array, &axis, ndm_dtype_converter_optional,
                                     &dtype, &out_obj, keepdims_converter, &keepdims,
                                     &initial, &where)) {
        return NULL;
    }
    if (def->nin != 2 || def->nout != 1) {
        PyErr_SetString(PyExc_ValueError, "reduce only supported for binary functions");
        goto fail;
    }
    if (parse_out(out_obj, &out) < 0 || (arr = ndm_reduce_as_array(array)) == NULL) {
        goto fail;
    }
    int nd = arr->nd;
    char red[NDM_MAXDIMS];
    PyObject *zero = NULL;
    if (axis == NULL) {
        zero = PyLong_FromLong(0);
        if (zero == NULL) {
            goto fail;
        }
    }
    int nred = ndm_reduce_parse_axes(axis != NULL ? axis : zero, nd, red);
    Py_XDECREF(zero);
    if (nred < 0) {
        goto fail;
    }
    if (nred > 1 && def->identity == NDM_IDENTITY_NONE) {
        PyErr_Format(PyExc_ValueError,
                     "reduction operation '%s' is not reorderable, so at most "
                     "one axis may be specified", def->name);
        goto fail;
    }
    const NdmLoopDef *loop = reduce_loop(def, arr->descr, dtype, out, "reduce");
    if (loop == NULL) {
        goto fail;
    }
    NdmDtype *ld = ndm_dtype_builtin(loop->types[0]);
    if (ld == NULL) {
        goto fail;
    }
    ctx.to = ld;

    /* The result's shape and where each input axis lands in it. */
    Py_ssize_t rshape[NDM_MAXDIMS];
    int rmap[NDM_MAXDIMS];
    int rnd = 0;
    for (int k = 0; k < nd; k++) {
        rmap[k] = -1;
        if (!red[k] || keepdims) {
            rmap[k] = rnd;
            rshape[rnd++] = red[k] ? 1 : arr->shape[k];
        }
    }
    if (out != NULL) {
        if (out->nd != rnd) {
            PyErr_Format(PyExc_ValueError,
                         "output parameter for reduction operation %s has the "
                         "wrong number of dimensions: Found %d but expected %d",
                         def->name, out->nd, rnd);
            goto fail;
        }
        for (int r = 0; r < rnd; r++) {
            if (out->shape[r] != rshape[r]) {
                char a[256], b[256];
                ndm_format_shape(a, sizeof(a), out->shape, out->nd);
                ndm_format_shape(b, sizeof(b), rshape, rnd);
                PyErr_Format(PyExc_ValueError,
                             "output parameter for reduction operation %s has "
                             "shape %s but expected %s", def->name, a, b);
                goto fail;
            }
        }
        if (ndm_overlap_may_share(out, arr)) {
            NdmArray *copy = (NdmArray *)ndm_array_copy(arr, 'K');
            if (copy == NULL) {
                goto fail;
            }
            Py_SETREF(arr, copy);
        }
    }

    Py_ssize_t strides[3][NDM_MAXDIMS];
    if (get_mask(where, arr, &mask, strides[2]) < 0) {
        goto fail;
    }
    char initbuf[32];
    int have_init;
    if (initial != NULL && initial != Py_None) {
        have_init = ndm_dtype_setitem(ld, initbuf, initial) < 0 ? -1 : 1;
    }
    else if (initial == Py_None) {
        have_init = 0;
    }
    else {
        have_init = identity_bytes(def, ld, initbuf);
    }
    if (have_init < 0) {
        goto fail;
    }
    if (!have_init) {
        if (mask != NULL) {
            PyErr_Format(PyExc_ValueError,
                         "reduction operation '%s' does not have an identity, "
                         "so to use a where mask one has to specify 'initial'",
                         def->name);
            goto fail;
        }
        for (int k = 0; k < nd; k++) {
            if (red[k] && arr->shape[k] == 0) {
                PyErr_Format(PyExc_ValueError,
                             "zero-size array to reduction operation %s which "
                             "has no identity", def->name);
                goto fail;
            }
        }
    }

    /* Accumulate straight into out= when it holds loop elements. */
    int direct = out != NULL && usable_in_place(out, ld);
    for (int k = 0; k < nd; k++) {
        strides[0][k] = (direct && !red[k]) ? out->strides[rmap[k]] : 0;
        strides[1][k] = arr->strides[k];
    }
    int perm[NDM_MAXDIMS];
    ndm_reduce_sort_axes(nd, arr->shape, 3, strides, perm);
    if (direct) {
        acc = out;
        Py_INCREF(acc);
    }
    else {
        int rperm[NDM_MAXDIMS], n = 0;
        for (int p = 0; p < nd; p++) {
            if (rmap[perm[p]] >= 0) {
                rperm[n++] = rmap[perm[p]];
            }
        }
        Py_INCREF(ld);
        acc = ndm_reduce_new_in_order(ld, rnd, rshape, rperm);
        if (acc == NULL) {
            goto fail;
        }
        for (int k = 0; k < nd; k++) {
            strides[0][k] = red[k] ? 0 : acc->strides[rmap[k]];
        }
    }
    if (have_init && ndm_array_fill_raw(acc, initbuf) < 0) {
        goto fail;
    }

    Py_ssize_t size = ndm_array_size(arr);
    if (size == 0 && arr->descr->kind == 'c' && ld->kind != 'c' && ld->kind != 'b'
            && !usable_in_place(arr, ld)) {
        /* NumPy warns when it sets up the cast, with or without elements */
        if (PyErr_WarnEx(ndm_complex_warning, "Casting complex values "
                         "to real discards the imaginary part", 1) < 0) {
            goto fail;
        }
    }
    if (size > 0 && ndm_array_size(acc) > 0) {
        RedIter it;
        ndm_reduce_iter_build(&it, nd, arr->shape, perm, red, strides);
        it.out = acc->data;
        it.in = arr->data;
        it.mask = mask != NULL ? mask->data : NULL;
        ctx.kernel = loop->kernel;
        ctx.isz = ld->itemsize;
        ctx.skip_first = !have_init;
        int gil_free = !(loop->flags & NDM_LOOP_NEEDS_GIL) && size >= NDM_REDUCE_GIL_THRESHOLD;
        int cast_in = !usable_in_place(arr, ld);
        if (cast_in) {
            ctx.from = arr->descr;
            if (arr->descr->kind == 'c' && ld->kind != 'c' && ld->kind != 'b'
                    && ndm_dtype_isnative(arr->descr)) {
                /* Warn once, as NumPy, not once per chunk: read the real
                 * parts (the first half of each element) as floats. */
                if (PyErr_WarnEx(ndm_complex_warning, "Casting complex values "
                                 "to real discards the imaginary part", 1) < 0) {
                    goto fail;
                }
                real = ndm_dtype_builtin(arr->descr->type_num == NDM_COMPLEX64
                                         ? NDM_FLOAT32 : NDM_FLOAT64);
                if (real == NULL) {
                    goto fail;
                }
                ctx.from = real;
            }
            ctx.cast = ndm_dtype_get_cast(ctx.from, ld);
            gil_free = gil_free && ndm_cast_is_gil_free(ctx.from, ld);
        }
        ctx.fast = ndm_reduce_minmax_fn(def->name, ld->type_num);
        ctx.may_thread = gil_free;
        ctx.split = split_kind(def, ld);
        ctx.ufname = def->name;
        plan_core(&it, cast_in, mask != NULL);
        if (cast_in || it.g > 1) {
            ctx.buf = PyMem_RawMalloc(BUFSIZE * ld->itemsize + BUFSIZE);
            if (ctx.buf == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            ctx.mbuf = ctx.buf + BUFSIZE * ld->itemsize;
        }
        ndm_ufunc_fpe_take();
        if (gil_free) {
            Py_BEGIN_ALLOW_THREADS
            red_run(&it, &ctx);
            Py_END_ALLOW_THREADS
        }
        else {
            red_run(&it, &ctx);
        }
        int fpe = ndm_ufunc_fpe_take();
        if (ctx.failed || PyErr_Occurred()) {
            goto fail;
        }
        if (fpe && ndm_ufunc_fpe_report(fpe, "reduce") < 0) {
            goto fail;
        }
    }

    if (out != NULL) {
        if (!direct && ndm_array_assign(out, acc, NDM_UNSAFE_CASTING) < 0) {
            goto fail;
        }
        Py_INCREF(out);
        result = (PyObject *)out;
    }
    else if (NdmArray_Check(array) && !NdmArray_CheckExact(array)) {
        result = wrap_subclass(array, acc, 1);
    }
    else if (acc->nd == 0) {
        result = ndm_array_getitem_ptr(acc, acc->data);
    }
    else {
        Py_INCREF(acc);
        result = (PyObject *)acc;
    }
fail:
    PyMem_RawFree(ctx.buf);
    Py_XDECREF(real);
    Py_XDECREF(ctx.to);
    Py_XDECREF(dtype);
    Py_XDECREF(arr);
    Py_XDECREF(acc);
    Py_XDECREF(mask);
    return result;
}

/* --------------------------------------------------- ufunc.accumulate */

/* Call kernel over every element of nd-dim operands (C order, inner axis
 * last): nop pointers advancing by strides[op][k]. */
static void
run_elementwise(int nd, const Py_ssize_t *shape, int nop,
                Py_ssize_t (*strides)[NDM_MAXDIMS], char **ptrs,
                ndm_kernel kernel, void *kctx)
{
    Py_ssize_t idx[NDM_MAXDIMS];
    char *p[3];
    Py_ssize_t steps[3] = {0, 0, 0};
    for (int d = 0; d < nd; d++) {
        idx[d] = 0;
    }
    Py_ssize_t n = 1;
    for (int op = 0; op < nop; op++) {
        p[op] = ptrs[op];
    }
    if (nd > 0) {
        n = shape[nd - 1];
        for (int op = 0; op < nop; op++) {
            steps[op] = strides[op][nd - 1];
        }
    }
    for (;;) {
        kernel(p, n, steps, kctx);
        int d = nd - 2;
        for (; d >= 0; d--) {
            idx[d]++;
            for (int op = 0; op < nop; op++) {
                p[op] += strides[op][d];
            }
            if (idx[d] < shape[d]) {
                break;
            }
            for (int op = 0; op < nop; op++) {
                p[op] -= strides[op][d] * shape[d];
            }
            idx[d] = 0;
        }
        if (d < 0) {
            return;
        }
    }
}

static int
accumulate_axis(PyObject *axis, int nd, int *ax)
{
    if (axis == NULL) {
        *ax = 0;
        return 0;
    }
    if (axis == Py_None || (PyTuple_Check(axis) && PyTuple_GET_SIZE(axis) != 1)) {
        if (axis == Py_None && nd == 1) {
            *ax = 0;
            return 0;
        }
        PyErr_SetString(PyExc_ValueError, "accumulate does not allow multiple axes");
        return -1;
    }
    char flags[NDM_MAXDIMS];
    if (ndm_reduce_parse_axes(axis, nd, flags) < 0) {
        return -1;
    }
    for (int k = 0; k < nd; k++) {
        if (flags[k]) {
            *ax = k;
        }
    }
    return 0;
}

PyObject *
ndm_ufunc_accumulate(PyObject *ufunc, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"array", "axis", "dtype", "out", NULL};
    PyObject *array, *axis = NULL, *out_obj = NULL;
    NdmDtype *dtype = NULL, *ld = NULL;
    NdmArray *arr = NULL, *out = NULL, *acc = NULL;
    PyObject *result = NULL;
    const NdmUfuncDef *def = ((NdmUfunc *)ufunc)->def;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO&O:accumulate", kwlist,
                                     &array, &axis, ndm_dtype_converter_optional,
                                     &dtype, &out_obj)) {
        return NULL;
    }
    if (def->nin != 2 || def->nout != 1) {
        PyErr_SetString(PyExc_ValueError,
                        "accumulate only supported for binary functions");
        goto fail;
    }
    if (parse_out(out_obj, &out) < 0 || (arr = ndm_reduce_as_array(array)) == NULL) {
        goto fail;
    }
    if (arr->nd == 0) {
        PyErr_SetString(PyExc_TypeError, "cannot accumulate on a scalar");
        goto fail;
    }
    int nd = arr->nd, ax = 0;
    if (accumulate_axis(axis, nd, &ax) < 0) {
        goto fail;
    }
    const NdmLoopDef *loop = reduce_loop(def, arr->descr, dtype, out, "accumulate");
    if (loop == NULL || (ld = ndm_dtype_builtin(loop->types[0])) == NULL) {
        goto fail;
    }
    if (out != NULL) {
        int same = out->nd == nd;
        for (int k = 0; same && k < nd; k++) {
            same = out->shape[k] == arr->shape[k];
        }
        if (!same) {
            char a[256], b[256];
            ndm_format_shape(a, sizeof(a), out->shape, out->nd);
            ndm_format_shape(b, sizeof(b), arr->shape, nd);
            PyErr_Format(PyExc_ValueError,
                         "output parameter for accumulate has shape %s but "
                         "expected %s", a, b);
            goto fail;
        }
    }
    /* Cast (or un-alias) the input up front: accumulate reads it once. */
    if (!usable_in_place(arr, ld) || (out != NULL && out != arr
                                      && ndm_overlap_may_share(out, arr))) {
        NdmArray *c = (NdmArray *)ndm_array_from_any((PyObject *)arr, ld, 1, 'K', 0);
        if (c == NULL) {
            goto fail;
        }
        Py_SETREF(arr, c);
    }
    int direct = out != NULL && usable_in_place(out, ld);
    if (direct) {
        acc = out;
        Py_INCREF(acc);
    }
    else {
        Py_ssize_t st[1][NDM_MAXDIMS];
        int perm[NDM_MAXDIMS];
        memcpy(st[0], arr->strides, nd * sizeof(Py_ssize_t));
        ndm_reduce_sort_axes(nd, arr->shape, 1, st, perm);
        Py_INCREF(ld);
        if ((acc = ndm_reduce_new_in_order(ld, nd, arr->shape, perm)) == NULL) {
            goto fail;
        }
    }
    Py_ssize_t n = arr->shape[ax];
    if (ndm_array_size(arr) > 0) {
        /* The other axes, elementwise; out[i] = out[i-1] op in[i] along ax. */
        Py_ssize_t shape[NDM_MAXDIMS], strides[3][NDM_MAXDIMS];
        int m = 0;
        for (int k = 0; k < nd; k++) {
            if (k != ax && arr->shape[k] != 1) {
                shape[m] = arr->shape[k];
                strides[0][m] = acc->strides[k];
                strides[1][m] = arr->strides[k];
                strides[2][m] = acc->strides[k];
                m++;
            }
        }
        Py_ssize_t sa = acc->strides[ax], si = arr->strides[ax];
        Py_ssize_t isz = ld->itemsize;
        int gil_free = !(loop->flags & NDM_LOOP_NEEDS_GIL)
                       && ndm_array_size(arr) >= NDM_REDUCE_GIL_THRESHOLD;
        Py_ssize_t cstr[2][NDM_MAXDIMS];
        memcpy(cstr[0], strides[0], m * sizeof(Py_ssize_t));
        memcpy(cstr[1], strides[1], m * sizeof(Py_ssize_t));
        char *cptr[2] = {acc->data, arr->data};
        ndm_ufunc_fpe_take();
        PyThreadState *ts = gil_free ? PyEval_SaveThread() : NULL;
        run_elementwise(m, shape, 2, cstr, cptr, ndm_copy_kernel(isz), &isz);
        if (m == 0 && n > 1) {
            /* NumPy's single call with out[i-1] feeding out[i]: kernels see
             * the overlap and run element by element (loops.h), and take
             * the same unfused paths NumPy's loops take there. */
            const Py_ssize_t steps[3] = {sa, si, sa};
            char *ptrs[3] = {acc->data, arr->data + si, acc->data + sa};
            loop->kernel(ptrs, n - 1, steps, NULL);
        }
        for (Py_ssize_t i = 1; m > 0 && i < n; i++) {
            char *ptrs[3] = {acc->data + (i - 1) * sa, arr->data + i * si,
                             acc->data + i * sa};
            run_elementwise(m, shape, 3, strides, ptrs, loop->kernel, NULL);
        }
        if (ts != NULL) {
            PyEval_RestoreThread(ts);
        }
        int fpe = ndm_ufunc_fpe_take();
        if (PyErr_Occurred()) {
            goto fail;
        }
        if (fpe && ndm_ufunc_fpe_report(fpe, "accumulate") < 0) {
            goto fail;
        }
    }
    if (out != NULL) {
        if (!direct && ndm_array_assign(out, acc, NDM_UNSAFE_CASTING) < 0) {
            goto fail;
        }
        Py_INCREF(out);
        result = (PyObject *)out;
    }
    else if (NdmArray_Check(array) && !NdmArray_CheckExact(array)) {
        result = wrap_subclass(array, acc, 0);
    }
    else {
        Py_INCREF(acc);
        result = (PyObject *)acc;
    }
fail:
    Py_XDECREF(ld);
    Py_XDECREF(dtype);
    Py_XDECREF(arr);
    Py_XDECREF(acc);
    return result;
}

/* ------------------------------------------------------------ methods */

/* The plain reductions go straight to ufunc.reduce (NumPy's methods are
 * ufunc.reduce with axis=None): the method's positional parameters
 * become keywords, in the method's own order. */
static PyObject *
method_reduce(const char *ufname, const char *const *names, int any_all,
              PyObject *self, PyObject *args, PyObject *kwds)
{
    PyObject *uf = ndm_ufunc_lookup(ufname);
    if (uf == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(args), nnames = 0;
    while (names[nnames] != NULL) {
        nnames++;
    }
    if (n > nnames) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd positional arguments "
                     "(%zd given)", ufname, nnames, n);
        return NULL;
    }
    PyObject *kw = kwds != NULL ? PyDict_Copy(kwds) : PyDict_New();
    PyObject *full = PyTuple_Pack(1, self);
    PyObject *r = NULL;
    if (kw == NULL || full == NULL) {
        goto done;
    }
    if (strcmp(names[1], "dtype") != 0 && PyDict_GetItemString(kw, "dtype") != NULL) {
        PyErr_SetString(PyExc_TypeError, "got an unexpected keyword argument 'dtype'");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyDict_GetItemString(kw, names[i]) != NULL) {
            PyErr_Format(PyExc_TypeError, "argument for %s() given by name ('%s') "
                         "and position (%zd)", ufname, names[i], i + 1);
            goto done;
        }
        if (PyDict_SetItemString(kw, names[i], PyTuple_GET_ITEM(args, i)) < 0) {
            goto done;
        }
    }
    if (PyDict_GetItemString(kw, "axis") == NULL
            && PyDict_SetItemString(kw, "axis", Py_None) < 0) {
        goto done;
    }
    PyObject *dt = PyDict_GetItemString(kw, "dtype");
    if (any_all && (dt == NULL || dt == Py_None)) {
        NdmDtype *b = ndm_dtype_builtin(NDM_BOOL);
        if (b == NULL) {
            goto done;
        }
        int rc = PyDict_SetItemString(kw, "dtype", (PyObject *)b);
        Py_DECREF(b);
        if (rc < 0) {
            goto done;
        }
    }
    r = ndm_ufunc_reduce(uf, full, kw);
done:
    Py_XDECREF(kw);
    Py_XDECREF(full);
    return r;
}

static const char *const names_sum[] = {"axis", "dtype", "out", "keepdims",
                                        "initial", "where", NULL};
static const char *const names_max[] = {"axis", "out", "keepdims", "initial",
                                        "where", NULL};
static const char *const names_any[] = {"axis", "dtype", "out", "keepdims", NULL};

#define DIRECT(name, ufname, names, any_all)                                \
static PyObject *                                                           \
m_##name(PyObject *self, PyObject *args, PyObject *kwds)                    \
{                                                                           \
    return method_reduce(ufname, names, any_all, self, args, kwds);         \
}
DIRECT(sum, "add", names_sum, 0)
DIRECT(prod, "multiply", names_sum, 0)
DIRECT(min, "minimum", names_max, 0)
DIRECT(max, "maximum", names_max, 0)
DIRECT(any, "logical_or", names_any, 1)
DIRECT(all, "logical_and", names_any, 1)

/* cumsum/cumprod: ufunc.accumulate over axis, or over the C-order
 * flattening when axis is None (a 0-d array counts as 1-d). */
static PyObject *
method_accumulate(const char *ufname, PyObject *self, PyObject *args,
                  PyObject *kwds)
{
    static char *kwlist[] = {"axis", "dtype", "out", NULL};
    PyObject *axis = Py_None, *dtype = Py_None, *out = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OOO", kwlist, &axis, &dtype, &out)) {
        return NULL;
    }
    PyObject *uf = ndm_ufunc_lookup(ufname);
    if (uf == NULL) {
        return NULL;
    }
    NdmArray *a = (NdmArray *)self;
    PyObject *arr, *ax = NULL, *r = NULL;
    if (axis == Py_None || a->nd == 0) {
        NdmArray *src = a;
        if (a->flags & NDM_C_CONTIGUOUS) {
            Py_INCREF(src);
        }
        else if ((src = (NdmArray *)ndm_array_copy(a, 'C')) == NULL) {
            return NULL;
        }
        Py_ssize_t n = ndm_array_size(src), st = src->descr->itemsize;
        Py_INCREF(src->descr);
        arr = ndm_array_view(src, src->descr, 1, &n, &st, src->data, Py_TYPE(self));
        Py_DECREF(src);
        if (arr == NULL) {
            return NULL;
        }
        if (axis == Py_None && (ax = PyLong_FromLong(0)) == NULL) {
            Py_DECREF(arr);
            return NULL;
        }
    }
    else {
        arr = self;
        Py_INCREF(arr);
    }
    PyObject *full = PyTuple_Pack(4, arr, ax != NULL ? ax : axis, dtype, out);
    if (full != NULL) {
        r = ndm_ufunc_accumulate(uf, full, NULL);
        Py_DECREF(full);
    }
    Py_DECREF(arr);
    Py_XDECREF(ax);
    return r;
}

static PyObject *
m_cumsum(PyObject *self, PyObject *args, PyObject *kwds)
{
    return method_accumulate("add", self, args, kwds);
}

static PyObject *
m_cumprod(PyObject *self, PyObject *args, PyObject *kwds)
{
    return method_accumulate("multiply", self, args, kwds);
}

#define FORWARD(name)                                                       \
static PyObject *                                                           \
m_##name(PyObject *self, PyObject *args, PyObject *kwds)                    \
{                                                                           \
    return ndm_array_call_python("ndmem._reduce", #name, self, args, kwds); \
}
FORWARD(mean)
FORWARD(std)
FORWARD(var)

#define FORWARD_ARGEXT(name, want_max)                                      \
static PyObject *                                                           \
m_##name(PyObject *self, PyObject *args, PyObject *kwds)                    \
{                                                                           \
    PyObject *r = ndm_reduce_argext_method(self, args, kwds, want_max);     \
    if (r != NULL || PyErr_Occurred()) {                                    \
        return r;                                                           \
    }                                                                       \
    return ndm_array_call_python("ndmem._reduce", #name, self, args, kwds); \
}
FORWARD_ARGEXT(argmin, 0)
FORWARD_ARGEXT(argmax, 1)

#define METHOD(name, doc)                                                   \
    {#name, (PyCFunction)(void (*)(void))m_##name,                          \
     METH_VARARGS | METH_KEYWORDS, doc}
static PyMethodDef reduce_methods[] = {
    METHOD(sum, "Sum of the elements over the given axis (see ndmem.sum)."),
    METHOD(prod, "Product of the elements over the given axis (see ndmem.prod)."),
    METHOD(mean, "Mean of the elements over the given axis (see ndmem.mean)."),
    METHOD(std, "Standard deviation over the given axis (see ndmem.std)."),
    METHOD(var, "Variance over the given axis (see ndmem.var)."),
    METHOD(min, "Minimum over the given axis (see ndmem.min)."),
    METHOD(max, "Maximum over the given axis (see ndmem.max)."),
    METHOD(argmin, "Indices of the minimum values (see ndmem.argmin)."),
    METHOD(argmax, "Indices of the maximum values (see ndmem.argmax)."),
    METHOD(any, "True if any element is true (see ndmem.any)."),
    METHOD(all, "True if all elements are true (see ndmem.all)."),
    METHOD(cumsum, "Cumulative sum over the given axis (see ndmem.cumsum)."),
    METHOD(cumprod, "Cumulative product over the given axis (see ndmem.cumprod)."),
    {NULL, NULL, 0, NULL},
};

int
ndm_reduce_init(PyObject *module)
{
    ndm_reduce_minmax_init();
    if (ndm_reduce_stats_init(module) < 0) {
        return -1;
    }
    return ndm_array_add_methods(reduce_methods);
}
