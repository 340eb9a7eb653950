/* The engine of ndmem.random: the bit generator object (_BitGen) whose
 * methods fill ndmem arrays directly, with the GIL released for large
 * sizes.  The draws themselves (random_draws.h) follow NumPy's algorithms
 * draw for draw, so a generator seeded like NumPy's yields NumPy's stream
 * bit for bit: PCG64 for Generator, MT19937 with the legacy polar normal
 * for RandomState.
 *
 * The Python layer (python/ndmem/random/) owns seeding policy, argument
 * checks and broadcasting; this file owns the state and the fill loops. */
#include "iter.h"
#include "pythread.h"
#include "random_draws.h"

/* Above this many draws the loop runs without the GIL. */
#define NOGIL_MIN 4096

typedef struct {
    PyObject_HEAD
    Hot h;
    uint32_t key[MT_N];
    PyThread_type_lock lock;    /* state is mutated with the GIL released */
} BitGen;

static PyTypeObject *bitgen_type;

/* ------------------------------------------------------------------ */
/* Python glue                                                         */

static void
lock_gen(BitGen *g)
{
    if (!PyThread_acquire_lock(g->lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(g->lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
}

static void
unlock_gen(BitGen *g)
{
    PyThread_release_lock(g->lock);
}

/* size: None (-> 1, returns 1), an int, or a sequence of ints.  Returns 0
 * for a shape, 1 for None, -1 with an exception. */
static int
parse_size(PyObject *size, int *nd, Py_ssize_t *shape)
{
    if (size == Py_None) {
        *nd = 0;
        return 1;
    }
    if (!PyIndex_Check(size) && !PySequence_Check(size)) {
        PyErr_Format(PyExc_TypeError, "expected a sequence of integers or a single "
                     "integer, got '%R'", size);
        return -1;
    }
    return ndm_shape_from_object(size, "size must be a sequence of integers", shape, nd);
}

static NdmArray *
new_output(int type_num, int nd, const Py_ssize_t *shape)
{
    NdmDtype *d = ndm_dtype_builtin(type_num);
    if (d == NULL) {
        return NULL;
    }
    return (NdmArray *)ndm_array_new(ndm_state.ndarray_type, d, nd, shape, NULL, NULL, 0, NULL);
}

enum {
    D_RANDOM = 0,       /* [0, 1) */
    D_STD_NORMAL,       /* ziggurat */
    D_STD_EXP,          /* ziggurat */
    D_NORMAL,           /* p1 + p2 * ziggurat normal */
    D_GAUSS,            /* p1 + p2 * polar normal (RandomState) */
    D_UNIFORM,          /* p1 + p2 * U */
    D_EXPONENTIAL,      /* p1 * standard exponential */
    D_STD_EXP_INV,      /* -log(1 - U) (Generator, method='inv') */
    D_LEGACY_EXP,       /* p1 * -log(1 - U) (RandomState) */
    D_COUNT
};

/* A distribution parameter: a float, or a contiguous float64 array with
 * one value per output element (the Python layer broadcasts). */
typedef struct {
    double value;
    const double *values;
} Param;

static int
get_param(PyObject *obj, Py_ssize_t n, Param *p, int *is_array)
{
    p->values = NULL;
    p->value = 0.0;
    if (obj == NULL || obj == Py_None) {
        return 0;
    }
    if (NdmArray_Check(obj)) {
        NdmArray *a = (NdmArray *)obj;
        if (a->descr->type_num != NDM_FLOAT64 || !ndm_dtype_isnative(a->descr)
                || !(a->flags & NDM_C_CONTIGUOUS) || ndm_array_size(a) != n) {
            PyErr_SetString(PyExc_ValueError,
                            "internal: parameter arrays must be contiguous float64 of the output size");
            return -1;
        }
        p->values = (const double *)a->data;
        *is_array = 1;
        return 0;
    }
    p->value = PyFloat_AsDouble(obj);
    if (p->value == -1.0 && PyErr_Occurred()) {
        return -1;
    }
    return 0;
}

#define PARAM(p, i) ((p).values ? (p).values[i] : (p).value)

static void
fill_double(BitGen *self, int dist, double *out, Py_ssize_t n, Param p1, Param p2)
{
    Hot local = self->h, *g = &local;
    Py_ssize_t i;
    switch (dist) {
    case D_RANDOM:
        for (i = 0; i < n; i++) {
            out[i] = next_double(g);
        }
        break;
    case D_STD_NORMAL:
        for (i = 0; i < n; i++) {
            out[i] = standard_normal(g);
        }
        break;
    case D_STD_EXP:
        for (i = 0; i < n; i++) {
            out[i] = standard_exponential(g);
        }
        break;
    case D_NORMAL:
        for (i = 0; i < n; i++) {
            out[i] = PARAM(p1, i) + PARAM(p2, i) * standard_normal(g);
        }
        break;
    case D_GAUSS:
        for (i = 0; i < n; i++) {
            out[i] = PARAM(p1, i) + PARAM(p2, i) * legacy_gauss(g);
        }
        break;
    case D_UNIFORM:
        for (i = 0; i < n; i++) {
            out[i] = PARAM(p1, i) + PARAM(p2, i) * next_double(g);
        }
        break;
    case D_EXPONENTIAL:
        for (i = 0; i < n; i++) {
            out[i] = PARAM(p1, i) * standard_exponential(g);
        }
        break;
    case D_STD_EXP_INV:
        for (i = 0; i < n; i++) {
            out[i] = -log1p(-next_double(g));
        }
        break;
    case D_LEGACY_EXP:
        for (i = 0; i < n; i++) {
            out[i] = PARAM(p1, i) * -log(1.0 - next_double(g));
        }
        break;
    }
    self->h = local;
}

static void
fill_float(BitGen *self, int dist, float *out, Py_ssize_t n)
{
    Hot local = self->h, *g = &local;
    Py_ssize_t i;
    switch (dist) {
    case D_RANDOM:
        for (i = 0; i < n; i++) {
            out[i] = next_float(g);
        }
        break;
    case D_STD_NORMAL:
        for (i = 0; i < n; i++) {
            out[i] = standard_normal_f(g);
        }
        break;
    case D_STD_EXP:
        for (i = 0; i < n; i++) {
            out[i] = standard_exponential_f(g);
        }
        break;
    case D_STD_EXP_INV:
        for (i = 0; i < n; i++) {
            /* in double, as NumPy's random_standard_exponential_inv_fill_f */
            out[i] = (float)-log1p(-(double)next_float(g));
        }
        break;
    }
    self->h = local;
}

/* fill(dist, size, single=False, p1=None, p2=None, out=None): an array of
 * the size's shape (out itself when given), or a Python float for size
 * None. */
static PyObject *
bitgen_fill(BitGen *self, PyObject *args)
{
    int dist, single = 0, nd, arrays = 0;
    PyObject *size, *p1obj = NULL, *p2obj = NULL, *outobj = Py_None;
    Py_ssize_t shape[NDM_MAXDIMS];
    Param p1, p2;
    if (!PyArg_ParseTuple(args, "iO|pOOO", &dist, &size, &single, &p1obj, &p2obj, &outobj)) {
        return NULL;
    }
    if (dist < 0 || dist >= D_COUNT
            || (single && dist != D_RANDOM && dist != D_STD_NORMAL && dist != D_STD_EXP
                && dist != D_STD_EXP_INV)) {
        PyErr_SetString(PyExc_ValueError, "internal: unknown distribution");
        return NULL;
    }
    int scalar = parse_size(size, &nd, shape);
    if (scalar < 0) {
        return NULL;
    }
    /* an overflowing count is left for new_output to reject (-1 matches no
     * parameter array) */
    Py_ssize_t n = 1;
    for (int i = 0; i < nd; i++) {
        if (__builtin_mul_overflow(n, shape[i], &n)) {
            n = -1;
            break;
        }
    }
    if (get_param(p1obj, n, &p1, &arrays) < 0 || get_param(p2obj, n, &p2, &arrays) < 0) {
        return NULL;
    }
    if (scalar) {
        if (arrays) {
            PyErr_SetString(PyExc_ValueError, "internal: parameter arrays need a size");
            return NULL;
        }
        double v;
        lock_gen(self);
        if (single) {
            float f;
            fill_float(self, dist, &f, 1);
            v = f;
        }
        else {
            fill_double(self, dist, &v, 1, p1, p2);
        }
        unlock_gen(self);
        return PyFloat_FromDouble(v);
    }
    NdmArray *out;
    if (outobj != Py_None) {
        /* fill a caller's array in memory order (C or Fortran contiguous) */
        out = (NdmArray *)outobj;
        if (!NdmArray_Check(outobj) || !ndm_array_is_writeable(out)
                || !(out->flags & (NDM_C_CONTIGUOUS | NDM_F_CONTIGUOUS))
                || out->descr->type_num != (single ? NDM_FLOAT32 : NDM_FLOAT64)
                || !ndm_dtype_isnative(out->descr) || ndm_array_size(out) != n) {
            PyErr_SetString(PyExc_ValueError, "internal: unusable out array");
            return NULL;
        }
        Py_INCREF(out);
    }
    else {
        out = new_output(single ? NDM_FLOAT32 : NDM_FLOAT64, nd, shape);
        if (out == NULL) {
            return NULL;
        }
    }
    lock_gen(self);
    if (n >= NOGIL_MIN) {
        Py_BEGIN_ALLOW_THREADS
        if (single) {
            fill_float(self, dist, (float *)out->data, n);
        }
        else {
            fill_double(self, dist, (double *)out->data, n, p1, p2);
        }
        Py_END_ALLOW_THREADS
    }
    else if (single) {
        fill_float(self, dist, (float *)out->data, n);
    }
    else {
        fill_double(self, dist, (double *)out->data, n, p1, p2);
    }
    unlock_gen(self);
    return (PyObject *)out;
}

static void
fill_integers(BitGen *self, int type_num, uint64_t off, uint64_t rng, int masked,
              char *data, Py_ssize_t n)
{
    Hot local = self->h, *g = &local;
    switch (type_num) {
    case NDM_BOOL:
        fill_bool(g, (uint8_t)off, (uint8_t)rng, (uint8_t *)data, n);
        break;
    case NDM_INT8:
    case NDM_UINT8:
        fill_u8(g, (uint8_t)off, (uint8_t)rng, masked, (uint8_t *)data, n);
        break;
    case NDM_INT16:
    case NDM_UINT16:
        fill_u16(g, (uint16_t)off, (uint16_t)rng, masked, (uint16_t *)data, n);
        break;
    case NDM_INT32:
    case NDM_UINT32:
        fill_u32(g, (uint32_t)off, (uint32_t)rng, masked, (uint32_t *)data, n);
        break;
    default:
        fill_u64(g, off, rng, masked, (uint64_t *)data, n);
        break;
    }
    self->h = local;
}

static int
is_integer_type(int t)
{
    return t == NDM_BOOL || (t >= NDM_INT8 && t <= NDM_UINT64);
}

/* integers(size, off, rng, dtype, masked): values off + [0, rng] as
 * the native integer dtype; off and rng are the low bound and the range as
 * uint64 bit patterns (the Python layer checks the bounds).  size None
 * gives an ndmem scalar. */
static PyObject *
bitgen_integers(BitGen *self, PyObject *args)
{
    PyObject *size, *offobj, *rngobj, *dtobj;
    int masked, nd;
    Py_ssize_t shape[NDM_MAXDIMS];
    if (!PyArg_ParseTuple(args, "OOOO!p", &size, &offobj, &rngobj, ndm_state.dtype_type,
                          &dtobj, &masked)) {
        return NULL;
    }
    int type_num = ((NdmDtype *)dtobj)->type_num;
    if (!is_integer_type(type_num) || !ndm_dtype_isnative((NdmDtype *)dtobj)) {
        PyErr_SetString(PyExc_ValueError, "internal: not an integer type");
        return NULL;
    }
    uint64_t off = PyLong_AsUnsignedLongLongMask(offobj);
    if (off == (uint64_t)-1 && PyErr_Occurred()) {
        return NULL;
    }
    uint64_t rng = PyLong_AsUnsignedLongLongMask(rngobj);
    if (rng == (uint64_t)-1 && PyErr_Occurred()) {
        return NULL;
    }
    int scalar = parse_size(size, &nd, shape);
    if (scalar < 0) {
        return NULL;
    }
    NdmArray *out = new_output(type_num, nd, shape);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t n = ndm_array_size(out);
    lock_gen(self);
    if (n >= NOGIL_MIN) {
        Py_BEGIN_ALLOW_THREADS
        fill_integers(self, type_num, off, rng, masked, out->data, n);
        Py_END_ALLOW_THREADS
    }
    else {
        fill_integers(self, type_num, off, rng, masked, out->data, n);
    }
    unlock_gen(self);
    if (scalar) {
        PyObject *s = ndm_array_getitem_ptr(out, out->data);
        Py_DECREF(out);
        return s;
    }
    return (PyObject *)out;
}

static int
check_u64_array(PyObject *obj, Py_ssize_t n)
{
    if (!NdmArray_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "internal: expected an ndarray");
        return -1;
    }
    NdmArray *a = (NdmArray *)obj;
    if (a->descr->type_num != NDM_UINT64 || !ndm_dtype_isnative(a->descr)
            || !(a->flags & NDM_C_CONTIGUOUS) || (n >= 0 && ndm_array_size(a) != n)) {
        PyErr_SetString(PyExc_ValueError, "internal: expected contiguous uint64 arrays");
        return -1;
    }
    return 0;
}

/* integers_each(off, rng, dtype, masked): like integers() with one bound
 * pair per element (contiguous uint64 arrays of the output's shape). */
static PyObject *
bitgen_integers_each(BitGen *self, PyObject *args)
{
    PyObject *offobj, *rngobj, *dtobj;
    int masked;
    if (!PyArg_ParseTuple(args, "OOO!p", &offobj, &rngobj, ndm_state.dtype_type, &dtobj,
                          &masked)) {
        return NULL;
    }
    int type_num = ((NdmDtype *)dtobj)->type_num;
    if (!is_integer_type(type_num) || !ndm_dtype_isnative((NdmDtype *)dtobj)) {
        PyErr_SetString(PyExc_ValueError, "internal: not an integer type");
        return NULL;
    }
    if (check_u64_array(offobj, -1) < 0
            || check_u64_array(rngobj, ndm_array_size((NdmArray *)offobj)) < 0) {
        return NULL;
    }
    NdmArray *off = (NdmArray *)offobj, *rng = (NdmArray *)rngobj;
    NdmArray *out = new_output(type_num, off->nd, off->shape);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t n = ndm_array_size(out);
    lock_gen(self);
    Py_BEGIN_ALLOW_THREADS
    fill_integers_each(&self->h, type_num, (const uint64_t *)off->data,
                       (const uint64_t *)rng->data, masked, out->data, n);
    Py_END_ALLOW_THREADS
    unlock_gen(self);
    return (PyObject *)out;
}

static int
check_f64_array(PyObject *obj)
{
    if (!NdmArray_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "internal: expected an ndarray");
        return -1;
    }
    NdmArray *a = (NdmArray *)obj;
    if (a->descr->type_num != NDM_FLOAT64 || !ndm_dtype_isnative(a->descr)
            || !(a->flags & NDM_C_CONTIGUOUS)) {
        PyErr_SetString(PyExc_ValueError, "internal: expected contiguous float64 arrays");
        return -1;
    }
    return 0;
}

/* search_cdf(p, u): for each uniform draw u, the index NumPy's choice gives
 * it: cdf = cumsum(p) / sum, then searchsorted(cdf, u, side='right'). */
static PyObject *
bitgen_search_cdf(BitGen *Py_UNUSED(self), PyObject *args)
{
    PyObject *pobj, *uobj;
    if (!PyArg_ParseTuple(args, "OO", &pobj, &uobj)
            || check_f64_array(pobj) < 0 || check_f64_array(uobj) < 0) {
        return NULL;
    }
    NdmArray *pa = (NdmArray *)pobj, *ua = (NdmArray *)uobj;
    Py_ssize_t k = ndm_array_size(pa), n = ndm_array_size(ua);
    if (k == 0) {
        PyErr_SetString(PyExc_ValueError, "internal: empty probabilities");
        return NULL;
    }
    double *cdf = PyMem_Malloc((size_t)k * sizeof(double));
    if (cdf == NULL) {
        return PyErr_NoMemory();
    }
    NdmArray *out = new_output(NDM_INT64, ua->nd, ua->shape);
    if (out == NULL) {
        PyMem_Free(cdf);
        return NULL;
    }
    const double *p = (const double *)pa->data, *u = (const double *)ua->data;
    int64_t *idx = (int64_t *)out->data;
    Py_BEGIN_ALLOW_THREADS
    double acc = 0.0;
    for (Py_ssize_t j = 0; j < k; j++) {
        acc += p[j];
        cdf[j] = acc;
    }
    for (Py_ssize_t j = 0; j < k; j++) {
        cdf[j] /= acc;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t lo = 0, hi = k;
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (cdf[mid] <= u[i]) {
                lo = mid + 1;
            }
            else {
                hi = mid;
            }
        }
        idx[i] = lo;
    }
    Py_END_ALLOW_THREADS
    PyMem_Free(cdf);
    return (PyObject *)out;
}

/* Swap sub-arrays i and j along axis 0 of a, element by element. */
static void
swap_rows(NdmArray *a, Py_ssize_t i, Py_ssize_t j)
{
    Py_ssize_t isz = a->descr->itemsize;
    char *pi = a->data + i * a->strides[0], *pj = a->data + j * a->strides[0];
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    int inner = a->nd - 1;
    if (inner == 0) {
        char tmp[64];
        for (Py_ssize_t off = 0; off < isz; off += (Py_ssize_t)sizeof(tmp)) {
            size_t chunk = (size_t)(isz - off < (Py_ssize_t)sizeof(tmp) ? isz - off : (Py_ssize_t)sizeof(tmp));
            memcpy(tmp, pi + off, chunk);
            memcpy(pi + off, pj + off, chunk);
            memcpy(pj + off, tmp, chunk);
        }
        return;
    }
    for (;;) {
        Py_ssize_t delta = 0;
        for (int d = 0; d < inner; d++) {
            delta += idx[d] * a->strides[d + 1];
        }
        for (Py_ssize_t b = 0; b < isz; b++) {
            char t = pi[delta + b];
            pi[delta + b] = pj[delta + b];
            pj[delta + b] = t;
        }
        int d = inner - 1;
        while (d >= 0 && ++idx[d] == a->shape[d + 1]) {
            idx[d] = 0;
            d--;
        }
        if (d < 0) {
            return;
        }
    }
}

static void
shuffle_rows(Hot *g, NdmArray *a)
{
    for (Py_ssize_t i = a->shape[0] - 1; i > 0; i--) {
        Py_ssize_t j = (Py_ssize_t)random_interval(g, (uint64_t)i);
        if (i != j) {
            swap_rows(a, i, j);
        }
    }
}

/* shuffle(a): Fisher-Yates along axis 0, in place, any strides. */
static PyObject *
bitgen_shuffle(BitGen *self, PyObject *arg)
{
    if (!NdmArray_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "internal: shuffle takes an ndarray");
        return NULL;
    }
    NdmArray *a = (NdmArray *)arg;
    if (a->nd == 0) {
        PyErr_SetString(PyExc_TypeError, "len() of unsized object");
        return NULL;
    }
    if (ndm_array_size(a) == 0) {
        Py_RETURN_NONE;
    }
    if (!ndm_array_is_writeable(a)) {
        PyErr_SetString(PyExc_ValueError, "array is read-only");
        return NULL;
    }
    lock_gen(self);
    if (ndm_array_size(a) >= NOGIL_MIN) {
        Py_BEGIN_ALLOW_THREADS
        shuffle_rows(&self->h, a);
        Py_END_ALLOW_THREADS
    }
    else {
        shuffle_rows(&self->h, a);
    }
    unlock_gen(self);
    Py_RETURN_NONE;
}

/* intervals(n): the j of each Fisher-Yates step i = n-1 .. 1, for
 * shuffling Python sequences with the same stream as arrays. */
static PyObject *
bitgen_intervals(BitGen *self, PyObject *arg)
{
    Py_ssize_t n = PyNumber_AsSsize_t(arg, PyExc_OverflowError);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_ssize_t count = n > 1 ? n - 1 : 0;
    uint64_t *js = PyMem_Malloc((size_t)(count > 0 ? count : 1) * sizeof(uint64_t));
    if (js == NULL) {
        return PyErr_NoMemory();
    }
    /* draw under the lock, build Python objects after it (no Python code
     * may run while the lock is held) */
    lock_gen(self);
    for (Py_ssize_t i = n - 1; i > 0; i--) {
        js[n - 1 - i] = random_interval(&self->h, (uint64_t)i);
    }
    unlock_gen(self);
    PyObject *list = PyList_New(count);
    for (Py_ssize_t k = 0; list != NULL && k < count; k++) {
        PyObject *v = PyLong_FromUnsignedLongLong(js[k]);
        if (v == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, k, v);
    }
    PyMem_Free(js);
    return list;
}

static void
shuffle_int(Hot *g, Py_ssize_t n, Py_ssize_t first, int64_t *data)
{
    for (Py_ssize_t i = n - 1; i >= first; i--) {
        Py_ssize_t j = (Py_ssize_t)bounded64(g, (uint64_t)i, 0);
        int64_t t = data[j];
        data[j] = data[i];
        data[i] = t;
    }
}

/* Floyd's sampling with an open-addressing set (NumPy's choice). */
static void
floyd(Hot *g, int64_t pop, int64_t size, int64_t *out, uint64_t *set, uint64_t mask)
{
    for (int64_t j = pop - size; j < pop; j++) {
        uint64_t val = bounded64(g, (uint64_t)j, 0);
        uint64_t loc = val & mask;
        while (set[loc] != UINT64_MAX && set[loc] != val) {
            loc = (loc + 1) & mask;
        }
        if (set[loc] == UINT64_MAX) {
            set[loc] = val;
            out[j - pop + size] = (int64_t)val;
        }
        else {
            loc = (uint64_t)j & mask;
            while (set[loc] != UINT64_MAX) {
                loc = (loc + 1) & mask;
            }
            set[loc] = (uint64_t)j;
            out[j - pop + size] = j;
        }
    }
}

/* choice_noreplace(pop, size, shuffle): size distinct int64 indices from
 * range(pop), as Generator.choice(replace=False) without p draws them. */
static PyObject *
bitgen_choice_noreplace(BitGen *self, PyObject *args)
{
    Py_ssize_t pop, size;
    int shuffle;
    if (!PyArg_ParseTuple(args, "nnp", &pop, &size, &shuffle)) {
        return NULL;
    }
    if (size < 0 || size > pop) {
        PyErr_SetString(PyExc_ValueError, "internal: bad sample size");
        return NULL;
    }
    Py_ssize_t cutoff = shuffle ? 50 : 20;
    if (pop > 10000 && size > pop / cutoff) {
        NdmArray *idx = new_output(NDM_INT64, 1, &pop);
        if (idx == NULL) {
            return NULL;
        }
        int64_t *d = (int64_t *)idx->data;
        lock_gen(self);
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < pop; i++) {
            d[i] = i;
        }
        shuffle_int(&self->h, pop, pop - size > 1 ? pop - size : 1, d);
        Py_END_ALLOW_THREADS
        unlock_gen(self);
        /* a fresh copy lets the full-size index array go */
        NdmArray *out = new_output(NDM_INT64, 1, &size);
        if (out != NULL) {
            memcpy(out->data, d + (pop - size), (size_t)size * sizeof(int64_t));
        }
        Py_DECREF(idx);
        return (PyObject *)out;
    }
    NdmArray *out = new_output(NDM_INT64, 1, &size);
    if (out == NULL) {
        return NULL;
    }
    uint64_t mask = gen_mask((uint64_t)(1.2 * (double)size));
    uint64_t *set = PyMem_Malloc((size_t)(mask + 1) * sizeof(uint64_t));
    if (set == NULL) {
        Py_DECREF(out);
        return PyErr_NoMemory();
    }
    memset(set, 0xff, (size_t)(mask + 1) * sizeof(uint64_t));
    lock_gen(self);
    floyd(&self->h, pop, size, (int64_t *)out->data, set, mask);
    if (shuffle) {
        shuffle_int(&self->h, size, 1, (int64_t *)out->data);
    }
    unlock_gen(self);
    PyMem_Free(set);
    return (PyObject *)out;
}

/* seed_pcg64(s0, s1, s2, s3): NumPy's pcg64_set_seed with the four uint64
 * words SeedSequence.generate_state(4, uint64) gives. */
static PyObject *
bitgen_seed_pcg64(BitGen *self, PyObject *args)
{
    unsigned long long w[4];
    if (!PyArg_ParseTuple(args, "KKKK", &w[0], &w[1], &w[2], &w[3])) {
        return NULL;
    }
    u128 initstate = ((u128)w[0] << 64) | w[1];
    u128 initseq = ((u128)w[2] << 64) | w[3];
    lock_gen(self);
    self->h.kind = BG_PCG64;
    self->h.pcg_state = 0;
    self->h.pcg_inc = (initseq << 1) | 1;
    pcg_next64(&self->h);
    self->h.pcg_state += initstate;
    pcg_next64(&self->h);
    self->h.has_uint32 = 0;
    self->h.uinteger = 0;
    self->h.has_gauss = 0;
    self->h.gauss = 0.0;
    unlock_gen(self);
    Py_RETURN_NONE;
}

/* seed_mt19937(key): an int (init_genrand) or a list of uint32 words
 * (init_by_array), as RandomState.seed. */
static PyObject *
bitgen_seed_mt19937(BitGen *self, PyObject *key)
{
    uint32_t *words = NULL;
    Py_ssize_t len = 0;
    uint32_t single = 0;
    if (PyLong_Check(key)) {
        single = (uint32_t)PyLong_AsUnsignedLongMask(key);
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    else {
        PyObject *seq = PySequence_Fast(key, "internal: seed words");
        if (seq == NULL) {
            return NULL;
        }
        len = PySequence_Fast_GET_SIZE(seq);
        words = PyMem_Malloc((size_t)(len > 0 ? len : 1) * sizeof(uint32_t));
        if (words == NULL) {
            Py_DECREF(seq);
            return PyErr_NoMemory();
        }
        for (Py_ssize_t i = 0; i < len; i++) {
            words[i] = (uint32_t)PyLong_AsUnsignedLongMask(PySequence_Fast_GET_ITEM(seq, i));
            if (PyErr_Occurred()) {
                Py_DECREF(seq);
                PyMem_Free(words);
                return NULL;
            }
        }
        Py_DECREF(seq);
    }
    lock_gen(self);
    self->h.kind = BG_MT19937;
    if (words != NULL) {
        mt_init_by_array(&self->h, words, len);
    }
    else {
        mt_seed(&self->h, single);
    }
    self->h.has_gauss = 0;
    self->h.gauss = 0.0;
    self->h.has_uint32 = 0;
    unlock_gen(self);
    PyMem_Free(words);
    Py_RETURN_NONE;
}

static PyObject *
u128_to_long(u128 v)
{
    PyObject *hi = PyLong_FromUnsignedLongLong((uint64_t)(v >> 64));
    PyObject *lo = PyLong_FromUnsignedLongLong((uint64_t)v);
    PyObject *sixty_four = PyLong_FromLong(64);
    PyObject *shifted = NULL, *res = NULL;
    if (hi && lo && sixty_four) {
        shifted = PyNumber_Lshift(hi, sixty_four);
        if (shifted) {
            res = PyNumber_Or(shifted, lo);
        }
    }
    Py_XDECREF(hi);
    Py_XDECREF(lo);
    Py_XDECREF(sixty_four);
    Py_XDECREF(shifted);
    return res;
}

static int
long_to_u128(PyObject *obj, u128 *out)
{
    if (!PyLong_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "state values must be integers");
        return -1;
    }
    PyObject *sixty_four = PyLong_FromLong(64);
    PyObject *hi_obj = sixty_four ? PyNumber_Rshift(obj, sixty_four) : NULL;
    Py_XDECREF(sixty_four);
    if (hi_obj == NULL) {
        return -1;
    }
    uint64_t hi = PyLong_AsUnsignedLongLongMask(hi_obj);
    Py_DECREF(hi_obj);
    uint64_t lo = PyLong_AsUnsignedLongLongMask(obj);
    if (PyErr_Occurred()) {
        return -1;
    }
    *out = ((u128)hi << 64) | lo;
    return 0;
}

/* get_state(): PCG64 -> (state, inc, has_uint32, uinteger);
 * MT19937 -> (key words list, pos, has_gauss, gauss). */
static PyObject *
bitgen_get_state(BitGen *self, PyObject *Py_UNUSED(ignored))
{
    /* a consistent copy even while another thread draws without the GIL */
    uint32_t key[MT_N];
    lock_gen(self);
    Hot h = self->h;
    memcpy(key, self->key, sizeof(key));
    unlock_gen(self);
    if (h.kind == BG_PCG64) {
        PyObject *s = u128_to_long(h.pcg_state);
        PyObject *inc = s ? u128_to_long(h.pcg_inc) : NULL;
        if (inc == NULL) {
            Py_XDECREF(s);
            return NULL;
        }
        return Py_BuildValue("(NNiK)", s, inc, h.has_uint32, (unsigned long long)h.uinteger);
    }
    PyObject *list = PyList_New(MT_N);
    if (list == NULL) {
        return NULL;
    }
    for (int i = 0; i < MT_N; i++) {
        PyObject *v = PyLong_FromUnsignedLong(key[i]);
        if (v == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, v);
    }
    return Py_BuildValue("(Niid)", list, h.mt_pos, h.has_gauss, h.gauss);
}

static PyObject *
bitgen_set_state(BitGen *self, PyObject *args)
{
    PyObject *a, *b;
    int flag;
    PyObject *last;
    if (!PyArg_ParseTuple(args, "OOpO", &a, &b, &flag, &last)) {
        return NULL;
    }
    if (self->h.kind == BG_PCG64) {
        u128 s, inc;
        unsigned long long u = PyLong_AsUnsignedLongLongMask(last);
        if ((u == (unsigned long long)-1 && PyErr_Occurred())
                || long_to_u128(a, &s) < 0 || long_to_u128(b, &inc) < 0) {
            return NULL;
        }
        lock_gen(self);
        self->h.pcg_state = s;
        self->h.pcg_inc = inc;
        self->h.has_uint32 = flag;
        self->h.uinteger = (uint32_t)u;
        unlock_gen(self);
        Py_RETURN_NONE;
    }
    uint32_t key[MT_N];
    PyObject *seq = PySequence_Fast(a, "key must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    if (PySequence_Fast_GET_SIZE(seq) != MT_N) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "state must be 624 elements");
        return NULL;
    }
    for (int i = 0; i < MT_N; i++) {
        key[i] = (uint32_t)PyLong_AsUnsignedLongMask(PySequence_Fast_GET_ITEM(seq, i));
        if (PyErr_Occurred()) {
            Py_DECREF(seq);
            return NULL;
        }
    }
    Py_DECREF(seq);
    Py_ssize_t pos = PyNumber_AsSsize_t(b, PyExc_ValueError);
    double gauss = PyFloat_AsDouble(last);
    if (PyErr_Occurred()) {
        return NULL;
    }
    if (pos < 0 || pos > MT_N) {
        PyErr_SetString(PyExc_ValueError, "pos must be in [0, 624]");
        return NULL;
    }
    lock_gen(self);
    memcpy(self->h.mt_key, key, sizeof(key));
    self->h.mt_pos = (int)pos;
    self->h.has_gauss = flag;
    self->h.gauss = gauss;
    unlock_gen(self);
    Py_RETURN_NONE;
}

/* raw(n): n raw 64-bit outputs (BitGenerator.random_raw). */
static PyObject *
bitgen_raw(BitGen *self, PyObject *size)
{
    int nd;
    Py_ssize_t shape[NDM_MAXDIMS];
    int scalar = parse_size(size, &nd, shape);
    if (scalar < 0) {
        return NULL;
    }
    NdmArray *out = new_output(NDM_UINT64, nd, shape);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t n = ndm_array_size(out);
    uint64_t *d = (uint64_t *)out->data;
    lock_gen(self);
    for (Py_ssize_t i = 0; i < n; i++) {
        d[i] = next_u64(&self->h);
    }
    unlock_gen(self);
    if (scalar) {
        PyObject *v = PyLong_FromUnsignedLongLong(d[0]);
        Py_DECREF(out);
        return v;
    }
    return (PyObject *)out;
}

static PyObject *
bitgen_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"kind", NULL};
    const char *kind;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s", kwlist, &kind)) {
        return NULL;
    }
    int k;
    if (strcmp(kind, "PCG64") == 0) {
        k = BG_PCG64;
    }
    else if (strcmp(kind, "MT19937") == 0) {
        k = BG_MT19937;
    }
    else {
        PyErr_Format(PyExc_ValueError, "unknown bit generator %s", kind);
        return NULL;
    }
    BitGen *self = (BitGen *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->lock = PyThread_allocate_lock();
    if (self->lock == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    self->h.mt_key = self->key;
    self->h.kind = k;
    self->h.pcg_inc = 1;
    mt_seed(&self->h, 5489U);
    return (PyObject *)self;
}

static void
bitgen_dealloc(BitGen *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (self->lock != NULL) {
        PyThread_free_lock(self->lock);
    }
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyMethodDef bitgen_methods[] = {
    {"fill", (PyCFunction)bitgen_fill, METH_VARARGS,
     "fill(dist, size, single=False, p1=None, p2=None, out=None)"},
    {"integers", (PyCFunction)bitgen_integers, METH_VARARGS,
     "integers(size, off, rng, dtype, masked)"},
    {"integers_each", (PyCFunction)bitgen_integers_each, METH_VARARGS,
     "integers_each(off, rng, dtype, masked)"},
    {"search_cdf", (PyCFunction)bitgen_search_cdf, METH_VARARGS, "search_cdf(p, u)"},
    {"shuffle", (PyCFunction)bitgen_shuffle, METH_O, "shuffle(array) along axis 0"},
    {"intervals", (PyCFunction)bitgen_intervals, METH_O, "intervals(n)"},
    {"choice_noreplace", (PyCFunction)bitgen_choice_noreplace, METH_VARARGS,
     "choice_noreplace(pop, size, shuffle)"},
    {"seed_pcg64", (PyCFunction)bitgen_seed_pcg64, METH_VARARGS, "seed_pcg64(w0, w1, w2, w3)"},
    {"seed_mt19937", (PyCFunction)bitgen_seed_mt19937, METH_O, "seed_mt19937(int or words)"},
    {"get_state", (PyCFunction)bitgen_get_state, METH_NOARGS, "get_state()"},
    {"set_state", (PyCFunction)bitgen_set_state, METH_VARARGS, "set_state(a, b, flag, last)"},
    {"raw", (PyCFunction)bitgen_raw, METH_O, "raw(size)"},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot bitgen_slots[] = {
    {Py_tp_new, bitgen_new},
    {Py_tp_dealloc, bitgen_dealloc},
    {Py_tp_methods, bitgen_methods},
    {Py_tp_doc, "The state and draws behind ndmem.random (internal)."},
    {0, NULL},
};

static PyType_Spec bitgen_spec = {
    .name = "ndmem._core._BitGen",
    .basicsize = sizeof(BitGen),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = bitgen_slots,
};

int
ndm_random_init(PyObject *module)
{
    static const char *names[D_COUNT] = {
        "random", "standard_normal", "standard_exponential", "normal",
        "gauss", "uniform", "exponential", "standard_exponential_inv",
        "legacy_exponential",
    };
    bitgen_type = (PyTypeObject *)PyType_FromSpec(&bitgen_spec);
    if (bitgen_type == NULL) {
        return -1;
    }
    /* the distribution codes fill() takes, by name */
    PyObject *dists = PyDict_New();
    if (dists == NULL) {
        return -1;
    }
    for (int i = 0; i < D_COUNT; i++) {
        PyObject *v = PyLong_FromLong(i);
        if (v == NULL || PyDict_SetItemString(dists, names[i], v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(dists);
            return -1;
        }
        Py_DECREF(v);
    }
    int rc = PyObject_SetAttrString((PyObject *)bitgen_type, "DISTS", dists);
    Py_DECREF(dists);
    if (rc < 0) {
        return -1;
    }
    return PyModule_AddObjectRef(module, "_BitGen", (PyObject *)bitgen_type);
}
