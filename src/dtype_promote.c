/* Promotion (np.promote_types, NEP 50's result_type) and casting rules
 * (can_cast, the casting= keyword, the sized S/U/V targets of astype). */
#include "dtype.h"
#include "scalar.h"
#include "ndarray.h"
#include "dtype_internal.h"

/* ------------------------------------------------------------------ */
/* Promotion and can_cast                                             */
/* ------------------------------------------------------------------ */

/* bit i of safe_to[t]: t casts safely to i */
static int
numeric_safe(int a, int b)
{
    if (a == b || a == NDM_BOOL) {
        return 1;
    }
    char ka = ndm_dtype_binfo[a].kind, kb = ndm_dtype_binfo[b].kind;
    int sa = ndm_dtype_binfo[a].size, sb = ndm_dtype_binfo[b].size;
    switch (ka) {
    case 'i':
        if (kb == 'i') return sb >= sa;
        if (kb == 'u' || kb == 'b') return 0;
        if (kb == 'f') return sa == 1 ? 1 : sa == 2 ? sb >= 4 : sb >= 8;
        return sa <= 2 ? 1 : sb >= 16;
    case 'u':
        if (kb == 'u') return sb >= sa;
        if (kb == 'i') return sb > sa;
        if (kb == 'b') return 0;
        if (kb == 'f') return sa == 1 ? 1 : sa == 2 ? sb >= 4 : sb >= 8;
        return sa <= 2 ? 1 : sb >= 16;
    case 'f':
        if (kb == 'f') return sb >= sa;
        if (kb == 'c') return sb >= 2 * sa;
        return 0;
    case 'c':
        return kb == 'c' && sb >= sa;
    }
    return 0;
}

static const int promo_order[NDM_NNUMERIC] = {
    NDM_BOOL, NDM_INT8, NDM_UINT8, NDM_INT16, NDM_UINT16, NDM_FLOAT16, NDM_INT32,
    NDM_UINT32, NDM_FLOAT32, NDM_INT64, NDM_UINT64, NDM_FLOAT64, NDM_COMPLEX64,
    NDM_COMPLEX128,
};

static int
kind_rank(char k)
{
    switch (k) {
    case 'b': return 0;
    case 'u': return 1;
    case 'i': return 2;
    case 'f': return 3;
    case 'c': return 4;
    }
    return 5;
}

/* characters needed to print any value of numeric type t */
static Py_ssize_t
str_len_of(int t)
{
    static const Py_ssize_t lens[NDM_NNUMERIC] = {5, 4, 3, 6, 5, 11, 10, 21, 20, 32, 32, 32, 64, 64};
    return lens[t];
}

/* NumPy's numpy.exceptions.DTypePromotionError (a TypeError);
 * ndmem._core._DTypePromotionError */
static PyObject *promotion_error_type;

static PyObject *
promotion_error(NdmDtype *a, NdmDtype *b)
{
    PyErr_Format(promotion_error_type ? promotion_error_type : PyExc_TypeError,
                 "The DType %R could not be promoted by %R. This means that no common "
                 "DType exists for the given inputs.", a, b);
    return NULL;
}

static NdmDtype *
promote_struct(NdmDtype *a, NdmDtype *b)
{
    int eq = PyObject_RichCompareBool(a->names, b->names, Py_EQ);
    if (eq < 0) {
        return NULL;
    }
    if (!eq) {
        PyErr_Format(promotion_error_type, "field names `%R` and `%R` mismatch.", a->names, b->names);
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(a->names);
    PyObject *dts = PyList_New(n);
    if (dts == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fa, *fb, *p;
        Py_ssize_t oa, ob;
        if (ndm_dtype_field_at(a, i, &fa, &oa) < 0 || ndm_dtype_field_at(b, i, &fb, &ob) < 0
                || (p = ndm_dtype_promote(fa, fb)) == NULL) {
            Py_DECREF(dts);
            return NULL;
        }
        PyList_SET_ITEM(dts, i, (PyObject *)p);
    }
    NdmDtype *r = ndm_dtype_make_struct(a->names, dts, NULL, -1,
                              is_aligned_struct(a) || is_aligned_struct(b));
    Py_DECREF(dts);
    return r;
}

NdmDtype *
ndm_dtype_promote(NdmDtype *a, NdmDtype *b)
{
    int ta = a->type_num, tb = b->type_num;
    if (ta < NDM_NNUMERIC && tb < NDM_NNUMERIC) {
        for (int i = 0; i < NDM_NNUMERIC; i++) {
            int t = promo_order[i];
            if (numeric_safe(ta, t) && numeric_safe(tb, t)) {
                return ndm_dtype_builtin(t);
            }
        }
        return ndm_dtype_builtin(NDM_FLOAT64);
    }
    if (ta == NDM_VOID || tb == NDM_VOID) {
        if (ta == tb && ndm_dtype_equiv(a, b)) {
            return ndm_dtype_native(a);
        }
        if (ndm_dtype_is_structured(a) && ndm_dtype_is_structured(b)) {
            return promote_struct(a, b);
        }
        if (ta == tb && !ndm_dtype_is_structured(a) && !ndm_dtype_is_structured(b)) {
            PyErr_SetString(promotion_error_type,
                            "Invalid type promotion with void datatypes of different lengths. "
                            "Use the `np.bytes_` datatype instead to pad the shorter value with "
                            "trailing zero bytes.");
            return NULL;
        }
        return (NdmDtype *)promotion_error(a, b);
    }
    /* strings: lengths in characters */
    Py_ssize_t la = ta == NDM_UNICODE ? a->itemsize / 4 : ta == NDM_BYTES ? a->itemsize : str_len_of(ta);
    Py_ssize_t lb = tb == NDM_UNICODE ? b->itemsize / 4 : tb == NDM_BYTES ? b->itemsize : str_len_of(tb);
    Py_ssize_t n = la > lb ? la : lb;
    if (ta == NDM_UNICODE || tb == NDM_UNICODE) {
        return ndm_dtype_new_flexible(NDM_UNICODE, 4 * n);
    }
    return ndm_dtype_new_flexible(NDM_BYTES, n);
}

int
ndm_casting_converter(PyObject *obj, NdmCasting *out)
{
    const char *s = PyUnicode_Check(obj) ? PyUnicode_AsUTF8(obj) : NULL;
    if (s != NULL) {
        if (strcmp(s, "no") == 0) { *out = NDM_NO_CASTING; return 1; }
        if (strcmp(s, "equiv") == 0) { *out = NDM_EQUIV_CASTING; return 1; }
        if (strcmp(s, "safe") == 0) { *out = NDM_SAFE_CASTING; return 1; }
        if (strcmp(s, "same_kind") == 0) { *out = NDM_SAME_KIND_CASTING; return 1; }
        if (strcmp(s, "unsafe") == 0) { *out = NDM_UNSAFE_CASTING; return 1; }
    }
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError,
                 "casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' "
                 "(got %R)", obj);
    return 0;
}

static int
struct_can_cast(NdmDtype *from, NdmDtype *to, NdmCasting casting)
{
    /* by field name, as NumPy: names must match for casts better than unsafe */
    if (!ndm_dtype_is_structured(from) || !ndm_dtype_is_structured(to)) {
        return casting == NDM_UNSAFE_CASTING;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(from->names);
    if (PyTuple_GET_SIZE(to->names) != n) {
        return casting == NDM_UNSAFE_CASTING;
    }
    int layout_same = from->itemsize == to->itemsize;
    for (Py_ssize_t i = 0; i < n; i++) {
        NdmDtype *fa, *fb;
        Py_ssize_t oa, ob;
        if (ndm_dtype_field_at(from, i, &fa, &oa) < 0 || ndm_dtype_field_at(to, i, &fb, &ob) < 0) {
            PyErr_Clear();
            return 0;
        }
        int eq = PyObject_RichCompareBool(PyTuple_GET_ITEM(from->names, i),
                                          PyTuple_GET_ITEM(to->names, i), Py_EQ);
        if (eq < 0) {
            PyErr_Clear();
            return 0;
        }
        if (eq == 0 && casting <= NDM_EQUIV_CASTING) {
            return 0;
        }
        if (!ndm_dtype_can_cast(fa, fb, casting)) {
            return 0;
        }
        if (oa != ob) {
            layout_same = 0;
        }
    }
    if (casting <= NDM_EQUIV_CASTING && !layout_same) {
        return 0;
    }
    return 1;
}

int
ndm_dtype_can_cast(NdmDtype *from, NdmDtype *to, NdmCasting casting)
{
    if (casting == NDM_UNSAFE_CASTING) {
        return 1;
    }
    int ta = from->type_num, tb = to->type_num;
    if (ndm_dtype_is_structured(from) || ndm_dtype_is_structured(to)) {
        return struct_can_cast(from, to, casting);
    }
    if (SUB_BASE(from) != NULL || SUB_BASE(to) != NULL) {
        if (SUB_BASE(from) != NULL && SUB_BASE(to) != NULL
                && PyObject_RichCompareBool(SUB_SHAPE(from), SUB_SHAPE(to), Py_EQ) == 1) {
            return ndm_dtype_can_cast(SUB_BASE(from), SUB_BASE(to), casting);
        }
        PyErr_Clear();
        return 0;
    }
    if (casting == NDM_NO_CASTING || casting == NDM_EQUIV_CASTING) {
        if (ta != tb || from->itemsize != to->itemsize) {
            /* unsized flexible targets take any size of the same kind */
            return ta == tb && to->itemsize == 0 && ta >= NDM_NNUMERIC;
        }
        if (casting == NDM_NO_CASTING) {
            return ndm_dtype_isnative(from) == ndm_dtype_isnative(to);
        }
        return 1;
    }
    if (ta < NDM_NNUMERIC && tb < NDM_NNUMERIC) {
        if (numeric_safe(ta, tb)) {
            return 1;
        }
        if (casting == NDM_SAME_KIND_CASTING) {
            char ka = ndm_dtype_binfo[ta].kind, kb = ndm_dtype_binfo[tb].kind;
            if (ka == 'i' && kb == 'u') {
                return 0;
            }
            return kind_rank(ka) <= kind_rank(kb);
        }
        return 0;
    }
    if (tb == NDM_VOID) {
        return to->itemsize == 0 || to->itemsize >= from->itemsize;
    }
    if (ta == NDM_VOID) {
        return 0;
    }
    if (tb == NDM_BYTES || tb == NDM_UNICODE) {
        if (ta == NDM_UNICODE && tb == NDM_BYTES) {
            return 0;
        }
        if (to->itemsize == 0 || casting == NDM_SAME_KIND_CASTING) {
            return 1;
        }
        Py_ssize_t need = ta == NDM_UNICODE ? from->itemsize / 4 : ta == NDM_BYTES ? from->itemsize : str_len_of(ta);
        Py_ssize_t have = tb == NDM_UNICODE ? to->itemsize / 4 : to->itemsize;
        return have >= need;
    }
    /* string -> numeric */
    return 0;
}

/* ------------------------------------------------------------------ */
/* Module functions                                                   */
/* ------------------------------------------------------------------ */

static NdmDtype *
strong_dtype_of(PyObject *obj)
{
    if (ndm_state.ndarray_type != NULL && NdmArray_Check(obj)) {
        NdmDtype *d = ((NdmArray *)obj)->descr;
        Py_INCREF(d);
        return d;
    }
    if (ndm_scalar_check(obj)) {
        return ndm_scalar_get_dtype(obj);
    }
    return ndm_dtype_from_object(obj);
}

static PyObject *
mod_promote_types(PyObject *Py_UNUSED(m), PyObject *args)
{
    PyObject *o1, *o2;
    if (!PyArg_ParseTuple(args, "OO:promote_types", &o1, &o2)) {
        return NULL;
    }
    NdmDtype *a = ndm_dtype_from_object(o1), *b = a ? ndm_dtype_from_object(o2) : NULL;
    PyObject *r = NULL;
    if (a != NULL && b != NULL) {
        r = (PyObject *)ndm_dtype_promote(a, b);
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    return r;
}

static PyObject *
mod_can_cast(PyObject *Py_UNUSED(m), PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"from_", "to", "casting", NULL};
    PyObject *from, *to;
    NdmCasting casting = NDM_SAFE_CASTING;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|O&:can_cast", kwlist, &from, &to,
                                     ndm_casting_converter, &casting)) {
        return NULL;
    }
    if (PyLong_Check(from) || PyFloat_Check(from) || PyComplex_Check(from)) {
        if (!ndm_scalar_check(from)) {
            PyErr_SetString(PyExc_TypeError,
                            "can_cast() does not support Python ints, floats, and complex "
                            "because the result used to depend on the value.\nThis change was "
                            "part of adopting NEP 50, we may explicitly allow them again in the future.");
            return NULL;
        }
    }
    NdmDtype *a = strong_dtype_of(from);
    if (a == NULL) {
        return NULL;
    }
    NdmDtype *b = ndm_dtype_from_object(to);
    if (b == NULL) {
        Py_DECREF(a);
        return NULL;
    }
    int r = ndm_dtype_can_cast(a, b, casting);
    Py_DECREF(a);
    Py_DECREF(b);
    return PyBool_FromLong(r);
}

static PyObject *
mod_result_type(PyObject *Py_UNUSED(m), PyObject *args)
{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    NdmDtype *res = NULL;
    int weak = -1;   /* highest weak kind: 0 int, 1 float, 2 complex */
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "at least one array or dtype is required");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *o = PyTuple_GET_ITEM(args, i);
        if (!ndm_scalar_check(o) && !PyBool_Check(o)
                && (PyLong_Check(o) || PyFloat_Check(o) || PyComplex_Check(o))) {
            int k = PyLong_Check(o) ? 0 : PyFloat_Check(o) ? 1 : 2;
            if (k > weak) {
                weak = k;
            }
            continue;
        }
        NdmDtype *d = PyBool_Check(o) ? ndm_dtype_builtin(NDM_BOOL) : strong_dtype_of(o);
        if (d == NULL) {
            Py_XDECREF(res);
            return NULL;
        }
        if (res == NULL) {
            res = d;
            if (!ndm_dtype_is_structured(res) && !ndm_dtype_isnative(res)) {
                Py_SETREF(res, ndm_dtype_native(res));
                if (res == NULL) {
                    return NULL;
                }
            }
        }
        else {
            NdmDtype *p = ndm_dtype_promote(res, d);
            Py_DECREF(d);
            Py_DECREF(res);
            if (p == NULL) {
                return NULL;
            }
            res = p;
        }
    }
    if (weak < 0) {
        return (PyObject *)res;
    }
    int wt = weak == 0 ? NDM_INT64 : weak == 1 ? NDM_FLOAT64 : NDM_COMPLEX128;
    if (res == NULL) {
        return (PyObject *)ndm_dtype_builtin(wt);
    }
    if (res->type_num >= NDM_NNUMERIC) {
        NdmDtype *w = ndm_dtype_builtin(wt);
        if (w != NULL) {
            promotion_error(res, w);
            Py_DECREF(w);
        }
        Py_DECREF(res);
        return NULL;
    }
    int rk = kind_rank(res->kind);   /* b0 u1 i2 f3 c4 */
    int wk = weak == 0 ? 2 : weak == 1 ? 3 : 4;
    if (weak == 0 && rk >= 1) {
        return (PyObject *)res;
    }
    if (weak == 0) {
        Py_DECREF(res);
        return (PyObject *)ndm_dtype_builtin(NDM_INT64);
    }
    if (rk >= wk) {
        return (PyObject *)res;
    }
    int t;
    if (weak == 1) {
        t = NDM_FLOAT64;
    }
    else if (res->kind == 'f') {
        t = res->type_num == NDM_FLOAT64 ? NDM_COMPLEX128 : NDM_COMPLEX64;
    }
    else {
        t = NDM_COMPLEX128;
    }
    Py_DECREF(res);
    return (PyObject *)ndm_dtype_builtin(t);
}

static PyMethodDef dtype_module_functions[] = {
    {"promote_types", mod_promote_types, METH_VARARGS, "promote_types(type1, type2)"},
    {"can_cast", (PyCFunction)(void (*)(void))mod_can_cast, METH_VARARGS | METH_KEYWORDS,
     "can_cast(from_, to, casting='safe')"},
    {"result_type", mod_result_type, METH_VARARGS, "result_type(*arrays_and_dtypes)"},
    {NULL, NULL, 0, NULL},
};

/* The exception and functions of promotion (ndm_dtype_init calls it). */
int
ndm_dtype_promote_init(PyObject *module)
{
    if (promotion_error_type == NULL) {
        promotion_error_type = PyErr_NewExceptionWithDoc(
            "ndmem.exceptions.DTypePromotionError",
            "Multiple DTypes could not be converted to a common one.",
            PyExc_TypeError, NULL);
        if (promotion_error_type == NULL) {
            return -1;
        }
    }
    if (PyModule_AddObjectRef(module, "_DTypePromotionError", promotion_error_type) < 0) {
        return -1;
    }
    if (PyModule_AddFunctions(module, dtype_module_functions) < 0) {
        return -1;
    }
    return 0;
}

NdmDtype *
ndm_dtype_adapt_flexible(NdmDtype *from, NdmDtype *to)
{
    if (to->itemsize != 0 || ndm_dtype_is_structured(to) || to->type_num < NDM_NNUMERIC) {
        Py_INCREF(to);
        return to;
    }
    Py_ssize_t n;
    if (to->type_num == NDM_VOID) {
        n = from->itemsize;
    }
    else if (from->type_num == NDM_UNICODE) {
        n = from->itemsize / 4;
    }
    else if (from->type_num == NDM_BYTES || from->type_num == NDM_VOID) {
        n = from->itemsize;
    }
    else {
        n = str_len_of(from->type_num);
    }
    if (from->type_num == to->type_num) {
        Py_INCREF(from);
        return from;
    }
    return ndm_dtype_new_flexible(to->type_num, to->type_num == NDM_UNICODE ? 4 * n : n);
}
