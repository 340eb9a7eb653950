/* ndmem.evaluate: an expression that _evaluate.py parsed into a tree of ufunc
 * calls, run block by block so that no full-size temporary exists.  Each
 * node's 1-d kernel writes BLOCK elements into per-thread scratch and only
 * the root writes the output, so the peak is the output plus the scratch.
 *
 * Type resolution is the ufunc's own (ndm_ufunc_resolve: NEP 50 weak
 * Python scalars, NumPy's loop search), node by node, and a ** 2, a ** -1,
 * a ** 0.5 take the operator's fast paths, so dtypes and values are those
 * of the same expression written with ndmem's operators and ufuncs. */
#include <fenv.h>
#include "ufunc_internal.h"
#include "scalar.h"
#include "threads.h"

/* Elements per block: a few blocks of doubles stay in L2. */
#define BLOCK 4096
#define SLOT_ALIGN 64
#define GIL_THRESHOLD ((Py_ssize_t)1 << 14)
#define FE_ALL (FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID)
#ifndef NDM_FPE_UNDERFLOW
#define NDM_FPE_UNDERFLOW 4
#endif

enum { SRC_ARRAY, SRC_CONST, SRC_SLOT };

/* Where one kernel input lives, in its own dtype. */
typedef struct Src {
    int kind;
    int index;              /* SRC_ARRAY: loop operand; SRC_SLOT: scratch slot */
    const char *cptr;       /* SRC_CONST: one element of the loop's type */
    Py_ssize_t isz;         /* SRC_SLOT: element size */
} Src;

typedef struct Node {
    const char *name;       /* for floating-point error reports */
    int nin;
    int type;               /* the loop's output type */
    Src src[NDM_UFUNC_MAXOPS];
    ndm_cast_fn cast[NDM_UFUNC_MAXOPS];   /* NULL: the kernel reads src */
    NdmDtype *cast_from[NDM_UFUNC_MAXOPS];  /* owned */
    NdmDtype *cast_to[NDM_UFUNC_MAXOPS];    /* owned */
    int cast_slot[NDM_UFUNC_MAXOPS];
    int out_slot;           /* -1: writes the output array */
    ndm_kernel kernel;      /* the loop's, or where's select */
    int consumed;           /* a later node reads this one's value */
    _Alignas(16) char cval[NDM_UFUNC_MAXOPS][32];
} Node;

typedef struct Plan {
    int nnodes;
    Node *nodes;
    int narr;               /* loop operands: 0 the output, 1.. the arrays */
    NdmLoop loop;
    int nslots;
    Py_ssize_t slot_off[2 * NDM_UFUNC_MAXOPS * 64];
    Py_ssize_t slot_isz[2 * NDM_UFUNC_MAXOPS * 64];
    char slot_free[2 * NDM_UFUNC_MAXOPS * 64];
    Py_ssize_t task_bytes;
    char *scratch;
    int needs_gil;
    /* the root's value cast into the output (out= of another dtype) */
    ndm_cast_fn out_cast;
    NdmDtype *out_from, *out_to;    /* owned */
    int root_slot;
    Py_ssize_t inner, bpr, nblocks;
    int ntasks;
    int *flags;             /* fenv flags per task and node */
    int failed;
} Plan;

#define MAX_SLOTS ((int)(sizeof(((Plan *)0)->slot_off) / sizeof(Py_ssize_t)))

/* A block of scratch for BLOCK elements of isz bytes: a dead value's when
 * one of that size is free, so the scratch of a long expression stays
 * the size of its widest point. */
static int
new_slot(Plan *p, Py_ssize_t isz)
{
    for (int s = 0; s < p->nslots; s++) {
        if (p->slot_free[s] && p->slot_isz[s] == isz) {
            p->slot_free[s] = 0;
            return s;
        }
    }
    if (p->nslots >= MAX_SLOTS) {
        PyErr_SetString(PyExc_ValueError, "expression too large for evaluate");
        return -1;
    }
    p->slot_off[p->nslots] = p->task_bytes;
    p->slot_isz[p->nslots] = isz;
    p->task_bytes += (BLOCK * isz + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN;
    return p->nslots++;
}

static int
weak_of(PyObject *o)
{
    if (PyLong_CheckExact(o)) {
        return WEAK_INT;
    }
    if (PyFloat_CheckExact(o)) {
        return WEAK_FLOAT;
    }
    if (PyComplex_CheckExact(o)) {
        return WEAK_COMPLEX;
    }
    return WEAK_NONE;
}

/* The operator's a ** 2 -> square, a ** -1 -> reciprocal, a ** 0.5 -> sqrt
 * (operators.c fast_power): the unary ufunc's name, or NULL. */
static const char *
fast_power(int base_type, PyObject *exp)
{
    int inexact = base_type >= NDM_FLOAT16 && base_type <= NDM_COMPLEX128;
    if (base_type < 0 || base_type >= NDM_NNUMERIC) {
        return NULL;
    }
    if (PyLong_CheckExact(exp)) {
        int overflow = 0;
        long e = PyLong_AsLongAndOverflow(exp, &overflow);
        if (e == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return NULL;
        }
        if (!overflow && e == 2) {
            return "square";
        }
        return !overflow && e == -1 && inexact ? "reciprocal" : NULL;
    }
    if (PyFloat_CheckExact(exp) && PyFloat_AS_DOUBLE(exp) == 0.5 && inexact) {
        return "sqrt";
    }
    return NULL;
}

/* where's kernel: args c (bool), x, y, out, x and y of out's type. */
#define SELECT_KERNEL(N, T)                                                 \
static void                                                                 \
select_##N(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)   \
{                                                                           \
    (void)ctx;                                                              \
    const char *c = args[0], *x = args[1], *y = args[2];                    \
    char *o = args[3];                                                      \
    for (Py_ssize_t i = 0; i < n; i++) {                                    \
        memcpy(o, *c ? x : y, sizeof(T));                                   \
        c += steps[0]; x += steps[1]; y += steps[2]; o += steps[3];         \
    }                                                                       \
}
SELECT_KERNEL(1, uint8_t)
SELECT_KERNEL(2, uint16_t)
SELECT_KERNEL(4, uint32_t)
SELECT_KERNEL(8, uint64_t)
SELECT_KERNEL(16, ndm_complex128)

static ndm_kernel
select_kernel(int type)
{
    switch (type) {
    case NDM_BOOL: case NDM_INT8: case NDM_UINT8:
        return select_1;
    case NDM_INT16: case NDM_UINT16: case NDM_FLOAT16:
        return select_2;
    case NDM_INT32: case NDM_UINT32: case NDM_FLOAT32:
        return select_4;
    case NDM_COMPLEX128:
        return select_16;
    default:
        return select_8;
    }
}

/* Input i of node nd, strong: ops[ref] (an array) or node ref - nops, of
 * type t; the kernel wants lt.  A cast into scratch when they differ (or
 * the array is byte-swapped or unaligned). */
static int
plan_input(Plan *p, Node *nd, int i, PyObject *ops, int ref, int t, int lt,
           const int *arr_index)
{
    Py_ssize_t nops = PyTuple_GET_SIZE(ops);
    Src *s = &nd->src[i];
    NdmDtype *from;
    if (ref >= nops) {
        s->kind = SRC_SLOT;
        s->index = p->nodes[ref - nops].out_slot;
        from = ndm_dtype_builtin(t);
        if (from == NULL) {
            return -1;
        }
        s->isz = from->itemsize;
        if (t == lt) {
            Py_DECREF(from);
            return 0;
        }
    }
    else {
        NdmArray *a = (NdmArray *)PyTuple_GET_ITEM(ops, ref);
        s->kind = SRC_ARRAY;
        s->index = arr_index[ref];
        if (a->descr->type_num == lt && ndm_dtype_isnative(a->descr)
                && (a->flags & NDM_ALIGNED)) {
            return 0;
        }
        from = a->descr;
        Py_INCREF(from);
    }
    nd->cast_from[i] = from;
    nd->cast_to[i] = ndm_dtype_builtin(lt);
    if (nd->cast_to[i] == NULL) {
        return -1;
    }
    nd->cast[i] = ndm_dtype_get_cast(from, nd->cast_to[i]);
    p->needs_gil |= !ndm_cast_is_gil_free(from, nd->cast_to[i]);
    return (nd->cast_slot[i] = new_slot(p, nd->cast_to[i]->itemsize)) < 0 ? -1 : 0;
}

/* real() and imag(): one part of a complex, or a real value and zeros. */
#define PART_KERNEL(NAME, SIZE, OFFSET)                                     \
static void                                                                 \
NAME(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)         \
{                                                                           \
    (void)ctx;                                                              \
    const char *x = args[0];                                                \
    char *o = args[1];                                                      \
    for (Py_ssize_t i = 0; i < n; i++, x += steps[0], o += steps[1]) {      \
        if ((OFFSET) < 0) {                                                 \
            memset(o, 0, SIZE);                                             \
        }                                                                   \
        else {                                                              \
            memcpy(o, x + ((OFFSET) < 0 ? 0 : (OFFSET)), SIZE);             \
        }                                                                   \
    }                                                                       \
}
PART_KERNEL(part_copy_1, 1, 0)
PART_KERNEL(part_copy_2, 2, 0)
PART_KERNEL(part_copy_4, 4, 0)
PART_KERNEL(part_copy_8, 8, 0)
PART_KERNEL(part_zero_1, 1, -1)
PART_KERNEL(part_zero_2, 2, -1)
PART_KERNEL(part_zero_4, 4, -1)
PART_KERNEL(part_zero_8, 8, -1)
PART_KERNEL(part_imag_c8, 4, 4)
PART_KERNEL(part_imag_c16, 8, 8)

#define SIZE_OF(N, name, T) (Py_ssize_t)sizeof(T),
static const Py_ssize_t item_size[NDM_NNUMERIC] = {NDM_FOR_EACH_NUMERIC(SIZE_OF)};
#undef SIZE_OF

/* real(x) / imag(x) (imag: part 2) of a strong operand of type t. */
static int
plan_part(Plan *p, Node *nd, PyObject *ops, int part, int nin, const int *refs,
          const int *arr_index)
{
    static const ndm_kernel copy[] = {part_copy_1, part_copy_2, part_copy_4, part_copy_8};
    static const ndm_kernel zero[] = {part_zero_1, part_zero_2, part_zero_4, part_zero_8};
    Py_ssize_t nops = PyTuple_GET_SIZE(ops);
    const char *name = part == 1 ? "real" : "imag";
    if (nin != 1) {
        PyErr_Format(PyExc_TypeError, "%s() takes 1 argument (%d given)", name, nin);
        return -1;
    }
    PyObject *o = refs[0] < nops ? PyTuple_GET_ITEM(ops, refs[0]) : NULL;
    int t = o == NULL ? p->nodes[refs[0] - nops].type
            : NdmArray_Check(o) ? ((NdmArray *)o)->descr->type_num : -1;
    if (t < 0 || t >= NDM_NNUMERIC) {
        PyErr_Format(PyExc_TypeError, "evaluate's %s() takes a numeric array", name);
        return -1;
    }
    nd->name = name;
    nd->nin = 1;
    if (t == NDM_COMPLEX64 || t == NDM_COMPLEX128) {
        int c8 = t == NDM_COMPLEX64;
        nd->type = c8 ? NDM_FLOAT32 : NDM_FLOAT64;
        nd->kernel = part == 1 ? copy[c8 ? 2 : 3] : c8 ? part_imag_c8 : part_imag_c16;
    }
    else {
        Py_ssize_t sz = item_size[t];
        int k = sz == 1 ? 0 : sz == 2 ? 1 : sz == 4 ? 2 : 3;
        nd->type = t;
        nd->kernel = part == 1 ? copy[k] : zero[k];
    }
    return plan_input(p, nd, 0, ops, refs[0], t, t, arr_index);
}

static const NdmUfuncDef *
def_of(const char *name)
{
    PyObject *f = ndm_ufunc_lookup(name);
    if (f == NULL) {
        return NULL;
    }
    const NdmUfuncDef *def = ((NdmUfunc *)f)->def;
    if (def->nout != 1) {
        PyErr_Format(PyExc_ValueError, "'%s' has %d outputs; evaluate takes "
                     "functions with one", name, def->nout);
        return NULL;
    }
    return def;
}

/* Resolve node j of the program: refs[i] < nops names ops[refs[i]] (an
 * array or a weak Python scalar), else node refs[i] - nops. */
static int
plan_node(Plan *p, int j, PyObject *ops, const char *name, int nin,
          const int *refs, const int *arr_index)
{
    Node *nd = &p->nodes[j];
    Py_ssize_t nops = PyTuple_GET_SIZE(ops);
    NdmUfuncCall call;
    int type[NDM_UFUNC_MAXOPS];
    int rc = -1;
    /* where(c, x, y): x and y resolve as add's inputs do (NumPy's
     * result_type with weak scalars), c is taken as bool */
    int shift = strcmp(name, "where") == 0;
    PyObject *zero[4] = {NULL, NULL, NULL, NULL};

    memset(&call, 0, sizeof call);

    if (strcmp(name, "real") == 0 || strcmp(name, "imag") == 0) {
        return plan_part(p, nd, ops, name[0] == 'r' ? 1 : 2, nin, refs, arr_index);
    }
    if (shift && nin != 3) {
        PyErr_Format(PyExc_TypeError, "where() takes 3 arguments (%d given)", nin);
        goto done;
    }
    const NdmUfuncDef *def = def_of(shift ? "add" : name);
    if (def == NULL) {
        goto done;
    }
    if (shift && ((zero[WEAK_INT] = PyLong_FromLong(0)) == NULL
                  || (zero[WEAK_FLOAT] = PyFloat_FromDouble(0.0)) == NULL
                  || (zero[WEAK_COMPLEX] = PyComplex_FromDoubles(0.0, 0.0)) == NULL)) {
        goto done;
    }
    for (int i = 0; i < nin; i++) {
        type[i] = refs[i] >= nops ? p->nodes[refs[i] - nops].type
                  : NdmArray_Check(PyTuple_GET_ITEM(ops, refs[i]))
                  ? ((NdmArray *)PyTuple_GET_ITEM(ops, refs[i]))->descr->type_num : -1;
    }
    if (nin == 2 && strcmp(def->name, "power") == 0 && refs[1] < nops
            && type[1] < 0) {
        const char *fast = fast_power(type[0], PyTuple_GET_ITEM(ops, refs[1]));
        if (fast != NULL) {
            def = def_of(fast);
            if (def == NULL) {
                goto done;
            }
            nin = 1;
        }
    }
    if (nin - shift != def->nin) {
        PyErr_Format(PyExc_TypeError, "%s() takes %d arguments (%d given)",
                     def->name, def->nin, nin);
        goto done;
    }
    call.def = def;
    call.nin = def->nin;
    call.nout = def->nout;
    call.nop = def->nin + def->nout;
    for (int i = 0; i < NDM_UFUNC_MAXOPS; i++) {
        call.sig[i] = -1;
    }
    call.casting = NDM_SAME_KIND_CASTING;
    call.order = 'K';
    call.subok = 1;
    for (int i = 0; i < def->nin; i++) {
        int r = refs[i + shift];
        PyObject *o = r < nops ? PyTuple_GET_ITEM(ops, r) : NULL;
        NdmDtype *d;
        if (o != NULL && type[i + shift] < 0) {
            call.weak[i] = weak_of(o);
            /* where's x and y only choose the type: their values are cast
             * unsafely later, as NumPy's where does (300 in int8 is 44) */
            call.in_obj[i] = shift ? zero[call.weak[i]] : o;
            continue;
        }
        if (o != NULL) {
            d = ((NdmArray *)o)->descr;
            Py_INCREF(d);
        }
        else if ((d = ndm_dtype_builtin(type[i + shift])) == NULL) {
            goto done;
        }
        call.in_obj[i] = o != NULL ? o : Py_None;
        ndm_ufunc_scratch(&call, i, d, NULL);
    }
    if (ndm_ufunc_resolve(&call) < 0) {
        goto done;
    }
    nd->name = shift ? "where" : def->name;
    nd->nin = nin;
    nd->type = call.loop->types[def->nin];
    nd->kernel = shift ? select_kernel(nd->type) : call.loop->kernel;
    p->needs_gil |= (call.loop->flags & NDM_LOOP_NEEDS_GIL) != 0;
    for (int i = 0; i < nin; i++) {
        int lt = i < shift ? NDM_BOOL : call.loop->types[i - shift];
        Src *s = &nd->src[i];
        if (type[i] >= 0) {
            if (plan_input(p, nd, i, ops, refs[i], type[i], lt, arr_index) < 0) {
                goto done;
            }
        }
        else if (i < shift) {
            int truth = PyObject_IsTrue(PyTuple_GET_ITEM(ops, refs[i]));
            if (truth < 0) {
                goto done;
            }
            s->kind = SRC_CONST;
            s->cptr = nd->cval[i];
            nd->cval[i][0] = (char)truth;
        }
        else {
            /* the weak scalar as the resolver stored it (where: in its
             * default type), cast once now */
            NdmDtype *cd = call.ops[i - shift]->descr;
            char *cdata = call.ops[i - shift]->data;
            _Alignas(16) char tmp[32];
            int crc = -1;
            if (shift) {
                static const int dflt[4] = {0, NDM_INT64, NDM_FLOAT64, NDM_COMPLEX128};
                cd = ndm_dtype_builtin(dflt[weak_of(PyTuple_GET_ITEM(ops, refs[i]))]);
                cdata = tmp;
                if (cd == NULL || ndm_dtype_setitem(cd, tmp, PyTuple_GET_ITEM(ops, refs[i])) < 0) {
                    Py_XDECREF(cd);
                    goto done;
                }
            }
            NdmDtype *to = ndm_dtype_builtin(lt);
            if (to != NULL) {
                crc = ndm_dtype_get_cast(cd, to)(cdata, 0, nd->cval[i], 0, 1, cd, to);
            }
            Py_XDECREF(to);
            if (shift) {
                Py_DECREF(cd);
            }
            if (crc < 0) {
                goto done;
            }
            s->kind = SRC_CONST;
            s->cptr = nd->cval[i];
        }
    }
    rc = 0;
done:
    for (int i = 0; i < NDM_UFUNC_MAXOPS; i++) {
        if (call.scratch_mask & (1u << i)) {
            Py_CLEAR(call.scratch_descr[i]);
        }
    }
    for (int i = 0; i < 4; i++) {
        Py_XDECREF(zero[i]);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* execution                                                          */

static inline char *
slot_ptr(const Plan *p, char *scratch, int slot)
{
    return scratch + p->slot_off[slot];
}

/* Block b: elements [off, off + m) of inner row b / bpr.  -1 only when a
 * kernel or cast that holds the GIL raised. */
static int
run_block(Plan *p, char *scratch, int *flags, Py_ssize_t b)
{
    const NdmLoop *lp = &p->loop;
    Py_ssize_t row = b / p->bpr, off = (b % p->bpr) * BLOCK;
    Py_ssize_t m = p->inner - off < BLOCK ? p->inner - off : BLOCK;
    char *base[NDM_MAXARGS];
    Py_ssize_t step[NDM_MAXARGS];
    int last = lp->nd - 1;

    for (int k = 0; k < p->narr; k++) {
        base[k] = lp->data[k];
        step[k] = lp->strides[k][last];
    }
    for (int d = last - 1; d >= 0 && row > 0; d--) {
        Py_ssize_t i = row % lp->shape[d];
        row /= lp->shape[d];
        for (int k = 0; k < p->narr; k++) {
            base[k] += i * lp->strides[k][d];
        }
    }
    for (int k = 0; k < p->narr; k++) {
        base[k] += off * step[k];
    }
    for (int j = 0; j < p->nnodes; j++) {
        Node *nd = &p->nodes[j];
        char *args[NDM_UFUNC_MAXOPS];
        Py_ssize_t st[NDM_UFUNC_MAXOPS];
        for (int i = 0; i < nd->nin; i++) {
            const Src *s = &nd->src[i];
            if (s->kind == SRC_ARRAY) {
                args[i] = base[s->index];
                st[i] = step[s->index];
            }
            else if (s->kind == SRC_CONST) {
                args[i] = (char *)s->cptr;
                st[i] = 0;
            }
            else {
                args[i] = slot_ptr(p, scratch, s->index);
                st[i] = s->isz;
            }
            if (nd->cast[i] == NULL) {
                continue;
            }
            char *dst = slot_ptr(p, scratch, nd->cast_slot[i]);
            Py_ssize_t isz = nd->cast_to[i]->itemsize;
            if (nd->cast[i](args[i], st[i], dst, isz, st[i] == 0 ? 1 : m,
                            nd->cast_from[i], nd->cast_to[i]) < 0) {
                return -1;
            }
            args[i] = dst;
            st[i] = st[i] == 0 ? 0 : isz;
        }
        if (nd->out_slot < 0) {
            args[nd->nin] = base[0];
            st[nd->nin] = step[0];
        }
        else {
            args[nd->nin] = slot_ptr(p, scratch, nd->out_slot);
            st[nd->nin] = p->slot_isz[nd->out_slot];
        }
        nd->kernel(args, m, st, NULL);
        if (p->needs_gil && PyErr_Occurred()) {
            return -1;
        }
        int f = fetestexcept(FE_ALL);
        if (f) {
            flags[j] |= f;
            feclearexcept(FE_ALL);
        }
    }
    if (p->out_cast != NULL) {
        if (p->out_cast(slot_ptr(p, scratch, p->root_slot), p->out_from->itemsize,
                        base[0], step[0], m, p->out_from, p->out_to) < 0) {
            return -1;
        }
        int f = fetestexcept(FE_ALL);
        if (f) {
            flags[p->nnodes - 1] |= f;
            feclearexcept(FE_ALL);
        }
    }
    return 0;
}

static void
run_task(void *ctx, int t)
{
    Plan *p = ctx;
    int saved = ndm_cast_defer_fpe;
    char *scratch = p->scratch + t * p->task_bytes;
    int *flags = p->flags + t * p->nnodes;
    Py_ssize_t b0 = p->nblocks * t / p->ntasks, b1 = p->nblocks * (t + 1) / p->ntasks;

    /* casts leave their flags for the node that consumes them */
    ndm_cast_defer_fpe = 1;
    for (Py_ssize_t b = b0; b < b1 && !p->failed; b++) {
        if (run_block(p, scratch, flags, b) < 0) {
            p->failed = 1;
        }
    }
    ndm_cast_defer_fpe = saved;
}

static int
fpe_flags(int fe)
{
    return ((fe & FE_DIVBYZERO) ? NDM_FPE_DIVIDEBYZERO : 0)
           | ((fe & FE_OVERFLOW) ? NDM_FPE_OVERFLOW : 0)
           | ((fe & FE_UNDERFLOW) ? NDM_FPE_UNDERFLOW : 0)
           | ((fe & FE_INVALID) ? NDM_FPE_INVALID : 0);
}

/* Rows shorter than a block cost a kernel call per node each: when the
 * innermost axis is short and another is longer, that one goes innermost
 * (any order is fine for elementwise work; strided rows beat short ones). */
static void
short_rows_outer(NdmLoop *lp)
{
    int last = lp->nd - 1, best = last;
    if (lp->shape[last] >= BLOCK) {
        return;
    }
    for (int d = 0; d < last; d++) {
        if (lp->shape[d] > lp->shape[best]) {
            best = d;
        }
    }
    if (best == last) {
        return;
    }
    Py_ssize_t t = lp->shape[best];
    lp->shape[best] = lp->shape[last];
    lp->shape[last] = t;
    for (int k = 0; k < lp->nop; k++) {
        t = lp->strides[k][best];
        lp->strides[k][best] = lp->strides[k][last];
        lp->strides[k][last] = t;
    }
}

/* ------------------------------------------------------------------ */
/* the entry point                                                    */

static int
same_layout(NdmArray *a, NdmArray *b)
{
    if (a->data != b->data || a->nd != b->nd) {
        return 0;
    }
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] != b->shape[i] || a->strides[i] != b->strides[i]) {
            return 0;
        }
    }
    return 1;
}

/* order='A' as a ufunc's output (ufunc.c): when every input has the
 * result's shape and dtype (0-d ones aside) and the same C/F flags, C
 * unless they say only F; otherwise F when every input, 0-d ones too, is
 * F_CONTIGUOUS, which length-1 axes do not break. */
static char
any_order(NdmDtype *descr, int narr, NdmArray **arrs, int nd, const Py_ssize_t *shape)
{
    const int cf = NDM_C_CONTIGUOUS | NDM_F_CONTIGUOUS;
    int all_f = 1, trivial = 1, flags = -1;
    for (int k = 0; k < narr; k++) {
        NdmArray *a = arrs[k];
        all_f &= (a->flags & NDM_F_CONTIGUOUS) != 0;
        if (a->nd == 0) {
            continue;
        }
        int same_shape = a->nd == nd && a->descr->type_num == descr->type_num;
        for (int i = 0; same_shape && i < nd; i++) {
            same_shape = a->shape[i] == shape[i];
        }
        trivial &= same_shape && (a->flags & cf) != 0 && (flags < 0 || (a->flags & cf) == flags);
        flags = a->flags & cf;
    }
    if (trivial && flags > 0) {
        return flags == NDM_F_CONTIGUOUS ? 'F' : 'C';
    }
    return all_f ? 'F' : 'C';
}

/* The output for the broadcast shape: order 'K' follows the inputs' layout
 * (as a ufunc's output), 'A' as any_order says. */
static NdmArray *
new_output(NdmDtype *descr, int narr, NdmArray **arrs, int nd,
           const Py_ssize_t *shape, char order)
{
    Py_ssize_t strides[NDM_MAXDIMS];
    int flags = 0;
    const Py_ssize_t *sp = NULL;
    if (order == 'A') {
        order = any_order(descr, narr, arrs, nd, shape);
    }
    Py_ssize_t size = 1;
    for (int i = 0; i < nd; i++) {
        size *= shape[i];
    }
    if (size == 0) {
        /* an empty result has zero strides, as NumPy's iterator makes it */
        for (int i = 0; i < nd; i++) {
            strides[i] = 0;
        }
        sp = strides;
    }
    else if (order == 'F') {
        flags = NDM_NEW_FORTRAN;
    }
    else if (order == 'K') {
        ndm_ufunc_k_strides(narr, arrs, nd, shape, descr->itemsize, strides);
        sp = strides;
    }
    Py_INCREF(descr);
    return (NdmArray *)ndm_array_new(ndm_state.ndarray_type, descr, nd, shape, sp,
                                     NULL, flags, NULL);
}

static void
plan_clear(Plan *p)
{
    for (int j = 0; p->nodes != NULL && j < p->nnodes; j++) {
        for (int i = 0; i < NDM_UFUNC_MAXOPS; i++) {
            Py_XDECREF(p->nodes[j].cast_from[i]);
            Py_XDECREF(p->nodes[j].cast_to[i]);
        }
    }
    PyMem_Free(p->nodes);
    Py_XDECREF(p->out_from);
    Py_XDECREF(p->out_to);
    PyMem_RawFree(p->scratch);
    PyMem_Free(p->flags);
}

static int
parse_node(PyObject *item, Py_ssize_t limit, const char **name, int *nin, int *refs)
{
    PyObject *r;
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2
            || !PyUnicode_Check(PyTuple_GET_ITEM(item, 0))
            || !PyTuple_Check(r = PyTuple_GET_ITEM(item, 1))
            || PyTuple_GET_SIZE(r) < 1 || PyTuple_GET_SIZE(r) >= NDM_UFUNC_MAXOPS) {
        PyErr_SetString(PyExc_TypeError, "_evaluate: a node is (ufunc name, (refs...))");
        return -1;
    }
    *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(item, 0));
    if (*name == NULL) {
        return -1;
    }
    *nin = (int)PyTuple_GET_SIZE(r);
    for (int i = 0; i < *nin; i++) {
        long v = PyLong_AsLong(PyTuple_GET_ITEM(r, i));
        if (v == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (v < 0 || v >= limit) {
            PyErr_SetString(PyExc_ValueError, "_evaluate: reference out of range");
            return -1;
        }
        refs[i] = (int)v;
    }
    return 0;
}

static PyObject *
evaluate(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *ops, *nodes, *out_obj, *casting_obj;
    const char *order_s;
    NdmCasting casting;
    Plan p;
    NdmArray *arrs[NDM_MAXARGS] = {NULL};
    NdmDtype *rdescr = NULL;
    int *arr_index = NULL;
    PyObject *result = NULL;
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = 0;

    memset(&p, 0, sizeof p);
    if (!PyArg_ParseTuple(args, "O!O!OsO:_evaluate", &PyTuple_Type, &ops, &PyTuple_Type,
                          &nodes, &out_obj, &order_s, &casting_obj)
            || !ndm_casting_converter(casting_obj, &casting)) {
        return NULL;
    }
    char order = order_s[0];
    if (strlen(order_s) != 1 || strchr("KACF", order) == NULL) {
        PyErr_Format(PyExc_ValueError, "order must be one of 'C', 'F', 'A', or 'K' (got '%s')",
                     order_s);
        return NULL;
    }
    Py_ssize_t nops = PyTuple_GET_SIZE(ops);
    p.nnodes = (int)PyTuple_GET_SIZE(nodes);
    if (p.nnodes < 1 || nops > INT_MAX / 2 || p.nnodes > INT_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "_evaluate: nothing to evaluate");
        return NULL;
    }
    arr_index = PyMem_Calloc((size_t)nops + 1, sizeof(int));
    p.nodes = PyMem_Calloc((size_t)p.nnodes, sizeof(Node));
    if (arr_index == NULL || p.nodes == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    p.narr = 1;
    for (Py_ssize_t r = 0; r < nops; r++) {
        PyObject *o = PyTuple_GET_ITEM(ops, r);
        if (NdmArray_Check(o)) {
            if (p.narr >= NDM_MAXARGS) {
                PyErr_Format(PyExc_ValueError, "evaluate takes at most %d array operands",
                             NDM_MAXARGS - 1);
                goto fail;
            }
            Py_INCREF(o);
            arr_index[r] = p.narr;
            arrs[p.narr++] = (NdmArray *)o;
        }
        else if (weak_of(o) == WEAK_NONE) {
            PyErr_SetString(PyExc_TypeError,
                            "_evaluate: operands are ndmem arrays or Python scalars");
            goto fail;
        }
    }
    if (p.narr > 1 && ndm_broadcast_shape(p.narr - 1, arrs + 1, &nd, shape) < 0) {
        goto fail;
    }
    for (int j = 0; j < p.nnodes; j++) {
        const char *name;
        int nin, refs[NDM_UFUNC_MAXOPS];
        if (parse_node(PyTuple_GET_ITEM(nodes, j), nops + j, &name, &nin, refs) < 0) {
            goto fail;
        }
        for (int i = 0; i < nin; i++) {
            if (refs[i] >= nops && p.nodes[refs[i] - nops].consumed++) {
                PyErr_SetString(PyExc_ValueError, "_evaluate: each node is read once");
                goto fail;
            }
        }
        if (plan_node(&p, j, ops, name, nin, refs, arr_index) < 0) {
            goto fail;
        }
        Node *nj = &p.nodes[j];
        /* a node's inputs die with it (each is read once), so its output
         * may take an input's slot: kernels run in place */
        for (int i = 0; i < nj->nin; i++) {
            if (nj->src[i].kind == SRC_SLOT) {
                p.slot_free[nj->src[i].index] = 1;
            }
        }
        nj->out_slot = -1;
        if (j < p.nnodes - 1) {
            NdmDtype *d = ndm_dtype_builtin(p.nodes[j].type);
            if (d == NULL) {
                goto fail;
            }
            nj->out_slot = new_slot(&p, d->itemsize);
            Py_DECREF(d);
            if (nj->out_slot < 0) {
                goto fail;
            }
        }
        /* freed only now: a cast of a broadcast input holds one element
         * that the kernel reads at every index */
        for (int i = 0; i < nj->nin; i++) {
            if (nj->cast[i] != NULL) {
                p.slot_free[nj->cast_slot[i]] = 1;
            }
        }
    }
    Node *root = &p.nodes[p.nnodes - 1];
    rdescr = ndm_dtype_builtin(root->type);
    if (rdescr == NULL) {
        goto fail;
    }
    if (out_obj == Py_None) {
        arrs[0] = new_output(rdescr, p.narr - 1, arrs + 1, nd, shape, order);
        if (arrs[0] == NULL) {
            goto fail;
        }
    }
    else {
        if (!NdmArray_Check(out_obj)) {
            PyErr_SetString(PyExc_TypeError, "out must be an ndmem array");
            goto fail;
        }
        NdmArray *o = (NdmArray *)out_obj;
        int same = o->nd == nd;
        for (int i = 0; same && i < nd; i++) {
            same = o->shape[i] == shape[i];
        }
        if (!same) {
            char s1[256], s2[256];
            ndm_format_shape(s1, sizeof s1, o->shape, o->nd);
            ndm_format_shape(s2, sizeof s2, shape, nd);
            PyErr_Format(PyExc_ValueError, "non-broadcastable output operand with shape "
                         "%s doesn't match the broadcast shape %s", s1, s2);
            goto fail;
        }
        if (ndm_array_fail_unless_writeable(o) < 0) {
            goto fail;
        }
        if (!ndm_dtype_can_cast(rdescr, o->descr, casting)) {
            ndm_cast_error("array data", rdescr, o->descr, casting);
            goto fail;
        }
        /* an input the output overwrites before every element is read is
         * copied first, as a ufunc does */
        for (int k = 1; k < p.narr; k++) {
            if (ndm_overlap_may_share(arrs[k], o) && !same_layout(arrs[k], o)) {
                NdmArray *c = (NdmArray *)ndm_array_copy(arrs[k], 'K');
                if (c == NULL) {
                    goto fail;
                }
                Py_SETREF(arrs[k], c);
            }
        }
        Py_INCREF(o);
        arrs[0] = o;
    }
    if (arrs[0]->descr->type_num != root->type || !ndm_dtype_isnative(arrs[0]->descr)
            || !(arrs[0]->flags & NDM_ALIGNED)) {
        if ((p.root_slot = new_slot(&p, rdescr->itemsize)) < 0) {
            goto fail;
        }
        root->out_slot = p.root_slot;
        p.out_from = rdescr;
        Py_INCREF(rdescr);
        p.out_to = arrs[0]->descr;
        Py_INCREF(p.out_to);
        p.out_cast = ndm_dtype_get_cast(p.out_from, p.out_to);
        p.needs_gil |= !ndm_cast_is_gil_free(p.out_from, p.out_to);
    }
    if (ndm_loop_init(&p.loop, p.narr, arrs, nd, shape) < 0) {
        goto fail;
    }
    short_rows_outer(&p.loop);
    Py_ssize_t size = 1;
    for (int d = 0; d < p.loop.nd; d++) {
        size *= p.loop.shape[d];
    }
    if (size > 0) {
        p.inner = p.loop.shape[p.loop.nd - 1];
        p.bpr = (p.inner + BLOCK - 1) / BLOCK;
        p.nblocks = size / p.inner * p.bpr;
        Py_ssize_t want = p.needs_gil ? 1 : (size + NDM_THREADS_MIN_CHUNK - 1) / NDM_THREADS_MIN_CHUNK;
        int nt = ndm_threads_count();
        want = want < nt ? want : nt;
        want = want < p.nblocks ? want : p.nblocks;
        p.ntasks = want < 1 ? 1 : (int)want;
        p.scratch = PyMem_RawMalloc((size_t)(p.ntasks * p.task_bytes) + SLOT_ALIGN);
        p.flags = PyMem_Calloc((size_t)p.ntasks * (size_t)p.nnodes, sizeof(int));
        if (p.scratch == NULL || p.flags == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        feclearexcept(FE_ALL);
        if (p.needs_gil || (p.ntasks == 1 && size < GIL_THRESHOLD)) {
            for (int t = 0; t < p.ntasks; t++) {
                run_task(&p, t);
            }
        }
        else {
            Py_BEGIN_ALLOW_THREADS
            ndm_threads_run(p.ntasks, run_task, &p);
            Py_END_ALLOW_THREADS
        }
        int rest = fetestexcept(FE_ALL);
        if (rest) {
            p.flags[p.nnodes - 1] |= rest;
            feclearexcept(FE_ALL);
        }
        if (p.failed) {
            goto fail;
        }
        for (int j = 0; j < p.nnodes; j++) {
            int f = 0;
            for (int t = 0; t < p.ntasks; t++) {
                f |= p.flags[t * p.nnodes + j];
            }
            if (f && ndm_ufunc_fpe_report(fpe_flags(f), p.nodes[j].name) < 0) {
                goto fail;
            }
        }
    }
    result = (PyObject *)arrs[0];
    arrs[0] = NULL;
fail:
    for (int k = 0; k < NDM_MAXARGS; k++) {
        Py_XDECREF(arrs[k]);
    }
    Py_XDECREF(rdescr);
    PyMem_Free(arr_index);
    plan_clear(&p);
    return result;
}

static PyMethodDef evaluate_methods[] = {
    {"_evaluate", evaluate, METH_VARARGS,
     "_evaluate(ops, nodes, out, order, casting)\n--\n\n"
     "Run a parsed expression block by block (ndmem.evaluate's executor).\n"
     "ops: ndmem arrays and Python scalars; nodes: (ufunc name, refs) in\n"
     "order, a ref naming ops[ref] or node ref - len(ops); the last node\n"
     "is the result."},
    {NULL, NULL, 0, NULL},
};

int
ndm_evaluate_init(PyObject *module)
{
    return PyModule_AddFunctions(module, evaluate_methods);
}
