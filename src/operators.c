/* The ndarray's arithmetic operators and comparisons, through the ufuncs,
 * with NumPy's rules for handing an operation to the other operand
 * (number.c, binop_override.h), its temporary elision (temp_elide.c),
 * == / != between incomparable dtypes and of structured arrays
 * (arrayobject.c), `x in a`, and the ndarray.clip method. */
#include "ufunc.h"
#include "scalar.h"

#if defined(__linux__) || defined(__APPLE__)
#define NDM_CAN_ELIDE 1
#include <dlfcn.h>
#include <execinfo.h>
#endif

static PyObject *s_array_ufunc;
static PyObject *s_array_priority;

/* NumPy's priorities for exact arrays and for scalars of any kind. */
#define ARRAY_PRIORITY 0.0
#define SCALAR_PRIORITY -1000000.0

/* ------------------------------------------------------------------ */
/* Deferral (binop_should_defer)                                      */
/* ------------------------------------------------------------------ */

/* Types whose special attributes NumPy never looks up: they cannot
 * define __array_ufunc__ or __array_priority__. */
static int
is_basic_python_type(PyTypeObject *tp)
{
    return tp == &PyBool_Type || tp == &PyLong_Type || tp == &PyFloat_Type
           || tp == &PyComplex_Type || tp == &PyList_Type || tp == &PyTuple_Type
           || tp == &PyDict_Type || tp == &PySet_Type || tp == &PyFrozenSet_Type
           || tp == &PyUnicode_Type || tp == &PyBytes_Type || tp == &PySlice_Type
           || tp == Py_TYPE(Py_None) || tp == Py_TYPE(Py_Ellipsis)
           || tp == Py_TYPE(Py_NotImplemented);
}

/* An instance of one of ndmem's own scalar types (not a subclass). */
static int
is_scalar_exact(PyObject *o)
{
    int t = ndm_scalar_typenum(o);
    return t >= 0 && Py_TYPE(o) == ndm_scalar_type(t);
}

static double
get_priority(PyObject *o, double dflt)
{
    if (NdmArray_CheckExact(o)) {
        return ARRAY_PRIORITY;
    }
    if (is_scalar_exact(o)) {
        return SCALAR_PRIORITY;
    }
    if (is_basic_python_type(Py_TYPE(o))) {
        return dflt;
    }
    PyObject *p = PyObject_GetAttr(o, s_array_priority);
    if (p == NULL) {
        PyErr_Clear();
        return dflt;
    }
    double v = PyFloat_AsDouble(p);
    Py_DECREF(p);
    if (v == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return dflt;
    }
    return v;
}

/* self.__op__(other) is underway: should it return NotImplemented so
 * that other's reflected method runs?  Operands that opted into the
 * ufunc protocol defer only with __array_ufunc__ = None (never for an
 * in-place operation); the others by a higher __array_priority__. */
static int
should_defer(PyObject *self, PyObject *other, int inplace)
{
    if (Py_TYPE(self) == Py_TYPE(other) || NdmArray_CheckExact(other)
            || is_scalar_exact(other) || is_basic_python_type(Py_TYPE(other))) {
        return 0;
    }
    PyObject *attr = _PyType_Lookup(Py_TYPE(other), s_array_ufunc);
    if (attr != NULL) {
        return !inplace && attr == Py_None;
    }
    if (PyType_IsSubtype(Py_TYPE(other), Py_TYPE(self))) {
        return 0;
    }
    return get_priority(self, SCALAR_PRIORITY) < get_priority(other, SCALAR_PRIORITY);
}

/* Is m2's own slot something other than fn?  Only then is this call the
 * forward one (self on the left) where deferring makes sense. */
#define NB_SLOT(o, SLOT) \
    (Py_TYPE(o)->tp_as_number != NULL ? (void *)Py_TYPE(o)->tp_as_number->SLOT : NULL)
#define GIVE_UP(m1, m2, SLOT, fn, inplace) \
    (NB_SLOT(m2, SLOT) != (void *)(fn) && should_defer((m1), (m2), (inplace)))

/* ------------------------------------------------------------------ */
/* Temporary elision (NumPy's temp_elide.c)                           */
/* ------------------------------------------------------------------ */

/* In `a * 2 + 1` the product is a temporary only the interpreter's stack
 * holds (reference count 1): NumPy adds 1 into it instead of allocating a
 * second result, which is what keeps its peak memory at one array.  ndmem
 * does the same so peaks match.  A C extension may call the number
 * protocol on an object it holds once and use it afterwards, so, as in
 * NumPy, the call stack must lead straight back to the interpreter's
 * frame evaluation through CPython and ndmem only. */

#define ELIDE_MIN_BYTES (256 * 1024)
#define ELIDE_MAX_STACK 10

#ifdef NDM_CAN_ELIDE
static int
in_range(void *p, void *lo, void *hi)
{
    return (char *)p >= (char *)lo && (char *)p <= (char *)hi;
}

/* 1 when every caller up to _PyEval_EvalFrameDefault is CPython or this
 * extension; 0 otherwise (or when the stack cannot be read). */
static int
called_from_interpreter(void)
{
    static int state;               /* 0 unknown, 1 ready, -1 unusable */
    static void *py_lo, *py_hi, *self_lo, *self_hi;
    static void *eval_addr[32];
    static int n_eval;
    void *frames[ELIDE_MAX_STACK];
    Dl_info info;

    if (state < 0) {
        return 0;
    }
    if (state == 0) {
        Dl_info self;
        if (!dladdr((void *)&PyNumber_Or, &info) || !dladdr((void *)&called_from_interpreter,
                                                             &self)) {
            state = -1;
            return 0;
        }
        py_lo = py_hi = info.dli_fbase;
        self_lo = self_hi = self.dli_fbase;
        state = 1;
    }
    int n = backtrace(frames, ELIDE_MAX_STACK);
    for (int i = 0; i < n; i++) {
        void *f = frames[i];
        int in_py = in_range(f, py_lo, py_hi), in_self = in_range(f, self_lo, self_hi);
        if (!in_py && !in_self) {
            if (!dladdr(f, &info)) {
                return 0;
            }
            if (info.dli_fbase == py_lo) {
                py_hi = f > py_hi ? f : py_hi;
                in_py = 1;
            }
            else if (info.dli_fbase == self_lo) {
                self_hi = f > self_hi ? f : self_hi;
                in_self = 1;
            }
            else {
                return 0;
            }
        }
        if (!in_py) {
            continue;
        }
        for (int k = 0; k < n_eval; k++) {
            if (eval_addr[k] == f) {
                return 1;
            }
        }
        if (dladdr(f, &info) && info.dli_sname != NULL
                && strcmp(info.dli_sname, "_PyEval_EvalFrameDefault") == 0) {
            if (n_eval < (int)(sizeof eval_addr / sizeof eval_addr[0])) {
                eval_addr[n_eval++] = f;
            }
            return 1;
        }
    }
    return 0;
}
#endif

/* Is o a temporary ndmem may overwrite (exact numeric array owning a large
 * writeable buffer, referenced once)? */
static int
is_temporary(PyObject *o)
{
#ifdef NDM_CAN_ELIDE
    if (Py_REFCNT(o) != 1 || !NdmArray_CheckExact(o)) {
        return 0;
    }
    NdmArray *a = (NdmArray *)o;
    return a->descr->type_num < NDM_NNUMERIC && (a->flags & NDM_OWNDATA)
           && ndm_array_is_writeable(a) && ndm_array_nbytes(a) >= ELIDE_MIN_BYTES;
#else
    (void)o;
    return 0;
#endif
}

/* May "lhs op rhs" be computed into lhs?  rhs must be an exact array of
 * lhs's shape, or a scalar, of a dtype that casts safely to lhs's. */
static int
can_elide(PyObject *lhs, PyObject *rhs)
{
    if (!is_temporary(lhs)) {
        return 0;
    }
    if (!NdmArray_CheckExact(rhs) && !ndm_scalar_check(rhs) && !PyLong_Check(rhs)
            && !PyFloat_Check(rhs) && !PyComplex_Check(rhs) && !PyUnicode_Check(rhs)
            && !PyBytes_Check(rhs)) {
        return 0;
    }
    PyObject *r = ndm_array_from_any(rhs, NULL, -1, 'K', 0);
    if (r == NULL) {
        PyErr_Clear();
        return 0;
    }
    NdmArray *a = (NdmArray *)lhs, *b = (NdmArray *)r;
    int ok = (b->nd == 0 || (b->nd == a->nd
                             && memcmp(a->shape, b->shape, (size_t)a->nd * sizeof(Py_ssize_t)) == 0))
             && ndm_dtype_can_cast(b->descr, a->descr, NDM_SAFE_CASTING) == 1;
    Py_DECREF(r);
#ifdef NDM_CAN_ELIDE
    return ok && called_from_interpreter();
#else
    return ok;
#endif
}

/* *res = lhs op= rhs (or rhs op= lhs for a commutative op) when one of
 * them is an elidable temporary: 1, else 0. */
static int
try_elide(PyObject *m1, PyObject *m2, const char *ufunc, int commutative, PyObject **res)
{
    if (can_elide(m1, m2)) {
        *res = ndm_ufunc_inplace(ufunc, m1, m2);
        return 1;
    }
    if (commutative && can_elide(m2, m1)) {
        *res = ndm_ufunc_inplace(ufunc, m2, m1);
        return 1;
    }
    return 0;
}

static int
can_elide_unary(PyObject *a)
{
#ifdef NDM_CAN_ELIDE
    return is_temporary(a) && called_from_interpreter();
#else
    (void)a;
    return 0;
#endif
}

/* ufunc(a), into a itself when a is a temporary. */
static PyObject *
unary(const char *name, PyObject *a, int may_elide)
{
    if (may_elide && can_elide_unary(a)) {
        PyObject *f = ndm_ufunc_lookup(name);
        return f == NULL ? NULL : PyObject_CallFunctionObjArgs(f, a, a, NULL);
    }
    return ndm_ufunc_unary(name, a);
}

/* ------------------------------------------------------------------ */
/* Binary and in-place operators                                      */
/* ------------------------------------------------------------------ */

/* ELIDE: 0 never, 1 into the left operand, 2 into either (commutative). */
#define BINARY(fn, SLOT, UFUNC, ELIDE)                                     \
static PyObject *                                                          \
fn(PyObject *m1, PyObject *m2)                                             \
{                                                                          \
    PyObject *res;                                                         \
    if (GIVE_UP(m1, m2, SLOT, fn, 0)) {                                    \
        Py_RETURN_NOTIMPLEMENTED;                                          \
    }                                                                      \
    if ((ELIDE) && try_elide(m1, m2, UFUNC, (ELIDE) == 2, &res)) {         \
        return res;                                                        \
    }                                                                      \
    return ndm_ufunc_binary(UFUNC, m1, m2);                                \
}

#define INPLACE(fn, SLOT, UFUNC)                                           \
static PyObject *                                                          \
fn(PyObject *m1, PyObject *m2)                                             \
{                                                                          \
    if (GIVE_UP(m1, m2, SLOT, fn, 1)) {                                    \
        Py_RETURN_NOTIMPLEMENTED;                                          \
    }                                                                      \
    return ndm_ufunc_inplace(UFUNC, m1, m2);                               \
}

BINARY(op_add, nb_add, "add", 2)
BINARY(op_subtract, nb_subtract, "subtract", 1)
BINARY(op_multiply, nb_multiply, "multiply", 2)
BINARY(op_floor_divide, nb_floor_divide, "floor_divide", 1)
BINARY(op_remainder, nb_remainder, "remainder", 0)
BINARY(op_divmod, nb_divmod, "divmod", 0)
BINARY(op_lshift, nb_lshift, "left_shift", 1)
BINARY(op_rshift, nb_rshift, "right_shift", 1)
BINARY(op_and, nb_and, "bitwise_and", 2)
BINARY(op_or, nb_or, "bitwise_or", 2)
BINARY(op_xor, nb_xor, "bitwise_xor", 2)

/* Division elides only into an inexact left operand, whose dtype the
 * quotient keeps (as NumPy). */
static PyObject *
op_true_divide(PyObject *m1, PyObject *m2)
{
    PyObject *res;
    if (GIVE_UP(m1, m2, nb_true_divide, op_true_divide, 0)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (NdmArray_CheckExact(m1)) {
        int t = ((NdmArray *)m1)->descr->type_num;
        if (t >= NDM_FLOAT16 && t <= NDM_COMPLEX128 && try_elide(m1, m2, "divide", 0, &res)) {
            return res;
        }
    }
    return ndm_ufunc_binary("divide", m1, m2);
}

INPLACE(op_iadd, nb_inplace_add, "add")
INPLACE(op_isubtract, nb_inplace_subtract, "subtract")
INPLACE(op_imultiply, nb_inplace_multiply, "multiply")
INPLACE(op_itrue_divide, nb_inplace_true_divide, "divide")
INPLACE(op_ifloor_divide, nb_inplace_floor_divide, "floor_divide")
INPLACE(op_iremainder, nb_inplace_remainder, "remainder")
INPLACE(op_ilshift, nb_inplace_lshift, "left_shift")
INPLACE(op_irshift, nb_inplace_rshift, "right_shift")
INPLACE(op_iand, nb_inplace_and, "bitwise_and")
INPLACE(op_ior, nb_inplace_or, "bitwise_or")
INPLACE(op_ixor, nb_inplace_xor, "bitwise_xor")

/* ------------------------------------------------------------------ */
/* Power, with NumPy's fast paths                                     */
/* ------------------------------------------------------------------ */

/* NumPy computes a ** -1, a ** 2 and a ** 0.5 with reciprocal, square
 * and sqrt (fast_scalar_power), which differ from power in corner cases
 * (sqrt(-0.0) is -0.0).  Square applies to every dtype, the others to
 * inexact arrays only.  1 with *res set (NULL on error), 0: use power. */
static int
fast_power(PyObject *a, PyObject *exp, int inplace, PyObject **res)
{
    const char *name;
    if (!NdmArray_Check(a)) {
        return 0;
    }
    if (PyLong_CheckExact(exp)) {
        int overflow = 0;
        long e = PyLong_AsLongAndOverflow(exp, &overflow);
        if (e == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
        if (overflow || (e != -1 && e != 2)) {
            return 0;
        }
        name = e == 2 ? "square" : "reciprocal";
    }
    else if (PyFloat_CheckExact(exp) && PyFloat_AS_DOUBLE(exp) == 0.5) {
        name = "sqrt";
    }
    else {
        return 0;
    }
    int type = ((NdmArray *)a)->descr->type_num;
    int inexact = type >= NDM_FLOAT16 && type <= NDM_COMPLEX128;
    if (!inexact && strcmp(name, "square") != 0) {
        return 0;
    }
    if (type >= NDM_NNUMERIC) {
        return 0;
    }
    /* until the ufunc room has the unary ufunc, power gives the answer */
    PyObject *f = ndm_ufunc_lookup(name);
    if (f == NULL) {
        PyErr_Clear();
        return 0;
    }
    *res = PyObject_CallFunctionObjArgs(f, a, inplace || can_elide_unary(a) ? a : NULL, NULL);
    return 1;
}

static PyObject *
op_power(PyObject *m1, PyObject *m2, PyObject *mod)
{
    PyObject *res;
    if (mod != Py_None) {
        /* modular exponentiation is not implemented (as NumPy) */
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (GIVE_UP(m1, m2, nb_power, op_power, 0)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (fast_power(m1, m2, 0, &res)) {
        return res;
    }
    return ndm_ufunc_binary("power", m1, m2);
}

static PyObject *
op_ipower(PyObject *m1, PyObject *m2, PyObject *Py_UNUSED(mod))
{
    PyObject *res;
    if (GIVE_UP(m1, m2, nb_inplace_power, op_ipower, 1)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (fast_power(m1, m2, 1, &res)) {
        return res;
    }
    return ndm_ufunc_inplace("power", m1, m2);
}

/* ------------------------------------------------------------------ */
/* Matrix multiplication                                              */
/* ------------------------------------------------------------------ */

/* matmul is the ufunc when ndmem has one (*is_ufunc set), else a matmul
 * function of ndmem._core or ndmem (the linalg room's), else the operator
 * is not supported (NULL, no exception). */
static PyObject *
find_matmul(int *is_ufunc)
{
    PyObject *f = ndm_ufunc_lookup("matmul");
    *is_ufunc = f != NULL;
    if (f != NULL) {
        Py_INCREF(f);
        return f;
    }
    PyErr_Clear();
    f = PyObject_GetAttrString(ndm_state.module, "matmul");
    if (f == NULL) {
        PyErr_Clear();
        PyObject *pkg = PyImport_ImportModule("ndmem");
        f = pkg == NULL ? NULL : PyObject_GetAttrString(pkg, "matmul");
        Py_XDECREF(pkg);
        if (f == NULL) {
            PyErr_Clear();
        }
    }
    return f;
}

static const char imatmul_shape_msg[] =
    "inplace matrix multiplication requires the first operand to "
    "have at least one and the second at least two dimensions.";

/* a @= b with a matmul function (not a ufunc): the product must have a's
 * shape; it is then written into a under same_kind casting. */
static PyObject *
imatmul_by_function(PyObject *f, PyObject *m1, PyObject *m2)
{
    PyObject *prod = PyObject_CallFunctionObjArgs(f, m1, m2, NULL);
    if (prod == NULL) {
        return NULL;
    }
    NdmArray *a = (NdmArray *)m1;
    PyObject *arr = ndm_array_from_any(prod, NULL, -1, 'K', 0);
    Py_DECREF(prod);
    if (arr == NULL) {
        return NULL;
    }
    NdmArray *p = (NdmArray *)arr;
    if (p->nd != a->nd || memcmp(p->shape, a->shape, (size_t)a->nd * sizeof(Py_ssize_t)) != 0) {
        Py_DECREF(arr);
        PyErr_SetString(PyExc_ValueError, imatmul_shape_msg);
        return NULL;
    }
    if (!ndm_dtype_can_cast(p->descr, a->descr, NDM_SAME_KIND_CASTING)) {
        PyObject *from = PyObject_Repr((PyObject *)p->descr);
        PyObject *to = from == NULL ? NULL : PyObject_Repr((PyObject *)a->descr);
        if (to != NULL) {
            PyErr_Format(PyExc_TypeError,
                         "Cannot cast ufunc 'matmul' output from %U to %U with casting "
                         "rule 'same_kind'", from, to);
        }
        Py_XDECREF(from);
        Py_XDECREF(to);
        Py_DECREF(arr);
        return NULL;
    }
    int rc = ndm_array_fail_unless_writeable(a) < 0 ? -1
             : ndm_array_assign(a, p, NDM_SAME_KIND_CASTING);
    Py_DECREF(arr);
    if (rc < 0) {
        return NULL;
    }
    Py_INCREF(m1);
    return m1;
}

static PyObject *
op_matmul(PyObject *m1, PyObject *m2)
{
    if (GIVE_UP(m1, m2, nb_matrix_multiply, op_matmul, 0)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (NdmArray_CheckExact(m1) && NdmArray_CheckExact(m2)) {
        PyObject *r = ndm_linalg_matmul_fast((NdmArray *)m1, (NdmArray *)m2);
        if (r != Py_NotImplemented) {
            return r;
        }
        Py_DECREF(r);
    }
    int is_ufunc;
    PyObject *f = find_matmul(&is_ufunc);
    if (f == NULL) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *res = PyObject_CallFunctionObjArgs(f, m1, m2, NULL);
    Py_DECREF(f);
    return res;
}

/* a @= b: matmul(a, b, out=a) with axes that keep a's shape, so that a
 * result needing broadcasting of a is refused (as NumPy). */
static PyObject *
op_imatmul(PyObject *m1, PyObject *m2)
{
    if (GIVE_UP(m1, m2, nb_inplace_matrix_multiply, op_imatmul, 1)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    int is_ufunc;
    PyObject *f = find_matmul(&is_ufunc);
    if (f == NULL) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *res = NULL, *args = NULL, *kwds = NULL;
    if (!is_ufunc) {
        res = imatmul_by_function(f, m1, m2);
        goto fail;
    }
    args = PyTuple_Pack(3, m1, m2, m1);
    if (args == NULL) {
        goto fail;
    }
    if (((NdmArray *)m1)->nd == 1) {
        kwds = Py_BuildValue("{s:[(i),(i,i),(i)]}", "axes", -1, -2, -1, -1);
    }
    else {
        kwds = Py_BuildValue("{s:[(i,i),(i,i),(i,i)]}", "axes", -2, -1, -2, -1, -2, -1);
    }
    if (kwds == NULL) {
        goto fail;
    }
    res = PyObject_Call(f, args, kwds);
    if (res == NULL) {
        PyObject *axis_error = PyObject_GetAttrString(ndm_state.module, "AxisError");
        if (axis_error == NULL) {
            goto fail;
        }
        if (PyErr_ExceptionMatches(axis_error)) {
            PyErr_SetString(PyExc_ValueError, imatmul_shape_msg);
        }
        Py_DECREF(axis_error);
    }
fail:
    Py_DECREF(f);
    Py_XDECREF(args);
    Py_XDECREF(kwds);
    return res;
}

/* ------------------------------------------------------------------ */
/* Unary operators                                                    */
/* ------------------------------------------------------------------ */

static PyObject *op_negative(PyObject *a) { return unary("negative", a, 1); }
static PyObject *op_positive(PyObject *a) { return unary("positive", a, 1); }
static PyObject *op_invert(PyObject *a) { return unary("invert", a, 1); }

/* |z| of a complex array is real: never into the operand */
static PyObject *
op_absolute(PyObject *a)
{
    int t = ((NdmArray *)a)->descr->type_num;
    return unary("absolute", a, t != NDM_COMPLEX64 && t != NDM_COMPLEX128);
}

/* ------------------------------------------------------------------ */
/* Comparisons                                                        */
/* ------------------------------------------------------------------ */

/* A new bool array of the broadcast shape of ops, every byte set to
 * value; a bool scalar when the shape is (). */
static PyObject *
filled_bool(int nop, NdmArray **ops, int value)
{
    Py_ssize_t shape[NDM_MAXDIMS];
    int nd = 0;
    if (ndm_broadcast_shape(nop, ops, &nd, shape) < 0) {
        return NULL;
    }
    NdmDtype *bool_descr = ndm_dtype_builtin(NDM_BOOL);
    if (bool_descr == NULL) {
        return NULL;
    }
    PyObject *res = ndm_array_new(ndm_state.ndarray_type, bool_descr, nd, shape, NULL, NULL,
                                  0, NULL);
    if (res == NULL) {
        return NULL;
    }
    NdmArray *r = (NdmArray *)res;
    memset(r->data, value, (size_t)ndm_array_nbytes(r));
    if (nd == 0) {
        PyObject *scalar = ndm_array_getitem_ptr(r, r->data);
        Py_SETREF(res, scalar);
    }
    return res;
}

/* == / != between dtypes that cannot be compared (int and str, or an
 * object ndmem has no dtype for, which NumPy compares in an object loop
 * that finds every element different): all False / all True in the
 * broadcast shape, a scalar for 0-d operands.  With only_objects, other
 * must be such an object: NULL without an exception when it converts. */
static PyObject *
incomparable_result(NdmArray *self, PyObject *other, int op, int only_objects)
{
    NdmArray *ops[2] = {self, NULL};
    int nop = 1;
    PyObject *arr = ndm_array_from_any(other, NULL, -1, 'K', 0);
    if (arr == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_TypeError)) {
            return NULL;
        }
        PyErr_Clear();
    }
    else if (only_objects) {
        Py_DECREF(arr);
        return NULL;
    }
    else {
        ops[1] = (NdmArray *)arr;
        nop = 2;
    }
    PyObject *res = filled_bool(nop, ops, op == Py_NE);
    Py_XDECREF(arr);
    if (res != NULL && NdmArray_Check(res) && !NdmArray_CheckExact((PyObject *)self)) {
        /* basic subclass support, as NumPy: a view of self's type */
        Py_SETREF(res, PyObject_CallMethod(res, "view", "O", (PyObject *)Py_TYPE(self)));
    }
    return res;
}

/* Unstructured voids compare as raw bytes. */
typedef struct {
    Py_ssize_t itemsize;
    int eq;
} BytesCmpCtx;

static void
bytes_compare_kernel(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    const BytesCmpCtx *c = ctx;
    char *a = args[0], *b = args[1], *out = args[2];
    for (Py_ssize_t i = 0; i < n; i++, a += steps[0], b += steps[1], out += steps[2]) {
        *out = (char)((memcmp(a, b, (size_t)c->itemsize) == 0) == c->eq);
    }
}

static PyObject *
void_bytes_compare(NdmArray *a, NdmArray *b, int op)
{
    NdmArray *ops[3] = {a, b, NULL};
    NdmLoop loop;
    BytesCmpCtx ctx = {a->descr->itemsize, op == Py_EQ};
    if (a->descr->itemsize != b->descr->itemsize) {
        PyErr_SetString(PyExc_TypeError,
                        "cannot compare unstructured voids of different length. "
                        "Use bytes to compare. (This may return array of False in the future.)");
        return NULL;
    }
    PyObject *res = filled_bool(2, ops, 0);
    if (res == NULL || !NdmArray_Check(res)) {
        /* 0-d: compare the one element */
        Py_XDECREF(res);
        if (PyErr_Occurred()) {
            return NULL;
        }
        ndm_bool v = (ndm_bool)((memcmp(a->data, b->data, (size_t)ctx.itemsize) == 0) == ctx.eq);
        return ndm_scalar_new(NDM_BOOL, &v);
    }
    ops[2] = (NdmArray *)res;
    if (ndm_loop_init(&loop, 3, ops, ops[2]->nd, ops[2]->shape) < 0
            || ndm_loop_run(&loop, bytes_compare_kernel, &ctx, 1) < 0) {
        Py_DECREF(res);
        return NULL;
    }
    return res;
}

/* One field's comparison, reduced over the field's subarray axes. */
static PyObject *
field_compare(NdmArray *self, NdmArray *other, Py_ssize_t i, int op, int result_nd)
{
    PyObject *fa = PyObject_GetItem((PyObject *)self, PyTuple_GET_ITEM(self->descr->names, i));
    PyObject *fb = fa == NULL ? NULL
                   : PyObject_GetItem((PyObject *)other, PyTuple_GET_ITEM(other->descr->names, i));
    PyObject *temp = NULL;
    if (fb == NULL) {
        goto done;
    }
    int extra_a = ((NdmArray *)fa)->nd - self->nd, extra_b = ((NdmArray *)fb)->nd - other->nd;
    if (extra_a != extra_b
            || (extra_a && memcmp(((NdmArray *)fa)->shape + self->nd,
                                  ((NdmArray *)fb)->shape + other->nd,
                                  (size_t)extra_a * sizeof(Py_ssize_t)) != 0)) {
        PyErr_SetString(PyExc_TypeError,
                        "Cannot compare subarrays with different shapes. "
                        "(unreachable error, please report to NumPy devs.)");
        goto done;
    }
    temp = PyObject_RichCompare(fa, fb, op);
    if (temp != NULL && NdmArray_Check(temp) && ((NdmArray *)temp)->nd > result_nd) {
        /* all() / any() over the trailing subarray axes, flattened to one */
        NdmArray *t = (NdmArray *)temp;
        PyObject *shape = PyTuple_New(result_nd + 1);
        Py_ssize_t rest = 1;
        if (shape == NULL) {
            Py_CLEAR(temp);
            goto done;
        }
        for (int k = 0; k < t->nd; k++) {
            if (k < result_nd) {
                PyTuple_SET_ITEM(shape, k, PyLong_FromSsize_t(t->shape[k]));
            }
            else {
                rest *= t->shape[k];
            }
        }
        PyTuple_SET_ITEM(shape, result_nd, PyLong_FromSsize_t(rest));
        PyObject *flat = PyObject_CallMethod(temp, "reshape", "O", shape);
        Py_DECREF(shape);
        Py_SETREF(temp, flat);
        if (temp != NULL) {
            PyObject *red = PyObject_CallMethod(temp, op == Py_EQ ? "all" : "any", "i",
                                                result_nd);
            Py_SETREF(temp, red);
        }
    }
done:
    Py_XDECREF(fa);
    Py_XDECREF(fb);
    return temp;
}

/* == and != of structured and raw void arrays (NumPy's _void_compare):
 * field by field, combined with logical_and (==) or logical_or (!=). */
static PyObject *
void_compare(NdmArray *self, PyObject *other_obj, int op)
{
    PyObject *res = NULL;
    PyObject *other_arr = ndm_array_from_any(other_obj, NULL, -1, 'K', 0);
    if (other_arr == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_TypeError)) {
            return NULL;
        }
        PyErr_Clear();
    }
    NdmArray *other = (NdmArray *)other_arr;
    if (other == NULL || other->descr->type_num != NDM_VOID) {
        PyErr_SetString(PyExc_TypeError, "Cannot compare structured or void to non-void arrays.");
        goto done;
    }
    int sa = ndm_dtype_is_structured(self->descr), sb = ndm_dtype_is_structured(other->descr);
    if (!sa && !sb) {
        res = void_bytes_compare(self, other, op);
        goto done;
    }
    if (!sa || !sb) {
        PyErr_SetString(PyExc_TypeError,
                        "Cannot compare structured with unstructured void arrays. "
                        "(unreachable error, please report to NumPy devs.)");
        goto done;
    }
    NdmDtype *promoted = ndm_dtype_promote(self->descr, other->descr);
    if (promoted == NULL) {
        PyErr_SetString(PyExc_TypeError,
                        "Cannot compare structured arrays unless they have a common dtype.  "
                        "I.e. `np.result_type(arr1, arr2)` must be defined.");
        goto done;
    }
    Py_DECREF(promoted);
    Py_ssize_t nfields = PyTuple_GET_SIZE(self->descr->names);
    if (nfields != PyTuple_GET_SIZE(other->descr->names)) {
        PyErr_SetString(PyExc_TypeError,
                        "Cannot compare structured dtypes with different number of fields.  "
                        "(unreachable error please report to NumPy devs)");
        goto done;
    }
    if (nfields == 0) {
        NdmArray *ops[2] = {self, other};
        res = filled_bool(2, ops, op == Py_EQ);
        goto done;
    }
    int result_nd = self->nd > other->nd ? self->nd : other->nd;
    for (Py_ssize_t i = 0; i < nfields; i++) {
        PyObject *temp = field_compare(self, other, i, op, result_nd);
        if (temp == NULL) {
            Py_CLEAR(res);
            goto done;
        }
        if (res == NULL) {
            res = temp;
            continue;
        }
        PyObject *both = ndm_ufunc_binary(op == Py_EQ ? "logical_and" : "logical_or", res, temp);
        Py_DECREF(temp);
        Py_SETREF(res, both);
        if (res == NULL) {
            goto done;
        }
    }
done:
    Py_XDECREF(other_arr);
    return res;
}

/* String comparisons (NumPy's string comparison loops): code points or
 * bytes compared unsigned, the shorter operand padded with zeros. */
typedef struct {
    Py_ssize_t len_a, len_b;    /* in characters */
    int unit;                   /* 4 for U, 1 for S */
    int op;
} StrCmpCtx;

static inline uint32_t
char_at(const char *p, Py_ssize_t i, int unit)
{
    if (unit == 1) {
        return (unsigned char)p[i];
    }
    uint32_t c;
    memcpy(&c, p + 4 * i, 4);
    return c;
}

static int
str_cmp(const char *a, const char *b, const StrCmpCtx *c)
{
    Py_ssize_t n = c->len_a > c->len_b ? c->len_a : c->len_b;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t x = i < c->len_a ? char_at(a, i, c->unit) : 0;
        uint32_t y = i < c->len_b ? char_at(b, i, c->unit) : 0;
        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    return 0;
}

static void
str_compare_kernel(char **args, Py_ssize_t n, const Py_ssize_t *steps, void *ctx)
{
    const StrCmpCtx *c = ctx;
    char *a = args[0], *b = args[1], *out = args[2];
    for (Py_ssize_t i = 0; i < n; i++, a += steps[0], b += steps[1], out += steps[2]) {
        int r = str_cmp(a, b, c);
        switch (c->op) {
        case Py_LT: *out = r < 0; break;
        case Py_LE: *out = r <= 0; break;
        case Py_EQ: *out = r == 0; break;
        case Py_NE: *out = r != 0; break;
        case Py_GT: *out = r > 0; break;
        default: *out = r >= 0; break;
        }
    }
}

/* self (S or U) compared with other when the ufunc has no string loop:
 * NULL with no exception set when other is not a string of the same
 * kind in native order (the ufunc's error then stands). */
static PyObject *
string_compare(NdmArray *self, PyObject *other_obj, int op)
{
    PyObject *res = NULL;
    int t = self->descr->type_num;
    if ((t != NDM_UNICODE && t != NDM_BYTES) || !ndm_dtype_isnative(self->descr)) {
        return NULL;
    }
    PyObject *other_arr = ndm_array_from_any(other_obj, NULL, -1, 'K', 0);
    if (other_arr == NULL) {
        PyErr_Clear();
        return NULL;
    }
    NdmArray *other = (NdmArray *)other_arr;
    if (other->descr->type_num != t || !ndm_dtype_isnative(other->descr)) {
        goto done;
    }
    NdmArray *ops[3] = {self, other, NULL};
    int unit = t == NDM_UNICODE ? 4 : 1;
    StrCmpCtx ctx = {self->descr->itemsize / unit, other->descr->itemsize / unit, unit, op};
    res = filled_bool(2, ops, 0);
    if (res == NULL) {
        goto done;
    }
    if (!NdmArray_Check(res)) {
        ndm_bool v = 0;
        char *args[3] = {self->data, other->data, (char *)&v};
        Py_ssize_t steps[3] = {0, 0, 0};
        str_compare_kernel(args, 1, steps, &ctx);
        Py_SETREF(res, ndm_scalar_new(NDM_BOOL, &v));
        goto done;
    }
    NdmLoop loop;
    ops[2] = (NdmArray *)res;
    if (ndm_loop_init(&loop, 3, ops, ops[2]->nd, ops[2]->shape) < 0
            || ndm_loop_run(&loop, str_compare_kernel, &ctx, 1) < 0) {
        Py_CLEAR(res);
    }
done:
    Py_DECREF(other_arr);
    return res;
}

static PyObject *
op_richcompare(PyObject *self, PyObject *other, int op)
{
    static const char *names[] = {
        "less", "less_equal", "equal", "not_equal", "greater", "greater_equal",
    };
    if (op < Py_LT || op > Py_GE) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (should_defer(self, other, 0)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (((NdmArray *)self)->descr->type_num == NDM_VOID && (op == Py_EQ || op == Py_NE)) {
        return void_compare((NdmArray *)self, other, op);
    }
    PyObject *res = ndm_ufunc_binary(names[op], self, other);
    if (res != NULL || !PyErr_ExceptionMatches(PyExc_TypeError)) {
        return res;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    res = string_compare((NdmArray *)self, other, op);
    if (res != NULL || PyErr_Occurred()) {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return res;
    }
    if (op == Py_EQ || op == Py_NE) {
        /* NumPy answers only for "no loop" errors and for objects it
         * compares in its object loop; anything else propagates */
        PyObject *no_loop = PyObject_GetAttrString(ndm_state.module, "_UFuncTypeError");
        int only_objects = no_loop == NULL || !PyErr_GivenExceptionMatches(type, no_loop);
        Py_XDECREF(no_loop);
        PyErr_Clear();
        if (only_objects && _PyType_Lookup(Py_TYPE(other), s_array_ufunc) != NULL) {
            /* the operand's own __array_ufunc__ raised: its error stands */
            PyErr_Restore(type, value, tb);
            return NULL;
        }
        res = incomparable_result((NdmArray *)self, other, op, only_objects);
        if (res != NULL || PyErr_Occurred()) {
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(tb);
            return res;
        }
    }
    PyErr_Restore(type, value, tb);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* x in a                                                             */
/* ------------------------------------------------------------------ */

/* Is any element of the boolean array b nonzero?  A direct strided scan,
 * so that `x in a` needs no reduction machinery. */
static int
any_true(NdmArray *b)
{
    Py_ssize_t idx[NDM_MAXDIMS] = {0};
    int nd = b->nd;
    if (ndm_array_size(b) == 0) {
        return 0;
    }
    if (nd == 0) {
        return b->data[0] != 0;
    }
    Py_ssize_t n = b->shape[nd - 1], step = b->strides[nd - 1];
    const char *row = b->data;
    for (;;) {
        const char *p = row;
        for (Py_ssize_t i = 0; i < n; i++, p += step) {
            if (*p) {
                return 1;
            }
        }
        int k = nd - 2;
        for (; k >= 0; k--) {
            row += b->strides[k];
            if (++idx[k] < b->shape[k]) {
                break;
            }
            row -= b->strides[k] * b->shape[k];
            idx[k] = 0;
        }
        if (k < 0) {
            return 0;
        }
    }
}

static int
op_contains(PyObject *self, PyObject *el)
{
    PyObject *eq = PyObject_RichCompare(self, el, Py_EQ);
    if (eq == NULL) {
        return -1;
    }
    int r;
    if (NdmArray_Check(eq) && ((NdmArray *)eq)->descr->type_num == NDM_BOOL) {
        r = any_true((NdmArray *)eq);
    }
    else if (NdmArray_Check(eq)) {
        /* a subclass's == gave something else: its own any() decides */
        PyObject *any = PyObject_CallMethod(eq, "any", NULL);
        r = any == NULL ? -1 : PyObject_IsTrue(any);
        Py_XDECREF(any);
    }
    else {
        r = PyObject_IsTrue(eq);
    }
    Py_DECREF(eq);
    return r;
}

/* ------------------------------------------------------------------ */
/* Methods whose NumPy implementation is Python (_methods.py) call the   */
/* function form in ndmem's Python modules: a.clip(...) is ndmem.clip.  */
/* ------------------------------------------------------------------ */

static PyObject *
array_clip(PyObject *self, PyObject *args, PyObject *kwds)
{
    return ndm_array_call_python("ndmem._ufunclike", "_clip", self, args, kwds);
}

static PyObject *
array_round(PyObject *self, PyObject *args, PyObject *kwds)
{
    return ndm_array_call_python("ndmem._numeric", "_round_method", self, args, kwds);
}

static PyMethodDef operator_methods[] = {
    {"clip", (PyCFunction)(void (*)(void))array_clip, METH_VARARGS | METH_KEYWORDS,
     "a.clip(min=None, max=None, out=None, **kwargs): see ndmem.clip."},
    {"round", (PyCFunction)(void (*)(void))array_round, METH_VARARGS | METH_KEYWORDS,
     "a.round(decimals=0, out=None): see ndmem.round."},
    {NULL, NULL, 0, NULL},
};

PyType_Slot ndm_operator_slots[] = {
    {Py_nb_add, op_add},
    {Py_nb_subtract, op_subtract},
    {Py_nb_multiply, op_multiply},
    {Py_nb_true_divide, op_true_divide},
    {Py_nb_floor_divide, op_floor_divide},
    {Py_nb_remainder, op_remainder},
    {Py_nb_divmod, op_divmod},
    {Py_nb_power, op_power},
    {Py_nb_lshift, op_lshift},
    {Py_nb_rshift, op_rshift},
    {Py_nb_and, op_and},
    {Py_nb_or, op_or},
    {Py_nb_xor, op_xor},
    {Py_nb_matrix_multiply, op_matmul},
    {Py_nb_negative, op_negative},
    {Py_nb_positive, op_positive},
    {Py_nb_absolute, op_absolute},
    {Py_nb_invert, op_invert},
    {Py_nb_inplace_add, op_iadd},
    {Py_nb_inplace_subtract, op_isubtract},
    {Py_nb_inplace_multiply, op_imultiply},
    {Py_nb_inplace_true_divide, op_itrue_divide},
    {Py_nb_inplace_floor_divide, op_ifloor_divide},
    {Py_nb_inplace_remainder, op_iremainder},
    {Py_nb_inplace_power, op_ipower},
    {Py_nb_inplace_lshift, op_ilshift},
    {Py_nb_inplace_rshift, op_irshift},
    {Py_nb_inplace_and, op_iand},
    {Py_nb_inplace_or, op_ior},
    {Py_nb_inplace_xor, op_ixor},
    {Py_nb_inplace_matrix_multiply, op_imatmul},
    {Py_tp_richcompare, op_richcompare},
    {Py_sq_contains, op_contains},
    {0, NULL},
};

int
ndm_operators_init(PyObject *Py_UNUSED(module))
{
    s_array_ufunc = PyUnicode_InternFromString("__array_ufunc__");
    if (s_array_ufunc == NULL) {
        return -1;
    }
    s_array_priority = PyUnicode_InternFromString("__array_priority__");
    if (s_array_priority == NULL) {
        return -1;
    }
    return ndm_array_add_methods(operator_methods);
}
