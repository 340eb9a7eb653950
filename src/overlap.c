/* may_share_memory (bounds) and shares_memory (exact).
 *
 * Two arrays overlap when some byte of an element of one equals some byte of
 * an element of the other.  Flipping negative strides and counting bytes
 * from the far end of b turns that into a bounded linear Diophantine
 * equation with positive coefficients:
 *
 *     sum_i c_i x_i = rhs,   0 <= x_i <= u_i
 *
 * with one term per dimension of either array (c = |stride|, u = extent - 1)
 * and one unit term per array for the bytes inside an element (u = itemsize
 * - 1).  The search below is depth first over the terms in decreasing
 * coefficient order, pruned by reachability and by divisibility (the gcd of
 * the remaining coefficients must divide what is left). */
#include "ndarray.h"

#define MAY_SHARE_BOUNDS 0
#define MAY_SHARE_EXACT (-1)   /* any negative max_work down to -2 */

typedef struct {
    uint64_t coef;
    uint64_t bound;
} Term;

typedef enum { OVERLAP_NO = 0, OVERLAP_YES = 1, OVERLAP_TOO_HARD = 2 } Overlap;

typedef struct {
    Term terms[2 * NDM_MAXDIMS + 2];
    int n;
    uint64_t gcd_tail[2 * NDM_MAXDIMS + 3];   /* gcd of coef[i:] */
    uint64_t max_tail[2 * NDM_MAXDIMS + 3];   /* sum of coef*bound over [i:], saturated */
    Py_ssize_t work;
    Py_ssize_t max_work;
} Problem;

static PyObject *TooHardError;

static uint64_t
gcd_u64(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The lowest byte and one past the highest byte any element touches. */
static void
byte_extent(NdmArray *a, char **low, char **high)
{
    Py_ssize_t lo = 0, hi = a->descr->itemsize;
    for (int i = 0; i < a->nd; i++) {
        Py_ssize_t span = (a->shape[i] - 1) * a->strides[i];
        if (span < 0) {
            lo += span;
        }
        else {
            hi += span;
        }
    }
    *low = a->data + lo;
    *high = a->data + hi;
}

static void
add_terms(Problem *p, NdmArray *a)
{
    for (int i = 0; i < a->nd; i++) {
        if (a->shape[i] > 1 && a->strides[i] != 0) {
            Py_ssize_t s = a->strides[i];
            p->terms[p->n].coef = (uint64_t)(s < 0 ? -s : s);
            p->terms[p->n].bound = (uint64_t)(a->shape[i] - 1);
            p->n++;
        }
    }
    if (a->descr->itemsize > 1) {
        p->terms[p->n].coef = 1;
        p->terms[p->n].bound = (uint64_t)(a->descr->itemsize - 1);
        p->n++;
    }
}

static int
by_coef_descending(const void *x, const void *y)
{
    uint64_t a = ((const Term *)x)->coef, b = ((const Term *)y)->coef;
    return (a < b) - (a > b);
}

/* Merge equal coefficients, drop terms that cannot be used, sort. */
static void
simplify(Problem *p, uint64_t rhs)
{
    qsort(p->terms, (size_t)p->n, sizeof(Term), by_coef_descending);
    int out = 0;
    for (int i = 0; i < p->n; i++) {
        Term t = p->terms[i];
        if (t.coef > rhs || t.bound == 0) {
            continue;
        }
        if (out > 0 && p->terms[out - 1].coef == t.coef) {
            p->terms[out - 1].bound += t.bound;
            continue;
        }
        p->terms[out++] = t;
    }
    p->n = out;
    p->gcd_tail[p->n] = 0;
    p->max_tail[p->n] = 0;
    for (int i = p->n - 1; i >= 0; i--) {
        Term t = p->terms[i];
        p->gcd_tail[i] = gcd_u64(t.coef, p->gcd_tail[i + 1]);
        uint64_t reach = t.bound > UINT64_MAX / t.coef ? UINT64_MAX : t.coef * t.bound;
        uint64_t sum = p->max_tail[i + 1] + reach;
        p->max_tail[i] = sum < reach ? UINT64_MAX : sum;
    }
}

static Overlap
search(Problem *p, int i, uint64_t rhs)
{
    if (rhs == 0) {
        return OVERLAP_YES;
    }
    if (i == p->n || rhs > p->max_tail[i] || rhs % p->gcd_tail[i] != 0) {
        return OVERLAP_NO;
    }
    Term t = p->terms[i];
    if (i == p->n - 1) {
        return (rhs % t.coef == 0 && rhs / t.coef <= t.bound) ? OVERLAP_YES : OVERLAP_NO;
    }
    /* One unit of work per node with two or more unknowns left, as NumPy's
     * diophantine_dfs counts (its last unknown is solved directly). */
    if (p->max_work >= 0 && ++p->work > p->max_work) {
        return OVERLAP_TOO_HARD;
    }
    uint64_t most = rhs / t.coef;
    if (most > t.bound) {
        most = t.bound;
    }
    /* Fewest uses of this term that can still reach rhs with the rest. */
    uint64_t least = 0;
    if (rhs > p->max_tail[i + 1]) {
        least = (rhs - p->max_tail[i + 1] + t.coef - 1) / t.coef;
    }
    for (uint64_t x = most + 1; x-- > least;) {
        Overlap r = search(p, i + 1, rhs - x * t.coef);
        if (r != OVERLAP_NO) {
            return r;
        }
    }
    return OVERLAP_NO;
}

static Overlap
solve_overlap(NdmArray *a, NdmArray *b, Py_ssize_t max_work)
{
    char *a_low, *a_high, *b_low, *b_high;

    if (ndm_array_size(a) == 0 || ndm_array_size(b) == 0) {
        return OVERLAP_NO;
    }
    byte_extent(a, &a_low, &a_high);
    byte_extent(b, &b_low, &b_high);
    if (a_high <= b_low || b_high <= a_low) {
        return OVERLAP_NO;
    }
    if (max_work == MAY_SHARE_BOUNDS) {
        return OVERLAP_TOO_HARD;
    }
    /* Of the two symmetric forms, the smaller right-hand side is less work. */
    uint64_t rhs_ab = (uint64_t)(b_high - 1 - a_low);
    uint64_t rhs_ba = (uint64_t)(a_high - 1 - b_low);
    Problem *p = PyMem_Calloc(1, sizeof(Problem));
    if (p == NULL) {
        return OVERLAP_TOO_HARD;
    }
    uint64_t rhs = rhs_ab < rhs_ba ? rhs_ab : rhs_ba;
    add_terms(p, a);
    add_terms(p, b);
    p->max_work = max_work;
    simplify(p, rhs);
    Overlap result = search(p, 0, rhs);
    PyMem_Free(p);
    return result;
}

static PyObject *
as_array(PyObject *obj)
{
    if (NdmArray_Check(obj)) {
        Py_INCREF(obj);
        return obj;
    }
    return ndm_array_from_any(obj, NULL, -1, 'K', 0);
}

static PyObject *
share_memory(PyObject *args, PyObject *kwds, Py_ssize_t default_work, int raise_too_hard)
{
    static char *kwlist[] = {"a", "b", "max_work", NULL};
    PyObject *a_obj, *b_obj, *work_obj = Py_None;
    PyObject *a = NULL, *b = NULL;
    Py_ssize_t max_work = default_work;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|O", kwlist, &a_obj, &b_obj, &work_obj)) {
        return NULL;
    }
    if (work_obj != Py_None) {
        /* NumPy takes Python ints only (not even its own integer scalars). */
        if (!PyLong_Check(work_obj)) {
            PyErr_SetString(PyExc_ValueError, "max_work must be an integer");
            return NULL;
        }
        max_work = PyNumber_AsSsize_t(work_obj, PyExc_OverflowError);
        if (max_work == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (max_work < -2) {
            PyErr_SetString(PyExc_ValueError, "Invalid value for max_work");
            return NULL;
        }
    }
    a = as_array(a_obj);
    if (a == NULL) {
        return NULL;
    }
    b = as_array(b_obj);
    if (b == NULL) {
        Py_DECREF(a);
        return NULL;
    }
    Overlap result;
    Py_BEGIN_ALLOW_THREADS
    result = solve_overlap((NdmArray *)a, (NdmArray *)b, max_work);
    Py_END_ALLOW_THREADS
    Py_DECREF(a);
    Py_DECREF(b);
    if (result == OVERLAP_TOO_HARD) {
        if (raise_too_hard) {
            PyErr_SetString(TooHardError, "Exceeded max_work");
            return NULL;
        }
        Py_RETURN_TRUE;
    }
    return PyBool_FromLong(result == OVERLAP_YES);
}

static PyObject *
shares_memory(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwds)
{
    return share_memory(args, kwds, MAY_SHARE_EXACT, 1);
}

static PyObject *
may_share_memory(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwds)
{
    return share_memory(args, kwds, MAY_SHARE_BOUNDS, 0);
}

int
ndm_overlap_may_share(NdmArray *a, NdmArray *b)
{
    return solve_overlap(a, b, MAY_SHARE_BOUNDS) != OVERLAP_NO;
}

static PyMethodDef overlap_functions[] = {
    {"shares_memory", (PyCFunction)(void (*)(void))shares_memory, METH_VARARGS | METH_KEYWORDS,
     "shares_memory(a, b, /, max_work=None)\n--\n\n"
     "Determine if two arrays share memory (exactly, unless max_work bounds the search)."},
    {"may_share_memory", (PyCFunction)(void (*)(void))may_share_memory, METH_VARARGS | METH_KEYWORDS,
     "may_share_memory(a, b, /, max_work=None)\n--\n\n"
     "Determine if two arrays might share memory, by their byte bounds only."},
    {NULL, NULL, 0, NULL},
};

int
ndm_overlap_init(PyObject *module)
{
    TooHardError = PyErr_NewExceptionWithDoc(
        "ndmem.exceptions.TooHardError",
        "max_work was exceeded while solving for memory overlap.",
        PyExc_RuntimeError, NULL);
    if (TooHardError == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(module, "_TooHardError", TooHardError) < 0) {
        return -1;
    }
    return PyModule_AddFunctions(module, overlap_functions);
}
