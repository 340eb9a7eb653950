/* Advanced indexing: integer and boolean arrays, as NumPy's mapping.c.
 * Results are copies laid out as NumPy lays them out; assignment checks
 * every index before it writes. */
#include "index_internal.h"
#include "iter.h"

/* ------------------------------------------------------------------ */
/* advanced indexing                                                  */

typedef struct {
    /* the view after the basic entries, fancy axes kept in place */
    int vnd;
    Py_ssize_t vshape[NDM_MAXDIMS];
    Py_ssize_t vstrides[NDM_MAXDIMS];
    int vfancy[NDM_MAXDIMS];     /* index into idx[] or -1 */
    int vnewaxis[NDM_MAXDIMS];
    int vaxis[NDM_MAXDIMS];      /* original axis (for messages) */
    char *data;
    /* index arrays (int64), one per fancy view axis */
    int nidx;
    NdmArray *idx[NDM_MAXDIMS];
    int idx_vdim[NDM_MAXDIMS];
    /* broadcast index shape */
    int bnd;
    Py_ssize_t bshape[NDM_MAXDIMS];
    Py_ssize_t istrides[NDM_MAXDIMS][NDM_MAXDIMS];   /* [idx][bdim] */
    /* subspace: the non-fancy view axes */
    int snd;
    Py_ssize_t sshape[NDM_MAXDIMS];
    Py_ssize_t sstrides[NDM_MAXDIMS];
    int snewaxis[NDM_MAXDIMS];
    int pos;                     /* where the fancy block goes in the result */
} Fancy;

static void
fancy_clear(Fancy *f)
{
    for (int i = 0; i < f->nidx; i++) {
        Py_CLEAR(f->idx[i]);
    }
    f->nidx = 0;
}

/* C-order nonzero of a boolean array: k int64 arrays of the true coords. */
static int
bool_nonzero(NdmArray *mask, NdmArray **out, Py_ssize_t *count_out)
{
    int k = mask->nd;
    Py_ssize_t size = ndm_array_size(mask);
    Py_ssize_t count = 0;
    Py_ssize_t idx[NDM_MAXDIMS];

    for (int pass = 0; pass < 2; pass++) {
        int64_t *cols[NDM_MAXDIMS];
        if (pass == 1) {
            for (int j = 0; j < k; j++) {
                NdmDtype *d = ndm_dtype_builtin(NDM_INT64);
                if (d == NULL) {
                    return -1;
                }
                out[j] = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, d, 1,
                                                   &count, NULL, NULL, 0, NULL);
                if (out[j] == NULL) {
                    for (int q = 0; q < j; q++) {
                        Py_CLEAR(out[q]);
                    }
                    return -1;
                }
                cols[j] = (int64_t *)out[j]->data;
            }
        }
        if (size == 0) {
            count = 0;
            continue;
        }
        Py_ssize_t n = 0;
        const char *ptr = mask->data;
        for (int j = 0; j < k; j++) {
            idx[j] = 0;
        }
        for (Py_ssize_t it = 0; it < size; it++) {
            if (*ptr) {
                if (pass == 1) {
                    for (int j = 0; j < k; j++) {
                        cols[j][n] = (int64_t)idx[j];
                    }
                }
                n++;
            }
            for (int j = k - 1; j >= 0; j--) {
                if (++idx[j] < mask->shape[j]) {
                    ptr += mask->strides[j];
                    break;
                }
                idx[j] = 0;
                ptr -= mask->strides[j] * (mask->shape[j] - 1);
            }
        }
        count = n;
    }
    *count_out = count;
    return 0;
}

static int
shapes_error(Fancy *f)
{
    char buf[2048];
    strcpy(buf, "shape mismatch: indexing arrays could not be broadcast together with shapes ");
    for (int i = 0; i < f->nidx; i++) {
        char s[256];
        ndm_format_shape(s, sizeof(s), f->idx[i]->shape, f->idx[i]->nd);
        strncat(buf, s, sizeof(buf) - strlen(buf) - 2);
        strncat(buf, " ", sizeof(buf) - strlen(buf) - 1);
    }
    PyErr_SetString(PyExc_IndexError, buf);
    return -1;
}

static int
add_idx(Fancy *f, NdmArray *arr, int vdim)
{
    if (f->nidx >= NDM_MAXDIMS) {
        Py_DECREF(arr);
        PyErr_SetString(PyExc_IndexError, "too many advanced indices");
        return -1;
    }
    f->idx[f->nidx] = arr;
    f->idx_vdim[f->nidx] = vdim;
    f->vfancy[vdim] = f->nidx;
    f->nidx++;
    return 0;
}

/* The errors NumPy raises before it looks at a value to assign: boolean
 * shapes (prepare_index), then integer bounds and zero slice steps in
 * key order (the subspace view). */
static int
check_key_axes(NdmArray *self, Parsed *p)
{
    int a = 0;
    for (int i = 0; i < p->n; i++) {
        Entry *e = &p->e[i];
        if (e->kind == IDX_BOOLARR) {
            for (int j = 0; j < e->arr->nd; j++, a++) {
                if (e->arr->shape[j] != 0 && e->arr->shape[j] != self->shape[a]) {
                    PyErr_Format(PyExc_IndexError,
                                 "boolean index did not match indexed array along axis %d; "
                                 "size of axis is %zd but size of corresponding boolean axis is %zd",
                                 a, self->shape[a], e->arr->shape[j]);
                    return -1;
                }
            }
        }
        else if (e->kind == IDX_ELLIPSIS) {
            a += (int)e->value;
        }
        else if (e->kind == IDX_INT || e->kind == IDX_SLICE || e->kind == IDX_FANCY) {
            a++;
        }
    }
    a = 0;
    for (int i = 0; i < p->n; i++) {
        Entry *e = &p->e[i];
        if (e->kind == IDX_INT) {
            Py_ssize_t v = e->value;
            if (ndm_index_normalize(&v, a, self->shape[a]) < 0) {
                return -1;
            }
            a++;
        }
        else if (e->kind == IDX_BOOLARR) {
            a += e->arr->nd;
        }
        else if (e->kind == IDX_ELLIPSIS) {
            a += (int)e->value;
        }
        else if (e->kind == IDX_SLICE) {
            Py_ssize_t start, stop, step;
            if (PySlice_Unpack(e->slice, &start, &stop, &step) < 0) {
                return -1;
            }
            a++;
        }
        else if (e->kind == IDX_FANCY) {
            a++;
        }
    }
    return 0;
}

static int
prepare_fancy(NdmArray *self, Parsed *p, Fancy *f)
{
    int ax = 0, vnd = 0;
    char *data = self->data;
    int consec_status = -1, consec = 0, result_dim = 0;

    f->nidx = 0;

    if (check_key_axes(self, p) < 0) {
        return -1;
    }

#define NEED_VDIM() do { if (vnd >= NDM_MAXDIMS) { return ndm_index_too_many_dims(vnd + 1); } } while (0)

    for (int i = 0; i < p->n; i++) {
        Entry *e = &p->e[i];
        int fancyish = e->kind == IDX_INT || e->kind == IDX_FANCY
                       || e->kind == IDX_BOOLARR || e->kind == IDX_BOOL0;
        if (fancyish) {
            if (consec_status == -1) {
                consec = result_dim;
                consec_status = 0;
            }
            else if (consec_status == 1) {
                consec_status = 2;
                consec = 0;
            }
        }
        else if (consec_status == 0) {
            consec_status = 1;
        }
        switch (e->kind) {
        case IDX_INT: {
            Py_ssize_t v = e->value;
            if (ndm_index_normalize(&v, ax, self->shape[ax]) < 0) {
                return -1;
            }
            data += v * self->strides[ax];
            ax++;
            break;
        }
        case IDX_SLICE: {
            Py_ssize_t start, stop, step;
            if (PySlice_Unpack(e->slice, &start, &stop, &step) < 0) {
                return -1;
            }
            Py_ssize_t len = PySlice_AdjustIndices(self->shape[ax], &start, &stop, step);
            NEED_VDIM();
            if (len <= 0) {
                len = 0;
                start = 0;
                step = 1;
            }
            f->vshape[vnd] = len;
            f->vstrides[vnd] = step * self->strides[ax];
            f->vfancy[vnd] = -1;
            f->vnewaxis[vnd] = 0;
            f->vaxis[vnd] = ax;
            data += start * self->strides[ax];
            vnd++;
            ax++;
            result_dim++;
            break;
        }
        case IDX_NEWAXIS:
            NEED_VDIM();
            f->vshape[vnd] = 1;
            f->vstrides[vnd] = 0;
            f->vfancy[vnd] = -1;
            f->vnewaxis[vnd] = 1;
            f->vaxis[vnd] = ax;
            vnd++;
            result_dim++;
            break;
        case IDX_ELLIPSIS:
            for (Py_ssize_t k = 0; k < e->value; k++) {
                NEED_VDIM();
                f->vshape[vnd] = self->shape[ax];
                f->vstrides[vnd] = self->strides[ax];
                f->vfancy[vnd] = -1;
                f->vnewaxis[vnd] = 0;
                f->vaxis[vnd] = ax;
                vnd++;
                ax++;
                result_dim++;
            }
            break;
        case IDX_FANCY:
            NEED_VDIM();
            f->vshape[vnd] = self->shape[ax];
            f->vstrides[vnd] = self->strides[ax];
            f->vnewaxis[vnd] = 0;
            f->vaxis[vnd] = ax;
            Py_INCREF(e->arr);
            if (add_idx(f, e->arr, vnd) < 0) {
                return -1;
            }
            vnd++;
            ax++;
            break;
        case IDX_BOOLARR: {
            NdmArray *m = e->arr;
            for (int j = 0; j < m->nd; j++) {
                if (m->shape[j] != 0 && m->shape[j] != self->shape[ax + j]) {
                    PyErr_Format(PyExc_IndexError,
                                 "boolean index did not match indexed array along axis %d; "
                                 "size of axis is %zd but size of corresponding boolean axis is %zd",
                                 ax + j, self->shape[ax + j], m->shape[j]);
                    return -1;
                }
            }
            NdmArray *cols[NDM_MAXDIMS];
            Py_ssize_t count;
            if (bool_nonzero(m, cols, &count) < 0) {
                return -1;
            }
            for (int j = 0; j < m->nd; j++) {
                if (vnd >= NDM_MAXDIMS) {
                    for (int q = j; q < m->nd; q++) {
                        Py_DECREF(cols[q]);
                    }
                    return ndm_index_too_many_dims(vnd + 1);
                }
                f->vshape[vnd] = self->shape[ax];
                f->vstrides[vnd] = self->strides[ax];
                f->vnewaxis[vnd] = 0;
                f->vaxis[vnd] = ax;
                if (add_idx(f, cols[j], vnd) < 0) {
                    for (int q = j + 1; q < m->nd; q++) {
                        Py_DECREF(cols[q]);
                    }
                    return -1;
                }
                vnd++;
                ax++;
            }
            break;
        }
        case IDX_BOOL0: {
            NEED_VDIM();
            NdmDtype *d = ndm_dtype_builtin(NDM_INT64);
            if (d == NULL) {
                return -1;
            }
            Py_ssize_t len = e->value ? 1 : 0;
            NdmArray *z = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, d, 1,
                                                    &len, NULL, NULL,
                                                    NDM_NEW_ZEROED, NULL);
            if (z == NULL) {
                return -1;
            }
            f->vshape[vnd] = 1;
            f->vstrides[vnd] = 0;
            f->vnewaxis[vnd] = 0;
            f->vaxis[vnd] = ax;
            if (add_idx(f, z, vnd) < 0) {
                return -1;
            }
            vnd++;
            break;
        }
        default:
            break;
        }
    }
    for (; ax < self->nd; ax++) {
        NEED_VDIM();
        f->vshape[vnd] = self->shape[ax];
        f->vstrides[vnd] = self->strides[ax];
        f->vfancy[vnd] = -1;
        f->vnewaxis[vnd] = 0;
        f->vaxis[vnd] = ax;
        vnd++;
    }
#undef NEED_VDIM
    f->vnd = vnd;
    f->data = data;
    f->pos = consec_status == 2 ? 0 : consec;

    /* broadcast the index arrays */
    int bnd = 0;
    for (int i = 0; i < f->nidx; i++) {
        if (f->idx[i]->nd > bnd) {
            bnd = f->idx[i]->nd;
        }
    }
    for (int j = 0; j < bnd; j++) {
        f->bshape[j] = 1;
    }
    for (int i = 0; i < f->nidx; i++) {
        NdmArray *a = f->idx[i];
        int off = bnd - a->nd;
        for (int j = 0; j < a->nd; j++) {
            Py_ssize_t d = a->shape[j];
            if (d == f->bshape[off + j] || d == 1) {
                continue;
            }
            if (f->bshape[off + j] == 1) {
                f->bshape[off + j] = d;
            }
            else {
                return shapes_error(f);
            }
        }
    }
    for (int i = 0; i < f->nidx; i++) {
        NdmArray *a = f->idx[i];
        int off = bnd - a->nd;
        for (int j = 0; j < bnd; j++) {
            int q = j - off;
            if (q < 0 || a->shape[q] == 1) {
                f->istrides[i][j] = 0;
            }
            else {
                f->istrides[i][j] = a->strides[q];
            }
        }
    }
    f->bnd = bnd;
    int snd = 0;
    for (int d = 0; d < vnd; d++) {
        if (f->vfancy[d] < 0) {
            f->sshape[snd] = f->vshape[d];
            f->sstrides[snd] = f->vstrides[d];
            f->snewaxis[snd] = f->vnewaxis[d];
            snd++;
        }
    }
    f->snd = snd;
    if (bnd + snd > NDM_MAXDIMS) {
        return ndm_index_too_many_dims(bnd + snd);
    }
    if (f->pos > snd) {
        f->pos = snd;
    }
    return 0;
}

static Py_ssize_t
shape_size(const Py_ssize_t *shape, int nd)
{
    Py_ssize_t n = 1;
    for (int i = 0; i < nd; i++) {
        n *= shape[i];
    }
    return n;
}

/* Walk the broadcast index space in C order.  For each position call
 * visit(ctx, k, offset) with k the flat position and offset the byte offset
 * into the view the indices select.  Checks bounds. */
typedef int (*visit_fn)(void *ctx, Py_ssize_t k, Py_ssize_t offset);

static int
walk_indices(Fancy *f, visit_fn visit, void *ctx)
{
    Py_ssize_t total = shape_size(f->bshape, f->bnd);
    if (total == 0) {
        return 0;
    }
    int m = f->nidx;
    const char *ptr[NDM_MAXDIMS];
    Py_ssize_t vsize[NDM_MAXDIMS], vstride[NDM_MAXDIMS];
    int vaxis[NDM_MAXDIMS];
    Py_ssize_t counter[NDM_MAXDIMS];
    for (int i = 0; i < m; i++) {
        ptr[i] = f->idx[i]->data;
        int vd = f->idx_vdim[i];
        vsize[i] = f->vshape[vd];
        vstride[i] = f->vstrides[vd];
        vaxis[i] = f->vaxis[vd];
    }
    /* the common 1-d case */
    if (m == 1 && f->bnd == 1) {
        const char *p = ptr[0];
        Py_ssize_t st = f->istrides[0][0];
        Py_ssize_t size = vsize[0], stride = vstride[0];
        for (Py_ssize_t k = 0; k < total; k++, p += st) {
            int64_t v;
            memcpy(&v, p, sizeof(v));
            Py_ssize_t x = (Py_ssize_t)v;
            if (x < 0) {
                x += size;
            }
            if (x < 0 || x >= size) {
                return ndm_index_out_of_bounds((Py_ssize_t)v, vaxis[0], size);
            }
            if (visit(ctx, k, x * stride) < 0) {
                return -1;
            }
        }
        return 0;
    }
    int bnd = f->bnd;
    for (int j = 0; j < bnd; j++) {
        counter[j] = 0;
    }
    for (Py_ssize_t k = 0; k < total; k++) {
        Py_ssize_t off = 0;
        for (int i = 0; i < m; i++) {
            int64_t v;
            memcpy(&v, ptr[i], sizeof(v));
            Py_ssize_t x = (Py_ssize_t)v;
            if (x < 0) {
                x += vsize[i];
            }
            if (x < 0 || x >= vsize[i]) {
                return ndm_index_out_of_bounds((Py_ssize_t)v, vaxis[i], vsize[i]);
            }
            off += x * vstride[i];
        }
        if (visit(ctx, k, off) < 0) {
            return -1;
        }
        for (int j = bnd - 1; j >= 0; j--) {
            if (++counter[j] < f->bshape[j]) {
                for (int i = 0; i < m; i++) {
                    ptr[i] += f->istrides[i][j];
                }
                break;
            }
            counter[j] = 0;
            for (int i = 0; i < m; i++) {
                ptr[i] -= f->istrides[i][j] * (f->bshape[j] - 1);
            }
        }
    }
    return 0;
}

static int
visit_nothing(void *ctx, Py_ssize_t k, Py_ssize_t offset)
{
    (void)ctx; (void)k; (void)offset;
    return 0;
}

/* Copy job for every index position: dst/src pointers advance per k.
 * The small fields come first: job_clear zeroes only those. */
typedef struct {
    Fancy *f;
    int get;                    /* 1: view -> result; 0: value -> view */
    int sub_elem;               /* subspace is one element */
    int scalar;
    Py_ssize_t itemsize;
    char *res;                  /* get: hidden result data; set: value data */
    Py_ssize_t boffset;         /* running offset over B */
    Py_ssize_t contig_step;     /* when B is walked contiguously: step */
    char *sub_base[2];          /* data pointers sub was optimised with */
    Py_ssize_t sub_off[2];      /* what optimising added to them (flips) */
    ndm_kernel kernel;
    NdmFillCtx fill;            /* set with a scalar */
    Py_ssize_t bstrides[NDM_MAXDIMS];   /* result/value strides over B */
    Py_ssize_t bcounter[NDM_MAXDIMS];
    NdmLoop sub;                /* the subspace loop, data relative */
} CopyJob;

static inline void
copy_elem(char *dst, const char *src, Py_ssize_t n)
{
    switch (n) {
    case 1: *dst = *src; break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    case 16: memcpy(dst, src, 16); break;
    default: memcpy(dst, src, (size_t)n); break;
    }
}

static int
visit_copy(void *ctx, Py_ssize_t k, Py_ssize_t offset)
{
    (void)k;
    CopyJob *j = (CopyJob *)ctx;
    Fancy *f = j->f;
    char *view = f->data + offset;
    char *other = j->res + j->boffset;

    if (j->sub_elem) {
        if (j->get) {
            copy_elem(other, view, j->itemsize);
        }
        else if (j->scalar) {
            copy_elem(view, j->fill.value, j->itemsize);
        }
        else {
            copy_elem(view, other, j->itemsize);
        }
    }
    else {
        char *d0, *d1 = NULL;
        void *kctx = &j->itemsize;
        if (j->get) {
            d0 = other + j->sub_off[0];
            d1 = view + j->sub_off[1];
        }
        else if (j->scalar) {
            d0 = view + j->sub_off[0];
            kctx = &j->fill;
        }
        else {
            d0 = view + j->sub_off[0];
            d1 = other + j->sub_off[1];
        }
        if (j->sub.nd == 1) {
            char *args[2] = {d0, d1};
            Py_ssize_t steps[2] = {j->sub.strides[0][0],
                                   j->sub.nop > 1 ? j->sub.strides[1][0] : 0};
            j->kernel(args, j->sub.shape[0], steps, kctx);
        }
        else {
            j->sub.data[0] = d0;
            j->sub.data[1] = d1;
            ndm_loop_run(&j->sub, j->kernel, kctx, 1);
        }
    }
    /* advance over B */
    if (j->contig_step) {
        j->boffset += j->contig_step;
        return 0;
    }
    for (int d = f->bnd - 1; d >= 0; d--) {
        if (++j->bcounter[d] < f->bshape[d]) {
            j->boffset += j->bstrides[d];
            return 0;
        }
        j->bcounter[d] = 0;
        j->boffset -= j->bstrides[d] * (f->bshape[d] - 1);
    }
    return 0;
}

/* Zero everything but the (large) subspace loop, which is set when used. */
static void
job_clear(CopyJob *j)
{
    memset(j, 0, offsetof(CopyJob, bstrides));
    j->sub.nop = 0;
    j->sub.nd = 0;
}

static void
job_init_b(CopyJob *j, const Py_ssize_t *bstrides)
{
    Fancy *f = j->f;
    j->boffset = 0;
    for (int d = 0; d < f->bnd; d++) {
        j->bstrides[d] = bstrides[d];
        j->bcounter[d] = 0;
    }
    /* B walked with a single constant step? */
    j->contig_step = 0;
    Py_ssize_t expect = 0;
    int ok = 1, first = 1;
    for (int d = f->bnd - 1; d >= 0; d--) {
        if (f->bshape[d] == 1) {
            continue;
        }
        if (first) {
            expect = bstrides[d];
            first = 0;
            j->contig_step = expect;
            expect *= f->bshape[d];
        }
        else if (bstrides[d] != expect) {
            ok = 0;
            break;
        }
        else {
            expect *= f->bshape[d];
        }
    }
    if (!ok || j->contig_step == 0) {
        j->contig_step = 0;
        if (ok) {
            /* zero step everywhere (or a single position): the counter
             * walk handles both */
        }
    }
}

/* The hot 1-d cases: one index array, one index dimension, no subspace. */
#define TAKE_LOOP(N)                                                        \
    for (Py_ssize_t k = 0; k < n; k++, ip += ist) {                         \
        int64_t v;                                                          \
        memcpy(&v, ip, sizeof(v));                                          \
        Py_ssize_t x = (Py_ssize_t)v;                                       \
        if (x < 0) {                                                        \
            x += size;                                                      \
        }                                                                   \
        if (x < 0 || x >= size) {                                           \
            return ndm_index_out_of_bounds((Py_ssize_t)v, axis, size);                \
        }                                                                   \
        memcpy(dst + k * (N), src + x * stride, (size_t)(N));               \
    }

static int
take_1d(const char *src, Py_ssize_t stride, Py_ssize_t size, int axis,
        const char *ip, Py_ssize_t ist, Py_ssize_t n, char *dst, Py_ssize_t itemsize)
{
    switch (itemsize) {
    case 1: TAKE_LOOP(1) break;
    case 2: TAKE_LOOP(2) break;
    case 4: TAKE_LOOP(4) break;
    case 8: TAKE_LOOP(8) break;
    case 16: TAKE_LOOP(16) break;
    default: TAKE_LOOP(itemsize) break;
    }
    return 0;
}

/* Bounds were checked before. */
#define PUT_LOOP(N)                                                         \
    for (Py_ssize_t k = 0; k < n; k++, ip += ist, val += vstep) {           \
        int64_t v;                                                          \
        memcpy(&v, ip, sizeof(v));                                          \
        Py_ssize_t x = (Py_ssize_t)v;                                       \
        if (x < 0) {                                                        \
            x += size;                                                      \
        }                                                                   \
        memcpy(dst + x * stride, val, (size_t)(N));                         \
    }

static void
put_1d(char *dst, Py_ssize_t stride, Py_ssize_t size, const char *ip,
       Py_ssize_t ist, Py_ssize_t n, const char *val, Py_ssize_t vstep,
       Py_ssize_t itemsize)
{
    switch (itemsize) {
    case 1: PUT_LOOP(1) break;
    case 2: PUT_LOOP(2) break;
    case 4: PUT_LOOP(4) break;
    case 8: PUT_LOOP(8) break;
    case 16: PUT_LOOP(16) break;
    default: PUT_LOOP(itemsize) break;
    }
}

static int
fast_1d(const Fancy *f)
{
    return f->nidx == 1 && f->bnd == 1 && f->snd == 0;
}

/* A boolean mask with the array's own shape (a[mask]): C order walk. */
static Py_ssize_t
mask_count(NdmArray *m)
{
    int nd = m->nd;
    for (int d = 0; d < nd; d++) {
        if (m->shape[d] == 0) {
            return 0;
        }
    }
    Py_ssize_t inner = m->shape[nd - 1], st = m->strides[nd - 1], count = 0;
    Py_ssize_t idx[NDM_MAXDIMS];
    const char *mp = m->data;
    for (int d = 0; d < nd; d++) {
        idx[d] = 0;
    }
    for (;;) {
        if (st == 1) {
            for (Py_ssize_t i = 0; i < inner; i++) {
                count += mp[i] != 0;
            }
        }
        else {
            for (Py_ssize_t i = 0; i < inner; i++) {
                count += mp[i * st] != 0;
            }
        }
        int d = nd - 2;
        for (; d >= 0; d--) {
            if (++idx[d] < m->shape[d]) {
                mp += m->strides[d];
                break;
            }
            idx[d] = 0;
            mp -= m->strides[d] * (m->shape[d] - 1);
        }
        if (d < 0) {
            return count;
        }
    }
}

#define MASK_INNER(N)                                                       \
    for (Py_ssize_t i = 0; i < inner; i++) {                                \
        if (mp[i * m_in]) {                                                 \
            if (get) {                                                      \
                memcpy(other, sp + i * s_in, (size_t)(N));                  \
            }                                                               \
            else {                                                          \
                memcpy(sp + i * s_in, other, (size_t)(N));                  \
            }                                                               \
            other += ostep;                                                 \
        }                                                                   \
    }

/* get: copy the selected elements of self to other (advancing by ostep);
 * set: copy other (advancing by ostep, 0 for a scalar) into them. */
static void
mask_copy(NdmArray *self, NdmArray *m, char *other, Py_ssize_t ostep, int get)
{
    int nd = self->nd;
    for (int d = 0; d < nd; d++) {
        if (self->shape[d] == 0) {
            return;
        }
    }
    Py_ssize_t inner = self->shape[nd - 1];
    Py_ssize_t s_in = self->strides[nd - 1], m_in = m->strides[nd - 1];
    Py_ssize_t isz = self->descr->itemsize;
    Py_ssize_t idx[NDM_MAXDIMS];
    char *sp = self->data;
    const char *mp = m->data;
    for (int d = 0; d < nd; d++) {
        idx[d] = 0;
    }
    for (;;) {
        switch (isz) {
        case 1: MASK_INNER(1) break;
        case 2: MASK_INNER(2) break;
        case 4: MASK_INNER(4) break;
        case 8: MASK_INNER(8) break;
        case 16: MASK_INNER(16) break;
        default: MASK_INNER(isz) break;
        }
        int d = nd - 2;
        for (; d >= 0; d--) {
            if (++idx[d] < self->shape[d]) {
                sp += self->strides[d];
                mp += m->strides[d];
                break;
            }
            idx[d] = 0;
            sp -= self->strides[d] * (self->shape[d] - 1);
            mp -= m->strides[d] * (m->shape[d] - 1);
        }
        if (d < 0) {
            return;
        }
    }
}

/* NumPy's HAS_BOOL: the key is one boolean array of exactly a's shape
 * (any other boolean array goes through nonzero, as integer arrays). */
static int
is_full_mask(NdmArray *self, Parsed *p)
{
    if (p->n != 1 || p->e[0].kind != IDX_BOOLARR || self->nd == 0
            || p->e[0].arr->nd != self->nd) {
        return 0;
    }
    for (int d = 0; d < self->nd; d++) {
        if (p->e[0].arr->shape[d] != self->shape[d]) {
            return 0;
        }
    }
    return 1;
}

static PyObject *
mask_get(NdmArray *self, NdmArray *m)
{
    Py_ssize_t count = mask_count(m);
    Py_INCREF(self->descr);
    /* data NULL: self only reaches __array_finalize__, as in NumPy */
    NdmArray *r = (NdmArray *)ndm_array_new(Py_TYPE(self), self->descr, 1, &count,
                                            NULL, NULL, 0, (PyObject *)self);
    if (r == NULL) {
        return NULL;
    }
    if (count > 0) {
        mask_copy(self, m, r->data, self->descr->itemsize, 1);
    }
    return (PyObject *)r;
}

static int
mask_set(NdmArray *self, NdmArray *m, PyObject *value)
{
    Py_ssize_t itemsize = self->descr->itemsize;
    if (ndm_is_scalar_value(self->descr, value)) {
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
        int rc = ndm_dtype_setitem(self->descr, buf, value);
        if (rc == 0 && mask_count(m) > 0) {
            mask_copy(self, m, buf, 0, 0);
        }
        if (buf != stack) {
            PyMem_Free(buf);
        }
        return rc;
    }
    NdmArray *val;
    if (NdmArray_Check(value)) {
        Py_INCREF(value);
        val = (NdmArray *)value;
    }
    else {
        val = (NdmArray *)ndm_array_from_any(value, self->descr, -1, 'K', 0);
        if (val == NULL) {
            return -1;
        }
    }
    if (val->nd > 1) {
        PyErr_Format(PyExc_TypeError,
                     "NumPy boolean array indexing assignment requires a 0 or "
                     "1-dimensional input, input has %d dimensions", val->nd);
        Py_DECREF(val);
        return -1;
    }
    Py_ssize_t count = mask_count(m);
    Py_ssize_t vlen = val->nd == 0 ? 1 : val->shape[0];
    if (vlen != 1 && vlen != count) {
        PyErr_Format(PyExc_ValueError,
                     "NumPy boolean array indexing assignment cannot assign "
                     "%zd input values to the %zd output values where the mask is true",
                     vlen, count);
        Py_DECREF(val);
        return -1;
    }
    if (count == 0) {
        /* NumPy picks no cast (and gives no cast warning) for an empty mask */
        Py_DECREF(val);
        return 0;
    }
    /* NumPy casts element by element while it walks the mask and makes no
     * copy for an overlapping value of the same dtype; a value of another
     * dtype is cast into a private copy first */
    if (!ndm_dtype_equiv(val->descr, self->descr)) {
        Py_INCREF(self->descr);
        NdmArray *c = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, self->descr,
                                                val->nd, val->shape, NULL, NULL, 0, NULL);
        if (c == NULL || ndm_array_assign(c, val, NDM_UNSAFE_CASTING) < 0) {
            Py_XDECREF(c);
            Py_DECREF(val);
            return -1;
        }
        Py_SETREF(val, c);
    }
    mask_copy(self, m, val->data, vlen == 1 ? 0 : val->strides[0], 0);
    Py_DECREF(val);
    return 0;
}

/* a[True] = v and a[False] = v on a 0-d array: NumPy's single boolean
 * index of matching (empty) shape, selecting one element or none. */
static int
bool0_set(NdmArray *self, int truth, PyObject *value)
{
    NdmArray *val;
    if (NdmArray_Check(value)) {
        Py_INCREF(value);
        val = (NdmArray *)value;
    }
    else {
        val = (NdmArray *)ndm_array_from_any(value, self->descr, -1, 'K', 0);
        if (val == NULL) {
            return -1;
        }
    }
    int rc = -1;
    Py_ssize_t vlen = val->nd == 0 ? 1 : val->shape[0];
    if (val->nd > 1) {
        PyErr_Format(PyExc_TypeError,
                     "NumPy boolean array indexing assignment requires a 0 or "
                     "1-dimensional input, input has %d dimensions", val->nd);
    }
    else if (vlen != 1 && vlen != truth) {
        PyErr_Format(PyExc_ValueError,
                     "NumPy boolean array indexing assignment cannot assign "
                     "%zd input values to the %d output values where the mask is true",
                     vlen, truth);
    }
    else if (!truth) {
        rc = 0;
    }
    else {
        Py_INCREF(val->descr);
        NdmArray *first = (NdmArray *)ndm_array_view(val, val->descr, 0, NULL, NULL,
                                                     val->data, ndm_state.ndarray_type);
        if (first != NULL) {
            rc = ndm_array_assign(self, first, NDM_UNSAFE_CASTING);
            Py_DECREF(first);
        }
    }
    Py_DECREF(val);
    return rc;
}

static PyObject *
fancy_get(NdmArray *self, Fancy *f)
{
    Py_ssize_t itemsize = self->descr->itemsize;
    int hnd = f->bnd + f->snd;
    Py_ssize_t hshape[NDM_MAXDIMS], hstrides[NDM_MAXDIMS];
    int any_newaxis = 0;

    for (int d = 0; d < f->bnd; d++) {
        hshape[d] = f->bshape[d];
    }
    for (int d = 0; d < f->snd; d++) {
        hshape[f->bnd + d] = f->sshape[d];
        any_newaxis |= f->snewaxis[d];
    }
    (void)any_newaxis;
    Py_ssize_t total = shape_size(hshape, hnd);
    /* NumPy's layout: the index dimensions outermost in C order; the
     * subspace keeps the memory order of the indexed view (axes sorted by
     * decreasing |stride|, ties in axis order, as PyArray_NewLikeArray). */
    int perm[NDM_MAXDIMS];
    for (int d = 0; d < f->snd; d++) {
        int q = d;
        Py_ssize_t sd = f->sstrides[d] < 0 ? -f->sstrides[d] : f->sstrides[d];
        while (q > 0) {
            Py_ssize_t sp = f->sstrides[perm[q - 1]];
            if (sp < 0) {
                sp = -sp;
            }
            if (sp >= sd) {
                break;
            }
            perm[q] = perm[q - 1];
            q--;
        }
        perm[q] = d;
    }
    Py_ssize_t step = itemsize;
    for (int q = f->snd - 1; q >= 0; q--) {
        hstrides[f->bnd + perm[q]] = step;
        step *= f->sshape[perm[q]];
    }
    for (int d = f->bnd - 1; d >= 0; d--) {
        hstrides[d] = step;
        step *= f->bshape[d];
    }
    Py_INCREF(self->descr);
    NdmArray *h = (NdmArray *)ndm_array_new(Py_TYPE(self), self->descr, hnd, hshape,
                                            total > 0 ? hstrides : NULL,
                                            NULL, 0, (PyObject *)self);
    if (h == NULL) {
        return NULL;
    }
    CopyJob job;
    job_clear(&job);
    job.f = f;
    job.get = 1;
    job.itemsize = itemsize;
    job.res = h->data;
    job_init_b(&job, h->strides);
    job.sub_elem = f->snd == 0;
    if (total > 0 && !job.sub_elem) {
        job.sub.nop = 2;
        job.sub.nd = f->snd;
        for (int d = 0; d < f->snd; d++) {
            job.sub.shape[d] = f->sshape[d];
            job.sub.strides[0][d] = h->strides[f->bnd + d];
            job.sub.strides[1][d] = f->sstrides[d];
        }
        job.sub.data[0] = h->data;
        job.sub.data[1] = f->data;
        job.sub_base[0] = h->data;
        job.sub_base[1] = f->data;
        ndm_loop_optimize(&job.sub);
        job.sub_off[0] = job.sub.data[0] - job.sub_base[0];
        job.sub_off[1] = job.sub.nop > 1 ? job.sub.data[1] - job.sub_base[1] : 0;
        job.kernel = ndm_copy_kernel(itemsize);
    }
    int rc;
    if (total > 0 && fast_1d(f)) {
        int vd = f->idx_vdim[0];
        rc = take_1d(f->data, f->vstrides[vd], f->vshape[vd], f->vaxis[vd],
                     f->idx[0]->data, f->istrides[0][0], f->bshape[0], h->data, itemsize);
    }
    else if (total > 0) {
        rc = walk_indices(f, visit_copy, &job);
    }
    else {
        rc = walk_indices(f, visit_nothing, NULL);
    }
    if (rc < 0) {
        Py_DECREF(h);
        return NULL;
    }
    if (f->pos == 0 || f->bnd == 0) {
        return (PyObject *)h;
    }
    /* move the index block to its place: a view of the hidden result */
    Py_ssize_t rshape[NDM_MAXDIMS], rstrides[NDM_MAXDIMS];
    int r = 0;
    for (int d = 0; d < f->pos; d++, r++) {
        rshape[r] = h->shape[f->bnd + d];
        rstrides[r] = h->strides[f->bnd + d];
    }
    for (int d = 0; d < f->bnd; d++, r++) {
        rshape[r] = h->shape[d];
        rstrides[r] = h->strides[d];
    }
    for (int d = f->pos; d < f->snd; d++, r++) {
        rshape[r] = h->shape[f->bnd + d];
        rstrides[r] = h->strides[f->bnd + d];
    }
    Py_INCREF(h->descr);
    PyObject *res = ndm_array_view(h, h->descr, hnd, rshape, rstrides, h->data, NULL);
    Py_DECREF(h);
    return res;
}

/* Strides of val broadcast to the result shape (leading length-1 value
 * axes dropped, as NumPy); -1 with NumPy's error when it does not fit. */
static int
value_strides(NdmArray *val, const Py_ssize_t *rshape, int rnd,
              Py_ssize_t *vstr)
{
    int vnd = val->nd;
    const Py_ssize_t *vs = val->shape, *vst = val->strides;
    int ok = 1;
    while (vnd > rnd) {
        if (vs[0] != 1) {
            ok = 0;
            break;
        }
        vs++;
        vst++;
        vnd--;
    }
    int off = rnd - vnd;
    for (int i = 0; ok && i < rnd; i++) {
        int q = i - off;
        if (q < 0) {
            vstr[i] = 0;
        }
        else if (vs[q] == rshape[i]) {
            vstr[i] = rshape[i] == 1 ? 0 : vst[q];
        }
        else if (vs[q] == 1) {
            vstr[i] = 0;
        }
        else {
            ok = 0;
        }
    }
    if (ok) {
        return 0;
    }
    char s1[512], s2[512];
    ndm_format_shape(s1, sizeof(s1), val->shape, val->nd);
    ndm_format_shape(s2, sizeof(s2), rshape, rnd);
    PyErr_Format(PyExc_ValueError,
                 "shape mismatch: value array of shape %s could not be "
                 "broadcast to indexing result of shape %s", s1, s2);
    return -1;
}

static int
fancy_set(NdmArray *self, Fancy *f, NdmArray *val)
{
    Py_ssize_t itemsize = self->descr->itemsize;
    CopyJob job;
    job_clear(&job);
    job.f = f;
    job.get = 0;
    job.itemsize = itemsize;

    int rnd = f->bnd + f->snd;
    Py_ssize_t rshape[NDM_MAXDIMS], vstr[NDM_MAXDIMS];
    {
        int r = 0;
        for (int d = 0; d < f->pos; d++) {
            rshape[r++] = f->sshape[d];
        }
        for (int d = 0; d < f->bnd; d++) {
            rshape[r++] = f->bshape[d];
        }
        for (int d = f->pos; d < f->snd; d++) {
            rshape[r++] = f->sshape[d];
        }
    }
    Py_ssize_t total = shape_size(rshape, rnd);
    /* NumPy's order: the value's shape, then the bounds; nothing is
     * written when an index is bad */
    if (value_strides(val, rshape, rnd, vstr) < 0) {
        return -1;
    }
    if (fast_1d(f)) {
        int vd = f->idx_vdim[0];
        Py_ssize_t size = f->vshape[vd], n = f->bshape[0], ist = f->istrides[0][0];
        const char *ip = f->idx[0]->data;
        for (Py_ssize_t k = 0; k < n; k++, ip += ist) {
            int64_t v;
            memcpy(&v, ip, sizeof(v));
            if (v < -(int64_t)size || v >= (int64_t)size) {
                return ndm_index_out_of_bounds((Py_ssize_t)v, f->vaxis[vd], size);
            }
        }
    }
    else if (walk_indices(f, visit_nothing, NULL) < 0) {
        return -1;
    }
    /* one private copy in our dtype settles casting and overlap (NumPy
     * copies a value that may share memory with the array); made even for
     * an empty result, as NumPy's cast warnings come before the size */
    Py_INCREF(val);
    if (!ndm_dtype_equiv(val->descr, self->descr)
            || (total > 0 && ndm_overlap_may_share(val, self))) {
        Py_INCREF(self->descr);
        NdmArray *c = (NdmArray *)ndm_array_new(ndm_state.ndarray_type, self->descr,
                                                val->nd, val->shape, NULL, NULL, 0, NULL);
        if (c == NULL || ndm_array_assign(c, val, NDM_UNSAFE_CASTING) < 0) {
            Py_XDECREF(c);
            Py_DECREF(val);
            return -1;
        }
        Py_SETREF(val, c);
        value_strides(val, rshape, rnd, vstr);
    }
    if (total == 0) {
        Py_DECREF(val);
        return 0;
    }
    int rc;
    if (val->nd == 0) {
        /* one value: the fill kernels */
        if (fast_1d(f)) {
            int vd = f->idx_vdim[0];
            put_1d(f->data, f->vstrides[vd], f->vshape[vd], f->idx[0]->data,
                   f->istrides[0][0], f->bshape[0], val->data, 0, itemsize);
            Py_DECREF(val);
            return 0;
        }
        job.scalar = 1;
        job.fill.value = val->data;
        job.fill.itemsize = itemsize;
        job.res = val->data;
        Py_ssize_t zeros[NDM_MAXDIMS] = {0};
        job_init_b(&job, zeros);
        job.sub_elem = f->snd == 0;
        if (!job.sub_elem) {
            job.sub.nop = 1;
            job.sub.nd = f->snd;
            for (int d = 0; d < f->snd; d++) {
                job.sub.shape[d] = f->sshape[d];
                job.sub.strides[0][d] = f->sstrides[d];
            }
            job.sub.data[0] = f->data;
            job.sub_base[0] = f->data;
            ndm_loop_optimize(&job.sub);
            job.sub_off[0] = job.sub.data[0] - job.sub_base[0];
            job.kernel = ndm_fill_kernel(itemsize);
        }
        rc = walk_indices(f, visit_copy, &job);
        Py_DECREF(val);
        return rc;
    }
    /* value strides in (B, subspace) order */
    Py_ssize_t bstr[NDM_MAXDIMS], sstr[NDM_MAXDIMS];
    {
        int r = 0;
        for (int d = 0; d < f->pos; d++) {
            sstr[d] = vstr[r++];
        }
        for (int d = 0; d < f->bnd; d++) {
            bstr[d] = vstr[r++];
        }
        for (int d = f->pos; d < f->snd; d++) {
            sstr[d] = vstr[r++];
        }
    }
    if (fast_1d(f)) {
        int vd = f->idx_vdim[0];
        put_1d(f->data, f->vstrides[vd], f->vshape[vd], f->idx[0]->data,
               f->istrides[0][0], f->bshape[0], val->data, bstr[0], itemsize);
        Py_DECREF(val);
        return 0;
    }
    job.res = val->data;
    job_init_b(&job, bstr);
    job.sub_elem = f->snd == 0;
    if (!job.sub_elem) {
        job.sub.nop = 2;
        job.sub.nd = f->snd;
        for (int d = 0; d < f->snd; d++) {
            job.sub.shape[d] = f->sshape[d];
            job.sub.strides[0][d] = f->sstrides[d];
            job.sub.strides[1][d] = sstr[d];
        }
        job.sub.data[0] = f->data;
        job.sub.data[1] = val->data;
        job.sub_base[0] = f->data;
        job.sub_base[1] = val->data;
        ndm_loop_optimize(&job.sub);
        job.sub_off[0] = job.sub.data[0] - job.sub_base[0];
        job.sub_off[1] = job.sub.data[1] - job.sub_base[1];
        job.kernel = ndm_copy_kernel(itemsize);
    }
    rc = walk_indices(f, visit_copy, &job);
    Py_DECREF(val);
    return rc;
}

/* ------------------------------------------------------------------ */
/* entry points                                                       */

PyObject *
ndm_index_advanced_get(NdmArray *self, Parsed *p)
{
    if (is_full_mask(self, p)) {
        return mask_get(self, p->e[0].arr);
    }
    Fancy f;
    f.nidx = 0;
    PyObject *res = NULL;
    if (prepare_fancy(self, p, &f) == 0) {
        res = fancy_get(self, &f);
    }
    fancy_clear(&f);
    return res;
}

int
ndm_index_advanced_set(NdmArray *self, Parsed *p, PyObject *value)
{
    if (is_full_mask(self, p)) {
        return mask_set(self, p->e[0].arr, value);
    }
    if (self->nd == 0 && p->n == 1 && p->e[0].kind == IDX_BOOL0) {
        return bool0_set(self, (int)p->e[0].value, value);
    }
    /* NumPy converts the value before it broadcasts the index arrays and
     * checks their bounds, so a bad value is the error reported first */
    if (check_key_axes(self, p) < 0) {
        return -1;
    }
    PyObject *val = value;
    if (!NdmArray_Check(value)) {
        val = ndm_array_from_any(value, self->descr, -1, 'K', 0);
        if (val == NULL) {
            return -1;
        }
    }
    else {
        Py_INCREF(val);
    }
    Fancy f;
    f.nidx = 0;
    int rc = -1;
    if (prepare_fancy(self, p, &f) == 0) {
        rc = fancy_set(self, &f, (NdmArray *)val);
    }
    fancy_clear(&f);
    Py_DECREF(val);
    return rc;
}
